"""API tokens: making and revoking them, and the role of the request's bearer token."""

from __future__ import annotations

import hashlib
import secrets

from flask import g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import db
from ..errors import Conflict, Invalid, NotFound
from ..models import TOKEN_ROLES, ApiToken, utcnow


def digest(token: str) -> str:
    """What is stored of an API token or a login session's token."""
    # Tokens are 256-bit random strings, so a plain SHA-256 is enough to store them safely.
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session_: Session, name: str, role: str) -> str:
    """A new API token for `role`; the plain token is returned once and never stored."""
    if role not in TOKEN_ROLES:
        raise Invalid(
            f"角色只能是 {', '.join(TOKEN_ROLES)}",
            english="unknown role",
            fields={"role": [f"one of {', '.join(TOKEN_ROLES)}"]},
        )
    if not name or len(name) > 50:
        raise Invalid("名称要 1 到 50 个字", english="bad name", fields={"name": ["1-50 characters"]})
    if session_.scalar(select(ApiToken.id).where(ApiToken.name == name)):
        raise Conflict(f"令牌「{name}」已存在", english="token name exists", fields={"name": ["already exists"]})
    token = "jm_" + secrets.token_urlsafe(32)
    session_.add(ApiToken(name=name, token_hash=digest(token), role=role))
    session_.commit()
    return token


def revoke_token(session_: Session, name: str) -> None:
    record = session_.scalar(select(ApiToken).where(ApiToken.name == name))
    if record is None:
        raise NotFound(f"没有名为「{name}」的令牌", english="token not found", fields={"name": ["not found"]})
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        session_.commit()


def live_token(session_: Session, token: str) -> ApiToken | None:
    record = session_.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
    return record if record is not None and record.revoked_at is None else None


def token_role(session_: Session, token: str) -> str | None:
    record = live_token(session_, token)
    return record.role if record is not None else None


def api_role() -> str | None:
    """The role of the request's bearer token, or None."""
    if "api_role" not in g:
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header[:7].lower() == "bearer " else ""
        record = live_token(db.session, token) if token else None
        g.api_role = record.role if record is not None else None
        g.api_token_name = record.name if record is not None else None
    return g.api_role
