"""The figures the office hands upward after each fair and each month: residents served, vacancies offered, what came
of the shortlists and how long a hire took. Plain queries over a SQLAlchemy session (no Flask) that fill a `Report`;
the other modules of this package only lay a `Report` out.

Scope rules
-----------
A report covers either one fair or one calendar month, in Beijing time (jobmatch/localtime.py): from the 1st 00:00
up to, not including, the 1st of the next month 00:00, as the office counts its months.

- Fair scope (``fair_id``):
  - residents: the profiles registered at that fair (``profiles.fair_id``), deleted ones included;
  - vacancies: the jobs posted for that fair (``jobs.fair_id``), open or closed;
  - outcomes: every step ever recorded for those residents' pairs, whichever vacancy and whenever recorded.
- Month scope (``month="YYYY-MM"``):
  - residents: the profiles created in the month;
  - vacancies: the jobs created in the month;
  - outcomes: the steps recorded in the month, whoever the resident and whichever the vacancy.

How each figure is counted
--------------------------
- Residents by community: town and community as the profile holds them. A deleted profile has had its community
  erased, so deleted profiles, and profiles with neither town nor community, count under "已删除/未填".
  Age bands: under 30, 30-39, 40-49, 50-59, 60 and over, unknown (deletion keeps the age).
- Posts offered by a vacancy: its current ``openings`` plus every hire ever recorded for it, since a hire counts the
  openings down. Occupation: the vacancy's primary occupation in its stored coding (the strongest; on a tie the first
  listed), shown as that occupation's CSCO 2022 code and name; a vacancy without a usable coding counts as "未识别".
- Funnel: a pair (resident, vacancy) with steps in scope reached a stage when its furthest forward step in scope is
  that stage or later, in the order shown < contacted < interviewed < hired. So a hire on the spot also counts as
  shown, contacted and interviewed, and a pair now at a no-show or a decline counts for the furthest step it had
  reached. A pair declined before any forward step counts only under its decline. Declines and no-shows count the
  pairs with such a step in scope. In the month scope only that month's steps count: a pair shown in March and hired
  in April is a March "shown" and an April "hired" (and so, by the order, also an April "shown").
- Days to hire: for each hire in scope, the days from the resident's fair date (without a fair: the day the profile
  was created) to the day the hire was recorded, both as Beijing dates.

No names, phones or other personal fields are read, so none can reach a report.
"""

from __future__ import annotations

import dataclasses
import statistics
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, case, distinct, func, select
from sqlalchemy.orm import Session

from .. import lifecycle, localtime
from ..errors import Invalid
from ..localtime import LOCAL, local_date
from ..models import Employer, Fair, Job, Outcome, Profile
from ..schemas import MONTH
from ..services import get_fair

UNFILLED = "已删除/未填"
UNCODED = "未识别"
# (label, lowest age, highest age); None is open-ended, and the band open at both ends holds profiles without an age.
AGE_BANDS = (
    ("30岁以下", None, 29),
    ("30-39岁", 30, 39),
    ("40-49岁", 40, 49),
    ("50-59岁", 50, 59),
    ("60岁及以上", 60, None),
    ("未填年龄", None, None),
)
EXITS = (lifecycle.DECLINED_BY_RESIDENT, lifecycle.DECLINED_BY_FIRM, lifecycle.NO_SHOW)
# The scope rules in one sentence each, for the page and the PDF (the module docstring has them in full).
SCOPE_TEXT = {
    "fair": "范围：本场集市登记的居民、本场集市的岗位，以及这些居民的全部推荐结果。",
    "month": "范围：本月（北京时间）登记的居民、发布的岗位和记录的推荐结果。",
}


@dataclass
class CommunityRow:
    label: str
    town: str | None
    community: str | None
    residents: int


@dataclass
class AgeRow:
    band: str
    residents: int


@dataclass
class FirmRow:
    employer: str
    vacancies: int
    posts: int
    hired: int  # hires ever recorded for these vacancies: posts = openings left + hired


@dataclass
class OccupationRow:
    code: str
    name: str
    vacancies: int
    posts: int


@dataclass
class Funnel:
    pairs: int = 0
    shown: int = 0
    contacted: int = 0
    interviewed: int = 0
    hired: int = 0
    declined_by_resident: int = 0
    declined_by_firm: int = 0
    no_show: int = 0
    residents_hired: int = 0


@dataclass
class HireDays:
    count: int = 0
    median: float | None = None
    mean: float | None = None
    min: int | None = None
    max: int | None = None


