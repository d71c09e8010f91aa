"""A worker's match index over open vacancies and active profiles, kept current by the change log, and the
matcher's records of jobs and profiles."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..matching import JobRecord, Matcher, ProfileRecord
from ..matching.artifacts import Artefacts
from ..matching.matcher import (
    FIT_CHUNK,
    VOCABULARY_SAMPLE,
    coding_from_json,
    job_text,
    profile_text,
)
from ..matching.records import with_tapped
from ..models import Change, Employer, Job, Profile
from ..vacancy import MATCHED, record_value
from .changes import read_version, version_pending

log = logging.getLogger(__name__)


def job_record(job, employer: str | None = None) -> JobRecord:
    """The matcher's record of a Job, or of a row with the same columns (which carries the firm's name apart)."""
    if employer is None:
        employer = job.employer.name if job.employer else ""
    return JobRecord(
        id=str(job.id),
        employer=employer,
        fair=None if job.fair_id is None else str(job.fair_id),
        demands=job.demands,
        **{f.name: record_value(f, getattr(job, f.column)) for f in MATCHED if f.column},
    )


def profile_record(profile) -> ProfileRecord:
    """The matcher's record of a Profile, or of a row with the same columns; no name or phone."""
    return ProfileRecord(
        id=str(profile.id),
        age=profile.age,
        town=profile.town,
        community=profile.community,
        lat=profile.lat,
        lon=profile.lon,
        # what they tapped at the kiosk counts as if typed after their words
        experience=with_tapped(profile.experience, profile.experience_occupations),
        desired=with_tapped(profile.desired, profile.desired_occupations),
        expected_wage=profile.expected_wage,
        availability=profile.availability,
        max_commute_km=profile.max_commute_km,
        fair=None if profile.fair_id is None else str(profile.fair_id),
        limits=profile.limits,
    )


# What job_record reads: the declared fields the matcher's record carries, and the service's own columns.
_JOB_COLUMNS = (
    Job.id,
    *(getattr(Job, f.column) for f in MATCHED if f.column),
    Job.fair_id,
    Job.coding,
    Job.is_open,
    Job.demands,
)
_PROFILE_COLUMNS = (
    Profile.id,
    Profile.age,
    Profile.town,
    Profile.community,
    Profile.lat,
    Profile.lon,
    Profile.experience,
    Profile.desired,
    Profile.experience_occupations,
    Profile.desired_occupations,
    Profile.expected_wage,
    Profile.availability,
    Profile.max_commute_km,
    Profile.fair_id,
    Profile.coding,
    Profile.deleted_at,
    Profile.limits,
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
        if version_pending(session):
            # The index is the worker's, shared by its requests: writes that may yet roll back must not reach it.
            raise RuntimeError("commit the transaction's writes before reading the match index")
        version = read_version(session)
        if version != self.version or self.matcher is None:
            with self._lock:
                if version != self.version or self.matcher is None:
                    if self.matcher is None or not self._apply_changes(session, version):
                        self.rebuild(session, version)
        assert self.matcher is not None  # built above when it was not
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
        for row in session.execute(
            select(
                Profile.experience, Profile.desired, Profile.experience_occupations, Profile.desired_occupations
            ).where(active, Profile.id % step == 0)
        ):
            words = ProfileRecord(
                id="",
                experience=with_tapped(row.experience, row.experience_occupations),
                desired=with_tapped(row.desired, row.desired_occupations),
            )
            texts.append(profile_text(words))
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
        assert self.matcher is not None and self.version is not None  # refresh applies changes to a built index
        if version < self.version:  # a restored backup: the log describes another history
            return False
        rows = session.execute(
            select(Change.version, Change.kind, Change.record_id).where(
                Change.version > self.version, Change.version <= version
            )
        ).all()
        # Every version in between must be logged: a write outside the tracked sessions leaves a gap.
        if {r.version for r in rows} != set(range(self.version + 1, version + 1)) or any(r.kind == "all" for r in rows):
            return False
        size = self.matcher.job_count + self.matcher.profile_count
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
            self.matcher.add_jobs(
                [_row_job(r) for r in current], [coding_from_json(r.coding, fingerprint) for r in current]
            )
        if profile_ids:
            found = {row.id: row for row in _profile_rows(session, Profile.id.in_(profile_ids))}
            for profile_id in profile_ids - {i for i, row in found.items() if row.deleted_at is None}:
                self.matcher.remove_profile(str(profile_id))
            current = [row for row in found.values() if row.deleted_at is None]
            self.matcher.add_profiles(
                [profile_record(r) for r in current], [coding_from_json(r.coding, fingerprint) for r in current]
            )
        self.version = version
        return True
