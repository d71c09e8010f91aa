"""Structured features of job-profile pairs, vectorised over numpy arrays (one side may be a scalar)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from .demands import (
    CERTIFICATES,
    LICENCE_CLASSES,
    Demand,
    Demands,
    Limits,
    read_demands,
    read_limits,
    unmet,
)
from .places import Gazetteer, distance_km, unit_vectors
from .postings import FIELD_GROUPS, group_empty, group_values, read_posting
from .records import JobRecord, ProfileRecord
from .store import Columns
from .text import age_from_text, normalise, pay_from_text

SHIFT_CODES = {"day": 0, "two_shift": 1, "three_shift": 2, "part_time": 3, "flexible": 4}
AVAILABILITY_CODES = {"any": 0, "day_only": 1, "part_time": 2}
# Which job shifts each availability can work (rows: availability, columns: shift).
SHIFT_ALLOWED = np.array(
    [
        [True, True, True, True, True],  # any
        [True, False, False, True, True],  # day_only
        [False, False, False, True, True],  # part_time
    ]
)
DAYS_PER_MONTH = 26
HOURS_PER_MONTH = 208
PART_TIME_HOURS_PER_MONTH = 104
DEFAULT_REACH_KM = 10.0
# A shuttle bus or lodging makes a far job reachable.
_REACH_STRETCHERS = re.compile(r"班车|接送|包住|包吃住|住宿|宿舍")


# Every demand a vacancy can make that a resident can say they cannot meet, one bit each, so that a pair's conflict
# is one AND of two integers across a whole index.
HARD_DEMANDS = (
    "heavy",
    "standing",
    "literate",
    "computer",
    "licence",
    *(f"licence:{c}" for c in LICENCE_CLASSES),
    *(f"cert:{c}" for c in CERTIFICATES),
)
DEMAND_BIT = {label: 1 << i for i, label in enumerate(HARD_DEMANDS)}
EXPERIENCED = "experienced"


def job_demands(job: JobRecord) -> Demands:
    """What the office set the vacancy to demand, else what its title and description say: corrections win."""
    if job.demands is not None:
        return Demands.from_dict(job.demands)
    return read_demands(job.title, job.description)


def profile_limits(profile: ProfileRecord) -> Limits:
    """What the resident's words say, with what they tapped (or sent as fields) winning where the two disagree."""
    read = read_limits(profile.experience, profile.desired)
    return read.merged(Limits.from_dict(profile.limits)) if profile.limits else read


def demand_bits(labels) -> int:
    """The bits of the required demands among `labels`."""
    return sum(DEMAND_BIT[label] for label in set(labels) if label in DEMAND_BIT)


def barred_bits(limits: Limits) -> int:
    """The bits of every demand this resident said they cannot meet (unmet() decides, one demand at a time)."""
    if not (limits.limits or limits.holds or limits.lacks):
        return 0
    return sum(bit for label, bit in DEMAND_BIT.items() if unmet(Demands((Demand(label),)), limits))


def is_newcomer(limits: Limits) -> bool:
    return limits.is_new


def monthly(amount: float | None, unit: str, shift: str | None) -> float:
    """Monthly CNY for a wage in month, day or hour units (part-time hours count half a month)."""
    if amount is None:
        return np.nan
    if unit == "day":
        return amount * DAYS_PER_MONTH
    if unit == "hour":
        return amount * (PART_TIME_HOURS_PER_MONTH if shift == "part_time" else HOURS_PER_MONTH)
    return float(amount)


def stretches_reach(job: JobRecord) -> bool:
    return bool(_REACH_STRETCHERS.search(normalise(" ".join([job.title, *job.perks, job.description]))))


def completed_job(job: JobRecord) -> JobRecord:
    """Fill what a recruiter wrote only in words ("长白班普工包吃住5-6k": pay, perks, shift, age limits, openings) into
    the structured fields left empty; what was given is never overwritten. A shift stated nowhere reads as day."""
    reading = read_posting(job.title, job.description)
    changes: dict = {}
    for group in FIELD_GROUPS:
        values = group_values(reading, group) if group_empty(job, group) else None
        if values:
            changes.update({name: value for name, value in values.items() if value is not None})
    if not (job.shift or changes.get("shift")):
        changes["shift"] = "day"
    return replace(job, **changes) if changes else job


