"""Thin views: parse with a schema, call a service, commit what it wrote, serialise."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import DBAPIError

from .. import schemas as s
from .. import services
from ..auth import ROLE_GRANTS, api_recorder, api_role, audit
from ..db import db
from ..erasures import ErasureLog
from ..errors import (
    Invalid,
    JobmatchError,
    NotFound,
    StorageUnavailable,
    database_reason,
    storage_fault,
)
from ..extensions import limiter
from .docs import load_body, load_query, route

bp = Blueprint("api", __name__, url_prefix="/api/v1")
health_bp = Blueprint("health", __name__)

FAIRS, EMPLOYERS, JOBS, PROFILES, MATCHES, OUTCOMES = "fairs", "employers", "jobs", "profiles", "matches", "outcomes"


def _page(page: services.Page, schema) -> dict:
    return {
        "items": schema.dump(page.items, many=True),
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
    }


@cache
def _one(schema_class):
    """One instance per schema class: building a schema copies all its fields, which costs the match endpoints
    more than the matching does."""
    return schema_class()


def _index() -> services.MatchIndex:
    return current_app.extensions["jobmatch.index"]


@route(
    health_bp,
    "/healthz",
    "GET",
    access=("public",),
    summary="Liveness and database check",
    tag="health",
    response=s.HealthOut,
)
def healthz():
    return {"status": "ok", "database": services.database_alive(db.session)}


# A readiness check answers within this many seconds even when a writer holds the lock.
READY_TIMEOUT = 2.0


@route(
    health_bp,
    "/readyz",
    "GET",
    access=("public",),
    summary="Readiness: proves a write can commit (503 when not)",
    tag="health",
    response=s.HealthOut,
)
def readyz():
    try:
        services.beat(db.engine, "readiness", min(READY_TIMEOUT, current_app.config["DB_BUSY_TIMEOUT"]))
    except DBAPIError as err:
        # Not ready, whatever the database's reason (even one that is not a storage fault, e.g. a missing table).
        raise storage_fault(err) or StorageUnavailable(database_reason(err.orig)) from None
    return {"status": "ok", "database": db.engine.dialect.name}


@route(bp, "/openapi.json", "GET", access=("public",), summary="This API's OpenAPI 3 document", tag="health")
def openapi():
    from .openapi import build_spec

    return jsonify(build_spec(current_app))


# --- fairs -----------------------------------------------------------------------------------------


@route(
    bp,
    "/fairs",
    "POST",
    access=("office",),
    summary="Create a fair",
    tag=FAIRS,
    body=s.FairSchema,
    response=s.FairOut,
    status=201,
)
def create_fair():
    fair = services.create_fair(db.session, load_body(s.FairSchema()))
    services.commit(db.session)
    return s.FairOut().dump(fair), 201


@route(
    bp,
    "/fairs",
    "GET",
    access=("public",),
    summary="List fairs, newest first",
    tag=FAIRS,
    query=s.PageQuery,
    response=s.page_schema(s.FairOut),
)
def list_fairs():
    return _page(services.list_fairs(db.session, **load_query(s.PageQuery())), s.FairOut())


@route(bp, "/fairs/<int:fair_id>", "GET", access=("public",), summary="Read a fair", tag=FAIRS, response=s.FairOut)
def get_fair(fair_id: int):
    return s.FairOut().dump(services.get_fair(db.session, fair_id))


# --- employers -------------------------------------------------------------------------------------


@route(
    bp,
    "/employers",
    "POST",
    access=("office",),
    summary="Create an employer",
    tag=EMPLOYERS,
    body=s.EmployerSchema,
    response=s.EmployerOut,
    status=201,
)
def create_employer():
    employer = services.create_employer(db.session, load_body(s.EmployerSchema()))
    services.commit(db.session)
    return s.EmployerOut().dump(employer), 201


@route(
    bp,
    "/employers",
    "GET",
    access=("public",),
    summary="List employers",
    tag=EMPLOYERS,
    query=s.EmployerQuery,
    response=s.page_schema(s.EmployerOut),
)
def list_employers():
    return _page(services.list_employers(db.session, **load_query(s.EmployerQuery())), s.EmployerOut())


@route(
    bp,
    "/employers/<int:employer_id>",
    "GET",
    access=("public",),
    summary="Read an employer",
    tag=EMPLOYERS,
    response=s.EmployerOut,
)
def get_employer(employer_id: int):
    return s.EmployerOut().dump(services.get_employer(db.session, employer_id))


@route(
    bp,
    "/employers/<int:employer_id>",
    "PATCH",
    access=("office",),
    summary="Update an employer",
    tag=EMPLOYERS,
    body=s.EmployerSchema(partial=True),
    response=s.EmployerOut,
)
def update_employer(employer_id: int):
    data = load_body(s.EmployerSchema(), partial=True)
    employer = services.update_employer(db.session, employer_id, data)
    services.commit(db.session)
    return s.EmployerOut().dump(employer)


# --- jobs ------------------------------------------------------------------------------------------


@route(
    bp,
    "/jobs",
    "POST",
    access=("office",),
    summary="Post a vacancy",
    tag=JOBS,
    body=s.JobCreateSchema,
    response=s.JobOut,
    status=201,
)
def create_job():
    job = services.create_job(db.session, load_body(s.JobCreateSchema()))
    services.commit(db.session)
    return s.JobOut().dump(job), 201


@route(
    bp,
    "/jobs",
    "GET",
    access=("public",),
    summary="List vacancies with filters",
    tag=JOBS,
    query=s.JobQuery,
    response=s.page_schema(s.JobOut),
)
def list_jobs():
    args = load_query(s.JobQuery())
    if "office" not in ROLE_GRANTS.get(api_role(), set()):
        args["open"] = True  # the public sees open vacancies only
    return _page(services.list_jobs(db.session, **args), s.JobOut())


@route(bp, "/jobs/<int:job_id>", "GET", access=("public",), summary="Read a vacancy", tag=JOBS, response=s.JobOut)
def get_job(job_id: int):
    job = services.get_job(db.session, job_id)
    if not job.is_open and "office" not in ROLE_GRANTS.get(api_role(), set()):
        # The public sees open vacancies only, here as in the list.
        raise NotFound(f"没有编号为 {job_id} 的岗位 (job not found)", {"job_id": ["not found"]})
    return s.JobOut().dump(job)


@route(
    bp,
    "/jobs/<int:job_id>",
    "PATCH",
    access=("office",),
    summary="Update a vacancy",
    tag=JOBS,
    body=s.JobSchema(partial=True),
    response=s.JobOut,
)
def update_job(job_id: int):
    data = load_body(s.JobSchema(), partial=True)
    job = services.update_job(db.session, job_id, data)
    services.commit(db.session)
    return s.JobOut().dump(job)


@route(
    bp, "/jobs/<int:job_id>/close", "POST", access=("office",), summary="Close a vacancy", tag=JOBS, response=s.JobOut
)
def close_job(job_id: int):
    job = services.close_job(db.session, job_id)
    services.commit(db.session)
    return s.JobOut().dump(job)


# --- profiles --------------------------------------------------------------------------------------


@route(
    bp,
    "/profiles",
    "POST",
    access=("kiosk", "staff"),
    summary="Create a resident profile",
    tag=PROFILES,
    body=s.ProfileCreateSchema,
    response=s.ProfileOut,
    status=201,
)
@limiter.limit(lambda: current_app.config["RATE_LIMIT_KIOSK"], exempt_when=lambda: api_role() == "staff")
def create_profile():
    data = load_body(s.ProfileCreateSchema())
    consented = bool(data.pop("consent", None))
    if api_role() == "kiosk" and not consented:
        raise Invalid(
            "请居民先同意保存和推荐，再提交 (consent is required)", {"consent": ["must be true: the resident agreed"]}
        )
    if api_role() == "kiosk":  # a kiosk's place comes from its picker, so anything else was tampered with
        services.check_kiosk_place(_index().artefacts.gazetteer, data.get("town"), data.get("community"))
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
    return _profile_out().dump(profile), 201


def _profile_out():
    # The kiosk may read back what it sent, but not the name in full (the screen faces a public square).
    return s.ProfileOut(context_role=api_role())


@route(
    bp,
    "/profiles",
    "GET",
    access=("staff",),
    summary="List profiles, newest first",
    tag=PROFILES,
    query=s.ProfileQuery,
    response=s.page_schema(s.ProfileOut),
)
def list_profiles():
    return _page(services.list_profiles(db.session, **load_query(s.ProfileQuery())), s.ProfileOut())


@route(
    bp,
    "/profiles/<int:profile_id>",
    "GET",
    access=("staff",),
    summary="Read a profile (phone masked)",
    tag=PROFILES,
    response=s.ProfileOut,
)
def get_profile(profile_id: int):
    return s.ProfileOut().dump(services.get_profile(db.session, profile_id))


@route(
    bp,
    "/profiles/<int:profile_id>",
    "DELETE",
    access=("staff",),
    summary="Delete a profile's personal data",
    tag=PROFILES,
    status=204,
)
def delete_profile(profile_id: int):
    services.delete_profile(db.session, profile_id, ErasureLog.of(current_app))
    audit(db.session, "delete", f"profile:{profile_id}")
    services.commit(db.session)
    return "", 204


@route(
    bp,
    "/tickets/<ticket>/matches",
    "GET",
    access=("kiosk", "staff"),
    summary="Jobs for the resident holding a kiosk ticket",
    tag=MATCHES,
    query=s.TicketMatchQuery,
    response=s.JobMatchesOut,
)
@limiter.limit(lambda: current_app.config["RATE_LIMIT_TICKET"])
def ticket_matches(ticket: str):
    args = load_query(_one(s.TicketMatchQuery))
    profile = services.profile_by_ticket(db.session, ticket)
    pairs = services.jobs_for_profile(db.session, _index(), profile.id, top=args["top"])
    matches = [
        {"job": job, "score": m.score, "eligible": m.eligible, "fit": m.fit, "reasons": m.reasons} for job, m in pairs
    ]
    return _one(s.JobMatchesOut).dump({"profile_id": profile.id, "matches": matches})


# --- matches ---------------------------------------------------------------------------------------


@route(
    bp,
    "/profiles/<int:profile_id>/matches",
    "GET",
    access=("staff",),
    summary="Jobs for a resident, best first, with reasons",
    tag=MATCHES,
    query=s.JobMatchQuery,
    response=s.JobMatchesOut,
)
def jobs_for_profile(profile_id: int):
    args = load_query(_one(s.JobMatchQuery))
    pairs = services.jobs_for_profile(db.session, _index(), profile_id, **args)
    matches = [
        {"job": job, "score": m.score, "eligible": m.eligible, "fit": m.fit, "reasons": m.reasons} for job, m in pairs
    ]
    return _one(s.JobMatchesOut).dump({"profile_id": profile_id, "matches": matches})


@route(
    bp,
    "/jobs/<int:job_id>/matches",
    "GET",
    access=("staff",),
    summary="Residents for a vacancy, best first, with reasons",
    tag=MATCHES,
    query=s.ProfileMatchQuery,
    response=s.ProfileMatchesOut,
)
def profiles_for_job(job_id: int):
    args = load_query(_one(s.ProfileMatchQuery))
    pairs = services.profiles_for_job(db.session, _index(), job_id, **args)
    matches = [
        {"profile": p, "score": m.score, "eligible": m.eligible, "fit": m.fit, "reasons": m.reasons} for p, m in pairs
    ]
    return _one(s.ProfileMatchesOut).dump({"job_id": job_id, "matches": matches})


# --- outcomes --------------------------------------------------------------------------------------


@route(
    bp,
    "/outcomes",
    "POST",
    access=("staff",),
    summary="Record what happened: contacted, interviewed, hired ...",
    tag=OUTCOMES,
    body=s.OutcomeSchema,
    response=s.OutcomeOut,
    status=201,
)
def create_outcome():
    data = load_body(s.OutcomeSchema())
    outcome = services.record_outcome(
        db.session, data.pop("profile_id"), data.pop("job_id"), data.pop("status"), recorder=api_recorder(), **data
    )
    services.commit(db.session)
    return s.OutcomeOut().dump(outcome), 201


@route(
    bp,
    "/outcomes/<int:outcome_id>",
    "DELETE",
    access=("staff",),
    summary="Undo a step recorded by mistake (the latest of its pair, by its recorder, within 15 minutes)",
    tag=OUTCOMES,
    status=204,
)
def undo_outcome(outcome_id: int):
    outcome = services.undo_outcome(db.session, outcome_id, api_recorder())
    audit(db.session, "undo", f"outcome:{outcome.id}")
    services.commit(db.session)
    return "", 204


@route(
    bp,
    "/outcomes",
    "GET",
    access=("staff",),
    summary="List outcomes",
    tag=OUTCOMES,
    query=s.OutcomeQuery,
    response=s.page_schema(s.OutcomeOut),
)
def list_outcomes():
    return _page(services.list_outcomes(db.session, **load_query(s.OutcomeQuery())), s.OutcomeOut())


# --- audit -----------------------------------------------------------------------------------------


@route(
    bp,
    "/audit",
    "GET",
    access=("office",),
    summary="Who showed a phone, printed, deleted, imported or exported, and when",
    tag="audit",
    query=s.PageQuery,
    response=s.page_schema(s.AuditOut),
)
def list_audit():
    return _page(services.list_audit(db.session, **load_query(s.PageQuery())), s.AuditOut())
