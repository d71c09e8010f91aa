"""Backups: SQLite's online backup API, or pg_dump/pg_restore for PostgreSQL.

A backup holds everything in the database, password and token hashes included, so it is written readable by its
owner only; and the PostgreSQL password never goes on a command line, where any local user could read it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from .db import create_private


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why."""


def pg_command(tool: str, url: str, *args: str) -> tuple[list[str], dict[str, str]]:
    """The argv for pg_dump or pg_restore on `url`, with no password in it, and the environment that carries the
    password (PGPASSWORD, which only this user and root can read in /proc)."""
    parsed = make_url(url)
    password = parsed.password or parsed.query.get("password")
    query = {k: v for k, v in parsed.query.items() if k != "password"}
    # URL.create, not URL.set: set() takes None to mean "leave as it is".
    bare = URL.create("postgresql", parsed.username, None, parsed.host, parsed.port, parsed.database, query)
    dbname = bare.render_as_string(hide_password=False)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    return [tool, f"--dbname={dbname}", *args], env


def _private(target: Path) -> None:
    """Create (or empty) `target` with mode 0600 before anything writes a secret into it."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as err:
        raise BackupError(f"cannot write {target}: {err.strerror}") from None
    try:
        os.fchmod(fd, 0o600)  # an existing file keeps its mode on open
    finally:
        os.close(fd)


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
        _private(target)
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
        _private(target)
        argv, env = pg_command("pg_dump", url, "--format=custom", "--file", str(target))
        result = subprocess.run(argv, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            target.unlink(missing_ok=True)  # no half-written backup left to be trusted later
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
        create_private(_sqlite_path(url))
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
        argv, env = pg_command(
            "pg_restore", url, "--clean", "--if-exists", "--no-owner", "--single-transaction", str(source)
        )
        result = subprocess.run(argv, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}")
    else:
        raise BackupError(f"restores of {backend} databases are not supported")
