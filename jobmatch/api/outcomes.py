"""Outcomes: what happened after a match (contacted, interviewed, hired ...), and undoing a slip."""

from __future__ import annotations

from .. import schemas as s
from .. import services
from ..auth import api_recorder, audit
from ..db import db
from .base import Blueprint

bp = Blueprint("outcomes", __name__, url_prefix="/api/v1", description="What happened after a match")


@bp.route("/outcomes", methods=["POST"])
@bp.access("staff")
@bp.arguments(s.OutcomeSchema)
@bp.response(201, s.OutcomeOut)
def create_outcome(data):
    """Record what happened: contacted, interviewed, hired ..."""
    outcome = services.record_outcome(
        db.session, data.pop("profile_id"), data.pop("job_id"), data.pop("status"), recorder=api_recorder(), **data
    )
    services.commit(db.session)
    return outcome


@bp.route("/outcomes/<int:outcome_id>", methods=["DELETE"])
@bp.access("staff")
@bp.response(204)
def undo_outcome(outcome_id: int):
    """Undo a step recorded by mistake (the latest of its pair, by its recorder, within 15 minutes)"""
    outcome = services.undo_outcome(db.session, outcome_id, api_recorder())
    audit(db.session, "undo", f"outcome:{outcome.id}")
    services.commit(db.session)
    return "", 204


@bp.route("/outcomes", methods=["GET"])
@bp.access("staff")
@bp.arguments(s.OutcomeQuery, location="query")
@bp.response(200, s.page_schema(s.OutcomeOut))
def list_outcomes(args):
    """List outcomes"""
    return services.list_outcomes(db.session, **args)
