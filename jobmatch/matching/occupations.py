"""The occupation coder: from free text to the occupations of a taxonomy (taxonomy.py).

Text is coded by exact alias hits, by pinyin (so the homophone typos 逢纫, 茶车, 住塑 still resolve) and by fuzzy
matching of longer aliases. A hit preceded by 不想/不要/不能 ... or followed by 不想干了/干不动了 is negated: it lowers
that occupation (or that whole group: 不想再进厂了) instead of raising it.

Beside the curated occupations, every code of the national classification (CSCO 2022) is an occupation too, named by
its code: its names and aliases are matched exactly (报关员, 礼宾员), and a job title nobody's alias names is coded by
the learned title coder (csco.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import numpy as np

from .csco import TitleCoder, coder_text
from .lexicon import Lexicon
from .postings import clean_title
from .taxonomy import Taxonomy
from .text import normalise

EXACT, GAPPED, PINYIN, FUZZY = 1.0, 0.9, 0.85, 0.6
CODER_VERSION = 4  # bump when the coding rules change, so stored codings are redone
# Verbs of two-character verb-object aliases that residents split: 踩了十几年车, 打过包, 看了几年门.
_SPLITTABLE_VERBS = set("踩开烧洗打看采扫搬修切做种养带喂")
# What may stand between them: aspect markers and durations, nothing else.
_GAP = "[了过着几十百一二三四五六七八九两多年个月天辈子些的点好久0-9]{1,6}?"
TASK_WEIGHT = 0.7
GROUP_WEIGHT = 0.5
MEMO_SIZE = 200_000  # clauses
# Where a clause ends: the negation patterns below never cross these either.
_CLAUSES = re.compile(r"[,，。;；!！?？]+")
_NEGATION_BEFORE = re.compile(
    r"(不想|不要|不愿意?|不能|不再|不干|不做|不会|别(?![的人处])|干不了|做不了|不适合|受不了|没法|不去)[^，。,.;；!！?？、]{0,5}$"
)
# 缝纫机我踩不来, 工地干不动了, 服务员不想干了
_NEGATION_AFTER = re.compile(
    r"^[^，。,.;；!！?？]{0,3}(不想[踩干做开弄搞碰再]|不[干做踩开]了|[干做踩]不动|[干做踩]够了|太累|不行了|吃不消|[踩干做开]不来|[踩干做开]不了)"
)


@dataclass
class Coding:
    """Occupations found in a text: positive scores for what is wanted or done, the negated ones apart."""

    scores: dict[str, float] = field(default_factory=dict)
    # every member of a field the text names broadly (进厂, 农活), at GROUP_WEIGHT
    group_scores: dict[str, float] = field(default_factory=dict)
    negated: dict[str, float] = field(default_factory=dict)
    # occupation id -> the resident's own words that named it, for reasons
    evidence: dict[str, str] = field(default_factory=dict)

    def top(self, k: int = 3) -> list[tuple[str, float]]:
        return sorted(self.scores.items(), key=lambda kv: -kv[1])[:k]


def _plausible_typo(lexicon: Lexicon, text: str, start: int, end: int, term: str) -> bool:
    """A same-sound span is a typing error only if it keeps a character of the term, is not a real word
    and does not cut through one: 逢纫 stands for 缝纫, but 倒班 (a word) is not 道班, 上门为 holds no 门卫
    and 踩不来 holds no 裁布.
    """
    span = text[start:end]
    if not any(a == b for a, b in zip(span, term)) or span in lexicon:
        return False
    cuts = lexicon.cuts(text)
    return start in cuts and end in cuts


class OccupationCoder:
    """Codes free text to occupations of a taxonomy."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        lexicon: Lexicon | None = None,
        syllables: dict[str, str] | None = None,
        fuzzy_threshold: float = 88.0,
        title_coder: TitleCoder | None = None,
    ):
        self.taxonomy = taxonomy
        self.title_coder = title_coder
        self.lexicon = lexicon or Lexicon.empty()
        # Aliases and texts are read the same way, character by character (the most common reading), so a typing
        # error that sounds like an alias lines up with it. Without a table, no text is read for sound.
        self.syllables = syllables or {}
        self.fuzzy_threshold = fuzzy_threshold
        self._memo: dict[tuple[str, bool], Coding] = {}
        self._title_memo: dict[tuple, dict[str, float]] = {}
        # term -> [(target, weight)]; a target is an occupation id or "group:<id>"
        self.terms: dict[str, list[tuple[str, float]]] = {}
        for occ in (taxonomy.occupations[o] for o in taxonomy.curated):
            for alias in {occ.name, *occ.aliases}:
                self._add(alias, occ.id, 1.0)
            for task in occ.tasks:
                self._add(task, occ.id, TASK_WEIGHT)
        for gid, group in taxonomy.groups.items():
            for alias in group.get("aliases", []):
                self._add(alias, f"group:{gid}", 1.0)
        ordered = sorted(self.terms, key=len, reverse=True)
        # The classification's names and aliases, matched exactly and apart, so they never hide a curated alias.
        self.csco_terms: dict[str, list[tuple[str, float]]] = {}
        classification = taxonomy.classification
        for code, name in classification.names.items():
            for term in {name, *classification.aliases.get(code, ())}:
                self._add(term, code, 1.0, self.csco_terms)
        # A two-character name inside one of our aliases means something else here: 车工 in 平车工 sews, it does not
        # turn a lathe. Our alias decides those.
        for term in [
            t for t in self.csco_terms if len(t) == 2 and any(t in alias and t != alias for alias in self.terms)
        ]:
            del self.csco_terms[term]
        # Matched by a scan of set look-ups rather than one regex: compiling 3,000 alternatives costs half a second
        # at every start of the command.
        starts: dict[str, set[int]] = {}
        for term in self.csco_terms:
            starts.setdefault(term[0], set()).add(len(term))
        self._csco_starts = {char: sorted(sizes, reverse=True) for char, sizes in starts.items()}
        self.fingerprint = self._fingerprint()
        self._exact = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        self._pinyin: dict[tuple[str, ...], str] = {}
        for term in ordered:
            self._pinyin.setdefault(self._syllables(term), term)
        self._pinyin_lengths = sorted({len(k) for k in self._pinyin}, reverse=True)
        self._fuzzy_terms = [t for t in ordered if len(t) >= 4]
        # Character -> the fuzzy terms holding it, once per position: a cheap, exact filter before rapidfuzz.
        postings: dict[str, list[int]] = {}
        for i, term in enumerate(self._fuzzy_terms):
            for char in term:
                postings.setdefault(char, []).append(i)
        self._fuzzy_postings = {char: np.array(ids) for char, ids in postings.items()}
        self._fuzzy_lengths = np.array([len(t) for t in self._fuzzy_terms])
        split = [t for t in ordered if len(t) == 2 and t[0] in _SPLITTABLE_VERBS]
        self._gapped = (
            re.compile("|".join(f"(?P<g{i}>{re.escape(t[0])}{_GAP}{re.escape(t[1])})" for i, t in enumerate(split)))
            if split
            else None
        )
        self._gapped_terms = split

    def _syllables(self, text: str) -> tuple[str, ...]:
        get = self.syllables.get
        return tuple(get(char, char) for char in text)

    def _fingerprint(self) -> str:
        """Changes whenever the same text could code differently: new aliases, groups, words or coder rules."""
        import hashlib

        groups = sorted((g, sorted(m)) for g, m in self.taxonomy.group_entry.items())
        source = json.dumps(
            [
                CODER_VERSION,
                sorted(self.terms.items()),
                sorted(self.csco_terms.items()),
                groups,
                len(self.lexicon),
                len(self.syllables),
                self.fuzzy_threshold,
                self.title_coder.fingerprint if self.title_coder else None,
                sorted(self.taxonomy.codes_of.items()),
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(source.encode()).hexdigest()[:16]

    def _add(self, term: str, target: str, weight: float, terms: dict | None = None) -> None:
        term = normalise(term)
        if len(term) < 2:
            return
        entries = (self.terms if terms is None else terms).setdefault(term, [])
        if all(t != target for t, _ in entries):
            entries.append((target, weight))

    def hits(self, text: str) -> list[tuple[int, int, str, float]]:
        """(start, end, term, confidence) for every alias found: exact first, then pinyin, then fuzzy."""
        text = normalise(text)
        if not text or self._exact is None:
            return []
        found = [(m.start(), m.end(), m.group(0), EXACT) for m in self._exact.finditer(text)]
        # Plain lists: the spans are a few characters long, where numpy's per-call cost would dominate.
        covered = [False] * (len(text) + 1)

        def cover(start: int, end: int) -> None:
            covered[start:end] = [True] * (end - start)

        for start, end, _, _ in found:
            cover(start, end)
        if self._gapped is not None:
            for m in self._gapped.finditer(text):
                if not any(covered[m.start() : m.end()]):
                    group = m.lastgroup
                    assert group is not None  # each alternative of the pattern is a named group, g0, g1, ...
                    found.append((m.start(), m.end(), self._gapped_terms[int(group[1:])], GAPPED))
                    cover(m.start(), m.end())
        syllables = self._syllables(text)
        if self.syllables:
            for i in range(len(text)):
                for size in self._pinyin_lengths:
                    if size >= 2 and i + size <= len(text) and not any(covered[i : i + size]):
                        term = self._pinyin.get(syllables[i : i + size])
                        if term is not None and _plausible_typo(self.lexicon, text, i, i + size, term):
                            found.append((i, i + size, term, PINYIN))
                            cover(i, i + size)
                            break
        if self._fuzzy_terms and len(text) >= 4:
            from rapidfuzz import fuzz, process

            # One C call scores every long alias against the text; only the near ones are aligned.
            near = process.extract(
                text,
                self._fuzzy_candidates(text),
                scorer=fuzz.partial_ratio,
                score_cutoff=self.fuzzy_threshold,
                limit=None,
            )
            for term, _score, _index in near:
                if term in text:
                    continue
                alignment = fuzz.partial_ratio_alignment(term, text, score_cutoff=self.fuzzy_threshold)
                if alignment is not None and not any(covered[alignment.dest_start : alignment.dest_end]):
                    found.append((alignment.dest_start, alignment.dest_end, term, FUZZY * alignment.score / 100))
        return sorted(found)

    def _fuzzy_candidates(self, text: str) -> list[str]:
        """The fuzzy terms that could reach the threshold against `text`; the others cannot, so are not scored.

        A partial_ratio of t needs a common subsequence of at least t / (2 - t) of the shorter string (since the
        score is 2 * common / (both lengths)), and a common subsequence uses only characters the text has.
        """
        found = [self._fuzzy_postings[c] for c in set(text) if c in self._fuzzy_postings]
        if not found:
            return []
        shared = np.bincount(np.concatenate(found), minlength=len(self._fuzzy_terms))
        share = self.fuzzy_threshold / 100
        needed = share / (2 - share) * np.minimum(self._fuzzy_lengths, len(text)) - 1e-9
        return [self._fuzzy_terms[i] for i in np.flatnonzero(shared >= needed)]

    def code(self, text: str | None, groups: bool = True) -> Coding:
        """Occupations named in `text`; `groups=False` ignores broad field words (a vacancy names its own job).

        Clauses are coded one by one and remembered: residents say the same few things (想进厂, 离家近), so a
        new text is mostly clauses seen before. Negation never reaches across a comma, so nothing is lost.
        """
        coding = Coding()
        plain = normalise(text)
        for clause in _CLAUSES.split(plain):
            if not clause:
                continue
            key = (clause, groups)
            found = self._memo.get(key)
            if found is None:
                if len(self._memo) >= MEMO_SIZE:
                    self._memo.clear()
                found = self._memo[key] = self._code(clause, groups)
            for mine, theirs in ((coding.negated, found.negated), (coding.group_scores, found.group_scores)):
                for occ_id, value in theirs.items():
                    if value > mine.get(occ_id, 0):
                        mine[occ_id] = value
            for occ_id, value in found.scores.items():
                if value > coding.scores.get(occ_id, 0):
                    coding.scores[occ_id] = value
                    coding.evidence[occ_id] = found.evidence[occ_id]
        # A turn-down anywhere in the text outweighs a weaker mention elsewhere in it.
        for occ_id, value in coding.negated.items():
            for bucket in (coding.scores, coding.group_scores):
                if value >= bucket.get(occ_id, 0) and occ_id in bucket:
                    bucket.pop(occ_id)
                    coding.evidence.pop(occ_id, None)
        return coding

    def _code(self, clause: str, groups: bool) -> Coding:
        coding = Coding()
        found = [(start, end, self.terms[term], confidence) for start, end, term, confidence in self.hits(clause)]
        found += [(start, end, self.csco_terms[term], EXACT) for start, end, term in self._csco_hits(normalise(clause))]
        for start, end, targets, confidence in found:
            negated = bool(
                _NEGATION_BEFORE.search(clause[max(0, start - 8) : start])
                or _NEGATION_AFTER.search(clause[end : end + 8])
            )
            for target, weight in targets:
                is_group = target.startswith("group:")
                if is_group and not groups:
                    continue
                # A field word (进厂, 农活) is weaker evidence for each member than a word naming the job.
                value = confidence * weight * (GROUP_WEIGHT if is_group else 1.0)
                bucket = coding.negated if negated else (coding.group_scores if is_group else coding.scores)
                for occ_id in self._expand(target, everyone=negated):
                    if value > bucket.get(occ_id, 0):
                        bucket[occ_id] = value
                        if bucket is coding.scores:
                            coding.evidence[occ_id] = clause[start:end]
        return coding

    def _csco_hits(self, text: str) -> list[tuple[int, int, str]]:
        """The classification's names in the text, leftmost and longest first, not overlapping."""
        hits, i, terms, starts = [], 0, self.csco_terms, self._csco_starts
        while i < len(text) - 1:
            for size in starts.get(text[i], ()):
                if text[i : i + size] in terms:
                    hits.append((i, i + size, text[i : i + size]))
                    i += size
                    break
            else:
                i += 1
        return hits

    def title_hints(self, title: str | None) -> dict[str, float]:
        """The CSCO codes the alias rules read in a title (cleaned of firm, pay and perks): a curated occupation's
        codes, and codes named outright. The title coder weighs them with what it learnt."""
        found = self.code(clean_title(title) or title, groups=False).scores
        hints: dict[str, float] = {}
        for occ_id, score in found.items():
            for code in self.taxonomy.codes_of.get(occ_id) or (
                (occ_id,) if occ_id in self.taxonomy.classification else ()
            ):
                hints[code] = max(hints.get(code, 0.0), score)
        return hints

    def code_title(self, title: str | None, k: int = 2, floor: float = 0.15) -> dict[str, float]:
        """CSCO codes the title coder gives a job title (alias rules and the learned model together), with
        probabilities of at least `floor`."""
        if self.title_coder is None or not title or not coder_text(title):
            return {}
        key = (title, k, floor)
        found = self._title_memo.get(key)
        if found is None:
            if len(self._title_memo) >= MEMO_SIZE:
                self._title_memo.clear()
            top = self.title_coder.top(title, k, self.title_hints(title))
            found = self._title_memo[key] = {code: round(p, 3) for code, p in top if p >= floor}
        return dict(found)

    def _expand(self, target: str, everyone: bool = False) -> list[str]:
        if target.startswith("group:"):
            members = self.taxonomy.group_members if everyone else self.taxonomy.group_entry
            return members.get(target[6:], [])
        return [target]
