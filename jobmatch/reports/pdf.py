"""The report as one A4 page of PDF, with its two bar charts drawn by reportlab.

reportlab is imported inside the functions that draw, not at the top: it adds about 0.1-0.3 s (python -X importtime)
to every web worker's and every CLI command's start, since the app imports this package; printing.py keeps it lazy
for the same reason.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape as escape_xml

from ..printing import pdf_font, printable
from .figures import SCOPE_TEXT, Report
from .layout import cell_text, funnel_rows, numeric_columns, stamp, top_rows


def _bars(title: str, items: list[tuple[str, int]], width: float, font: str):
    """A small horizontal bar chart drawn with reportlab, labels in the PDF's CJK font (real text, not pictures)."""
    # reportlab is imported in the functions that draw: see the module docstring.
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib import colors

    row, label_width, top = 13, 62, 16
    drawing = Drawing(width, top + row * len(items) + 4, initialFontName=font)  # not Helvetica, never embedded
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


def _heading(report: Report) -> str:
    # Fair names often say 送岗摊位 already.
    return f"{report.title} · 报表" if "送岗" in report.title else f"{report.title} · 送岗摊位报表"


def report_pdf(report: Report) -> bytes:
    """One A4 page: title, key figures, two bar charts, and the small tables (top rows, the rest summed)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepInFrame,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )
    from reportlab.platypus import Table as Grid

    def escape(text) -> str:
        return escape_xml(printable(text))

    font = pdf_font()
    cell_font = ("FONTNAME", (0, 0), (-1, -1), font)  # else a grid's cells name Helvetica, which is not embedded
    base = ParagraphStyle("report", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    cell = ParagraphStyle("report-cell", parent=base, fontSize=8.5, leading=10.5)
    number = ParagraphStyle("report-number", parent=cell, alignment=2)  # right-aligned
    title_style = ParagraphStyle("report-title", parent=base, fontSize=16, leading=21)
    heading_style = ParagraphStyle(
        "report-heading", parent=base, fontSize=10.5, leading=14, spaceBefore=5, spaceAfter=1
    )
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
        shown.setStyle(
            TableStyle(
                [
                    cell_font,
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.grey),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return [Paragraph(escape(title), heading_style), shown]

    def side_by_side(first, second, widths):
        both = Grid([[first, second]], colWidths=widths)
        both.setStyle(
            TableStyle(
                [
                    cell_font,
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return both

    f, days = report.funnel, report.hire_days
    figures = [
        ("服务居民", f"{report.residents} 人"),
        ("岗位", f"{report.vacancies} 个"),
        ("招聘人数", f"{report.posts} 人"),
        ("已推荐", f"{f.shown} 对"),
        ("已录用", f"{f.hired} 对 / {f.residents_hired} 人"),
        ("录用用时中位数", "—" if days.median is None else f"{cell_text(days.median)} 天"),
    ]
    key_grid = Grid(
        [
            [Paragraph(escape(label), base) for label, _ in figures],
            [Paragraph(f"<b>{escape(value)}</b>", base) for _, value in figures],
        ],
        colWidths=[width / 6] * 6,
    )
    key_grid.setStyle(
        TableStyle(
            [
                cell_font,
                ("BOX", (0, 0), (-1, -1), 0.6, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f1f4f8")),
            ]
        )
    )
    charts = side_by_side(
        _bars("推荐结果（居民-岗位对）", funnel_rows(report), (width - gap) / 2, font),
        _bars("居民年龄", [(r.band, r.residents) for r in report.residents_by_age], (width - gap) / 2, font),
        [(width + gap) / 2, (width - gap) / 2],
    )
    communities = top_rows([(r.label, r.residents) for r in report.residents_by_community], 10, "其他 {} 处")
    firms = top_rows(
        [(r.employer, r.vacancies, r.posts, r.hired) for r in report.vacancies_by_firm], 10, "其他 {} 家企业"
    )
    occupations = top_rows(
        [(r.code, r.name, r.vacancies, r.posts) for r in report.vacancies_by_occupation], 10, "其他 {} 类", label_at=1
    )
    columns = side_by_side(
        grid(
            "居民-年龄", ["年龄段", "居民"], [(r.band, r.residents) for r in report.residents_by_age], [0.7, 0.3], left
        )
        + grid("居民-社区（前 10）", ["乡镇 社区", "居民"], communities, [0.7, 0.3], left),
        grid("岗位-企业（前 10）", ["企业", "岗位", "人数", "已录用"], firms, [0.58, 0.14, 0.14, 0.14], right)
        + grid(
            "岗位-职业（前 10）", ["职业代码", "职业名称", "岗位", "人数"], occupations, [0.2, 0.52, 0.14, 0.14], right
        ),
        [left + gap, right],
    )
    hire_line = (
        f"录用用时（从集市当天，或没有集市时从登记当天，到记为录用）：{days.count} 人次，"
        f"中位数 {cell_text(days.median)} 天，"
        f"平均 {cell_text(days.mean)} 天，最短 {cell_text(days.min)} 天，最长 {cell_text(days.max)} 天。"
        f"推荐过的居民-岗位对共 {f.pairs} 对；本人不去 {f.declined_by_resident} 对，"
        f"企业未录用 {f.declined_by_firm} 对，未到场 {f.no_show} 对。"
    )
    scope = SCOPE_TEXT[report.scope]
    story = [
        Paragraph(escape(_heading(report)), title_style),
        Paragraph(escape(f"{scope}报表不含姓名和电话。生成于 {stamp(report)}。"), base),
        Spacer(1, 3 * mm),
        key_grid,
        Spacer(1, 3 * mm),
        charts,
        Spacer(1, 2 * mm),
        Paragraph(escape(hire_line), base),
        columns,
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=_heading(report),
        author="jobmatch",
        initialFontName=font,  # else each page names Helvetica, a font the PDF does not embed
    )
    # Shrinks the whole page when a scope has unusually long names, so the report stays one sheet of paper.
    document.build([KeepInFrame(width, height - 2, story, mode="shrink")])
    return buffer.getvalue()
