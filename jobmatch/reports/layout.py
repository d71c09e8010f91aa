"""The report's tables, defined once for the page, the terminal text, the PDF and the workbook, and the plain-text
report for `jobmatch report`."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .. import lifecycle
from .figures import EXITS, Report


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


def stamp(report: Report) -> str:
    """When the report was made, as the office reads it."""
    return report.generated_at.replace("T", " ").replace("+08:00", "（北京时间）")


def summary_rows(report: Report) -> list[tuple[str, object]]:
    """The key figures, as (label, value)."""
    scope = (
        [("集市", report.fair_name), ("集市日期", report.fair_date)]
        if report.scope == "fair"
        else [("月份", report.month)]
    )
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
        ("生成时间", stamp(report)),
    ]


def funnel_rows(report: Report) -> list[tuple[str, int]]:
    f = report.funnel
    return [(lifecycle.LABELS[stage], getattr(f, stage)) for stage in (*lifecycle.STEPS, *EXITS)]


def tables(report: Report) -> list[Table]:
    """Every table of the report, in the order the page and the workbook show them."""
    days = report.hire_days
    return [
        Table("概况", ["项目", "数值"], summary_rows(report)),
        Table(
            "居民-社区", ["乡镇 社区", "居民（人）"], [(r.label, r.residents) for r in report.residents_by_community]
        ),
        Table("居民-年龄", ["年龄段", "居民（人）"], [(r.band, r.residents) for r in report.residents_by_age]),
        Table(
            "岗位-企业",
            ["企业", "岗位（个）", "招聘人数", "已录用"],
            [(r.employer, r.vacancies, r.posts, r.hired) for r in report.vacancies_by_firm],
        ),
        Table(
            "岗位-职业",
            ["职业代码", "职业名称", "岗位（个）", "招聘人数"],
            [(r.code, r.name, r.vacancies, r.posts) for r in report.vacancies_by_occupation],
        ),
        Table(
            "推荐结果",
            ["环节", "居民-岗位对"],
            [
                *funnel_rows(report),
                ("推荐过的对（合计）", report.funnel.pairs),
                ("录用居民（人）", report.funnel.residents_hired),
            ],
        ),
        Table(
            "录用用时",
            ["项目", "天数"],
            [
                ("录用数", days.count),
                ("中位数", days.median),
                ("平均", days.mean),
                ("最短", days.min),
                ("最长", days.max),
            ],
        ),
    ]


def top_rows(rows: list[tuple], n: int, other: str, label_at: int = 0) -> list[tuple]:
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


def display_width(text: str) -> int:
    """Columns on a terminal (and roughly in a spreadsheet): Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def report_text(report: Report) -> str:
    """The report as plain-text tables for a terminal."""
    out = []
    for table in tables(report):
        cells = [[cell_text(v) for v in row] for row in table.rows]
        numeric = numeric_columns(table.rows, len(table.headings))
        widths = [
            max([display_width(h)] + [display_width(row[i]) for row in cells]) for i, h in enumerate(table.headings)
        ]
        out.append(f"== {table.title} ==")
        out.append("  ".join(_pad(h, w, r) for h, w, r in zip(table.headings, widths, numeric)).rstrip())
        out.append("  ".join("-" * w for w in widths))
        out += ["  ".join(_pad(c, w, r) for c, w, r in zip(row, widths, numeric)).rstrip() for row in cells]
        if not cells:
            out.append("（无）")
        out.append("")
    return "\n".join(out)
