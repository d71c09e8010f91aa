"""What was read: a vacancy's `Demands` and a resident's `Limits`, each to and from a plain dict."""

from __future__ import annotations

from dataclasses import dataclass

from .labels import LACK_WORDS, TAP_WORDS, covers, demand_name


@dataclass(frozen=True)
class Demand:
    """One thing a vacancy asks for: `label` in the vocabulary ("heavy", "licence:B2", "cert:forklift"), whether it is
    `required` (else only a plus, "有证优先"), and the `words` of the posting that said it."""

    label: str
    required: bool = True
    words: str = ""

    def as_dict(self) -> dict:
        return {"label": self.label, "required": self.required, "words": self.words}


@dataclass(frozen=True)
class Demands:
    """Everything a vacancy was read to ask for, in a stable order."""

    items: tuple[Demand, ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(d.label for d in self.items if d.required)

    @property
    def plus(self) -> tuple[str, ...]:
        return tuple(d.label for d in self.items if not d.required)

    def get(self, label: str) -> Demand | None:
        return next((d for d in self.items if d.label == label), None)

    def __bool__(self) -> bool:
        return bool(self.items)

    def as_dict(self) -> dict:
        return {"demands": [d.as_dict() for d in self.items]}

    @classmethod
    def from_dict(cls, data: dict | list | None) -> Demands:
        """From `as_dict()` or a clerk's list: dicts, or plain labels (required, no words)."""
        rows = data.get("demands", []) if isinstance(data, dict) else (data or [])
        items = []
        for row in rows:
            if isinstance(row, str):
                items.append(Demand(row))
            else:
                items.append(Demand(str(row["label"]), bool(row.get("required", True)), str(row.get("words") or "")))
        return cls(tuple(items))


@dataclass(frozen=True)
class Said:
    """One thing a resident said about themselves: a label and their words."""

    label: str
    words: str = ""

    def as_dict(self) -> dict:
        return {"label": self.label, "words": self.words}


@dataclass(frozen=True)
class Limits:
    """What a resident said they cannot do (`limits`: "light_only", "no_standing", "illiterate", "no_computer"), which
    licences and certificates they hold (`holds`: "licence:C1", "cert:forklift"; "licence" when no class was said) or
    lack (`lacks`: the same, "licence" for no licence at all), and `new_to`: their words saying they are new to the work
    they want (None when they said nothing of it)."""

    limits: tuple[Said, ...] = ()
    holds: tuple[Said, ...] = ()
    lacks: tuple[Said, ...] = ()
    new_to: Said | None = None

    @property
    def limit_labels(self) -> frozenset[str]:
        return frozenset(s.label for s in self.limits)

    @property
    def held(self) -> frozenset[str]:
        return frozenset(s.label for s in self.holds)

    @property
    def lacking(self) -> frozenset[str]:
        return frozenset(s.label for s in self.lacks)

    @property
    def is_new(self) -> bool:
        return self.new_to is not None

    def said(self, label: str) -> Said | None:
        return next((s for s in (*self.limits, *self.holds, *self.lacks) if s.label == label), None)

    def merged(self, other: Limits) -> Limits:
        """This reading with another one (the kiosk's taps, a clerk's correction), each label once. The other wins where
        they disagree: a tap "有驾照 B2" drops a read "没驾照", a tap of no licence drops the classes read."""

        def union(mine: tuple[Said, ...], theirs: tuple[Said, ...]) -> tuple[Said, ...]:
            out = {s.label: s for s in mine}
            out.update({s.label: s for s in theirs})
            return tuple(out.values())

        def contradicted_hold(label: str) -> bool:
            return label in other.lacking or (label.startswith("licence") and "licence" in other.lacking)

        def contradicted_lack(label: str) -> bool:
            if label == "licence":
                return any(h.startswith("licence") for h in other.held)
            return covers(other.held, label)

        return Limits(
            union(self.limits, other.limits),
            union(tuple(s for s in self.holds if not contradicted_hold(s.label)), other.holds),
            union(tuple(s for s in self.lacks if not contradicted_lack(s.label)), other.lacks),
            other.new_to or self.new_to,
        )

    def as_dict(self) -> dict:
        return {
            "limits": [s.as_dict() for s in self.limits],
            "holds": [s.as_dict() for s in self.holds],
            "lacks": [s.as_dict() for s in self.lacks],
            "new_to": self.new_to.as_dict() if self.new_to else None,
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> Limits:
        """From `as_dict()` or structured fields (lists of labels, `new_to` true or words)."""
        data = data or {}

        def saids(rows, words: dict) -> tuple[Said, ...]:  # a plain label is a tap: it says the tap's words
            return tuple(
                Said(r, words.get(r, "")) if isinstance(r, str) else Said(str(r["label"]), str(r.get("words") or ""))
                for r in rows or ()
            )

        new = data.get("new_to")
        if isinstance(new, dict):
            new = Said(str(new.get("label") or "new_to"), str(new.get("words") or ""))
        elif isinstance(new, str) and new:
            new = Said("new_to", new)
        elif new is True or (isinstance(new, (list, tuple)) and new):  # a tap, or the occupations they are new to
            new = Said("new_to", "、".join(map(str, new)) if isinstance(new, (list, tuple)) else "")
        else:
            new = None
        return cls(
            saids(data.get("limits"), TAP_WORDS),
            saids(data.get("holds"), TAP_WORDS),
            saids(data.get("lacks"), LACK_WORDS),
            new,
        )


def describe_demands(demands: Demands) -> list[str]:
    """Each demand in a clerk's words, a plus marked as one: ["要B2驾照", "叉车证优先"]."""
    out = []
    for demand in demands.items:
        name = demand_name(demand.label)
        if demand.required:
            out.append(name)
        elif demand.label in ("heavy", "standing"):
            out.append(f"{name}（偶尔）")
        else:
            out.append(f"{name.removeprefix('要')}优先")
    return out
