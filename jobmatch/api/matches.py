"""Matches: jobs for a resident and residents for a vacancy, best first, each with its reasons."""

from __future__ import annotations

from flask import current_app

from .. import schemas as s
from .. import services
from ..db import db
from ..extensions import limiter
from .base import Blueprint, match_index

bp = Blueprint("matches", __name__, url_prefix="/api/v1", description="Ranked, explained matches")


def _job_matches(profile_id: int, pairs) -> dict:
    matches = [
        {"job": job, "score": m.score, "eligible": m.eligible, "fit": m.fit, "reasons": m.reasons} for job, m in pairs
    ]
    return {"profile_id": profile_id, "matches": matches}


@bp.route("/tickets/<ticket>/matches", methods=["GET"])
@bp.access("kiosk", "staff")
@limiter.limit(lambda: current_app.config["RATE_LIMIT_TICKET"])
@bp.arguments(s.TicketMatchQuery, location="query")
@bp.response(200, s.JobMatchesOut)
def ticket_matches(args, ticket: str):
    """Jobs for the resident holding a kiosk ticket"""
    profile = services.profile_by_ticket(db.session, ticket)
    return _job_matches(profile.id, services.jobs_for_profile(db.session, match_index(), profile.id, top=args["top"]))


@bp.route("/profiles/<int:profile_id>/matches", methods=["GET"])
@bp.access("staff")
@bp.arguments(s.JobMatchQuery, location="query")
@bp.response(200, s.JobMatchesOut)
def jobs_for_profile(args, profile_id: int):
    """Jobs for a resident, best first, with reasons"""
    return _job_matches(profile_id, services.jobs_for_profile(db.session, match_index(), profile_id, **args))


@bp.route("/jobs/<int:job_id>/matches", methods=["GET"])
@bp.access("staff")
@bp.arguments(s.ProfileMatchQuery, location="query")
@bp.response(200, s.ProfileMatchesOut)
def profiles_for_job(args, job_id: int):
    """Residents for a vacancy, best first, with reasons"""
    pairs = services.profiles_for_job(db.session, match_index(), job_id, **args)
    matches = [
        {"profile": p, "score": m.score, "eligible": m.eligible, "fit": m.fit, "reasons": m.reasons} for p, m in pairs
    ]
    return {"job_id": job_id, "matches": matches}
