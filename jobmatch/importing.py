"""Vacancy lists (岗位清单) from XLSX or CSV (UTF-8 or GBK) to validated jobs, with a row-by-row report."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from marshmallow import ValidationError

from .schemas import JobCreateSchema

# Column headings clerks use, and the batch format's own field names.
HEADINGS = {
    "岗位编号": "id", "编号": "id", "序号编号": "id",
    "岗位名称": "title", "岗位": "title", "招聘岗位": "title", "工种": "title",
    "企业名称": "employer", "企业": "employer", "单位名称": "employer", "用工单位": "employer", "公司": "employer",
    "岗位描述": "description", "工作内容": "description", "岗位要求": "description", "备注": "description",
    "技能要求": "skills", "技能": "skills",
    "招聘人数": "openings", "人数": "openings", "需求人数": "openings",
    "最低工资": "wage_min", "工资下限": "wage_min", "最高工资": "wage_max", "工资上限": "wage_max",
    "工资单位": "wage_unit", "计薪方式": "wage_unit",
    "乡镇": "town", "镇": "town", "所在乡镇": "town", "工作地点": "town",
    "社区": "community", "村/社区": "community", "村社区": "community",
    "纬度": "lat", "经度": "lon",
    "班次": "shift", "工作时间": "shift",
    "最小年龄": "age_min", "年龄下限": "age_min", "最大年龄": "age_max", "年龄上限": "age_max",
    "福利": "perks", "福利待遇": "perks",
    "联系电话": "contact_phone", "电话": "contact_phone",
}
FIELDS = ("id", "title", "employer", "description", "skills", "openings", "wage_min", "wage_max", "wage_unit", "town",
          "community", "lat", "lon", "shift", "age_min", "age_max", "perks", "contact_phone")
TEMPLATE_HEADINGS = ["岗位编号", "岗位名称", "企业名称", "岗位描述", "技能要求", "招聘人数", "最低工资", "最高工资", "工资单位",
                     "乡镇", "社区", "班次", "最小年龄", "最大年龄", "福利", "联系电话"]
TEMPLATE_EXAMPLE = ["DL-001", "平车工", "东至县示范服饰有限公司", "女装平车，计件，长白班", "平车、缝纫", 10, 4000, 6500, "月",
                    "东流镇", "东流社区", "白班", 18, 55, "班车接送、包午餐", "0566-7020000"]
UNITS = {"月": "month", "元/月": "month", "每月": "month", "month": "month", "天": "day", "日": "day", "元/天": "day",
         "日结": "day", "day": "day", "小时": "hour", "元/小时": "hour", "时": "hour", "hour": "hour"}
SHIFTS = {"白班": "day", "长白班": "day", "常白班": "day", "day": "day", "两班倒": "two_shift", "两班": "two_shift",
          "倒班": "two_shift", "two_shift": "two_shift", "三班倒": "three_shift", "三班": "three_shift",
          "three_shift": "three_shift", "钟点": "part_time", "钟点工": "part_time", "兼职": "part_time", "半天": "part_time",
          "零工": "part_time", "part_time": "part_time", "灵活": "flexible", "时间灵活": "flexible", "flexible": "flexible"}
LIST_FIELDS = ("skills", "perks")
NUMBER_FIELDS = ("openings", "wage_min", "wage_max", "lat", "lon", "age_min", "age_max")
INTEGER_FIELDS = ("openings", "age_min", "age_max")
_SPLIT = re.compile(r"[、，,;；/\s]+")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
MAX_ROWS = 5000


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


def read_table(filename: str, data: bytes) -> list[tuple[int, list]]:
    """(sheet row number, cell values) for every row of the first sheet, blank rows left out."""
    name = filename.lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception:  # openpyxl raises many kinds for a damaged or disguised file
            raise ImportFileError("无法打开这个 Excel 文件，请确认是 .xlsx 格式") from None
        rows = [(number, list(values)) for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
    elif name.endswith(".csv") or name.endswith(".txt"):
        rows = [(number, values) for number, values in enumerate(csv.reader(io.StringIO(decode_csv(data))), start=1)]
    else:
        raise ImportFileError("只能上传 .xlsx 或 .csv 文件")
    return [(n, v) for n, v in rows if any(str(c).strip() for c in v if c is not None)]


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
    """Every data row of the file, validated by the same schema as the API; nothing is saved here."""
    rows = read_table(filename, data)
    if not rows:
        raise ImportFileError("文件里没有内容")
    header_number, header = rows[0]
    columns = [HEADINGS.get(_cell(h), _cell(h) if _cell(h) in FIELDS else None) for h in header]
    if "title" not in columns:
        raise ImportFileError(f"第 {header_number} 行应是表头，并包含“岗位名称”列；请使用下载的模板")
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError(f"一次最多导入 {MAX_ROWS} 行，请拆分文件")
    parsed = []
    for number, values in rows[1:]:
        raw = {col: _cell(v) for col, v in zip(columns, values) if col}
        row = Row(number=number, raw=raw)
        try:
            row.data = JobCreateSchema().load(to_job_body(raw))
        except ValidationError as err:
            row.errors = err.messages if isinstance(err.messages, dict) else {"_schema": err.messages}
        parsed.append(row)
    seen: dict[str, int] = {}
    for row in parsed:
        key = row.data.get("external_id") if row.data else None
        if key:
            if key in seen:
                row.errors = {"id": [f"与第 {seen[key]} 行的岗位编号重复"]}
            seen.setdefault(key, row.number)
    return parsed


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "岗位清单"
    sheet.append(TEMPLATE_HEADINGS)
    sheet.append(TEMPLATE_EXAMPLE)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def workbook(title: str, headings: list[str], rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headings)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
