"""Bad input everywhere gets a clear 4xx, never a 500 and never a half write. README "Bad input" mirrors this table."""

import io
import shutil
import subprocess

import pytest
from helpers import CSRF, kiosk_form, make_job, make_profile, run

from jobmatch.db import db
from jobmatch.models import Job, Profile

JOB = {"title": "包装工", "employer": "东流塑胶"}
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE profiles; --"

# (case, method, url, body or raw bytes, expected status, field named in the error)
API_CASES = [
    ("malformed JSON", "POST", "/api/v1/jobs", b'{"title": ', 400, None),
    ("a JSON array, not an object", "POST", "/api/v1/jobs", b"[1, 2]", 400, None),
    ("wrong type", "POST", "/api/v1/jobs", {**JOB, "openings": "five"}, 422, "openings"),
    ("unknown enum", "POST", "/api/v1/jobs", {**JOB, "shift": "night"}, 422, "shift"),
    ("unknown field", "POST", "/api/v1/jobs", {**JOB, "salary": 1}, 422, "salary"),
    ("negative pay", "POST", "/api/v1/jobs", {**JOB, "wage_min": -100}, 422, "wage_min"),
    ("absurd pay", "POST", "/api/v1/jobs", {**JOB, "wage_max": 9_000_000}, 422, "wage_max"),
    ("day pay in month range", "POST", "/api/v1/jobs", {**JOB, "wage_max": 6000, "wage_unit": "day"}, 422, "wage_max"),
    ("wage_min > wage_max", "POST", "/api/v1/jobs", {**JOB, "wage_min": 5000, "wage_max": 3000}, 422, "wage_min"),
    ("age out of range", "POST", "/api/v1/profiles", {"age": 230}, 422, "age"),
    ("age limits reversed", "POST", "/api/v1/jobs", {**JOB, "age_min": 60, "age_max": 18}, 422, "age_min"),
    ("latitude out of range", "POST", "/api/v1/profiles", {"lat": 91, "lon": 116}, 422, "lat"),
    ("coordinate not a number", "POST", "/api/v1/profiles", {"lat": "north", "lon": 116}, 422, "lat"),
    ("half a coordinate", "POST", "/api/v1/profiles", {"lat": 30.2}, 422, "lat"),
    ("over-long string", "POST", "/api/v1/jobs", {**JOB, "title": "工" * 201}, 422, "title"),
    ("control character", "POST", "/api/v1/profiles", {"name": "王\x07兰"}, 422, "name"),
    ("control character in free text", "POST", "/api/v1/profiles", {"experience": "做过\x00保洁"}, 422, "experience"),
    ("over-long description", "POST", "/api/v1/jobs", {**JOB, "description": "包吃住" * 1400}, 422, "description"),
    ("null for a required field", "POST", "/api/v1/jobs", {**JOB, "title": None}, 422, "title"),
    ("NaN pay", "POST", "/api/v1/jobs", b'{"title": "x", "employer": "y", "wage_min": NaN}', 422, "wage_min"),
    ("id past 32 bits", "GET", "/api/v1/jobs/99999999999999", None, 404, None),
    ("bad query value", "GET", "/api/v1/jobs?per_page=100000", None, 422, "per_page"),
    ("unknown query parameter", "GET", "/api/v1/jobs?order=desc", None, 422, "order"),
    ("wrong method", "DELETE", "/api/v1/jobs", None, 405, None),
    ("JSON nested 5,000 deep", "POST", "/api/v1/jobs", b"[" * 5000 + b"]" * 5000, 400, None),
    (
        "JSON nested 5,000 deep in a field",
        "POST",
        "/api/v1/profiles",
        b'{"experience": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        400,
        None,
    ),
    # JSON may spell a lone UTF-16 surrogate, which no database can store (the bytes are sent as written).
    ("lone surrogate in a title", "POST", "/api/v1/jobs", b'{"title": "\\ud800", "employer": "y"}', 422, "title"),
    ("lone surrogate in a name", "POST", "/api/v1/profiles", b'{"name": "\\udfff\\u738b"}', 422, "name"),
    ("lone surrogate in free text", "POST", "/api/v1/profiles", b'{"experience": "\\u505a\\ud83d"}', 422, "experience"),
    (
        "lone surrogate in a list",
        "POST",
        "/api/v1/jobs",
        b'{"title": "x", "employer": "y", "skills": ["\\ud800"]}',
        422,
        "skills",
    ),
    ("lone surrogate in a firm", "POST", "/api/v1/employers", b'{"name": "\\ud800"}', 422, "name"),
    (
        "lone surrogate in a fair",
        "POST",
        "/api/v1/fairs",
        b'{"name": "\\ud800", "date": "2026-03-15", "town": "x"}',
        422,
        "name",
    ),
    (
        "lone surrogate in a field's name",
        "POST",
        "/api/v1/jobs",
        b'{"title": "x", "employer": "y", "\\ud800": 1}',
        422,
        "\\ud800",
    ),
    *[
        (f"{name} past any page on {path}", "GET", f"{path}?{name}=99999999999999999999", None, 422, name)
        for path in (
            "/api/v1/fairs",
            "/api/v1/employers",
            "/api/v1/jobs",
            "/api/v1/profiles",
            "/api/v1/outcomes",
            "/api/v1/audit",
        )
        for name in ("page", "per_page")
    ],
]


