"""The OpenAPI 3 document, generated from the routes' schemas."""

from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from ..schemas import ErrorOut

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
_ERRORS = {
    "400": "Malformed request",
    "404": "Not found",
    "409": "Conflict",
    "422": "Invalid fields",
    "503": "The database cannot take writes just now (locked, read-only or full); retry after Retry-After seconds",
}


def _schema_name(resolver_input) -> str:
    cls = resolver_input if isinstance(resolver_input, type) else type(resolver_input)
    name = cls.__name__.removesuffix("Schema") or cls.__name__
    return name + "Patch" if getattr(resolver_input, "partial", False) is True else name


def build_spec(app) -> dict:
    spec = APISpec(
        title="jobmatch",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
        info={"description": "Vacancies, resident profiles and explained matches for the community fair job stall."},
    )
    spec.components.schema("Error", schema=ErrorOut)
    spec.components.security_scheme(
        "bearer",
        {"type": "http", "scheme": "bearer", "description": "jobmatch create-token NAME --role office|staff|kiosk"},
    )
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions.get(rule.endpoint)
        doc = getattr(view, "apidoc", None)
        if doc is None:
            continue
        path = _PARAM.sub(r"{\2}", rule.rule)
        operations = {}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            op = {
                "summary": doc["summary"],
                "tags": [doc["tag"]],
                "operationId": rule.endpoint.replace(".", "_"),
                "responses": {},
            }
            params = [
                {
                    "in": "path",
                    "name": name,
                    "required": True,
                    "schema": {"type": "integer" if conv == "int" else "string"},
                }
                for conv, name in _PARAM.findall(rule.rule)
            ]
            if doc["query"] is not None:
                params.append({"in": "query", "schema": doc["query"]})
            if params:
                op["parameters"] = params
            if doc["body"] is not None:
                op["requestBody"] = {"required": True, "content": {"application/json": {"schema": doc["body"]}}}
            status = str(doc["status"])
            if doc["response"] is not None:
                op["responses"][status] = {
                    "description": "OK",
                    "content": {"application/json": {"schema": doc["response"]}},
                }
            else:
                op["responses"][status] = {"description": "OK"}
            if "public" not in doc["access"]:
                op["security"] = [{"bearer": []}]
                op["description"] = (
                    "Roles: "
                    + ", ".join(doc["access"])
                    + (" (staff may do all that office may)" if "office" in doc["access"] else "")
                )
                for code, text in (("401", "No valid token"), ("403", "The token's role may not do this")):
                    op["responses"][code] = {"description": text, "content": {"application/json": {"schema": "Error"}}}
            for code, text in _ERRORS.items():
                op["responses"][code] = {"description": text, "content": {"application/json": {"schema": "Error"}}}
            operations[method.lower()] = op
        spec.path(path=path, operations=operations)
    return spec.to_dict()
