"""Vacancy lists (岗位清单) from XLSX or CSV (UTF-8 or GBK) to validated jobs, with a row-by-row report."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
import time
import zipfile
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from marshmallow import ValidationError

from .schemas import JobCreateSchema, Message
from .spreadsheet import looks_like_formula, workbook
from .vacancy import TEMPLATE, VACANCY_FIELDS
from .vocabulary import SHIFT_LABELS, WAGE_UNIT_LABELS

# Column headings clerks use, and the batch format's own field names: all from the declaration of a vacancy's fields.
HEADINGS = {heading: f.name for f in VACANCY_FIELDS for heading in (f.heading, *f.aliases)}
FIELDS = tuple(f.name for f in VACANCY_FIELDS)
TEMPLATE_HEADINGS = [f.heading for f in TEMPLATE]
TEMPLATE_EXAMPLE = [f.example for f in TEMPLATE]
UNITS = {
    "月": "month",
    "元/月": "month",
    "每月": "month",
    "month": "month",
    "天": "day",
    "日": "day",
    "元/天": "day",
    "日结": "day",
    "day": "day",
    "小时": "hour",
    "元/小时": "hour",
    "时": "hour",
    "hour": "hour",
    **{label: unit for unit, label in WAGE_UNIT_LABELS.items()},  # the words a refused unit is answered with
}
SHIFTS = {
    "白班": "day",
    "长白班": "day",
    "常白班": "day",
    "day": "day",
    "两班倒": "two_shift",
    "两班": "two_shift",
    "倒班": "two_shift",
    "two_shift": "two_shift",
    "三班倒": "three_shift",
    "三班": "three_shift",
    "three_shift": "three_shift",
    "钟点": "part_time",
    "钟点工": "part_time",
    "兼职": "part_time",
    "半天": "part_time",
    "零工": "part_time",
    "part_time": "part_time",
    "灵活": "flexible",
    "时间灵活": "flexible",
    "flexible": "flexible",
    **{label: shift for shift, label in SHIFT_LABELS.items()},  # the words a refused shift is answered with
}
# Columns no row can do without (JobCreateSchema refuses a vacancy without a title or a firm): a sheet lacking one is
# refused once, naming the column, rather than row by row.
REQUIRED_COLUMNS = ("title", "employer")
LIST_FIELDS = tuple(f.name for f in VACANCY_FIELDS if f.kind == "list")
NUMBER_FIELDS = tuple(f.name for f in VACANCY_FIELDS if f.kind in ("integer", "number"))
INTEGER_FIELDS = tuple(f.name for f in VACANCY_FIELDS if f.kind == "integer")
_SPLIT = re.compile(r"[、，,;；/\s]+")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
MAX_ROWS = 5000
# Reading stops at the limits, so a small file that unpacks to a huge sheet costs no more than a full one.
MAX_SHEET_ROWS = 10 * MAX_ROWS  # blank rows included: a sheet of empty formatted rows is refused too
MAX_UNPACKED = 64 * 2**20  # bytes an XLSX may unpack to (a full list of 5,000 rows is a few MB)
MAX_COLUMNS = 100  # a vacancy list has about twenty; a sheet claiming 16,384 columns is not padded out to them
FORMULA = Message(
    "Looks like a spreadsheet formula.", "以“=”等符号开头，像是表格公式（误填或恶意链接），请改成普通文字"
)
# A preview waits this long for the clerk's confirmation, then it is deleted.
PREVIEW_SECONDS = 24 * 60 * 60
PREVIEW_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not XLSX/CSV, unknown encoding, no heading row)."""


@dataclass
class Row:
    number: int  # as the clerk sees it in the sheet
    raw: dict
    data: dict | None = None
    errors: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GBK, the default when Excel saves CSV on a Chinese Windows."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportFileError("文件编码无法识别，请在 Excel 中另存为 CSV 或 XLSX 后再上传") from None


