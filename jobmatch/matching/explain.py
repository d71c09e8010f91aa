"""Short reasons in plain Chinese for one match, for residents and stall staff, each in both wordings (wording.py)."""

from __future__ import annotations

import math
import re

from .demands import unmet
from .features import job_demands, profile_limits
from .postings import UNIT_NAMES, figure
from .records import JobRecord, ProfileRecord
from .text import normalise
from .wording import Reason, naming_the_resident, plain

_SHIFT_NAMES = {
    "day": "只有白班",
    "two_shift": "两班倒",
    "three_shift": "三班倒",
    "part_time": "钟点工，时间短",
    "flexible": "时间灵活",
}


def _shift_name(shift: str | None) -> str:
    # completed_job gives every vacancy the matcher ranks a shift, day where the posting states none
    return _SHIFT_NAMES.get(shift or "day", shift or "day")


_TERM_SPLIT = re.compile(r"[\s/、，,()（）;；·]+")


def job_terms(job: JobRecord) -> list[str]:
    """The job's title pieces and skills, normalised, longest first."""
    pieces = _TERM_SPLIT.split(normalise(job.title)) + [normalise(s) for s in job.skills]
    return sorted({p for p in pieces if len(p) >= 2}, key=len, reverse=True)


def _longest_shared_run(term: str, text: str) -> str:
    for size in range(len(term), 1, -1):
        for start in range(len(term) - size + 1):
            if term[start : start + size] in text:
                return term[start : start + size]
    return ""


def shared_terms(job: JobRecord, profile_text: str, limit: int = 2) -> list[str]:
    """Job terms in the resident's own words: whole terms first, else each term's longest shared run (2+ characters)."""
    terms = job_terms(job)
    found = [t for t in terms if t in profile_text] or [_longest_shared_run(t, profile_text) for t in terms]
    unique: list[str] = []
    for term in sorted(filter(None, found), key=len, reverse=True):
        if not any(term in u for u in unique):
            unique.append(term)
    return unique[:limit]


def wage_text(job: JobRecord) -> str | None:
    lo, hi = job.wage_min, job.wage_max
    if lo is None:
        if hi is None:
            return None
        span = figure(hi)
    elif hi is None or lo == hi:
        span = figure(lo)
    else:
        span = f"{figure(lo)}-{figure(hi)}"
    return f"{UNIT_NAMES.get(job.wage_unit, '月薪')} {span}"


def explain(
    job: JobRecord, profile: ProfileRecord, f: dict[str, float], profile_text: str, occupation: Reason | None = None
) -> list[Reason]:
    """2-5 reasons: hard problems first, then occupation, shift, distance and pay."""
    problems: list[Reason] = []
    reasons: list[Reason] = []
    if not f["age_ok"]:
        lo = job.age_min if job.age_min is not None else "不限"
        hi = job.age_max if job.age_max is not None else "不限"
        problems.append(naming_the_resident(lambda who: f"年龄要求 {lo}-{hi} 岁，{who} {profile.age} 岁，不符合"))
    if not f["shift_ok"]:
        shift = _shift_name(job.shift)
        if profile.availability == "part_time":
            problems.append(naming_the_resident(lambda who: f"要全职上班（{shift}），{who}只能做零工"))
        else:
            problems.append(naming_the_resident(lambda who: f"要上夜班（{shift}），{who}只能上白班"))
    if not f.get("demand_ok", True):
        problems += [Reason(u.reason, u.reason_for_staff) for u in unmet(job_demands(job), profile_limits(profile))]
    if f.get("new_hand"):
        problems.append(naming_the_resident(lambda who: f"只招有经验的熟手，{who}说没做过"))
    elif f.get("new_to_occ"):  # their words say what they have done, and this vacancy's work is none of it
        problems.append(naming_the_resident(lambda who: f"只招有经验的熟手，{who}没做过这一行"))

    terms = shared_terms(job, profile_text)
    if occupation:
        reasons.append(occupation)
    elif terms:
        reasons.append(plain("、".join(f"「{t}」" for t in terms) + "，与岗位对口"))
    elif f["text"] < 0.05 and f.get("occ_near", 0) < 0.4:
        reasons.append(plain("工种不太对口"))
    if f["shift_ok"]:
        reasons.append(plain(_shift_name(job.shift)))

    distance = f["distance_km"]
    if not math.isnan(distance):
        perks = normalise(" ".join([job.title, *job.perks, job.description]))
        helps = (
            "，有班车"
            if "班车" in perks or "接送" in perks
            else ("，包住" if "包住" in perks or "住宿" in perks else "")
        )
        text = f"离家 {distance:.1f} 公里{helps}"
        if f["reach_ratio"] > 1:
            reach = f"{f['reach_km']:.0f}"
            reasons.append(naming_the_resident(lambda who: f"{text}，超出{who}能去的 {reach} 公里"))
        else:
            reasons.append(plain(text))

    wage = wage_text(job)
    if wage:
        ratio = f["pay_ratio"]
        if math.isnan(ratio) or profile.expected_wage is None:  # no expected wage gives no ratio
            reasons.append(plain(wage))
        elif ratio >= 1:
            reasons.append(plain(f"{wage}，能达到期望"))
        elif ratio >= 0.8:
            reasons.append(plain(f"{wage}，略低于期望的 {figure(profile.expected_wage)}"))
        else:
            reasons.append(plain(f"{wage}，低于期望的 {figure(profile.expected_wage)}"))

    return (problems + reasons)[:5]
