"""Vacancies: writing them, filling empty fields from their words, and saying what those words demand."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..errors import Conflict, Invalid
from ..matching import JobRecord
from ..matching.demands import Demands, describe_demands, read_demands
from ..matching.features import job_demands
from ..matching.postings import (
    FIELD_GROUPS,
    PostingReading,
    describe,
    group_empty,
    group_values,
    read_posting,
)
from ..models import Employer, Job, utcnow
from ..vacancy import STORED
from .changes import bump_version
from .employers import employer_by_name, get_employer
from .fairs import get_fair
from .paging import Page, get_or_not_found, paginate

_JOB_FIELDS = {f.column for f in STORED if f.column}  # the firm and the demands are set on their own


def _resolve_employer(session: Session, data: dict) -> Employer:
    if data.get("employer_id"):
        return get_employer(session, data["employer_id"])
    return employer_by_name(session, data["employer"], data.get("contact_phone"), data.get("town"))


def _apply_job(session: Session, job: Job, data: dict) -> None:
    if data.get("fair_id") is not None:
        get_fair(session, data["fair_id"])
    if data.get("external_id"):
        clash = session.scalar(select(Job.id).where(Job.external_id == data["external_id"]))
        if clash and clash != job.id:
            raise Conflict(
                f"岗位编号 {data['external_id']} 已存在", english="duplicate id", fields={"id": ["already exists"]}
            )
    if data.get("employer_id") or data.get("employer"):
        job.employer = _resolve_employer(session, data)
    for key in _JOB_FIELDS | {"fair_id"}:
        if key in data and not (key == "openings" and data[key] is None):
            setattr(job, key, data[key])
    if "demands" in data:  # the office's correction; null goes back to reading the words
        job.demands = None if data["demands"] is None else Demands.from_dict(data["demands"]).as_dict()
    fill_from_text(job, given_groups(data), given=data)


_GROUP_DEFAULTS: dict[str, object] = {
    "wage_min": None,
    "wage_max": None,
    "wage_unit": "month",
    "age_min": None,
    "age_max": None,
    "shift": "day",
    "openings": 1,
    "perks": [],
}


def given_groups(data: dict) -> set[str]:
    """The field groups a write gives values for (a wage unit alone gives no wage)."""
    return {
        g
        for g, names in FIELD_GROUPS.items()
        if any(data.get(n) not in (None, [], "") for n in names if n != "wage_unit")
    }


def fill_from_text(job, groups: set[str], given: dict | None = None) -> PostingReading:
    """Fill the fields the office left empty from the title and description, and note which ones, so that a clerk
    sees and can correct them; what the office gave is never overwritten. A field filled from the words earlier
    follows the words when they change, and is dropped with its group when the office gives part of the group (a
    wage_max alone must not sit beside a wage_min the words gave)."""
    reading = read_posting(job.title, job.description)
    earlier = set((job.read_from_text or {}).get("filled", ()))
    filled = set()
    for group, names in FIELD_GROUPS.items():
        if group in groups:
            if group in earlier and group != "openings":
                for name in names:
                    if name not in (given or {}):
                        setattr(job, name, _GROUP_DEFAULTS[name])
            continue
        if not (group in earlier or group_empty(job, group)):
            continue
        if group == "openings" and job.id is not None:  # once saved, openings count hires down: not the words'
            if group in earlier:
                filled.add(group)
            continue
        values = group_values(reading, group)
        for name in names:
            if values:
                value = values[name]
                setattr(
                    job, name, list(value) if name == "perks" else (_GROUP_DEFAULTS[name] if value is None else value)
                )
            elif group in earlier:  # the words no longer say it
                setattr(job, name, _GROUP_DEFAULTS[name])
        if values:
            filled.add(group)
    for name in ("shift", "openings", "wage_unit"):
        if getattr(job, name) is None:
            setattr(job, name, _GROUP_DEFAULTS[name])
    job.read_from_text = {
        "occupation": reading.occupation,
        "read": reading.as_dict(),
        "filled": sorted(filled),
        "demands": read_demands(job.title, job.description).as_dict()["demands"],
    }
    return reading


def job_demands_of(job) -> Demands:
    """What a vacancy demands: the office's correction when there is one, else what its words say."""
    return job_demands(JobRecord(id="", title=job.title or "", description=job.description or "", demands=job.demands))


def demands_summary(job) -> list[str]:
    """What a vacancy demands, in a clerk's words: ["要B2驾照", "叉车证优先"]."""
    return describe_demands(job_demands_of(job))


