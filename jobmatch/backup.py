"""Backups: SQLite's online backup API, or pg_dump/pg_restore for PostgreSQL."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why."""


def _libpq_url(url: str) -> str:
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory database has nothing to back up")
    return Path(database)


def backup(url: str, target: str | Path) -> None:
    """Write a consistent copy of the database at `url` to `target`, while the service keeps running."""
    target = Path(target)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        source_path = _sqlite_path(url)
        if not source_path.exists():
            raise BackupError(f"no database at {source_path}")
        source = sqlite3.connect(source_path)
        destination = sqlite3.connect(target)
        try:
            with destination:
                source.backup(destination)  # page by page, consistent even while workers write
        finally:
            destination.close()
            source.close()
    elif backend == "postgresql":
        if shutil.which("pg_dump") is None:
            raise BackupError("pg_dump is not installed (Debian: postgresql-client)")
        result = subprocess.run(["pg_dump", "--format=custom", "--file", str(target), _libpq_url(url)], capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}")
    else:
        raise BackupError(f"backups of {backend} databases are not supported")


def restore(url: str, source: str | Path) -> None:
    """Replace the database at `url` with the backup in `source`. Stop the service first."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"no backup at {source}")
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        try:
            backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            # A jobmatch backup carries its schema version; an empty or foreign file must not wipe the database.
            backup_db.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError as err:
            backup_db.close()
            raise BackupError(f"{source} is not a jobmatch SQLite backup ({err})") from None
        target = sqlite3.connect(_sqlite_path(url))
        try:
            with target:
                backup_db.backup(target)
        finally:
            target.close()
            backup_db.close()
    elif backend == "postgresql":
        if shutil.which("pg_restore") is None:
            raise BackupError("pg_restore is not installed (Debian: postgresql-client)")
        result = subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", _libpq_url(url), str(source)],
            capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}")
    else:
        raise BackupError(f"restores of {backend} databases are not supported")
