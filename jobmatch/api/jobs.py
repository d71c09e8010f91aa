"""Vacancies: posted by the office, open to the public while open."""

from __future__ import annotations

from .. import schemas as s
from .. import services
from ..auth import ROLE_GRANTS, api_role
from ..db import db
from ..errors import NotFound
from .base import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/api/v1", description="Vacancies")


def _sees_closed() -> bool:
    role = api_role()
    return role is not None and "office" in ROLE_GRANTS[role]


@bp.route("/jobs", methods=["POST"])
@bp.access("office")
@bp.arguments(s.JobCreateSchema)
@bp.response(201, s.JobOut)
def create_job(data):
    """Post a vacancy"""
    job = services.create_job(db.session, data)
    services.commit(db.session)
    return job


@bp.route("/jobs", methods=["GET"])
@bp.access("public")
@bp.arguments(s.JobQuery, location="query")
@bp.response(200, s.page_schema(s.JobOut))
def list_jobs(args):
    """List vacancies with filters"""
    if not _sees_closed():
        args["open"] = True  # the public sees open vacancies only
    return services.list_jobs(db.session, **args)


@bp.route("/jobs/<int:job_id>", methods=["GET"])
@bp.access("public")
@bp.response(200, s.JobOut)
def get_job(job_id: int):
    """Read a vacancy"""
    job = services.get_job(db.session, job_id)
    if not job.is_open and not _sees_closed():
        # The public sees open vacancies only, here as in the list.
        raise NotFound(f"没有编号为 {job_id} 的岗位", {"job_id": ["not found"]}, english="job not found")
    return job


@bp.route("/jobs/<int:job_id>", methods=["PATCH"])
@bp.access("office")
@bp.arguments(s.JobSchema(partial=True))
@bp.response(200, s.JobOut)
def update_job(data, job_id: int):
    """Update a vacancy"""
    job = services.update_job(db.session, job_id, data)
    services.commit(db.session)
    return job


@bp.route("/jobs/<int:job_id>/close", methods=["POST"])
@bp.access("office")
@bp.response(200, s.JobOut)
def close_job(job_id: int):
    """Close a vacancy"""
    job = services.close_job(db.session, job_id)
    services.commit(db.session)
    return job
