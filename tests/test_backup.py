"""`jobmatch backup` and `jobmatch restore`: a round trip that compares every row of every table; backups readable by
their owner only; no PostgreSQL password on a command line."""

import os
import shutil
import stat
import uuid

import pytest
from helpers import run
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url


def snapshot(url: str) -> dict[str, list[tuple]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        tables = sorted(inspect(conn).get_table_names())
        rows = {t: sorted(tuple(map(str, r)) for r in conn.execute(text(f'SELECT * FROM "{t}"'))) for t in tables}
    engine.dispose()
    return rows


def test_backup_and_restore_round_trip(tmp_path, cli_env, database_url):
    assert run("demo", env=cli_env).returncode == 0
    assert run("create-user", "stall", "--role", "staff", "--password", "stall-password", env=cli_env).returncode == 0
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO outcomes (profile_id, job_id, status, note, created_at) "
                "VALUES (1, 1, 'hired', '', CURRENT_TIMESTAMP)"
            )
        )
    before = snapshot(database_url)
    assert sum(len(r) for r in before.values()) > 150
    dump = tmp_path / "jobmatch.backup"
    made = run("backup", str(dump), env=cli_env)
    assert made.returncode == 0, made.stderr
    with engine.begin() as conn:  # a bad day at the stall
        conn.execute(text("DELETE FROM outcomes"))
        conn.execute(text("UPDATE profiles SET name = 'X'"))
        conn.execute(
            text(
                "INSERT INTO fairs (name, date, town, communities, created_at) "
                "VALUES ('后来的集市', '2026-12-01', '东流镇', '[]', CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()
    assert snapshot(database_url) != before
    restored = run("restore", str(dump), "--yes", env=cli_env)
    assert restored.returncode == 0, restored.stderr
    assert snapshot(database_url) == before


@pytest.mark.parametrize("content", [b"", b"not a backup at all"])
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, cli_env, content):
    bad = tmp_path / "bad.backup"
    bad.write_bytes(content)
    assert run("init-db", env=cli_env).returncode == 0
    result = run("restore", str(bad), "--yes", env=cli_env)
    assert result.returncode == 2 and "error:" in result.stderr


def test_restore_of_a_missing_file(tmp_path, cli_env):
    result = run("restore", str(tmp_path / "none.backup"), "--yes", env=cli_env)
    assert result.returncode == 2 and "no backup at" in result.stderr


def test_a_backup_is_readable_by_its_owner_only(tmp_path, cli_env):
    assert run("demo", env=cli_env).returncode == 0
    fresh, overwritten = tmp_path / "fresh.backup", tmp_path / "old.backup"
    overwritten.write_bytes(b"an older backup")
    overwritten.chmod(0o644)
    old_umask = os.umask(0o022)  # the usual umask, under which files come out 0644
    try:
        for target in (fresh, overwritten):
            made = run("backup", str(target), env=cli_env)
            assert made.returncode == 0, made.stderr
            assert stat.S_IMODE(target.stat().st_mode) == 0o600
    finally:
        os.umask(old_umask)


@pytest.fixture
def role_with_password(backend, database_url):
    """A PostgreSQL role that logs in with a password, and the database URL that carries it."""
    role, password = f"jm_backup_{uuid.uuid4().hex[:8]}", f"pw-{uuid.uuid4().hex}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN SUPERUSER PASSWORD '{password}'"))
    yield make_url(database_url).set(username=role, password=password).render_as_string(hide_password=False), password
    with admin.connect() as conn:  # the restore made it the owner of the tables it created
        conn.execute(text(f"REASSIGN OWNED BY {role} TO CURRENT_USER"))
        conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
    admin.dispose()


@pytest.mark.parametrize("backend", ["postgresql"])
def test_the_postgresql_password_never_reaches_pg_dump_argv(tmp_path, cli_env, backend, role_with_password):
    url, password = role_with_password
    env = dict(cli_env, JOBMATCH_DATABASE_URL=url)
    assert run("demo", env=env).returncode == 0
    before = snapshot(url)
    # pg_dump and pg_restore as the command finds them on PATH: the real tools, behind a note of what they were given.
    seen = tmp_path / "argv.txt"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("pg_dump", "pg_restore"):
        real = shutil.which(tool)
        wrapper = bin_dir / tool
        wrapper.write_text(
            f'#!/bin/sh\nprintf "%s\\n" "{tool}" "$@" "password-env:${{PGPASSWORD:+set}}" >> "{seen}"\n'
            f'exec "{real}" "$@"\n'
        )
        wrapper.chmod(0o755)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    dump = tmp_path / "secret.backup"
    made = run("backup", str(dump), env=env)
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE profiles SET name = 'X'"))
    engine.dispose()
    restored = run("restore", str(dump), "--yes", env=env)
    assert restored.returncode == 0, restored.stderr
    assert snapshot(url) == before
    argv = seen.read_text()
    assert argv.count("password-env:set") == 2 and "pg_dump" in argv and "pg_restore" in argv
    assert password not in argv
    assert password not in made.stdout + made.stderr + restored.stdout + restored.stderr
