"""Learning score weights from recorded outcomes: the real matcher, the real weights and the real development set."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from stories import NEGATIVE, by_chance, by_distance, distance_weight, fair

from jobmatch.config import DEFAULT_MODELS_DIR
from jobmatch.matching.artifacts import Artefacts
from jobmatch.matching.fitting.evaluation import load_qrels
from jobmatch.matching.fitting.outcomes import LabelledPair, furthest, label, learn_from_outcomes
from jobmatch.matching.model import ScoreModel, default_model
from jobmatch.matching.records import job_from_dict, profile_from_dict

PRIOR = DEFAULT_MODELS_DIR / "prior"


def _jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="module")
def artefacts():
    return Artefacts.load(DEFAULT_MODELS_DIR)


@pytest.fixture(scope="module")
def prior():
    """The graded development pairs, as shipped in models/prior."""
    jobs = [job_from_dict(d) for d in _jsonl(PRIOR / "jobs.jsonl")]
    profiles = [profile_from_dict(d) for d in _jsonl(PRIOR / "profiles.jsonl")]
    return jobs, profiles, load_qrels(PRIOR / "qrels.tsv")


def test_outcomes_decided_by_distance_replace_the_weights_and_raise_the_distance_weight(artefacts, prior, towns):
    pairs = fair(towns, by_distance)
    # left out: neither a match nor a mismatch
    pairs += [
        LabelledPair(pairs[0].profile, pairs[-1].job, "contacted"),
        LabelledPair(pairs[4].profile, pairs[-2].job, "no_show"),
    ]
    current = artefacts.model
    decision = learn_from_outcomes(artefacts.matcher, pairs, current, prior=prior)

    assert decision.replace, decision.reason
    assert decision.reason.startswith("Use the new weights")
    m = decision.metrics
    assert (m["pairs"], m["positives"], m["negatives"], m["residents"], m["left_out"]) == (160, 80, 80, 40, 2)
    assert m["candidate"] > m["current"] and m["ci95"][0] > 0
    # Residents here take a low-paid job at home over a better-paid one just beyond their reach; the current weights
    # trade distance for pay, the new ones must weigh distance more.
    assert distance_weight(decision.model) > distance_weight(current)
    resident = pairs[0].profile
    jobs = [p.job for p in pairs[:4]]  # her near and far jobs, well paid and not
    matcher = artefacts.matcher().fit(jobs, [resident])
    X, eligible = matcher.design_for(resident)
    assert eligible.all()
    row = {job.id: i for i, job in enumerate(matcher.jobs)}
    near, far = X[[row["J0近高"]]], X[[row["J0远高"]]]
    gap = lambda model: float(model.score(near)[0] - model.score(far)[0])  # noqa: E731
    assert gap(decision.model) > gap(current)

    meta = decision.model.metadata
    assert meta["source"] == "outcomes"
    assert datetime.fromisoformat(meta["trained_at"]).tzinfo is not None
    assert (meta["pairs"], meta["positives"], meta["negatives"], meta["residents"], meta["cv_folds"]) == (
        160,
        80,
        80,
        40,
        5,
    )
    assert meta["prior"] == "graded development set" and meta["prior_weight"] > 0
    assert meta["heldout_candidate"] > meta["heldout_current"] and meta["heldout_ci95"] == m["ci95"]
    assert meta["compared_with"]["version"] == current.version
    assert ScoreModel.from_dict(json.loads(json.dumps(decision.model.to_dict()))).metadata == meta
    assert decision.model.version != current.version


def test_outcomes_that_are_noise_keep_the_current_weights(artefacts, prior, towns):
    current = artefacts.model
    decision = learn_from_outcomes(artefacts.matcher, fair(towns, by_chance), current, prior=prior)

    assert not decision.replace
    assert decision.reason.startswith("Kept the current weights")
    assert "not reliably better" in decision.reason or "do worse" in decision.reason
    assert decision.metrics["ci95"][0] <= 0
    assert decision.metrics["comparable_residents"] >= 10


@pytest.mark.parametrize(
    "residents, needs",
    [
        (0, "0 usable pairs, need at least 30"),
        (3, "12 usable pairs, need at least 30"),
        # 40 pairs, but half the residents heard nothing back: nothing of theirs to put above or below
        (10, "5 residents with both a hire or interview and a decline or ignored vacancy, need at least 10"),
    ],
)
def test_too_few_outcomes_are_refused_with_what_is_needed(artefacts, towns, residents, needs):
    chosen = fair(towns, by_distance, per_home=2)[: 4 * residents]  # four pairs a resident
    chosen = [
        p if p.status in NEGATIVE or i // 4 % 2 == 0 else LabelledPair(p.profile, p.job, "shown")
        for i, p in enumerate(chosen)
    ]
    current = artefacts.model
    decision = learn_from_outcomes(artefacts.matcher, chosen, current)

    assert not decision.replace
    assert decision.model is current
    assert decision.reason.startswith("Kept the current weights: not enough recorded outcomes")
    assert needs in decision.reason, decision.reason


def test_a_pair_recorded_twice_counts_once_at_its_furthest_status(artefacts, towns):
    pairs = fair(towns, by_distance, per_home=1)[:12]
    again = [LabelledPair(p.profile, p.job, "shown") for p in pairs]
    decision = learn_from_outcomes(artefacts.matcher, again + pairs + again, artefacts.model)
    assert (decision.metrics["pairs"], decision.metrics["positives"], decision.metrics["residents"]) == (12, 6, 3)


@pytest.mark.parametrize(
    "status, grade",
    [
        ("hired", 3),
        ("interviewed", 2),
        ("declined_by_resident", 0),
        ("declined_by_firm", 0),
        ("shown", 0),
        ("contacted", None),
        ("no_show", None),
    ],
)
def test_label(status, grade):
    assert label(status) == grade


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError, match="unknown outcome status"):
        label("ghosted")
    with pytest.raises(ValueError, match="unknown outcome status"):
        furthest(["shown", "ghosted"])


@pytest.mark.parametrize(
    "statuses, expected",
    [
        (["shown"], "shown"),
        (["shown", "contacted"], "contacted"),
        (["shown", "contacted", "interviewed", "declined_by_firm"], "declined_by_firm"),
        (["contacted", "no_show", "interviewed", "hired"], "hired"),
        (["hired", "shown"], "hired"),
        ([], None),
    ],
)
def test_furthest(statuses, expected):
    assert furthest(statuses) == expected


def test_the_weights_version_is_stable_and_tells_weights_apart():
    model = default_model()
    version = model.version
    assert len(version) == 12 and int(version, 16) >= 0
    assert ScoreModel.from_dict(json.loads(json.dumps(model.to_dict()))).version == version
    assert ScoreModel(model.coef.copy(), model.intercept.copy(), {"other": "metadata"}).version == version
    assert Artefacts.load(DEFAULT_MODELS_DIR).model.version != version
    nudged = model.coef.copy()
    nudged[0, 0] += 1e-9
    assert ScoreModel(nudged, model.intercept).version != version
    assert ScoreModel(model.coef, model.intercept + 0.5).version != version
