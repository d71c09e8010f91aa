"""The matcher: rank jobs for a profile or profiles for a job, over the rows of its index (rows.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

# Re-exported: the services, the command line, bench/ and the tests import these from here.
from .coding import (  # noqa: F401
    ProfileCoding,
    code_job,
    code_profile,
    coding_from_json,
    coding_to_json,
    done_codes,
    job_text,
    profile_text,
)
from .explain import explain
from .features import (
    EXPERIENCED,
    SHIFT_CODES,
    JobTable,
    ProfileTable,
    barred_bits,
    completed_job,
    completed_profile,
    eligible_pairs,
    job_demands,
    pair_features,
    profile_limits,
    relative_to_best,
    spread,
)
from .fit import FitScale
from .model import ScoreModel, default_model, design_matrix
from .occupations import OccupationCoder
from .parallel import fork_map  # noqa: F401
from .places import Gazetteer
from .postings import clean_title
from .records import JobRecord, Match, ProfileRecord
from .rows import (
    FIT_CHUNK,  # noqa: F401
    VOCABULARY_SAMPLE,
    Rows,
)
from .store import OccupationPostings
from .taxonomy import Taxonomy
from .wording import Reason, naming_the_resident, plain

SCORE_CHUNK = 32_768  # pairs scored at once
PRUNE_FROM = 512  # below this many candidates, scoring them all is cheaper than deciding which to skip
# A vacancy that takes only the experienced, for a resident new to the work: one grade lower in the rubric, so its
# score is bent, not zeroed.
NEW_HAND_FACTOR = 0.75


class Matcher(Rows):
    """Scores job-profile pairs from text similarity, occupations, shift, age, distance, pay and openings.

    `fit` builds the index; `add_jobs`/`add_profiles`/`remove_job`/`remove_profile` keep it current without a
    refit (new text is read with the vocabulary learnt at fit time). The index itself is `Rows`.
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
        super().__init__(gazetteer, taxonomy, coder, vocabulary_sample, keep_profiles)
        self._neighbours = self.taxonomy.neighbour_matrix()
        self._groups = self.taxonomy.group_matrix()

    def _vector(self, scores: dict[str, float]) -> np.ndarray:
        vector = np.zeros(len(self.taxonomy))
        for occ_id, score in scores.items():
            if occ_id in self.taxonomy.position:
                vector[self.taxonomy.position[occ_id]] = score
        return vector

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
        firms = self._employer_code
        named[[firms[pair] for pair in {text[i : i + 2] for i in range(len(text) - 1)} if pair in firms]] = True
        named[0] = False  # code 0 is "no distinctive name"
        n = len(mask)
        occupations = self._occupation_signals(
            self.job_occ_, self.job_occ_, self._vector(wanted), self._vector(negated), n
        )
        done = self._vector(done_codes(self.taxonomy, evidence))
        if done.any():
            new_to_occ = self.job_table_.experienced & (self.job_occ_.counts > 0) & ~self._near(self.job_occ_, done, n)
        else:  # nothing said about what they have done: not new to anything
            new_to_occ = np.zeros(n, dtype=bool)
        return {
            "text": relative_to_best(sims, mask),
            "employer_named": named[self.job_employer_.view],
            **occupations,
            "new_to_occ": new_to_occ,
        }

    def _near(self, stored: OccupationPostings, occupations: np.ndarray, n: int) -> np.ndarray:
        """Rows naming one of `occupations` or a neighbour of one (links are symmetric, so either side may be
        stored)."""
        named = (occupations > 0).astype(float)
        return stored.overlap(np.maximum(named, spread(self._neighbours, named)), n) > 0

    def _occupation_signals(self, stored, stored_negated, wanted: np.ndarray, negated: np.ndarray, n: int) -> dict:
        """How strongly each row and the other side name the same, a neighbouring or a same-field occupation, and
        one the resident turned down: a job's occupations against the resident's turn-downs, or each resident's
        turn-downs (`stored_negated`) against the job's occupations."""
        return {
            "occ_same": stored.overlap(wanted, n),
            "occ_near": stored.overlap(spread(self._neighbours, wanted), n),
            "occ_group": stored.overlap(spread(self._groups, wanted), n),
            "occ_negated": stored_negated.overlap(negated, n),
        }

    def profiles_for(
        self,
        job: JobRecord,
        top: int = 10,
        candidates: Iterable[str] | None = None,
        coding: dict[str, float] | None = None,
        fair=None,
        town=None,
        records: Callable[[list[str]], dict[str, ProfileRecord]] | None = None,
    ) -> list[Match]:
        """Residents for one vacancy, best first, eligible residents before ineligible ones.

        `records(ids)` supplies the chosen residents' records when the index does not keep them (keep_profiles=False).
        """
        if not self.profile_position_:
            return []
        job = completed_job(job)
        mask = self._mask(
            candidates, self.profile_position_, self.profile_alive_, self.profile_filters_, fair=fair, town=town
        )
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
            "text": relative_to_best(sims, mask),
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
                more, more_scores, more_eligible = self._scored(
                    rows[extra], {k: v[extra] for k, v in signals.items()}, context
                )
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
                    reasons=[reason.to_resident for reason in reasons],
                    reasons_for_staff=[reason.about_resident for reason in reasons],
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
        return self.taxonomy.occupations[max(sources, key=scores.__getitem__) if sources else occ_id].name

    def _occupation_reason(
        self, job: JobRecord, row: dict, job_codes: dict[str, float], profile_codes
    ) -> Reason | None:
        wanted, negated, evidence = profile_codes
        if row["occ_negated"] >= 0.5:
            turned_down = max((o for o in job_codes if o in negated), key=lambda o: negated[o], default=None)
            if turned_down:
                name = self._occupation_name(turned_down, negated)
                return naming_the_resident(lambda who: f"{who}说过不想做{name}")
        if row["occ_same"] >= 0.4:
            shared = max(
                (o for o in job_codes if o in wanted), key=lambda o: min(wanted[o], job_codes[o]), default=None
            )
            if shared:
                if shared not in evidence:  # reached through a broad wish such as 想进厂
                    title = clean_title(job.title) or job.title
                    # Only true of a vacancy that does not ask for experience.
                    return plain(
                        f"{title}，要有经验" if EXPERIENCED in job_demands(job).required else f"{title}，新手也能做"
                    )
                name = self._occupation_name(shared, wanted)
                return plain(f"{'做过' if evidence[shared][0] == 'done' else '想做'}{name}，对口")
        if row["occ_near"] >= 0.4 and wanted:
            curated = [o for o in wanted if o in self.taxonomy.codes_of] or list(wanted)
            return plain(f"和{self._occupation_name(max(curated, key=wanted.get), wanted)}相近，可作备选")
        return None


def rank(profile: ProfileRecord, jobs: Sequence[JobRecord], top: int = 10, **kwargs) -> list[Match]:
    """Jobs for one profile: the one-call interface of the matcher."""
    return Matcher(**kwargs).fit(jobs, [profile]).jobs_for(profile, top=top)
