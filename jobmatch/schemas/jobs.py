"""A vacancy: as posted or written in a batch file (JobSchema, JobCreateSchema) and as the API shows it (JobOut)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validates_schema

from ..vacancy import STORED, VacancyField
from ..vocabulary import SHIFTS, WAGE_UNITS
from .fields import (
    ID_RANGE,
    MAX_WAGE,
    DemandList,
    StrictSchema,
    Text,
    _optional,
    _phone,
)
from .messages import LAT_LON_TOGETHER, Length, Message, OneOf, Range


class JobSchema(StrictSchema):
    """A vacancy as written in a batch file or posted to the API."""

    external_id = _optional(
        Text, max_length=64, data_key="id", metadata={"description": "your own reference, e.g. J001"}
    )
    title = Text(required=True, max_length=200, validate=Length(min=1))
    employer = _optional(Text, max_length=200, metadata={"description": "firm name; created if new"})
    employer_id = _optional(fields.Integer, strict=True, validate=ID_RANGE)
    fair_id = _optional(fields.Integer, strict=True, validate=ID_RANGE)
    description = Text(max_length=4000, multiline=True, load_default="")
    skills = fields.List(Text(max_length=50), load_default=list, validate=Length(max=30))
    openings = fields.Integer(
        strict=True,
        load_default=None,
        validate=Range(min=0, max=10_000),
        metadata={"description": "missing: read from the words (招10人), else 1"},
    )
    wage_min = _optional(
        fields.Float,
        allow_nan=False,
        validate=Range(min=0),
        metadata={"description": "missing with wage_max: read from the words (5-6k, 260/天)"},
    )
    wage_max = _optional(fields.Float, allow_nan=False, validate=Range(min=0))
    wage_unit = fields.String(load_default="month", validate=OneOf(WAGE_UNITS))
    town = _optional(Text, max_length=50)
    community = _optional(Text, max_length=50)
    lat = _optional(fields.Float, allow_nan=False, validate=Range(min=-90, max=90))
    lon = _optional(fields.Float, allow_nan=False, validate=Range(min=-180, max=180))
    shift = fields.String(
        load_default=None,
        allow_none=True,
        validate=OneOf(SHIFTS),
        metadata={"description": "missing: read from the title (长白班, 两班倒 ...), else day"},
    )
    age_min = _optional(fields.Integer, strict=True, validate=Range(min=14, max=100))
    age_max = _optional(fields.Integer, strict=True, validate=Range(min=14, max=100))
    perks = fields.List(Text(max_length=50), load_default=list, validate=Length(max=30))
    contact_phone = _optional(_phone)
    demands = DemandList(
        metadata={
            "description": "what the vacancy demands, set by the office (wins over what the words say): labels such as "
            '"heavy", "licence:B2", "cert:forklift", or {"label", "required": false} for a plus; missing: '
            'read from the title and description; "from_text": go back to that',
        }
    )

    @validates_schema
    def _check_ranges(self, data, partial=None, **kwargs):
        errors = {}
        lo, hi = data.get("wage_min"), data.get("wage_max")
        if lo is not None and hi is not None and lo > hi:
            errors["wage_min"] = [Message("wage_min is larger than wage_max.", "高于最高工资")]
        limit = MAX_WAGE.get(data.get("wage_unit") or "month", MAX_WAGE["month"])
        for key in ("wage_min", "wage_max"):
            if data.get(key) is not None and data[key] > limit:
                errors.setdefault(key, []).append(
                    Message(
                        f"Over {limit} per {data.get('wage_unit') or 'month'}: check the unit.",
                        "超出合理范围，请检查工资单位",
                    )
                )
        amin, amax = data.get("age_min"), data.get("age_max")
        if amin is not None and amax is not None and amin > amax:
            errors["age_min"] = [Message("age_min is larger than age_max.", "高于最大年龄")]
        if (data.get("lat") is None) != (data.get("lon") is None) and not partial:
            errors["lat" if data.get("lat") is None else "lon"] = [LAT_LON_TOGETHER]
        if errors:
            raise ValidationError(errors)


class JobCreateSchema(JobSchema):
    """A vacancy posted to the service: it must name its employer."""

    @validates_schema
    def _check_employer(self, data, **kwargs):
        if not data.get("employer") and not data.get("employer_id"):
            raise ValidationError(Message("Give employer (a name) or employer_id.", "必须填写"), field_name="employer")


def _shown(field: VacancyField) -> fields.Field:
    """How the API shows a declared field: by its kind, null when it may be unknown."""
    if field.kind == "list":
        return fields.List(fields.String())
    kind = {"text": fields.String, "choice": fields.String, "integer": fields.Integer, "number": fields.Float}
    return kind[field.kind](allow_none=field.nullable)


class JobOut(Schema):
    """A vacancy as the API shows it: every declared field of a vacancy (vacancy.py) under its column's name, and
    what the service keeps about it."""

    class Meta:
        include = {f.column: _shown(f) for f in STORED}

    id = fields.Integer()
    fair_id = fields.Integer(allow_none=True)
    employer_id = fields.Integer()
    employer = fields.Function(lambda job: job.employer.name)
    read_from_text = fields.Method(
        "_read_from_text",
        metadata={
            "description": "what the title and description say: the occupation, and the fields the office left "
            "empty that were filled from the words (those fields above hold the values), in words"
        },
    )
    demands = fields.Method(
        "_demands",
        metadata={
            "type": "object",
            "description": "what the vacancy demands: items {label, required, words}, summary in words, and "
            "set_by_office (the office's correction) or read from the title and description",
        },
    )
    is_open = fields.Boolean()
    closed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    # These two import services when called, not at the top. There is no cycle (services does not import schemas),
    # but the batch commands (jobmatch rank, evaluate, graded train) load these schemas and use no database: importing
    # services here would load SQLAlchemy and the models into them. Measured on `jobmatch rank` of 5 vacancies and
    # 3 profiles: 2.2 s -> 3.4 s and 106 -> 124 MB peak memory.
    def _read_from_text(self, job) -> dict:
        from ..services import text_summary

        stored = job.read_from_text or {}
        return {
            "occupation": stored.get("occupation", ""),
            "filled": list(stored.get("filled", ())),
            "summary": text_summary(job),
        }

    def _demands(self, job) -> dict:
        from ..services import demands_summary, job_demands_of

        return {
            "set_by_office": job.demands is not None,
            "items": job_demands_of(job).as_dict()["demands"],
            "summary": demands_summary(job),
        }
