"""Engine and session handling: SQLite (WAL, foreign keys) by default, PostgreSQL by URL."""

from __future__ import annotations

import logging
import os
import stat
from functools import partial
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class Base(DeclarativeBase):
    pass


# How long a write waits for another writer's lock before it gives up (and the request answers 503).
DEFAULT_BUSY_TIMEOUT = 5.0


def _sqlite_pragmas(dbapi_connection, _record, busy_timeout: float = DEFAULT_BUSY_TIMEOUT):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: an acknowledged kiosk submission survives a power cut at the stall.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
    # Erased names and phones are overwritten with zeros, not left in free space of the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _sqlite_savepoint(conn, _name) -> None:
    """Open the transaction before its first savepoint. Python's sqlite3 begins one only before an INSERT, UPDATE or
    DELETE, so a savepoint taken first would open it instead, and releasing the savepoint would commit."""
    raw = conn.connection.dbapi_connection
    if not raw.in_transaction:
        raw.execute("BEGIN")


def create_private(path: Path) -> None:
    """Create the SQLite file readable by its owner only (it holds password and token hashes); SQLite gives its
    -wal and -shm files the same mode. A file left more open by an older version is closed up."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = stat.S_IMODE(file.stat().st_mode)
            if mode & 0o077 and file.stat().st_uid == os.geteuid():
                file.chmod(mode & 0o700)
        except FileNotFoundError:
            pass


def make_engine(url: str, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Engine:
    """Create an engine for `url`; SQLite files get their folder, owner-only mode, WAL and foreign keys.

    `busy_timeout` (seconds) bounds how long a write waits for a lock: SQLite's busy timeout, PostgreSQL's
    lock_timeout. A writer that gives up frees its worker rather than stalling it.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": busy_timeout})
        if parsed.database and parsed.database != ":memory:" and not parsed.query.get("uri"):
            # On the first connection, not here: creating the app must not create the database.
            path = Path(parsed.database)
            event.listen(engine, "do_connect", lambda *_args: create_private(path))
        event.listen(engine, "connect", partial(_sqlite_pragmas, busy_timeout=busy_timeout))
        event.listen(engine, "savepoint", _sqlite_savepoint)
        return engine
    if parsed.get_backend_name() == "postgresql":
        options = f"{parsed.query.get('options', '')} -c lock_timeout={int(busy_timeout * 1000)}".strip()
        return create_engine(url, pool_pre_ping=True, connect_args={"options": options})
    return create_engine(url, pool_pre_ping=True)


def checkpoint(session: Session) -> None:
    """After an erasure: move SQLite's WAL into the database file and truncate it, so the erased values are gone
    from both files (secure_delete has zeroed them in the pages). PostgreSQL needs nothing here."""
    if session.get_bind().dialect.name == "sqlite":
        blocked = session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).scalar()
        session.commit()
        if blocked:  # a reader held an old snapshot past the busy timeout; the next checkpoint finishes the job
            logging.getLogger(__name__).warning("the WAL checkpoint after an erasure was blocked by a reader")


class Database:
    """Flask extension: one engine per app, one session per app context."""

    def __init__(self, app=None):
        if app is not None:
            self.init_app(app)

    def init_app(self, app) -> None:
        engine = make_engine(app.config["DATABASE_URL"], app.config.get("DB_BUSY_TIMEOUT", DEFAULT_BUSY_TIMEOUT))
        app.extensions["jobmatch.db"] = {
            "engine": engine,
            "sessionmaker": sessionmaker(bind=engine, expire_on_commit=False),
        }
        app.teardown_appcontext(self._close_session)

    @staticmethod
    def _state():
        from flask import current_app

        return current_app.extensions["jobmatch.db"]

    @property
    def engine(self) -> Engine:
        return self._state()["engine"]

    @property
    def session(self) -> Session:
        from flask import g

        if "db_session" not in g:
            g.db_session = self._state()["sessionmaker"]()
        return g.db_session

    @staticmethod
    def _close_session(_exc=None):
        from flask import g

        session = g.pop("db_session", None)
        if session is not None:
            session.close()


db = Database()


def rollback_quietly(session: Session) -> None:
    """Roll back after a failure, even when the connection itself is gone (the session is discarded anyway)."""
    try:
        session.rollback()
    except DBAPIError:
        pass


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` with Alembic (creates it from empty)."""
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)
    from alembic import command

    command.upgrade(alembic_config(url), revision)
