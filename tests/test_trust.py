"""Trust, second round: what an attacker and a bad day found, each through the real app and database."""

import os
import re
import signal
import subprocess
import time
import urllib.request

import pytest
from helpers import JOBMATCH, KEY, free_port, kiosk_form, login, make_job, make_profile, run

from jobmatch.db import db
from jobmatch.models import AuditEvent, Outcome, Profile

KIOSK_BODY = {
    "name": "王桂兰",
    "phone": "13812345678",
    "age": 52,
    "town": "东流镇",
    "community": "东流社区",
    "experience": "服装厂平车十年",
    "desired": "平车",
    "availability": "day_only",
    "consent": True,
}


def bearer(app, role: str, name: str) -> dict:
    from jobmatch.auth import create_token

    with app.app_context():
        return {"Authorization": f"Bearer {create_token(db.session, name, role)}"}


def count(app, model, **where) -> int:
    with app.app_context():
        return db.session.query(model).filter_by(**where).count()


# --- idempotency keys belong to their caller ---------------------------------------------------------


def test_a_reused_key_from_another_kiosk_token_gets_nothing_of_the_first_resident(app, anonymous):
    first, second = bearer(app, "kiosk", "kiosk-a"), bearer(app, "kiosk", "kiosk-b")
    key = {"Idempotency-Key": "shared-key-0123456789"}
    mine = anonymous.post("/api/v1/profiles", json=KIOSK_BODY, headers={**first, **key})
    theirs = anonymous.post(
        "/api/v1/profiles", json={**KIOSK_BODY, "name": "李四", "desired": "保洁"}, headers={**second, **key}
    )
    assert mine.status_code == theirs.status_code == 201
    assert theirs.json["id"] != mine.json["id"] and theirs.json["ticket"] != mine.json["ticket"]
    assert theirs.json["name"] == "李*" and theirs.json["desired"] == "保洁"
    assert count(app, Profile) == 2


def test_the_same_key_and_body_is_a_retry_but_a_different_body_is_refused(app, anonymous):
    kiosk = bearer(app, "kiosk", "kiosk-a")
    key = {"Idempotency-Key": "retry-key-0123456789"}
    first = anonymous.post("/api/v1/profiles", json=KIOSK_BODY, headers={**kiosk, **key})
    retry = anonymous.post("/api/v1/profiles", json=KIOSK_BODY, headers={**kiosk, **key})
    other = anonymous.post("/api/v1/profiles", json={**KIOSK_BODY, "name": "李四"}, headers={**kiosk, **key})
    assert (first.status_code, retry.status_code) == (201, 201) and retry.json["id"] == first.json["id"]
    assert other.status_code == 409 and "Idempotency-Key" in other.json["error"]["fields"]
    assert "王" not in str(other.json) and count(app, Profile) == 1


def test_the_kiosk_form_keys_are_scoped_to_the_browser_session(app):
    first, second = app.test_client(), app.test_client()
    form = kiosk_form(first)
    done = first.post("/kiosk", data=form)
    assert done.status_code == 303
    ticket = done.headers["Location"].rsplit("/", 1)[1]
    # Another browser replays the first one's key with its own session's CSRF token.
    stolen = kiosk_form(second, submission_key=form["submission_key"], name="李四", phone="13900000001")
    answer = second.post("/kiosk", data=stolen)
    assert answer.status_code == 303 and ticket not in answer.headers["Location"]
    page = second.get(answer.headers["Location"]).get_data(as_text=True)
    assert "王*兰" not in page and "王桂兰" not in page
    assert count(app, Profile) == 2


def test_the_same_kiosk_form_sent_again_with_other_words_keeps_them_and_asks_again(app, anonymous):
    form = kiosk_form(anonymous)
    assert anonymous.post("/kiosk", data=form).status_code == 303
    changed = anonymous.post("/kiosk", data={**form, "desired": "想做保洁"})
    page = changed.get_data(as_text=True)
    assert changed.status_code == 422 and "已经提交过" in page and "想做保洁" in page
    assert KEY.search(page).group(1) != form["submission_key"]  # a fresh key for the corrected form
    assert count(app, Profile) == 1


# --- consent -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [{}, {"desired": "保洁"}, {"desired": "保洁", "consent": False}])
def test_a_kiosk_token_cannot_create_a_profile_without_consent(app, anonymous, body):
    response = anonymous.post("/api/v1/profiles", json=body, headers=bearer(app, "kiosk", "kiosk-a"))
    assert response.status_code == 422 and "consent" in response.json["error"]["fields"]
    assert count(app, Profile) == 0


