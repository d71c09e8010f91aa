"""Liveness, readiness and the API's own OpenAPI document."""

from __future__ import annotations

from flask import current_app, jsonify
from flask_smorest import current_api
from sqlalchemy.exc import DBAPIError

from .. import schemas as s
from .. import services
from ..db import db
from ..errors import StorageUnavailable, database_reason, storage_fault
from .base import Blueprint

bp = Blueprint("health", __name__, description="Liveness, readiness and this document")

# A readiness check answers within this many seconds even when a writer holds the lock.
READY_TIMEOUT = 2.0


@bp.route("/healthz", methods=["GET"])
@bp.access("public")
@bp.response(200, s.HealthOut)
def healthz():
    """Liveness and database check"""
    return {"status": "ok", "database": services.database_alive(db.session)}


@bp.route("/readyz", methods=["GET"])
@bp.access("public")
@bp.response(200, s.HealthOut)
def readyz():
    """Readiness: proves a write can commit (503 when not)"""
    try:
        services.beat(db.engine, "readiness", min(READY_TIMEOUT, current_app.config["DB_BUSY_TIMEOUT"]))
    except DBAPIError as err:
        # Not ready, whatever the database's reason (even one that is not a storage fault, e.g. a missing table).
        raise storage_fault(err) or StorageUnavailable(database_reason(err.orig)) from None
    return {"status": "ok", "database": db.engine.dialect.name}


@bp.route("/api/v1/openapi.json", methods=["GET"])
@bp.access("public", operation_prefix="api")
@bp.response(200)
def openapi():
    """This API's OpenAPI 3 document"""
    return jsonify(current_api.spec.to_dict())
