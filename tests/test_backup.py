"""`jobmatch backup` and `jobmatch restore`: a round trip that compares every row of every table."""
import pytest
from sqlalchemy import create_engine, inspect, text
from test_cli import cli_env, run  # noqa: F401  (cli_env is a fixture)


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
        conn.execute(text("INSERT INTO outcomes (profile_id, job_id, status, note, created_at) VALUES (1, 1, 'hired', '', CURRENT_TIMESTAMP)"))
    before = snapshot(database_url)
    assert sum(len(r) for r in before.values()) > 150
    dump = tmp_path / "jobmatch.backup"
    made = run("backup", str(dump), env=cli_env)
    assert made.returncode == 0, made.stderr
    with engine.begin() as conn:  # a bad day at the stall
        conn.execute(text("DELETE FROM outcomes"))
        conn.execute(text("UPDATE profiles SET name = 'X'"))
        conn.execute(text("INSERT INTO fairs (name, date, town, communities, created_at) VALUES ('后来的集市', '2026-12-01', '东流镇', '[]', CURRENT_TIMESTAMP)"))
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