def read_table(filename: str, data: bytes) -> Generator[tuple[int, list], None, None]:
    """(sheet row number, cell values) for each non-blank row of the first sheet, read one at a time, so the caller
    can stop at its limit; more than MAX_SHEET_ROWS rows, blank ones included, are refused."""
    name = filename.lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        _check_unpacked(data)
        _size_from_the_head()
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = book.worksheets[0]
        except Exception:  # openpyxl raises many kinds for a damaged or disguised file
            raise ImportFileError("无法打开这个 Excel 文件，请确认是 .xlsx 格式") from None
        try:
            yield from _non_blank(
                sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), "无法读取这个 Excel 文件，请确认是 .xlsx 格式"
            )
        finally:
            book.close()
    elif name.endswith(".csv") or name.endswith(".txt"):
        yield from _non_blank(
            csv.reader(io.StringIO(decode_csv(data))), "CSV 文件格式有误，请在 Excel 中另存为 CSV 或 XLSX 后再上传"
        )
    else:
        raise ImportFileError("只能上传 .xlsx 或 .csv 文件")


def _check_unpacked(data: bytes) -> None:
    """Refuse an XLSX (a zip) that unpacks to far more than any vacancy list: openpyxl reads the shared strings whole.
    The sizes are the zip's own; zipfile never unpacks more than a member declares."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFileError("无法打开这个 Excel 文件，请确认是 .xlsx 格式") from None
    strings = sum(m.file_size for m in members if m.filename.lower().endswith("sharedstrings.xml"))
    if sum(m.file_size for m in members) > MAX_UNPACKED or strings > MAX_UNPACKED // 4:
        raise ImportFileError(
            f"这个 Excel 文件解压后太大（超过 {MAX_UNPACKED // 2**20} MB），"
            f"一次最多导入 {MAX_ROWS} 行，请删去多余的工作表或拆分文件"
        )


@cache
def _size_from_the_head() -> None:
    """Make openpyxl's read-only sheets look for their size where it is written, before the rows.

    A sheet may state its size in a <dimension> element ahead of its rows. openpyxl looks for it by parsing the whole
    sheet when there is none (as in files from openpyxl's own write-only mode and some other tools): seconds for a
    2 MB file of 400,000 rows, before a single row is read. This reads only up to the start of the rows and finds the
    same size, or none, as openpyxl would.
    """
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.functions import iterparse

    def _get_size(self) -> None:
        with self._get_source() as source:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == DIMENSION_TAG:
                    self._min_column, self._min_row, self._max_column, self._max_row = SheetDimension.from_tree(
                        element
                    ).boundaries
                    return
                if element.tag == DATA_TAG:
                    return

    ReadOnlyWorksheet._get_size = _get_size


def _non_blank(rows, damaged: str) -> Iterator[tuple[int, list]]:
    """Numbered non-blank rows of a reader, its failures as ImportFileError(damaged)."""
    rows = iter(rows)
    number = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except (
            Exception
        ):  # csv.Error for an over-long field; openpyxl and its XML parser raise many kinds for a damaged sheet
            raise ImportFileError(damaged) from None
        number += 1
        if number > MAX_SHEET_ROWS:
            raise ImportFileError(
                f"表格超过 {MAX_SHEET_ROWS} 行（空行也算），一次最多导入 {MAX_ROWS} 行，请删去空行或拆分文件"
            )
        if any(str(c).strip() for c in values if c is not None):
            yield number, list(values)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def to_job_body(raw: dict[str, str]) -> dict:
    """A batch-format body from cells keyed by field name; conversion problems stay for the schema to report."""
    body: dict = {}
    for key, text in raw.items():
        if key not in FIELDS or text == "":
            continue
        if key in LIST_FIELDS:
            body[key] = [part for part in _SPLIT.split(text) if part]
        elif key in NUMBER_FIELDS:
            plain = text.replace(",", "").replace("元", "").replace("人", "").replace("岁", "").strip()
            if _NUMBER.match(plain):
                number = float(plain)
                body[key] = int(number) if key in INTEGER_FIELDS and number.is_integer() else number
            else:
                body[key] = text  # the schema says why it is not a number
        elif key == "wage_unit":
            body[key] = UNITS.get(text, text)
        elif key == "shift":
            body[key] = SHIFTS.get(text, text)
        else:
            body[key] = text
    return body


def parse(filename: str, data: bytes) -> list[Row]:
    """Every data row of the file, validated by the same schema as the API; nothing is saved here. A row with a cell
    that a spreadsheet would run as a formula is refused, whatever the schema thinks of it."""
    with closing(read_table(filename, data)) as table:
        first = next(table, None)
        if first is None:
            raise ImportFileError("文件里没有内容")
        header_number, header = first
        columns = [HEADINGS.get(_cell(h), _cell(h) if _cell(h) in FIELDS else None) for h in header]
        if "title" not in columns:
            raise ImportFileError(_missing_columns(header_number, header, columns))
        rows: list[tuple[int, list]] = []
        for number, values in table:
            if len(rows) == MAX_ROWS:  # stop here: the rest of the file is never read
                raise ImportFileError(f"一次最多导入 {MAX_ROWS} 行，请拆分文件")
            rows.append((number, values))
    if any(name not in columns for name in REQUIRED_COLUMNS):
        raise ImportFileError(_missing_columns(header_number, header, columns))
    parsed = []
    for number, values in rows:
        raw = {col: _cell(v) for col, v in zip(columns, values) if col}
        row = Row(number=number, raw=raw)
        try:
            row.data = JobCreateSchema().load(to_job_body(raw))
        except ValidationError as err:
            row.errors = err.messages if isinstance(err.messages, dict) else {"_schema": err.messages}
        for column, text in raw.items():
            if looks_like_formula(text):
                row.errors.setdefault(column, []).append(FORMULA)
        parsed.append(row)
    seen: dict[str, int] = {}
    for row in parsed:
        key = row.data.get("external_id") if row.data else None
        if key:
            if key in seen:
                row.errors = {
                    "id": [Message(f"duplicate id (first on row {seen[key]})", f"与第 {seen[key]} 行的岗位编号重复")]
                }
            seen.setdefault(key, row.number)
    return parsed


def _missing_columns(header_number: int, header: list, columns: list) -> str:
    """Once for the whole sheet: which required columns the heading row lacks, the headings the import reads, and
    the headings it did not recognise (a firm's column headed 招聘单位, say)."""
    headings = {f.name: f.heading for f in VACANCY_FIELDS}
    missing = "和".join(f"“{headings[name]}”列" for name in REQUIRED_COLUMNS if name not in columns)
    if "title" in columns:
        said = f"表头（第 {header_number} 行）缺少{missing}，每个岗位都必须有，所以整张表没有读入"
    else:  # perhaps no heading row at all
        said = f"第 {header_number} 行应是表头，并包含{missing}"
    required = "、".join(headings[name] for name in REQUIRED_COLUMNS)
    optional = "、".join(f.heading for f in VACANCY_FIELDS if f.name not in REQUIRED_COLUMNS)
    said += f"。必须有的列：{required}；可以有的列：{optional}"
    unknown = [_cell(h) for h, column in zip(header, columns) if column is None and _cell(h)]
    if unknown:
        said += f"。没有认出的表头：{'、'.join(unknown[:8])}{' 等' if len(unknown) > 8 else ''}"
    return said + "。请使用下载的模板，或把表头改成上面的名称"


def template_xlsx() -> bytes:
    return workbook("岗位清单", TEMPLATE_HEADINGS, [TEMPLATE_EXAMPLE])


# --- previews waiting for the clerk's confirmation -------------------------------------------------


class PreviewExpired(ImportFileError):
    """The preview is gone or older than PREVIEW_SECONDS."""


def _expired(path: Path, now: float) -> bool:
    try:
        return now - path.stat().st_mtime > PREVIEW_SECONDS
    except FileNotFoundError:
        return True


def sweep_previews(folder: Path) -> None:
    """Delete the previews older than PREVIEW_SECONDS: nobody confirms a list a day later, and they hold its rows."""
    now = time.time()
    for path in folder.glob("*.json") if folder.is_dir() else ():
        if _expired(path, now):
            path.unlink(missing_ok=True)


def save_preview(folder: Path, pending: dict) -> str:
    """Keep a parsed list until the clerk confirms it; the token that names it."""
    sweep_previews(folder)
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    # Only the service reads it back, so only the service's user may read it.
    fd = os.open(folder / f"{token}.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(fd, "w", encoding="utf-8") as handle:
        json.dump(pending, handle, ensure_ascii=False)
    return token


def load_preview(folder: Path, token: str) -> dict:
    """The preview the token names; PreviewExpired when it is gone or a day old (an old one is deleted)."""
    path = folder / f"{token}.json"
    expired = path.exists() and _expired(path, time.time())
    sweep_previews(folder)
    if expired:
        raise PreviewExpired("这份预览已超过一天，已经作废，请重新上传文件")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PreviewExpired("预览已过期，请重新上传") from None


def drop_preview(folder: Path, token: str) -> None:
    (folder / f"{token}.json").unlink(missing_ok=True)
