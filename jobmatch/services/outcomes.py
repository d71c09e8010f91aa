"""Outcomes: each step of a (resident, vacancy) pair, from shown on a shortlist to hired, and taking one back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import lifecycle
from ..errors import Conflict, NotFound
from ..matching import Match
from ..models import Job, Outcome, Profile, utcnow
from .changes import bump_version
from .jobs import get_job
from .paging import Page, paginate
from .profiles import get_profile


def _lock_resident(session: Session, profile_id: int) -> None:
    """Serialise outcome writes for one resident: a no-op UPDATE takes the row lock on PostgreSQL and SQLite's write
    lock, so two clerks pressing buttons for the same pair cannot both pass the transition check. The lock is held
    until the caller's transaction ends, refused or not."""
    done = session.execute(
        update(Profile)
        .where(Profile.id == profile_id)
        .values(id=Profile.id)
        .execution_options(synchronize_session=False)
    )
    # An UPDATE gives a CursorResult; Session.execute is typed as returning the Result base class.
    if done.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"居民 {profile_id} 不存在", english="profile not found", fields={"profile_id": ["not found"]})


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
            f"岗位「{job.title}」已招满或已关闭，不能再录用",
            english="the vacancy has no openings left",
            fields={"status": ["no openings left"]},
        )
    if left == 0:
        session.execute(
            update(Job)
            .where(Job.id == job.id)
            .values(is_open=False, closed_at=now)
            .execution_options(synchronize_session=False)
        )
    session.refresh(job)
    session.info.setdefault("jobmatch.changed", set()).add(job)  # the index must see the new count or the closure
    bump_version(session)


def record_outcome(
    session: Session,
    profile_id: int,
    job_id: int,
    status: str,
    *,
    note: str = "",
    user_id: int | None = None,
    recorder: str | None = None,
) -> Outcome:
    """Record one step of a pair's lifecycle (see lifecycle.py); a hire takes one of the vacancy's openings."""
    _lock_resident(session, profile_id)
    get_profile(session, profile_id)
    job = get_job(session, job_id)
    current = pair_status(session, profile_id, job_id)
    reason = lifecycle.why_not(current, status)
    if reason is not None:
        chinese, english = reason
        raise Conflict(chinese, english=english, fields={"status": [f"cannot follow {current or 'nothing'}"]})
    if status == lifecycle.HIRED:
        _take_opening(session, job)
    outcome = Outcome(
        profile_id=profile_id, job_id=job_id, status=status, note=note, recorded_by=user_id, recorder=recorder
    )
    session.add(outcome)
    session.flush()  # its id, for the answer
    return outcome


# A clerk who pressed the wrong button notices at once; later corrections are new steps, so the trail stays whole.
UNDO_WINDOW_MINUTES = 15


def undo_outcome(session: Session, outcome_id: int, recorder: str | None) -> Outcome:
    """Take back a step just recorded by mistake: only the latest step of its pair, only by whoever recorded it, and
    only within UNDO_WINDOW_MINUTES. Undoing a hire gives the opening back and reopens a vacancy it had filled."""
    outcome = session.get(Outcome, outcome_id)
    if outcome is None:
        raise NotFound(
            f"没有编号为 {outcome_id} 的记录", english="outcome not found", fields={"outcome_id": ["not found"]}
        )
    _lock_resident(session, outcome.profile_id)
    latest = session.scalar(
        select(Outcome.id)
        .where(Outcome.profile_id == outcome.profile_id, Outcome.job_id == outcome.job_id)
        .order_by(Outcome.created_at.desc(), Outcome.id.desc())
        .limit(1)
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
        chinese, english = refusal
        raise Conflict(chinese, english=english, fields={"outcome_id": [english]})
    if outcome.status == lifecycle.HIRED:
        job = session.get(Job, outcome.job_id)
        assert job is not None  # an outcome's vacancy is never deleted
        job.openings += 1
        if not job.is_open:
            job.is_open, job.closed_at = True, None
        bump_version(session)
    session.delete(outcome)
    return outcome


def undoable(outcome: Outcome, recorder: str | None) -> bool:
    """Whether `recorder` may still take back this step (when it is the latest of its pair)."""
    return outcome.recorder == recorder and utcnow() - outcome.created_at <= timedelta(minutes=UNDO_WINDOW_MINUTES)


def record_shown(
    session: Session,
    profile_id: int,
    pairs: Sequence[tuple[Job, Match]],
    weights: str,
    *,
    user_id: int | None = None,
    recorder: str | None = None,
) -> int:
    """Note that a shortlist was put in front of a resident (printed, or shown at the kiosk), with the weights that
    ranked it and each vacancy's place on it. Pairs already under way are left as they stand. Returns how many were
    new."""
    if not pairs:
        return 0
    _lock_resident(session, profile_id)
    job_ids = [job.id for job, _ in pairs]
    seen = set(
        session.scalars(select(Outcome.job_id).where(Outcome.profile_id == profile_id, Outcome.job_id.in_(job_ids)))
    )
    new = [
        Outcome(
            profile_id=profile_id,
            job_id=job.id,
            status=lifecycle.SHOWN,
            recorded_by=user_id,
            recorder=recorder,
            weights=weights,
            score=round(float(match.score), 4),
            rank=rank,
        )
        for rank, (job, match) in enumerate(pairs, start=1)
        if job.id not in seen
    ]
    session.add_all(new)
    session.flush()
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
    return paginate(session, stmt, page, per_page)


def latest_steps(session: Session, profile_id: int) -> dict[int, Outcome]:
    """job id -> the latest step recorded for this resident and that vacancy."""
    rows = session.scalars(
        select(Outcome).where(Outcome.profile_id == profile_id).order_by(Outcome.created_at, Outcome.id)
    )
    return {outcome.job_id: outcome for outcome in rows}


def profiles_under_way(session: Session, job_id: int) -> set[int]:
    """Residents already taken further than a listing for this vacancy (contacted, interviewed, declined ...)."""
    rows = session.scalars(
        select(Outcome.profile_id).where(Outcome.job_id == job_id, Outcome.status != lifecycle.SHOWN)
    )
    return set(rows)


def every_outcome(session: Session) -> list[tuple[Outcome, Job]]:
    """Every outcome with its vacancy, oldest first: for the office's export (no names or phones)."""
    return [
        (outcome, job)
        for outcome, job in session.execute(
            select(Outcome, Job).join(Job, Job.id == Outcome.job_id).order_by(Outcome.created_at)
        )
    ]
