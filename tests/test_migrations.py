"""Alembic: an empty database upgrades to head, and head matches the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select

from jobmatch.db import Base
from jobmatch.models import DataVersion


def test_upgrade_from_empty_matches_the_models(database_url):
    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
        assert diff == []
        assert conn.scalar(select(DataVersion.version).where(DataVersion.name == "matching")) == 0
        assert {"fairs", "employers", "jobs", "profiles", "outcomes", "alembic_version"} <= set(
            inspect(conn).get_table_names()
        )
    engine.dispose()


def test_upgrade_is_idempotent_and_keeps_data(database_url, app, client):
    from helpers import make_job

    from jobmatch.db import upgrade

    job = make_job(client)
    upgrade(database_url)
    assert client.get(f"/api/v1/jobs/{job['id']}").json["title"] == "平车工"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    from sqlalchemy import text

    from jobmatch.db import make_engine, upgrade

    url = f"sqlite:///{tmp_path / 'wal.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(text("PRAGMA journal_mode")) == "wal"
        assert conn.scalar(text("PRAGMA foreign_keys")) == 1
        assert conn.scalar(text("PRAGMA synchronous")) == 2  # FULL
    engine.dispose()


def test_a_first_schema_database_upgrades_in_place_without_loss(tmp_path):
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from jobmatch.db import alembic_config, upgrade

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0001")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO employers (id, name, created_at, updated_at) "
                "VALUES (1, '东流服饰', '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO profiles (id, name, phone, experience, desired, availability, created_at) "
                "VALUES (7, '王桂兰', '13812345678', '平车', '白班', 'day_only', '2026-01-01')"
            )
        )
    upgrade(url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT name, phone, ticket, submission_key, coding FROM profiles WHERE id = 7")).one()
        assert tuple(row) == ("王桂兰", "13812345678", None, None, None)
        assert conn.scalar(text("SELECT name FROM employers WHERE id = 1")) == "东流服饰"
        head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == head == "0009"
    engine.dispose()


def test_the_old_declined_button_becomes_a_decline_by_the_resident(tmp_path):
    from sqlalchemy import text

    from jobmatch.db import upgrade

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0004")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO employers (id, name, created_at, updated_at) "
                "VALUES (1, '东流服饰', '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO jobs (id, employer_id, title, description, skills, openings, wage_unit, shift, perks, "
                "is_open, created_at, updated_at) "
                "VALUES (1, 1, '平车工', '', '[]', 1, 'month', 'day', '[]', 1, '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO profiles (id, experience, desired, availability, created_at) "
                "VALUES (1, '', '', 'any', '2026-01-01')"
            )
        )
        for status in ("declined", "hired"):
            conn.execute(
                text(
                    "INSERT INTO outcomes (profile_id, job_id, status, note, created_at) "
                    "VALUES (1, 1, :s, '', '2026-01-02')"
                ),
                {"s": status},
            )
    upgrade(url)
    with engine.connect() as conn:
        assert sorted(conn.scalars(text("SELECT status FROM outcomes"))) == ["declined_by_resident", "hired"]
    engine.dispose()


def test_the_kinds_of_work_tapped_come_with_0009_and_go_with_its_downgrade(tmp_path):
    from alembic import command
    from sqlalchemy import text

    from jobmatch.db import alembic_config, upgrade

    url = f"sqlite:///{tmp_path / 'taps.sqlite3'}"
    upgrade(url, "0008")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO profiles (id, name, experience, desired, availability, created_at) "
                "VALUES (3, '王桂兰', '平车', '', 'any', '2026-01-01')"
            )
        )
    upgrade(url, "0009")
    with engine.begin() as conn:
        row = conn.execute(text("SELECT experience_occupations, desired_occupations FROM profiles WHERE id = 3")).one()
        assert tuple(row) == (None, None)  # a profile from before the buttons tapped none
        conn.execute(text("""UPDATE profiles SET desired_occupations = '["保洁员"]' WHERE id = 3"""))
    command.downgrade(alembic_config(url), "0008")
    with engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("profiles")}
        assert "desired_occupations" not in columns and "experience_occupations" not in columns
        assert conn.execute(text("SELECT name, experience FROM profiles WHERE id = 3")).one() == ("王桂兰", "平车")
    engine.dispose()
