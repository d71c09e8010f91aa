"""The office reports: the figures of one fair or one month, and the page, text, PDF and workbook that show them.

- `figures.py` counts: the scope rules, the queries and the `Report` they fill (its docstring says what counts).
- `layout.py` lays a `Report` out as tables, once for every format, and as plain text for `jobmatch report`.
- `xlsx.py` writes the workbook, `pdf.py` the one-page A4 PDF, `charts.py` the SVG charts of the office page.

Callers use the names below as `reports.NAME`; which module holds each is this package's own business.
"""

from __future__ import annotations

from . import charts
from .charts import CHART_FONT_FILES, CJK_FAMILIES, chart_font
from .figures import (
    AGE_BANDS,
    EXITS,
    SCOPE_TEXT,
    UNCODED,
    UNFILLED,
    AgeRow,
    CommunityRow,
    FirmRow,
    Funnel,
    HireDays,
    OccupationRow,
    Report,
    build_report,
    month_range,
    primary_occupation,
)
from .layout import (
    Table,
    cell_text,
    funnel_rows,
    numeric_columns,
    report_text,
    summary_rows,
    tables,
)
from .pdf import report_pdf
from .xlsx import report_xlsx


def charts_svg(report: Report) -> dict[str, str]:
    """The office page's SVG charts (see charts.charts_svg), looking for a CJK font in this package's
    CHART_FONT_FILES, so that setting `reports.CHART_FONT_FILES` (as a test does, to draw without one) takes effect."""
    return charts.charts_svg(report, CHART_FONT_FILES)


__all__ = [
    "AGE_BANDS",
    "CHART_FONT_FILES",
    "CJK_FAMILIES",
    "EXITS",
    "SCOPE_TEXT",
    "UNCODED",
    "UNFILLED",
    "AgeRow",
    "CommunityRow",
    "FirmRow",
    "Funnel",
    "HireDays",
    "OccupationRow",
    "Report",
    "Table",
    "build_report",
    "cell_text",
    "chart_font",
    "charts_svg",
    "funnel_rows",
    "month_range",
    "numeric_columns",
    "primary_occupation",
    "report_pdf",
    "report_text",
    "report_xlsx",
    "summary_rows",
    "tables",
]
