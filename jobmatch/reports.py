"""Figures the office hands upward after each fair and each month: residents served, vacancies offered, what came of
the shortlists and how long a hire took. Plain functions over a SQLAlchemy session (no Flask), used by the office
page, its PDF and XLSX downloads, and `jobmatch report`.

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
import io
import os
import re
import statistics
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import Session

from . import lifecycle
from .errors import Invalid
from .localtime import LOCAL, local_date
from .models import Employer, Fair, Job, Outcome, Profile
from .schemas import MONTH
from .text import strip_pictographs

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


# --- the report ------------------------------------------------------------------------------------


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


def month_range(month: str) -> tuple[datetime, datetime]:
    """[start, end) of a "YYYY-MM" calendar month in Beijing time; Invalid for anything else."""
    match = MONTH.fullmatch(month or "")
    if not match:
        raise Invalid("月份应写成 2026-03 这样 (month must be YYYY-MM)", {"month": ["expected YYYY-MM"]})
    year, number = int(match.group(1)), int(match.group(2))
    start = datetime(year, number, 1, tzinfo=LOCAL)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=LOCAL)
    return start, end


def build_report(session: Session, taxonomy, *, fair_id: int | None = None, month: str | None = None) -> Report:
    """The report of one fair or one month (exactly one of the two); see the module docstring for what counts."""
    from .services import get_fair

    if (fair_id is None) == (month is None):
        message = "请选一场集市或一个月份，只选一样 (give fair_id or month, exactly one)"
        raise Invalid(message, {"fair_id": ["give fair_id or month"], "month": ["give fair_id or month"]})
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
        generated_at=datetime.now(LOCAL).isoformat(timespec="seconds"),
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
        select(deleted, Profile.town, Profile.community, func.count()).where(where).group_by(deleted, Profile.town, Profile.community)
    ):
        # Deletion erases the community but keeps the town: every deleted profile goes to one bucket.
        key = (None, None) if gone or not (town or community) else (town, community)
        places[key] = places.get(key, 0) + n
    rows = [CommunityRow(_place_label(town, community), town, community, n) for (town, community), n in places.items()]
    rows.sort(key=lambda r: (r.label == UNFILLED, -r.residents, r.label))
    ages = dict(session.execute(select(Profile.age, func.count()).where(where).group_by(Profile.age)).all())
    return rows, [AgeRow(label, sum(n for age, n in ages.items() if _in_band(age, low, high))) for label, low, high in AGE_BANDS]


def _place_label(town: str | None, community: str | None) -> str:
    if not (town or community):
        return UNFILLED
    return f"{town} {community}" if town and community else (f"{town}（未填社区）" if town else community)


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
        select(Job.id, Job.openings, Job.coding, Employer.name).join(Employer, Employer.id == Job.employer_id).where(where)
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
        count=len(days), median=float(statistics.median(days)), mean=round(statistics.fmean(days), 1),
        min=min(days), max=max(days),
    )


# --- tables: one definition for the page, the text, the PDF and the workbook ----------------------


@dataclass
class Table:
    title: str  # also the workbook's sheet name
    headings: list[str]
    rows: list[tuple]


def cell_text(value) -> str:
    """A table cell as text: floats without trailing zeros, a dash for no value."""
    if value is None:
        return "—"
    return f"{value:.1f}".removesuffix(".0") if isinstance(value, float) else str(value)


def summary_rows(report: Report) -> list[tuple[str, object]]:
    """The key figures, as (label, value)."""
    scope = [("集市", report.fair_name), ("集市日期", report.fair_date)] if report.scope == "fair" else [("月份", report.month)]
    f, days = report.funnel, report.hire_days
    return [
        ("报表", report.title),
        ("范围", "一场集市" if report.scope == "fair" else "一个月（北京时间）"),
        *scope,
        ("服务居民（人）", report.residents),
        ("岗位（个）", report.vacancies),
        ("招聘人数（人）", report.posts),
        ("推荐过的居民-岗位对", f.pairs),
        ("已录用（对）", f.hired),
        ("录用居民（人）", f.residents_hired),
        ("录用用时中位数（天）", days.median),
        ("生成时间", _stamp(report)),
    ]


def funnel_rows(report: Report) -> list[tuple[str, int]]:
    f = report.funnel
    return [(lifecycle.LABELS[stage], getattr(f, stage)) for stage in (*lifecycle.STEPS, *EXITS)]


def tables(report: Report) -> list[Table]:
    """Every table of the report, in the order the page and the workbook show them."""
    days = report.hire_days
    return [
        Table("概况", ["项目", "数值"], summary_rows(report)),
        Table("居民-社区", ["乡镇 社区", "居民（人）"], [(r.label, r.residents) for r in report.residents_by_community]),
        Table("居民-年龄", ["年龄段", "居民（人）"], [(r.band, r.residents) for r in report.residents_by_age]),
        Table("岗位-企业", ["企业", "岗位（个）", "招聘人数", "已录用"], [(r.employer, r.vacancies, r.posts, r.hired) for r in report.vacancies_by_firm]),
        Table("岗位-职业", ["职业代码", "职业名称", "岗位（个）", "招聘人数"], [(r.code, r.name, r.vacancies, r.posts) for r in report.vacancies_by_occupation]),
        Table("推荐结果", ["环节", "居民-岗位对"], [*funnel_rows(report), ("推荐过的对（合计）", report.funnel.pairs), ("录用居民（人）", report.funnel.residents_hired)]),
        Table("录用用时", ["项目", "天数"], [("录用数", days.count), ("中位数", days.median), ("平均", days.mean), ("最短", days.min), ("最长", days.max)]),
    ]


def _top(rows: list[tuple], n: int, other: str, label_at: int = 0) -> list[tuple]:
    """The first n - 1 rows, and the rest summed into one row labelled `other` (its other text columns blank)."""
    if len(rows) <= n:
        return rows
    rest = rows[n - 1 :]
    summed = [sum(r[i] for r in rest) if isinstance(rest[0][i], int) else "" for i in range(len(rest[0]))]
    summed[label_at] = other.format(len(rest))
    return rows[: n - 1] + [tuple(summed)]


def numeric_columns(rows: list[tuple], count: int) -> list[bool]:
    """Which columns hold only numbers (or no value): those are right-aligned."""
    return [bool(rows) and all(isinstance(r[i], (int, float)) or r[i] is None for r in rows) for i in range(count)]


# --- text ------------------------------------------------------------------------------------------


def _width(text: str) -> int:
    """Columns on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def report_text(report: Report) -> str:
    """The report as plain-text tables for a terminal."""
    out = []
    for table in tables(report):
        cells = [[cell_text(v) for v in row] for row in table.rows]
        numeric = numeric_columns(table.rows, len(table.headings))
        widths = [max([_width(h)] + [_width(row[i]) for row in cells]) for i, h in enumerate(table.headings)]
        out.append(f"== {table.title} ==")
        out.append("  ".join(_pad(h, w, r) for h, w, r in zip(table.headings, widths, numeric)).rstrip())
        out.append("  ".join("-" * w for w in widths))
        out += ["  ".join(_pad(c, w, r) for c, w, r in zip(row, widths, numeric)).rstrip() for row in cells]
        if not cells:
            out.append("（无）")
        out.append("")
    return "\n".join(out)


