"""The README's test command on a fresh machine: it finds a local PostgreSQL by itself, can be told to leave it out,
and ends by saying what it skipped and why."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from conftest import find_local_postgres, local_postgres_candidates
from helpers import free_port
from sqlalchemy import create_engine, inspect, text

ROOT = Path(__file__).resolve().parents[1]
# One small test of this file, run by the subprocesses below on both backends.
BOTH_BACKENDS = "tests/test_test_command.py::test_each_backend_gives_a_migrated_database"


def test_each_backend_gives_a_migrated_database(database_url):
    engine = create_engine(database_url)
    try:
        assert "alembic_version" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def run_pytest(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`python -m pytest` as the README runs it, with JOBMATCH_TEST_DATABASE_URL unset unless given."""
    environ = {k: v for k, v in os.environ.items() if k not in ("JOBMATCH_TEST_DATABASE_URL", "PYTEST_ADDOPTS")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=ROOT,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_closed_port_is_no_server_and_says_so():
    port = free_port()
    url, said = find_local_postgres([f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"])
    assert url is None
    assert f"postgres@127.0.0.1:{port}" in said and "refused" in said.lower()


@pytest.mark.postgres
def test_a_local_server_is_found_and_only_a_user_who_may_create_databases_is_taken(pg_template):
    admin, _ = pg_template
    url, said = find_local_postgres(local_postgres_candidates())
    assert url is not None, said
    found = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"jobmatch_probe_{uuid.uuid4().hex[:10]}"
    try:
        with found.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            conn.execute(text(f'DROP DATABASE "{name}"'))
    finally:
        found.dispose()
    role = f"jobmatch_nocreate_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'probe-password' NOCREATEDB"))
    try:
        plain = admin.url.set(username=role, password="probe-password").render_as_string(hide_password=False)
        refused, said = find_local_postgres([plain])
        assert refused is None and f"{role}@" in said and "may not create databases" in said
        # The first that may create databases is taken, whatever comes before it.
        assert find_local_postgres([plain, url])[0] == url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP ROLE {role}"))


@pytest.mark.postgres
def test_without_the_url_the_postgresql_tests_run_on_the_local_server(pg_template):
    done = run_pytest(BOTH_BACKENDS)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert "PostgreSQL backend: passed 1 / failed 0 / error 0 / skipped 0 (found " in done.stdout
    assert lines[-3].startswith("2 passed in ") and lines[-1] == "Skipped: none"


def test_an_empty_url_leaves_postgresql_out_and_the_output_ends_with_what_was_skipped():
    done = run_pytest(BOTH_BACKENDS, JOBMATCH_TEST_DATABASE_URL="", JOBMATCH_REQUIRE_POSTGRES="")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    reason = "PostgreSQL tests: JOBMATCH_TEST_DATABASE_URL is empty, which leaves PostgreSQL out"
    # The very last lines, after pytest's own short summary (-ra) and its closing count line.
    assert lines.index(f"Skipped: 1 — {reason}") > next(i for i, x in enumerate(lines) if "short test summary" in x)
    assert lines[-3].startswith("1 passed, 1 skipped in ")
    assert lines[-2:] == ["PostgreSQL backend: passed 0 / failed 0 / error 0 / skipped 1", f"Skipped: 1 — {reason}"]


def test_required_postgresql_fails_when_there_is_none():
    done = run_pytest(BOTH_BACKENDS, JOBMATCH_TEST_DATABASE_URL="", JOBMATCH_REQUIRE_POSTGRES="1")
    assert done.returncode == 1
    assert "JOBMATCH_REQUIRE_POSTGRES=1 but JOBMATCH_TEST_DATABASE_URL is empty" in done.stdout
    assert done.stdout.strip().splitlines()[-3].startswith("1 passed, 1 error in ")
