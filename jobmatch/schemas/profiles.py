"""A resident's profile: as submitted or written in a batch file (ProfileSchema, ProfileCreateSchema) and as the API
shows it (ProfileOut, with the phone masked)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validates_schema

from ..matching.demands import CREDENTIALS, LIMIT_LABELS
from ..privacy import mask_name, mask_phone
from ..vocabulary import AVAILABILITIES
from .fields import ID_RANGE, MAX_WAGE, StrictSchema, Text, _labels, _optional, _phone
from .messages import LAT_LON_TOGETHER, Length, OneOf, Range
from .work_kinds import TAPPABLE_OCCUPATIONS


def _tapped(description: str) -> fields.List:
    """Occupations tapped instead of typed; the matcher reads them like the same words typed."""
    return fields.List(
        fields.String(validate=OneOf(TAPPABLE_OCCUPATIONS)),
        load_default=list,
        validate=Length(max=len(TAPPABLE_OCCUPATIONS)),
        metadata={"description": description + ": " + ", ".join(TAPPABLE_OCCUPATIONS)},
    )


class ProfileSchema(StrictSchema):
    """A resident's profile as written in a batch file or submitted at the kiosk."""

    external_id = _optional(Text, max_length=64, data_key="id")
    fair_id = _optional(fields.Integer, strict=True, validate=ID_RANGE)
    name = _optional(Text, max_length=50)
    age = _optional(fields.Integer, strict=True, validate=Range(min=14, max=100))
    phone = _optional(_phone)
    town = _optional(Text, max_length=50)
    community = _optional(Text, max_length=50)
    lat = _optional(fields.Float, allow_nan=False, validate=Range(min=-90, max=90))
    lon = _optional(fields.Float, allow_nan=False, validate=Range(min=-180, max=180))
    experience = Text(max_length=2000, multiline=True, load_default="")
    desired = Text(max_length=2000, multiline=True, load_default="")
    expected_wage = _optional(fields.Float, allow_nan=False, validate=Range(min=0, max=MAX_WAGE["month"]))
    availability = fields.String(load_default="any", validate=OneOf(AVAILABILITIES))
    max_commute_km = _optional(fields.Float, allow_nan=False, validate=Range(min=0, max=500))
    limits = _labels(
        LIMIT_LABELS, "what the resident cannot do (the kiosk's taps): light_only, no_standing, illiterate, no_computer"
    )
    holds = _labels(CREDENTIALS, 'licences and certificates held: "licence:C1", "cert:forklift"')
    lacks = _labels(CREDENTIALS, 'licences and certificates the resident said they lack: "licence" for none at all')
    experience_occupations = _tapped("the kinds of work done before, tapped at the kiosk, by occupation name")
    desired_occupations = _tapped("the kinds of work wanted, tapped at the kiosk, by occupation name")

    @validates_schema
    def _check_place(self, data, **kwargs):
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise ValidationError(LAT_LON_TOGETHER, field_name="lat")


class ProfileCreateSchema(ProfileSchema):
    """A profile posted to the API: a kiosk must also say that the resident agreed."""

    consent = fields.Boolean(
        load_default=None,
        metadata={"description": "the resident agreed to be stored and matched; required of kiosk tokens"},
    )


_LABELS_OUT = {"type": "array", "items": {"type": "string"}}


class ProfileOut(Schema):
    """A profile as the API shows it: the phone always masked, the name masked for the kiosk role."""

    def __init__(self, *args, context_role: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.context_role = context_role

    id = fields.Integer()
    ticket = fields.String(allow_none=True)
    external_id = fields.String(allow_none=True)
    fair_id = fields.Integer(allow_none=True)
    name = fields.Method("_name", allow_none=True, metadata={"description": "masked (王*兰) for the kiosk role"})
    phone = fields.Function(lambda p: mask_phone(p.phone), metadata={"description": "masked, e.g. 138****5678"})
    age = fields.Integer(allow_none=True)
    town = fields.String(allow_none=True)
    community = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    experience = fields.String()
    desired = fields.String()
    expected_wage = fields.Float(allow_none=True)
    availability = fields.String()
    max_commute_km = fields.Float(allow_none=True)
    limits = fields.Function(
        lambda p: list((p.limits or {}).get("limits", ())),
        metadata=_LABELS_OUT | {"description": "what the resident said they cannot do (taps or fields)"},
    )
    holds = fields.Function(
        lambda p: list((p.limits or {}).get("holds", ())),
        metadata=_LABELS_OUT | {"description": "licences and certificates held (taps or fields)"},
    )
    lacks = fields.Function(
        lambda p: list((p.limits or {}).get("lacks", ())),
        metadata=_LABELS_OUT | {"description": "licences and certificates lacking (taps or fields)"},
    )
    experience_occupations = fields.Function(
        lambda p: list(p.experience_occupations or ()),
        metadata=_LABELS_OUT | {"description": "kinds of work done before, tapped instead of typed"},
    )
    desired_occupations = fields.Function(
        lambda p: list(p.desired_occupations or ()),
        metadata=_LABELS_OUT | {"description": "kinds of work wanted, tapped instead of typed"},
    )
    created_at = fields.DateTime()

    def _name(self, profile):
        if self.context_role == "kiosk" and profile.name:
            return mask_name(profile.name)
        return profile.name