# --- workbook --------------------------------------------------------------------------------------


def report_xlsx(report: Report) -> bytes:
    """One sheet per table, Chinese headings in bold, the heading row frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .spreadsheet import save, write_rows

    book = Workbook()
    book.remove(book.active)
    for table in tables(report):
        sheet = book.create_sheet(table.title)
        write_rows(sheet, [table.headings, *table.rows])  # firm and fair names are text, never formulas
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for i, heading in enumerate(table.headings):
            letter = sheet.cell(row=1, column=i + 1).column_letter
            sheet.column_dimensions[letter].width = max([_width(heading)] + [_width(cell_text(r[i])) for r in table.rows]) + 2
    return save(book)


# --- PDF -------------------------------------------------------------------------------------------


def _bars(title: str, items: list[tuple[str, int]], width: float, font: str):
    """A small horizontal bar chart drawn with reportlab, labels in the PDF's CJK font (real text, not pictures)."""
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib import colors

    from .printing import printable

    row, label_width, top = 13, 62, 16
    drawing = Drawing(width, top + row * len(items) + 4)
    height = drawing.height
    drawing.add(String(0, height - 11, title, fontName=font, fontSize=10))
    biggest = max((value for _, value in items), default=0) or 1
    room = width - label_width - 28
    for i, (label, value) in enumerate(items):
        y = height - top - row * (i + 1)
        drawing.add(String(label_width - 4, y + 3, printable(label), fontName=font, fontSize=8, textAnchor="end"))
        bar = room * value / biggest
        if bar > 0:
            drawing.add(Rect(label_width, y + 1, bar, row - 3, fillColor=colors.HexColor("#0b5394"), strokeColor=None))
        drawing.add(String(label_width + bar + 3, y + 3, str(value), fontName=font, fontSize=8))
    return drawing


