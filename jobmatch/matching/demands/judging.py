"""Which required demands a resident said they cannot meet: `unmet(demands, limits)`, each with a plain reason."""

from __future__ import annotations

from dataclasses import dataclass

from ..wording import Reason, naming_the_resident
from .labels import _BLOCKED_BY, _ENTITLES, LIMIT_NAMES, covers, demand_name
from .records import Demands, Limits, Said


@dataclass(frozen=True)
class Unmet:
    """A required demand the resident said they cannot meet: the demand, the reason in plain Chinese (spoken to the
    resident, and about them for staff: wording.py), the vacancy's words and the resident's."""

    label: str
    reason: str
    words: str = ""
    said: str = ""
    reason_for_staff: str = ""

    @classmethod
    def worded(cls, label: str, reason: Reason, words: str, said: str) -> Unmet:
        return cls(label, reason.to_resident, words, said, reason.about_resident)

    def as_dict(self) -> dict:
        return {"label": self.label, "reason": self.reason, "words": self.words, "said": self.said}


def _their_words(said: Said, fallback: str) -> str:
    words = said.words.strip()
    return words if 0 < len(words) <= 10 else fallback


def _licence_unmet(label: str, limits: Limits) -> Reason | None:
    held, lacking = limits.held, limits.lacking
    name = demand_name(label)
    if "licence" in lacking:  # no licence, or it was revoked: whatever class they once held
        return naming_the_resident(lambda who: f"{name}，{who}说没有驾照")
    if covers(held, label) or label == "licence":
        return None
    wanted = label.split(":", 1)[1]
    classes = [h.split(":", 1)[1] for h in held if h.startswith("licence:")]
    if classes:
        return naming_the_resident(lambda who: f"{name}，{who}是{'/'.join(sorted(classes))}")
    # Lacking a class the demanded one entitles to ("C1还没考") means lacking the demanded one too.
    short = sorted(
        lack.split(":", 1)[1]
        for lack in lacking
        if lack.startswith("licence:") and lack.split(":", 1)[1] in _ENTITLES[wanted]
    )
    if short:
        return naming_the_resident(lambda who: f"{name}，{who}说还没有{short[0]}")
    return None


def unmet(demands: Demands, limits: Limits) -> list[Unmet]:
    """Each required demand the resident said they cannot meet, with a plain reason ("要B2驾照，您是C1",
    "搬运重活，您说腰不好"). A demand nobody stated either way counts nothing; experience is not judged here."""
    out = []
    for demand in demands.items:
        if not demand.required:
            continue
        label = demand.label
        if label in _BLOCKED_BY:
            said = limits.said(_BLOCKED_BY[label])
            if said:
                told = _their_words(said, LIMIT_NAMES[said.label])
                reason = naming_the_resident(lambda who: f"{demand_name(label)}，{who}说{told}")
                out.append(Unmet.worded(label, reason, demand.words, said.words))
        elif label == "licence" or label.startswith("licence:"):
            licence_reason = _licence_unmet(label, limits)
            if licence_reason:
                said = next((s for s in (*limits.holds, *limits.lacks) if s.label.startswith("licence")), None)
                out.append(Unmet.worded(label, licence_reason, demand.words, said.words if said else ""))
        elif label.startswith("cert:"):
            said = limits.said(label)  # there is one whenever the label is in limits.lacking
            if said and label in limits.lacking and label not in limits.held:
                reason = naming_the_resident(lambda who: f"{demand_name(label)}，{who}说没有证")
                out.append(Unmet.worded(label, reason, demand.words, said.words))
    return out
