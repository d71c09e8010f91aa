"""The matcher: fit on jobs and profiles, then rank jobs for a profile or profiles for a job."""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np
from scipy import sparse

from .explain import explain
from .features import (
    EXPERIENCED,
    SHIFT_CODES,
    JobTable,
    ProfileTable,
    barred_bits,
    completed_job,
    completed_profile,
    employer_key,
    job_demands,
    pair_features,
    profile_limits,
)
from .fit import FitScale
from .model import ScoreModel, default_model, design_matrix
from .occupations import Coding, OccupationCoder, Taxonomy
from .places import Gazetteer
from .postings import clean_title
from .records import JobRecord, Match, ProfileRecord
from .store import Columns, Growable, OccupationPostings, TextPostings
from .text import normalise
from .vectoriser import CharTfidf

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


def _relative(sims: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Similarity relative to the best candidate, so it sits on the same 0..1 scale as the other features."""
    best = sims[mask].max() if mask.any() else 0.0
    return sims / best if best > 0 else np.zeros_like(sims)


def _spread(links: sparse.csr_matrix, vector: np.ndarray) -> np.ndarray:
    """For each occupation, the strongest score among the occupations linked to it."""
    out = np.zeros_like(vector)
    for i in np.flatnonzero(vector):
        linked = links.indices[links.indptr[i] : links.indptr[i + 1]]
        out[linked] = np.maximum(out[linked], vector[i])
    return out


ProfileCoding = tuple[dict[str, float], dict[str, float], dict[str, tuple[str, str]]]
# Evidence kinds: asked for, done, or both (asked for and done: the reason says 想做, the resident is no newcomer to it).
_KINDS = {"want": 1, "done": 2, "both": 3}
_KIND_NAMES = {v: k for k, v in _KINDS.items()}
_KIND_BASE = 4
DONE_KINDS = ("done", "both")
FIT_CHUNK = 32_768  # rows transformed at once while fitting: bounds the memory a build needs
SCORE_CHUNK = 32_768  # pairs scored at once
PRUNE_FROM = 512  # below this many candidates, scoring them all is cheaper than deciding which to skip
# A vacancy that takes only the experienced, for a resident new to the work: one grade lower in the rubric, so its
# score is bent, not zeroed.
NEW_HAND_FACTOR = 0.75
VOCABULARY_SAMPLE = 60_000  # texts the TF-IDF vocabulary and IDF are learnt from
LEARNED_CODES = 2  # CSCO codes kept from the title coder


def code_job(coder: OccupationCoder, job: JobRecord) -> dict[str, float]:
    """The job's occupations with confidences: 1-3 named by aliases (the strongest is 1), then the CSCO codes the
    learned title coder gives its title, at their probabilities.

    The title is read without its firm, place, pay and perks ("青田母婴护理店招聘后厨" names 后厨, not 母婴护理).
    """
    scores: dict[str, float] = {}
    title = clean_title(job.title) or job.title
    parts = {"title": title, "skills": " ".join(job.skills), "description": job.description}
    for name, text in parts.items():
        for occ_id, score in coder.code(text, groups=False).scores.items():
            scores[occ_id] = max(scores.get(occ_id, 0.0), score * JOB_FIELD_WEIGHTS[name])
    best = max(scores.values(), default=0.0)
    top = sorted(scores.items(), key=lambda kv: -kv[1])[:MAX_OCCUPATIONS]
    coding = {occ_id: round(score / best, 3) for occ_id, score in top} if best else {}
    for code, probability in coder.code_title(job.title, LEARNED_CODES).items():
        if probability > coding.get(code, 0.0):
            coding[code] = probability
    return coding


def code_profile(coder: OccupationCoder, profile: ProfileRecord) -> ProfileCoding:
    """(wanted or done occupations, occupations turned down, evidence: occupation -> (want|done|both, words)).

    The wanted side holds the 1-3 occupations named outright, plus every member of a field named broadly, plus the
    CSCO codes the curated ones stand for (a job coded only by the classification matches them too).
    """
    want: Coding = coder.code(profile.desired)
    done: Coding = coder.code(profile.experience)
    scores = dict(want.scores)
    evidence = {occ_id: ("want", words) for occ_id, words in want.evidence.items()}
    for occ_id, score in done.scores.items():
        if score * EXPERIENCE_WEIGHT > scores.get(occ_id, 0.0):
            scores[occ_id] = score * EXPERIENCE_WEIGHT
        if occ_id in done.evidence:
            if occ_id not in evidence:
                evidence[occ_id] = ("done", done.evidence[occ_id])
            elif evidence[occ_id][0] == "want":  # asked for and done: the words asked for stay, for reasons
                evidence[occ_id] = ("both", evidence[occ_id][1])
    negated = {**done.negated, **want.negated}
    for occ_id in negated:
        if occ_id not in want.scores:  # "不想再进厂了" outweighs what they did, not what they ask for
            scores.pop(occ_id, None)
    wanted = dict(sorted(scores.items(), key=lambda kv: -kv[1])[:MAX_OCCUPATIONS])
    # Only occupations named outright stand for their codes: several curated occupations share one code, and 想进厂
    # (anyone can start 剪线头) must not reach 缝纫工, which shares its code. A field word has codes of its own.
    taxonomy = coder.taxonomy
    for code, score in taxonomy.implied(negated).items():
        negated[code] = max(negated.get(code, 0.0), score)
    for code, score in taxonomy.implied(wanted).items():
        if code not in negated and score > wanted.get(code, 0.0):
            wanted[code] = score
            source = max((o for o in wanted if code in taxonomy.codes_of.get(o, ())), key=wanted.get)
            if source in evidence:
                evidence[code] = evidence[source]
    for occ_id, score in {**done.group_scores, **want.group_scores}.items():
        if occ_id not in negated and score > wanted.get(occ_id, 0.0):
            wanted[occ_id] = score
    return wanted, negated, evidence


def done_codes(taxonomy: Taxonomy, evidence: dict[str, tuple[str, str]]) -> dict[str, float]:
    """The occupations the resident's words say they have done, with the CSCO codes those stand for."""
    done = {occ_id: 1.0 for occ_id, (kind, _) in evidence.items() if kind in DONE_KINDS}
    for code in taxonomy.implied(done):
        done[code] = 1.0
    return done


def coding_to_json(coding: dict[str, float] | ProfileCoding, version: str) -> dict:
    """A job's or a profile's coding as stored beside the record (the evidence words are not kept)."""
    if isinstance(coding, dict):
        return {"v": version, "occ": coding}
    wanted, negated, evidence = coding
    return {"v": version, "want": wanted, "neg": negated, "kind": {o: kind for o, (kind, _) in evidence.items()}}


def coding_from_json(data: dict | None, version: str):
    """The stored coding, or None when it is missing or was made by another taxonomy or coder."""
    if not data or data.get("v") != version:
        return None
    if "occ" in data:
        return dict(data["occ"])
    return dict(data["want"]), dict(data["neg"]), {o: (kind, "") for o, kind in data["kind"].items()}


class Matcher:
    """Scores job-profile pairs from text similarity, occupations, shift, age, distance, pay and openings.

    `fit` builds the index; `add_jobs`/`add_profiles`/`remove_job`/`remove_profile` keep it current without a
    refit (new text is read with the vocabulary learnt at fit time).
    """

    def __init__(
        self,
        model: ScoreModel | None = None,
        gazetteer: Gazetteer | None = None,
        taxonomy: Taxonomy | None = None,
        coder: OccupationCoder | None = None,
        vocabulary_sample: int = VOCABULARY_SAMPLE,
        keep_profiles: bool = True,
        fit_scale: FitScale | None = None,
    ):
        self.model = model or default_model()
        self.fit_scale = fit_scale or FitScale()
        self.gazetteer = gazetteer or Gazetteer.empty()
        self.taxonomy = taxonomy or (coder.taxonomy if coder else Taxonomy.empty())
        # The coder remembers clauses it has read; matchers of one process share it.
        self.coder = coder if coder is not None else OccupationCoder(self.taxonomy)
        self.vocabulary_sample = vocabulary_sample
        # A service holds its profiles in the database: it passes `records=` to profiles_for, and a city's 200,000
        # profiles cost the worker no memory for their words.
        self.keep_profiles = keep_profiles
        self._neighbours = self.taxonomy.neighbour_matrix()
        self._groups = self.taxonomy.group_matrix()

    # --- occupation coding ---------------------------------------------------------------------

    def _vector(self, scores: dict[str, float]) -> np.ndarray:
        vector = np.zeros(len(self.taxonomy))
        for occ_id, score in scores.items():
            if occ_id in self.taxonomy.position:
                vector[self.taxonomy.position[occ_id]] = score
        return vector

    def _columns(self, scores: dict[str, float]) -> dict[int, float]:
        return {self.taxonomy.position[o]: s for o, s in scores.items() if o in self.taxonomy.position}

    def code_job(self, job: JobRecord) -> dict[str, float]:
        return code_job(self.coder, job)

    def code_profile(self, profile: ProfileRecord) -> ProfileCoding:
        return code_profile(self.coder, profile)

    # --- building the index --------------------------------------------------------------------

    def fit(
        self,
        jobs: Sequence[JobRecord],
        profiles: Sequence[ProfileRecord] = (),
        job_codings: Sequence[dict[str, float] | None] | None = None,
        profile_codings: Sequence[ProfileCoding | None] | None = None,
    ) -> Matcher:
        """Learn the text vocabulary from the records and index them all. Codings, where given, skip the coder."""
        jobs = [completed_job(j) for j in jobs]
        profiles = [completed_profile(p) for p in profiles]
        sample = list(range(len(profiles)))
        if len(sample) > self.vocabulary_sample:  # a seeded sample keeps a city-sized fit in bounded memory
            sample = sorted(np.random.default_rng(0).choice(len(profiles), self.vocabulary_sample, replace=False))
        self.begin([job_text(j) for j in jobs] + [profile_text(profiles[i]) for i in sample])
        for start in range(0, max(len(jobs), 1), FIT_CHUNK):
            part = slice(start, start + FIT_CHUNK)
            self._add_jobs(jobs[part], job_codings[part] if job_codings is not None else None)
        for start in range(0, max(len(profiles), 1), FIT_CHUNK):
            part = slice(start, start + FIT_CHUNK)
            self._add_profiles(profiles[part], profile_codings[part] if profile_codings is not None else None)
        return self.trim()

    def begin(self, texts: Iterable[str]) -> Matcher:
        """Empty the index and learn the TF-IDF vocabulary from `texts`; then add records in batches.

        For an index built from a stream (a database): all vacancies' texts and a sample of profiles' are enough.
        """
        self.vectorizer_ = CharTfidf(ngram_range=(1, 3))
        # A placeholder document keeps the vocabulary non-empty when every text is blank.
        self.vectorizer_.fit([t for t in texts if t] or ["-"])
        n_terms = len(self.vectorizer_.vocabulary_)
        n_occ = len(self.taxonomy)
        self.job_records_: list[JobRecord | None] = []
        self.job_alive_ = Growable(bool)
        self.job_position_: dict[str, int] = {}
        self.job_table_ = Columns(JobTable.dtypes())
        self.job_text_ = TextPostings(n_terms)
        self.job_occ_ = OccupationPostings(n_occ)
        self.job_codes_: list[dict[str, float] | None] = []
        self.job_employer_ = Growable(np.int32)
        self._employer_code: dict[str, int] = {"": 0}  # a firm's two-character key -> its code
        self.profile_records_: list[ProfileRecord | None] = []
        self.profile_ids_: list[str] = []
        self.profile_alive_ = Growable(bool)
        self.profile_position_: dict[str, int] = {}
        self.profile_table_ = Columns(ProfileTable.dtypes())
        self.profile_text_ = TextPostings(n_terms)
        self.profile_want_ = OccupationPostings(n_occ)
        self.profile_neg_ = OccupationPostings(n_occ)
        # Per wanted occupation: its place in the wanted list and whether it was asked for or done, for reasons.
        self.profile_order_ = OccupationPostings(n_occ)
        # The occupations each resident's words say they have done (done_codes): a vacancy in none of them, nor
        # near one, is new to them.
        self.profile_done_ = OccupationPostings(n_occ)
        self.categories_: dict[str, dict[str, int]] = {"fair": {}, "town": {}}
        self.job_filters_ = Columns({"fair": np.int32, "town": np.int32})
        self.profile_filters_ = Columns({"fair": np.int32, "town": np.int32})
        return self

    def add_jobs(self, jobs: Sequence[JobRecord], codings: Sequence[dict[str, float] | None] | None = None) -> None:
        """Index new or changed vacancies; a changed one replaces its earlier row."""
        self._add_jobs([completed_job(j) for j in jobs], codings)

    def add_profiles(self, profiles: Sequence[ProfileRecord], codings: Sequence[ProfileCoding | None] | None = None) -> None:
        """Index new or changed profiles; a changed one replaces its earlier row."""
        self._add_profiles([completed_profile(p) for p in profiles], codings)

    @property
    def job_count(self) -> int:
        """How many vacancies the index holds now."""
        return len(self.job_position_)

    @property
    def profile_count(self) -> int:
        """How many profiles the index holds now."""
        return len(self.profile_position_)

    def remove_job(self, job_id: str) -> bool:
        return self._remove(str(job_id), self.job_position_, self.job_alive_, self.job_records_)

    def remove_profile(self, profile_id: str) -> bool:
        return self._remove(str(profile_id), self.profile_position_, self.profile_alive_, self.profile_records_)

    @staticmethod
    def _remove(record_id: str, positions: dict, alive: Growable, records: list) -> bool:
        row = positions.pop(record_id, None)
        if row is None:
            return False
        alive.view[row] = False
        records[row] = None  # the row stays, the record's memory goes
        return True

    def trim(self) -> Matcher:
        """Give back the spare room the stores grew into while building: call when a build is complete."""
        for name, value in vars(self).items():
            if hasattr(value, "trim") and name.endswith("_"):
                value.trim()
        return self

    def _category(self, field: str, value) -> int:
        if value is None or value == "":
            return -1
        return self.categories_[field].setdefault(str(value), len(self.categories_[field]))

    def _append_rows(self, records: list, remove, text_of, table_cls, texts: TextPostings, table: Columns, filters: Columns):
        """What adding vacancies and adding profiles share: replace earlier rows, then text, fields and filters."""
        for record in records:
            remove(record.id)
        texts.extend(self._vectorise([text_of(r) for r in records]))
        table.extend(vars(table_cls.build(records, self.gazetteer)))
        filters.extend(
            {"fair": [self._category("fair", r.fair) for r in records], "town": [self._category("town", r.town) for r in records]}
        )

    def _add_jobs(self, jobs: list[JobRecord], codings) -> None:
        if not jobs:
            return
        first = len(self.job_records_)
        self._append_rows(jobs, self.remove_job, job_text, JobTable, self.job_text_, self.job_table_, self.job_filters_)
        employer, occupations = [], []
        for row, job in enumerate(jobs, start=first):
            coding = codings[row - first] if codings is not None and codings[row - first] is not None else self.code_job(job)
            occupations.append(self._columns(coding))
            self.job_codes_.append(coding)
            key = self._employer_key(job)
            employer.append(self._employer_code.setdefault(key, len(self._employer_code)))
            self.job_position_[job.id] = row
        self.job_occ_.extend(first, occupations)
        self.job_employer_.extend(employer)
        self.job_records_.extend(jobs)
        self.job_alive_.extend(np.ones(len(jobs), dtype=bool))

    def _add_profiles(self, profiles: list[ProfileRecord], codings) -> None:
        if not profiles:
            return
        first = len(self.profile_records_)
        self._append_rows(
            profiles, self.remove_profile, profile_text, ProfileTable, self.profile_text_, self.profile_table_, self.profile_filters_
        )
        wants, negs, orders, dones = [], [], [], []
        for row, profile in enumerate(profiles, start=first):
            coding = codings[row - first] if codings is not None and codings[row - first] is not None else self.code_profile(profile)
            wanted, negated, evidence = coding
            wants.append(self._columns(wanted))
            negs.append(self._columns(negated))
            order = {o: 1 + _KIND_BASE * rank + _KINDS.get(evidence.get(o, ("",))[0], 0) for rank, o in enumerate(wanted)}
            orders.append(self._columns(order))
            dones.append(self._columns(done_codes(self.taxonomy, evidence)))
            self.profile_position_[profile.id] = row
        self.profile_want_.extend(first, wants)
        self.profile_neg_.extend(first, negs)
        self.profile_order_.extend(first, orders)
        self.profile_done_.extend(first, dones)
        self.profile_records_.extend(profiles if self.keep_profiles else [None] * len(profiles))
        self.profile_ids_.extend(p.id for p in profiles)
        self.profile_alive_.extend(np.ones(len(profiles), dtype=bool))

    def _profile_coding(self, row: int) -> ProfileCoding:
        ids = self.taxonomy.ids
        scores = self.profile_want_.row(row)
        order = sorted(self.profile_order_.row(row).items(), key=lambda cv: cv[1])
        wanted = {ids[c]: scores[c] for c, _ in order if c in scores}
        negated = {ids[c]: v for c, v in self.profile_neg_.row(row).items()}
        evidence = {ids[c]: (_KIND_NAMES[int(v - 1) % _KIND_BASE], "") for c, v in order if int(v - 1) % _KIND_BASE}
        return wanted, negated, evidence

    @property
    def jobs(self) -> list[JobRecord]:
        """The indexed vacancies, in row order."""
        return [j for j in self.job_records_ if j is not None]

    @property
    def profiles(self) -> list[ProfileRecord]:
        return [p for p in self.profile_records_ if p is not None]

    def _employer_key(self, job: JobRecord) -> str:
        key = employer_key(job.employer)
        return "" if self.gazetteer.knows(key) else key

    def _vectorise(self, texts: list[str]) -> sparse.csr_matrix:
        if not texts:
            return sparse.csr_matrix((0, len(self.vectorizer_.vocabulary_)), dtype=np.float32)
        return self.vectorizer_.transform(texts)

    def _mask(self, candidates, positions: dict[str, int], alive: Growable, filters: Columns, **where) -> np.ndarray:
        mask = alive.view.copy()
        if candidates is not None:
            chosen = np.zeros(len(mask), dtype=bool)
            chosen[[positions[c] for c in map(str, candidates) if c in positions]] = True
            mask &= chosen
        for field, value in where.items():
            if value is not None and value != "":
                code = self.categories_[field].get(str(value))
                mask &= getattr(filters, field) == (-2 if code is None else code)
        return mask

    # --- ranking -------------------------------------------------------------------------------

    def jobs_for(
        self,
        profile: ProfileRecord,
        top: int = 10,
        candidates: Iterable[str] | None = None,
        coding: ProfileCoding | None = None,
        fair=None,
        town=None,
        shift: str | None = None,
        ruled_out: bool = False,
    ) -> list[Match]:
        """Jobs for one resident, best first; ineligible jobs (age, shift) come after every eligible one.

        `candidates` (job ids), `fair`, `town` and `shift` narrow the jobs considered; `coding` skips the coder.
        `ruled_out` keeps only the jobs a demand the resident said they cannot meet rules out (best first by score):
        what a counsellor names, with the reason, instead of offering.
        """
        if not self.job_position_:
            return []
        profile = completed_profile(profile)
        mask = self._mask(candidates, self.job_position_, self.job_alive_, self.job_filters_, fair=fair, town=town)
        if shift:
            mask &= self.job_table_.shift == SHIFT_CODES.get(shift, -1)
        if ruled_out:
            mask &= (self.job_table_.demands & barred_bits(profile_limits(profile))) != 0
        codes = coding or self.code_profile(profile)
        signals = self._job_signals(profile, codes, mask)
        context = self._job_context(profile)
        text = profile_text(profile)
        pair = lambda i: (self.job_records_[i], profile, text, self.job_codes_[i], codes)  # noqa: E731
        return self._best(np.flatnonzero(mask), signals, context, top, pair)

    def design_for(self, profile: ProfileRecord) -> tuple[np.ndarray, np.ndarray]:
        """Model inputs for the profile against every indexed job, and which pairs are eligible (for training)."""
        profile = completed_profile(profile)
        alive = self.job_alive_.view.copy()
        rows = np.flatnonzero(alive)
        signals = self._job_signals(profile, self.code_profile(profile), alive)
        feats = {**self._job_context(profile)(rows), **{k: v[rows] for k, v in signals.items()}}
        return design_matrix(feats), np.broadcast_to(eligible_pairs(feats), rows.shape)

    def _job_context(self, profile: ProfileRecord):
        """Shift, age, pay and distance features of the profile against the given job rows."""
        table = ProfileTable.build([profile], self.gazetteer)
        return lambda rows: pair_features(table, 0, self.job_table_, rows)

    def _job_signals(self, profile: ProfileRecord, codes: ProfileCoding, mask: np.ndarray) -> dict[str, np.ndarray]:
        """Text and occupation features of the profile against every job row (cheap: postings only)."""
        text = profile_text(profile)
        sims = self.job_text_.scores(self._vectorise([text]))
        wanted, negated, evidence = codes
        # "想回恒丰": the resident names the firm
        # A firm's key is two characters, so the text names it when one of the text's character pairs is a key:
        # a look-up per pair rather than a scan of every firm.
        named = np.zeros(len(self._employer_code), dtype=bool)
        codes = self._employer_code
        named[[codes[pair] for pair in {text[i : i + 2] for i in range(len(text) - 1)} if pair in codes]] = True
        named[0] = False  # code 0 is "no distinctive name"
        n = len(mask)
        occupations = self._occupation_signals(self.job_occ_, self.job_occ_, self._vector(wanted), self._vector(negated), n)
        done = self._vector(done_codes(self.taxonomy, evidence))
        if done.any():
            new_to_occ = self.job_table_.experienced & (self.job_occ_.counts > 0) & ~self._near(self.job_occ_, done, n)
        else:  # nothing said about what they have done: not new to anything
            new_to_occ = np.zeros(n, dtype=bool)
        return {"text": _relative(sims, mask), "employer_named": named[self.job_employer_.view], **occupations,
                "new_to_occ": new_to_occ}

    def _near(self, stored: OccupationPostings, occupations: np.ndarray, n: int) -> np.ndarray:
        """Rows naming one of `occupations` or a neighbour of one (links are symmetric, so either side may be stored)."""
        named = (occupations > 0).astype(float)
        return stored.overlap(np.maximum(named, _spread(self._neighbours, named)), n) > 0

    def _occupation_signals(self, stored, stored_negated, wanted: np.ndarray, negated: np.ndarray, n: int) -> dict:
        """How strongly each row and the other side name the same, a neighbouring or a same-field occupation, and
        one the resident turned down: a job's occupations against the resident's turn-downs, or each resident's
        turn-downs (`stored_negated`) against the job's occupations."""
        return {
            "occ_same": stored.overlap(wanted, n),
            "occ_near": stored.overlap(_spread(self._neighbours, wanted), n),
            "occ_group": stored.overlap(_spread(self._groups, wanted), n),
            "occ_negated": stored_negated.overlap(negated, n),
        }

    def profiles_for(
        self, job: JobRecord, top: int = 10, candidates: Iterable[str] | None = None, coding: dict[str, float] | None = None,
        fair=None, town=None, records: Callable[[list[str]], dict[str, ProfileRecord]] | None = None,
    ) -> list[Match]:
        """Residents for one vacancy, best first, eligible residents before ineligible ones.

        `records(ids)` supplies the chosen residents' records when the index does not keep them (keep_profiles=False).
        """
        if not self.profile_position_:
            return []
        job = completed_job(job)
        mask = self._mask(candidates, self.profile_position_, self.profile_alive_, self.profile_filters_, fair=fair, town=town)
        sims = self.profile_text_.scores(self._vectorise([job_text(job)]))
        table = JobTable.build([job], self.gazetteer)
        codes = coding if coding is not None else self.code_job(job)
        j = self._vector(codes)
        n = len(mask)
        key = self._employer_key(job)
        term = self.vectorizer_.vocabulary_.get(key) if key else None
        if table.experienced[0] and j.any():
            new_to_occ = (self.profile_done_.counts > 0) & ~self._near(self.profile_done_, j, n)
        else:
            new_to_occ = np.zeros(n, dtype=bool)
        signals = {
            "text": _relative(sims, mask),
            "employer_named": self.profile_text_.has_term(term) if term is not None else np.zeros(n, dtype=bool),
            **self._occupation_signals(self.profile_want_, self.profile_neg_, j, j, n),
            "new_to_occ": new_to_occ,
        }
        found: dict[str, ProfileRecord] = {}

        def prefetch(rows: np.ndarray) -> None:
            missing = [self.profile_ids_[i] for i in rows if self.profile_records_[i] is None]
            if missing:
                if records is None:
                    raise ValueError("this index keeps no profile records: pass records=")
                found.update(records(missing))

        def pair(i):
            profile = self.profile_records_[i] or found.get(self.profile_ids_[i])
            if profile is None:  # gone from the store since the index last looked
                return None
            return job, profile, profile_text(profile), codes, self._profile_coding(i)

        context = lambda rows: pair_features(self.profile_table_, rows, table, 0)  # noqa: E731
        return self._best(np.flatnonzero(mask), signals, context, top, pair, prefetch)

    def _scored(self, rows: np.ndarray, signals: dict, context) -> tuple[dict, np.ndarray, np.ndarray]:
        """Features, scores and eligibility of the given rows, in slices (a city's design matrix is 25 MB)."""
        feats = {**context(rows), **signals}
        scores = np.empty(len(rows))
        for start in range(0, len(rows), SCORE_CHUNK):
            part = {k: v[start : start + SCORE_CHUNK] for k, v in feats.items()}
            scores[start : start + SCORE_CHUNK] = self.model.score(design_matrix(part))
        # Only the experienced, and the resident says they are new to it, or their words say they have done other
        # work and none of it is this vacancy's occupation or near it: it counts against, it does not exclude.
        scores *= np.where(feats["new_hand"] | feats["new_to_occ"], NEW_HAND_FACTOR, 1.0)
        return feats, scores, eligible_pairs(feats)

    @staticmethod
    def _order(rows: np.ndarray, scores: np.ndarray, eligible: np.ndarray, top: int) -> np.ndarray:
        """Positions of the best `top`: eligible first, then by score, then by row for a stable order."""
        key = scores + 2.0 * eligible  # scores lie in [0, 1]
        positions = np.arange(len(rows))
        if len(rows) > top:
            # Keep every candidate tied with the top-th, so the order below is the same as sorting them all.
            threshold = np.partition(key, len(key) - top)[len(key) - top]
            positions = np.flatnonzero(key >= threshold)
        # lexsort: the last key is primary.
        return positions[np.lexsort((rows[positions], -key[positions]))][:top]

    def _best(self, rows: np.ndarray, signals: dict, context, top: int, pair, prefetch=None) -> list[Match]:
        """The top matches among `rows`, explained. Exact, but rows that provably cannot place are not scored.

        Rows that share an occupation or name the firm are scored first. Each other row gets an upper bound from
        its text and occupation-neighbour signals (ScoreModel.bounds); only those whose bound reaches the list the
        first ones make are scored too.
        """
        if not len(rows) or top <= 0:
            return []
        signals = {k: v[rows] for k, v in signals.items()}
        chosen = None
        if len(rows) > PRUNE_FROM:
            first = np.flatnonzero(signals["employer_named"] | (signals["occ_same"] > 0))
            feats, scores, eligible = self._scored(rows[first], {k: v[first] for k, v in signals.items()}, context)
            ranked = np.sort(scores[eligible])[::-1]
            if len(ranked) >= top:  # else nothing can be ruled out
                rest = np.setdiff1d(np.arange(len(rows)), first, assume_unique=True)
                bounds = self.model.bounds(signals["text"][rest], signals["occ_near"][rest], signals["occ_group"][rest])
                extra = rest[bounds >= ranked[top - 1]]
                more, more_scores, more_eligible = self._scored(rows[extra], {k: v[extra] for k, v in signals.items()}, context)
                both = np.concatenate([first, extra])
                feats = {k: np.concatenate([np.asarray(feats[k]), np.asarray(more[k])]) for k in feats}
                scores, eligible = np.concatenate([scores, more_scores]), np.concatenate([eligible, more_eligible])
                chosen = (rows[both], feats, scores, eligible)
        if chosen is None:
            chosen = (rows, *self._scored(rows, signals, context))
        rows, feats, scores, eligible = chosen
        order = self._order(rows, scores, eligible, top)
        if prefetch is not None:
            prefetch(rows[order])
        matches = []
        for at in order:
            paired = pair(rows[at])
            if paired is None:
                continue
            job, profile, text, job_codes, profile_codes = paired
            row = {k: (bool(v[at]) if v.dtype == bool else float(v[at])) for k, v in feats.items() if np.ndim(v)}
            reasons = explain(job, profile, row, text, self._occupation_reason(job, row, job_codes, profile_codes))
            matches.append(
                Match(
                    job_id=job.id,
                    profile_id=profile.id,
                    score=round(float(scores[at]), 4),
                    eligible=bool(eligible[at]),
                    reasons=reasons,
                    features=row,
                    fit=self.fit_scale.label(float(scores[at]), bool(eligible[at])),
                )
            )
        return matches

    def _occupation_name(self, occ_id: str, scores: dict[str, float]) -> str:
        """A code the resident reached through a curated occupation is named as they would name it (货车司机, not
        道路货运汽车驾驶员)."""
        codes_of = self.taxonomy.codes_of
        sources = [o for o in scores if occ_id in codes_of.get(o, ())]
        return self.taxonomy.occupations[max(sources, key=scores.get) if sources else occ_id].name

    def _occupation_reason(self, job: JobRecord, row: dict, job_codes: dict[str, float], profile_codes) -> str | None:
        wanted, negated, evidence = profile_codes
        if row["occ_negated"] >= 0.5:
            turned_down = max((o for o in job_codes if o in negated), key=lambda o: negated[o], default=None)
            if turned_down:
                return f"您说过不想做{self._occupation_name(turned_down, negated)}"
        if row["occ_same"] >= 0.4:
            shared = max((o for o in job_codes if o in wanted), key=lambda o: min(wanted[o], job_codes[o]), default=None)
            if shared:
                if shared not in evidence:  # reached through a broad wish such as 想进厂
                    title = clean_title(job.title) or job.title
                    # Only true of a vacancy that does not ask for experience.
                    return f"{title}，要有经验" if EXPERIENCED in job_demands(job).required else f"{title}，新手也能做"
                name = self._occupation_name(shared, wanted)
                return f"{'做过' if evidence[shared][0] == 'done' else '想做'}{name}，对口"
        if row["occ_near"] >= 0.4 and wanted:
            curated = [o for o in wanted if o in self.taxonomy.codes_of] or list(wanted)
            return f"和{self._occupation_name(max(curated, key=wanted.get), wanted)}相近，可作备选"
        return None


def eligible_pairs(feats: dict) -> np.ndarray:
    """Pairs no hard limit breaks: the shift, the age, and every demand the resident said they cannot meet."""
    return np.asarray(feats["shift_ok"] & feats["age_ok"] & feats["demand_ok"], dtype=bool)


_FORKED: dict = {}


def _forked_span(span: tuple[int, int]) -> list:
    fn = _FORKED["fn"]
    return [fn(i) for i in range(*span)]


def fork_map(fn, n: int, processes: int | None = None, chunk: int = 64) -> Iterator[list]:
    """Chunks of [fn(i) for i in range(n)], in order, computed in forked processes that inherit what fn uses.

    For batch commands on a multi-core machine; without fork (or with one core) it runs here.
    """
    processes = processes or os.cpu_count() or 1
    spans = [(start, min(n, start + chunk)) for start in range(0, n, chunk)]
    if processes <= 1 or len(spans) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for span in spans:
            yield [fn(i) for i in range(*span)]
        return
    _FORKED["fn"] = fn
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            yield from pool.imap(_forked_span, spans)
    finally:
        _FORKED.clear()


def rank(profile: ProfileRecord, jobs: Sequence[JobRecord], top: int = 10, **kwargs) -> list[Match]:
    """Jobs for one profile: the one-call interface of the matcher."""
    return Matcher(**kwargs).fit(jobs, [profile]).jobs_for(profile, top=top)
