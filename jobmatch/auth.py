"""Logins for the staff and office pages, and CSRF protection for every form."""
from __future__ import annotations

import functools
import hashlib
import logging
import math
import secrets
import time
import unicodedata
from datetime import datetime, timedelta
from urllib.parse import unquote, urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.security import check_password_hash, generate_password_hash

from .errors import Conflict, Forbidden, Invalid, NotFound, TooManyAttempts, Unauthorised
from .models import ROLES, TOKEN_ROLES, ApiToken, AuditEvent, LoginSession, User, utcnow

log = logging.getLogger(__name__)

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


# Wrong passwords in a row before an account locks, the first lock, and the longest: each further failure doubles it.
LOCK_AFTER = 5
LOCK_FIRST = 30
LOCK_MAX = 15 * 60
# A login session unused this long is refused, and deleted at the next login.
SESSION_IDLE = timedelta(days=14)
# last_seen_at is rewritten at most this often, so a page view does not always write.
SESSION_TOUCH = timedelta(minutes=1)
# How long the rate-limit storage remembers wrong passwords for a name that is no account.
UNKNOWN_NAME_MEMORY = 24 * 3600
PASSWORD_MIN = 8
PASSWORD_MAX = 200

BAD_LOGIN = "用户名或密码不对，请再试一次 (wrong username or password)"
SESSION_KEY = "login"  # the Flask session's key for the login token


def password_problem(password: str) -> str | None:
    """Why `password` cannot be a new password, in Chinese, or None."""
    if len(password) < PASSWORD_MIN:
        return f"密码至少 {PASSWORD_MIN} 位"
    if len(password) > PASSWORD_MAX:
        return f"密码最多 {PASSWORD_MAX} 位"
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        return "密码里有无法识别的字符"
    return None


def _check_new_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise Invalid(f"{problem} (bad password)", {"password": [problem]})


def create_user(session_: Session, username: str, password: str, role: str) -> User:
    if role not in ROLES:
        raise Invalid(f"角色只能是 {', '.join(ROLES)} (unknown role)", {"role": [f"one of {', '.join(ROLES)}"]})
    _check_new_password(password)
    if session_.scalar(select(User.id).where(User.username == username)):
        raise Conflict(f"用户「{username}」已存在 (user exists)", {"username": ["already exists"]})
    user = User(username=username, password_hash=generate_password_hash(password), role=role)
    session_.add(user)
    session_.commit()
    return user


def find_user(session_: Session, username: str) -> User:
    user = session_.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"没有用户「{username}」 (no such user)", {"username": ["not found"]})
    return user


@functools.cache
def _unknown_user_hash() -> str:
    # Checked against when the name is no account, so that answering costs the same hash work either way.
    return generate_password_hash(secrets.token_hex(16))


def _lock_seconds(failures: int) -> int:
    """The lock that follows `failures` wrong passwords in a row: none before LOCK_AFTER, then doubling."""
    if failures < LOCK_AFTER:
        return 0
    return min(LOCK_FIRST * 2 ** min(failures - LOCK_AFTER, 16), LOCK_MAX)


def _locked(seconds: int) -> TooManyAttempts:
    wait = f"{seconds} 秒" if seconds < 90 else f"{math.ceil(seconds / 60)} 分钟"
    return TooManyAttempts(f"密码错误次数太多，这个账号暂时锁定，请 {wait}后再试 (account locked)", seconds)


def _seconds_until(moment: datetime | None) -> int:
    left = (moment - utcnow()).total_seconds() if moment is not None else 0
    return math.ceil(left) if left > 0 else 0