def test_consent_is_recorded_with_the_profile(app, anonymous, client):
    made = anonymous.post("/api/v1/profiles", json=KIOSK_BODY, headers=bearer(app, "kiosk", "kiosk-a"))
    by_staff = make_profile(client)  # staff typing for a resident who did not say: no consent is claimed
    with app.app_context():
        assert db.session.get(Profile, made.json["id"]).consented_at is not None
        assert db.session.get(Profile, by_staff["id"]).consented_at is None


# --- who deleted ---------------------------------------------------------------------------------------


def test_an_api_deletion_names_the_token_in_the_audit_trail(app, client, users):  # noqa: F811
    profile = make_profile(client)
    remover = app.test_client()
    assert (
        remover.delete(f"/api/v1/profiles/{profile['id']}", headers=bearer(app, "staff", "stall-tablet")).status_code
        == 204
    )
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(action="delete").one()
        assert (event.user_id, event.actor, event.target) == (None, "token:stall-tablet", f"profile:{profile['id']}")
    listed = client.get("/api/v1/audit").json["items"][0]
    assert listed["actor"] == "token:stall-tablet"
    office = app.test_client()
    assert login(office, "clerk", "clerk-password").status_code == 302
    assert "令牌 stall-tablet" in office.get("/office/audit").get_data(as_text=True)


def test_the_command_line_is_named_in_the_audit_trail(app, cli_env):
    assert run("purge", "--older-than", "1", env=cli_env).returncode == 0
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(action="purge").one().actor == "cli"


# --- GETs from another site write nothing ---------------------------------------------------------------

CROSS_SITE = {"Sec-Fetch-Site": "cross-site"}
SAME_SITE = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def staff_page(app, users):  # noqa: F811
    staff = app.test_client()
    assert login(staff, "stall", "stall-password").status_code == 302
    return staff


@pytest.mark.parametrize(
    "url",
    [
        "/staff/residents/{profile}/shortlist.pdf",
        "/staff/residents/{profile}/print",
        "/staff/jobs/{job}/shortlist.pdf",
        "/staff/jobs/{job}/print",
        "/staff/follow-up/print",
    ],
)
def test_a_cross_site_link_cannot_print_and_write_the_audit_trail(app, client, staff_page, url):
    job, profile = make_job(client), make_profile(client)
    target = url.format(profile=profile["id"], job=job["id"])
    refused = staff_page.get(target, headers=CROSS_SITE)
    assert refused.status_code == 403 and "别处的链接" in refused.get_data(as_text=True)
    foreign_referrer = staff_page.get(target, headers={"Referer": "http://evil.example/page"})
    assert foreign_referrer.status_code == 403
    assert count(app, AuditEvent) == 0 and count(app, Outcome) == 0
    assert staff_page.get(target, headers=SAME_SITE).status_code == 200
    assert count(app, AuditEvent, action="print") == 1


@pytest.mark.parametrize("url", ["/office/export/jobs.xlsx", "/office/export/outcomes.xlsx"])
def test_a_cross_site_link_cannot_export(app, client, staff_page, url):
    make_job(client)
    assert staff_page.get(url, headers=CROSS_SITE).status_code == 403
    assert count(app, AuditEvent) == 0
    assert staff_page.get(url, headers=SAME_SITE).status_code == 200 and count(app, AuditEvent, action="export") == 1


def test_a_cross_site_link_to_a_ticket_shows_it_but_records_nothing(app, client, anonymous):
    make_job(client)
    key = {"Idempotency-Key": "ticket-key-0123456789"}
    made = anonymous.post("/api/v1/profiles", json=KIOSK_BODY, headers={**bearer(app, "kiosk", "kiosk-a"), **key}).json
    for url in (f"/kiosk/t/{made['ticket']}", f"/kiosk/t/{made['ticket']}/slip.pdf"):
        assert anonymous.get(url, headers=CROSS_SITE).status_code == 200
    assert count(app, Outcome) == 0
    assert anonymous.get(f"/kiosk/t/{made['ticket']}", headers=SAME_SITE).status_code == 200
    assert count(app, Outcome, status="shown") >= 1


# --- closed vacancies, phones, places, forms -------------------------------------------------------------


