"""Fuzzing: schemathesis against the served OpenAPI document of a live gunicorn, and hypothesis on the schemas."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import Gunicorn, make_token
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from jobmatch.db import upgrade
from jobmatch.schemas import MAX_WAGE, JobCreateSchema, KioskForm, ProfileSchema

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_response_breaking_the_schema(database_url, tmp_path):
    from jobmatch import create_app
    from jobmatch.db import db
    from jobmatch.demo import load_demo

    upgrade(database_url)
    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path / "instance")})
    with app.app_context():
        load_demo(db.session)  # ids that exist, so the fuzzer reaches past 404s
    app.extensions["jobmatch.db"]["engine"].dispose()
    token = make_token(database_url, tmp_path / "instance")
    os.environ.setdefault("JOBMATCH_RATE_LIMIT_TICKET", "100000 per minute")
    server = Gunicorn(database_url, tmp_path / "instance", workers=2)
    try:
        result = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"{server.base}/api/v1/openapi.json",
                "--url",
                server.base,
                "--checks",
                "not_a_server_error,response_schema_conformance",
                "--header",
                f"Authorization: Bearer {token}",
                "--phases",
                "examples,coverage,fuzzing",
                "--max-examples",
                "30",
                "--seed",
                "20261127",
                "--request-timeout",
                "20",
            ],
            capture_output=True,
            text=True,
            timeout=900,
            env=dict(os.environ, SCHEMATHESIS_HOOKS=""),
        )
    finally:
        server.stop()
    summary = result.stdout[-3000:]
    assert result.returncode == 0, summary
    assert "Tested" in summary or "passed" in summary


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
job_like = st.fixed_dictionaries(
    {},
    optional={
        "title": st.text(max_size=250),
        "employer": st.text(max_size=30),
        "wage_min": json_values,
        "wage_max": json_values,
        "wage_unit": st.sampled_from(["month", "day", "hour", "week"]),
        "shift": json_values,
        "age_min": json_values,
        "age_max": json_values,
        "lat": json_values,
        "lon": json_values,
        "skills": json_values,
        "openings": json_values,
    },
)


@settings(max_examples=300, deadline=None)
@given(job_like)
def test_job_schema_either_loads_a_consistent_vacancy_or_says_which_field(body):
    try:
        job = JobCreateSchema().load(body)
    except ValidationError as err:
        assert isinstance(err.messages, dict) and err.messages
        return
    assert job["title"].strip() and job["employer"]
    if job.get("wage_min") is not None and job.get("wage_max") is not None:
        assert 0 <= job["wage_min"] <= job["wage_max"] <= MAX_WAGE[job["wage_unit"]]
    if job.get("age_min") is not None and job.get("age_max") is not None:
        assert job["age_min"] <= job["age_max"]


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["name", "phone", "age", "lat", "lon", "desired", "availability", "expected_wage", "x"]),
        json_values,
        max_size=6,
    )
)
def test_profile_schema_never_fails_with_anything_but_a_validation_error(body):
    try:
        profile = ProfileSchema().load(body)
    except ValidationError as err:
        assert err.messages
        return
    assert (profile.get("lat") is None) == (profile.get("lon") is None)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            ["name", "phone", "age", "place", "availability", "reach", "consent", "submission_key", "expected_wage"]
        ),
        st.text(max_size=20),
    )
)
def test_kiosk_form_never_fails_with_anything_but_a_validation_error(form):
    try:
        KioskForm.to_profile(KioskForm().load(KioskForm.clean(form)))
    except ValidationError as err:
        assert err.messages
