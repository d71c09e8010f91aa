"""Fairs: one community service fair, its date and its town."""

from __future__ import annotations

from .. import schemas as s
from .. import services
from ..db import db
from .base import Blueprint

bp = Blueprint("fairs", __name__, url_prefix="/api/v1", description="Community service fairs")


@bp.route("/fairs", methods=["POST"])
@bp.access("office")
@bp.arguments(s.FairSchema)
@bp.response(201, s.FairOut)
def create_fair(data):
    """Create a fair"""
    fair = services.create_fair(db.session, data)
    services.commit(db.session)
    return fair


@bp.route("/fairs", methods=["GET"])
@bp.access("public")
@bp.arguments(s.PageQuery, location="query")
@bp.response(200, s.page_schema(s.FairOut))
def list_fairs(args):
    """List fairs, newest first"""
    return services.list_fairs(db.session, **args)


@bp.route("/fairs/<int:fair_id>", methods=["GET"])
@bp.access("public")
@bp.response(200, s.FairOut)
def get_fair(fair_id: int):
    """Read a fair"""
    return services.get_fair(db.session, fair_id)
