"""Workbooks the service hands out, with every text cell written as text, and the check that an imported cell looks
like a formula.

Excel (and LibreOffice, and any CSV reader after them) runs a cell that starts with `=`, `+`, `-` or `@` as a
formula, so a vacancy titled `=HYPERLINK("http://…","点我看工资")` would become a live link in the office's export.
Every export goes through `workbook` here: such text gets a leading apostrophe (the usual way to say "this is text")
and the cell is stored as a string, never a formula. Numbers stay numbers, negative ones too.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence

# What a spreadsheet may take for the start of a formula: the four signs, and a tab or carriage return before them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# In an imported cell: anything starting with "=", or a sign followed by a function call (+HYPERLINK(…), @SUM(…))
# or a DDE link (-2+3+cmd|' /C calc'!A0). A plain "-长白班" or "+86 139…" is text a clerk may well mean.
_FORMULA_LIKE = re.compile(r"^\s*(?:=|[+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*\(|[+\-@].*\|.*!)", re.S)


def neutralise(value):
    """A cell value safe to hand to a spreadsheet: text that could start a formula gets a leading apostrophe;
    anything else (numbers, dates, None) is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def looks_like_formula(text: str) -> bool:
    """True for imported text that a spreadsheet would run: almost always a slip or an attack, never a job title."""
    return bool(_FORMULA_LIKE.match(text))


def write_rows(sheet, rows: Iterable[Sequence]) -> None:
    """Write rows onto an empty openpyxl sheet from A1, every text cell neutralised and typed as a string."""
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=neutralise(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never "f", whatever the text: openpyxl writes a formula for one starting "="


def workbook(title: str, headings: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """One sheet: a heading row and the rows, as XLSX bytes."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    write_rows(sheet, [headings, *rows])
    return save(book)


def save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
