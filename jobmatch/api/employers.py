"""Employers: the firms that offer vacancies."""

from __future__ import annotations

from .. import schemas as s
from .. import services
from ..db import db
from .base import Blueprint

bp = Blueprint("employers", __name__, url_prefix="/api/v1", description="The firms that offer vacancies")


@bp.route("/employers", methods=["POST"])
@bp.access("office")
@bp.arguments(s.EmployerSchema)
@bp.response(201, s.EmployerOut)
def create_employer(data):
    """Create an employer"""
    employer = services.create_employer(db.session, data)
    services.commit(db.session)
    return employer


@bp.route("/employers", methods=["GET"])
@bp.access("public")
@bp.arguments(s.EmployerQuery, location="query")
@bp.response(200, s.page_schema(s.EmployerOut))
def list_employers(args):
    """List employers"""
    return services.list_employers(db.session, **args)


@bp.route("/employers/<int:employer_id>", methods=["GET"])
@bp.access("public")
@bp.response(200, s.EmployerOut)
def get_employer(employer_id: int):
    """Read an employer"""
    return services.get_employer(db.session, employer_id)


@bp.route("/employers/<int:employer_id>", methods=["PATCH"])
@bp.access("office")
@bp.arguments(s.EmployerSchema(partial=True))
@bp.response(200, s.EmployerOut)
def update_employer(data, employer_id: int):
    """Update an employer"""
    employer = services.update_employer(db.session, employer_id, data)
    services.commit(db.session)
    return employer
