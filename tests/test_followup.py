"""The monthly follow-up lists: residents of past fairs to call about newer vacancies, and vacancies nobody was
contacted about."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from helpers import login, make_job, make_profile
from sqlalchemy import update

from jobmatch import services
from jobmatch.db import db
from jobmatch.localtime import LOCAL, local_today
from jobmatch.models import AuditEvent, Job
from jobmatch.services import followup

SEWING = {"experience": "在服装厂踩了十几年平车", "desired": "想找个缝纫的活，白天上班"}


def posted(app, job_id: int, day) -> None:
    with app.app_context():
        db.session.execute(
            update(Job).where(Job.id == job_id).values(created_at=datetime.combine(day, time(9), tzinfo=LOCAL))
        )
        services.bump_version(db.session)
        db.session.commit()


@pytest.fixture
def seeded(app, client):
    """A fair ten days ago and one today; vacancies posted before and after the first; residents in every state."""
    today = local_today()
    past = client.post(
        "/api/v1/fairs", json={"name": "十一月大集", "date": str(today - timedelta(days=10)), "town": "东流镇"}
    ).json
    current = client.post("/api/v1/fairs", json={"name": "今天的大集", "date": str(today), "town": "东流镇"}).json
    before = make_job(client, title="平车工（集市前）")
    after = make_job(client, title="平车工（新单）", employer="东至县新单服饰厂")
    filled = make_job(client, title="平车工（已招满）", employer="东至县满员服饰厂", openings=1)
    for job, day in (
        (before, today - timedelta(days=12)),
        (after, today - timedelta(days=3)),
        (filled, today - timedelta(days=3)),
    ):
        posted(app, job["id"], day)
    people = {
        name: make_profile(
            client, name=name, phone=f"1390000000{i}", fair_id=(current if name == "今天来的" else past)["id"], **SEWING
        )
        for i, name in enumerate(["等电话", "已录用", "已删除", "已联系过", "今天来的"])
    }
    assert (
        client.post(
            "/api/v1/outcomes", json={"profile_id": people["已录用"]["id"], "job_id": filled["id"], "status": "hired"}
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/api/v1/outcomes",
            json={"profile_id": people["已联系过"]["id"], "job_id": after["id"], "status": "contacted"},
        ).status_code
        == 201
    )
    assert client.delete(f"/api/v1/profiles/{people['已删除']['id']}").status_code == 204
    return {"people": people, "before": before, "after": after, "filled": filled}


def test_the_call_list_holds_unplaced_residents_of_past_fairs_with_vacancies_posted_since(app, seeded):
    with app.app_context():
        calls = followup.call_list(db.session, app.extensions["jobmatch.index"])
        assert [(e.profile.name, [job.title for job, _ in e.matches]) for e in calls] == [
            ("等电话", ["平车工（新单）"])
        ]
        [(job, match)] = calls[0].matches
        assert match.eligible and match.score >= followup.CALL_MIN_SCORE and match.reasons


def test_quiet_vacancies_are_open_ones_nobody_was_contacted_about(app, client, seeded):
    resident = seeded["people"]["等电话"]
    with app.app_context():
        job = db.session.get(Job, seeded["before"]["id"])
        pairs = services.jobs_for_profile(db.session, app.extensions["jobmatch.index"], resident["id"], top=5)
        services.record_shown(
            db.session, resident["id"], [(j, m) for j, m in pairs if j.id == job.id], "test", recorder="test"
        )
        quiet = {q.job.title: (q.shown, q.days_open) for q in followup.quiet_vacancies(db.session)}
    # the new vacancy has a contact; the filled one closed itself
    assert quiet == {"平车工（集市前）": (1, 12)}


def test_staff_page_masks_phones_and_the_printed_call_list_is_audited(app, client, seeded, users):
    staff = app.test_client()
    login(staff, "stall", "stall-password")
    page = staff.get("/staff/follow-up").get_data(as_text=True)
    assert "等电话" in page and "139****0000" in page and "13900000000" not in page
    assert "平车工（集市前）" in page  # among the vacancies nobody was contacted about
    printed = staff.get("/staff/follow-up/print").get_data(as_text=True)
    assert "13900000000" in printed and "已录用" not in printed
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(action="print").one()
        assert event.target == "call-list"
    clerk = app.test_client()
    login(clerk, "clerk", "clerk-password")
    assert clerk.get("/staff/follow-up").status_code == 403
