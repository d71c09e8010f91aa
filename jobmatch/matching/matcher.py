"""The matcher: fit on jobs and profiles, then rank jobs for a profile or profiles for a job."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from ..text import normalise
from .explain import explain
from .features import JobTable, ProfileTable, completed_job, completed_profile, employer_key, pair_features
from .model import ScoreModel, default_model, design_matrix
from .occupations import Coding, OccupationCoder, Taxonomy
from .places import Gazetteer
from .records import JobRecord, Match, ProfileRecord

# How much each part of a text says about the occupation.
JOB_FIELD_WEIGHTS = {"title": 1.0, "skills": 0.9, "description": 0.4}
EXPERIENCE_WEIGHT = 0.8  # what someone did counts a little less than what they ask for
MAX_OCCUPATIONS = 3


def job_text(job: JobRecord) -> str:
    # The title and skills say what the work is; repeating them weighs them above the description.
    head = " ".join([job.title, *job.skills])
    return normalise(" ".join([head, head, job.description]))


def profile_text(profile: ProfileRecord) -> str:
    return normalise(" ".join([profile.experience or "", profile.desired or ""]))


def _overlap(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """max over occupations of min(row, vector): how strongly a row and the vector name the same occupation."""
    if matrix.shape[1] == 0:
        return np.zeros(matrix.shape[0])
    return np.minimum(matrix, vector).max(axis=1)


def _relative(sims: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Similarity relative to the best candidate, so it sits on the same 0..1 scale as the other features."""
    best = sims[mask].max() if mask.any() else 0.0
    return sims / best if best > 0 else np.zeros_like(sims)