def completed_profile(profile: ProfileRecord) -> ProfileRecord:
    """Fill the hoped-for pay ("三千左右") and age ("五十多岁") a resident wrote only in words."""
    changes: dict = {}
    text = f"{profile.desired} {profile.experience}"
    if not profile.expected_wage:
        pay = pay_from_text(text)
        if pay:
            changes["expected_wage"] = monthly((pay[0] + pay[1]) / 2, pay[2], "day")
    if profile.age is None:
        age = age_from_text(text)
        if age:
            changes["age"] = age
    return replace(profile, **changes) if changes else profile


def _nan(value) -> float:
    return np.nan if value is None else float(value)


@dataclass
class JobTable:
    """Column arrays of a list of jobs."""

    shift: np.ndarray
    age_min: np.ndarray
    age_max: np.ndarray
    pay_min: np.ndarray
    pay_max: np.ndarray
    # where the job is, as a point on the unit sphere (NaN when unknown)
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    stretch: np.ndarray
    openings: np.ndarray
    # what the vacancy requires (demand_bits of its words) and whether it takes only the experienced
    demands: np.ndarray
    experienced: np.ndarray

    @staticmethod
    def dtypes() -> dict[str, type]:
        return {
            "shift": np.int8,
            "age_min": float,
            "age_max": float,
            "pay_min": float,
            "pay_max": float,
            "x": float,
            "y": float,
            "z": float,
            "stretch": bool,
            "openings": float,
            "demands": np.int32,
            "experienced": bool,
        }

    @classmethod
    def build(cls, jobs: list[JobRecord], gazetteer: Gazetteer) -> JobTable:
        points = [_point(j.lat, j.lon, j.town, j.community, gazetteer) for j in jobs]
        x, y, z = unit_vectors([p[0] for p in points], [p[1] for p in points])
        demanded = [job_demands(j) for j in jobs]
        return cls(
            shift=np.array([SHIFT_CODES.get(j.shift or "day", 0) for j in jobs], dtype=np.int8),
            age_min=np.array([_nan(j.age_min) for j in jobs]),
            age_max=np.array([_nan(j.age_max) for j in jobs]),
            pay_min=np.array([monthly(j.wage_min, j.wage_unit, j.shift) for j in jobs]),
            pay_max=np.array(
                [monthly(j.wage_max if j.wage_max is not None else j.wage_min, j.wage_unit, j.shift) for j in jobs]
            ),
            x=x,
            y=y,
            z=z,
            stretch=np.array([stretches_reach(j) for j in jobs], dtype=bool),
            openings=np.array([np.nan if j.openings is None else j.openings for j in jobs], dtype=float),
            demands=np.array([demand_bits(d.required) for d in demanded], dtype=np.int32),
            experienced=np.array([EXPERIENCED in d.required for d in demanded], dtype=bool),
        )


@dataclass
class ProfileTable:
    """Column arrays of a list of profiles."""

    availability: np.ndarray
    age: np.ndarray
    expected: np.ndarray
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    reach: np.ndarray
    # the demands the resident said they cannot meet (barred_bits), and whether they say they are new to the work
    barred: np.ndarray
    newcomer: np.ndarray

    @staticmethod
    def dtypes() -> dict[str, type]:
        return {
            "availability": np.int8,
            "age": float,
            "expected": float,
            "x": float,
            "y": float,
            "z": float,
            "reach": float,
            "barred": np.int32,
            "newcomer": bool,
        }

    @classmethod
    def build(cls, profiles: list[ProfileRecord], gazetteer: Gazetteer) -> ProfileTable:
        points = [_point(p.lat, p.lon, p.town, p.community, gazetteer) for p in profiles]
        x, y, z = unit_vectors([pt[0] for pt in points], [pt[1] for pt in points])
        limits = [profile_limits(p) for p in profiles]
        return cls(
            availability=np.array([AVAILABILITY_CODES.get(p.availability, 0) for p in profiles], dtype=np.int8),
            age=np.array([_nan(p.age) for p in profiles]),
            expected=np.array([_nan(p.expected_wage) if p.expected_wage else np.nan for p in profiles]),
            x=x,
            y=y,
            z=z,
            reach=np.array([p.max_commute_km if p.max_commute_km else DEFAULT_REACH_KM for p in profiles], dtype=float),
            barred=np.array([barred_bits(lim) for lim in limits], dtype=np.int32),
            newcomer=np.array([is_newcomer(lim) for lim in limits], dtype=bool),
        )


