"""Logins for the staff and office pages, and CSRF protection for every form."""
from __future__ import annotations

import functools
import hmac
import secrets

from flask import abort, g, redirect, request, session, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .errors import Conflict, Invalid
from .models import ROLES, AuditEvent, User

# What each role may open: office pages for both, staff pages for staff only (DESIGN.md's table).
ROLE_GRANTS = {"office": {"office"}, "staff": {"office", "staff"}}


def create_user(session_: Session, username: str, password: str, role: str) -> User:
    if role not in ROLES:
        raise Invalid(f"角色只能是 {', '.join(ROLES)} (unknown role)", {"role": [f"one of {', '.join(ROLES)}"]})
    if len(password) < 8:
        raise Invalid("密码至少 8 位 (password too short)", {"password": ["at least 8 characters"]})
    if session_.scalar(select(User.id).where(User.username == username)):
        raise Conflict(f"用户「{username}」已存在 (user exists)", {"username": ["already exists"]})
    user = User(username=username, password_hash=generate_password_hash(password), role=role)
    session_.add(user)
    session_.commit()
    return user


def authenticate(session_: Session, username: str, password: str) -> User | None:
    user = session_.scalar(select(User).where(User.username == username))
    if user is None:
        check_password_hash(generate_password_hash("x"), password)  # same work either way: no user enumeration by timing
        return None
    return user if check_password_hash(user.password_hash, password) else None


def audit(session_: Session, action: str, target: str = "") -> None:
    """Record an action on personal data by the logged-in user, in the caller's transaction."""
    user = current_user()
    session_.add(AuditEvent(user_id=user.id if user else None, action=action, target=target))


def current_user() -> User | None:
    if "user" not in g:
        from .db import db

        user_id = session.get("user_id")
        g.user = db.session.get(User, user_id) if user_id else None
    return g.user


def login_required(area: str):
    """Views of `area` ("staff" or "office") need a logged-in user whose role grants it."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("web.login", next=request.full_path))
            if area not in ROLE_GRANTS.get(user.role, set()):
                abort(403)
            return view(*args, **kwargs)

        wrapped.area = area
        return wrapped

    return decorator


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    """Refuse a form post whose token does not match the session's."""
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        sent = request.form.get("csrf_token", "")
        if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
            abort(400, description="csrf")
