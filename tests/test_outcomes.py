"""The outcome lifecycle: legal and illegal steps, openings counting down, shortlists shown and who recorded what."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from helpers import CSRF, Gunicorn, http, kiosk_form, login, make_job, make_profile, make_token
from sqlalchemy import select, text

from jobmatch import lifecycle
from jobmatch.db import db
from jobmatch.models import Outcome


def make_other_token(app) -> str:
    """A second staff token: someone other than the `client` fixture's."""
    from jobmatch.auth import create_token

    with app.app_context():
        return create_token(db.session, "tests-other-staff", "staff")


def step(client, profile_id: int, job_id: int, status: str):
    return client.post("/api/v1/outcomes", json={"profile_id": profile_id, "job_id": job_id, "status": status})


@pytest.mark.parametrize(
    "steps",
    [
        ["shown", "contacted", "interviewed", "hired"],
        ["contacted", "interviewed", "declined_by_firm"],
        ["shown", "declined_by_resident"],
        ["contacted", "no_show", "contacted", "interviewed", "hired"],
        ["interviewed", "no_show", "declined_by_resident"],
        ["hired"],  # signed on the spot at the fair
    ],
)
def test_legal_paths_are_recorded_in_order(client, app, steps):
    job, profile = make_job(client), make_profile(client)
    for status in steps:
        response = step(client, profile["id"], job["id"], status)
        assert response.status_code == 201, (status, response.json)
        assert response.json["recorder"] == "token:tests-staff"
    listed = client.get(f"/api/v1/outcomes?profile_id={profile['id']}").json["items"]
    assert [o["status"] for o in reversed(listed)] == steps


@pytest.mark.parametrize(
    "before, illegal",
    [
        (["hired"], "contacted"),
        (["hired"], "declined_by_firm"),
        (["declined_by_resident"], "contacted"),
        (["declined_by_firm"], "hired"),
        (["interviewed"], "contacted"),
        (["contacted", "interviewed"], "shown"),
        (["shown"], "shown"),
        (["shown"], "no_show"),
        ([], "no_show"),
    ],
)
def test_illegal_steps_are_refused_with_a_clear_error(client, app, before, illegal):
    job, profile = make_job(client), make_profile(client)
    for status in before:
        assert step(client, profile["id"], job["id"], status).status_code == 201
    response = step(client, profile["id"], job["id"], illegal)
    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "conflict" and "status" in error["fields"]
    assert lifecycle.LABELS[illegal] in error["message"]
    with app.app_context():  # nothing was written by the refused step
        assert db.session.scalar(select(text("count(*)")).select_from(Outcome)) == len(before)


def test_an_unknown_status_is_a_validation_error(client):
    job, profile = make_job(client), make_profile(client)
    response = step(client, profile["id"], job["id"], "declined")
    assert response.status_code == 422 and "status" in response.json["error"]["fields"]


def test_hires_count_the_openings_down_and_close_the_vacancy(client, app):
    job = make_job(client, openings=2)
    residents = [make_profile(client, phone=f"1381234000{i}") for i in range(3)]
    assert step(client, residents[0]["id"], job["id"], "hired").status_code == 201
    after_one = client.get(f"/api/v1/jobs/{job['id']}").json
    assert (after_one["openings"], after_one["is_open"]) == (1, True)
    assert step(client, residents[1]["id"], job["id"], "hired").status_code == 201
    closed = client.get(f"/api/v1/jobs/{job['id']}").json
    assert (closed["openings"], closed["is_open"]) == (0, False)
    assert closed["closed_at"] is not None
    refused = step(client, residents[2]["id"], job["id"], "hired")
    assert refused.status_code == 409 and "已招满" in refused.json["error"]["message"]
    # The live index hears of the closure: the vacancy leaves the third resident's matches.
    assert job["id"] not in [
        m["job"]["id"] for m in client.get(f"/api/v1/profiles/{residents[2]['id']}/matches").json["matches"]
    ]
    # A decline does not give the opening back or take one.
    assert step(client, residents[2]["id"], job["id"], "declined_by_firm").status_code == 201
    assert client.get(f"/api/v1/jobs/{job['id']}").json["openings"] == 0


def test_the_kiosk_screen_records_the_shortlist_shown_with_its_weights(client, app):
    make_job(client)
    make_job(client, title="包装工", description="塑料厂包装，长白班", skills=["包装"])
    form = kiosk_form(client)
    ticket_page = client.post("/kiosk", data=form, follow_redirects=True)
    assert ticket_page.status_code == 200
    with app.app_context():
        shown = db.session.scalars(select(Outcome).order_by(Outcome.rank)).all()
        weights = app.extensions["jobmatch.index"].weights
        assert shown and all(o.status == "shown" and o.weights == weights and o.recorder == "kiosk" for o in shown)
        assert [o.rank for o in shown] == list(range(1, len(shown) + 1))
        assert all(0 <= o.score <= 1 for o in shown)
        ticket = db.session.scalar(text("SELECT ticket FROM profiles"))
    client.get(f"/kiosk/t/{ticket}")  # seen again: nothing new
    with app.app_context():
        assert db.session.scalar(select(text("count(*)")).select_from(Outcome)) == len(shown)


