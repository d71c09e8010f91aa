"""Service functions: everything the API, the CLI and (later) the pages do with the database."""
from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import delete, event, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import lifecycle
from .db import checkpoint
from .erasures import ErasureLog
from .errors import Conflict, Invalid, NotFound
from .matching import JobRecord, Match, Matcher, ProfileRecord
from .matching.matcher import (
    FIT_CHUNK,
    VOCABULARY_SAMPLE,
    code_job,
    code_profile,
    coding_from_json,
    coding_to_json,
    job_text,
    profile_text,
)
from .matching.artifacts import Artefacts
from .matching.demands import Demands, describe_demands, read_demands, unmet
from .matching.features import job_demands, profile_limits
from .matching.postings import FIELD_GROUPS, PostingReading, describe, group_empty, group_values, read_posting
from .models import AuditEvent, Change, DataVersion, Employer, Fair, Heartbeat, Job, Outcome, Profile, utcnow
from .vocabulary import MAX_ID

MATCHING_VERSION = "matching"
log = logging.getLogger(__name__)


# --- data version ----------------------------------------------------------------------------------


CHANGE_LOG_KEPT = 20_000  # versions of change log kept; a worker further behind than this rebuilds


def bump_version(session: Session, everything: bool = False) -> None:
    """Mark matchable data as changed, in the caller's transaction, and log which records changed.

    The version row is updated before the log is written, so its row lock orders concurrent writers: a reader who
    sees version V sees every change up to V.
    """
    session.flush()  # gives new records their ids and runs the tracking below
    changed = session.info.pop("jobmatch.changed", set())
    version = session.scalar(
        update(DataVersion)
        .where(DataVersion.name == MATCHING_VERSION)
        .values(version=DataVersion.version + 1)
        .returning(DataVersion.version)
    )
    if version is None:
        version = 1
        session.add(DataVersion(name=MATCHING_VERSION, version=version))
    if everything:
        entries = [("all", 0)]
    else:
        entries = sorted({(_KINDS[type(obj)], obj.id) for obj in changed if obj.id is not None})
    session.add_all(Change(version=version, kind=kind, record_id=record_id) for kind, record_id in entries)
    if version % 1000 == 0:
        session.execute(delete(Change).where(Change.version <= version - CHANGE_LOG_KEPT))


_KINDS = {Job: "job", Profile: "profile", Employer: "employer"}


