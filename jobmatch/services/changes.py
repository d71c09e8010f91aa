"""The change log and the data version: every write that changes matchable data says so, in its own transaction, so
that each worker's match index can follow; and the stored codings of texts (`jobmatch recode`)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import delete, event, func, select, update
from sqlalchemy.orm import Session

from ..matching import JobRecord, ProfileRecord
from ..matching.matcher import code_job, code_profile, coding_from_json, coding_to_json
from ..matching.records import with_tapped
from ..models import Change, DataVersion, Employer, Job, Profile

MATCHING_VERSION = "matching"

CHANGE_LOG_KEPT = 20_000  # versions of change log kept; a worker further behind than this rebuilds
_BUMPED_IN = "jobmatch.bumped_in"  # the transaction that last marked matchable data as changed


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
    session.info[_BUMPED_IN] = session.get_transaction()


def version_pending(session: Session) -> bool:
    """Whether this session's transaction has changed matchable data and not committed it yet."""
    return session.in_transaction() and session.info.get(_BUMPED_IN) is session.get_transaction()


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
    """Store codings for records whose coding is missing or made by another taxonomy; yields how many each batch,
    after writing it: the caller commits there, so a long recode keeps what it did and holds no lock for long."""
    for model, columns in (
        (Job, (Job.title, Job.description, Job.skills)),
        (
            Profile,
            (Profile.experience, Profile.desired, Profile.experience_occupations, Profile.desired_occupations),
        ),
    ):
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
            yield len(rows)


def store_coding(coder, obj) -> dict:
    """The coding stored with a job or a profile (an ORM object or a row with the same fields)."""
    if hasattr(obj, "title"):
        record = JobRecord(
            id="", title=obj.title or "", description=obj.description or "", skills=tuple(obj.skills or ())
        )
        return coding_to_json(code_job(coder, record), coder.fingerprint)
    profile = ProfileRecord(
        id="",
        experience=with_tapped(obj.experience, obj.experience_occupations),
        desired=with_tapped(obj.desired, obj.desired_occupations),
    )
    return coding_to_json(code_profile(coder, profile), coder.fingerprint)


def read_version(session: Session) -> int:
    return session.scalar(select(DataVersion.version).where(DataVersion.name == MATCHING_VERSION)) or 0


def record_count(session: Session) -> int:
    """How many vacancies and profiles there are: what `recode` goes through."""
    return sum(session.scalar(select(func.count()).select_from(model)) for model in (Job, Profile))
