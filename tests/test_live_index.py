"""Each worker's index follows the database through the change log: incremental, across processes and hosts."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import Gunicorn, http, make_job, make_profile, make_token
from sqlalchemy import select, text, update

JOBMATCH = shutil.which("jobmatch", path=str(Path(sys.executable).parent)) or "jobmatch"


def _match_ids(client, profile_id):
    response = client.get(f"/api/v1/profiles/{profile_id}/matches?top=50")
    assert response.status_code == 200
    return [m["job"]["id"] for m in response.json["matches"]]


def test_writes_reach_the_live_index_without_a_rebuild(client, app):
    index = app.extensions["jobmatch.index"]
    profile = make_profile(client)
    first = make_job(client)
    assert _match_ids(client, profile["id"]) == [first["id"]]
    matcher = index.matcher
    second = make_job(client, title="缝纫工", employer="池州另一家服饰厂")
    assert set(_match_ids(client, profile["id"])) == {first["id"], second["id"]}
    assert client.post(f"/api/v1/jobs/{first['id']}/close").status_code == 200
    assert _match_ids(client, profile["id"]) == [second["id"]]
    other = make_profile(client, name="李春梅", phone="13900000000")
    assert client.delete(f"/api/v1/profiles/{profile['id']}").status_code == 204
    found = client.get(f"/api/v1/jobs/{second['id']}/matches").json["matches"]
    assert [m["profile"]["id"] for m in found] == [other["id"]]
    assert index.matcher is matcher  # every step above was applied to the same index


def test_an_employer_rename_updates_its_vacancies_in_the_index(client, app):
    index = app.extensions["jobmatch.index"]
    profile = make_profile(client)
    job = make_job(client)
    _match_ids(client, profile["id"])
    response = client.patch(f"/api/v1/employers/{job['employer_id']}", json={"name": "池州恒丰制衣有限公司"})
    assert response.status_code == 200, response.json
    _match_ids(client, profile["id"])
    row = index.matcher.job_position_[str(job["id"])]
    assert index.matcher.job_records_[row].employer == "池州恒丰制衣有限公司"


def test_a_write_the_log_does_not_explain_makes_a_full_rebuild(client, app):
    from jobmatch.db import db

    index = app.extensions["jobmatch.index"]
    profile = make_profile(client)
    make_job(client)
    _match_ids(client, profile["id"])
    matcher = index.matcher
    with app.app_context():
        db.session.execute(text("UPDATE data_versions SET version = version + 1"))
        db.session.commit()
    _match_ids(client, profile["id"])
    assert index.matcher is not matcher


def test_codings_are_stored_at_write_time_and_recode_restores_them(client, app, database_url, tmp_path):
    from jobmatch.db import db
    from jobmatch.models import Job, Profile

    index = app.extensions["jobmatch.index"]
    job = make_job(client)
    profile = make_profile(client)
    with app.app_context():
        stored = db.session.get(Job, job["id"]).coding
        assert stored["v"] == index.coder.fingerprint and "sewing_machinist" in stored["occ"]
        assert "sewing_machinist" in db.session.get(Profile, profile["id"]).coding["want"]
        db.session.execute(update(Job).values(coding=None))
        db.session.execute(update(Profile).values(coding={"v": "an older taxonomy", "want": {}, "neg": {}, "kind": {}}))
        db.session.commit()
    before = _match_ids(client, profile["id"])
    with app.app_context():
        index.rebuild(db.session)
    assert index.stale_codings == 2  # both coded afresh in memory, none trusted from the old taxonomy
    assert _match_ids(client, profile["id"]) == before
    env = dict(os.environ, JOBMATCH_DATABASE_URL=database_url, JOBMATCH_INSTANCE_PATH=str(tmp_path / "cli"))
    result = subprocess.run([JOBMATCH, "recode"], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "codings current for 2 records" in result.stdout
    with app.app_context():
        assert db.session.scalar(select(Job.coding).where(Job.id == job["id"])) == stored
        index.rebuild(db.session)
    assert index.stale_codings == 0


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_two_hosts_on_one_postgresql_see_each_others_writes_at_the_next_request(database_url, tmp_path):
    token = make_token(database_url, tmp_path / "a")
    first = Gunicorn(database_url, tmp_path / "a", workers=2)
    second = Gunicorn(database_url, tmp_path / "b", workers=2)
    try:
        status, profile = http(
            "POST",
            first.base + "/api/v1/profiles",
            {
                "name": "王桂兰",
                "phone": "13812345678",
                "age": 48,
                "town": "东流镇",
                "community": "东流社区",
                "experience": "在服装厂踩了十几年平车",
                "desired": "想找个缝纫的活",
                "availability": "day_only",
            },
            token=token,
        )
        assert status == 201, profile
        matches = f"/api/v1/profiles/{profile['id']}/matches"
        for server in (first, second):  # every worker builds its index before the vacancy exists
            for _ in range(4):
                assert http("GET", server.base + matches, token=token)[1]["matches"] == []
        status, job = http(
            "POST",
            first.base + "/api/v1/jobs",
            {
                "title": "平车工",
                "employer": "东至县示范服饰有限公司",
                "description": "服装厂平车缝制，长白班",
                "skills": ["平车"],
                "town": "东流镇",
                "community": "东流社区",
                "shift": "day",
            },
            token=token,
        )
        assert status == 201, job
        for _ in range(4):  # whichever worker of the other host answers
            found = http("GET", second.base + matches, token=token)[1]["matches"]
            assert [m["job"]["id"] for m in found] == [job["id"]]
        assert http("POST", second.base + f"/api/v1/jobs/{job['id']}/close", token=token)[0] == 200
        for _ in range(4):
            assert http("GET", first.base + matches, token=token)[1]["matches"] == []
    finally:
        first.stop()
        second.stop()


@pytest.mark.parametrize(
    "path", ["/api/v1/profiles/{profile}/matches?top={top}", "/api/v1/jobs/{job}/matches?top={top}"]
)
def test_a_match_request_makes_the_same_few_queries_however_many_matches_it_returns(client, app, path):
    from sqlalchemy import event

    from jobmatch.db import db

    profiles = [make_profile(client, name=f"居民{i}", phone=f"1380000{i:04d}") for i in range(12)]
    jobs = [
        make_job(client, title=title, employer=f"池州第{i}服饰厂")
        for i, title in enumerate(["平车工", "缝纫工", "包缝工"] * 4)
    ]
    client.get(path.format(profile=profiles[0]["id"], job=jobs[0]["id"], top=1))  # the index is built once, first
    with app.app_context():
        engine = db.engine
    counts = {}
    for top in (1, 12):
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            response = client.get(path.format(profile=profiles[0]["id"], job=jobs[0]["id"], top=top))
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert response.status_code == 200
        assert len(response.json["matches"]) == top
        counts[top] = len(statements)
    assert counts[1] == counts[12] == 4, counts  # the token, the record asked about, the version, the matched rows