def _track_before_flush(session: Session, _context, _instances) -> None:
    """Note the matchable records this transaction writes, and store the coder's reading of their text."""
    coder = session.info.get("jobmatch.coder")
    changed = session.info.setdefault("jobmatch.changed", set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if type(obj) not in _KINDS or not (obj in session.new or obj in session.deleted or session.is_modified(obj)):
            continue
        changed.add(obj)
        if coder is not None and obj not in session.deleted and type(obj) is not Employer:
            obj.coding = store_coding(coder, obj)


def _forget_changes(session: Session, *_args) -> None:
    session.info.pop("jobmatch.changed", None)


def track_changes(maker, coder=None) -> None:
    """Have sessions from `maker` code texts at write time and log what changed for the workers' indexes."""
    if coder is not None:
        maker.kw.setdefault("info", {})["jobmatch.coder"] = coder
    event.listen(maker, "before_flush", _track_before_flush)
    event.listen(maker, "after_soft_rollback", _forget_changes)
    event.listen(maker, "after_commit", _forget_changes)


def recode(session: Session, coder, everything: bool = False, batch: int = 2_000) -> Iterator[int]:
    """Store codings for records whose coding is missing or made by another taxonomy; yields how many each batch."""
    for model, columns in ((Job, (Job.title, Job.description, Job.skills)), (Profile, (Profile.experience, Profile.desired))):
        last = 0
        while True:
            rows = session.execute(
                select(model.id, model.coding, *columns).where(model.id > last).order_by(model.id).limit(batch)
            ).all()
            if not rows:
                break
            last = rows[-1].id
            stale = [r for r in rows if everything or coding_from_json(r.coding, coder.fingerprint) is None]
            if stale:
                # A bulk update by primary key: no change is logged, since what the index matches is the same.
                session.execute(update(model), [{"id": r.id, "coding": store_coding(coder, r)} for r in stale])
                session.commit()
            yield len(rows)


def store_coding(coder, obj) -> dict:
    """The coding stored with a job or a profile (an ORM object or a row with the same fields)."""
    if hasattr(obj, "title"):
        record = JobRecord(id="", title=obj.title or "", description=obj.description or "", skills=tuple(obj.skills or ()))
        return coding_to_json(code_job(coder, record), coder.fingerprint)
    record = ProfileRecord(id="", experience=obj.experience or "", desired=obj.desired or "")
    return coding_to_json(code_profile(coder, record), coder.fingerprint)


def read_version(session: Session) -> int:
    return session.scalar(select(DataVersion.version).where(DataVersion.name == MATCHING_VERSION)) or 0


# --- pages of results ------------------------------------------------------------------------------


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int


def _paginate(session: Session, stmt, page: int, per_page: int) -> Page:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(items=list(items), page=page, per_page=per_page, total=total or 0)


def _get(session: Session, model, record_id: int, field: str, message: str):
    record = session.get(model, record_id) if 0 < record_id <= MAX_ID else None
    if record is None:
        raise NotFound(message, {field: ["not found"]})
    return record


# --- fairs -----------------------------------------------------------------------------------------


def create_fair(session: Session, data: dict) -> Fair:
    fair = Fair(**data)
    session.add(fair)
    session.commit()
    return fair


def get_fair(session: Session, fair_id: int) -> Fair:
    return _get(session, Fair, fair_id, "fair_id", f"没有编号为 {fair_id} 的集市 (fair not found)")


def list_fairs(session: Session, page: int = 1, per_page: int = 20) -> Page:
    return _paginate(session, select(Fair).order_by(Fair.date.desc(), Fair.id.desc()), page, per_page)


# --- employers -------------------------------------------------------------------------------------


def create_employer(session: Session, data: dict) -> Employer:
    if session.scalar(select(Employer.id).where(Employer.name == data["name"])):
        raise Conflict(f"企业「{data['name']}」已存在 (employer exists)", {"name": ["already exists"]})
    employer = Employer(**data)
    session.add(employer)
    session.commit()
    return employer


def get_employer(session: Session, employer_id: int) -> Employer:
    return _get(session, Employer, employer_id, "employer_id", f"没有编号为 {employer_id} 的企业 (employer not found)")


def update_employer(session: Session, employer_id: int, data: dict) -> Employer:
    employer = get_employer(session, employer_id)
    if "name" in data and data["name"] != employer.name:
        if session.scalar(select(Employer.id).where(Employer.name == data["name"])):
            raise Conflict(f"企业「{data['name']}」已存在 (employer exists)", {"name": ["already exists"]})
    for key, value in data.items():
        setattr(employer, key, value)
    bump_version(session)  # the employer's name is shown with every match
    session.commit()
    return employer


def list_employers(session: Session, q: str | None = None, page: int = 1, per_page: int = 20) -> Page:
    stmt = select(Employer).order_by(Employer.name)
    if q:
        stmt = stmt.where(Employer.name.contains(q, autoescape=True))
    return _paginate(session, stmt, page, per_page)


def employer_by_name(session: Session, name: str, phone: str | None = None, town: str | None = None) -> Employer:
    """The employer with this name, created on first use (imports and batch files name firms, not ids)."""
    employer = session.scalar(select(Employer).where(Employer.name == name))
    if employer is None:
        try:
            with session.begin_nested():
                employer = Employer(name=name, contact_phone=phone, town=town)
                session.add(employer)
        except IntegrityError:  # another worker created it a moment ago
            employer = session.scalar(select(Employer).where(Employer.name == name))
    return employer


# --- jobs ------------------------------------------------------------------------------------------

_JOB_FIELDS = set(JobRecord.__dataclass_fields__) - {"id", "employer", "demands"}


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
            raise Conflict(f"岗位编号 {data['external_id']} 已存在 (duplicate id)", {"id": ["already exists"]})
    if data.get("employer_id") or data.get("employer"):
        job.employer = _resolve_employer(session, data)
    for key in _JOB_FIELDS | {"external_id", "fair_id"}:
        if key in data and not (key == "openings" and data[key] is None):
            setattr(job, key, data[key])
    if "demands" in data:  # the office's correction; null goes back to reading the words
        job.demands = None if data["demands"] is None else Demands.from_dict(data["demands"]).as_dict()
    fill_from_text(job, given_groups(data), given=data)


_GROUP_DEFAULTS = {"wage_min": None, "wage_max": None, "wage_unit": "month", "age_min": None, "age_max": None,
                   "shift": "day", "openings": 1, "perks": []}


def given_groups(data: dict) -> set[str]:
    """The field groups a write gives values for (a wage unit alone gives no wage)."""
    return {g for g, names in FIELD_GROUPS.items() if any(data.get(n) not in (None, [], "") for n in names if n != "wage_unit")}


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
                setattr(job, name, list(value) if name == "perks" else (_GROUP_DEFAULTS[name] if value is None else value))
            elif group in earlier:  # the words no longer say it
                setattr(job, name, _GROUP_DEFAULTS[name])
        if values:
            filled.add(group)
    for name in ("shift", "openings", "wage_unit"):
        if getattr(job, name) is None:
            setattr(job, name, _GROUP_DEFAULTS[name])
    job.read_from_text = {"occupation": reading.occupation, "read": reading.as_dict(), "filled": sorted(filled),
                          "demands": read_demands(job.title, job.description).as_dict()["demands"]}
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
    """What was read from a vacancy's words into fields the office left empty: ["月薪 5000-6000", "包吃住", "长白班"]."""
    stored = job.read_from_text or {}
    reading = PostingReading.from_dict(stored.get("read"))
    fields = tuple(name for group in stored.get("filled", ()) for name in FIELD_GROUPS.get(group, ()))
    return describe(reading, fields)


def preview_summary(data: dict) -> list[str]:
    """For an import row not saved yet: what its words would fill in."""
    job = Job(**{k: data.get(k) for k in ("title", "description", "wage_min", "wage_max", "age_min", "age_max", "shift", "openings")},
              perks=list(data.get("perks") or []))
    job.wage_unit = data.get("wage_unit")
    fill_from_text(job, given_groups(data))
    return text_summary(job)


def create_job(session: Session, data: dict) -> Job:
    job = Job()
    _apply_job(session, job, data)
    session.add(job)
    bump_version(session)
    session.commit()
    return job


def get_job(session: Session, job_id: int) -> Job:
    return _get(session, Job, job_id, "job_id", f"没有编号为 {job_id} 的岗位 (job not found)")


def update_job(session: Session, job_id: int, data: dict) -> Job:
    job = get_job(session, job_id)
    _apply_job(session, job, data)
    _check_job_ranges(job)
    bump_version(session)
    session.commit()
    return job


def _check_job_ranges(job: Job) -> None:
    # A partial update is validated field by field; the pair checks need the merged record.
    from .errors import Invalid

    if job.wage_min is not None and job.wage_max is not None and job.wage_min > job.wage_max:
        raise Invalid("最低工资高于最高工资 (wage_min > wage_max)", {"wage_min": ["larger than wage_max"]})
    if job.age_min is not None and job.age_max is not None and job.age_min > job.age_max:
        raise Invalid("最低年龄高于最高年龄 (age_min > age_max)", {"age_min": ["larger than age_max"]})


def close_job(session: Session, job_id: int) -> Job:
    job = get_job(session, job_id)
    if job.is_open:
        job.is_open = False
        job.closed_at = utcnow()
        bump_version(session)
        session.commit()
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
    return _paginate(session, stmt, page, per_page)


def import_jobs(session: Session, rows: Iterable[dict], fair_id: int | None = None) -> dict[str, int]:
    """Create or update (by `id`) validated jobs in one transaction."""
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
        session.flush()
    bump_version(session)
    session.commit()
    return {"created": created, "updated": updated}


# --- profiles --------------------------------------------------------------------------------------


def profile_columns(data: dict) -> dict:
    """A loaded profile body as columns: its limits, holds and lacks go together into `limits`."""
    data = dict(data)
    said = {key: data.pop(key) for key in ("limits", "holds", "lacks") if key in data}
    data["limits"] = {key: value for key, value in said.items() if value} or None
    return data


def create_profile(session: Session, data: dict, consented: bool = False) -> Profile:
    if data.get("fair_id") is not None:
        get_fair(session, data["fair_id"])
    if data.get("external_id") and session.scalar(select(Profile.id).where(Profile.external_id == data["external_id"])):
        raise Conflict(f"居民编号 {data['external_id']} 已存在 (duplicate id)", {"id": ["already exists"]})
    profile = Profile(**profile_columns(data), consented_at=utcnow() if consented else None)
    session.add(profile)
    bump_version(session)
    session.commit()
    return profile


def get_profile(session: Session, profile_id: int) -> Profile:
    message = f"没有编号为 {profile_id} 的居民信息 (profile not found)"
    profile = _get(session, Profile, profile_id, "profile_id", message)
    if profile.deleted_at is not None:
        raise NotFound(message, {"profile_id": ["not found"]})
    return profile


def list_profiles(session: Session, fair: int | None = None, page: int = 1, per_page: int = 20) -> Page:
    stmt = select(Profile).where(Profile.deleted_at.is_(None)).order_by(Profile.created_at.desc(), Profile.id.desc())
    if fair is not None:
        stmt = stmt.where(Profile.fair_id == fair)
    return _paginate(session, stmt, page, per_page)


def delete_profile(session: Session, profile_id: int, erasures: ErasureLog) -> None:
    """Erase a resident's personal fields; outcomes stay for the fair's statistics, tied to no one.

    The erasure log gets its line before the commit: a line for an erasure that then fails is harmless (a restore
    erases only what still matches, and a resident who asked must be erased anyway), an erasure without one is not.
    """
    profile = get_profile(session, profile_id)
    erasures.record([profile])
    _erase(session, profile)
    bump_version(session)
    session.commit()
    checkpoint(session)


def _erase(session: Session, profile: Profile) -> None:
    for key in ("name", "phone", "lat", "lon", "community", "external_id", "submission_digest"):
        setattr(profile, key, None)
    profile.experience = ""
    profile.desired = ""
    profile.limits = None  # health and what they cannot do: as personal as the words
    profile.ticket = None
    profile.submission_key = None
    profile.deleted_at = utcnow()
    # Outcomes keep their status and job for the statistics; a free-text note may name the person.
    session.execute(update(Outcome).where(Outcome.profile_id == profile.id).values(note=""))


def purge_profiles(session: Session, older_than_days: int, erasures: ErasureLog) -> int:
    """Erase the personal data of every profile created more than `older_than_days` ago; returns how many."""
    from datetime import timedelta

    cutoff = utcnow() - timedelta(days=older_than_days)
    profiles = session.scalars(select(Profile).where(Profile.deleted_at.is_(None), Profile.created_at < cutoff)).all()
    if profiles:
        erasures.record(profiles)
        for profile in profiles:
            _erase(session, profile)
        bump_version(session)
        session.commit()
        checkpoint(session)
    return len(profiles)


def reapply_erasures(session: Session, erasures: ErasureLog) -> int:
    """After a restore: erase again every profile in the log that the backup brought back (same id and creation
    time, not erased); returns how many."""
    wanted = erasures.entries()
    ids = sorted(wanted)
    erased = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for profile in session.scalars(select(Profile).where(Profile.id.in_(chunk), Profile.deleted_at.is_(None))).all():
            if profile.created_at in wanted[profile.id]:
                _erase(session, profile)
                erased += 1
    if erased:
        bump_version(session)
        session.commit()
        checkpoint(session)
    return erased


def beat(engine, name: str, timeout: float) -> None:
    """Prove that a write can commit now: upsert the heartbeat row `name`, waiting at most `timeout` seconds for
    another writer's lock. Raises the database's error when it cannot."""
    wait_ms = max(1, int(timeout * 1000))
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # the connection goes back to the pool afterwards: its usual busy timeout is put back below
            usual = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
            conn.exec_driver_sql(f"PRAGMA busy_timeout={wait_ms}")
        else:  # LOCAL: reverts with this transaction
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {wait_ms}")
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = {wait_ms}")
        try:
            now = utcnow()
            if conn.execute(update(Heartbeat).where(Heartbeat.name == name).values(beat_at=now)).rowcount == 0:
                conn.execute(insert(Heartbeat).values(name=name, beat_at=now))
            conn.commit()
        except IntegrityError:
            pass  # another worker's first beat inserted the row a moment ago: its write committed
        finally:
            conn.rollback()
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={int(usual)}")
                conn.commit()


# --- outcomes --------------------------------------------------------------------------------------


def _lock_resident(session: Session, profile_id: int) -> None:
    """Serialise outcome writes for one resident: a no-op UPDATE takes the row lock on PostgreSQL and SQLite's write
    lock, so two clerks pressing buttons for the same pair cannot both pass the transition check."""
    done = session.execute(
        update(Profile).where(Profile.id == profile_id).values(id=Profile.id).execution_options(synchronize_session=False)
    )
    if done.rowcount == 0:
        raise NotFound(f"居民 {profile_id} 不存在 (profile not found)", {"profile_id": ["not found"]})


def pair_status(session: Session, profile_id: int, job_id: int) -> str | None:
    """Where a (resident, vacancy) pair stands: its latest recorded status, or None."""
    return session.scalar(
        select(Outcome.status)
        .where(Outcome.profile_id == profile_id, Outcome.job_id == job_id)
        .order_by(Outcome.created_at.desc(), Outcome.id.desc())
        .limit(1)
    )


def _take_opening(session: Session, job: Job) -> None:
    """One opening fewer; the vacancy closes itself at zero. Refused when none is left."""
    now = utcnow()
    left = session.scalar(
        update(Job)
        .where(Job.id == job.id, Job.is_open.is_(True), Job.openings > 0)
        .values(openings=Job.openings - 1)
        .returning(Job.openings)
        .execution_options(synchronize_session=False)
    )
    if left is None:
        raise Conflict(
            f"岗位「{job.title}」已招满或已关闭，不能再录用 (the vacancy has no openings left)", {"status": ["no openings left"]}
        )
    if left == 0:
        session.execute(update(Job).where(Job.id == job.id).values(is_open=False, closed_at=now).execution_options(synchronize_session=False))
    session.refresh(job)
    session.info.setdefault("jobmatch.changed", set()).add(job)  # the index must see the new count or the closure
    bump_version(session)


def record_outcome(
    session: Session, profile_id: int, job_id: int, status: str, *, note: str = "", user_id: int | None = None,
    recorder: str | None = None,
) -> Outcome:
    """Record one step of a pair's lifecycle (see lifecycle.py); a hire takes one of the vacancy's openings."""
    _lock_resident(session, profile_id)
    get_profile(session, profile_id)
    job = get_job(session, job_id)
    current = pair_status(session, profile_id, job_id)
    reason = lifecycle.why_not(current, status)
    if reason is not None:
        session.rollback()
        raise Conflict(reason, {"status": [f"cannot follow {current or 'nothing'}"]})
    if status == lifecycle.HIRED:
        _take_opening(session, job)
    outcome = Outcome(profile_id=profile_id, job_id=job_id, status=status, note=note, recorded_by=user_id, recorder=recorder)
    session.add(outcome)
    session.commit()
    return outcome


# A clerk who pressed the wrong button notices at once; later corrections are new steps, so the trail stays whole.
UNDO_WINDOW_MINUTES = 15


def undo_outcome(session: Session, outcome_id: int, recorder: str | None) -> Outcome:
    """Take back a step just recorded by mistake: only the latest step of its pair, only by whoever recorded it, and
    only within UNDO_WINDOW_MINUTES. Undoing a hire gives the opening back and reopens a vacancy it had filled."""
    outcome = session.get(Outcome, outcome_id)
    if outcome is None:
        raise NotFound(f"没有编号为 {outcome_id} 的记录 (outcome not found)", {"outcome_id": ["not found"]})
    _lock_resident(session, outcome.profile_id)
    latest = session.scalar(
        select(Outcome.id).where(Outcome.profile_id == outcome.profile_id, Outcome.job_id == outcome.job_id)
        .order_by(Outcome.created_at.desc(), Outcome.id.desc()).limit(1)
    )
    label = lifecycle.LABELS[outcome.status]
    if latest != outcome.id:
        refusal = (f"「{label}」之后已经记了新的结果，只能撤销最后一步", "only the latest step can be undone")
    elif outcome.recorder != recorder:
        refusal = (f"「{label}」不是您记的，请找记录的人撤销", "only whoever recorded a step can undo it")
    elif not undoable(outcome, recorder):
        refusal = (f"「{label}」已经记了超过 {UNDO_WINDOW_MINUTES} 分钟，请记一个新的结果", "too late to undo")
    else:
        refusal = None
    if refusal is not None:
        session.rollback()
        chinese, english = refusal
        raise Conflict(f"{chinese} ({english})", {"outcome_id": [english]})
    if outcome.status == lifecycle.HIRED:
        job = session.get(Job, outcome.job_id)
        job.openings += 1
        if not job.is_open:
            job.is_open, job.closed_at = True, None
        bump_version(session)
    session.delete(outcome)
    return outcome  # the caller commits, with its audit event


def undoable(outcome: Outcome, recorder: str | None) -> bool:
    """Whether `recorder` may still take back this step (when it is the latest of its pair)."""
    from datetime import timedelta

    return outcome.recorder == recorder and utcnow() - outcome.created_at <= timedelta(minutes=UNDO_WINDOW_MINUTES)


def record_shown(
    session: Session, profile_id: int, pairs: Sequence[tuple[Job, Match]], weights: str, *, user_id: int | None = None,
    recorder: str | None = None,
) -> int:
    """Note that a shortlist was put in front of a resident (printed, or shown at the kiosk), with the weights that
    ranked it and each vacancy's place on it. Pairs already under way are left as they stand. Returns how many were new."""
    if not pairs:
        return 0
    _lock_resident(session, profile_id)
    job_ids = [job.id for job, _ in pairs]
    seen = set(session.scalars(select(Outcome.job_id).where(Outcome.profile_id == profile_id, Outcome.job_id.in_(job_ids))))
    new = [
        Outcome(profile_id=profile_id, job_id=job.id, status=lifecycle.SHOWN, recorded_by=user_id, recorder=recorder,
                weights=weights, score=round(float(match.score), 4), rank=rank)
        for rank, (job, match) in enumerate(pairs, start=1)
        if job.id not in seen
    ]
    session.add_all(new)
    session.commit()
    return len(new)


def list_outcomes(
    session: Session,
    profile_id: int | None = None,
    job_id: int | None = None,
    status: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    stmt = select(Outcome).order_by(Outcome.created_at.desc(), Outcome.id.desc())
    if profile_id is not None:
        stmt = stmt.where(Outcome.profile_id == profile_id)
    if job_id is not None:
        stmt = stmt.where(Outcome.job_id == job_id)
    if status is not None:
        stmt = stmt.where(Outcome.status == status)
    return _paginate(session, stmt, page, per_page)


# --- matching --------------------------------------------------------------------------------------


def job_record(job, employer: str | None = None) -> JobRecord:
    """The matcher's record of a Job, or of a row with the same columns (which carries the firm's name apart)."""
    if employer is None:
        employer = job.employer.name if job.employer else ""
    return JobRecord(
        id=str(job.id), title=job.title, employer=employer, description=job.description or "",
        skills=tuple(job.skills or ()), openings=job.openings, wage_min=job.wage_min, wage_max=job.wage_max,
        wage_unit=job.wage_unit, town=job.town, community=job.community, lat=job.lat, lon=job.lon, shift=job.shift,
        age_min=job.age_min, age_max=job.age_max, perks=tuple(job.perks or ()), contact_phone=job.contact_phone,
        fair=None if job.fair_id is None else str(job.fair_id), demands=job.demands,
    )


def profile_record(profile) -> ProfileRecord:
    """The matcher's record of a Profile, or of a row with the same columns; no name or phone."""
    return ProfileRecord(
        id=str(profile.id), age=profile.age, town=profile.town, community=profile.community, lat=profile.lat,
        lon=profile.lon, experience=profile.experience or "", desired=profile.desired or "",
        expected_wage=profile.expected_wage, availability=profile.availability, max_commute_km=profile.max_commute_km,
        fair=None if profile.fair_id is None else str(profile.fair_id), limits=profile.limits,
    )


_JOB_COLUMNS = (
    Job.id, Job.title, Job.description, Job.skills, Job.openings, Job.wage_min, Job.wage_max, Job.wage_unit, Job.town,
    Job.community, Job.lat, Job.lon, Job.shift, Job.age_min, Job.age_max, Job.perks, Job.contact_phone, Job.fair_id, Job.coding,
    Job.is_open, Job.demands,
)
_PROFILE_COLUMNS = (
    Profile.id, Profile.age, Profile.town, Profile.community, Profile.lat, Profile.lon, Profile.experience,
    Profile.desired, Profile.expected_wage, Profile.availability, Profile.max_commute_km, Profile.fair_id, Profile.coding,
    Profile.deleted_at, Profile.limits,
)
REBUILD_SHARE = 0.25  # more changes than this share of the index: a fresh build is quicker and re-learns the vocabulary
LOAD_CHUNK = 5_000


def _job_rows(session: Session, where) -> Iterable:
    stmt = select(*_JOB_COLUMNS, Employer.name.label("employer")).join(Employer, Job.employer_id == Employer.id)
    return session.execute(stmt.where(where).order_by(Job.id).execution_options(yield_per=LOAD_CHUNK))


def _profile_rows(session: Session, where) -> Iterable:
    stmt = select(*_PROFILE_COLUMNS).where(where).order_by(Profile.id)
    return session.execute(stmt.execution_options(yield_per=LOAD_CHUNK))


def _row_job(row) -> JobRecord:
    return job_record(row, row.employer or "")


class MatchIndex:
    """A worker's in-memory matcher over open jobs and active profiles.

    At each request it reads the data version; when that moved, it applies the logged changes to its index
    (another worker's or another host's writes included), or rebuilds when the log cannot say what changed.
    """

    def __init__(self, artefacts: Artefacts):
        self.artefacts = artefacts
        self.version: int | None = None
        self.matcher: Matcher | None = None
        self.stale_codings = 0  # records whose stored coding was missing or out of date at the last build
        self._lock = threading.Lock()

    @property
    def coder(self):
        return self.artefacts.coder

    @cached_property
    def weights(self) -> str:
        """The version of the weights this index ranks with (a hash: computed once, read at every shortlist shown)."""
        return self.artefacts.model.version

    def refresh(self, session: Session) -> Matcher:
        version = read_version(session)
        if version != self.version or self.matcher is None:
            with self._lock:
                if version != self.version or self.matcher is None:
                    if self.matcher is None or not self._apply_changes(session, version):
                        self.rebuild(session, version)
        return self.matcher

    def rebuild(self, session: Session, version: int | None = None) -> None:
        """Build the index from the database: stored codings are used, missing or stale ones coded afresh."""
        version = read_version(session) if version is None else version
        fingerprint = self.coder.fingerprint
        active = Profile.deleted_at.is_(None)
        # The vacancies are read once: their texts teach the vocabulary, then they are added.
        job_rows = list(_job_rows(session, Job.is_open.is_(True)))
        jobs = [_row_job(row) for row in job_rows]
        texts = [job_text(job) for job in jobs]
        count = session.scalar(select(func.count()).select_from(Profile).where(active)) or 0
        step = max(1, -(-count // VOCABULARY_SAMPLE))  # every step-th profile teaches the vocabulary
        for experience, desired in session.execute(select(Profile.experience, Profile.desired).where(active, Profile.id % step == 0)):
            texts.append(profile_text(ProfileRecord(id="", experience=experience or "", desired=desired or "")))
        matcher = self.artefacts.matcher(keep_profiles=False).begin(texts)
        del texts
        job_codings = [coding_from_json(row.coding, fingerprint) for row in job_rows]
        matcher.add_jobs(jobs, job_codings)
        stale = sum(c is None for c in job_codings)
        del job_rows, jobs, job_codings
        batch: list = []
        for row in _profile_rows(session, active):  # profiles in batches: a city's never sit in memory twice
            batch.append(row)
            if len(batch) == FIT_CHUNK:
                stale += self._add_profiles(matcher, batch, fingerprint)
                batch = []
        stale += self._add_profiles(matcher, batch, fingerprint)
        matcher.trim()
        self.stale_codings = stale
        if stale:
            log.info("%d records coded at index build; `jobmatch recode` stores their codings", stale)
        self.matcher, self.version = matcher, version

    @staticmethod
    def _add_profiles(matcher: Matcher, rows: list, fingerprint: str) -> int:
        codings = [coding_from_json(row.coding, fingerprint) for row in rows]
        matcher.add_profiles([profile_record(row) for row in rows], codings)
        return sum(c is None for c in codings)

    def _apply_changes(self, session: Session, version: int) -> bool:
        """Bring the index from self.version to `version` from the change log; False when only a rebuild can."""
        if version < self.version:  # a restored backup: the log describes another history
            return False
        rows = session.execute(
            select(Change.version, Change.kind, Change.record_id).where(Change.version > self.version, Change.version <= version)
        ).all()
        # Every version in between must be logged: a write outside the tracked sessions leaves a gap.
        if {r.version for r in rows} != set(range(self.version + 1, version + 1)) or any(r.kind == "all" for r in rows):
            return False
        size = len(self.matcher.job_position_) + len(self.matcher.profile_position_)
        if len(rows) > max(1_000, REBUILD_SHARE * size):
            return False
        job_ids = {r.record_id for r in rows if r.kind == "job"}
        profile_ids = {r.record_id for r in rows if r.kind == "profile"}
        employers = {r.record_id for r in rows if r.kind == "employer"}
        if employers:
            job_ids |= set(session.scalars(select(Job.id).where(Job.employer_id.in_(employers))))
        fingerprint = self.coder.fingerprint
        if job_ids:
            found = {row.id: row for row in _job_rows(session, Job.id.in_(job_ids))}
            for job_id in job_ids - {i for i, row in found.items() if row.is_open}:
                self.matcher.remove_job(str(job_id))
            current = [row for row in found.values() if row.is_open]
            self.matcher.add_jobs([_row_job(r) for r in current], [coding_from_json(r.coding, fingerprint) for r in current])
        if profile_ids:
            found = {row.id: row for row in _profile_rows(session, Profile.id.in_(profile_ids))}
            for profile_id in profile_ids - {i for i, row in found.items() if row.deleted_at is None}:
                self.matcher.remove_profile(str(profile_id))
            current = [row for row in found.values() if row.deleted_at is None]
            self.matcher.add_profiles([profile_record(r) for r in current], [coding_from_json(r.coding, fingerprint) for r in current])
        self.version = version
        return True


def jobs_for_profile(
    session: Session, index: MatchIndex, profile_id: int, top: int = 10, fair=None, town=None, shift=None
) -> list[tuple[Job, Match]]:
    profile = get_profile(session, profile_id)
    matcher = index.refresh(session)
    coding = coding_from_json(profile.coding, index.coder.fingerprint)
    matches = matcher.jobs_for(profile_record(profile), top=top, coding=coding, fair=fair, town=town, shift=shift)
    jobs = {j.id: j for j in session.scalars(select(Job).where(Job.id.in_([int(m.job_id) for m in matches]))).unique()}
    return [(jobs[int(m.job_id)], m) for m in matches if int(m.job_id) in jobs]


def shortlist_with_ruled_out(
    session: Session, index: MatchIndex, profile_id: int, top: int = 5, most: int = 3, fair=None
) -> tuple[list[tuple[Job, Match]], list[tuple[Job, list[str]]]]:
    """The shortlist, and up to `most` vacancies that a demand the resident said they cannot meet rules out (those in
    the work they want, or scoring like the list), each with its reason: a counsellor says why heavy work is not
    offered to a bad back, rather than offer it or say nothing. Such vacancies rank below every eligible one, so the
    shortlist holds them only when nothing else is left, and then they are named here instead."""
    profile = get_profile(session, profile_id)
    matcher = index.refresh(session)
    record = profile_record(profile)
    coding = coding_from_json(profile.coding, index.coder.fingerprint)
    shown = jobs_for_profile(session, index, profile_id, top=top, fair=fair)
    shown = [(job, match) for job, match in shown if match.features.get("demand_ok", True)]
    floor = min((m.score for _, m in shown), default=0.0) if len(shown) == top else 0.0
    candidates = matcher.jobs_for(record, top=most, coding=coding, fair=fair, ruled_out=True)
    candidates = [m for m in candidates if m.features.get("occ_same", 0.0) >= 0.4 or m.score >= floor]
    jobs = {j.id: j for j in session.scalars(select(Job).where(Job.id.in_([int(m.job_id) for m in candidates]))).unique()}
    limits = profile_limits(record)
    ruled_out = [(jobs[int(m.job_id)], [u.reason for u in unmet(job_demands_of(jobs[int(m.job_id)]), limits)])
                 for m in candidates if int(m.job_id) in jobs]
    return shown, ruled_out[:most]


def profiles_for_job(
    session: Session, index: MatchIndex, job_id: int, top: int = 10, fair=None, town=None
) -> list[tuple[Profile, Match]]:
    job = get_job(session, job_id)
    matcher = index.refresh(session)
    coding = coding_from_json(job.coding, index.coder.fingerprint)
    rows: dict[int, Profile] = {}

    def records(ids: list[str]) -> dict[str, ProfileRecord]:
        # The index keeps no profile words; the few it picked are read here, once, for reasons and for the reply.
        rows.update((p.id, p) for p in session.scalars(select(Profile).where(Profile.id.in_([int(i) for i in ids]))))
        return {str(p.id): profile_record(p) for p in rows.values()}

    matches = matcher.profiles_for(job_record(job), top=top, coding=coding, fair=fair, town=town, records=records)
    return [(rows[int(m.profile_id)], m) for m in matches if int(m.profile_id) in rows]


# --- kiosk -----------------------------------------------------------------------------------------

# No 0/O, 1/I/L: a resident reads the code off a slip and may type it back.
TICKET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TICKET_LENGTH = 8  # 31^8, about 8.5e11 codes: not guessable at kiosk rates


def new_ticket() -> str:
    import secrets

    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_LENGTH))


def submission_digest(data: dict) -> str:
    """A fingerprint of a submission's content, to tell a retry from a different submission under the same key."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def scoped_key(scope: str, key: str) -> str:
    # A key names a submission only within its caller (a token, a kiosk browser session): another caller that sends
    # the same key gets nothing back but a new profile of its own.
    return hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()


def create_kiosk_profile(session: Session, data: dict, submission_key: str, scope: str, consented: bool) -> Profile:
    """Store a kiosk submission once per caller: the same key and body (a double tap, a retry) returns the first
    profile; the same key with a different body is refused."""
    key = scoped_key(scope, submission_key)
    digest = submission_digest(data)
    if data.get("fair_id") is not None:
        get_fair(session, data["fair_id"])
    existing = session.scalar(select(Profile).where(Profile.submission_key == key))
    if existing is not None:
        return _same_submission(existing, digest)
    profile = Profile(**profile_columns(data), submission_key=key, submission_digest=digest, ticket=new_ticket(),
                      consented_at=utcnow() if consented else None)
    session.add(profile)
    bump_version(session)
    try:
        session.commit()
    except IntegrityError:  # the same key committed by another worker a moment ago
        session.rollback()
        existing = session.scalar(select(Profile).where(Profile.submission_key == key))
        if existing is None:
            raise
        return _same_submission(existing, digest)
    return profile


def _same_submission(existing: Profile, digest: str) -> Profile:
    if existing.submission_digest != digest:
        raise Conflict(
            "这个提交编号已经用于另一份不同的信息，请换一个编号重新提交 (Idempotency-Key reused with a different body)",
            {"Idempotency-Key": ["already used for a different body"]},
        )
    return existing


def check_kiosk_place(gazetteer, town: str | None, community: str | None) -> None:
    """A place chosen at the kiosk must be one the picker offers; anything else is a tampered form."""
    if town is not None and len(gazetteer) and not gazetteer.offers(town, community):
        raise Invalid("请从列表里选择您住的社区 (unknown town or community)", {"place": ["not a town/community of the gazetteer"]})


def profile_by_ticket(session: Session, ticket: str) -> Profile:
    code = (ticket or "").strip().upper()
    profile = session.scalar(select(Profile).where(Profile.ticket == code)) if 0 < len(code) <= 16 else None
    if profile is None or profile.deleted_at is not None:
        raise NotFound("没有找到这个号码，请核对单子上的号码 (ticket not found)", {"ticket": ["not found"]})
    return profile


# --- stall staff -----------------------------------------------------------------------------------


def search_profiles(session: Session, fair: int | None, q: str | None, page: int = 1, per_page: int = 30) -> Page:
    """A fair's residents, newest first; `q` matches name, phone digits, ticket or the resident's words."""
    stmt = select(Profile).where(Profile.deleted_at.is_(None)).order_by(Profile.created_at.desc(), Profile.id.desc())
    if fair is not None:
        stmt = stmt.where(Profile.fair_id == fair)
    if q:
        stmt = stmt.where(
            or_(
                Profile.name.contains(q, autoescape=True),
                Profile.phone.contains(q, autoescape=True),
                Profile.ticket == q.upper(),
                Profile.experience.contains(q, autoescape=True),
                Profile.desired.contains(q, autoescape=True),
            )
        )
    return _paginate(session, stmt, page, per_page)


def latest_steps(session: Session, profile_id: int) -> dict[int, Outcome]:
    """job id -> the latest step recorded for this resident and that vacancy."""
    rows = session.scalars(select(Outcome).where(Outcome.profile_id == profile_id).order_by(Outcome.created_at, Outcome.id))
    return {outcome.job_id: outcome for outcome in rows}


def jobs_by_id(session: Session, ids: Iterable[int]) -> list[Job]:
    ids = list(ids)
    if not ids:
        return []
    return list(session.scalars(select(Job).where(Job.id.in_(ids)).order_by(Job.id)).unique())


def profiles_under_way(session: Session, job_id: int) -> set[int]:
    """Residents already taken further than a listing for this vacancy (contacted, interviewed, declined ...)."""
    rows = session.scalars(select(Outcome.profile_id).where(Outcome.job_id == job_id, Outcome.status != lifecycle.SHOWN))
    return set(rows)


def list_audit(session: Session, page: int = 1, per_page: int = 20) -> Page:
    return _paginate(session, select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()), page, per_page)
