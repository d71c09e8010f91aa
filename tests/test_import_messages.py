"""Messages that say what is wrong: a sheet without a required column is told so once, with the headings the import
reads; a value outside a closed list is answered with the list, in Chinese."""

import html

import pytest
from helpers import csrf, upload, xlsx_bytes

from jobmatch import importing
from jobmatch.db import db
from jobmatch.models import Job

ROWS = [["包装工", "东流塑胶", 3]] * 40


def test_an_xlsx_without_the_firm_column_is_refused_once_naming_it(app, clerk):
    response = upload(clerk, "清单.xlsx", xlsx_bytes([["岗位名称", "招聘单位", "人数"], *ROWS]))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert page.count("缺少“企业名称”列") == 1 and "企业名称：必须填写" not in page
    assert "必须有的列：岗位名称、企业名称" in page and "班次" in page and "联系电话" in page  # the headings it reads
    assert "没有认出的表头：招聘单位" in page  # the column the clerk meant
    with app.app_context():
        assert db.session.query(Job).count() == 0


def test_a_sheet_without_an_optional_column_is_fine(clerk):
    response = upload(clerk, "清单.xlsx", xlsx_bytes([["岗位名称", "企业名称", "招聘人数"], *ROWS[:2]]))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "共 2 行" in page and "缺少" not in page


def test_a_sheet_without_a_heading_row_still_says_so():
    with pytest.raises(importing.ImportFileError) as refused:
        importing.parse("a.csv", "包装工,东流塑胶\n".encode())
    assert "第 1 行应是表头，并包含“岗位名称”列和“企业名称”列" in str(refused.value)


SHIFTS_SAID = "班次：不在可选范围内，可选：白班、两班倒、三班倒、钟点/半天、时间灵活"


def test_a_refused_shift_lists_the_shifts_in_chinese_on_the_form(clerk):
    form = {"csrf_token": csrf(clerk, "/office/jobs/new"), "title": "门卫", "employer": "东流物业"}
    response = clerk.post("/office/jobs/new", data={**form, "wage_unit": "month", "shift": "night"})
    assert response.status_code == 422 and SHIFTS_SAID in html.unescape(response.get_data(as_text=True))


def test_a_refused_shift_in_a_sheet_lists_the_words_the_sheet_accepts(clerk):
    sheet = xlsx_bytes([["岗位名称", "企业名称", "班次", "工资单位"], ["保安", "东流物业", "夜班", "周"]])
    page = html.unescape(upload(clerk, "清单.xlsx", sheet).get_data(as_text=True))
    assert SHIFTS_SAID in page and "工资单位：不在可选范围内，可选：月、天、小时" in page
    # every word listed is one the import reads
    for word in ("白班", "两班倒", "三班倒", "钟点/半天", "时间灵活"):
        assert importing.parse("a.csv", f"岗位名称,企业名称,班次\n保安,东流物业,{word}\n".encode())[0].ok, word


def test_the_api_keeps_its_english_list(client):
    response = client.post("/api/v1/jobs", json={"title": "门卫", "employer": "东流物业", "shift": "night"})
    assert response.status_code == 422
    assert "Must be one of: day, two_shift, three_shift, part_time, flexible." in str(response.json)
