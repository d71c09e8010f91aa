"""The demo fair shipped with the package: a Dongliu-town fair written for jobmatch."""
from __future__ import annotations

import json
from datetime import date
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..batch import read_jsonl
from ..models import Fair, Profile
from ..schemas import JobCreateSchema, ProfileSchema
from ..services import bump_version, import_jobs


def demo_file(name: str):
    return resources.files(__name__).joinpath(name)


def load_demo(session: Session) -> dict[str, int]:
    """Create the demo fair with its vacancies and residents; running it again changes nothing."""
    meta = json.loads(demo_file("fair.json").read_text(encoding="utf-8"))
    fair = session.scalar(select(Fair).where(Fair.name == meta["name"]))
    if fair is None:
        fair = Fair(name=meta["name"], date=date.fromisoformat(meta["date"]), town=meta["town"], communities=meta["communities"])
        session.add(fair)
        session.flush()
    with resources.as_file(demo_file("jobs.jsonl")) as path:
        jobs = read_jsonl(path, JobCreateSchema())
    counts = import_jobs(session, jobs, fair_id=fair.id)
    with resources.as_file(demo_file("profiles.jsonl")) as path:
        profiles = read_jsonl(path, ProfileSchema())
    known = set(session.scalars(select(Profile.external_id).where(Profile.external_id.is_not(None))))
    added = 0
    for data in profiles:
        if data["external_id"] not in known:
            session.add(Profile(**{**data, "fair_id": fair.id}))
            added += 1
    bump_version(session)
    session.commit()
    return {"fair_id": fair.id, "jobs_created": counts["created"], "jobs_updated": counts["updated"], "profiles_created": added}