@dataclass
class Report:
    scope: str  # "fair" or "month"
    title: str
    fair_id: int | None
    fair_name: str | None
    fair_date: str | None  # ISO date
    month: str | None  # YYYY-MM
    generated_at: str  # ISO timestamp, Beijing time
    residents: int
    residents_by_community: list[CommunityRow]
    residents_by_age: list[AgeRow]
    vacancies: int
    posts: int
    vacancies_by_firm: list[FirmRow]
    vacancies_by_occupation: list[OccupationRow]
    funnel: Funnel
    hire_days: HireDays = field(default_factory=HireDays)

    def to_dict(self) -> dict:
        """Plain dicts, lists, strings and numbers: ready for json.dumps."""
        return dataclasses.asdict(self)

    @property
    def query(self) -> dict:
        """The query arguments that name this report again (for download links)."""
        return {"fair": self.fair_id} if self.scope == "fair" else {"month": self.month}

    @property
    def slug(self) -> str:
        return f"fair-{self.fair_id}" if self.scope == "fair" else f"month-{self.month}"


def month_range(month: str | None) -> tuple[datetime, datetime]:
    """[start, end) of a "YYYY-MM" calendar month in Beijing time; Invalid for anything else."""
    match = MONTH.fullmatch(month or "")
    if not match:
        raise Invalid(
            "月份应写成 2026-03 这样", english="month must be YYYY-MM", fields={"month": ["expected YYYY-MM"]}
        )
    year, number = int(match.group(1)), int(match.group(2))
    start = datetime(year, number, 1, tzinfo=LOCAL)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=LOCAL)
    return start, end


def build_report(session: Session, taxonomy, *, fair_id: int | None = None, month: str | None = None) -> Report:
    """The report of one fair or one month (exactly one of the two); see the module docstring for what counts."""
    if (fair_id is None) == (month is None):
        raise Invalid(
            "请选一场集市或一个月份，只选一样",
            english="give fair_id or month, exactly one",
            fields={"fair_id": ["give fair_id or month"], "month": ["give fair_id or month"]},
        )
    profiles: ColumnElement[bool]
    jobs: ColumnElement[bool]
    outcomes: ColumnElement[bool]
    fair_name: str | None
    fair_date: str | None
    if fair_id is not None:
        fair = get_fair(session, fair_id)
        profiles = Profile.fair_id == fair.id
        jobs = Job.fair_id == fair.id
        outcomes = Outcome.profile_id.in_(select(Profile.id).where(profiles))
        title = f"{fair.name}（{fair.date.isoformat()}）"
        fair_name, fair_date = fair.name, fair.date.isoformat()
    else:
        start, end = month_range(month)
        profiles = (Profile.created_at >= start) & (Profile.created_at < end)
        jobs = (Job.created_at >= start) & (Job.created_at < end)
        outcomes = (Outcome.created_at >= start) & (Outcome.created_at < end)
        title = f"{start.year}年{start.month}月"
        fair_name = fair_date = None
    by_community, by_age = _residents(session, profiles)
    by_firm, by_occupation, vacancies, posts = _vacancies(session, taxonomy, jobs)
    return Report(
        scope="fair" if fair_id is not None else "month",
        title=title,
        fair_id=fair_id,
        fair_name=fair_name,
        fair_date=fair_date,
        month=month,
        generated_at=localtime.now().astimezone(LOCAL).isoformat(timespec="seconds"),
        residents=sum(row.residents for row in by_age),
        residents_by_community=by_community,
        residents_by_age=by_age,
        vacancies=vacancies,
        posts=posts,
        vacancies_by_firm=by_firm,
        vacancies_by_occupation=by_occupation,
        funnel=_funnel(session, outcomes),
        hire_days=_hire_days(session, outcomes),
    )


def _residents(session: Session, where) -> tuple[list[CommunityRow], list[AgeRow]]:
    deleted = case((Profile.deleted_at.is_not(None), 1), else_=0)
    places: dict[tuple, int] = {}
    for gone, town, community, n in session.execute(
        select(deleted, Profile.town, Profile.community, func.count())
        .where(where)
        .group_by(deleted, Profile.town, Profile.community)
    ):
        # Deletion erases the community but keeps the town: every deleted profile goes to one bucket.
        key = (None, None) if gone or not (town or community) else (town, community)
        places[key] = places.get(key, 0) + n
    rows = [CommunityRow(_place_label(town, community), town, community, n) for (town, community), n in places.items()]
    rows.sort(key=lambda r: (r.label == UNFILLED, -r.residents, r.label))
    ages = dict(session.execute(select(Profile.age, func.count()).where(where).group_by(Profile.age)).all())
    return rows, [
        AgeRow(label, sum(n for age, n in ages.items() if _in_band(age, low, high))) for label, low, high in AGE_BANDS
    ]


