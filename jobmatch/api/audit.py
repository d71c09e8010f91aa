"""The audit trail: who showed a phone, printed, deleted, imported or exported, and when."""

from __future__ import annotations

from .. import schemas as s
from .. import services
from ..db import db
from .base import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/api/v1", description="Who did what with personal data, and when")


@bp.route("/audit", methods=["GET"])
@bp.access("office")
@bp.arguments(s.PageQuery, location="query")
@bp.response(200, s.page_schema(s.AuditOut))
def list_audit(args):
    """Who showed a phone, printed, deleted, imported or exported, and when"""
    return services.list_audit(db.session, **args)
