"""Accounts and their passwords: creating, finding, disabling, and setting or changing a password."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import Conflict, Invalid, NotFound
from ..models import ROLES, User, utcnow
from .actors import audit
from .logins import count_failure, lock_error, seconds_until
from .sessions import end_sessions

PASSWORD_MIN = 8
PASSWORD_MAX = 200


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
        raise Invalid(problem, english="bad password", fields={"password": [problem]})


def create_user(session_: Session, username: str, password: str, role: str) -> User:
    if role not in ROLES:
        raise Invalid(
            f"角色只能是 {', '.join(ROLES)}", english="unknown role", fields={"role": [f"one of {', '.join(ROLES)}"]}
        )
    _check_new_password(password)
    if session_.scalar(select(User.id).where(User.username == username)):
        raise Conflict(f"用户「{username}」已存在", english="user exists", fields={"username": ["already exists"]})
    user = User(username=username, password_hash=generate_password_hash(password), role=role)
    session_.add(user)
    session_.commit()
    return user


def find_user(session_: Session, username: str) -> User:
    user = session_.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"没有用户「{username}」", english="no such user", fields={"username": ["not found"]})
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
    wait = seconds_until(user.locked_until)
    if wait:
        raise lock_error(wait)
    fields: dict[str, list[str]] = {}
    if not check_password_hash(user.password_hash, current):
        count_failure(session_, user.username)
        fields["current_password"] = ["当前密码不对"]
    problem = password_problem(new)
    if problem:
        fields["new_password"] = ["新" + problem]
    elif new == current and not fields:
        fields["new_password"] = ["新密码不能和当前密码一样"]
    if new != repeat:
        fields["new_password2"] = ["两次输入的新密码不一样"]
    if fields:
        raise Invalid("密码没有修改", english="password not changed", fields=fields)
    user.password_hash = generate_password_hash(new)
    user.failed_logins, user.locked_until = 0, None
    end_sessions(session_, user.id, keep=keep)
    audit(session_, "change_password", f"user:{user.username}")
    session_.commit()
