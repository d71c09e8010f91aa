"""What came of a match: as staff record it (OutcomeSchema) and as the API shows it (OutcomeOut)."""

from __future__ import annotations

from marshmallow import Schema, fields

from ..vocabulary import OUTCOME_STATUSES
from .fields import ID_RANGE, StrictSchema, Text
from .messages import OneOf


class OutcomeSchema(StrictSchema):
    profile_id = fields.Integer(required=True, strict=True, validate=ID_RANGE)
    job_id = fields.Integer(required=True, strict=True, validate=ID_RANGE)
    status = fields.String(required=True, validate=OneOf(OUTCOME_STATUSES))
    note = Text(max_length=1000, multiline=True, load_default="")


class OutcomeOut(Schema):
    id = fields.Integer()
    profile_id = fields.Integer()
    job_id = fields.Integer()
    status = fields.String()
    note = fields.String()
    recorder = fields.String(allow_none=True)
    weights = fields.String(allow_none=True)
    score = fields.Float(allow_none=True)
    rank = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