def test_staff_see_only_the_steps_that_may_follow(client, app, users):
    job, profile = make_job(client), make_profile(client)
    staff = app.test_client()
    login(staff, "stall", "stall-password")
    page = staff.get(f"/staff/residents/{profile['id']}").get_data(as_text=True)
    assert 'value="hired"' in page and 'value="no_show"' not in page
    token = CSRF.search(page).group(1)
    for status in ("contacted", "interviewed", "hired"):
        done = staff.post(
            f"/staff/residents/{profile['id']}/outcomes",
            data={"csrf_token": token, "job_id": job["id"], "status": status},
        )
        assert done.status_code == 303
    page = staff.get(f"/staff/residents/{profile['id']}").get_data(as_text=True)
    assert "跟进中的岗位" in page and "已录用" in page and 'name="status"' not in page
    again = staff.post(
        f"/staff/residents/{profile['id']}/outcomes",
        data={"csrf_token": token, "job_id": job["id"], "status": "contacted"},
    )
    assert again.status_code == 409 and "已录用" in again.get_data(as_text=True)  # a stale page gets a friendly page
    with app.app_context():
        assert {o.recorder for o in db.session.scalars(select(Outcome))} == {"user:stall"}


@pytest.mark.slow
def test_concurrent_hires_never_take_more_openings_than_there_are(database_url, tmp_path):
    token = make_token(database_url, tmp_path / "a")
    server = Gunicorn(database_url, tmp_path / "a", workers=2)
    try:
        status, job = http(
            "POST",
            server.base + "/api/v1/jobs",
            {"title": "包装工", "employer": "东至塑料制品厂", "openings": 2},
            token=token,
        )
        assert status == 201, job
        profiles = []
        for i in range(8):
            status, profile = http(
                "POST",
                server.base + "/api/v1/profiles",
                {"name": "居民", "phone": f"1381234{i:04d}", "age": 50},
                token=token,
            )
            assert status == 201
            profiles.append(profile["id"])

        def hire(profile_id: int) -> int:
            return http(
                "POST",
                server.base + "/api/v1/outcomes",
                {"profile_id": profile_id, "job_id": job["id"], "status": "hired"},
                token=token,
            )[0]

        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(hire, profiles))
        assert sorted(codes) == [201, 201] + [409] * 6
        status, after = http("GET", server.base + f"/api/v1/jobs/{job['id']}", token=token)
        assert (after["openings"], after["is_open"]) == (0, False)
    finally:
        server.stop()


def test_a_step_pressed_by_mistake_can_be_undone_at_once_and_a_hire_gives_its_opening_back(client, app):
    job, profile = make_job(client, openings=1), make_profile(client)
    interviewed = step(client, profile["id"], job["id"], "interviewed").json
    hired = step(client, profile["id"], job["id"], "hired").json
    assert client.get(f"/api/v1/jobs/{job['id']}").json["is_open"] is False
    assert client.delete(f"/api/v1/outcomes/{interviewed['id']}").status_code == 409  # not the latest step
    assert client.delete(f"/api/v1/outcomes/{hired['id']}").status_code == 204
    reopened = client.get(f"/api/v1/jobs/{job['id']}").json
    assert (reopened["openings"], reopened["is_open"], reopened["closed_at"]) == (1, True, None)
    assert [o["status"] for o in client.get(f"/api/v1/outcomes?profile_id={profile['id']}").json["items"]] == [
        "interviewed"
    ]
    assert job["id"] in [
        m["job"]["id"] for m in client.get(f"/api/v1/profiles/{profile['id']}/matches").json["matches"]
    ]
    with app.app_context():
        assert (
            db.session.scalar(text("SELECT target FROM audit_events WHERE action = 'undo'")) == f"outcome:{hired['id']}"
        )


@pytest.mark.parametrize("why", ["someone else", "too late", "unknown"])
def test_undo_is_refused_to_others_after_the_window_and_for_unknown_steps(client, app, why):
    job, profile = make_job(client), make_profile(client)
    contacted = step(client, profile["id"], job["id"], "contacted").json
    other = app.test_client()
    if why == "someone else":
        other.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {make_other_token(app)}"
        response = other.delete(f"/api/v1/outcomes/{contacted['id']}")
        assert response.status_code == 409 and "不是您记的" in response.json["error"]["message"]
    elif why == "too late":
        with app.app_context():
            db.session.execute(
                text("UPDATE outcomes SET created_at = :t"), {"t": datetime.now(timezone.utc) - timedelta(minutes=16)}
            )
            db.session.commit()
        response = client.delete(f"/api/v1/outcomes/{contacted['id']}")
        assert response.status_code == 409 and "超过 15 分钟" in response.json["error"]["message"]
    else:
        assert client.delete("/api/v1/outcomes/999999").status_code == 404
    assert client.get(f"/api/v1/outcomes?profile_id={profile['id']}").json["total"] == 1


def test_staff_undo_a_mistaken_step_on_the_page(client, app, users):
    job, profile = make_job(client), make_profile(client)
    staff = app.test_client()
    login(staff, "stall", "stall-password")
    page = staff.get(f"/staff/residents/{profile['id']}").get_data(as_text=True)
    token = CSRF.search(page).group(1)
    staff.post(
        f"/staff/residents/{profile['id']}/outcomes",
        data={"csrf_token": token, "job_id": job["id"], "status": "declined_by_firm"},
    )
    page = staff.get(f"/staff/residents/{profile['id']}").get_data(as_text=True)
    assert "撤销「企业未录用」" in page
    with app.app_context():
        outcome_id = db.session.scalar(select(Outcome.id))
    undone = staff.post(f"/staff/residents/{profile['id']}/outcomes/{outcome_id}/undo", data={"csrf_token": token})
    assert undone.status_code == 303
    page = staff.get(f"/staff/residents/{profile['id']}").get_data(as_text=True)
    assert "跟进中的岗位" not in page and 'value="contacted"' in page
