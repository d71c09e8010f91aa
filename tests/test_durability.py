"""Durability under load: a real gunicorn with 4 workers, 20 kiosk clients, staff and an office client at once,
and one worker killed with SIGKILL in the middle. Every acknowledged profile must be stored exactly once, no 5xx may
come back, and the database must pass an integrity check. The figures go to test-artifacts/load-<backend>.json.
"""

import json
import os
import random
import signal
import subprocess
import threading
import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPException
from pathlib import Path

import pytest
from helpers import Gunicorn, http, make_token
from sqlalchemy import create_engine, func, select, text

from jobmatch.db import upgrade
from jobmatch.models import Job, Profile
from jobmatch.services import scoped_key

pytestmark = pytest.mark.slow
KIOSKS, PER_KIOSK, STAFF, STAFF_REQUESTS, OFFICE_JOBS = 20, 12, 3, 30, 30
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: dict[int, int] = {}
        self.connection_errors = 0
        self.requests = 0

    def add(self, status: int | None) -> None:
        with self.lock:
            self.requests += 1
            if status is None:
                self.connection_errors += 1
            else:
                self.statuses[status] = self.statuses.get(status, 0) + 1


def call(tally: Tally, *args, **kwargs):
    try:
        status, body = http(*args, timeout=30, **kwargs)
    except (urllib.error.URLError, HTTPException, ConnectionError, TimeoutError, OSError):
        # HTTPException: a worker killed while sending its reply leaves the body short (IncompleteRead); to the
        # kiosk that is no answer, as a dropped connection is.
        tally.add(None)
        return None, None
    tally.add(status)
    return status, body


@pytest.fixture
def loaded_server(database_url, tmp_path, monkeypatch):
    from jobmatch import create_app
    from jobmatch.db import db
    from jobmatch.demo import load_demo

    upgrade(database_url)
    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        load_demo(db.session)
    app.extensions["jobmatch.db"]["engine"].dispose()
    tokens = {role: make_token(database_url, tmp_path, role) for role in ("kiosk", "staff", "office")}
    monkeypatch.setenv("JOBMATCH_RATE_LIMIT_KIOSK", "100000 per minute")
    server = Gunicorn(database_url, tmp_path, workers=4)
    yield server, tokens
    server.stop()


def workers_of(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def test_no_acknowledged_submission_is_lost_when_a_worker_dies(loaded_server, database_url, backend):
    server, tokens = loaded_server
    tally = Tally()
    acknowledged: dict[str, int] = {}
    ack_lock = threading.Lock()
    kill_at = KIOSKS * PER_KIOSK // 3
    killed: list[int] = []

    def kiosk(n: int) -> None:
        rng = random.Random(n)
        for i in range(PER_KIOSK):
            key = f"kiosk{n:02d}-{i:03d}-{rng.getrandbits(48):012x}"
            body = {
                "name": f"居民{n}-{i}",
                "phone": f"139{n:02d}{i:06d}",
                "age": rng.randint(40, 65),
                "town": "东流镇",
                "desired": rng.choice(["平车", "保洁", "门卫", "包装"]),
                "availability": "day_only",
                "consent": True,
            }
            for _attempt in range(6):  # a kiosk retries with the same key until it hears back
                status, reply = call(
                    tally,
                    "POST",
                    server.base + "/api/v1/profiles",
                    body,
                    token=tokens["kiosk"],
                    headers={"Idempotency-Key": key},
                )
                if status == 201:
                    with ack_lock:
                        acknowledged[key] = reply["id"]
                        if len(acknowledged) == kill_at and not killed:
                            victim = workers_of(server.process.pid)[0]
                            os.kill(victim, signal.SIGKILL)
                            killed.append(victim)
                    break
                time.sleep(0.2)

    def staff(n: int) -> None:
        rng = random.Random(100 + n)
        for _ in range(STAFF_REQUESTS):
            call(
                tally,
                "GET",
                f"{server.base}/api/v1/profiles/{rng.randint(1, 100)}/matches?top=5",
                token=tokens["staff"],
            )

    office_acks: list[int] = []

    def office() -> None:
        for i in range(OFFICE_JOBS):
            status, _ = call(
                tally,
                "POST",
                server.base + "/api/v1/jobs",
                {
                    "id": f"LOAD-{i:03d}",
                    "title": "包装工",
                    "employer": "东流负载测试厂",
                    "shift": "day",
                    "wage_min": 3500,
                    "wage_max": 4500,
                },
                token=tokens["office"],
            )
            if status == 201:
                office_acks.append(i)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=KIOSKS + STAFF + 1) as pool:
        futures = (
            [pool.submit(kiosk, n) for n in range(KIOSKS)]
            + [pool.submit(staff, n) for n in range(STAFF)]
            + [pool.submit(office)]
        )
        for future in futures:
            future.result(timeout=600)
    elapsed = time.perf_counter() - started

    engine = create_engine(database_url)
    with engine.connect() as conn:
        stored = dict(
            conn.execute(
                select(Profile.submission_key, func.count())
                .where(Profile.submission_key.is_not(None))
                .group_by(Profile.submission_key)
            ).all()
        )
        if backend == "sqlite":
            integrity = conn.execute(text("PRAGMA integrity_check")).scalar()
            foreign = conn.execute(text("PRAGMA foreign_key_check")).all()
        else:
            integrity = (
                "ok"
                if conn.execute(
                    text(
                        "SELECT count(*) FROM profiles p LEFT JOIN fairs f ON p.fair_id = f.id "
                        "WHERE p.fair_id IS NOT NULL AND f.id IS NULL"
                    )
                ).scalar()
                == 0
                else "orphans"
            )
            foreign = []
        office_jobs = conn.execute(select(func.count()).select_from(Job).where(Job.external_id.like("LOAD-%"))).scalar()
    engine.dispose()
    figures = {
        "backend": backend,
        "workers": 4,
        "concurrent_clients": KIOSKS + STAFF + 1,
        "requests": tally.requests,
        "seconds": round(elapsed, 1),
        "statuses": tally.statuses,
        "connection_errors": tally.connection_errors,
        "killed_worker": killed,
        "acknowledged_profiles": len(acknowledged),
        "stored_profiles_with_keys": len(stored),
        "office_jobs_stored": office_jobs,
        "integrity": integrity,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"load-{backend}.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures))

    assert killed, "the worker was never killed"
    assert len(acknowledged) == KIOSKS * PER_KIOSK  # every kiosk heard back for every profile in the end
    # Keys are stored scoped to the token that sent them.
    stored_as = {key: scoped_key("token:server-kiosk", key) for key in acknowledged}
    assert all(stored.get(stored_as[key]) == 1 for key in acknowledged), (
        "an acknowledged profile is missing or stored twice"
    )
    assert set(stored) == set(stored_as.values())
    assert not any(status >= 500 for status in tally.statuses)
    assert tally.connection_errors <= KIOSKS + STAFF + 1  # at most the killed worker's in-flight requests
    assert integrity == "ok" and foreign == []
    logs = server.access_log.read_text() + (server.access_log.parent / "gunicorn.err").read_text()
    assert "居民" not in logs and "13900" not in logs  # no names or phones in any log line
    assert len(office_acks) <= office_jobs <= OFFICE_JOBS  # every acknowledged vacancy is stored
