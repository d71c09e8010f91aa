"""Resident profiles: written at the kiosk or by stall staff, read and erased by staff."""

from __future__ import annotations

from flask import current_app, jsonify, request

from .. import schemas as s
from .. import services
from ..auth import api_recorder, api_role, audit
from ..db import db
from ..erasures import ErasureLog
from ..errors import Invalid, JobmatchError
from ..extensions import limiter
from .base import Blueprint, match_index

bp = Blueprint("profiles", __name__, url_prefix="/api/v1", description="Resident profiles")


@bp.route("/profiles", methods=["POST"])
@bp.access("kiosk", "staff")
@limiter.limit(lambda: current_app.config["RATE_LIMIT_KIOSK"], exempt_when=lambda: api_role() == "staff")
@bp.arguments(s.ProfileCreateSchema)
@bp.response(201, s.ProfileOut)
def create_profile(data):
    """Create a resident profile"""
    consented = bool(data.pop("consent", None))
    if api_role() == "kiosk" and not consented:
        raise Invalid(
            "请居民先同意保存和推荐，再提交",
            {"consent": ["must be true: the resident agreed"]},
            english="consent is required",
        )
    if api_role() == "kiosk":  # a kiosk's place comes from its picker, so anything else was tampered with
        services.check_kiosk_place(match_index().artefacts.gazetteer, data.get("town"), data.get("community"))
    key = request.headers.get("Idempotency-Key", "").strip()
    if key:
        if not s.IDEMPOTENCY_KEY.fullmatch(key):
            raise JobmatchError(
                "Idempotency-Key 应为 16-64 位字母、数字、- 或 _", {"Idempotency-Key": ["16-64 of A-Z a-z 0-9 - _"]}
            )
        profile = services.create_kiosk_profile(db.session, data, key, api_recorder(), consented)
    else:
        profile = services.create_profile(db.session, data, consented)
    services.commit(db.session)
    # The kiosk may read back what it sent, but not the name in full (the screen faces a public square).
    return jsonify(s.ProfileOut(context_role=api_role()).dump(profile)), 201


@bp.route("/profiles", methods=["GET"])
@bp.access("staff")
@bp.arguments(s.ProfileQuery, location="query")
@bp.response(200, s.page_schema(s.ProfileOut))
def list_profiles(args):
    """List profiles, newest first"""
    return services.list_profiles(db.session, **args)


@bp.route("/profiles/<int:profile_id>", methods=["GET"])
@bp.access("staff")
@bp.response(200, s.ProfileOut)
def get_profile(profile_id: int):
    """Read a profile (phone masked)"""
    return services.get_profile(db.session, profile_id)


@bp.route("/profiles/<int:profile_id>", methods=["DELETE"])
@bp.access("staff")
@bp.response(204)
def delete_profile(profile_id: int):
    """Delete a profile's personal data"""
    services.delete_profile(db.session, profile_id, ErasureLog.of(current_app))
    audit(db.session, "delete", f"profile:{profile_id}")
    services.commit(db.session)
    return "", 204