@pytest.mark.parametrize("case, method, url, body, status, field", API_CASES, ids=[c[0] for c in API_CASES])
def test_api_bad_input(app, client, case, method, url, body, status, field):
    if isinstance(body, bytes):
        response = client.open(url, method=method, data=body, content_type="application/json")
    else:
        response = client.open(url, method=method, json=body)
    assert response.status_code == status, response.json
    assert set(response.json["error"]) == {"code", "message", "fields"}
    if field:
        assert field in response.json["error"]["fields"]
    with app.app_context():
        assert db.session.query(Job).count() == 0 and db.session.query(Profile).count() == 0  # nothing half-written


def test_duplicate_ids_conflict_and_write_nothing(app, client):
    make_job(client, id="J-7")
    assert client.post("/api/v1/jobs", json={**JOB, "id": "J-7"}).status_code == 409
    make_profile(client, id="P-7")
    assert client.post("/api/v1/profiles", json={"id": "P-7"}).status_code == 409
    with app.app_context():
        assert db.session.query(Job).count() == 1 and db.session.query(Profile).count() == 1


def test_script_and_sql_come_back_escaped_on_pages(app, client):
    make_job(client, title=XSS, employer=SQL)
    response = client.post("/kiosk", data=kiosk_form(client, name=SQL[:40], experience=XSS, desired=SQL))
    assert response.status_code == 303
    ticket_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>" not in ticket_page and "&lt;script&gt;" in ticket_page
    with app.app_context():
        assert db.session.query(Profile).one().desired == SQL  # stored as text, tables intact
    from jobmatch.auth import create_user

    with app.app_context():
        create_user(db.session, "stall", "stall-password", "staff")
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"csrf_token": token, "username": "stall", "password": "stall-password"})
    with app.app_context():
        pid = db.session.query(Profile).one().id
    page = client.get(f"/staff/residents/{pid}").get_data(as_text=True)
    assert "<script>" not in page and "<img src=x" not in page and "&lt;script&gt;" in page


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_script_comes_back_as_plain_text_in_pdfs(app, client, tmp_path):
    make_job(client, title=XSS, skills=["平车"])
    response = client.post("/kiosk", data=kiosk_form(client))
    slip = client.get(response.headers["Location"] + "/slip.pdf")
    assert slip.status_code == 200
    (tmp_path / "slip.pdf").write_bytes(slip.data)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "slip.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert '<script>alert("x")</script>' in text  # shown literally, not interpreted


def _xlsx_with_merged_cells() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["岗位名称", "企业名称", "招聘人数"])
    sheet.append(["包装工", "东流塑胶", 3])
    sheet.append(["质检员", None, 2])
    sheet.merge_cells("B2:B3")  # the clerk merged the firm's cell over two rows
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


IMPORT_CASES = [
    ("blank rows are skipped", "a.csv", "岗位名称,企业名称\n\n包装工,东流塑胶\n,\n".encode(), 200, "共 1 行"),
    ("merged cells leave the lower rows empty", "a.xlsx", _xlsx_with_merged_cells(), 200, "企业名称：必须填写"),
    (
        "a wrong encoding (UTF-16)",
        "a.csv",
        "岗位名称,企业名称\n包装工,东流塑胶\n".encode("utf-16"),
        422,
        "文件编码无法识别",
    ),
    ("a PDF named .csv", "a.csv", b"%PDF-1.7 binary \xff\xfe", 422, "文件编码无法识别"),
    ("no heading row", "a.csv", "包装工,东流塑胶\n".encode(), 422, "包含“岗位名称”列"),
]


