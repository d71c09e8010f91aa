"""The JSON REST API under /api/v1, and /healthz: flask-smorest blueprints, one per resource, documented from their
marshmallow schemas."""

from __future__ import annotations

import flask_smorest
from apispec.ext.marshmallow import MarshmallowPlugin

from ..schemas import ErrorOut
from . import audit, employers, fairs, health, jobs, matches, outcomes, profiles

BLUEPRINTS = (
    health.bp,
    fairs.bp,
    employers.bp,
    jobs.bp,
    profiles.bp,
    matches.bp,
    outcomes.bp,
    audit.bp,
)


def _schema_name(resolver_input) -> str:
    cls = resolver_input if isinstance(resolver_input, type) else type(resolver_input)
    if cls is ErrorOut:
        return "Error"  # the one error shape keeps the name clients know it by
    name = cls.__name__.removesuffix("Schema") or cls.__name__
    return name + "Patch" if getattr(resolver_input, "partial", False) is True else name


class Api(flask_smorest.Api):
    """flask-smorest's Api, answering errors through jobmatch's one handler (errors.register_error_handlers)."""

    ERROR_SCHEMA = ErrorOut

    def _register_error_handlers(self):
        pass


def init_api(app, csrf) -> Api:
    """Register the API's blueprints on `app`; the document is served at /api/v1/openapi.json (see health.py)."""
    api = Api(
        app,
        spec_kwargs={
            "title": "jobmatch",
            "version": "1",
            "openapi_version": "3.0.3",
            "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=_schema_name),
            "info": {
                "description": "Vacancies, resident profiles and explained matches for the community fair job stall."
            },
        },
    )
    api.spec.components.security_scheme(
        "bearer",
        {"type": "http", "scheme": "bearer", "description": "jobmatch create-token NAME --role office|staff|kiosk"},
    )
    for blueprint in BLUEPRINTS:
        csrf.exempt(blueprint)  # a bearer token, not a cookie, authorises the API
        api.register_blueprint(blueprint)
    return api
