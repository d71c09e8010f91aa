"""The API's other answers: a page of a list, an error, an audit event and the health check."""

from __future__ import annotations

from marshmallow import Schema, fields


def page_schema(item_schema: type[Schema]) -> type[Schema]:
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
            "total": fields.Integer(),
        },
        name=f"{item_schema.__name__.removesuffix('Out')}Page",
    )


# "fields" would shadow Schema.fields as a class attribute, so this one is built from a dict.
ErrorBody = Schema.from_dict(
    {"code": fields.String(), "message": fields.String(), "fields": fields.Dict()}, name="ErrorBody"
)


class ErrorOut(Schema):
    error = fields.Nested(ErrorBody)


class AuditOut(Schema):
    id = fields.Integer()
    user_id = fields.Integer(allow_none=True)
    actor = fields.String(allow_none=True, metadata={"description": "who acted without a login: token:NAME or cli"})
    action = fields.String()
    target = fields.String()
    created_at = fields.DateTime()


class HealthOut(Schema):
    status = fields.String()
    database = fields.String()
