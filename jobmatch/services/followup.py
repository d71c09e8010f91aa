"""The office's monthly follow-up lists: residents worth a call about vacancies posted since their fair, and vacancies
no one has been contacted about. Plain service functions over a session and the match index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from .. import lifecycle
from ..localtime import LOCAL, local_date, local_today
from ..matching import Match
from ..models import Fair, Job, Outcome, Profile
from .index import MatchIndex
from .jobs import jobs_by_id
from .ranking import Ranker

# The weakest match worth a phone call: about what the rubric's grade 1 (right kind of work, something bent) scores.
CALL_MIN_SCORE = 0.25
CALL_JOBS_PER_RESIDENT = 3


@dataclass
class CallEntry:
    profile: Profile
    fair: Fair
    matches: list[tuple[Job, Match]]

    @property
    def best(self) -> float:
        return self.matches[0][1].score


@dataclass
class QuietVacancy:
    job: Job
    shown: int  # residents it was put in front of
    days_open: int


def _day_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=LOCAL)


def call_list(
    session: Session,
    index: MatchIndex,
    today: date | None = None,
    min_score: float = CALL_MIN_SCORE,
    per_resident: int = CALL_JOBS_PER_RESIDENT,
) -> list[CallEntry]:
    """Residents of past fairs, not yet placed, with the open vacancies posted after their fair that suit them,
    best-matched residents first. Pairs staff already took further than a listing are left out."""
    today = today or local_today()
    ranker = Ranker(session, index)
    placed = select(Outcome.profile_id).where(Outcome.status == lifecycle.HIRED)
    residents = session.execute(
        select(Profile, Fair)
        .join(Fair, Profile.fair_id == Fair.id)
        .where(Fair.date < today, Profile.deleted_at.is_(None), Profile.id.not_in(placed))
        .order_by(Fair.date, Profile.id)
    ).all()
    open_jobs = session.execute(select(Job.id, Job.created_at).where(Job.is_open.is_(True))).all()
    under_way: dict[int, set[int]] = {}
    for profile_id, job_id in session.execute(
        select(Outcome.profile_id, Outcome.job_id).where(Outcome.status != lifecycle.SHOWN)
    ):
        under_way.setdefault(profile_id, set()).add(job_id)
    found_for: list[tuple[Profile, Fair, list[Match]]] = []
    for profile, fair in residents:
        since = _day_after(fair.date)
        newer = [str(job_id) for job_id, created in open_jobs if created >= since]
        if not newer:
            continue
        taken = under_way.get(profile.id, set())
        found = ranker.jobs_for(profile, per_resident + len(taken), candidates=newer)
        good = [m for m in found if m.eligible and m.score >= min_score and int(m.job_id) not in taken][:per_resident]
        if good:
            found_for.append((profile, fair, good))
    jobs = {job.id: job for job in jobs_by_id(session, {int(m.job_id) for *_, good in found_for for m in good})}
    entries = [CallEntry(profile, fair, [(jobs[int(m.job_id)], m) for m in good]) for profile, fair, good in found_for]
    entries.sort(key=lambda e: -e.best)
    return entries


def quiet_vacancies(session: Session, today: date | None = None) -> list[QuietVacancy]:
    """Open vacancies that no resident has been contacted about yet (shown on a shortlist at most), oldest first."""
    today = today or local_today()
    contacted = exists().where(Outcome.job_id == Job.id, Outcome.status != lifecycle.SHOWN)
    shown = (
        select(func.count(func.distinct(Outcome.profile_id)))
        .where(Outcome.job_id == Job.id, Outcome.status == lifecycle.SHOWN)
        .scalar_subquery()
    )
    rows = (
        session.execute(select(Job, shown).where(Job.is_open.is_(True), ~contacted).order_by(Job.created_at, Job.id))
        .unique()
        .all()
    )
    return [QuietVacancy(job, count, (today - local_date(job.created_at)).days) for job, count in rows]
