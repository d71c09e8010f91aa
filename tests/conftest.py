"""Fixtures: the real app on a real database, SQLite always and PostgreSQL when one is there: the server that
JOBMATCH_TEST_DATABASE_URL names, or else a local one found by itself (JOBMATCH_TEST_DATABASE_URL="" turns it off)."""

from __future__ import annotations

import getpass
import json
import os
import shutil
import sqlite3
import uuid
from collections import Counter
from pathlib import Path

import pytest
from helpers import login, token_for
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from jobmatch import create_app
from jobmatch.auth import create_user
from jobmatch.config import DEFAULT_MODELS_DIR
from jobmatch.db import db, upgrade

# None when unset (look for a local server), "" to leave PostgreSQL out, or the server to use.
PG_URL = os.environ.get("JOBMATCH_TEST_DATABASE_URL")
# CI sets this, so a missing PostgreSQL fails the run instead of skipping its tests.
REQUIRE_PG = os.environ.get("JOBMATCH_REQUIRE_POSTGRES") == "1"

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

# Where Debian and most others put the server's socket.
SOCKET_DIRS = ("/var/run/postgresql", "/tmp")


def local_postgres_candidates() -> list[str]:
    """The URLs a local PostgreSQL usually answers at: TCP on 127.0.0.1:5432 as postgres, and each socket found as
    the current user and as postgres."""
    urls = ["postgresql+psycopg://postgres@127.0.0.1:5432/postgres"]
    try:
        users = list(dict.fromkeys([getpass.getuser(), "postgres"]))
    except (KeyError, OSError):  # no login name in the environment nor in the password database
        users = ["postgres"]
    for folder in SOCKET_DIRS:
        if Path(folder, ".s.PGSQL.5432").exists():
            for user in users:
                urls.append(f"postgresql+psycopg://{user}@/postgres?host={folder}")
    return urls


def where(url: str) -> str:
    """A server URL as a person reads it: user@host:port, or user@socket-folder."""
    parts = make_url(url)
    return (
        f"{parts.username}@{parts.host}:{parts.port}" if parts.host else f"{parts.username}@{parts.query.get('host')}"
    )


