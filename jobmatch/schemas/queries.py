"""Query strings: the API's list and match filters, a page's ?page= and a report's scope."""

from __future__ import annotations

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validates_schema,
)

from ..vocabulary import MAX_ID, OUTCOME_STATUSES, SHIFTS
from .fields import ID_RANGE, MONTH, StrictSchema, Text
from .messages import Message, OneOf, Range, Regexp

# The last page a list may ask for: a bigger number would overflow the database's OFFSET, and no list is that long.
MAX_PAGE = 100_000


class PageQuery(StrictSchema):
    page = fields.Integer(load_default=1, validate=Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=Range(min=1, max=200))


class JobQuery(PageQuery):
    fair = fields.Integer(load_default=None, validate=ID_RANGE)
    town = Text(max_length=50, load_default=None)
    shift = fields.String(load_default=None, validate=OneOf(SHIFTS))
    open = fields.Boolean(load_default=None)
    q = Text(max_length=100, load_default=None)


class EmployerQuery(PageQuery):
    q = Text(max_length=100, load_default=None)


class ProfileQuery(PageQuery):
    fair = fields.Integer(load_default=None, validate=ID_RANGE)


class TicketMatchQuery(StrictSchema):
    top = fields.Integer(load_default=5, validate=Range(min=1, max=20))


class ProfileMatchQuery(StrictSchema):
    top = fields.Integer(load_default=10, validate=Range(min=1, max=100))
    fair = fields.Integer(load_default=None, validate=ID_RANGE)
    town = Text(max_length=50, load_default=None)


class JobMatchQuery(ProfileMatchQuery):
    shift = fields.String(load_default=None, validate=OneOf(SHIFTS))


class OutcomeQuery(PageQuery):
    profile_id = fields.Integer(load_default=None, validate=ID_RANGE)
    job_id = fields.Integer(load_default=None, validate=ID_RANGE)
    status = fields.String(load_default=None, validate=OneOf(OUTCOME_STATUSES))


class PageNumber(Schema):
    """?page= of a list page (the page's other arguments are its own business)."""

    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=Range(min=1, max=MAX_PAGE))


class ReportQuery(Schema):
    """A report's scope, from the page's query or the command line: fair=ID or month=YYYY-MM (empty values count as
    absent; both at once is refused)."""

    class Meta:
        unknown = EXCLUDE

    fair = fields.Integer(
        validate=Range(min=1, max=MAX_ID, error=Message("fair must be a positive id", "集市编号不对")),
        error_messages={"invalid": Message("fair must be a number", "集市编号应是数字")},
    )
    month = fields.String(
        validate=Regexp(MONTH.pattern + "$", error=Message("month must be YYYY-MM", "月份应写成 2026-03 这样")),
    )

    @pre_load
    def _drop_empty(self, data, **kwargs):
        return {key: data[key] for key in ("fair", "month") if data.get(key) is not None and str(data[key]).strip()}

    @validates_schema
    def _one_scope(self, data, **kwargs):
        if "fair" in data and "month" in data:
            raise ValidationError(Message("give fair or month, not both", "一次只能选一场集市或一个月份"), "_schema")
