"""Logging in with a password, and the lock that follows wrong passwords in a row (on the account, or in the
rate limiter's storage for a name that is no account)."""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import secrets
import time
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import Forbidden, TooManyAttempts, Unauthorised
from ..extensions import limiter
from ..models import User, utcnow

log = logging.getLogger(__name__)

# Wrong passwords in a row before an account locks, the first lock, and the longest: each further failure doubles it.
LOCK_AFTER = 5
LOCK_FIRST = 30
LOCK_MAX = 15 * 60
# How long the rate-limit storage remembers wrong passwords for a name that is no account.
UNKNOWN_NAME_MEMORY = 24 * 3600


@functools.cache
def _unknown_user_hash() -> str:
    # Checked against when the name is no account, so that answering costs the same hash work either way.
    return generate_password_hash(secrets.token_hex(16))


def _lock_seconds(failures: int) -> int:
    """The lock that follows `failures` wrong passwords in a row: none before LOCK_AFTER, then doubling."""
    if failures < LOCK_AFTER:
        return 0
    return min(LOCK_FIRST * 2 ** min(failures - LOCK_AFTER, 16), LOCK_MAX)


def bad_login() -> Unauthorised:
    """The refusal of a wrong name or password: the same words for both, so a name cannot be tested."""
    return Unauthorised("用户名或密码不对，请再试一次", english="wrong username or password")


def lock_error(seconds: int) -> TooManyAttempts:
    """The refusal during a lock, with the wait in seconds or minutes."""
    wait = f"{seconds} 秒" if seconds < 90 else f"{math.ceil(seconds / 60)} 分钟"
    return TooManyAttempts(f"密码错误次数太多，这个账号暂时锁定，请 {wait}后再试", seconds, english="account locked")


def seconds_until(moment: datetime | None) -> int:
    """Whole seconds left of a lock that ends at `moment` (0 when there is none)."""
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
    wait = seconds_until(user.locked_until) if user is not None else _unknown_name_wait(username)
    if wait:
        raise lock_error(wait)
    if user is None:
        check_password_hash(_unknown_user_hash(), password)
        if plausible:
            count_failure(session_, username)
        else:
            _unknown_name_failed(username)
        raise bad_login()
    if not check_password_hash(user.password_hash, password):
        count_failure(session_, username)
        raise bad_login()
    if user.disabled_at is not None:
        raise Forbidden("这个账号已停用，请联系管理员", english="account disabled")
    if user.failed_logins or user.locked_until is not None:
        user.failed_logins, user.locked_until = 0, None
    return user


def count_failure(session_: Session, username: str) -> None:
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
    _, lock = _unknown_name_keys(username)
    try:
        if limiter.storage.get(lock) > 0:
            return max(1, math.ceil(limiter.storage.get_expiry(lock) - time.time()))
    except Exception as err:  # the storage (Redis) is down: the per-address limit still holds
        log.warning("login lock storage unavailable: %s", type(err).__name__)
    return 0


def _unknown_name_failed(username: str) -> None:
    failures, lock = _unknown_name_keys(username)
    try:
        seconds = _lock_seconds(limiter.storage.incr(failures, UNKNOWN_NAME_MEMORY))
        if seconds:
            limiter.storage.clear(lock)
            limiter.storage.incr(lock, seconds)
    except Exception as err:
        log.warning("login lock storage unavailable: %s", type(err).__name__)
