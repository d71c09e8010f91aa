"""Files as they come: explicit nulls, emoji and decorated titles, through the batch command, the API, the import,
the pages and the PDFs; what a posting's words say is read into the fields the office left empty."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import CSRF, kiosk_form, make_job, run, upload, write_jsonl, xlsx_bytes

from jobmatch.db import db
from jobmatch.models import Job, Profile

SHARED_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
EMOJI_TITLE = "🔥7000➕家政保洁+就近安排+绝不考证"
NULL_JOB = {
    "id": "J9",
    "title": EMOJI_TITLE,
    "employer": "好帮手家政✅",
    "description": None,
    "wage_unit": None,
    "skills": None,
    "shift": None,
    "perks": None,
    "openings": None,
    "lat": None,
    "lon": None,
    "age_min": None,
}


# --- batch files ------------------------------------------------------------------------------------


def test_rank_reads_nulls_and_emoji_and_loses_no_record(tmp_path):
    jobs = write_jsonl(
        tmp_path / "jobs.jsonl",
        [
            NULL_JOB,
            {
                "id": "J10",
                "title": "【急招】★普工✅包吃住 5-6k",
                "description": None,
                "wage_min": None,
                "wage_max": None,
            },
            {"id": "J11", "title": "早八晚五 仓库看守380一天可临时工日结兼职"},
        ],
    )
    profiles = write_jsonl(
        tmp_path / "profiles.jsonl",
        [
            {
                "id": "P1",
                "name": "王阿姨🌸",
                "age": None,
                "experience": None,
                "desired": "想做保洁😀",
                "expected_wage": None,
                "availability": None,
                "lat": None,
                "lon": None,
            },
            {"id": "P2", "experience": "在厂里做过普工", "desired": None},
        ],
    )
    result = run("rank", "--jobs", str(jobs), "--profiles", str(profiles), "--top", "3")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["profile_id"] for line in lines] == ["P1", "P2"]
    assert all(len(line["matches"]) == 3 for line in lines)  # every vacancy ranked for everyone
    assert lines[0]["matches"][0]["job_id"] == "J9"  # 想做保洁 reads 家政保洁 through the emoji
    assert lines[1]["matches"][0]["job_id"] == "J10"


@pytest.mark.skipif(not SHARED_EVAL.is_dir(), reason="../shared/eval is beside the checkout in development and CI")
@pytest.mark.parametrize("jobs, profiles", [("dev", "dev"), ("real-dev", "dev"), ("limits-dev", "limits-dev")])
def test_every_shared_evaluation_file_ranks_as_it_is(tmp_path, jobs, profiles):
    out = tmp_path / "out.jsonl"
    result = run(
        "rank",
        "--jobs",
        str(SHARED_EVAL / jobs / "jobs.jsonl"),
        "--profiles",
        str(SHARED_EVAL / profiles / "profiles.jsonl"),
        "--top",
        "5",
        "-o",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    given = (SHARED_EVAL / profiles / "profiles.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(written) == len([line for line in given if line.strip()])


def test_import_jobs_command_takes_nulls_and_keeps_the_title_whole(tmp_path, cli_env, app):
    jobs = write_jsonl(tmp_path / "jobs.jsonl", [NULL_JOB])
    result = run("import-jobs", str(jobs), env=cli_env)
    assert result.returncode == 0, result.stderr
    with app.app_context():
        job = db.session.query(Job).one()
        assert job.title == EMOJI_TITLE and job.employer.name == "好帮手家政✅"
        assert (job.wage_min, job.wage_unit, job.openings, job.shift) == (7000, "month", 1, "day")
        assert job.read_from_text["filled"] == ["wage"] and job.read_from_text["occupation"] == "家政保洁"


# --- the API ----------------------------------------------------------------------------------------


def test_api_takes_nulls_and_emoji_and_gives_them_back(client):
    job = make_job(
        client,
        **{k: v for k, v in NULL_JOB.items() if k != "id"},
        wage_min=None,
        wage_max=None,
        age_max=None,
        town=None,
        community=None,
        contact_phone=None,
    )
    got = client.get(f"/api/v1/jobs/{job['id']}").json
    assert got["title"] == EMOJI_TITLE and got["employer"] == "好帮手家政✅" and got["description"] == ""
    assert got["wage_min"] == 7000 and got["wage_unit"] == "month"
    assert got["read_from_text"] == {"occupation": "家政保洁", "filled": ["wage"], "summary": ["月薪 7000"]}
    profile = client.post(
        "/api/v1/profiles", json={"name": "王阿姨🌸", "desired": "想做保洁😀", "age": None, "phone": None}
    )
    assert profile.status_code == 201, profile.json
    assert client.get(f"/api/v1/profiles/{profile.json['id']}").json["desired"] == "想做保洁😀"


def test_patch_with_null_changes_nothing(client):
    job = make_job(client)
    patched = client.patch(f"/api/v1/jobs/{job['id']}", json={"wage_max": None, "title": None, "openings": 3})
    assert patched.status_code == 200, patched.json
    assert (patched.json["wage_max"], patched.json["title"], patched.json["openings"]) == (6000, "平车工", 3)


# --- reading what the office left empty ---------------------------------------------------------------


def test_the_words_fill_only_what_the_office_left_empty(client):
    job = make_job(
        client,
        title="东流工业园诚聘包装工",
        description="招10人，年龄18-50岁，月薪4500-5500，包吃住，两班倒",
        wage_min=None,
        wage_max=None,
        age_min=None,
        age_max=None,
        shift=None,
        openings=None,
        perks=None,
    )
    assert (job["wage_min"], job["wage_max"], job["age_min"], job["age_max"]) == (4500, 5500, 18, 50)
    assert (job["shift"], job["openings"], job["perks"]) == ("two_shift", 10, ["包吃住"])
    assert job["read_from_text"]["filled"] == ["age", "openings", "perks", "shift", "wage"]
    assert job["read_from_text"]["summary"] == ["月薪 4500-5500", "包吃住", "两班倒", "18-50 岁", "招 10 人"]

    given = make_job(client, description="月薪8000，三班倒，招20人，18-35岁，包吃住")  # every field given
    assert (given["wage_min"], given["shift"], given["openings"], given["age_max"], given["perks"]) == (
        4000,
        "day",
        5,
        55,
        ["班车接送"],
    )
    assert given["read_from_text"]["filled"] == []


def test_filled_fields_follow_the_words_until_the_office_gives_them(client):
    job = make_job(client, title="货运司机8k+", description="", wage_min=None, wage_max=None, shift=None, openings=None)
    assert (job["wage_min"], job["wage_max"]) == (8000, None)
    moved = client.patch(f"/api/v1/jobs/{job['id']}", json={"title": "货运司机 日薪300"}).json
    assert (moved["wage_min"], moved["wage_max"], moved["wage_unit"]) == (300, 300, "day")
    given = client.patch(
        f"/api/v1/jobs/{job['id']}", json={"wage_min": 6000, "wage_max": 7000, "wage_unit": "month"}
    ).json
    assert "wage" not in given["read_from_text"]["filled"]
    again = client.patch(f"/api/v1/jobs/{job['id']}", json={"title": "货运司机 月薪9000"}).json
    assert (again["wage_min"], again["wage_max"]) == (6000, 7000)  # the office's figure stays


def test_words_that_stop_saying_a_field_clear_it(client):
    job = make_job(client, title="仓库看守 包吃住", description="", perks=None)
    assert job["perks"] == ["包吃住"]
    cleared = client.patch(f"/api/v1/jobs/{job['id']}", json={"title": "仓库看守"}).json
    assert cleared["perks"] == [] and "perks" not in cleared["read_from_text"]["filled"]


# --- the import and the pages ------------------------------------------------------------------------


def test_import_preview_shows_what_the_words_say_and_saving_keeps_it(clerk, app):
    head = ["岗位名称", "企业名称", "岗位描述", "最低工资", "最高工资", "班次"]
    data = xlsx_bytes(
        [
            head,
            ["【急招】普工🔥", "东流塑胶厂", "长白班，包吃住，月薪5-6k，招8人", None, None, None],
            ["平车工", "东流服饰", None, 4000, 6000, "白班"],
        ]
    )
    preview = upload(clerk, "清单.xlsx", data)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and page.count("可以保存") >= 2
    assert "月薪 5000-6000、包吃住、白班、招 8 人" in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    clerk.post(
        "/office/import/confirm", data={"csrf_token": CSRF.search(page).group(1), "token": token, "row": ["2", "3"]}
    )
    with app.app_context():
        jobs = {j.title: j for j in db.session.query(Job)}
        assert set(jobs) == {"【急招】普工🔥", "平车工"}
        assert (jobs["【急招】普工🔥"].wage_min, jobs["【急招】普工🔥"].openings) == (5000, 8)
        assert jobs["平车工"].read_from_text["filled"] == []
        first = jobs["【急招】普工🔥"].id
    edit = clerk.get(f"/office/jobs/{first}/edit").get_data(as_text=True)
    assert "从文字读出：月薪 5000-6000、包吃住、白班、招 8 人" in edit
    assert 'placeholder="从文字读出：5000"' in edit and 'value="【急招】普工🔥"' in edit  # the form keeps the emoji


def test_office_edit_left_empty_keeps_the_reading_and_filled_in_makes_it_the_offices(clerk, app):
    clerk.environ_base.pop("HTTP_AUTHORIZATION")
    with app.app_context():
        from jobmatch import services

        job = services.create_job(db.session, {"title": "保洁员 月薪3000", "employer": "东流物业", "description": ""})
        services.commit(db.session)
        job_id = job.id
    page = clerk.get(f"/office/jobs/{job_id}/edit").get_data(as_text=True)
    form = {
        "csrf_token": CSRF.search(page).group(1),
        "title": "保洁员 月薪3500",
        "employer": "东流物业",
        "wage_min": "",
        "wage_max": "",
        "wage_unit": "month",
        "shift": "",
        "openings": "1",
    }
    assert clerk.post(f"/office/jobs/{job_id}/edit", data=form).status_code == 303
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert (job.wage_min, job.read_from_text["filled"]) == (3500, ["wage"])
    form.update(wage_min="3200", wage_max="3200")
    clerk.post(f"/office/jobs/{job_id}/edit", data=form)
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert (job.wage_min, job.read_from_text["filled"]) == (3200, [])


def test_kiosk_takes_a_name_with_an_emoji_and_pages_show_it_without_the_glyph(client, app, staff):
    response = client.post("/kiosk", data=kiosk_form(client, name="王阿姨🌸", desired="想做保洁😀"))
    assert response.status_code == 303, re.findall(r'class="error"[^<]*<[^>]*>([^<]*)', response.get_data(as_text=True))
    with app.app_context():
        profile = db.session.query(Profile).one()
        assert profile.name == "王阿姨🌸"  # stored as typed
        profile_id = profile.id
    page = staff.get(f"/staff/residents/{profile_id}").get_data(as_text=True)
    assert "王阿姨" in page and "🌸" not in page and "😀" not in page


@pytest.mark.parametrize(
    "field, value, message",
    [("name", "王" * 51, "姓名太长了"), ("desired", "想做\x07保洁", "“想做什么”里有无法识别的字符")],
)
def test_kiosk_names_what_is_wrong_with_text_it_cannot_keep(client, field, value, message):
    response = client.post("/kiosk", data=kiosk_form(client, **{field: value}))
    assert response.status_code == 422 and message in response.get_data(as_text=True)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_leaves_out_glyphs_its_font_lacks(staff, app, tmp_path):
    make_job(staff, title=EMOJI_TITLE, employer="好帮手家政✅")
    with app.app_context():
        from jobmatch import services

        profile = services.create_profile(db.session, {"name": "王阿姨🌸", "desired": "想做家政保洁", "town": "东流镇"})
        services.commit(db.session)
        profile_id = profile.id
    pdf = tmp_path / "slip.pdf"
    pdf.write_bytes(staff.get(f"/staff/residents/{profile_id}/shortlist.pdf").data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "王*姨" in text and "家政保洁" in text  # the staff print masks the name, without the flower
    assert not re.search("[\U0001f000-\U0001faff\u2795\u2705]", text)


def test_giving_part_of_a_group_drops_the_rest_of_the_words_reading(client):
    job = make_job(client, title="装卸工 日薪300-350", description="", wage_min=None, wage_max=None, wage_unit=None)
    assert (job["wage_min"], job["wage_max"], job["wage_unit"]) == (300, 350, "day")
    patched = client.patch(f"/api/v1/jobs/{job['id']}", json={"wage_max": 5000})
    assert patched.status_code == 200, patched.json
    assert (patched.json["wage_min"], patched.json["wage_max"], patched.json["wage_unit"]) == (None, 5000, "month")
