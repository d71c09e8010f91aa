"""Spreadsheets in and out: exports write text as text (no formula ever runs), imports refuse formulas, stop reading
at the row limit, and previews expire after a day. Through the real app on SQLite and PostgreSQL."""

import io
import os
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from helpers import CSRF, make_job, make_profile, upload
from openpyxl import Workbook, load_workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from jobmatch import importing
from jobmatch.db import db
from jobmatch.models import Job
from jobmatch.spreadsheet import looks_like_formula, neutralise, workbook

LURE = '=HYPERLINK("http://x.example/pay","点我看工资")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"


def _cells(data: bytes) -> list:
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(data: bytes) -> list:
    """Every cell of the workbook; none of them is a formula."""
    cells = _cells(data)
    formulas = [(cell.coordinate, cell.value) for cell in cells if cell.data_type == "f"]
    assert formulas == []
    return [cell.value for cell in cells]


# --- the one function ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", [LURE, "+HYPERLINK(1)", "-2+3+cmd|' /C calc'!A0", DDE, "\t=1+1", "\r=1+1", "-", "+86 139"]
)
def test_text_that_could_start_a_formula_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["平车工", "'已经是文字", "包装工 =1", "", -5, -0.5, 3, 4500.0, None, True])
def test_other_values_stay_as_they_are(value):
    assert neutralise(value) == value


def test_a_workbook_keeps_numbers_numbers_and_text_text():
    cells = {cell.value: cell.data_type for cell in _cells(workbook("表", ["名称", "数"], [(LURE, -5), ("=1+1", 2.5)]))}
    assert cells == {"名称": "s", "数": "s", "'" + LURE: "s", -5: "n", "'=1+1": "s", 2.5: "n"}


@pytest.mark.parametrize(
    "text, formula",
    [
        (LURE, True),
        ("=1+1", True),
        ("  =A1", True),
        ('+HYPERLINK("http://x")', True),
        ("@SUM(A1:A3)", True),
        ("-2+3+cmd|' /C calc'!A0", True),
        (DDE, True),
        ("-长白班平车工", False),
        ("+86 139 0000 0009", False),
        ("-5", False),
        ("包装工=计件", False),
        ("@所有人 急招", False),
        ("- 包吃住\n- 长白班(8小时)", False),
    ],
)
def test_an_imported_cell_looks_like_a_formula_only_when_a_spreadsheet_would_run_it(text, formula):
    assert looks_like_formula(text) is formula


# --- exports through the app -----------------------------------------------------------------------


@pytest.fixture
def lured(app, client):
    """A fair, a vacancy and an outcome whose words are all would-be formulas."""
    fair = client.post("/api/v1/fairs", json={"name": "=1+1", "date": "2026-03-15", "town": "东流镇"}).json
    job = make_job(client, title=LURE, employer=DDE, perks=["+加班费"], community="-东流社区", fair_id=fair["id"])
    profile = make_profile(client, fair_id=fair["id"])
    assert (
        client.post(
            "/api/v1/outcomes", json={"profile_id": profile["id"], "job_id": job["id"], "status": "contacted"}
        ).status_code
        == 201
    )
    return fair


def test_jobs_export_writes_every_text_cell_as_text(lured, clerk):
    response = clerk.get("/office/export/jobs.xlsx")
    assert response.status_code == 200
    values = assert_no_formula(response.data)
    assert "'" + LURE in values and "'" + DDE in values and "'+加班费" in values and "'-东流社区" in values
    assert 4000 in values and 6000 in values  # pay stays a number


def test_outcomes_export_writes_every_text_cell_as_text(lured, clerk):
    response = clerk.get("/office/export/outcomes.xlsx")
    assert response.status_code == 200
    values = assert_no_formula(response.data)
    assert "'" + LURE in values and "'" + DDE in values


def test_report_workbook_writes_every_text_cell_as_text(lured, clerk):
    response = clerk.get(f"/office/reports.xlsx?fair={lured['id']}")
    assert response.status_code == 200
    values = assert_no_formula(response.data)
    assert "'=1+1" in values and "'" + DDE in values  # the fair's name and the firm's


def test_the_import_template_has_no_formula(clerk):
    assert "平车工" in assert_no_formula(clerk.get("/office/import/template.xlsx").data)


# --- formulas in an imported list ------------------------------------------------------------------


