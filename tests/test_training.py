"""`jobmatch train` from the database's outcomes: pairs read back at their furthest status, the weights replaced only
when they learned something, the old ones kept beside the new."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone

import pytest
from helpers import make_job, make_profile
from sqlalchemy import update
from stories import by_chance, by_distance, distance_weight, fair

from jobmatch import services
from jobmatch.config import DEFAULT_MODELS_DIR
from jobmatch.db import db
from jobmatch.erasures import ErasureLog
from jobmatch.matching.model import ScoreModel
from jobmatch.models import Outcome
from jobmatch.services import training

LONG_AGO = datetime.now(timezone.utc) - timedelta(days=30)


@pytest.fixture
def models_dir(tmp_path):
    folder = tmp_path / "models"
    shutil.copytree(DEFAULT_MODELS_DIR, folder)
    return folder


def record_fair(app, client, pairs) -> None:
    """Store the synthetic pairs as vacancies, residents and the outcomes the stall would have recorded."""
    jobs, profiles = {}, {}
    for pair in pairs:
        j, p = pair.job, pair.profile
        if j.id not in jobs:
            jobs[j.id] = make_job(
                client,
                title=j.title,
                employer=j.employer,
                description=j.description,
                skills=list(j.skills),
                openings=j.openings,
                wage_min=j.wage_min,
                wage_max=j.wage_max,
                town=j.town,
                community=None,
                perks=[],
                age_min=j.age_min,
                age_max=j.age_max,
            )["id"]
        if p.id not in profiles:
            profiles[p.id] = make_profile(
                client,
                age=p.age,
                town=p.town,
                community=p.community,
                experience=p.experience,
                desired=p.desired,
                expected_wage=p.expected_wage,
                availability=p.availability,
                max_commute_km=p.max_commute_km,
                phone=None,
            )["id"]
    with app.app_context():
        index = app.extensions["jobmatch.index"]
        for pair in pairs:
            profile_id, job_id = profiles[pair.profile.id], jobs[pair.job.id]
            if pair.status == "shown":
                job = services.get_job(db.session, job_id)
                match = services.jobs_for_profile(db.session, index, profile_id, top=50)
                services.record_shown(
                    db.session, profile_id, [(j, m) for j, m in match if j.id == job.id], index.weights, recorder="test"
                )
                db.session.execute(
                    update(Outcome)
                    .where(Outcome.profile_id == profile_id, Outcome.job_id == job_id)
                    .values(created_at=LONG_AGO)
                )
                db.session.commit()
            else:
                services.record_outcome(db.session, profile_id, job_id, pair.status, recorder="test")
                services.commit(db.session)


def test_outcomes_where_distance_matters_replace_the_weights_and_keep_the_old_ones(app, client, towns, models_dir):
    record_fair(app, client, fair(towns, by_distance))
    before = (models_dir / "weights.json").read_text(encoding="utf-8")
    current = ScoreModel.load(models_dir / "weights.json")
    with app.app_context():
        pairs = training.labelled_pairs(db.session)
        decision, written = training.train_from_outcomes(db.session, models_dir)
    assert len(pairs) == 160 and {p.status for p in pairs} >= {"hired", "interviewed", "shown"}
    assert decision.replace, decision.reason
    assert written == models_dir / "weights.json"
    new = ScoreModel.load(written)
    assert new.metadata["source"] == "outcomes" and new.metadata["compared_with"]["version"] == current.version
    assert distance_weight(new) > distance_weight(current)
    assert (models_dir / f"weights-{current.version}.json").read_text(encoding="utf-8") == before


def test_noise_leaves_the_weights_alone(app, client, towns, models_dir):
    record_fair(app, client, fair(towns, by_chance))
    before = (models_dir / "weights.json").read_text(encoding="utf-8")
    with app.app_context():
        decision, written = training.train_from_outcomes(db.session, models_dir)
    assert not decision.replace and written is None
    assert "Kept the current weights" in decision.reason
    assert (models_dir / "weights.json").read_text(encoding="utf-8") == before
    assert not list(models_dir.glob("weights-*.json"))


def test_recent_listings_and_deleted_residents_are_left_out(app, client):
    job = make_job(client)
    fresh, old, gone = (make_profile(client, phone=f"1380000000{i}") for i in range(3))
    with app.app_context():
        index = app.extensions["jobmatch.index"]
        for resident in (fresh, old, gone):
            pairs = services.jobs_for_profile(db.session, index, resident["id"], top=5)
            services.record_shown(db.session, resident["id"], pairs, index.weights, recorder="test")
        db.session.execute(
            update(Outcome).where(Outcome.profile_id.in_([old["id"], gone["id"]])).values(created_at=LONG_AGO)
        )
        db.session.commit()
        services.delete_profile(db.session, gone["id"], ErasureLog.of(app))
        pairs = training.labelled_pairs(db.session)
    assert [(p.profile.id, p.job.id, p.status) for p in pairs] == [(str(old["id"]), str(job["id"]), "shown")]
