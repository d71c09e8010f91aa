"""Ranked matches as the API shows them: vacancies for a resident, residents for a vacancy."""

from __future__ import annotations

from marshmallow import Schema, fields

from .jobs import JobOut
from .profiles import ProfileOut


class JobMatchOut(Schema):
    job = fields.Nested(JobOut)
    score = fields.Float()
    eligible = fields.Boolean()
    fit = fields.String(metadata={"description": "good, possible or weak: how well it fits, calibrated on graded sets"})
    reasons = fields.List(fields.String())


class ProfileMatchOut(Schema):
    profile = fields.Nested(ProfileOut)
    score = fields.Float()
    eligible = fields.Boolean()
    fit = fields.String(metadata={"description": "good, possible or weak: how well it fits, calibrated on graded sets"})
    reasons = fields.List(fields.String())


class JobMatchesOut(Schema):
    profile_id = fields.Integer()
    matches = fields.List(fields.Nested(JobMatchOut))


class ProfileMatchesOut(Schema):
    job_id = fields.Integer()
    matches = fields.List(fields.Nested(ProfileMatchOut))
