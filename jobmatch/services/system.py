"""The house's own records: the heartbeat that proves a write can commit, and the audit trail."""

from __future__ import annotations

from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import AuditEvent, Heartbeat, User, utcnow
from .paging import Page, paginate


def beat(engine, name: str, timeout: float) -> None:
    """Prove that a write can commit now: upsert the heartbeat row `name`, waiting at most `timeout` seconds for
    another writer's lock. Raises the database's error when it cannot."""
    wait_ms = max(1, int(timeout * 1000))
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # the connection goes back to the pool afterwards: its usual busy timeout is put back below
            usual = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
            conn.exec_driver_sql(f"PRAGMA busy_timeout={wait_ms}")
        else:  # LOCAL: reverts with this transaction
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {wait_ms}")
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = {wait_ms}")
        try:
            now = utcnow()
            if conn.execute(update(Heartbeat).where(Heartbeat.name == name).values(beat_at=now)).rowcount == 0:
                conn.execute(insert(Heartbeat).values(name=name, beat_at=now))
            conn.commit()
        except IntegrityError:
            pass  # another worker's first beat inserted the row a moment ago: its write committed
        finally:
            conn.rollback()
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={int(usual)}")
                conn.commit()


def list_audit(session: Session, page: int = 1, per_page: int = 20) -> Page:
    return paginate(
        session, select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()), page, per_page
    )


def usernames(session: Session) -> dict[int, str]:
    """Every user's name by id: the audit page names who did what."""
    return {user.id: user.username for user in session.scalars(select(User))}


def database_alive(session: Session) -> str:
    """Ask the database the simplest question; its dialect's name when it answers (raises when it cannot)."""
    session.execute(text("SELECT 1"))
    return session.get_bind().dialect.name
