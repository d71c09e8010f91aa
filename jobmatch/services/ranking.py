"""Ranking: the shortlists every surface shows (the kiosk, the stall, the printed slip, the API and the follow-up
calls), ranked by the worker's match index."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..matching import Match, Matcher, ProfileRecord
from ..matching.demands import unmet
from ..matching.features import profile_limits
from ..matching.matcher import coding_from_json
from ..models import Job, Profile
from .index import MatchIndex, job_record, profile_record
from .jobs import get_job, job_demands_of
from .profiles import get_profile


class Ranker:
    """The index brought up to date once, to rank vacancies for one resident or, in a row, for many (the follow-up
    list) without reading the data version again for each."""

    def __init__(self, session: Session, index: MatchIndex):
        self.matcher: Matcher = index.refresh(session)
        self.fingerprint = index.coder.fingerprint

    def jobs_for(
        self,
        profile: Profile,
        top: int,
        candidates: Iterable[str] | None = None,
        fair=None,
        town=None,
        shift=None,
        ruled_out: bool = False,
    ) -> list[Match]:
        """The best vacancies for this resident, best first (see Matcher.jobs_for), coded from its stored coding."""
        coding = coding_from_json(profile.coding, self.fingerprint)
        return self.matcher.jobs_for(
            profile_record(profile),
            top=top,
            candidates=candidates,
            coding=coding,
            fair=fair,
            town=town,
            shift=shift,
            ruled_out=ruled_out,
        )


def _with_jobs(session: Session, matches: list[Match]) -> list[tuple[Job, Match]]:
    """The matches with their Job rows, read in one query, in the matches' order."""
    jobs = {j.id: j for j in session.scalars(select(Job).where(Job.id.in_([int(m.job_id) for m in matches]))).unique()}
    return [(jobs[int(m.job_id)], m) for m in matches if int(m.job_id) in jobs]


def jobs_for_profile(
    session: Session, index: MatchIndex, profile_id: int, top: int = 10, fair=None, town=None, shift=None
) -> list[tuple[Job, Match]]:
    """The best vacancies for one resident, best first, with their Job rows."""
    profile = get_profile(session, profile_id)
    return _with_jobs(session, Ranker(session, index).jobs_for(profile, top, fair=fair, town=town, shift=shift))


def shortlist_with_ruled_out(
    session: Session, index: MatchIndex, profile_id: int, top: int = 5, most: int = 3, fair=None
) -> tuple[list[tuple[Job, Match]], list[tuple[Job, list[str]]]]:
    """The shortlist, and up to `most` vacancies that a demand the resident said they cannot meet rules out (those in
    the work they want, or scoring like the list), each with its reason: a counsellor says why heavy work is not
    offered to a bad back, rather than offer it or say nothing. Such vacancies rank below every eligible one, so the
    shortlist holds them only when nothing else is left, and then they are named here instead."""
    profile = get_profile(session, profile_id)
    ranker = Ranker(session, index)  # one refresh of the index for both lists
    shown = [m for m in ranker.jobs_for(profile, top, fair=fair) if m.features.get("demand_ok", True)]
    floor = min((m.score for m in shown), default=0.0) if len(shown) == top else 0.0
    candidates = [
        m
        for m in ranker.jobs_for(profile, most, fair=fair, ruled_out=True)
        if m.features.get("occ_same", 0.0) >= 0.4 or m.score >= floor
    ]
    limits = profile_limits(profile_record(profile))
    ruled_out = [
        (job, [u.reason for u in unmet(job_demands_of(job), limits)]) for job, _ in _with_jobs(session, candidates)
    ]
    return _with_jobs(session, shown), ruled_out


def profiles_for_job(
    session: Session, index: MatchIndex, job_id: int, top: int = 10, fair=None, town=None
) -> list[tuple[Profile, Match]]:
    """The best residents for one vacancy, best first, with their Profile rows."""
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