def find_local_postgres(candidates: list[str], timeout: int = 2) -> tuple[str | None, str]:
    """The first URL whose user may create databases, and where it is; (None, why not) when none of them."""
    tried = []
    for url in candidates:
        engine = create_engine(url, connect_args={"connect_timeout": timeout})
        try:
            with engine.connect() as conn:
                may_create = conn.scalar(
                    text("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
                )
        except Exception as err:  # refused, no such role, no password: each only means "not this one"
            tried.append(f"{where(url)}: {str(getattr(err, 'orig', err)).strip().splitlines()[0]}")
            continue
        finally:
            engine.dispose()
        if may_create:
            return url, f"found {where(url)} by itself"
        tried.append(f"{where(url)}: may not create databases")
    return None, "no local server where this user may create databases (tried " + "; ".join(tried) + ")"


class PostgresForTests:
    """The server the PostgreSQL tests use, chosen once per session when the first of them asks."""

    url: str | None = None
    said: str = ""  # where it came from, or why there is none
    chosen = False

    @classmethod
    def choose(cls) -> str | None:
        if not cls.chosen:
            cls.chosen = True
            if PG_URL:
                cls.url, cls.said = PG_URL, f"{where(PG_URL)} from JOBMATCH_TEST_DATABASE_URL"
            elif PG_URL == "":
                cls.said = "JOBMATCH_TEST_DATABASE_URL is empty, which leaves PostgreSQL out"
            else:
                cls.url, cls.said = find_local_postgres(local_postgres_candidates())
                if not cls.url:
                    cls.said += "; set JOBMATCH_TEST_DATABASE_URL to one"
        return cls.url


def _pg_admin(url: str):
    return create_engine(url, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_template():
    """A migrated PostgreSQL database that each test copies (CREATE DATABASE ... TEMPLATE is fast)."""
    url = PostgresForTests.choose()
    if not url:
        if REQUIRE_PG:
            pytest.fail(f"JOBMATCH_REQUIRE_POSTGRES=1 but {PostgresForTests.said}")
        # The same reason for every test, so the closing summary counts them on one line.
        pytest.skip(f"PostgreSQL tests: {PostgresForTests.said}")
    admin = _pg_admin(url)
    name = f"jobmatch_tpl_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    upgrade(make_url(url).set(database=name).render_as_string(hide_password=False))
    yield admin, name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file that each test copies, as PostgreSQL tests copy their template database."""
    path = tmp_path_factory.mktemp("template") / "jobmatch-template.sqlite3"
    upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:  # everything in the main file, so a copy of it alone is the whole database
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def new_database_url(request, backend: str, tmp_path) -> str:
    if backend == "sqlite":
        path = tmp_path / "jobmatch-test.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        path.chmod(0o600)
        return f"sqlite:///{path}"
    admin, template = request.getfixturevalue("pg_template")
    name = f"jobmatch_t_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    request.addfinalizer(drop)
    return admin.url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def database_url(request, backend, tmp_path) -> str:
    return new_database_url(request, backend, tmp_path)


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path / "instance")})
    yield app
    app.extensions["jobmatch.db"]["engine"].dispose()


@pytest.fixture
def client(app):
    """A test client that calls the API as stall staff (the pages ignore the token and use their own login)."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token_for(app, 'staff')}"
    return client


@pytest.fixture
def anonymous(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def pytest_unconfigure(config):
    """End the output with how many PostgreSQL tests ran and what was skipped and why, after pytest's own summary and
    its closing count line: the very last lines say what a fresh machine could not run."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:  # e.g. pytest -p no:terminal
        return
    stats = reporter.stats
    counts = {
        outcome: sum(1 for r in stats.get(outcome, []) if "[postgresql" in getattr(r, "nodeid", ""))
        for outcome in ("passed", "failed", "error", "skipped")
    }
    line = "PostgreSQL backend: " + " / ".join(f"{outcome} {n}" for outcome, n in counts.items())
    if PostgresForTests.url:  # when there is none, the skipped line below says why
        line += f" ({PostgresForTests.said})"
    reporter.write_line(line)
    reasons = Counter(skip_reason(r) for r in stats.get("skipped", []))
    for reason, n in reasons.most_common():
        reporter.write_line(f"Skipped: {n} — {reason}")
    if not reasons:
        reporter.write_line("Skipped: none")


def skip_reason(report) -> str:
    """A skipped test's reason as the test gave it (pytest keeps it as (file, line, "Skipped: reason"))."""
    if isinstance(report.longrepr, tuple):
        return report.longrepr[2].removeprefix("Skipped: ")
    return str(report.longrepr)


# --- people and places the tests share ------------------------------------------------------------------


@pytest.fixture
def users(app):
    with app.app_context():
        create_user(db.session, "stall", "stall-password", "staff")
        create_user(db.session, "clerk", "clerk-password", "office")


@pytest.fixture
def staff(client, users):
    assert login(client, "stall", "stall-password").status_code == 302
    return client


@pytest.fixture
def clerk(client, users):
    assert login(client, "clerk", "clerk-password").status_code == 302
    return client


@pytest.fixture
def cli_env(tmp_path, database_url):
    env = dict(os.environ)
    env.update({"JOBMATCH_DATABASE_URL": database_url, "JOBMATCH_INSTANCE_PATH": str(tmp_path / "instance")})
    return env


@pytest.fixture(scope="session")
def towns():
    """The gazetteer's towns by name, with their places and communities."""
    with open(DEFAULT_MODELS_DIR / "places.json", encoding="utf-8") as f:
        return {t["town"]: t for t in json.load(f)["towns"]}
