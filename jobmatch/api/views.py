"""Thin views: parse with a schema, call a service, serialise."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from .. import schemas as s
from .. import services
from ..db import db
from .docs import load_body, load_query, route

bp = Blueprint("api", __name__, url_prefix="/api/v1")
health_bp = Blueprint("health", __name__)

FAIRS, EMPLOYERS, JOBS, PROFILES, MATCHES, OUTCOMES = "fairs", "employers", "jobs", "profiles", "matches", "outcomes"


def _page(page: services.Page, schema) -> dict:
    return {"items": schema.dump(page.items, many=True), "page": page.page, "per_page": page.per_page, "total": page.total}


def _index() -> services.MatchIndex:
    return current_app.extensions["jobmatch.index"]


@route(health_bp, "/healthz", "GET", summary="Liveness and database check", tag="health", response=s.HealthOut)
def healthz():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok", "database": db.engine.dialect.name}


@route(bp, "/openapi.json", "GET", summary="This API's OpenAPI 3 document", tag="health")
def openapi():
    from .openapi import build_spec

    return jsonify(build_spec(current_app))


# --- fairs -----------------------------------------------------------------------------------------


@route(bp, "/fairs", "POST", summary="Create a fair", tag=FAIRS, body=s.FairSchema, response=s.FairOut, status=201)
def create_fair():
    return s.FairOut().dump(services.create_fair(db.session, load_body(s.FairSchema()))), 201


@route(bp, "/fairs", "GET", summary="List fairs, newest first", tag=FAIRS, query=s.PageQuery, response=s.page_schema(s.FairOut))
def list_fairs():
    return _page(services.list_fairs(db.session, **load_query(s.PageQuery())), s.FairOut())


@route(bp, "/fairs/<int:fair_id>", "GET", summary="Read a fair", tag=FAIRS, response=s.FairOut)
def get_fair(fair_id: int):
    return s.FairOut().dump(services.get_fair(db.session, fair_id))


# --- employers -------------------------------------------------------------------------------------


@route(bp, "/employers", "POST", summary="Create an employer", tag=EMPLOYERS, body=s.EmployerSchema, response=s.EmployerOut, status=201)
def create_employer():
    return s.EmployerOut().dump(services.create_employer(db.session, load_body(s.EmployerSchema()))), 201


@route(bp, "/employers", "GET", summary="List employers", tag=EMPLOYERS, query=s.EmployerQuery, response=s.page_schema(s.EmployerOut))
def list_employers():
    return _page(services.list_employers(db.session, **load_query(s.EmployerQuery())), s.EmployerOut())


@route(bp, "/employers/<int:employer_id>", "GET", summary="Read an employer", tag=EMPLOYERS, response=s.EmployerOut)
def get_employer(employer_id: int):
    return s.EmployerOut().dump(services.get_employer(db.session, employer_id))


@route(bp, "/employers/<int:employer_id>", "PATCH", summary="Update an employer", tag=EMPLOYERS, body=s.EmployerSchema(partial=True), response=s.EmployerOut)
def update_employer(employer_id: int):
    data = load_body(s.EmployerSchema(), partial=True)
    return s.EmployerOut().dump(services.update_employer(db.session, employer_id, data))


# --- jobs ------------------------------------------------------------------------------------------


@route(bp, "/jobs", "POST", summary="Post a vacancy", tag=JOBS, body=s.JobCreateSchema, response=s.JobOut, status=201)
def create_job():
    return s.JobOut().dump(services.create_job(db.session, load_body(s.JobCreateSchema()))), 201


@route(bp, "/jobs", "GET", summary="List vacancies with filters", tag=JOBS, query=s.JobQuery, response=s.page_schema(s.JobOut))
def list_jobs():
    return _page(services.list_jobs(db.session, **load_query(s.JobQuery())), s.JobOut())


@route(bp, "/jobs/<int:job_id>", "GET", summary="Read a vacancy", tag=JOBS, response=s.JobOut)
def get_job(job_id: int):
    return s.JobOut().dump(services.get_job(db.session, job_id))


@route(bp, "/jobs/<int:job_id>", "PATCH", summary="Update a vacancy", tag=JOBS, body=s.JobSchema(partial=True), response=s.JobOut)
def update_job(job_id: int):
    data = load_body(s.JobSchema(), partial=True)
    return s.JobOut().dump(services.update_job(db.session, job_id, data))


@route(bp, "/jobs/<int:job_id>/close", "POST", summary="Close a vacancy", tag=JOBS, response=s.JobOut)
def close_job(job_id: int):
    return s.JobOut().dump(services.close_job(db.session, job_id))


# --- profiles --------------------------------------------------------------------------------------


@route(bp, "/profiles", "POST", summary="Create a resident profile", tag=PROFILES, body=s.ProfileSchema, response=s.ProfileOut, status=201)
def create_profile():
    return s.ProfileOut().dump(services.create_profile(db.session, load_body(s.ProfileSchema()))), 201


@route(bp, "/profiles", "GET", summary="List profiles, newest first", tag=PROFILES, query=s.ProfileQuery, response=s.page_schema(s.ProfileOut))
def list_profiles():
    return _page(services.list_profiles(db.session, **load_query(s.ProfileQuery())), s.ProfileOut())


@route(bp, "/profiles/<int:profile_id>", "GET", summary="Read a profile (phone masked)", tag=PROFILES, response=s.ProfileOut)
def get_profile(profile_id: int):
    return s.ProfileOut().dump(services.get_profile(db.session, profile_id))


@route(bp, "/profiles/<int:profile_id>", "DELETE", summary="Delete a profile's personal data", tag=PROFILES, status=204)
def delete_profile(profile_id: int):
    services.delete_profile(db.session, profile_id)
    return "", 204


# --- matches ---------------------------------------------------------------------------------------


@route(bp, "/profiles/<int:profile_id>/matches", "GET", summary="Jobs for a resident, best first, with reasons", tag=MATCHES, query=s.JobMatchQuery, response=s.JobMatchesOut)
def jobs_for_profile(profile_id: int):
    args = load_query(s.JobMatchQuery())
    pairs = services.jobs_for_profile(db.session, _index(), profile_id, **args)
    matches = [{"job": job, "score": m.score, "eligible": m.eligible, "reasons": m.reasons} for job, m in pairs]
    return s.JobMatchesOut().dump({"profile_id": profile_id, "matches": matches})


@route(bp, "/jobs/<int:job_id>/matches", "GET", summary="Residents for a vacancy, best first, with reasons", tag=MATCHES, query=s.ProfileMatchQuery, response=s.ProfileMatchesOut)
def profiles_for_job(job_id: int):
    args = load_query(s.ProfileMatchQuery())
    pairs = services.profiles_for_job(db.session, _index(), job_id, **args)
    matches = [{"profile": p, "score": m.score, "eligible": m.eligible, "reasons": m.reasons} for p, m in pairs]
    return s.ProfileMatchesOut().dump({"job_id": job_id, "matches": matches})


# --- outcomes --------------------------------------------------------------------------------------


@route(bp, "/outcomes", "POST", summary="Record what happened: contacted, interviewed, hired ...", tag=OUTCOMES, body=s.OutcomeSchema, response=s.OutcomeOut, status=201)
def create_outcome():
    return s.OutcomeOut().dump(services.create_outcome(db.session, load_body(s.OutcomeSchema()))), 201


@route(bp, "/outcomes", "GET", summary="List outcomes", tag=OUTCOMES, query=s.OutcomeQuery, response=s.page_schema(s.OutcomeOut))
def list_outcomes():
    return _page(services.list_outcomes(db.session, **load_query(s.OutcomeQuery())), s.OutcomeOut())