def _stamp(report: Report) -> str:
    return report.generated_at.replace("T", " ").replace("+08:00", "（北京时间）")


def _heading(report: Report) -> str:
    # Fair names often say 送岗摊位 already.
    return f"{report.title} · 报表" if "送岗" in report.title else f"{report.title} · 送岗摊位报表"


def report_pdf(report: Report) -> bytes:
    """One A4 page: title, key figures, two bar charts, and the small tables (top rows, the rest summed)."""
    from xml.sax.saxutils import escape as escape_xml

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table as Grid, TableStyle

    from .printing import pdf_font, printable

    def escape(text) -> str:
        return escape_xml(printable(text))

    font = pdf_font()
    base = ParagraphStyle("report", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    cell = ParagraphStyle("report-cell", parent=base, fontSize=8.5, leading=10.5)
    number = ParagraphStyle("report-number", parent=cell, alignment=2)  # right-aligned
    title_style = ParagraphStyle("report-title", parent=base, fontSize=16, leading=21)
    heading_style = ParagraphStyle("report-heading", parent=base, fontSize=10.5, leading=14, spaceBefore=5, spaceAfter=1)
    margin = 14 * mm
    width, height = A4[0] - 2 * margin, A4[1] - 2 * margin
    gap = 6 * mm
    left, right = (width - gap) * 0.4, (width - gap) * 0.6

    def grid(title: str, headings: list[str], rows: list[tuple], fractions: list[float], column: float):
        numeric = numeric_columns(rows, len(headings))
        data = [[Paragraph(escape(h), number if n else cell) for h, n in zip(headings, numeric)]]
        data += [[Paragraph(escape(cell_text(v)), number if n else cell) for v, n in zip(row, numeric)] for row in rows]
        if not rows:
            data.append([Paragraph("（无）", cell)] + [""] * (len(headings) - 1))
        shown = Grid(data, colWidths=[column * f for f in fractions])
        shown.setStyle(TableStyle([
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
            ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.grey),
            ("TOPPADDING", (0, 0), (-1, -1), 1.2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        return [Paragraph(escape(title), heading_style), shown]

    def side_by_side(first, second, widths):
        both = Grid([[first, second]], colWidths=widths)
        both.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        return both

    f, days = report.funnel, report.hire_days
    figures = [
        ("服务居民", f"{report.residents} 人"), ("岗位", f"{report.vacancies} 个"), ("招聘人数", f"{report.posts} 人"),
        ("已推荐", f"{f.shown} 对"), ("已录用", f"{f.hired} 对 / {f.residents_hired} 人"),
        ("录用用时中位数", "—" if days.median is None else f"{cell_text(days.median)} 天"),
    ]
    key_grid = Grid(
        [[Paragraph(escape(label), base) for label, _ in figures], [Paragraph(f"<b>{escape(value)}</b>", base) for _, value in figures]],
        colWidths=[width / 6] * 6,
    )
    key_grid.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f1f4f8"))]))
    charts = side_by_side(
        _bars("推荐结果（居民-岗位对）", funnel_rows(report), (width - gap) / 2, font),
        _bars("居民年龄", [(r.band, r.residents) for r in report.residents_by_age], (width - gap) / 2, font),
        [(width + gap) / 2, (width - gap) / 2],
    )
    communities = _top([(r.label, r.residents) for r in report.residents_by_community], 10, "其他 {} 处")
    firms = _top([(r.employer, r.vacancies, r.posts, r.hired) for r in report.vacancies_by_firm], 10, "其他 {} 家企业")
    occupations = _top([(r.code, r.name, r.vacancies, r.posts) for r in report.vacancies_by_occupation], 10, "其他 {} 类", label_at=1)
    columns = side_by_side(
        grid("居民-年龄", ["年龄段", "居民"], [(r.band, r.residents) for r in report.residents_by_age], [0.7, 0.3], left)
        + grid("居民-社区（前 10）", ["乡镇 社区", "居民"], communities, [0.7, 0.3], left),
        grid("岗位-企业（前 10）", ["企业", "岗位", "人数", "已录用"], firms, [0.58, 0.14, 0.14, 0.14], right)
        + grid("岗位-职业（前 10）", ["职业代码", "职业名称", "岗位", "人数"], occupations, [0.2, 0.52, 0.14, 0.14], right),
        [left + gap, right],
    )
    hire_line = (
        f"录用用时（从集市当天，或没有集市时从登记当天，到记为录用）：{days.count} 人次，中位数 {cell_text(days.median)} 天，"
        f"平均 {cell_text(days.mean)} 天，最短 {cell_text(days.min)} 天，最长 {cell_text(days.max)} 天。"
        f"推荐过的居民-岗位对共 {f.pairs} 对；本人不去 {f.declined_by_resident} 对，企业未录用 {f.declined_by_firm} 对，未到场 {f.no_show} 对。"
    )
    scope = SCOPE_TEXT[report.scope]
    story = [
        Paragraph(escape(_heading(report)), title_style),
        Paragraph(escape(f"{scope}报表不含姓名和电话。生成于 {_stamp(report)}。"), base),
        Spacer(1, 3 * mm), key_grid, Spacer(1, 3 * mm), charts, Spacer(1, 2 * mm),
        Paragraph(escape(hire_line), base), columns,
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
        title=_heading(report), author="jobmatch",
    )
    # Shrinks the whole page when a scope has unusually long names, so the report stays one sheet of paper.
    document.build([KeepInFrame(width, height - 2, story, mode="shrink")])
    return buffer.getvalue()


# --- charts (SVG for the page) ---------------------------------------------------------------------

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
CHART_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",
)
# What the browser may draw the labels with (the SVG keeps its text as text); the page's own CSS uses the same list.
CJK_FAMILIES = ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC")
# SVG presentation attributes: what matplotlib puts in style="" is moved to these, because the pages' CSP
# (style-src 'self') ignores inline styles.
_PRESENTATION = {
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linejoin", "stroke-linecap",
    "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity", "font-family", "font-size", "font-style",
    "font-weight", "font-variant", "font-stretch", "text-anchor", "clip-path",
}
_CHART_LOCK = threading.Lock()  # rc_context and the warnings filter are process-wide
ACCENT, MUTED = "#0b5394", "#8a8a8a"


@lru_cache(maxsize=4)
def chart_font(paths: tuple[str, ...]) -> tuple[str, int] | None:
    """Register the first CJK font file that exists with matplotlib: (family, weight), or None when there is none.

    The weight is the font's own (WenQuanYi Zen Hei calls itself 500), so matplotlib finds it without complaint.
    """
    from matplotlib import font_manager

    for path in paths:
        if path and os.path.exists(path):
            font_manager.fontManager.addfont(path)
            entry = next(f for f in font_manager.fontManager.ttflist if f.fname == path)
            return entry.name, entry.weight
    return None


def charts_svg(report: Report) -> dict[str, str]:
    """Inline SVG charts for the page: "funnel", "ages" and "firms". Text stays text, in a CJK font list.

    Without a CJK font on the server matplotlib measures the labels with DejaVu Sans, which has no Chinese glyphs: its
    "Glyph ... missing" warnings are silenced on purpose, since the browser draws the text with its own fonts and
    only the label widths matplotlib reserved are approximate.
    """
    import warnings

    from matplotlib import rc_context
    from matplotlib.figure import Figure  # the object API only: no pyplot, so no GUI backend is ever chosen

    found = chart_font((os.environ.get("JOBMATCH_PDF_FONT", ""), *CHART_FONT_FILES))
    name, weight = found or ("DejaVu Sans", 400)
    rc = {
        "svg.fonttype": "none", "svg.hashsalt": "jobmatch", "font.family": ["sans-serif"],
        "font.sans-serif": list(dict.fromkeys([name, *CJK_FAMILIES, "DejaVu Sans"])), "font.weight": weight,
        "axes.titleweight": weight, "font.size": 12, "axes.unicode_minus": False,
        "axes.spines.top": False, "axes.spines.right": False,
    }
    firms = report.vacancies_by_firm[:10]
    plans = {
        "funnel": ("推荐结果（居民-岗位对）", funnel_rows(report), True, [ACCENT] * len(lifecycle.STEPS) + [MUTED] * len(EXITS)),
        "ages": ("居民年龄", [(r.band, r.residents) for r in report.residents_by_age], False, [ACCENT] * len(AGE_BANDS)),
        "firms": (f"各企业招聘人数（前 {len(firms)} 家）" if firms else "各企业招聘人数", [(_short(r.employer), r.posts) for r in firms], True, [ACCENT] * len(firms)),
    }
    out = {}
    with _CHART_LOCK, rc_context(rc), warnings.catch_warnings():
        if found is None:
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)
        for key, (title, items, horizontal, colours) in plans.items():
            figure = Figure(figsize=(6.4, 0.9 + 0.32 * max(len(items), 3)) if horizontal else (6.4, 3.0), layout="constrained")
            _draw_bars(figure.subplots(), title, items, horizontal, colours)
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
            out[key] = _inline_svg(buffer.getvalue(), key, title, weight)
    return out


def _short(label: str, limit: int = 14) -> str:
    label = " ".join(strip_pictographs(label).split())  # no chart font has emoji
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _draw_bars(axes, title: str, items: list[tuple[str, int]], horizontal: bool, colours: list[str]) -> None:
    from matplotlib.ticker import MaxNLocator

    # A "$" pair would start matplotlib's mathtext: firm names are plain text.
    labels = [label.replace("$", r"\$") for label, _ in items]
    values = [value for _, value in items]
    axes.set_title(title, loc="left", fontsize=14)
    if not items:
        axes.set_axis_off()
        axes.text(0.5, 0.5, "（无）", ha="center", va="center", transform=axes.transAxes)
        return
    room = max(values) * 1.18 or 1
    if horizontal:
        bars = axes.barh(range(len(items)), values, color=colours)
        axes.set_yticks(range(len(items)), labels)
        axes.invert_yaxis()
        axes.set_xlim(0, room)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        bars = axes.bar(range(len(items)), values, color=colours)
        axes.set_xticks(range(len(items)), labels)
        axes.set_ylim(0, room)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.bar_label(bars, padding=3)


def _inline_svg(raw: str, key: str, title: str, weight: int) -> str:
    """matplotlib's SVG made fit to inline in a page under its CSP: style="" becomes presentation attributes, the
    <style> and metadata go, ids nothing points at go and the rest get the chart's prefix (several charts share a
    page), and a <title> names the chart for screen readers."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(raw)
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG}}}metadata", f"{{{SVG}}}style"):
                parent.remove(child)
    # What the removed <style> said for every element, inherited from the root instead.
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    referenced = {a or b for a, b in re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', raw)}
    for element in root.iter():
        style = element.attrib.pop("style", "")
        for declaration in style.split(";"):
            prop, _, value = (part.strip() for part in declaration.partition(":"))
            # The chart font's own weight is its normal one: the browser's CJK font should use its regular face.
            if prop in _PRESENTATION and value and not (prop == "font-weight" and value == str(weight)):
                element.set(prop, value)
        if "id" in element.attrib:
            if element.get("id") in referenced:
                element.set("id", f"chart-{key}-{element.get('id')}")
            else:
                del element.attrib["id"]
        href = element.attrib.pop(f"{{{XLINK}}}href", None)
        if href is not None:
            element.set("href", f"#chart-{key}-{href[1:]}" if href.startswith("#") else href)
        for attribute in ("clip-path", "mask", "filter"):
            value = element.get(attribute)
            if value and value.startswith("url(#"):
                element.set(attribute, f"url(#chart-{key}-{value[5:]}")
    for attribute in ("width", "height"):
        root.attrib.pop(attribute, None)  # the page's CSS sizes the chart; the viewBox keeps its shape
    root.set("role", "img")
    root.set("class", "chart")
    label = ET.Element(f"{{{SVG}}}title")
    label.text = title
    root.insert(0, label)
    for element in root.iter():  # plain tag names and one xmlns: the markup an HTML page expects of inline SVG
        element.tag = element.tag.rpartition("}")[2]
    root.set("xmlns", SVG)
    return ET.tostring(root, encoding="unicode")