def _place_label(town: str | None, community: str | None) -> str:
    if town and community:
        return f"{town} {community}"
    if town:
        return f"{town}（未填社区）"
    return community or UNFILLED


def _in_band(age: int | None, low: int | None, high: int | None) -> bool:
    if low is None and high is None:  # the band of profiles without an age
        return age is None
    return age is not None and (low is None or age >= low) and (high is None or age <= high)


def _vacancies(session: Session, taxonomy, where) -> tuple[list[FirmRow], list[OccupationRow], int, int]:
    hires = dict(
        session.execute(
            select(Outcome.job_id, func.count())
            .where(Outcome.status == lifecycle.HIRED, Outcome.job_id.in_(select(Job.id).where(where)))
            .group_by(Outcome.job_id)
        ).all()
    )
    firms: dict[str, FirmRow] = {}
    occupations: dict[tuple[str, str], OccupationRow] = {}
    count = posts = 0
    for job_id, openings, coding, employer in session.execute(
        select(Job.id, Job.openings, Job.coding, Employer.name)
        .join(Employer, Employer.id == Job.employer_id)
        .where(where)
    ):
        hired = hires.get(job_id, 0)
        offered = (openings or 0) + hired
        count += 1
        posts += offered
        firm = firms.setdefault(employer, FirmRow(employer, 0, 0, 0))
        firm.vacancies += 1
        firm.posts += offered
        firm.hired += hired
        key = primary_occupation(taxonomy, coding)
        occupation = occupations.setdefault(key, OccupationRow(key[0], key[1], 0, 0))
        occupation.vacancies += 1
        occupation.posts += offered
    by_firm = sorted(firms.values(), key=lambda r: (-r.posts, -r.vacancies, r.employer))
    by_occupation = sorted(occupations.values(), key=lambda r: (r.name == UNCODED, -r.vacancies, -r.posts, r.code))
    return by_firm, by_occupation, count, posts


def primary_occupation(taxonomy, coding: dict | None) -> tuple[str, str]:
    """(CSCO code, CSCO name) of the strongest occupation in a job's stored coding, or ("", "未识别").

    The coding is used whichever coder version stored it, as long as its occupation is still in the taxonomy.
    """
    scores = (coding or {}).get("occ") or {}
    best = None
    for occupation_id, score in scores.items():  # the coder lists them strongest first, so a tie keeps the first
        if occupation_id in taxonomy.occupations and (best is None or score > scores[best]):
            best = occupation_id
    if best is None:
        return "", UNCODED
    occupation = taxonomy.occupations[best]
    return occupation.csco_code or "", occupation.csco_name or occupation.name


def _funnel(session: Session, where) -> Funnel:
    order = {stage: n for n, stage in enumerate(lifecycle.STEPS, start=1)}
    furthest = func.max(case(order, value=Outcome.status, else_=0)).label("furthest")
    ever = [func.max(case((Outcome.status == status, 1), else_=0)).label(status) for status in EXITS]
    pairs = (
        select(Outcome.profile_id, furthest, *ever).where(where).group_by(Outcome.profile_id, Outcome.job_id).subquery()
    )

    def reached(n: int):
        return func.coalesce(func.sum(case((pairs.c.furthest >= n, 1), else_=0)), 0)

    row = session.execute(
        select(
            func.count(),
            *(reached(n) for n in order.values()),
            *(func.coalesce(func.sum(pairs.c[status]), 0) for status in EXITS),
            func.count(distinct(case((pairs.c.furthest == order[lifecycle.HIRED], pairs.c.profile_id)))),
        )
    ).one()
    return Funnel(*(int(n) for n in row))


def _hire_days(session: Session, where) -> HireDays:
    rows = session.execute(
        select(Outcome.created_at, Fair.date, Profile.created_at)
        .join(Profile, Profile.id == Outcome.profile_id)
        .outerjoin(Fair, Fair.id == Profile.fair_id)
        .where(Outcome.status == lifecycle.HIRED, where)
    ).all()
    days = [(local_date(hired) - (fair_day or local_date(created))).days for hired, fair_day, created in rows]
    if not days:
        return HireDays()
    return HireDays(
        count=len(days),
        median=float(statistics.median(days)),
        mean=round(statistics.fmean(days), 1),
        min=min(days),
        max=max(days),
    )