def test_an_imported_formula_is_flagged_and_never_saved(clerk, app):
    rows = [
        ["岗位名称", "企业名称", "岗位描述"],
        [LURE, "东流塑胶", ""],
        ["包装工", DDE, ""],
        ["-长白班平车工", "东流服饰", "- 包吃住"],
    ]
    data = "\n".join(",".join('"' + cell.replace('"', '""') + '"' for cell in row) for row in rows).encode()
    response = upload(clerk, "list.csv", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("像是表格公式") == 2 and "2 行有错" in page
    assert 'name="row" value="2"' not in page and 'name="row" value="3"' not in page and 'name="row" value="4"' in page
    token = page.split('name="token" value="')[1].split('"')[0]
    clerk.post(
        "/office/import/confirm",
        data={"csrf_token": CSRF.search(page).group(1), "token": token, "row": ["2", "3", "4"]},
    )
    with app.app_context():
        assert [job.title for job in db.session.query(Job)] == ["-长白班平车工"]


# --- reading stops at the limit --------------------------------------------------------------------

BIG_ROWS = 400_000


@pytest.fixture(scope="session")
def big_xlsx(tmp_path_factory) -> bytes:
    """A 2 MB XLSX of 400,000 rows, as openpyxl's write-only mode writes it (no <dimension> ahead of the rows)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("岗位清单")
    sheet.append(["岗位名称"])
    for _ in range(BIG_ROWS):
        sheet.append(["包装工"])
    out = io.BytesIO()
    book.save(out)
    assert len(out.getvalue()) < 2 * 2**20 - 1000  # fits under the upload limit with the form around it
    return out.getvalue()


@pytest.fixture(scope="session")
def big_xlsx_cut_short(big_xlsx) -> bytes:
    """The same file with its sheet cut off mid-row after the first 10,000 rows: a reader that reaches the end finds
    broken XML, one that stops at the limit never sees it."""
    source = zipfile.ZipFile(io.BytesIO(big_xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = (
                    content[: content.index(b'<row r="10001">')] + b'<row r="10001"><c r="A10001" t="inlineStr"><is><t>'
                )
            target.writestr(item.filename, content)
    return out.getvalue()


def _refused(data: bytes, name: str = "big.xlsx") -> str:
    with pytest.raises(importing.ImportFileError) as err:
        importing.parse(name, data)
    return str(err.value)


def test_a_huge_xlsx_is_refused_at_row_5001_without_reading_the_rest(big_xlsx):
    _refused(big_xlsx)  # openpyxl and the schemas imported before measuring
    tracemalloc.start()
    try:
        message = _refused(big_xlsx)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message == "一次最多导入 5000 行，请拆分文件"
    assert peak < 30 * 2**20  # reading all 400,000 rows took over 130 MB


def test_the_reader_never_reaches_the_end_of_a_huge_sheet(big_xlsx_cut_short):
    # openpyxl's read-only mode alone looks for the sheet's size through the whole sheet, and would find the break.
    assert _refused(big_xlsx_cut_short) == "一次最多导入 5000 行，请拆分文件"


def test_a_huge_csv_stops_at_the_limit_too():
    over_long = '"' + "长" * 200_000 + '"\n'  # past csv's field limit: reading it is an error
    assert (
        _refused(("岗位名称\n" + over_long).encode(), "short.csv")
        == "CSV 文件格式有误，请在 Excel 中另存为 CSV 或 XLSX 后再上传"
    )
    assert (
        _refused(("岗位名称\n" + "包装工\n" * 6000 + over_long).encode(), "big.csv")
        == "一次最多导入 5000 行，请拆分文件"
    )


def _far_apart_xlsx() -> bytes:
    book = Workbook()
    book.active["A1"], book.active["A1000000"] = "岗位名称", "包装工"  # a million rows apart, a 5 KB file
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "name, data",
    [
        ("blank.csv", ("岗位名称\n" + "\n" * 60_000 + "包装工\n").encode()),
        ("far.xlsx", _far_apart_xlsx()),
    ],
    ids=["csv", "xlsx"],
)
def test_a_sheet_mostly_blank_is_refused_at_its_row_limit(name, data):
    assert _refused(data, name) == "表格超过 50000 行（空行也算），一次最多导入 5000 行，请删去空行或拆分文件"


def test_a_zip_that_unpacks_to_too_much_is_refused(big_xlsx):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(big_xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item))
        target.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>ab</t></si>" * (1_000_000) + b"</sst>")
    assert "解压后太大" in _refused(out.getvalue())


def test_the_office_upload_of_a_huge_xlsx_is_refused_with_the_limit(clerk, app, big_xlsx):
    # The body is encoded here: the test client would spool one this big to a temporary file that it never closes.
    form = {
        "csrf_token": CSRF.search(clerk.get("/office/import").get_data(as_text=True)).group(1),
        "file": FileStorage(io.BytesIO(big_xlsx), "big.xlsx"),
    }
    boundary, body = encode_multipart(form)
    response = clerk.post("/office/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 422 and "一次最多导入 5000 行，请拆分文件" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Job).count() == 0


# --- previews expire after a day -------------------------------------------------------------------


def _preview(clerk) -> tuple[str, str]:
    page = upload(clerk, "list.csv", "岗位名称,企业名称\n包装工,东流塑胶\n".encode()).get_data(as_text=True)
    return CSRF.search(page).group(1), page.split('name="token" value="')[1].split('"')[0]


def test_a_preview_older_than_a_day_is_refused_and_deleted(clerk, app):
    csrf, token = _preview(clerk)
    path = Path(app.instance_path) / "imports" / f"{token}.json"
    day_ago = time.time() - importing.PREVIEW_SECONDS - 60
    os.utime(path, (day_ago, day_ago))
    response = clerk.post("/office/import/confirm", data={"csrf_token": csrf, "token": token, "row": ["2"]})
    assert response.status_code == 422 and "这份预览已超过一天，已经作废，请重新上传文件" in response.get_data(
        as_text=True
    )
    assert not path.exists()
    with app.app_context():
        assert db.session.query(Job).count() == 0


def test_making_a_preview_deletes_the_old_ones_and_keeps_the_fresh(clerk, app):
    csrf, old = _preview(clerk)
    _, fresh = _preview(clerk)
    folder = Path(app.instance_path) / "imports"
    day_ago = time.time() - importing.PREVIEW_SECONDS - 60
    os.utime(folder / f"{old}.json", (day_ago, day_ago))
    _, newest = _preview(clerk)
    assert sorted(p.stem for p in folder.glob("*.json")) == sorted([fresh, newest])
    assert oct((folder / f"{newest}.json").stat().st_mode & 0o777) == "0o600"
    response = clerk.post("/office/import/confirm", data={"csrf_token": csrf, "token": fresh, "row": ["2"]})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.query(Job).count() == 1