def _spread(links: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """For each occupation, the strongest score among the occupations linked to it."""
    if links.size == 0:
        return vector
    return (links * vector[:, None]).max(axis=0)


class Matcher:
    """Scores job-profile pairs from text similarity, occupations, shift, age, distance, pay and openings."""

    def __init__(self, model: ScoreModel | None = None, gazetteer: Gazetteer | None = None, taxonomy: Taxonomy | None = None):
        self.model = model or default_model()
        self.gazetteer = gazetteer or Gazetteer.empty()
        self.taxonomy = taxonomy or Taxonomy.empty()
        self.coder = OccupationCoder(self.taxonomy)
        self._neighbours = self.taxonomy.neighbour_matrix()
        self._groups = self.taxonomy.group_matrix()

    # --- occupation coding ---------------------------------------------------------------------

    def _vector(self, scores: dict[str, float]) -> np.ndarray:
        vector = np.zeros(len(self.taxonomy))
        for occ_id, score in scores.items():
            vector[self.taxonomy.position[occ_id]] = score
        return vector

    def code_job(self, job: JobRecord) -> dict[str, float]:
        """The job's 1-3 occupations with confidences (the strongest is 1)."""
        scores: dict[str, float] = {}
        parts = {"title": job.title, "skills": " ".join(job.skills), "description": job.description}
        for name, text in parts.items():
            for occ_id, score in self.coder.code(text, groups=False).scores.items():
                scores[occ_id] = max(scores.get(occ_id, 0.0), score * JOB_FIELD_WEIGHTS[name])
        best = max(scores.values(), default=0.0)
        top = sorted(scores.items(), key=lambda kv: -kv[1])[:MAX_OCCUPATIONS]
        return {occ_id: round(score / best, 3) for occ_id, score in top} if best else {}

    def code_profile(self, profile: ProfileRecord) -> tuple[dict[str, float], dict[str, float], dict[str, tuple[str, str]]]:
        """(wanted or done occupations, occupations turned down, evidence: occupation -> (want|done, words)).

        The wanted side holds the 1-3 occupations named outright, plus every member of a field named broadly.
        """
        want: Coding = self.coder.code(profile.desired)
        done: Coding = self.coder.code(profile.experience)
        scores = dict(want.scores)
        evidence = {occ_id: ("want", words) for occ_id, words in want.evidence.items()}
        for occ_id, score in done.scores.items():
            if score * EXPERIENCE_WEIGHT > scores.get(occ_id, 0.0):
                scores[occ_id] = score * EXPERIENCE_WEIGHT
            if occ_id in done.evidence and occ_id not in evidence:
                evidence[occ_id] = ("done", done.evidence[occ_id])
        negated = {**done.negated, **want.negated}
        for occ_id in negated:
            if occ_id not in want.scores:  # "不想再进厂了" outweighs what they did, not what they ask for
                scores.pop(occ_id, None)
        wanted = dict(sorted(scores.items(), key=lambda kv: -kv[1])[:MAX_OCCUPATIONS])
        for occ_id, score in {**done.group_scores, **want.group_scores}.items():
            if occ_id not in negated and score > wanted.get(occ_id, 0.0):
                wanted[occ_id] = score
        return wanted, negated, evidence

    # --- fitting -------------------------------------------------------------------------------

    def fit(self, jobs: Sequence[JobRecord], profiles: Sequence[ProfileRecord] = ()) -> Matcher:
        self.jobs = [completed_job(j) for j in jobs]
        self.profiles = [completed_profile(p) for p in profiles]
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
        self.employer_keys_ = [self._employer_key(j) for j in self.jobs]
        self.job_codes_ = [self.code_job(j) for j in self.jobs]
        self.job_occ_ = np.array([self._vector(c) for c in self.job_codes_]).reshape(len(self.jobs), len(self.taxonomy))
        self.profile_codes_ = [self.code_profile(p) for p in self.profiles]
        self.profile_occ_ = np.array([self._vector(c[0]) for c in self.profile_codes_]).reshape(len(self.profiles), len(self.taxonomy))
        self.profile_neg_ = np.array([self._vector(c[1]) for c in self.profile_codes_]).reshape(len(self.profiles), len(self.taxonomy))
        return self

    def _employer_key(self, job: JobRecord) -> str:
        key = employer_key(job.employer)
        return "" if self.gazetteer.knows(key) else key

    def _vectorise(self, texts: list[str]) -> sparse.csr_matrix:
        if not texts:
            return sparse.csr_matrix((0, len(self.vectorizer_.vocabulary_)))
        return self.vectorizer_.transform(texts)

    # --- ranking -------------------------------------------------------------------------------

    def jobs_for(self, profile: ProfileRecord, top: int = 10, candidates: Iterable[str] | None = None) -> list[Match]:
        """Jobs for one resident, best first; ineligible jobs (age, shift) come after every eligible one."""
        if not self.jobs:
            return []
        profile = completed_profile(profile)
        mask = self._mask(candidates, self.job_position_, len(self.jobs))
        feats, codes = self._job_features(profile, mask)
        text = profile_text(profile)
        pair = lambda i: (self.jobs[i], profile, text, self.job_codes_[i], codes)  # noqa: E731
        return self._ranked(feats, mask, top, pair)

    def design_for(self, profile: ProfileRecord) -> tuple[np.ndarray, np.ndarray]:
        """Model inputs for the profile against every job, and which pairs are eligible (for training)."""
        feats, _ = self._job_features(completed_profile(profile), np.ones(len(self.jobs), dtype=bool))
        return design_matrix(feats), np.broadcast_to(feats["shift_ok"] & feats["age_ok"], (len(self.jobs),))

    def _job_features(self, profile: ProfileRecord, mask: np.ndarray):
        sims = self._similarities(self.job_matrix_, profile_text(profile))
        feats = pair_features(ProfileTable.build([profile], self.gazetteer), 0, self.job_table_, slice(None))
        codes = self.code_profile(profile)
        wanted, negated, _ = codes
        p, q = self._vector(wanted), self._vector(negated)
        J = self.job_occ_
        text = profile_text(profile)
        feats.update(
            text=_relative(sims, mask),
            # "想回恒丰": the resident names the firm
            employer_named=np.array([bool(key) and key in text for key in self.employer_keys_], dtype=bool),
            occ_same=_overlap(J, p),
            occ_near=_overlap(J, _spread(self._neighbours, p)),
            occ_group=_overlap(J, _spread(self._groups, p)),
            occ_negated=_overlap(J, q),
        )
        return feats, codes

    def profiles_for(self, job: JobRecord, top: int = 10, candidates: Iterable[str] | None = None) -> list[Match]:
        """Residents for one vacancy, best first, eligible residents before ineligible ones."""
        if not self.profiles:
            return []
        job = completed_job(job)
        mask = self._mask(candidates, self.profile_position_, len(self.profiles))
        sims = self._similarities(self.profile_matrix_, job_text(job))
        feats = pair_features(self.profile_table_, slice(None), JobTable.build([job], self.gazetteer), 0)
        codes = self.code_job(job)
        j = self._vector(codes)
        P = self.profile_occ_
        key = self._employer_key(job)
        feats.update(
            text=_relative(sims, mask),
            employer_named=np.array([bool(key) and key in t for t in self.profile_texts_], dtype=bool),
            occ_same=_overlap(P, j),
            occ_near=_overlap(P, _spread(self._neighbours, j)),
            occ_group=_overlap(P, _spread(self._groups, j)),
            occ_negated=_overlap(self.profile_neg_, j),
        )
        pair = lambda i: (job, self.profiles[i], self.profile_texts_[i], codes, self.profile_codes_[i])  # noqa: E731
        return self._ranked(feats, mask, top, pair)

    def _similarities(self, matrix: sparse.csr_matrix, text: str) -> np.ndarray:
        return (matrix @ self._vectorise([text]).T).toarray().ravel()

    @staticmethod
    def _mask(candidates, positions: dict[str, int], n: int) -> np.ndarray:
        if candidates is None:
            return np.ones(n, dtype=bool)
        mask = np.zeros(n, dtype=bool)
        mask[[positions[c] for c in candidates if c in positions]] = True
        return mask

    def _ranked(self, feats: dict, mask: np.ndarray, top: int, pair) -> list[Match]:
        """Score every candidate, order eligible first then by score, and explain the top ones."""
        scores = self.model.score(design_matrix(feats))
        eligible = np.broadcast_to(feats["shift_ok"] & feats["age_ok"], scores.shape)
        candidates = np.flatnonzero(mask)
        # lexsort: the last key is primary; eligible first, then score, then position for a stable order.
        order = candidates[np.lexsort((candidates, -scores[candidates], ~eligible[candidates]))][:top]
        matches = []
        for i in order:
            job, profile, text, job_codes, profile_codes = pair(i)
            row = {k: (bool(v[i]) if v.dtype == bool else float(v[i])) for k, v in feats.items() if np.ndim(v)}
            reasons = explain(job, profile, row, text, self._occupation_reason(job, row, job_codes, profile_codes))
            matches.append(
                Match(
                    job_id=job.id,
                    profile_id=profile.id,
                    score=round(float(scores[i]), 4),
                    eligible=bool(eligible[i]),
                    reasons=reasons,
                    features=row,
                )
            )
        return matches

    def _occupation_reason(self, job: JobRecord, row: dict, job_codes: dict[str, float], profile_codes) -> str | None:
        wanted, negated, evidence = profile_codes
        occupations = self.taxonomy.occupations
        if row["occ_negated"] >= 0.5:
            turned_down = max((o for o in job_codes if o in negated), key=lambda o: negated[o], default=None)
            if turned_down:
                return f"您说过不想做{occupations[turned_down].name}"
        if row["occ_same"] >= 0.4:
            shared = max((o for o in job_codes if o in wanted), key=lambda o: min(wanted[o], job_codes[o]), default=None)
            if shared:
                name = occupations[shared].name
                if shared not in evidence:  # reached through a broad wish such as 想进厂
                    return f"{job.title}，新手也能做"
                return f"{'做过' if evidence[shared][0] == 'done' else '想做'}{name}，对口"
        if row["occ_near"] >= 0.4 and wanted:
            top_wanted = max(wanted, key=wanted.get)
            return f"和{occupations[top_wanted].name}相近，可作备选"
        return None


def rank(profile: ProfileRecord, jobs: Sequence[JobRecord], top: int = 10, **kwargs) -> list[Match]:
    """Jobs for one profile: the one-call interface of the matcher."""
    return Matcher(**kwargs).fit(jobs, [profile]).jobs_for(profile, top=top)
