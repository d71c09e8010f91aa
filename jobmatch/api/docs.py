"""Route declarations that also describe themselves for the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, request

from ..auth import api_access
from ..errors import JobmatchError


def route(
    bp: Blueprint,
    rule: str,
    method: str,
    *,
    access: tuple[str, ...],
    summary: str,
    tag: str,
    body=None,
    query=None,
    response=None,
    status=200,
):
    """Register a view with who may call it, and keep what the OpenAPI generator needs to describe it."""

    def decorator(view):
        view = api_access(*access)(view)
        view.apidoc = {
            "access": access,
            "summary": summary,
            "tag": tag,
            "body": body,
            "query": query,
            "response": response,
            "status": status,
        }
        bp.add_url_rule(rule, view_func=view, methods=[method])
        return view

    return decorator


def load_body(schema, partial: bool = False) -> dict:
    """The request's JSON object, validated by `schema` (422 on field errors, 400 if not a JSON object)."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # JSON nested thousands deep: the parser gives up before it is done
        raise JobmatchError("请求体嵌套太深", english="body nested too deeply") from None
    if data is None:
        raise JobmatchError("请求体必须是 JSON", english="body must be JSON with Content-Type: application/json")
    if not isinstance(data, dict):
        raise JobmatchError("请求体必须是 JSON 对象", english="body must be a JSON object")
    return schema.load(data, partial=partial)


def load_query(schema) -> dict:
    return schema.load(request.args.to_dict())
