"""Who acts: the name the outcome trail records, and the audit trail of actions on personal data and accounts."""

from __future__ import annotations

from flask import g, has_request_context, request
from sqlalchemy.orm import Session

from ..models import AuditEvent
from .sessions import current_user
from .tokens import api_role


def api_recorder() -> str:
    """Who acts through the API, for the outcome trail: the token's name."""
    api_role()
    return f"token:{g.api_token_name}"


def page_recorder() -> str:
    """Who acts on a page, for the outcome trail: the logged-in user, or the kiosk."""
    user = current_user()
    return f"user:{user.username}" if user is not None else "kiosk"


def audit(session_: Session, action: str, target: str = "", actor: str | None = None) -> None:
    """Record an action on personal data or accounts, in the caller's transaction: by the logged-in user, or by
    `actor`; an API call without a login is its token ("token:NAME"), the command line (no request) is "cli"."""
    user = current_user() if has_request_context() else None
    if actor is None and not has_request_context():
        actor = "cli"
    elif actor is None and user is None and request.path.startswith("/api/") and api_role() is not None:
        actor = f"token:{g.api_token_name}"
    session_.add(AuditEvent(user_id=user.id if user else None, action=action, target=target, actor=actor))
