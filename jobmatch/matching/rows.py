"""The matcher's index: a row per vacancy and per profile, with its text and occupation postings, its fields and
its filters; built by `fit`, kept current by adding and removing records without a refit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Self

import numpy as np
from scipy import sparse

from .coding import ProfileCoding, code_job, code_profile, done_codes, job_text, profile_text
from .features import JobTable, ProfileTable, completed_job, completed_profile, employer_key
from .occupations import OccupationCoder
from .places import Gazetteer
from .records import JobRecord, ProfileRecord
from .store import Columns, Growable, OccupationPostings, TextPostings
from .taxonomy import Taxonomy
from .vectoriser import CharTfidf

FIT_CHUNK = 32_768  # rows transformed at once while fitting: bounds the memory a build needs
VOCABULARY_SAMPLE = 60_000  # texts the TF-IDF vocabulary and IDF are learnt from
# A profile's wanted occupations are stored as one number each: 1 + _KIND_BASE * its place in the list + its kind.
_KINDS = {"want": 1, "done": 2, "both": 3}
_KIND_NAMES = {v: k for k, v in _KINDS.items()}
_KIND_BASE = 4


class Rows:
    """The indexed vacancies and profiles, one row each; the Matcher ranks them.

    `fit` builds the rows; `add_jobs`/`add_profiles`/`remove_job`/`remove_profile` keep them current without a
    refit (new text is read with the vocabulary learnt at fit time).
    """

    def __init__(
        self,
        gazetteer: Gazetteer | None,
        taxonomy: Taxonomy | None,
        coder: OccupationCoder | None,
        vocabulary_sample: int,
        keep_profiles: bool,
    ):
        self.gazetteer = gazetteer or Gazetteer.empty()
        self.taxonomy = taxonomy or (coder.taxonomy if coder else Taxonomy.empty())
        # The coder remembers clauses it has read; matchers of one process share it.
        self.coder = coder if coder is not None else OccupationCoder(self.taxonomy)
        self.vocabulary_sample = vocabulary_sample
        # A service holds its profiles in the database: it passes `records=` to profiles_for, and a city's 200,000
        # profiles cost the worker no memory for their words.
        self.keep_profiles = keep_profiles

    def _columns(self, scores: Mapping[str, float]) -> dict[int, float]:
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
    ) -> Self:
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

    def begin(self, texts: Iterable[str]) -> Self:
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

    def add_profiles(
        self, profiles: Sequence[ProfileRecord], codings: Sequence[ProfileCoding | None] | None = None
    ) -> None:
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

    def trim(self) -> Self:
        """Give back the spare room the stores grew into while building: call when a build is complete."""
        for name, value in vars(self).items():
            if hasattr(value, "trim") and name.endswith("_"):
                value.trim()
        return self

    def _category(self, field: str, value) -> int:
        if value is None or value == "":
            return -1
        return self.categories_[field].setdefault(str(value), len(self.categories_[field]))

    def _append_rows(
        self, records: list, remove, text_of, table_cls, texts: TextPostings, table: Columns, filters: Columns
    ):
        """What adding vacancies and adding profiles share: replace earlier rows, then text, fields and filters."""
        for record in records:
            remove(record.id)
        texts.extend(self._vectorise([text_of(r) for r in records]))
        table.extend(vars(table_cls.build(records, self.gazetteer)))
        filters.extend(
            {
                "fair": [self._category("fair", r.fair) for r in records],
                "town": [self._category("town", r.town) for r in records],
            }
        )

    def _add_jobs(self, jobs: list[JobRecord], codings) -> None:
        if not jobs:
            return
        first = len(self.job_records_)
        self._append_rows(jobs, self.remove_job, job_text, JobTable, self.job_text_, self.job_table_, self.job_filters_)
        employer, occupations = [], []
        for row, job in enumerate(jobs, start=first):
            coding = (
                codings[row - first] if codings is not None and codings[row - first] is not None else self.code_job(job)
            )
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
            profiles,
            self.remove_profile,
            profile_text,
            ProfileTable,
            self.profile_text_,
            self.profile_table_,
            self.profile_filters_,
        )
        wants, negs, orders, dones = [], [], [], []
        for row, profile in enumerate(profiles, start=first):
            coding = (
                codings[row - first]
                if codings is not None and codings[row - first] is not None
                else self.code_profile(profile)
            )
            wanted, negated, evidence = coding
            wants.append(self._columns(wanted))
            negs.append(self._columns(negated))
            order = {
                o: 1 + _KIND_BASE * rank + _KINDS.get(evidence.get(o, ("",))[0], 0) for rank, o in enumerate(wanted)
            }
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
