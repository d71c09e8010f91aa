"""A vacancy's fields are declared once (jobmatch/vacancy.py): what is built from the declaration follows a field
added to it, and what keeps its own list (the database model, the input schema, the matcher's record, the office's
form) lists the same fields."""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from helpers import make_job
from openpyxl import load_workbook
from sqlalchemy import JSON, Float, Integer, String, inspect

import jobmatch
from jobmatch.matching import JobRecord
from jobmatch.models import Job
from jobmatch.schemas import JobCreateSchema, JobOut, JobSchema
from jobmatch.schemas.fields import DemandList
from jobmatch.vacancy import MATCHED, STORED, TEMPLATE, VACANCY_FIELDS

NAMES = {f.name for f in VACANCY_FIELDS}
# What the service keeps about a vacancy besides the declared fields: in the database, and shown by the API.
SERVICE_COLUMNS = {
    "id",
    "fair_id",
    "employer_id",
    "coding",
    "read_from_text",
    "demands",
    "is_open",
    "closed_at",
    "created_at",
    "updated_at",
}
SHOWN_BESIDE = {"id", "fair_id", "employer_id", "read_from_text", "demands", "is_open", "closed_at", "created_at"}
SHOWN_BESIDE |= {"updated_at", "employer"}
SQL_KINDS = {"text": String, "choice": String, "integer": Integer, "number": Float, "list": JSON}


def test_every_column_of_jobs_is_a_declared_field_or_the_services_own():
    columns = {c.key: c for c in inspect(Job).column_attrs}
    assert set(columns) == {f.column for f in STORED} | SERVICE_COLUMNS
    for field in STORED:
        column = columns[field.column].columns[0]
        assert column.nullable is field.nullable, field.name
        assert isinstance(column.type, SQL_KINDS[field.kind]), field.name


def test_the_input_schemas_take_every_declared_field_under_its_name():
    """The schemas keep their validators; the names they read are the declaration's, stored under the column's."""
    for schema in (JobSchema(), JobCreateSchema()):
        read = {attribute: field.data_key or attribute for attribute, field in schema.fields.items()}
        declared = {(f.column or f.name): f.name for f in VACANCY_FIELDS}
        assert read == declared | {"employer_id": "employer_id", "fair_id": "fair_id", "demands": "demands"}
        assert isinstance(schema.fields["demands"], DemandList)


def test_the_api_shows_every_declared_field_and_the_services_own():
    assert set(JobOut().fields) == {f.column for f in STORED} | SHOWN_BESIDE


def test_the_matchers_record_carries_the_declared_fields_it_matches_on():
    assert set(JobRecord.__dataclass_fields__) == {f.name for f in MATCHED} | {"id", "fair", "demands"}


def test_the_office_form_asks_for_every_field_of_the_import_template(clerk):
    job = make_job(clerk)
    for url in ("/office/jobs/new", f"/office/jobs/{job['id']}/edit"):
        page = clerk.get(url).get_data(as_text=True)
        asked = set(re.findall(r'<(?:input|select|textarea)[^>]* name="([^"]+)"', page))
        assert asked & NAMES == {f.name for f in TEMPLATE}, url


def test_the_spreadsheets_keep_their_columns(clerk):
    """The import template's and the export's columns are what clerks' files and macros expect: pinned here."""
    make_job(clerk)
    template = load_workbook(io.BytesIO(clerk.get("/office/import/template.xlsx").data)).active
    assert [c.value for c in template[1]] == [
        *("岗位编号", "岗位名称", "企业名称", "岗位描述", "技能要求", "招聘人数", "最低工资", "最高工资"),
        *("工资单位", "乡镇", "社区", "班次", "最小年龄", "最大年龄", "福利", "联系电话"),
    ]
    export = load_workbook(io.BytesIO(clerk.get("/office/export/jobs.xlsx").data)).active
    assert [c.value for c in export[1]] == [
        *("岗位编号", "岗位名称", "企业名称", "招聘人数", "最低工资", "最高工资", "工资单位", "乡镇", "社区"),
        *("班次", "最小年龄", "最大年龄", "福利", "联系电话", "状态"),
    ]


# One line added to the declaration, in a fresh interpreter: what is built from the declaration shows the new field.
ADDED = '    VacancyField("dormitory", "宿舍", "text", aliases=("住宿",), matched=False, example="提供宿舍"),\n'
WITH_A_FIELD_ADDED = """
import json, sys, types
from pathlib import Path

import jobmatch

path = Path(jobmatch.__file__).with_name("vacancy.py")
source = path.read_text(encoding="utf-8")
assert source.count("VACANCY_FIELDS = (\\n") == 1
vacancy = types.ModuleType("jobmatch.vacancy")
vacancy.__file__ = str(path)
sys.modules["jobmatch.vacancy"] = jobmatch.vacancy = vacancy
added = source.replace("VACANCY_FIELDS = (\\n", "VACANCY_FIELDS = (\\n" + sys.argv[1])
exec(compile(added, str(path), "exec"), vacancy.__dict__)

from marshmallow import ValidationError

from jobmatch import importing
from jobmatch.schemas import JobCreateSchema, JobOut

job = types.SimpleNamespace(**{f.column: None for f in vacancy.STORED})
job.__dict__.update(id=7, employer=types.SimpleNamespace(name="东流塑胶厂"), perks=["包午餐"], dormitory="提供宿舍")
try:
    JobCreateSchema().load({"title": "包装工", "employer": "东流塑胶厂", "dormitory": "提供宿舍"})
    refused = None
except ValidationError as err:
    refused = err.messages
print(json.dumps({
    "headings": {h: importing.HEADINGS.get(h) for h in ("宿舍", "住宿")},
    "fields": "dormitory" in importing.FIELDS,
    "template": dict(zip(importing.TEMPLATE_HEADINGS, importing.TEMPLATE_EXAMPLE)).get("宿舍"),
    "body": importing.to_job_body({"title": "包装工", "dormitory": "提供宿舍"}),
    "export": dict(zip([f.heading for f in vacancy.EXPORTED], vacancy.export_cells(job))),
    "shown": JobOut(only=("dormitory", "external_id")).dump(job),
    "refused": refused,
}, ensure_ascii=False))
"""


def test_a_field_added_to_the_declaration_shows_up_in_the_import_the_export_and_the_api():
    root = str(Path(jobmatch.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [sys.executable, "-c", WITH_A_FIELD_ADDED, ADDED], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["headings"] == {"宿舍": "dormitory", "住宿": "dormitory"}
    assert seen["fields"] is True
    assert seen["template"] == "提供宿舍"
    assert seen["body"] == {"title": "包装工", "dormitory": "提供宿舍"}
    assert seen["export"]["宿舍"] == "提供宿舍" and seen["export"]["岗位编号"] == 7
    assert seen["export"]["企业名称"] == "东流塑胶厂" and seen["export"]["福利"] == "包午餐"
    assert seen["shown"] == {"dormitory": "提供宿舍", "external_id": None}
    # The input schema keeps its own fields and validators: it refuses the new field until it is given one, and
    # test_the_input_schemas_take_every_declared_field_under_its_name says so meanwhile.
    assert list(seen["refused"]) == ["dormitory"]