def test_a_closed_vacancy_is_not_found_by_the_public(app, client, anonymous):
    job = make_job(client)
    assert anonymous.get(f"/api/v1/jobs/{job['id']}").status_code == 200
    client.post(f"/api/v1/jobs/{job['id']}/close")
    gone = anonymous.get(f"/api/v1/jobs/{job['id']}")
    assert gone.status_code == 404 and gone.json["error"]["code"] == "not_found"
    assert anonymous.get(f"/api/v1/jobs/{job['id']}", headers=bearer(app, "kiosk", "kiosk-a")).status_code == 404
    assert client.get(f"/api/v1/jobs/{job['id']}").json["is_open"] is False  # the office and staff still see it


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("13900000009", "13900000009"),
        ("+86 139-0000-0009", "13900000009"),
        ("0086 139 0000 0009", "13900000009"),
        ("139 0000 0009", "13900000009"),
        ("１３９００００００09", "13900000009"),
        ("0566-7035218", "0566-7035218"),
        ("(0566) 7035218", "0566-7035218"),
        ("010-12345678", "010-12345678"),
        ("+86 566 7035218", "0566-7035218"),
    ],
)
def test_mainland_phones_are_accepted_in_one_form(app, client, given, stored):
    made = make_profile(client, phone=given)
    job = make_job(client, contact_phone=given)
    with app.app_context():
        assert db.session.get(Profile, made["id"]).phone == stored
    assert job["contact_phone"] == stored


@pytest.mark.parametrize(
    "given",
    [
        "139000000091",
        "1390000000",
        "12900000000",
        "+1 415 555 0100",
        "0566-123",
        "call me",
        "400-123-4567",
        "13900000009 转 8",
    ],
)
def test_other_phones_are_refused_with_a_chinese_reason(app, client, given):
    response = client.post("/api/v1/profiles", json={"phone": given, "desired": "保洁"})
    assert response.status_code == 422
    assert "11 位" in response.json["error"]["fields"]["phone"][0]
    assert count(app, Profile) == 0


def test_the_kiosk_form_refuses_a_bad_phone_in_chinese(app, anonymous):
    response = anonymous.post("/kiosk", data=kiosk_form(anonymous, phone="139000000091"))
    assert response.status_code == 422 and "请填写正确的手机号码" in response.get_data(as_text=True)
    assert count(app, Profile) == 0


@pytest.mark.parametrize("place", ["火星/基地", "东流镇/火星基地", "火星/"])
def test_a_tampered_place_is_refused_on_the_kiosk_form(app, anonymous, place):
    response = anonymous.post("/kiosk", data=kiosk_form(anonymous, place=place))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "请选择您住的社区" in page and "<html" in page
    assert count(app, Profile) == 0


def test_a_kiosk_token_must_name_a_place_of_the_gazetteer(app, anonymous):
    kiosk = bearer(app, "kiosk", "kiosk-a")
    refused = anonymous.post(
        "/api/v1/profiles", json={**KIOSK_BODY, "town": "火星", "community": "基地"}, headers=kiosk
    )
    assert refused.status_code == 422 and "place" in refused.json["error"]["fields"]
    assert anonymous.post("/api/v1/profiles", json=KIOSK_BODY, headers=kiosk).status_code == 201


def test_a_missing_fair_on_a_page_form_answers_a_page(app, anonymous):
    response = anonymous.post("/kiosk", data=kiosk_form(anonymous, fair_id="999"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert "集市" in page and "王桂兰" in page  # the message says what, and what was typed is kept
    assert count(app, Profile) == 0


# --- jobmatch serve --dev --------------------------------------------------------------------------------


@pytest.mark.slow
def test_serve_dev_serves(tmp_path):
    port = free_port()
    env = {**os.environ, "JOBMATCH_INSTANCE_PATH": str(tmp_path / "instance"), "PYTHONPATH": os.getcwd()}
    env.pop("JOBMATCH_DATABASE_URL", None)
    process = subprocess.Popen(
        [JOBMATCH, "serve", "--dev", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        body = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                    body = reply.read().decode()
                    break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.5)
        assert body is not None and '"status":"ok"' in body.replace(" ", ""), (
            process.stdout.read1().decode() if process.poll() is not None else "no answer"
        )
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
    assert "Ignoring a call to 'app.run()'" not in output
    assert re.search(r"development server on http://127\.0\.0\.1:\d+", output)
