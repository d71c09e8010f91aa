"""The matcher: fit on jobs and profiles, then rank jobs for a profile or profiles for a job."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from ..text import normalise
from .explain import explain
from .features import JobTable, ProfileTable, fit_scores, pair_features
from .places import Gazetteer
from .records import JobRecord, Match, ProfileRecord

# Hand-set for the first version on the development set; `jobmatch train` will fit them.
DEFAULT_WEIGHTS = {"text": 0.45, "distance": 0.3, "pay": 0.2, "openings": 0.05}


def job_text(job: JobRecord) -> str:
    # The title and skills say what the work is; repeating them weighs them above the description.
    head = " ".join([job.title, *job.skills])
    return normalise(" ".join([head, head, job.description]))


def profile_text(profile: ProfileRecord) -> str:
    return normalise(" ".join([profile.experience or "", profile.desired or ""]))


class Matcher:
    """Scores job-profile pairs: TF-IDF text similarity plus shift, age, distance, pay and openings."""

    def __init__(self, weights: dict[str, float] | None = None, gazetteer: Gazetteer | None = None):
        self.weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
        self.gazetteer = gazetteer or Gazetteer.empty()

    def fit(self, jobs: Sequence[JobRecord], profiles: Sequence[ProfileRecord] = ()) -> Matcher:
        self.jobs = list(jobs)
        self.profiles = list(profiles)
        job_texts = [job_text(j) for j in self.jobs]
        profile_texts = [profile_text(p) for p in self.profiles]
        self.vectorizer_ = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
        # A placeholder document keeps the vocabulary non-empty when every text is blank.
        self.vectorizer_.fit([t for t in job_texts + profile_texts if t] or ["-"])
        self.job_matrix_ = self._vectorise(job_texts)
        self.profile_matrix_ = self._vectorise(profile_texts)
        self.profile_texts_ = profile_texts
        self.job_table_ = JobTable.build(self.jobs, self.gazetteer)
        self.profile_table_ = ProfileTable.build(self.profiles, self.gazetteer)
        self.job_position_ = {j.id: i for i, j in enumerate(self.jobs)}
        self.profile_position_ = {p.id: i for i, p in enumerate(self.profiles)}
        return self

    def jobs_for(self, profile: ProfileRecord, top: int = 10, candidates: Iterable[str] | None = None) -> list[Match]:
        """Jobs for one resident, best first; ineligible jobs (age, shift) come after every eligible one."""
        if not self.jobs:
            return []
        text = profile_text(profile)
        sims = self._similarities(self.job_matrix_, text)
        feats = pair_features(ProfileTable.build([profile], self.gazetteer), 0, self.job_table_, slice(None))
        mask = self._mask(candidates, self.job_position_, len(self.jobs))
        return self._ranked(sims, feats, mask, top, lambda i: (self.jobs[i], profile, text))

    def profiles_for(self, job: JobRecord, top: int = 10, candidates: Iterable[str] | None = None) -> list[Match]:
        """Residents for one vacancy, best first, eligible residents before ineligible ones."""
        if not self.profiles:
            return []
        sims = self._similarities(self.profile_matrix_, job_text(job))
        feats = pair_features(self.profile_table_, slice(None), JobTable.build([job], self.gazetteer), 0)
        mask = self._mask(candidates, self.profile_position_, len(self.profiles))
        return self._ranked(sims, feats, mask, top, lambda i: (job, self.profiles[i], self.profile_texts_[i]))

    def _similarities(self, matrix: sparse.csr_matrix, text: str) -> np.ndarray:
        return (matrix @ self._vectorise([text]).T).toarray().ravel()

    def _ranked(self, sims: np.ndarray, feats: dict, mask: np.ndarray, top: int, pair) -> list[Match]:
        """Score every candidate, order eligible first then by score, and explain the top ones."""
        best = sims[mask].max() if mask.any() else 0.0
        # Similarity relative to the best candidate, so it combines with the 0..1 fits on one scale.
        rel = sims / best if best > 0 else np.zeros_like(sims)
        fits = fit_scores(feats)
        w = self.weights
        scores = (w.get("text", 0) * rel + sum(w.get(k, 0) * fits[k] for k in fits)) / (sum(w.values()) or 1.0)
        eligible = feats["shift_ok"] & feats["age_ok"]
        candidates = np.flatnonzero(mask)
        # lexsort: the last key is primary; eligible first, then score, then position for a stable order.
        order = candidates[np.lexsort((candidates, -scores[candidates], ~eligible[candidates]))][:top]
        matches = []
        for i in order:
            job, profile, text = pair(i)
            row = _row(feats, i, rel)
            matches.append(
                Match(
                    job_id=job.id,
                    profile_id=profile.id,
                    score=round(float(scores[i]), 4),
                    eligible=bool(eligible[i]),
                    reasons=explain(job, profile, row, text),
                    features=row,
                )
            )
        return matches

    def _vectorise(self, texts: list[str]) -> sparse.csr_matrix:
        if not texts:
            return sparse.csr_matrix((0, len(self.vectorizer_.vocabulary_)))
        return self.vectorizer_.transform(texts)

    @staticmethod
    def _mask(candidates, positions: dict[str, int], n: int) -> np.ndarray:
        if candidates is None:
            return np.ones(n, dtype=bool)
        mask = np.zeros(n, dtype=bool)
        idx = [positions[c] for c in candidates if c in positions]
        mask[idx] = True
        return mask


def _row(feats: dict, i: int, rel: np.ndarray) -> dict[str, float]:
    row = {k: (bool(v[i]) if v.dtype == bool else float(v[i])) for k, v in feats.items()}
    row["text"] = float(rel[i])
    return row


def rank(profile: ProfileRecord, jobs: Sequence[JobRecord], top: int = 10, **kwargs) -> list[Match]:
    """Jobs for one profile: the one-call interface of the matcher."""
    return Matcher(**kwargs).fit(jobs, [profile]).jobs_for(profile, top=top)
