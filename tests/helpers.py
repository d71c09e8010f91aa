"""Running a real gunicorn for tests."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method: str, url: str, body: dict | None = None, timeout: float = 30, token: str | None = None,
         headers: dict | None = None) -> tuple[int, dict]:
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
                sys.executable, "-m", "gunicorn",
                "--config", "python:jobmatch.gunicorn_conf",  # as `jobmatch serve` runs it
                "--workers", str(workers),
                "--bind", f"127.0.0.1:{self.port}",
                "--access-logfile", str(self.access_log),
                "--access-logformat", "%(p)s %(m)s %(U)s %(s)s",
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
