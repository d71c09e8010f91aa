"""Roles, tokens, masking, headers, rate limits, audit, purge, and personal data kept out of logs."""

import logging
import re
from datetime import datetime, timedelta, timezone

import pytest
from helpers import make_job, make_profile, run, token_for

from jobmatch.auth import revoke_token
from jobmatch.db import db
from jobmatch.models import AuditEvent, Outcome, Profile


@pytest.fixture
def tokens(app):
    return {role: {"Authorization": f"Bearer {token_for(app, role)}"} for role in ("kiosk", "office")}


def test_every_endpoint_declares_who_may_use_it(app):
    undeclared = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if not rule.endpoint.endswith("static") and not getattr(app.view_functions[rule.endpoint], "access", None)
    ]
    assert undeclared == []
    levels = {level for view in app.view_functions.values() for level in getattr(view, "access", ())}
    assert levels <= {"public", "kiosk", "office", "staff"}


@pytest.mark.parametrize(
    "method, url, nobody, kiosk, office",
    [
        ("GET", "/healthz", 200, 200, 200),
        ("GET", "/api/v1/openapi.json", 200, 200, 200),
        ("GET", "/api/v1/jobs", 200, 200, 200),
        ("GET", "/api/v1/employers", 200, 200, 200),
        ("GET", "/api/v1/profiles", 401, 403, 403),
        ("GET", "/api/v1/profiles/1", 401, 403, 403),
        ("DELETE", "/api/v1/profiles/1", 401, 403, 403),
        ("GET", "/api/v1/profiles/1/matches", 401, 403, 403),
        ("GET", "/api/v1/jobs/1/matches", 401, 403, 403),
        ("GET", "/api/v1/outcomes", 401, 403, 403),
        ("POST", "/api/v1/jobs", 401, 403, 201),
        ("GET", "/api/v1/audit", 401, 403, 200),
    ],
)
def test_role_matrix(client, anonymous, tokens, method, url, nobody, kiosk, office):
    make_job(client)
    make_profile(client)
    body = {"title": "门卫", "employer": "东流物业"} if method == "POST" else None
    assert anonymous.open(url, method=method, json=body).status_code == nobody
    assert anonymous.open(url, method=method, json=body, headers=tokens["kiosk"]).status_code == kiosk
    assert anonymous.open(url, method=method, json=body, headers=tokens["office"]).status_code == office


def test_the_kiosk_creates_a_profile_and_reads_only_its_ticket(anonymous, client, tokens):
    make_job(client)
    body = {
        "name": "王桂兰",
        "phone": "13812345678",
        "desired": "平车缝纫",
        "availability": "day_only",
        "consent": True,
    }
    key = {"Idempotency-Key": "kiosk-3f9a1c2b7d4e5f60"}
    created = anonymous.post("/api/v1/profiles", json=body, headers={**tokens["kiosk"], **key})
    again = anonymous.post("/api/v1/profiles", json=body, headers={**tokens["kiosk"], **key})
    assert created.status_code == 201 and again.json["id"] == created.json["id"]
    assert created.json["name"] == "王*兰" and created.json["phone"] == "138****5678"
    ticket = created.json["ticket"]
    assert re.fullmatch(r"[23456789A-HJKMNP-Z]{8}", ticket)
    matches = anonymous.get(f"/api/v1/tickets/{ticket}/matches", headers=tokens["kiosk"])
    assert matches.status_code == 200 and matches.json["matches"][0]["job"]["title"] == "平车工"
    assert anonymous.get("/api/v1/tickets/AAAAAAAA/matches", headers=tokens["kiosk"]).status_code == 404
    assert anonymous.get(f"/api/v1/tickets/{ticket}/matches").status_code == 401
    assert anonymous.get("/api/v1/profiles", headers=tokens["kiosk"]).status_code == 403
    bad = anonymous.post("/api/v1/profiles", json=body, headers={**tokens["kiosk"], "Idempotency-Key": "x"})
    assert bad.status_code == 400 and "Idempotency-Key" in bad.json["error"]["fields"]


def test_a_revoked_token_stops_working(app, anonymous):
    header = {"Authorization": f"Bearer {token_for(app, 'office')}"}
    assert anonymous.get("/api/v1/audit", headers=header).status_code == 200
    with app.app_context():
        revoke_token(db.session, "tests-office")
    assert anonymous.get("/api/v1/audit", headers=header).status_code == 401
    assert anonymous.get("/api/v1/audit", headers={"Authorization": "Bearer jm_made-up"}).status_code == 401


def test_tokens_are_stored_hashed(app):
    token = token_for(app, "kiosk")
    with app.app_context():
        from jobmatch.models import ApiToken

        stored = db.session.query(ApiToken).one()
        assert token not in (stored.token_hash, stored.name) and len(stored.token_hash) == 64


