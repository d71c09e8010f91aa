"""Plain records the matcher works on, built from validated dicts (API, database or batch files)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class JobRecord:
    id: str
    title: str
    employer: str = ""
    description: str = ""
    skills: tuple[str, ...] = ()
    openings: int | None = None
    wage_min: float | None = None
    wage_max: float | None = None
    wage_unit: str = "month"
    town: str | None = None
    community: str | None = None
    lat: float | None = None
    lon: float | None = None
    shift: str | None = None  # None: read from the title/description, else day
    age_min: int | None = None
    age_max: int | None = None
    perks: tuple[str, ...] = ()
    contact_phone: str | None = None
    fair: str | None = None  # the fair whose list holds the vacancy, for narrowing a search
    # what the office set the vacancy to demand (Demands.from_dict input); None: read from the title and description
    demands: dict | list | None = None


@dataclass(frozen=True)
class ProfileRecord:
    id: str
    age: int | None = None
    town: str | None = None
    community: str | None = None
    lat: float | None = None
    lon: float | None = None
    experience: str = ""
    desired: str = ""
    expected_wage: float | None = None
    availability: str = "any"
    max_commute_km: float | None = None
    name: str | None = None
    phone: str | None = None
    fair: str | None = None
    # what the resident tapped or sent as fields (Limits.from_dict input), merged with what their words say
    limits: dict | None = None


@dataclass
class Match:
    """One ranked pair, with the score, whether hard constraints hold, and reasons in plain Chinese."""

    job_id: str
    profile_id: str
    score: float
    eligible: bool
    reasons: list[str]
    features: dict[str, float] = field(default_factory=dict)
    # good, possible or weak (fit.FitScale): what the kiosk and the prints say of the match
    fit: str = "possible"
    # the same reasons spoken about the resident, not to them ("超出居民能去的…"), for stall staff's pages
    reasons_for_staff: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "job_id": self.job_id,
            "profile_id": self.profile_id,
            "score": self.score,
            "eligible": self.eligible,
            "fit": self.fit,
            "reasons": list(self.reasons),
        }


def _tuple(value) -> tuple[str, ...]:
    return tuple(str(v) for v in value or ())


def job_from_dict(data: dict) -> JobRecord:
    known: dict[str, Any] = {k: data.get(k) for k in JobRecord.__dataclass_fields__ if data.get(k) is not None}
    known["id"] = str(data["id"])
    known["skills"] = _tuple(data.get("skills"))
    known["perks"] = _tuple(data.get("perks"))
    return JobRecord(**known)


def with_tapped(words: str | None, occupations: list | None) -> str:
    """A resident's words with the occupations they tapped at the kiosk after them, as the matcher reads them: as if
    typed there, each its own clause (so no 不想 of theirs reaches it)."""
    return "，".join(part for part in (words or "", *(occupations or ())) if part)


def profile_from_dict(data: dict) -> ProfileRecord:
    known: dict[str, Any] = {k: data.get(k) for k in ProfileRecord.__dataclass_fields__ if data.get(k) is not None}
    for text, tapped in (("experience", "experience_occupations"), ("desired", "desired_occupations")):
        if data.get(tapped):  # a batch file or the API may give the kiosk's taps: read as the same words typed
            known[text] = with_tapped(data.get(text), data[tapped])
    known["id"] = str(data["id"])
    if not isinstance(data.get("limits"), dict):  # structured fields as a batch file or the API gives them
        said = {key: list(data[key]) for key in ("limits", "holds", "lacks") if data.get(key)}
        known["limits"] = said or None
    return ProfileRecord(**known)
