"""Logins for the staff and office pages, and CSRF protection for every form."""
from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from flask import abort, g, redirect, request, session, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .errors import Conflict, Forbidden, Invalid, NotFound, Unauthorised
from .models import ROLES, TOKEN_ROLES, ApiToken, AuditEvent, User, utcnow

# What each role may do (DESIGN.md's table): staff may do everything the office may; the kiosk only its own things.
ROLE_GRANTS = {"office": {"office"}, "staff": {"office", "staff"}, "kiosk": {"kiosk"}}
ACCESS_LEVELS = ("public", "kiosk", "office", "staff")


def _digest(token: str) -> str:
    # Tokens are 256-bit random strings, so a plain SHA-256 is enough to store them safely.
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session_: Session, name: str, role: str) -> str:
    """A new API token for `role`; the plain token is returned once and never stored."""
    if role not in TOKEN_ROLES:
        raise Invalid(f"角色只能是 {', '.join(TOKEN_ROLES)} (unknown role)", {"role": [f"one of {', '.join(TOKEN_ROLES)}"]})
    if not name or len(name) > 50:
        raise Invalid("名称要 1 到 50 个字 (bad name)", {"name": ["1-50 characters"]})
    if session_.scalar(select(ApiToken.id).where(ApiToken.name == name)):
        raise Conflict(f"令牌「{name}」已存在 (token name exists)", {"name": ["already exists"]})
    token = "jm_" + secrets.token_urlsafe(32)
    session_.add(ApiToken(name=name, token_hash=_digest(token), role=role))
    session_.commit()
    return token


def revoke_token(session_: Session, name: str) -> None:
    record = session_.scalar(select(ApiToken).where(ApiToken.name == name))
    if record is None:
        raise NotFound(f"没有名为「{name}」的令牌 (token not found)", {"name": ["not found"]})
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        session_.commit()


def live_token(session_: Session, token: str) -> ApiToken | None:
    record = session_.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    return record if record is not None and record.revoked_at is None else None


def token_role(session_: Session, token: str) -> str | None:
    record = live_token(session_, token)
    return record.role if record is not None else None


def api_role() -> str | None:
    """The role of the request's bearer token, or None."""
    if "api_role" not in g:
        from .db import db

        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header[:7].lower() == "bearer " else ""
        record = live_token(db.session, token) if token else None
        g.api_role = record.role if record is not None else None
        g.api_token_name = record.name if record is not None else None
    return g.api_role


def api_recorder() -> str:
    """Who acts through the API, for the outcome trail: the token's name."""
    api_role()
    return f"token:{g.api_token_name}"


def page_recorder() -> str:
    """Who acts on a page, for the outcome trail: the logged-in user, or the kiosk."""
    user = current_user()
    return f"user:{user.username}" if user is not None else "kiosk"


def api_access(*levels: str):
    """Declare and enforce who may call an API view: "public", or the roles whose grants include a level."""
    assert levels and set(levels) <= set(ACCESS_LEVELS), levels

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if "public" not in levels:
                role = api_role()
                if role is None:
                    raise Unauthorised("需要有效的访问令牌 (send Authorization: Bearer <token>)")
                if not ROLE_GRANTS[role] & set(levels):
                    raise Forbidden("这个令牌没有权限 (this token's role may not do this)")
            return view(*args, **kwargs)

        wrapped.access = frozenset(levels)
        return wrapped

    return decorator


def page_access(level: str):
    """Declare a page open to anyone ("public") or to anyone at the kiosk ("kiosk"): no login."""
    assert level in ("public", "kiosk")

    def decorator(view):
        view.access = frozenset({level})
        return view

    return decorator


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
    """Record an action on personal data, in the caller's transaction, with who did it: the logged-in user, the API
    token's name, or the command line."""
    from flask import has_request_context

    user = current_user() if has_request_context() else None
    if not has_request_context():
        actor = "cli"
    elif user is None and request.path.startswith("/api/") and api_role() is not None:
        actor = f"token:{g.api_token_name}"
    else:
        actor = None
    session_.add(AuditEvent(user_id=user.id if user else None, actor=actor, action=action, target=target))


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

        wrapped.access = frozenset({area})
        return wrapped

    return decorator


def from_this_site() -> bool:
    """Whether this request came from a page of this site (or was typed or bookmarked), not from another site's link.

    Browsers say so in Sec-Fetch-Site; without it (older browsers, scripts) a Referer from elsewhere counts against.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    referrer = request.headers.get("Referer")
    if not referrer:
        return True
    origin = urlsplit(referrer)
    return f"{origin.scheme}://{origin.netloc}" == request.host_url.rstrip("/")


def refuse_cross_site() -> None:
    """GETs that print or export personal data also write the audit trail: another site's link may do neither."""
    if not from_this_site():
        raise Forbidden("请在本站的页面上点“打印”或“导出”，不要从别处的链接打开 (cross-site request refused)")


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
