"""Employers and fairs, the office's other records: as posted and as the API shows them."""

from __future__ import annotations

from marshmallow import Schema, fields

from .fields import StrictSchema, Text, _optional, _phone
from .messages import Length


class EmployerSchema(StrictSchema):
    name = Text(required=True, max_length=200, validate=Length(min=1))
    town = _optional(Text, max_length=50)
    community = _optional(Text, max_length=50)
    address = _optional(Text, max_length=300)
    contact_phone = _optional(_phone)


class EmployerOut(Schema):
    id = fields.Integer()
    name = fields.String()
    town = fields.String(allow_none=True)
    community = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    created_at = fields.DateTime()


class FairSchema(StrictSchema):
    name = Text(required=True, max_length=200, validate=Length(min=1))
    date = fields.Date(required=True)
    town = Text(required=True, max_length=50, validate=Length(min=1))
    communities = fields.List(Text(max_length=50), load_default=list, validate=Length(max=100))


class FairOut(Schema):
    id = fields.Integer()
    name = fields.String()
    date = fields.Date()
    town = fields.String()
    communities = fields.List(fields.String())
    created_at = fields.DateTime()
