"""What the services share: a page of results, and fetching one record by id or saying it is not there."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..vocabulary import MAX_ID


@dataclass
class Page:
    """One page of a list, and how many records the whole list holds."""

    items: list
    page: int
    per_page: int
    total: int


def paginate(session: Session, stmt, page: int, per_page: int) -> Page:
    """Page `page` (from 1) of the records `stmt` selects."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(items=list(items), page=page, per_page=per_page, total=total or 0)


def get_or_not_found(session: Session, model, record_id: int, field: str, chinese: str, english: str):
    """The record of `model` with this id; NotFound saying `chinese` and `english` when there is none (or the id
    cannot be one)."""
    record = session.get(model, record_id) if 0 < record_id <= MAX_ID else None
    if record is None:
        raise NotFound(chinese, english=english, fields={field: ["not found"]})
    return record
