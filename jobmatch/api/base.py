"""What every API blueprint shares: flask-smorest's Blueprint with jobmatch's argument parser and access rules."""

from __future__ import annotations

from collections.abc import Callable

import flask_smorest
from flask import current_app
from marshmallow import ValidationError
from webargs.flaskparser import FlaskParser

from ..auth import api_access
from ..errors import JobmatchError

# Every operation may answer these, in the one error shape (schemas.ErrorOut, named "Error" in the document).
ERROR_RESPONSES = {
    400: "Malformed request",
    404: "Not found",
    409: "Conflict",
    422: "Invalid fields",
    503: "The database cannot take writes just now (locked, read-only or full); retry after Retry-After seconds",
}
_GUARDED_RESPONSES = {401: "No valid token", 403: "The token's role may not do this"}


class Parser(FlaskParser):
    """webargs as jobmatch has always parsed: a body must be a JSON object (400 otherwise), a query string is its
    first value per name, unknown names follow each schema's own rule, and field errors reach the app's one error
    handler unwrapped (422 with the fields), not namespaced under their location."""

    def __init__(self):
        super().__init__(unknown=None)

    def load_json(self, req, schema):
        try:
            data = req.get_json(silent=True)
        except RecursionError:  # JSON nested thousands deep: the parser gives up before it is done
            raise JobmatchError("请求体嵌套太深", english="body nested too deeply") from None
        if data is None:
            raise JobmatchError("请求体必须是 JSON", english="body must be JSON with Content-Type: application/json")
        if not isinstance(data, dict):
            raise JobmatchError("请求体必须是 JSON 对象", english="body must be a JSON object")
        return data

    def load_querystring(self, req, schema):
        return req.args.to_dict()

    def _on_validation_error(self, error: ValidationError, req, schema, location, **kwargs):
        raise error


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()

    def access(self, *levels: str, operation_prefix: str | None = None) -> Callable[[Callable], Callable]:
        """Who may call the view ("public", or the roles whose grants include a level), enforced before its
        arguments are parsed, and documented with the operation's id and error answers."""

        def decorator(view: Callable) -> Callable:
            responses = dict(ERROR_RESPONSES)
            doc: dict = {}
            if "public" not in levels:
                responses |= _GUARDED_RESPONSES
                doc["security"] = [{"bearer": []}]
                doc["description"] = "Roles: " + ", ".join(levels)
                if "office" in levels:
                    doc["description"] += " (staff may do all that office may)"
            doc["responses"] = {
                str(code): {"description": text, "content": {"application/json": {"schema": "Error"}}}
                for code, text in responses.items()
            }
            # The ids the hand-written document gave, so generated clients keep their method names.
            prefix = operation_prefix or ("health" if self.name == "health" else "api")
            doc["operationId"] = f"{prefix}_{view.__name__}"
            return api_access(*levels)(self.doc(**doc)(view))

        return decorator


def match_index():
    """The app's match index, which every ranking goes through (services.MatchIndex)."""
    return current_app.extensions["jobmatch.index"]
