"""What the tests share: page forms and logins through the Flask test client, the `jobmatch` command as a
subprocess, and a real gunicorn."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from jobmatch.matching import JobRecord


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(
    method: str,
    url: str,
    body: dict | None = None,
    timeout: float = 30,
    token: str | None = None,
    headers: dict | None = None,
) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    sent = {"Content-Type": "application/json", **(headers or {})}
    if token:
        sent["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=sent)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


class Gunicorn:
    """A gunicorn process serving the app; its access log records the worker pid of every request."""

    def __init__(self, database_url: str, instance: Path, workers: int = 2):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        self.access_log = instance / "access.log"
        instance.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, JOBMATCH_DATABASE_URL=database_url, JOBMATCH_INSTANCE_PATH=str(instance))
        self._stderr = open(instance / "gunicorn.err", "w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "python:jobmatch.gunicorn_conf",  # as `jobmatch serve` runs it
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--access-logfile",
                str(self.access_log),
                "--access-logformat",
                "%(p)s %(m)s %(U)s %(s)s",
                "jobmatch:create_app()",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, attempts: int = 300) -> None:
        for _ in range(attempts):
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                if http("GET", self.base + "/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not become ready")

    def log_lines(self) -> list[list[str]]:
        if not self.access_log.exists():
            return []
        return [line.split() for line in self.access_log.read_text().splitlines() if line.strip()]

    def error_log(self) -> str:
        self._stderr.flush()
        return (self.access_log.parent / "gunicorn.err").read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._stderr.close()


def make_token(database_url: str, instance: Path, role: str = "staff", name: str | None = None) -> str:
    """An API token in the database a server will use."""
    from jobmatch import create_app
    from jobmatch.auth import create_token
    from jobmatch.db import db

    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(instance)})
    with app.app_context():
        token = create_token(db.session, name or f"server-{role}", role)
    app.extensions["jobmatch.db"]["engine"].dispose()
    return token


# --- pages through the Flask test client ---------------------------------------------------------------

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
KEY = re.compile(r'name="submission_key" value="([^"]+)"')


def csrf(client, url="/login"):
    return CSRF.search(client.get(url).get_data(as_text=True)).group(1)


def kiosk_form(client, **overrides):
    page = client.get("/kiosk").get_data(as_text=True)
    form = {
        "csrf_token": CSRF.search(page).group(1),
        "submission_key": KEY.search(page).group(1),
        "fair_id": "",
        "name": "王桂兰",
        "phone": "13812345678",
        "age": "52",
        "place": "东流镇/东流社区",
        "experience": "在厂里踩了十几年缝纫机",
        "desired": "想找白班的缝纫活",
        "availability": "day_only",
        "expected_wage": "4000",
        "reach": "ebike",
        "consent": "yes",
    }
    form.update(overrides)
    return form


def login(client, username, password):
    return client.post("/login", data={"csrf_token": csrf(client), "username": username, "password": password})


def xlsx_bytes(rows) -> bytes:
    """A workbook of `rows` on its first sheet, as an upload sends it."""
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, name: str, data: bytes):
    """Send a vacancy list to the office import, as its form does."""
    token = csrf(client, "/office/import")
    return client.post(
        "/office/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


# --- the `jobmatch` command ---------------------------------------------------------------------------

JOBMATCH = shutil.which("jobmatch", path=str(Path(sys.executable).parent)) or "jobmatch"


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def run(*args, env=None, cwd=None):
    return subprocess.run([JOBMATCH, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


# --- records through the API ------------------------------------------------------------------------------


def token_for(app, role: str) -> str:
    from jobmatch.auth import create_token
    from jobmatch.db import db

    with app.app_context():
        return create_token(db.session, f"tests-{role}", role)


def make_job(client, **overrides) -> dict:
    body = {
        "title": "平车工",
        "employer": "东至县示范服饰有限公司",
        "description": "服装厂平车缝制，计件，长白班。",
        "skills": ["平车", "缝纫"],
        "openings": 5,
        "wage_min": 4000,
        "wage_max": 6000,
        "wage_unit": "month",
        "town": "东流镇",
        "community": "东流社区",
        "shift": "day",
        "age_min": 18,
        "age_max": 55,
        "perks": ["班车接送"],
        "contact_phone": "0566-7020000",
    }
    body.update(overrides)
    response = client.post("/api/v1/jobs", json=body)
    assert response.status_code == 201, response.json
    return response.json


def make_profile(client, **overrides) -> dict:
    body = {
        "name": "王桂兰",
        "phone": "13812345678",
        "age": 48,
        "town": "东流镇",
        "community": "东流社区",
        "experience": "在服装厂踩了十几年平车",
        "desired": "想找个缝纫的活，白天上班",
        "expected_wage": 4000,
        "availability": "day_only",
        "max_commute_km": 8,
    }
    body.update(overrides)
    response = client.post("/api/v1/profiles", json=body)
    assert response.status_code == 201, response.json
    return response.json


# --- vacancies a counsellor weighs (plain records for the matcher) --------------------------------------------------

HERE = (30.2152, 116.8752)  # 东流社区
PACKER = JobRecord(
    id="packer",
    title="包装工",
    description="坐着给成品装袋贴标签，活轻，新手可学",
    skills=("包装",),
    wage_min=3000,
    wage_max=3600,
    lat=30.22,
    lon=116.88,
    shift="day",
    age_min=18,
    age_max=60,
)

LEARNER_SEWING = JobRecord(
    id="learner-sew",
    title="缝纫工",
    description="零基础可学，师傅带，长白班",
    skills=("缝纫",),
    wage_min=3000,
    wage_max=4500,
    lat=30.2208,
    lon=116.8786,
    shift="day",
    age_min=18,
    age_max=55,
)
