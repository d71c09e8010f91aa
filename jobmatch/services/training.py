"""`jobmatch train` from recorded outcomes: read the pairs, learn with the graded prior, keep or replace the weights.

The matching package does the learning (matching/fitting/outcomes.py); this module only reads the database and the
files.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import lifecycle
from ..matching.artifacts import WEIGHTS, Artefacts
from ..matching.fitting.outcomes import Decision, LabelledPair, furthest, learn_from_outcomes
from ..models import Job, Outcome, Profile
from .index import job_record, profile_record

# A vacancy shown and left alone this long counts as ignored; younger ones may still be followed up.
IGNORED_AFTER = timedelta(days=14)
PRIOR_FOLDER = "prior"  # the graded pairs in models/prior: jobs.jsonl, profiles.jsonl, qrels.tsv


def labelled_pairs(session: Session, now: datetime | None = None) -> list[LabelledPair]:
    """Every (resident, vacancy) pair with outcomes, at its furthest status; residents who asked to be deleted and
    listings too recent to call ignored are left out."""
    now = now or datetime.now(timezone.utc)
    steps: dict[tuple[int, int], list[Outcome]] = {}
    for outcome in session.scalars(select(Outcome).order_by(Outcome.created_at, Outcome.id)):
        steps.setdefault((outcome.profile_id, outcome.job_id), []).append(outcome)
    # Only the records outcomes name: a city's database holds far more residents than ever had a step recorded.
    profiles = {
        p.id: p
        for p in session.scalars(
            select(Profile).where(Profile.deleted_at.is_(None), Profile.id.in_(select(Outcome.profile_id)))
        )
    }
    jobs = {j.id: j for j in session.scalars(select(Job).where(Job.id.in_(select(Outcome.job_id)))).unique()}
    pairs = []
    for (profile_id, job_id), recorded in steps.items():
        if profile_id not in profiles:
            continue
        status = furthest(o.status for o in recorded)
        assert status is not None  # every pair in steps has at least one outcome
        if status == lifecycle.SHOWN and now - recorded[-1].created_at < IGNORED_AFTER:
            continue
        pairs.append(LabelledPair(profile_record(profiles[profile_id]), job_record(jobs[job_id]), status))
    return pairs


def load_prior(models_dir: Path):
    """The graded development pairs shipped in models/prior, or None when they are missing."""
    from ..batch import read_jsonl
    from ..matching import job_from_dict, profile_from_dict
    from ..matching.fitting.evaluation import load_qrels
    from ..schemas import JobSchema, ProfileSchema

    folder = Path(models_dir) / PRIOR_FOLDER
    if not all((folder / name).exists() for name in ("jobs.jsonl", "profiles.jsonl", "qrels.tsv")):
        return None
    jobs = [job_from_dict({**j, "id": j["external_id"]}) for j in read_jsonl(folder / "jobs.jsonl", JobSchema())]
    profiles = [
        profile_from_dict({**p, "id": p["external_id"]}) for p in read_jsonl(folder / "profiles.jsonl", ProfileSchema())
    ]
    return jobs, profiles, load_qrels(folder / "qrels.tsv")


def train_from_outcomes(
    session: Session, models_dir: Path, now: datetime | None = None, **options
) -> tuple[Decision, Path | None]:
    """Learn from the database's outcomes. On replacement the old weights are kept beside the new ones as
    weights-<version>.json; returns the decision and the file written (None when the weights stay)."""
    models_dir = Path(models_dir)
    artefacts = Artefacts.load(models_dir)
    prior = load_prior(models_dir)
    decision = learn_from_outcomes(
        artefacts.matcher,
        labelled_pairs(session, now),
        artefacts.model,
        prior=prior,
        prior_description=f"{PRIOR_FOLDER}/ graded pairs" if prior else "none",
        **options,
    )
    if not decision.replace:
        return decision, None
    target = models_dir / WEIGHTS
    if target.exists():
        shutil.copyfile(target, models_dir / f"weights-{artefacts.model.version}.json")
    decision.model.save(target)
    return decision, target