def _point(lat, lon, town, community, gazetteer: Gazetteer) -> tuple[float, float]:
    if lat is not None and lon is not None:
        return float(lat), float(lon)
    found = gazetteer.locate(town, community)
    return found if found else (np.nan, np.nan)


def pair_features(p: ProfileTable | Columns, pi, j: JobTable | Columns, ji) -> dict[str, np.ndarray]:
    """Features for profiles p[pi] against jobs j[ji]; `pi` and `ji` are index arrays or slices that broadcast.
    Either table may be the index's Columns of the same fields."""
    shift_ok = SHIFT_ALLOWED[p.availability[pi], j.shift[ji]]
    age = p.age[pi]
    with np.errstate(invalid="ignore"):
        age_ok = ~((age < j.age_min[ji]) | (age > j.age_max[ji]))
    expected = p.expected[pi]
    pay_max = j.pay_max[ji]
    with np.errstate(invalid="ignore", divide="ignore"):
        pay_ratio = pay_max / expected
    distance = distance_km(p.x[pi], p.y[pi], p.z[pi], j.x[ji], j.y[ji], j.z[ji])
    reach = p.reach[pi] * np.where(j.stretch[ji], 2.0, 1.0)
    with np.errstate(invalid="ignore"):
        reach_ratio = distance / reach
    shape = np.broadcast_shapes(np.shape(age), np.shape(j.age_min[ji]))
    demand_ok = (j.demands[ji] & p.barred[pi]) == 0
    new_hand = j.experienced[ji] & p.newcomer[pi]
    return {
        "demand_ok": np.broadcast_to(demand_ok, shape),
        "new_hand": np.broadcast_to(new_hand, shape),
        "shift_ok": np.broadcast_to(shift_ok, shape),
        "age_ok": np.broadcast_to(age_ok, shape),
        "pay_ratio": np.broadcast_to(pay_ratio, shape),
        "distance_km": np.broadcast_to(distance, shape),
        "reach_km": np.broadcast_to(reach, shape),
        "reach_ratio": np.broadcast_to(reach_ratio, shape),
        "openings": np.broadcast_to(j.openings[ji], shape),
    }


_PLACE_PREFIX = re.compile(r"^(?:安徽省?|池州市?|九华山|[\u4e00-\u9fff]{1,3}?[省市县区镇乡])")
_FIRM_SUFFIX = re.compile(r"(?:股份)?有限(?:责任)?公司$|公司$|厂$")


def employer_key(name: str | None) -> str:
    """The distinctive part of a firm's name that residents say ("想回恒丰"): no place prefix, two characters."""
    core = normalise(name or "")
    for _ in range(3):
        stripped = _PLACE_PREFIX.sub("", core)
        if stripped == core or len(stripped) < 2:
            break
        core = stripped
    core = _FIRM_SUFFIX.sub("", core)
    return core[:2] if len(core) >= 4 else ""


def relative_to_best(sims: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Similarity relative to the best candidate, so it sits on the same 0..1 scale as the other features."""
    best = sims[mask].max() if mask.any() else 0.0
    return sims / best if best > 0 else np.zeros_like(sims)


def spread(links: sparse.csr_matrix, vector: np.ndarray) -> np.ndarray:
    """For each occupation, the strongest score among the occupations linked to it."""
    out = np.zeros_like(vector)
    for i in np.flatnonzero(vector):
        linked = links.indices[links.indptr[i] : links.indptr[i + 1]]
        out[linked] = np.maximum(out[linked], vector[i])
    return out


def eligible_pairs(feats: dict) -> np.ndarray:
    """Pairs no hard limit breaks: the shift, the age, and every demand the resident said they cannot meet."""
    return np.asarray(feats["shift_ok"] & feats["age_ok"] & feats["demand_ok"], dtype=bool)
