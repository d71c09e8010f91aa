"""The report as a workbook: one sheet per table."""

from __future__ import annotations

from ..spreadsheet import save, write_rows
from .figures import Report
from .layout import cell_text, display_width, tables


def report_xlsx(report: Report) -> bytes:
    """One sheet per table, Chinese headings in bold, the heading row frozen."""
    # Imported here, not at the top: openpyxl adds about 0.1-0.3 s (python -X importtime) to every web worker's and
    # every CLI command's start, since the app imports this package; spreadsheet.py keeps it lazy for the same reason.
    from openpyxl import Workbook
    from openpyxl.styles import Font

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
            widest = max([display_width(heading)] + [display_width(cell_text(r[i])) for r in table.rows])
            sheet.column_dimensions[letter].width = widest + 2
    return save(book)
