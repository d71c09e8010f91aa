"""The demo fair shipped with the package: a Dongliu-town fair written for jobmatch, with what happened after it."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from importlib import resources

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import lifecycle
from ..batch import read_jsonl
from ..errors import JobmatchError
from ..localtime import LOCAL
from ..models import Fair, Job, Outcome, Profile
from ..schemas import JobCreateSchema, ProfileSchema
from ..services import (
    MatchIndex,
    bump_version,
    commit,
    import_jobs,
    profile_columns,
    record_outcome,
    record_shown,
    shortlist_with_ruled_out,
)

DEMO_STAFF = "user:demo-stall"


def demo_file(name: str):
    return resources.files(__name__).joinpath(name)


def _at(day: date, hours: float) -> datetime:
    return datetime.combine(day, time(), tzinfo=LOCAL) + timedelta(hours=hours)


def _read_jobs(name: str) -> list[dict]:
    with resources.as_file(demo_file(name)) as path:
        return read_jsonl(path, JobCreateSchema())


def load_demo(session: Session, index: MatchIndex | None = None) -> dict[str, int]:
    """Create the demo fair with its vacancies and residents, the vacancies posted after it, and (given the match
    index) the outcomes the stall recorded in the week after; running it again changes nothing."""
    meta = json.loads(demo_file("fair.json").read_text(encoding="utf-8"))
    fair_day = date.fromisoformat(meta["date"])
    fair = session.scalar(select(Fair).where(Fair.name == meta["name"]))
    if fair is None:
        fair = Fair(name=meta["name"], date=fair_day, town=meta["town"], communities=meta["communities"])
        session.add(fair)
        session.flush()
    # Vacancies already there are left alone: hires since have counted their openings down.
    existing = set(session.scalars(select(Job.external_id).where(Job.external_id.is_not(None))))
    fair_jobs, later_jobs = _read_jobs("jobs.jsonl"), _read_jobs("jobs-later.jsonl")
    counts = import_jobs(session, [j for j in fair_jobs if j["external_id"] not in existing], fair_id=fair.id)
    later = import_jobs(session, [j for j in later_jobs if j["external_id"] not in existing])
    with resources.as_file(demo_file("profiles.jsonl")) as path:
        profiles = read_jsonl(path, ProfileSchema())
    known = set(session.scalars(select(Profile.external_id).where(Profile.external_id.is_not(None))))
    added = 0
    for i, data in enumerate(profiles):
        if data["external_id"] not in known:
            # residents came to the stall through the fair morning, one every two minutes or so
            session.add(
                Profile(**profile_columns({**data, "fair_id": fair.id}), created_at=_at(fair_day, 8.5 + i / 30))
            )
            added += 1
    bump_version(session)
    if counts["created"] or later["created"]:
        _backdate_vacancies(session, {meta["jobs_posted"]: fair_jobs, meta["later_jobs_posted"]: later_jobs})
    commit(session)  # before the shortlists below read the match index
    outcomes = _record_outcomes(session, index, fair) if index is not None else 0
    return {
        "fair_id": fair.id,
        "jobs_created": counts["created"] + later["created"],
        "profiles_created": added,
        "outcomes_recorded": outcomes,
    }


def _backdate_vacancies(session: Session, posted_on: dict[str, list[dict]]) -> None:
    """The fair's list was posted before the fair; the later list after it, which is what the follow-up list is for."""
    for day, rows in posted_on.items():
        ids = [row["external_id"] for row in rows]
        posted = _at(date.fromisoformat(day), 9)
        session.execute(update(Job).where(Job.external_id.in_(ids)).values(created_at=posted, updated_at=posted))


# What the stall recorded after the fair, by the resident's place in the queue: (steps for their best vacancy, days
# after the fair for each step). Residents not listed were only shown their shortlist.
_STORIES = [
    ((lifecycle.CONTACTED, lifecycle.INTERVIEWED, lifecycle.HIRED), (1, 3, 5)),
    ((lifecycle.CONTACTED, lifecycle.DECLINED_BY_RESIDENT), (1, 1)),
    ((lifecycle.CONTACTED, lifecycle.INTERVIEWED, lifecycle.DECLINED_BY_FIRM), (1, 3, 4)),
    ((lifecycle.HIRED,), (0,)),  # signed at the stall
    ((lifecycle.CONTACTED, lifecycle.NO_SHOW), (2, 4)),
    ((lifecycle.CONTACTED, lifecycle.INTERVIEWED), (2, 5)),
    ((lifecycle.CONTACTED,), (3,)),
]
_EVERY = 3  # one resident in three was called back in the week after the fair


def _record_outcomes(session: Session, index: MatchIndex, fair: Fair) -> int:
    """The fair's shortlists as shown, then the follow-up stories; done once per demo database."""
    residents = session.scalars(
        select(Profile).where(Profile.fair_id == fair.id, Profile.deleted_at.is_(None)).order_by(Profile.id)
    ).all()
    if session.scalar(
        select(func.count()).select_from(Outcome).where(Outcome.profile_id.in_([p.id for p in residents]))
    ):
        return 0
    recorded = 0
    for i, profile in enumerate(residents):
        pairs, _ = shortlist_with_ruled_out(session, index, profile.id, top=5, fair=str(fair.id))
        shown_at = profile.created_at + timedelta(minutes=5)
        recorded += record_shown(session, profile.id, pairs, index.weights, recorder=DEMO_STAFF)
        session.execute(update(Outcome).where(Outcome.profile_id == profile.id).values(created_at=shown_at))
        commit(session)
        eligible = [job for job, match in pairs if match.eligible]
        if i % _EVERY or not eligible:
            continue
        steps, days = _STORIES[(i // _EVERY) % len(_STORIES)]
        for step, day in zip(steps, days):
            try:
                outcome = record_outcome(session, profile.id, eligible[0].id, step, recorder=DEMO_STAFF)
            except JobmatchError:  # a vacancy filled by an earlier story: the story ends there
                session.rollback()
                break
            outcome.created_at = _at(fair.date, 24 * day + 10 + i / 20)
            commit(session)  # a hire changes the vacancy: the next shortlist reads the index
            recorded += 1
    return recorded