def log_in(session_: Session, username: str, password: str) -> User:
    """The user `username` if `password` is theirs; raises TooManyAttempts during a lock (without checking the
    password), Unauthorised for a wrong name or password, Forbidden for a disabled account.

    Wrong passwords are counted on the account in the database, so every worker sees one count. A name that is no
    account gets the same answers, the same hash work and the same statements, its count kept by the rate limiter.
    """
    # NUL cannot reach PostgreSQL, and no account has a longer name than the column holds.
    plausible = 0 < len(username) <= 50 and "\x00" not in username
    user = session_.scalar(select(User).where(User.username == username)) if plausible else None
    wait = _seconds_until(user.locked_until) if user is not None else _unknown_name_wait(username)
    if wait:
        raise _locked(wait)
    if user is None:
        check_password_hash(_unknown_user_hash(), password)
        if plausible:
            _count_failure(session_, username)
        else:
            _unknown_name_failed(username)
        raise Unauthorised(BAD_LOGIN)
    if not check_password_hash(user.password_hash, password):
        _count_failure(session_, username)
        raise Unauthorised(BAD_LOGIN)
    if user.disabled_at is not None:
        raise Forbidden("这个账号已停用，请联系管理员 (account disabled)")
    if user.failed_logins or user.locked_until is not None:
        user.failed_logins, user.locked_until = 0, None
    return user


def _count_failure(session_: Session, username: str) -> None:
    """One more wrong password for `username`, and the lock it earns; the same statements whether or not it exists."""
    # One UPDATE adds the failure, so concurrent workers never lose a count.
    session_.execute(
        update(User).where(User.username == username).values(failed_logins=User.failed_logins + 1),
        execution_options={"synchronize_session": False},
    )
    failures = session_.scalar(select(User.failed_logins).where(User.username == username))
    if failures is None:
        _unknown_name_failed(username)
    elif seconds := _lock_seconds(failures):
        session_.execute(
            update(User).where(User.username == username).values(locked_until=utcnow() + timedelta(seconds=seconds)),
            execution_options={"synchronize_session": False},
        )
    session_.commit()


def _unknown_name_keys(username: str) -> tuple[str, str]:
    key = "jobmatch-login/" + hashlib.sha256(username.encode("utf-8", "replace")).hexdigest()
    return key + "/failures", key + "/lock"


def _unknown_name_wait(username: str) -> int:
    """Seconds left of the lock on a name that is no account, so that it locks like an account would."""
    from .extensions import limiter

    _, lock = _unknown_name_keys(username)
    try:
        if limiter.storage.get(lock) > 0:
            return max(1, math.ceil(limiter.storage.get_expiry(lock) - time.time()))
    except Exception as err:  # the storage (Redis) is down: the per-address limit still holds
        log.warning("login lock storage unavailable: %s", type(err).__name__)
    return 0


def _unknown_name_failed(username: str) -> None:
    from .extensions import limiter

    failures, lock = _unknown_name_keys(username)
    try:
        seconds = _lock_seconds(limiter.storage.incr(failures, UNKNOWN_NAME_MEMORY))
        if seconds:
            limiter.storage.clear(lock)
            limiter.storage.incr(lock, seconds)
    except Exception as err:
        log.warning("login lock storage unavailable: %s", type(err).__name__)


def open_session(session_: Session, user: User) -> str:
    """A new login session for `user` (commits); the plain token goes into the cookie and is never stored."""
    session_.execute(delete(LoginSession).where(LoginSession.last_seen_at < utcnow() - SESSION_IDLE))
    token = secrets.token_urlsafe(32)
    session_.add(LoginSession(user_id=user.id, token_hash=_digest(token)))
    session_.commit()
    return token


def close_session(session_: Session, token: str | None) -> None:
    """End the login session of `token` everywhere its cookie is used (commits)."""
    if isinstance(token, str) and token:
        session_.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(token)))
        session_.commit()


def end_sessions(session_: Session, user_id: int, keep: str | None = None) -> None:
    """Delete every login session of a user except the one of `keep`, in the caller's transaction."""
    statement = delete(LoginSession).where(LoginSession.user_id == user_id)
    if keep:
        statement = statement.where(LoginSession.token_hash != _digest(keep))
    session_.execute(statement)


