"""Login sessions: opening and closing them, and the user of this request's session."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import g, session
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..db import db
from ..models import LoginSession, User, utcnow
from .tokens import digest

# A login session unused this long is refused, and deleted at the next login.
SESSION_IDLE = timedelta(days=14)
# last_seen_at is rewritten at most this often, so a page view does not always write.
SESSION_TOUCH = timedelta(minutes=1)
SESSION_KEY = "login"  # the Flask session's key for the login token


def open_session(session_: Session, user: User) -> str:
    """A new login session for `user` (commits); the plain token goes into the cookie and is never stored."""
    session_.execute(delete(LoginSession).where(LoginSession.last_seen_at < utcnow() - SESSION_IDLE))
    token = secrets.token_urlsafe(32)
    session_.add(LoginSession(user_id=user.id, token_hash=digest(token)))
    session_.commit()
    return token


def close_session(session_: Session, token: str | None) -> None:
    """End the login session of `token` everywhere its cookie is used (commits)."""
    if isinstance(token, str) and token:
        session_.execute(delete(LoginSession).where(LoginSession.token_hash == digest(token)))
        session_.commit()


def end_sessions(session_: Session, user_id: int, keep: str | None = None) -> None:
    """Delete every login session of a user except the one of `keep`, in the caller's transaction."""
    statement = delete(LoginSession).where(LoginSession.user_id == user_id)
    if keep:
        statement = statement.where(LoginSession.token_hash != digest(keep))
    session_.execute(statement)


def session_user(session_: Session, token) -> User | None:
    """The enabled user whose live login session `token` is, or None."""
    if not isinstance(token, str) or not token:
        return None
    first = not session_.in_transaction()
    row = session_.execute(
        select(LoginSession, User)
        .join(User, User.id == LoginSession.user_id)
        .where(LoginSession.token_hash == digest(token), User.disabled_at.is_(None))
    ).first()
    if row is None:
        return None
    login, user = row
    now = utcnow()
    if now - login.last_seen_at > SESSION_IDLE:
        return None
    # Only when nothing else is under way in this request's transaction, which this commit would end.
    if first and now - login.last_seen_at > SESSION_TOUCH:
        login.last_seen_at = now
        session_.commit()
    return user


def current_user() -> User | None:
    """The user of this request's login session; a revoked, idle or disabled one is nobody."""
    if "user" not in g:
        g.user = session_user(db.session, session.get(SESSION_KEY))
    return g.user
