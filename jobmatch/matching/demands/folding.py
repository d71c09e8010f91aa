"""Text folded for matching, with the way back to the words as written.

Folded like the rest of the matcher (NFKC, no pictographs, simplified script, lower case), but every folded character
keeps the place of the one it came from, so the words shown are the words written. Clauses and sentences are found here.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache

from ..text import strip_pictographs, to_simplified

_CLAUSE_END = re.compile(r"[,。;!?\n|]|\.{3}|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_SENTENCE_END = re.compile(r"[。;!?\n]")


class _Text:
    """Text folded like `jobmatch.text.normalise` (NFKC, no pictographs, simplified, lower case), keeping, for every
    folded character, the place of the character it came from."""

    __slots__ = ("raw", "plain", "_index", "_clauses", "_sentences")

    def __init__(self, raw: str):
        pieces: list[str] = []
        index: list[int] = []
        for i, ch in enumerate(raw):
            folded = unicodedata.normalize("NFKC", ch).lower()
            pieces.append(folded)
            index.extend([i] * len(folded))
        nfkc = strip_pictographs("".join(pieces))
        plain = to_simplified(nfkc)
        if len(plain) != len(nfkc):  # a phrase conversion changed the length: convert character by character
            plain = "".join(to_simplified(ch) if len(to_simplified(ch)) == 1 else ch for ch in nfkc)
        self.raw, self.plain, self._index = raw, plain, index
        self._clauses = [m.start() for m in _CLAUSE_END.finditer(plain)]
        self._sentences = [m.start() for m in _SENTENCE_END.finditer(plain)]

    @staticmethod
    def _bounds(ends: list[int], pos: int, length: int) -> tuple[int, int]:
        i = bisect.bisect_right(ends, pos - 1)
        start = ends[i - 1] + 1 if i else 0
        return start, (ends[i] if i < len(ends) else length)

    def clause(self, pos: int) -> tuple[int, int]:
        return self._bounds(self._clauses, pos, len(self.plain))

    def sentence(self, pos: int) -> tuple[int, int]:
        return self._bounds(self._sentences, pos, len(self.plain))

    def original(self, start: int, end: int) -> str:
        if start >= end:
            return ""
        return self.raw[self._index[start] : self._index[end - 1] + 1].strip()

    def words(self, start: int, end: int, longest: int = 18) -> str:
        """The words that said it: the clause holding the match when short, else the match with a little around it."""
        c_start, c_end = self.clause(start)
        while c_start < start and self.plain[c_start] in " (（)）":
            c_start += 1
        if c_end - c_start > longest:
            room = max(0, (longest - (end - start)) // 2)
            c_start, c_end = max(c_start, start - room), min(c_end, end + room)
            # not half a bracket: "持有效电工证（特种作业操" reads as "持有效电工证"
            opened = self.plain.rfind("(", c_start, c_end)
            if opened >= end and self.plain.find(")", opened, c_end) < 0:
                c_end = opened
            closed = self.plain.find(")", c_start, start)
            if closed >= 0 and self.plain.rfind("(", c_start, closed) < 0:
                c_start = closed + 1
        return _balanced(self.original(c_start, c_end))


def _balanced(words: str) -> str:
    """Words without separators at their ends, nor a bracket left open or closed alone: "持有效叉车证（N1）" stays
    whole."""
    words = words.strip(" ,，、:：;；。")
    if words[:1] in "(（" and not any(c in words for c in ")）"):
        words = words[1:]
    if words[-1:] in ")）" and not any(c in words for c in "(（"):
        words = words[:-1]
    if any(c in words for c in "(（") and not any(c in words for c in ")）"):
        words = re.split(r"[(（]", words)[0]
    return words.strip(" ,，、:：")


@lru_cache(maxsize=4_096)
def _fold(text: str) -> _Text:
    return _Text(text)
