"""Job fairs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Fair
from .paging import Page, get_or_not_found, paginate


def create_fair(session: Session, data: dict) -> Fair:
    fair = Fair(**data)
    session.add(fair)
    session.flush()  # its id, for the answer
    return fair


def get_fair(session: Session, fair_id: int) -> Fair:
    return get_or_not_found(session, Fair, fair_id, "fair_id", f"没有编号为 {fair_id} 的集市", "fair not found")


def list_fairs(session: Session, page: int = 1, per_page: int = 20) -> Page:
    return paginate(session, select(Fair).order_by(Fair.date.desc(), Fair.id.desc()), page, per_page)


def fair_of(session: Session, fair_id: int | None) -> Fair | None:
    """The fair a record belongs to, or None when it belongs to none (or its fair is gone)."""
    return session.get(Fair, fair_id) if fair_id else None
