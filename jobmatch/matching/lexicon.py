"""A compact Chinese word list with frequencies (is a span a real word, where do a text's words end), and each
character's reading: the two artefacts the occupation coder reads text by.

Derived from jieba's dictionary (MIT licence) by `python -m jobmatch.matching.lexicon models`, keeping
words of up to four characters. Held as sorted fixed-width numpy strings, it costs a worker about 7 MB where
jieba's own dictionary costs 80 MB; lookups are binary searches. Cutting follows jieba's route without the HMM:
the most probable split into dictionary words.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import numpy as np

MAX_WORD = 4
_HAN = re.compile(r"[\u4e00-\u9fff]")


class Lexicon:
    def __init__(self, words: np.ndarray, counts: np.ndarray, total: float, is_sorted: bool = False):
        if not is_sorted:
            order = np.argsort(words)
            words, counts = words[order], counts[order]
        self.words, self.counts = words, counts
        self.log_total = math.log(total) if total > 0 else 0.0

    @classmethod
    def load(cls, path: str | Path) -> Lexicon:
        with np.load(path, allow_pickle=False) as data:
            return cls(data["words"], data["counts"], float(data["total"]), is_sorted=True)

    @classmethod
    def empty(cls) -> Lexicon:
        return cls(np.array([], dtype=f"<U{MAX_WORD}"), np.array([], dtype=np.float32), 0.0)

    @classmethod
    def from_jieba(cls) -> Lexicon:
        import jieba

        words, counts, total = [], [], 0.0
        with open(Path(jieba.__file__).with_name("dict.txt"), encoding="utf-8") as f:
            for line in f:
                word, count = line.split()[:2]
                total += float(count)
                if len(word) <= MAX_WORD and float(count) > 0:
                    words.append(word)
                    counts.append(float(count))
        return cls(np.array(words, dtype=f"<U{MAX_WORD}"), np.array(counts, dtype=np.float32), total)

    def save(self, path: str | Path) -> None:
        np.savez_compressed(path, words=self.words, counts=self.counts, total=np.array(math.exp(self.log_total)))

    def __len__(self) -> int:
        return len(self.words)

    def count(self, word: str) -> float:
        """How often the word occurs in the source corpus; 0 for a non-word."""
        if not word or len(word) > MAX_WORD or not len(self.words):
            return 0.0
        at = int(np.searchsorted(self.words, word))
        return float(self.counts[at]) if at < len(self.words) and self.words[at] == word else 0.0

    def __contains__(self, word: str) -> bool:
        return self.count(word) > 0

    def cuts(self, text: str) -> set[int]:
        """Positions where a word of `text` starts or ends, on the most probable split into dictionary words."""
        n = len(text)
        best = [(0.0, n)] * (n + 1)
        for i in range(n - 1, -1, -1):
            if not _HAN.match(text[i]):
                best[i] = (best[i + 1][0], i + 1)  # anything but a Chinese character stands alone
                continue
            options = []
            for j in range(i + 1, min(n, i + MAX_WORD) + 1):
                count = self.count(text[i:j])
                if count or j == i + 1:
                    options.append((math.log(count or 1.0) - self.log_total + best[j][0], j))
            best[i] = max(options)
        cuts, i = {0}, 0
        while i < n:
            i = best[i][1]
            cuts.add(i)
        return cuts


def syllable_table() -> dict[str, str]:
    """Each Chinese character's most common reading, toneless ("缝" -> "feng"), from pypinyin (MIT licence).

    Written to models/syllables.json by `python -m jobmatch.matching.lexicon`, so a worker reads a 0.5 MB table
    instead of importing pypinyin (55 MB of phrase data it does not use).
    """
    from pypinyin import Style, lazy_pinyin
    from pypinyin.pinyin_dict import pinyin_dict

    table = {}
    for code in sorted(pinyin_dict):
        char = chr(code)
        # pypinyin's errors= callback may return a list (its documentation says so); its stub says str only
        reading = lazy_pinyin(
            char,
            style=Style.NORMAL,
            errors=lambda chars: list(chars),  # type: ignore[arg-type,return-value]
        )[0]
        if reading != char:
            table[char] = reading
    return table


def load_syllables(path: str | Path) -> dict[str, str]:
    import json

    return json.loads(Path(path).read_text(encoding="utf-8"))


if __name__ == "__main__":
    import json

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "models")
    lexicon = Lexicon.from_jieba()
    lexicon.save(folder / "lexicon.npz")
    table = syllable_table()
    (folder / "syllables.json").write_text(
        json.dumps(table, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    print(f"{len(lexicon)} words and {len(table)} readings written to {folder}")