def words_demand(title: str | None, description: str | None) -> list[str]:
    """What a title and description demand, in a clerk's words, whatever the office set (for an import preview, and
    beside a correction)."""
    return describe_demands(read_demands(title, description))


def text_summary(job) -> list[str]:
    """What was read from a vacancy's words into fields the office left empty, e.g.
    ["月薪 5000-6000", "包吃住", "长白班"]."""
    stored = job.read_from_text or {}
    reading = PostingReading.from_dict(stored.get("read"))
    fields = tuple(name for group in stored.get("filled", ()) for name in FIELD_GROUPS.get(group, ()))
    return describe(reading, fields)


def preview_summary(data: dict) -> list[str]:
    """For an import row not saved yet: what its words would fill in."""
    job = Job(
        **{
            k: data.get(k)
            for k in ("title", "description", "wage_min", "wage_max", "age_min", "age_max", "shift", "openings")
        },
        perks=list(data.get("perks") or []),
    )
    job.wage_unit = data.get("wage_unit") or "month"  # what fill_from_text gives a row that names no unit
    fill_from_text(job, given_groups(data))
    return text_summary(job)


def create_job(session: Session, data: dict) -> Job:
    job = Job()
    _apply_job(session, job, data)
    session.add(job)
    bump_version(session)
    return job


def get_job(session: Session, job_id: int) -> Job:
    return get_or_not_found(session, Job, job_id, "job_id", f"没有编号为 {job_id} 的岗位", "job not found")


def update_job(session: Session, job_id: int, data: dict) -> Job:
    job = get_job(session, job_id)
    _apply_job(session, job, data)
    _check_job_ranges(job)
    bump_version(session)
    return job


def _check_job_ranges(job: Job) -> None:
    # A partial update is validated field by field; the pair checks need the merged record.
    if job.wage_min is not None and job.wage_max is not None and job.wage_min > job.wage_max:
        raise Invalid(
            "最低工资高于最高工资", english="wage_min > wage_max", fields={"wage_min": ["larger than wage_max"]}
        )
    if job.age_min is not None and job.age_max is not None and job.age_min > job.age_max:
        raise Invalid("最低年龄高于最高年龄", english="age_min > age_max", fields={"age_min": ["larger than age_max"]})


def close_job(session: Session, job_id: int) -> Job:
    job = get_job(session, job_id)
    if job.is_open:
        job.is_open = False
        job.closed_at = utcnow()
        bump_version(session)
    return job


def list_jobs(
    session: Session,
    fair: int | None = None,
    town: str | None = None,
    shift: str | None = None,
    open: bool | None = None,
    q: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    stmt = select(Job).join(Job.employer).order_by(Job.created_at.desc(), Job.id.desc())
    if fair is not None:
        stmt = stmt.where(Job.fair_id == fair)
    if town:
        stmt = stmt.where(Job.town == town)
    if shift:
        stmt = stmt.where(Job.shift == shift)
    if open is not None:
        stmt = stmt.where(Job.is_open.is_(open))
    if q:
        stmt = stmt.where(
            or_(
                Job.title.contains(q, autoescape=True),
                Job.description.contains(q, autoescape=True),
                Employer.name.contains(q, autoescape=True),
            )
        )
    return paginate(session, stmt, page, per_page)


def import_jobs(session: Session, rows: Iterable[dict], fair_id: int | None = None) -> dict[str, int]:
    """Create or update (by `id`) validated jobs, all in the caller's transaction."""
    created = updated = 0
    for data in rows:
        if fair_id is not None and data.get("fair_id") is None:
            data = {**data, "fair_id": fair_id}
        job = None
        if data.get("external_id"):
            job = session.scalar(select(Job).where(Job.external_id == data["external_id"]))
        if job is None:
            job = Job()
            _apply_job(session, job, data)
            session.add(job)
            created += 1
        else:
            _apply_job(session, job, data)
            updated += 1
        session.flush()  # the next row's `id` may be this one's
    bump_version(session)
    return {"created": created, "updated": updated}


def jobs_by_id(session: Session, ids: Iterable[int]) -> list[Job]:
    """These vacancies, by id."""
    ids = list(ids)
    if not ids:
        return []
    return list(session.scalars(select(Job).where(Job.id.in_(ids)).order_by(Job.id)).unique())


def every_job(session: Session) -> list[Job]:
    """Every vacancy, open or closed, in the order they were created: for the office's export."""
    return list(session.scalars(select(Job).order_by(Job.id)).unique())
