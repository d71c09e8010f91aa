"""A real gunicorn with two workers: a vacancy posted through one worker is matched by every worker."""
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from helpers import Gunicorn, http, make_token

from jobmatch.db import upgrade

pytestmark = pytest.mark.slow


@pytest.fixture
def server(database_url, tmp_path):
    upgrade(database_url)
    token = make_token(database_url, tmp_path / "instance")
    server = Gunicorn(database_url, tmp_path / "instance", workers=2)
    server.token = token
    yield server
    server.stop()


def _served_by(server, path: str, since: int = 0) -> set[str]:
    return {fields[0] for fields in server.log_lines()[since:] if len(fields) >= 3 and fields[2] == path}


def _fetch_matches_until_every_worker_answered(server, path: str, since: int, workers: int = 2, rounds: int = 60):
    answers = []
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(rounds):
            answers += list(pool.map(lambda _: http("GET", server.base + path, token=server.token), range(4)))
            time.sleep(0.05)  # let the workers write their access-log lines
            if len(_served_by(server, path, since)) >= workers:
                return answers
    pytest.fail(f"not every worker answered {path} in {rounds} rounds: {_served_by(server, path, since)}")


def test_a_vacancy_posted_through_one_worker_is_matched_by_every_worker(server):
    status, profile = http("POST", server.base + "/api/v1/profiles", token=server.token, body={
        "name": "程桂芳", "age": 47, "town": "东流镇", "experience": "服装厂做了十几年平车",
        "desired": "想找缝纫的活", "availability": "day_only", "expected_wage": 4000,
    })
    assert status == 201
    status, _ = http("POST", server.base + "/api/v1/jobs", {"title": "叉车司机", "employer": "东流物流", "skills": ["叉车"]}, token=server.token)
    assert status == 201
    path = f"/api/v1/profiles/{profile['id']}/matches"
    # Every worker builds its index before the new vacancy exists.
    warm = _fetch_matches_until_every_worker_answered(server, path, since=0)
    assert all(status == 200 and len(body["matches"]) == 1 for status, body in warm)

    status, job = http("POST", server.base + "/api/v1/jobs", {
        "title": "平车工", "employer": "东流服饰", "skills": ["平车", "缝纫"], "town": "东流镇", "shift": "day",
    }, token=server.token)
    assert status == 201
    mark = len(server.log_lines())
    answers = _fetch_matches_until_every_worker_answered(server, path, since=mark)
    for status, body in answers:
        assert status == 200
        assert body["matches"][0]["job"]["id"] == job["id"]


def test_the_index_is_built_once_before_the_workers_start(server):
    # The fixture waited for /healthz, which no worker answers before the master has built the index.
    assert server.error_log().count("index of 0 vacancies and 0 profiles built") == 1