def session_user(session_: Session, token) -> User | None:
    """The enabled user whose live login session `token` is, or None."""
    if not isinstance(token, str) or not token:
        return None
    first = not session_.in_transaction()
    row = session_.execute(
        select(LoginSession, User).join(User, User.id == LoginSession.user_id)
        .where(LoginSession.token_hash == _digest(token), User.disabled_at.is_(None))
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


def set_password(session_: Session, username: str, password: str) -> User:
    """Give a user a new password (the command line): it unlocks the account and ends all their sessions."""
    user = find_user(session_, username)
    _check_new_password(password)
    user.password_hash = generate_password_hash(password)
    user.failed_logins, user.locked_until = 0, None
    end_sessions(session_, user.id)
    audit(session_, "set_password", f"user:{user.username}")
    session_.commit()
    return user


def disable_user(session_: Session, username: str, enable: bool = False) -> User:
    """Disable a user (no login, every session ended) or, with `enable`, let them log in again."""
    user = find_user(session_, username)
    if enable:
        user.disabled_at, user.failed_logins, user.locked_until = None, 0, None
    else:
        user.disabled_at = user.disabled_at or utcnow()
        end_sessions(session_, user.id)
    audit(session_, "enable_user" if enable else "disable_user", f"user:{user.username}")
    session_.commit()
    return user


def change_password(session_: Session, user: User, current: str, new: str, repeat: str, keep: str | None) -> None:
    """A logged-in user changes their own password: every other session of theirs ends, `keep` stays.

    A wrong current password counts against the account like a wrong login, so a borrowed session cannot guess it.
    """
    wait = _seconds_until(user.locked_until)
    if wait:
        raise _locked(wait)
    fields: dict[str, list[str]] = {}
    if not check_password_hash(user.password_hash, current):
        _count_failure(session_, user.username)
        fields["current_password"] = ["当前密码不对"]
    problem = password_problem(new)
    if problem:
        fields["new_password"] = ["新" + problem]
    elif new == current and not fields:
        fields["new_password"] = ["新密码不能和当前密码一样"]
    if new != repeat:
        fields["new_password2"] = ["两次输入的新密码不一样"]
    if fields:
        raise Invalid("密码没有修改 (password not changed)", fields)
    user.password_hash = generate_password_hash(new)
    user.failed_logins, user.locked_until = 0, None
    end_sessions(session_, user.id, keep=keep)
    audit(session_, "change_password", f"user:{user.username}")
    session_.commit()


def audit(session_: Session, action: str, target: str = "", actor: str | None = None) -> None:
    """Record an action on personal data or accounts, in the caller's transaction: by the logged-in user, or by
    `actor`; an API call without a login is its token ("token:NAME"), the command line (no request) is "cli"."""
    from flask import has_request_context

    user = current_user() if has_request_context() else None
    if actor is None and not has_request_context():
        actor = "cli"
    elif actor is None and user is None and request.path.startswith("/api/") and api_role() is not None:
        actor = f"token:{g.api_token_name}"
    session_.add(AuditEvent(user_id=user.id if user else None, action=action, target=target, actor=actor))


def current_user() -> User | None:
    """The user of this request's login session; a revoked, idle or disabled one is nobody."""
    if "user" not in g:
        from .db import db

        g.user = session_user(db.session, session.get(SESSION_KEY))
    return g.user


def local_target(target: str | None) -> str | None:
    """`target` as a page of this app to go to after logging in, or None: a login link never leads elsewhere."""
    if not target or len(target) > 2000:
        return None
    # Browsers drop tabs and newlines inside a URL and read "\\" as "/", so "/\t/evil.example" and "/\\evil.example"
    # lead off-site; no page of this app needs such characters, so any of them refuses the target.
    if any(c.isspace() or c == "\\" or unicodedata.category(c) in ("Cc", "Cf") for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    try:
        endpoint, _ = current_app.url_map.bind("localhost").match(unquote(parts.path), method="GET")
    except HTTPException:  # no such page, not a GET page, or one that redirects
        return None
    if endpoint in ("web.login", "web.logout", "web.static"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


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