def test_the_public_sees_open_vacancies_only(client, anonymous):
    open_job = make_job(client)
    closed = make_job(client, title="门卫", employer="东流物业")
    client.post(f"/api/v1/jobs/{closed['id']}/close")
    assert [j["id"] for j in anonymous.get("/api/v1/jobs?open=false").json["items"]] == [open_job["id"]]
    assert len(client.get("/api/v1/jobs").json["items"]) == 2


@pytest.mark.parametrize("url", ["/healthz", "/api/v1/jobs", "/kiosk", "/login", "/nowhere", "/static/jobmatch.css"])
def test_security_headers_on_every_response(anonymous, url):
    with anonymous.get(url) as response:
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'none'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script_or_style(anonymous):
    page = anonymous.get("/kiosk").get_data(as_text=True)
    assert "<script" not in page and "style=" not in page and "onclick" not in page


def test_login_is_rate_limited(app, anonymous):
    app.config["RATE_LIMIT_LOGIN"] = "3 per minute"
    token = re.search(r'name="csrf_token" value="([^"]+)"', anonymous.get("/login").get_data(as_text=True)).group(1)
    form = {"csrf_token": token, "username": "stall", "password": "guess"}
    codes = [anonymous.post("/login", data=form).status_code for _ in range(5)]
    assert codes == [401, 401, 401, 429, 429]
    assert "操作太频繁了" in anonymous.post("/login", data=form).get_data(as_text=True)


def test_kiosk_api_is_rate_limited_but_staff_are_not(app, anonymous, client, tokens):
    app.config["RATE_LIMIT_KIOSK"] = "2 per minute"
    body = {"desired": "保洁", "consent": True}
    codes = [anonymous.post("/api/v1/profiles", json=body, headers=tokens["kiosk"]).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    assert client.post("/api/v1/profiles", json={"desired": "保洁"}).status_code == 201


def test_request_size_is_limited(client):
    response = client.post("/api/v1/jobs", data=b"{" + b" " * (3 * 1024 * 1024) + b"}", content_type="application/json")
    assert response.status_code == 413 and response.json["error"]["code"] == "request_entity_too_large"


def test_delete_erases_personal_data_and_anonymises_outcomes(app, client):
    profile = make_profile(client)
    job = make_job(client)
    client.post(
        "/api/v1/outcomes",
        json={"profile_id": profile["id"], "job_id": job["id"], "status": "hired", "note": "王桂兰本人同意"},
    )
    assert client.delete(f"/api/v1/profiles/{profile['id']}").status_code == 204
    with app.app_context():
        outcome = db.session.query(Outcome).one()
        assert (outcome.status, outcome.note) == ("hired", "")
        assert db.session.query(AuditEvent).filter_by(action="delete").count() == 1


def test_audit_is_readable_by_the_office_and_not_editable(app, client, anonymous, tokens):
    profile = make_profile(client)
    client.delete(f"/api/v1/profiles/{profile['id']}")
    events = anonymous.get("/api/v1/audit", headers=tokens["office"]).json["items"]
    assert [(e["action"], e["target"]) for e in events] == [("delete", f"profile:{profile['id']}")]
    for method in ("POST", "PATCH", "DELETE", "PUT"):
        assert anonymous.open("/api/v1/audit", method=method, headers=tokens["office"]).status_code == 405


def test_purge_erases_old_profiles_only(app, cli_env, database_url):
    from sqlalchemy import create_engine, update
    from sqlalchemy.orm import Session

    assert run("demo", env=cli_env).returncode == 0
    engine = create_engine(database_url)
    with Session(engine) as session:
        ids = [p.id for p in session.query(Profile).order_by(Profile.id).limit(3)]
        session.execute(
            update(Profile)
            .where(Profile.id.in_(ids))
            .values(created_at=datetime.now(timezone.utc) - timedelta(days=400))
        )
        session.commit()
    result = run("purge", "--older-than", "365", env=cli_env)
    assert result.returncode == 0 and "purged 3 profiles" in result.stdout
    with Session(engine) as session:
        erased = session.query(Profile).filter(Profile.deleted_at.is_not(None)).all()
        assert sorted(p.id for p in erased) == ids and all(p.name is None and p.phone is None for p in erased)
        assert session.query(Profile).filter(Profile.deleted_at.is_(None)).count() >= 90
        assert session.query(AuditEvent).filter_by(action="purge").count() == 1
    engine.dispose()
    assert run("purge", "--older-than", "0", env=cli_env).returncode == 2


def test_personal_data_never_reaches_the_logs(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    job = make_job(client)
    profile = make_profile(client, name="欧阳秀珍", phone="13987654321")
    client.get(f"/api/v1/profiles/{profile['id']}/matches")
    client.get(f"/api/v1/jobs/{job['id']}/matches")
    client.post("/api/v1/profiles", json={"name": "欧阳秀珍", "phone": "13987654321", "age": 300})
    client.delete(f"/api/v1/profiles/{profile['id']}")
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "13987654321" not in text and "欧阳秀珍" not in text
