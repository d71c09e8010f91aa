"""Learning score weights from recorded outcomes, with the graded development set as a prior.

Staff record what became of (resident, vacancy) pairs. A pair's furthest status gives its label (`label`): hired and
interviewed are positives, declines and shortlists the resident ignored are negatives, contacted-only and no-show pairs
are left out. `learn_from_outcomes` fits candidate weights on the prior plus the outcomes and replaces the current
weights only when the candidate orders held-out residents' outcomes better by more than chance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np

from ..matcher import Matcher
from ..model import FEATURES, ScoreModel
from ..records import JobRecord, ProfileRecord
from .evaluation import Qrels
from .graded import design

# Grades on the development set's scale, so outcomes and the prior feed the same ordinal model: a hire is a grade-3
# pair, an interview at least a grade-2 one, and a decline or an ignored shortlist a pair that did not fit.
GRADES = {
    "hired": 3,
    "interviewed": 2,
    "declined_by_resident": 0,
    "declined_by_firm": 0,
    "shown": 0,  # the furthest status is `shown`: the resident was shown the vacancy and did nothing
}
# Neither a match nor a mismatch: contacted may still go either way, and a no-show says little about the vacancy.
LEFT_OUT = frozenset({"contacted", "no_show"})
# How far along a pair got, for `furthest`: an end (a decline, a hire) is further than any step before it.
PROGRESS = ("shown", "contacted", "no_show", "interviewed", "declined_by_firm", "declined_by_resident", "hired")

DEFAULT_PRIOR_WEIGHT = 500.0
MIN_PAIRS = 30
MIN_RESIDENTS = 10
BOOTSTRAP = 2000
METRIC = "within-resident pairwise accuracy"


def label(status: str) -> int | None:
    """The grade a pair's furthest status stands for (hired 3, interviewed 2, declined or shown 0), or None when the
    pair is left out (contacted, no_show). Unknown statuses raise ValueError."""
    if status in GRADES:
        return GRADES[status]
    if status in LEFT_OUT:
        return None
    raise ValueError(f"unknown outcome status: {status!r}")


def furthest(statuses: Iterable[str]) -> str | None:
    """The furthest of the statuses recorded for one pair (None when there are none); see PROGRESS."""
    statuses = list(statuses)
    for status in statuses:
        label(status)  # an unknown status is refused, not passed over
    return max(statuses, key=PROGRESS.index, default=None)


@dataclass
class LabelledPair:
    """One (resident, vacancy) pair and the furthest status recorded for it."""

    profile: ProfileRecord
    job: JobRecord
    status: str


@dataclass
class Decision:
    """The candidate weights, whether they should replace the current ones, and why.

    `model` is the candidate fitted on the prior and every outcome (the current weights when there were too few
    outcomes to fit one); save it only when `replace` is True.
    """

    model: ScoreModel
    replace: bool
    reason: str
    metrics: dict = field(default_factory=dict)


@dataclass
class _Outcomes:
    X: np.ndarray
    grades: np.ndarray
    resident: np.ndarray  # index into `residents`
    residents: list[str]
    left_out: int
    ineligible: int


def _outcome_rows(make_matcher: Callable[..., Matcher], pairs: Sequence[LabelledPair]) -> _Outcomes:
    """Design rows of the labelled, eligible pairs, from a matcher fitted on the vacancies and residents involved."""
    latest: dict[tuple[str, str], LabelledPair] = {}
    left_out = 0
    for pair in pairs:
        if label(pair.status) is None:
            left_out += 1
            continue
        key = (pair.profile.id, pair.job.id)
        if key in latest:  # the same pair twice: keep what got further
            pair = max(latest[key], pair, key=lambda p: PROGRESS.index(p.status))
        latest[key] = pair
    kept = list(latest.values())
    jobs = list({p.job.id: p.job for p in kept}.values())
    profiles = list({p.profile.id: p.profile for p in kept}.values())
    empty = _Outcomes(np.empty((0, len(FEATURES))), np.empty(0, int), np.empty(0, int), [], left_out, 0)
    if not kept:
        return empty
    matcher = make_matcher().fit(jobs, profiles)
    column = {job.id: i for i, job in enumerate(matcher.jobs)}
    by_profile: dict[str, list[LabelledPair]] = {}
    for pair in kept:
        by_profile.setdefault(pair.profile.id, []).append(pair)
    rows, grades, resident, ineligible = [], [], [], 0
    residents: list[str] = []
    for profile in profiles:
        X, eligible = matcher.design_for(profile)
        index = len(residents)
        residents.append(profile.id)
        for pair in by_profile[profile.id]:
            at = column[pair.job.id]
            if not eligible[at]:  # ranked below every eligible vacancy whatever its score, as in train.py
                ineligible += 1
                continue
            rows.append(X[at])
            grades.append(label(pair.status))
            resident.append(index)
    if not rows:
        return _Outcomes(empty.X, empty.grades, empty.resident, residents, left_out, ineligible)
    return _Outcomes(np.array(rows), np.array(grades), np.array(resident), residents, left_out, ineligible)


def _prior_rows(make_matcher, prior) -> tuple[np.ndarray, np.ndarray]:
    """Every development profile against every development vacancy, eligible pairs only, graded as in train.py."""
    jobs, profiles, qrels = prior
    rows = design(make_matcher().fit(jobs, profiles), profiles, qrels)
    X = np.vstack([r[1][r[2]] for r in rows])
    y = np.concatenate([r[3][r[2]] for r in rows])
    return X, y


def _comparisons(scores: np.ndarray, positive: np.ndarray, resident: np.ndarray, n_residents: int):
    """Per resident: positive-negative pairs of theirs ordered correctly (ties count half), and how many there are."""
    correct = np.zeros(n_residents)
    total = np.zeros(n_residents)
    for r in np.unique(resident):
        mine = resident == r
        pos, neg = scores[mine & positive], scores[mine & ~positive]
        if len(pos) and len(neg):
            diff = pos[:, None] - neg[None, :]
            correct[r] = (diff > 0).sum() + 0.5 * (diff == 0).sum()
            total[r] = diff.size
    return correct, total


def _folds(comparable: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """A fold per resident; residents who can be scored are dealt out first, so every fold gets its share."""
    rng = np.random.default_rng(seed)
    n = len(comparable)
    order = np.concatenate([rng.permutation(np.flatnonzero(comparable)), rng.permutation(np.flatnonzero(~comparable))])
    fold_of = np.empty(n, int)
    fold_of[order] = np.arange(n) % folds
    return fold_of


def _describe(model: ScoreModel) -> dict:
    meta = model.metadata
    return {
        "version": model.version,
        "source": meta.get("source") or meta.get("trained_on", "unknown"),
        "trained_at": meta.get("trained_at"),
    }


def learn_from_outcomes(
    make_matcher: Callable[..., Matcher],
    pairs: Sequence[LabelledPair],
    current: ScoreModel,
    prior: tuple[Sequence[JobRecord], Sequence[ProfileRecord], Qrels] | None = None,
    folds: int = 5,
    seed: int = 0,
    prior_weight: float = DEFAULT_PRIOR_WEIGHT,
    prior_description: str = "graded development set",
    C: float | None = None,
    min_pairs: int = MIN_PAIRS,
    min_residents: int = MIN_RESIDENTS,
    bootstrap: int = BOOTSTRAP,
) -> Decision:
    """Fit candidate weights on the prior and the outcomes and decide whether they should replace `current`.

    The prior's eligible pairs share a total weight of `prior_weight` (it counts as that many outcomes); C (default:
    the current weights' C, else 1) applies at the prior's scale, so with no outcomes the fit is train.py's.
    Residents are split into `folds`; each fold's outcomes are scored by a candidate fitted without them and by the
    current weights. Replace only when a bootstrap over residents puts the gain's 95% interval above 0.
    """
    data = _outcome_rows(make_matcher, pairs)
    positive = data.grades > 0
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    _, total = _comparisons(np.zeros(len(data.grades)), positive, data.resident, len(data.residents))
    comparable = total > 0
    counts = {
        "pairs": int(len(data.grades)),
        "positives": n_pos,
        "negatives": n_neg,
        "residents": int(len(np.unique(data.resident))),
        "comparable_residents": int(comparable.sum()),
        "left_out": data.left_out,
        "ineligible": data.ineligible,
    }
    compared_with = _describe(current)
    base = {"metric": METRIC, **counts, "current_weights": compared_with}

    short = []
    if counts["pairs"] < min_pairs:
        short.append(f"{counts['pairs']} usable pairs, need at least {min_pairs}")
    if not n_pos or not n_neg:
        short.append(f"{n_pos} hired or interviewed and {n_neg} declined or ignored, need some of both")
    if counts["comparable_residents"] < min_residents:
        short.append(
            f"{counts['comparable_residents']} residents with both a hire or interview and a decline or ignored "
            f"vacancy, need at least {min_residents}"
        )
    if short:
        reason = "Kept the current weights: not enough recorded outcomes to learn from (" + "; ".join(short) + ")."
        return Decision(current, False, reason, base)

    if C is None:
        C = float(current.metadata.get("C", 1.0))
    if prior is not None:
        X_prior, y_prior = _prior_rows(make_matcher, prior)
        w_prior = np.full(len(y_prior), prior_weight / len(y_prior))
        # Scaling C with the prior's weights keeps its own fit unchanged; an outcome then weighs as much as
        # len(y_prior) / prior_weight prior pairs.
        C_fit = C * len(y_prior) / prior_weight
    else:
        X_prior, y_prior, w_prior, C_fit = np.empty((0, len(FEATURES))), np.empty(0, int), np.empty(0), C

    def fit(rows: np.ndarray, metadata: dict | None = None) -> ScoreModel:
        X = np.vstack([X_prior, data.X[rows]])
        y = np.concatenate([y_prior, data.grades[rows]])
        w = np.concatenate([w_prior, np.ones(int(rows.sum()))])
        return ScoreModel.fit(X, y, C_fit, metadata, sample_weight=w)

    folds = max(2, min(folds, counts["comparable_residents"]))
    fold_of = _folds(comparable, folds, seed)[data.resident]
    held_out = np.empty(len(data.grades))
    for k in range(folds):
        test = fold_of == k
        held_out[test] = fit(~test).score(data.X[test])
    now = current.score(data.X)

    n = len(data.residents)
    right_new, total = _comparisons(held_out, positive, data.resident, n)
    right_now, _ = _comparisons(now, positive, data.resident, n)
    scored = total > 0
    gain, pairs_of = (right_new - right_now)[scored], total[scored]
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(gain), size=(bootstrap, len(gain)))
    boot = gain[draws].sum(axis=1) / pairs_of[draws].sum(axis=1)
    low, high = (float(v) for v in np.quantile(boot, [0.025, 0.975]))
    acc_new, acc_now = float(right_new.sum() / total.sum()), float(right_now.sum() / total.sum())
    figures = {
        **base,
        "comparisons": int(total.sum()),
        "folds": folds,
        "current": round(acc_now, 4),
        "candidate": round(acc_new, 4),
        "difference": round(acc_new - acc_now, 4),
        "ci95": [round(low, 4), round(high, 4)],
        "bootstrap": bootstrap,
        "prior": prior_description if prior is not None else None,
        "prior_weight": prior_weight if prior is not None else 0.0,
        "C": C,
    }
    replace = low > 0
    how = (
        f"on {counts['comparable_residents']} residents held out in turn, the new weights put a hire or interview "
        f"above a decline or ignored vacancy in {acc_new:.1%} of {figures['comparisons']} comparisons, the current "
        f"weights in {acc_now:.1%} (difference {100 * (acc_new - acc_now):+.1f} points, "
        f"95% interval {100 * low:+.1f} to {100 * high:+.1f})"
    )
    if replace:
        reason = f"Use the new weights: {how}."
    elif high < 0:
        reason = f"Kept the current weights: the new ones do worse; {how}."
    else:
        reason = f"Kept the current weights: the new ones are not reliably better; {how}, which could be chance."

    metadata = {
        "source": "outcomes",
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "pairs": counts["pairs"],
        "positives": n_pos,
        "negatives": n_neg,
        "residents": counts["residents"],
        "prior": figures["prior"],
        "prior_weight": figures["prior_weight"],
        "prior_pairs": int(len(y_prior)),
        "C": C,
        "cv_folds": folds,
        "heldout_metric": METRIC,
        "heldout_current": figures["current"],
        "heldout_candidate": figures["candidate"],
        "heldout_ci95": figures["ci95"],
        "compared_with": compared_with,
    }
    return Decision(fit(np.ones(len(data.grades), dtype=bool), metadata), replace, reason, figures)
