"""The caller owns the transaction: a service writes and flushes, and the view or command that called it commits
once, with its audit event. Real databases throughout, SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest
from helpers import make_job, make_profile
from sqlalchemy import create_engine, event, func, select, text

from jobmatch import services
from jobmatch.db import db
from jobmatch.models import AuditEvent, Employer, Job, Profile

RESIDENT = {"name": "钱秀英", "phone": "13900001111", "town": "东流镇", "desired": "想做保洁"}
KEY = "race-key-0123456789"


def _committed(database_url: str, model) -> int:
    """How many rows of `model` another connection sees: what is committed, nothing else."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(model)).scalar()
    finally:
        engine.dispose()


def test_a_service_leaves_nothing_committed_until_its_caller_commits(app, database_url):
    written = (Profile, Employer, Job)
    with app.app_context():
        # Both take a savepoint (the kiosk's key, a new employer's name) as their first write: releasing it must not
        # commit, SQLite's driver included.
        services.create_kiosk_profile(db.session, dict(RESIDENT), KEY, "tests", consented=True)
        services.create_job(db.session, {"title": "保洁员 月薪3000", "employer": "东流物业", "description": ""})
        assert [_committed(database_url, model) for model in written] == [0, 0, 0]
        services.commit(db.session)
    assert [_committed(database_url, model) for model in written] == [1, 1, 1]


def _refuse_audit_events(database_url: str, backend: str) -> None:
    """Make the database refuse the next audit event, as a full disk would refuse that one write."""
    engine = create_engine(database_url)
    with engine.begin() as conn:
        if backend == "sqlite":  # SQLite's triggers can only refuse as a constraint does
            conn.execute(
                text(
                    "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events "
                    "BEGIN SELECT RAISE(ABORT, 'no room for the audit event'); END"
                )
            )
        else:  # PostgreSQL's can say disk_full, a storage fault
            conn.execute(
                text(
                    "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'no room for the audit event' USING ERRCODE = 'disk_full'; END $$"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_audit()"
                )
            )
    engine.dispose()


def _allow_audit_events(database_url: str, backend: str) -> None:
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER refuse_audit" + ("" if backend == "sqlite" else " ON audit_events")))
    engine.dispose()


def test_an_erasure_and_its_audit_event_are_stored_together_or_not_at_all(app, client, database_url, backend):
    profile = make_profile(client)
    _refuse_audit_events(database_url, backend)
    response = client.delete(f"/api/v1/profiles/{profile['id']}")
    if backend == "sqlite":
        assert response.status_code == 409
    else:  # a storage fault at the commit is the usual 503
        assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    # The audit event failed, so the erasure it records did not happen either.
    assert client.get(f"/api/v1/profiles/{profile['id']}").json["name"] == "王桂兰"
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.action)).all() == []
    _allow_audit_events(database_url, backend)
    assert client.delete(f"/api/v1/profiles/{profile['id']}").status_code == 204
    assert client.get(f"/api/v1/profiles/{profile['id']}").status_code == 404
    with app.app_context():
        events = db.session.scalars(select(AuditEvent)).all()
        assert [(e.action, e.target) for e in events] == [("delete", f"profile:{profile['id']}")]


def test_a_kiosk_key_raced_by_two_workers_stores_one_profile(app, database_url):
    """The second worker's insert meets the first one's row at the unique key; its savepoint rolls back and it
    answers with the first profile, as a retry would get."""
    engine = app.extensions["jobmatch.db"]["engine"]
    inserting = threading.Event()
    answered: dict[str, int] = {}

    def second_worker():
        with app.app_context():
            profile = services.create_kiosk_profile(db.session, dict(RESIDENT), KEY, "tests", consented=True)
            services.commit(db.session)
            answered["id"] = profile.id

    worker = threading.Thread(target=second_worker)

    def seen(_conn, _cursor, statement, *_args):
        if threading.current_thread() is worker and statement.startswith("INSERT INTO profiles"):
            inserting.set()

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with app.app_context():
            first = services.create_kiosk_profile(db.session, dict(RESIDENT), KEY, "tests", consented=True)
            worker.start()
            assert inserting.wait(10)  # it found no profile under the key, and now waits on this one's lock
            time.sleep(0.2)
            services.commit(db.session)
        worker.join(10)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert answered == {"id": first.id}
    assert _committed(database_url, Profile) == 1


def test_the_match_index_reads_only_committed_writes(app, client):
    job = make_job(client)
    index = app.extensions["jobmatch.index"]
    with app.app_context():
        assert index.refresh(db.session).job_count == 1
        services.close_job(db.session, job["id"])
        # Its index is shared by the worker's requests: a write that may yet roll back must not reach it.
        with pytest.raises(RuntimeError, match="commit"):
            index.refresh(db.session)
        db.session.rollback()
        assert index.refresh(db.session).job_count == 1
        services.close_job(db.session, job["id"])
        services.commit(db.session)
        assert index.refresh(db.session).job_count == 0
