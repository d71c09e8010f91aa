"""How well a match fits, in one of three words a resident and a counsellor read the same way: good, possible, weak.

A score is a ranking device, not a promise: 0.3 can be the best a resident has. The words come from two score
thresholds calibrated on graded sets (`FitScale.calibrate`): `good` where the matches scoring at least that are graded
"suitable" (2 or more) at the target precision, `possible` where those between the two are at least partly suitable
(1 or more) at a looser one. A match that breaks a hard limit (age, shift, a demand the resident cannot meet) is weak
whatever its score.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

GOOD, POSSIBLE, WEAK = "good", "possible", "weak"
FITS = (GOOD, POSSIBLE, WEAK)
LABELS = {GOOD: "很合适", POSSIBLE: "可以问问", WEAK: "不太合适"}
# Below this many matches above a threshold, a precision says nothing: the threshold stays where the data is thicker.
MIN_SUPPORT = 20


@dataclass(frozen=True)
class FitScale:
    good: float = 0.5
    possible: float = 0.2
    metadata: dict = field(default_factory=dict, compare=False)

    def label(self, score: float, eligible: bool) -> str:
        if not eligible:
            return WEAK
        if score >= self.good:
            return GOOD
        return POSSIBLE if score >= self.possible else WEAK

    @classmethod
    def calibrate(
        cls,
        scored: Iterable[tuple[float, bool, int]],
        good_precision: float = 0.9,
        possible_precision: float = 0.6,
        description: str = "",
    ) -> FitScale:
        """Thresholds from (score, eligible, grade) of shown matches: the lowest score at which every eligible match
        above it is graded 2+ with `good_precision`, then the lowest below that at which those in between are graded
        1+ with `possible_precision`."""
        pairs = sorted(((s, g) for s, ok, g in scored if ok), key=lambda sg: -sg[0])
        good = _lowest(pairs, lambda g: g >= 2, good_precision, default=1.01)
        between = [(s, g) for s, g in pairs if s < good]
        possible = min(_lowest(between, lambda g: g >= 1, possible_precision, default=good), good)
        shown = len(pairs)
        meta = {
            "calibrated_on": description,
            "eligible_matches": shown,
            "good_precision_target": good_precision,
            "possible_precision_target": possible_precision,
            "good_precision": _precision([g for s, g in pairs if s >= good], 2),
            "possible_precision": _precision([g for s, g in pairs if possible <= s < good], 1),
        }
        return cls(round(good, 4), round(possible, 4), meta)

    def save(self, path: str | Path) -> None:
        data = {"good": self.good, "possible": self.possible, "metadata": self.metadata}
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> FitScale:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(float(data["good"]), float(data["possible"]), data.get("metadata", {}))

    def as_dict(self) -> dict:
        return asdict(self)


def _precision(grades: list[int], at_least: int) -> float | None:
    return round(sum(g >= at_least for g in grades) / len(grades), 4) if grades else None


def _lowest(pairs: list[tuple[float, int]], hit, target: float, default: float) -> float:
    """The lowest score s (pairs sorted best first) such that the pairs scoring s or more reach `target` precision,
    with at least MIN_SUPPORT of them; `default` when no such score exists."""
    best, hits = default, 0
    for n, (score, grade) in enumerate(pairs, start=1):
        hits += hit(grade)
        # Ties: a threshold can only sit where the next score is lower.
        if n >= MIN_SUPPORT and hits / n >= target and (n == len(pairs) or pairs[n][0] < score):
            best = score
    return best