@pytest.mark.parametrize("case, name, data, status, message", IMPORT_CASES, ids=[c[0] for c in IMPORT_CASES])
def test_import_bad_input(app, client, case, name, data, status, message):
    from helpers import upload

    from jobmatch.auth import create_user

    with app.app_context():
        create_user(db.session, "clerk", "clerk-password", "office")
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"csrf_token": token, "username": "clerk", "password": "clerk-password"})
    response = upload(client, name, data)
    assert response.status_code == status and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Job).count() == 0


def test_a_surrogate_pair_is_an_emoji_not_an_error(client):
    response = client.post(
        "/api/v1/jobs",
        data=b'{"title": "\\ud83d\\udd25\\u5e73\\u8f66\\u5de5", "employer": "y"}',
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json["title"] == "🔥平车工"


def test_bytes_that_are_not_utf8_in_a_query_or_a_form_never_become_a_surrogate(app, client):
    # %ED%A0%80 is a surrogate written as UTF-8: the query and the form keep such bytes as they were sent, or as
    # U+FFFD, never as a surrogate, so they can be stored.
    assert client.get("/api/v1/jobs?q=%ED%A0%80").status_code == 200
    from jobmatch.auth import create_user

    with app.app_context():
        create_user(db.session, "clerk", "clerk-password", "office")
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"csrf_token": token, "username": "clerk", "password": "clerk-password"})
    token = CSRF.search(client.get("/office/employers").get_data(as_text=True)).group(1)
    response = client.post(
        "/office/employers",
        data=f"csrf_token={token}&name=%ED%A0%80%E4%B8%9C",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 303
    name = client.get("/api/v1/employers").json["items"][0]["name"]
    assert name.endswith("东") and not any("\ud800" <= c <= "\udfff" for c in name)


@pytest.mark.parametrize("schema", ["JobQuery", "EmployerQuery"])
def test_query_schemas_refuse_a_surrogate_too(schema):
    from marshmallow import ValidationError

    from jobmatch import schemas

    with pytest.raises(ValidationError) as err:
        getattr(schemas, schema)().load({"q": "\ud800"})
    assert "q" in err.value.messages


# (page, query) pages that list with ?page=; the fair's page is filled in by the test
PAGE_NUMBER_CASES = [
    (path, page)
    for path in ("/office/jobs", "/office/audit", "/staff/fairs/{fair}")
    for page in ("99999999999999999999", "0", "-3", "abc", "100001")
]


@pytest.mark.parametrize("path, page", PAGE_NUMBER_CASES, ids=[f"{p} page={n}" for p, n in PAGE_NUMBER_CASES])
def test_pages_refuse_a_page_number_past_any_list_with_a_page(app, client, path, page):
    from jobmatch.auth import create_user

    fair = client.post("/api/v1/fairs", json={"name": "春风行动", "date": "2026-03-15", "town": "东流镇"}).json["id"]
    with app.app_context():
        create_user(db.session, "stall", "stall-password", "staff")
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"csrf_token": token, "username": "stall", "password": "stall-password"})
    url = path.format(fair=fair)
    assert client.get(f"{url}?page=2").status_code == 200  # an empty page past the end is still a page
    response = client.get(f"{url}?page={page}")
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and response.content_type.startswith("text/html")
    assert "页码（page）应是 1 到 100000 之间的整数" in text and "<html" in text


def test_the_batch_command_refuses_a_surrogate_and_deep_json_by_line_and_field(tmp_path, cli_env):
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text('{"title": "平车工", "employer": "y"}\n{"title": "\\ud800", "employer": "y"}\n', encoding="utf-8")
    result = run("import-jobs", str(jobs), env=cli_env)
    assert (
        result.returncode == 2 and "jobs.jsonl:2: field 'title'" in result.stderr and "Traceback" not in result.stderr
    )
    jobs.write_text('{"title": ' + "[" * 5000 + "]" * 5000 + "}\n", encoding="utf-8")
    result = run("import-jobs", str(jobs), env=cli_env)
    assert result.returncode == 2 and "jobs.jsonl:1: not valid JSON (nested too deeply)" in result.stderr
