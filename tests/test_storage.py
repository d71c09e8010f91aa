"""Storage: owner-only files, an erasure log that survives a restore, erased values gone from SQLite's files, and
storage faults (locked, read-only, full) answered 503 with Retry-After, with /readyz proving a write can commit."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from helpers import CSRF, Gunicorn, kiosk_form, login, make_job, make_profile, make_token, run, token_for
from sqlalchemy import create_engine, event, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from jobmatch import create_app, services
from jobmatch.auth import create_user
from jobmatch.config import ConfigError, from_environment
from jobmatch.db import db, upgrade
from jobmatch.erasures import ErasureLog
from jobmatch.models import Heartbeat, Profile


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def sqlite_file(url: str) -> Path:
    return Path(make_url(url).database)


def _app(url: str, instance: Path, **config):
    return create_app({"TESTING": True, "DATABASE_URL": url, "INSTANCE_PATH": str(instance), **config})


# --- owner-only files ------------------------------------------------------------------------------------


def test_a_new_sqlite_database_and_its_wal_are_readable_by_the_owner_only(tmp_path):
    old_umask = os.umask(0o022)  # the usual umask, under which SQLite on its own makes 0644 files
    try:
        url = f"sqlite:///{tmp_path / 'data' / 'jobmatch.sqlite3'}"
        upgrade(url)
        app = _app(url, tmp_path / "instance")
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token_for(app, 'staff')}"
        make_profile(client)
        path = sqlite_file(url)
        with app.app_context():  # a connection open, so the -wal and -shm files are there
            db.session.execute(text("SELECT 1"))
            files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
            assert all(f.exists() for f in files)
            assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
            db.session.close()
        app.extensions["jobmatch.db"]["engine"].dispose()
    finally:
        os.umask(old_umask)


def test_an_existing_world_readable_database_is_closed_up(tmp_path):
    path = tmp_path / "old.sqlite3"
    sqlite3.connect(path).close()
    path.chmod(0o644)
    upgrade(f"sqlite:///{path}")
    assert mode(path) == 0o600


# --- the erasure log ---------------------------------------------------------------------------------------


def _resident(client, name: str, phone: str, words: str) -> int:
    return make_profile(client, name=name, phone=phone, experience=words, desired=words)["id"]


def test_a_restore_does_not_bring_back_the_erased(app, client, cli_env, database_url, tmp_path, backend):
    asked = _resident(client, "申请删除人", "13900000001", "请删掉我的信息")
    old = _resident(client, "早已过期人", "13900000002", "两年前登记的")
    kept = _resident(client, "留下来的人", "13900000003", "还在找工作")
    decoy = _resident(client, "同号不同人", "13900000004", "编号一样但不是同一个人")
    engine = create_engine(database_url)
    with Session(engine) as session:
        long_ago = datetime.now(timezone.utc) - timedelta(days=800)
        session.execute(update(Profile).where(Profile.id == old).values(created_at=long_ago))
        session.commit()
    dump = tmp_path / "before.backup"
    assert run("backup", str(dump), env=cli_env).returncode == 0

    assert client.delete(f"/api/v1/profiles/{asked}").status_code == 204
    purged = run("purge", "--older-than", "365", env=cli_env)
    assert purged.returncode == 0 and "purged 1 profiles" in purged.stdout, purged.stderr
    log_path = tmp_path / "instance" / "erasures.jsonl"
    entries = [json.loads(line) for line in log_path.read_text(encoding="utf-8").splitlines()]
    assert [e["profile_id"] for e in entries] == [asked, old]
    assert all(set(e) == {"profile_id", "created_at"} for e in entries)  # no name, no phone
    assert mode(log_path) == 0o600
    # A line for the decoy's id with another creation time names someone else: it must not erase the decoy.
    with log_path.open("a", encoding="utf-8") as f:
        f.write(json.dumps({"profile_id": decoy, "created_at": "2020-01-01T00:00:00+00:00"}) + "\n")

    restored = run("restore", str(dump), "--yes", env=cli_env)
    assert restored.returncode == 0, restored.stderr
    assert "erased again 2 residents" in restored.stdout
    with Session(engine) as session:
        rows = {p.id: p for p in session.query(Profile)}
        for erased in (asked, old):
            p = rows[erased]
            assert (p.name, p.phone, p.experience, p.desired, p.ticket) == (None, None, "", "", None)
            assert p.deleted_at is not None
        assert rows[kept].name == "留下来的人" and rows[kept].deleted_at is None
        assert rows[decoy].name == "同号不同人" and rows[decoy].deleted_at is None
    engine.dispose()
    assert client.get(f"/api/v1/profiles/{asked}").status_code == 404
    assert client.get(f"/api/v1/profiles/{kept}").status_code == 200
    # Restoring again erases them again; erasing what is already erased counts nothing.
    assert "erased again 2 residents" in run("restore", str(dump), "--yes", env=cli_env).stdout


def test_the_erasure_log_survives_a_torn_line(tmp_path):
    log = ErasureLog(tmp_path / "erasures.jsonl")

    class Erased:
        def __init__(self, id_, created_at):
            self.id, self.created_at = id_, created_at

    when = datetime(2026, 3, 1, 8, 30, 0, 123456, tzinfo=timezone.utc)
    log.record([Erased(1, when)])
    with log.path.open("a") as f:
        f.write('{"profile_id": 2, "crea')  # a crash in the middle of a write
    log.record([Erased(3, when), Erased(4, when)])
    assert log.entries() == {1: {when}, 3: {when}, 4: {when}}
    assert mode(log.path) == 0o600


def test_an_erasure_that_cannot_be_logged_is_not_made(app, client, tmp_path, caplog):
    profile = make_profile(client)
    (tmp_path / "instance" / "erasures.jsonl").mkdir(parents=True)  # the log's place cannot be written
    response = client.delete(f"/api/v1/profiles/{profile['id']}")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert client.get(f"/api/v1/profiles/{profile['id']}").json["name"] == "王桂兰"
    assert "cannot append to erasures.jsonl" in caplog.text


# --- erased values leave SQLite's files -------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite"])  # PostgreSQL's own files are not the service's to scrub
def test_erased_values_are_gone_from_the_database_file_and_the_wal(app, client, database_url, backend):
    path = sqlite_file(database_url)
    wal = path.with_name(path.name + "-wal")
    secrets = {"deleted": "独孤秘密测试名", "purged": "上官隐私测试名"}
    ids = {how: _resident(client, name, "13900000009", f"{name}的工作经历") for how, name in secrets.items()}

    def stored(name: str) -> bool:
        return name.encode() in path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")

    assert all(stored(name) for name in secrets.values())  # the test can see them before
    # Everything below runs in this process, as in a running server: a process that exits as the last connection
    # checkpoints the WAL on its way out whatever the service did, which would hide a missing checkpoint.
    assert client.delete(f"/api/v1/profiles/{ids['deleted']}").status_code == 204
    assert not stored(secrets["deleted"]) and stored(secrets["purged"])
    with app.app_context():
        long_ago = datetime.now(timezone.utc) - timedelta(days=800)
        db.session.execute(update(Profile).where(Profile.id == ids["purged"]).values(created_at=long_ago))
        db.session.commit()
        assert services.purge_profiles(db.session, 365, ErasureLog.of(app)) == 1
        services.commit(db.session)
        assert not stored(secrets["purged"])
        # Freed space in the pages is zeroed, not left for a later reader of the file.
        assert db.session.execute(text("PRAGMA secure_delete")).scalar() == 1


# --- storage faults --------------------------------------------------------------------------------------

PROFILE = {
    "name": "锁住时来的人",
    "phone": "13700000007",
    "age": 40,
    "town": "东流镇",
    "community": "东流社区",
    "experience": "做过保洁",
    "desired": "白班",
    "availability": "day_only",
    "consent": True,
}


@contextmanager
def write_lock(url: str):
    """Another connection holding the write lock, as a long import or a stuck process would."""
    if make_url(url).get_backend_name() == "sqlite":
        holder = sqlite3.connect(sqlite_file(url), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.rollback()
            holder.close()
    else:  # EXCLUSIVE: plain reads go on, every write to these tables waits
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("LOCK TABLE profiles, data_versions, heartbeats, audit_events IN EXCLUSIVE MODE"))
            try:
                yield
            finally:
                conn.rollback()
        engine.dispose()


@pytest.fixture
def busy_app(database_url, tmp_path):
    app = _app(database_url, tmp_path / "instance", DB_BUSY_TIMEOUT=0.5)
    yield app
    app.extensions["jobmatch.db"]["engine"].dispose()


def _kiosk_client(app):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token_for(app, 'kiosk')}"
    return client


def test_a_locked_database_answers_503_and_reads_go_on(busy_app, database_url, caplog):
    client = _kiosk_client(busy_app)
    make_job(_staff(busy_app))
    assert client.post("/api/v1/profiles", json={**PROFILE, "name": "先来的人"}).status_code == 201
    with write_lock(database_url):
        started = time.monotonic()
        response = client.post("/api/v1/profiles", json=PROFILE)
        assert response.status_code == 503 and time.monotonic() - started < 5
        # At least the lock's 5 s; on a rate-limited endpoint the limiter may lengthen it to its window's end.
        assert int(response.headers["Retry-After"]) >= 5
        assert response.json["error"]["code"] == "unavailable"
        assert client.get("/healthz").status_code == 200
        assert client.get("/api/v1/jobs").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.headers["Retry-After"] == "5"
    reason = "database is locked" if "sqlite" in database_url else "55P03 canceling statement due to lock timeout"
    assert f"storage unavailable (POST /api/v1/profiles): {reason}" in caplog.text
    assert PROFILE["name"] not in caplog.text and PROFILE["phone"] not in caplog.text and "INSERT" not in caplog.text
    assert client.post("/api/v1/profiles", json=PROFILE).status_code == 201
    assert client.get("/readyz").json == {
        "status": "ok",
        "database": busy_app.extensions["jobmatch.db"]["engine"].dialect.name,
    }


def _staff(app):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token_for(app, 'staff')}"
    return client


def test_the_kiosk_page_keeps_what_the_resident_typed(busy_app, database_url):
    client = busy_app.test_client()
    form = kiosk_form(client, name="蔺素琴", phone="13711112222", experience="在食堂做过十年帮厨")
    with write_lock(database_url):
        response = client.post("/kiosk", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and int(response.headers["Retry-After"]) >= 5
    assert "系统正忙" in page and "请稍等几秒钟再点一次" in page
    assert 'value="蔺素琴"' in page and 'value="13711112222"' in page and "在食堂做过十年帮厨" in page
    assert f'value="{form["submission_key"]}"' in page  # a second press stores it once
    again = client.post("/kiosk", data=form)
    assert again.status_code == 303
    with busy_app.app_context():
        assert db.session.query(Profile).filter_by(name="蔺素琴").count() == 1


def test_a_storage_fault_on_a_page_is_a_friendly_chinese_page(busy_app, database_url):
    profile = make_profile(_staff(busy_app))
    with busy_app.app_context():
        create_user(db.session, "stall", "stall-password", "staff")
    page_client = busy_app.test_client()
    assert login(page_client, "stall", "stall-password").status_code == 302
    token = CSRF.search(page_client.get(f"/staff/residents/{profile['id']}").get_data(as_text=True)).group(1)
    with write_lock(database_url):
        response = page_client.post(f"/staff/residents/{profile['id']}/phone", data={"csrf_token": token})
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.mimetype == "text/html" and "系统正忙" in response.get_data(as_text=True)


@contextmanager
def read_only(url: str):
    """Make the database refuse writes, as a read-only file or a read-only server would. Yields how."""
    if make_url(url).get_backend_name() == "sqlite":
        path = sqlite_file(url)
        if os.geteuid() != 0:
            path.chmod(0o444)
            try:
                yield "chmod 0444"
            finally:
                path.chmod(0o600)
        else:
            # root writes through 0444; an immutable file stops even root, so SQLite opens it read-only.
            subprocess.run(["chattr", "+i", str(path)], check=True)
            try:
                yield "chattr +i"
            finally:
                subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        name = make_url(url).database
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        try:
            yield "default_transaction_read_only"
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
            admin.dispose()


def test_a_read_only_database_answers_503_with_the_reason_logged(busy_app, database_url, caplog):
    client = _kiosk_client(busy_app)
    engine = busy_app.extensions["jobmatch.db"]["engine"]
    with read_only(database_url):
        engine.dispose()  # new connections see the read-only database
        response = client.post("/api/v1/profiles", json=PROFILE)
        assert response.status_code == 503 and int(response.headers["Retry-After"]) >= 5
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")  # no rate limit there to lengthen it: a read-only database is not soon fixed
        assert ready.status_code == 503 and ready.headers["Retry-After"] == "60"
    reason = (
        "attempt to write a readonly database"
        if "sqlite" in database_url
        else "25006 cannot execute INSERT in a read-only transaction"
    )
    assert reason in caplog.text
    engine.dispose()
    assert client.post("/api/v1/profiles", json=PROFILE).status_code == 201


# PostgreSQL on a full disk cannot be made here: it would need a filesystem of its own to fill.
@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_full_database_answers_503(busy_app, database_url, caplog, backend):
    client = _kiosk_client(busy_app)
    engine = busy_app.extensions["jobmatch.db"]["engine"]
    with engine.connect() as conn:
        conn.exec_driver_sql("VACUUM")

    @event.listens_for(engine, "connect")
    def _no_room(dbapi_connection, _record):  # SQLite's own limit: the same SQLITE_FULL as a full disk
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count={pages}")
        cursor.close()

    engine.dispose()
    response = client.post("/api/v1/profiles", json={**PROFILE, "experience": "做过很多活" * 400})
    assert response.status_code == 503 and int(response.headers["Retry-After"]) >= 5
    assert "database or disk is full" in caplog.text


def test_a_purge_under_a_held_lock_fails_with_the_reason_and_erases_nothing(client, cli_env, database_url):
    old = _resident(client, "锁住时过期的人", "13900000005", "很久以前登记的")
    engine = create_engine(database_url)
    with Session(engine) as session:
        session.execute(
            update(Profile).where(Profile.id == old).values(created_at=datetime.now(timezone.utc) - timedelta(days=800))
        )
        session.commit()
    engine.dispose()
    with write_lock(database_url):
        result = run("purge", "--older-than", "365", env={**cli_env, "JOBMATCH_DB_BUSY_TIMEOUT": "0.5"})
    reason = "database is locked" if "sqlite" in database_url else "55P03 canceling statement due to lock timeout"
    assert result.returncode == 2 and reason in result.stderr and "nothing was purged" in result.stderr
    assert "Traceback" not in result.stderr and "UPDATE" not in result.stderr
    assert client.get(f"/api/v1/profiles/{old}").json["name"] == "锁住时过期的人"
    assert "purged 1 profiles" in run("purge", "--older-than", "365", env=cli_env).stdout


def test_the_busy_timeout_is_configurable_and_checked(tmp_path):
    assert from_environment(tmp_path, environ={})["DB_BUSY_TIMEOUT"] == 5.0
    assert from_environment(tmp_path, environ={"JOBMATCH_DB_BUSY_TIMEOUT": "2.5"})["DB_BUSY_TIMEOUT"] == 2.5
    for bad in ("0", "-1", "soon", "nan", "10000"):
        with pytest.raises(ConfigError, match="JOBMATCH_DB_BUSY_TIMEOUT"):
            from_environment(tmp_path, environ={"JOBMATCH_DB_BUSY_TIMEOUT": bad})


def test_readyz_writes_its_heartbeat(app, anonymous):
    assert anonymous.get("/readyz").status_code == 200
    with app.app_context():
        first = db.session.query(Heartbeat).filter_by(name="readiness").one().beat_at
        db.session.close()
    assert anonymous.get("/readyz").status_code == 200
    with app.app_context():
        assert db.session.query(Heartbeat).filter_by(name="readiness").one().beat_at > first


# --- a real gunicorn under a 12-second lock ----------------------------------------------------------------


def _call(method: str, url: str, token: str | None = None, body: dict | None = None) -> tuple[int, dict, float]:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(
        url, data=json.dumps(body).encode() if body else None, method=method, headers=headers
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), time.monotonic() - started
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), time.monotonic() - started


@pytest.mark.slow
def test_gunicorn_answers_503_under_a_held_write_lock_and_keeps_reading(database_url, tmp_path, monkeypatch):
    monkeypatch.delenv("JOBMATCH_DB_BUSY_TIMEOUT", raising=False)  # the default, 5 s
    kiosk = make_token(database_url, tmp_path, "kiosk")
    server = Gunicorn(database_url, tmp_path, workers=3)
    try:
        assert _call("POST", server.base + "/api/v1/profiles", kiosk, {**PROFILE, "name": "锁前的人"})[0] == 201
        held = threading.Event()
        release = threading.Event()

        def hold():
            with write_lock(database_url):
                held.set()
                release.wait(12)

        holder = threading.Thread(target=hold)
        holder.start()
        assert held.wait(10)
        locked_at = time.monotonic()
        posted = {}
        writer = threading.Thread(
            target=lambda: posted.update(r=_call("POST", server.base + "/api/v1/profiles", kiosk, PROFILE))
        )
        writer.start()
        time.sleep(0.5)
        # While one worker waits on the lock, the others answer at once.
        for path in ("/healthz", "/api/v1/jobs", "/api/v1/jobs?page=1&per_page=5"):
            status, _, took = _call("GET", server.base + path)
            assert status == 200 and took < 2, (path, status, took)
        writer.join(20)
        status, headers, took = posted["r"]
        assert status == 503 and int(headers["Retry-After"]) >= 5 and 4 < took < 7.5, (status, took)
        status, headers, took = _call("GET", server.base + "/readyz")
        assert status == 503 and headers["Retry-After"] and took < 3.5
        assert time.monotonic() - locked_at < 12  # all of this happened under the lock
        release.set()
        holder.join()
        assert _call("POST", server.base + "/api/v1/profiles", kiosk, PROFILE)[0] == 201
        assert _call("GET", server.base + "/readyz")[0] == 200
        log = server.error_log()
        reason = "database is locked" if "sqlite" in database_url else "canceling statement due to lock timeout"
        assert "storage unavailable (POST /api/v1/profiles)" in log and reason in log
        assert PROFILE["name"] not in log and PROFILE["phone"] not in log
    finally:
        server.stop()
