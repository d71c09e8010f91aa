"""A vacancy's fields, declared once. The import's headings, the import template, the export, the API's output and
the matcher's record are built from VACANCY_FIELDS; tests/test_vacancy_fields.py holds what keeps a list of its own
(the database model, the input schemas, the matcher's JobRecord, the office's form) to the same fields."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("text", "integer", "number", "list", "choice")  # a list is of words; a choice is one of vocabulary.py's


@dataclass(frozen=True)
class VacancyField:
    """One field of a vacancy, as batch files, the API's input and the spreadsheets name it."""

    name: str
    heading: str  # the spreadsheets' column heading (the import template, the export), and the office's word for it
    kind: str  # one of KINDS
    # False: never unknown once saved (the service fills in a default or what the words say)
    nullable: bool = True
    aliases: tuple[str, ...] = ()  # other headings clerks write, which the import reads as this field
    # The Job's column that holds it, which the schemas and the API's output also call it; "": the same as name;
    # None: no column of jobs (the firm's own record holds its name).
    column: str | None = ""
    in_template: bool = True  # the import template and the office's form have it (lat and lon come from the gazetteer)
    exported: bool = True  # the office's export has a column for it
    matched: bool = True  # the matcher's JobRecord carries it under its name
    example: object = None  # the import template's example row

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: kind {self.kind!r} is not one of {KINDS}")
        if self.column == "":
            object.__setattr__(self, "column", self.name)


VACANCY_FIELDS = (
    # The office's own reference; the matcher's record is named by the service's number instead.
    VacancyField(
        "id", "岗位编号", "text", aliases=("编号", "序号编号"), column="external_id", matched=False, example="DL-001"
    ),
    VacancyField("title", "岗位名称", "text", nullable=False, aliases=("岗位", "招聘岗位", "工种"), example="平车工"),
    VacancyField(
        "employer",
        "企业名称",
        "text",
        nullable=False,
        aliases=("企业", "单位名称", "用工单位", "公司"),
        column=None,
        example="东至县示范服饰有限公司",
    ),
    VacancyField(
        "description",
        "岗位描述",
        "text",
        nullable=False,
        aliases=("工作内容", "岗位要求", "备注"),
        exported=False,
        example="女装平车，计件，长白班",
    ),
    VacancyField("skills", "技能要求", "list", nullable=False, aliases=("技能",), exported=False, example="平车、缝纫"),
    VacancyField("openings", "招聘人数", "integer", nullable=False, aliases=("人数", "需求人数"), example=10),
    VacancyField("wage_min", "最低工资", "number", aliases=("工资下限",), example=4000),
    VacancyField("wage_max", "最高工资", "number", aliases=("工资上限",), example=6500),
    VacancyField("wage_unit", "工资单位", "choice", nullable=False, aliases=("计薪方式",), example="月"),
    VacancyField("town", "乡镇", "text", aliases=("镇", "所在乡镇", "工作地点"), example="东流镇"),
    VacancyField("community", "社区", "text", aliases=("村/社区", "村社区"), example="东流社区"),
    VacancyField("lat", "纬度", "number", in_template=False, exported=False),
    VacancyField("lon", "经度", "number", in_template=False, exported=False),
    VacancyField("shift", "班次", "choice", nullable=False, aliases=("工作时间",), example="白班"),
    VacancyField("age_min", "最小年龄", "integer", aliases=("年龄下限",), example=18),
    VacancyField("age_max", "最大年龄", "integer", aliases=("年龄上限",), example=55),
    VacancyField("perks", "福利", "list", nullable=False, aliases=("福利待遇",), example="班车接送、包午餐"),
    VacancyField("contact_phone", "联系电话", "text", aliases=("电话",), example="0566-7020000"),
)
STORED = tuple(f for f in VACANCY_FIELDS if f.column)  # the fields a column of jobs holds
EXPORTED = tuple(f for f in VACANCY_FIELDS if f.exported)
TEMPLATE = tuple(f for f in VACANCY_FIELDS if f.in_template)
MATCHED = tuple(f for f in VACANCY_FIELDS if f.matched)


def record_value(field: VacancyField, value):
    """A stored value as the matcher's record holds it: lists as tuples, a text that is never unknown as text."""
    if field.kind == "list":
        return tuple(value or ())
    if field.kind == "text" and not field.nullable:
        return value or ""
    return value


def export_cells(job) -> tuple:
    """A vacancy's cells under the export's headings (EXPORTED): the service's number where the office gave no
    reference of its own, lists joined as a clerk writes them."""
    cells = []
    for field in EXPORTED:
        value = job.employer.name if field.column is None else getattr(job, field.column)
        if field.name == "id":
            value = value or job.id
        elif field.kind == "list":
            value = "、".join(value or [])
        cells.append(value)
    return tuple(cells)
