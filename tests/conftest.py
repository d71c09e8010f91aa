"""Fixtures: the real app on a real database, SQLite always and PostgreSQL when JOBMATCH_TEST_DATABASE_URL is set."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid

import pytest
from helpers import login, token_for
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from jobmatch import create_app
from jobmatch.auth import create_user
from jobmatch.config import DEFAULT_MODELS_DIR
from jobmatch.db import db, upgrade

PG_URL = os.environ.get("JOBMATCH_TEST_DATABASE_URL")
# CI sets this, so a missing PostgreSQL fails the run instead of skipping its tests.
REQUIRE_PG = os.environ.get("JOBMATCH_REQUIRE_POSTGRES") == "1"

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _pg_admin():
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_template():
    """A migrated PostgreSQL database that each test copies (CREATE DATABASE ... TEMPLATE is fast)."""
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("JOBMATCH_REQUIRE_POSTGRES=1 but JOBMATCH_TEST_DATABASE_URL is not set")
        pytest.skip("PostgreSQL tests need JOBMATCH_TEST_DATABASE_URL")
    admin = _pg_admin()
    name = f"jobmatch_tpl_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    upgrade(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
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
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


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


def pytest_terminal_summary(terminalreporter):
    """Say how many PostgreSQL tests ran, so a CI log shows they were not skipped."""
    counts = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        counts[outcome] = sum(
            1 for r in terminalreporter.stats.get(outcome, []) if "[postgresql" in getattr(r, "nodeid", "")
        )
    line = "PostgreSQL backend: " + " / ".join(f"{outcome} {n}" for outcome, n in counts.items())
    terminalreporter.write_line(line + ("" if PG_URL else " (JOBMATCH_TEST_DATABASE_URL not set)"))


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
