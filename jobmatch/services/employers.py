"""Employers, looked up by id or, for imports and batch files, by name."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import Conflict
from ..models import Employer
from .changes import bump_version
from .paging import Page, get_or_not_found, paginate


def create_employer(session: Session, data: dict) -> Employer:
    if session.scalar(select(Employer.id).where(Employer.name == data["name"])):
        raise Conflict(f"企业「{data['name']}」已存在", english="employer exists", fields={"name": ["already exists"]})
    employer = Employer(**data)
    session.add(employer)
    session.flush()  # its id, for the answer
    return employer


def get_employer(session: Session, employer_id: int) -> Employer:
    return get_or_not_found(
        session, Employer, employer_id, "employer_id", f"没有编号为 {employer_id} 的企业", "employer not found"
    )


def update_employer(session: Session, employer_id: int, data: dict) -> Employer:
    employer = get_employer(session, employer_id)
    if "name" in data and data["name"] != employer.name:
        if session.scalar(select(Employer.id).where(Employer.name == data["name"])):
            raise Conflict(
                f"企业「{data['name']}」已存在", english="employer exists", fields={"name": ["already exists"]}
            )
    for key, value in data.items():
        setattr(employer, key, value)
    bump_version(session)  # the employer's name is shown with every match
    return employer


def list_employers(session: Session, q: str | None = None, page: int = 1, per_page: int = 20) -> Page:
    stmt = select(Employer).order_by(Employer.name)
    if q:
        stmt = stmt.where(Employer.name.contains(q, autoescape=True))
    return paginate(session, stmt, page, per_page)


def employer_by_name(session: Session, name: str, phone: str | None = None, town: str | None = None) -> Employer:
    """The employer with this name, created on first use (imports and batch files name firms, not ids)."""
    employer = session.scalar(select(Employer).where(Employer.name == name))
    if employer is None:
        try:
            with session.begin_nested():
                employer = Employer(name=name, contact_phone=phone, town=town)
                session.add(employer)
        except IntegrityError:  # another worker created it a moment ago
            employer = session.scalars(select(Employer).where(Employer.name == name)).one()
    return employer
