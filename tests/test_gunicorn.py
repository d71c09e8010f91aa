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
    status, profile = http(
        "POST",
        server.base + "/api/v1/profiles",
        token=server.token,
        body={
            "name": "程桂芳",
            "age": 47,
            "town": "东流镇",
            "experience": "服装厂做了十几年平车",
            "desired": "想找缝纫的活",
            "availability": "day_only",
            "expected_wage": 4000,
        },
    )
    assert status == 201
    status, _ = http(
        "POST",
        server.base + "/api/v1/jobs",
        {"title": "叉车司机", "employer": "东流物流", "skills": ["叉车"]},
        token=server.token,
    )
    assert status == 201
    path = f"/api/v1/profiles/{profile['id']}/matches"
    # Every worker builds its index before the new vacancy exists.
    warm = _fetch_matches_until_every_worker_answered(server, path, since=0)
    assert all(status == 200 and len(body["matches"]) == 1 for status, body in warm)

    status, job = http(
        "POST",
        server.base + "/api/v1/jobs",
        {
            "title": "平车工",
            "employer": "东流服饰",
            "skills": ["平车", "缝纫"],
            "town": "东流镇",
            "shift": "day",
        },
        token=server.token,
    )
    assert status == 201
    mark = len(server.log_lines())
    answers = _fetch_matches_until_every_worker_answered(server, path, since=mark)
    for status, body in answers:
        assert status == 200
        assert body["matches"][0]["job"]["id"] == job["id"]


def test_the_index_is_built_once_before_the_workers_start(server):
    # The fixture waited for /healthz, which no worker answers before the master has built the index.
    assert server.error_log().count("index of 0 vacancies and 0 profiles built") == 1


class Browser:
    """A browser without redirects: cookies kept, forms posted with their CSRF token."""

    def __init__(self, base: str):
        import http.cookiejar
        import urllib.request

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )

    def open(self, path: str, form: dict | None = None) -> tuple[int, str, dict]:
        import urllib.error
        import urllib.parse

        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode(), dict(err.headers)

    def log_in(self, username: str, password: str) -> tuple[int, str, dict]:
        import re

        page = self.open("/login")[1]
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return self.open("/login", {"csrf_token": token, "username": username, "password": password})


def test_wrong_passwords_lock_the_account_whichever_process_answers(database_url, tmp_path):
    """Two gunicorn servers on one database, guesses alternating between them: the count is the account's, not a
    process's, so the lock comes at the 6th guess however the guesses are spread (with a count per process, never
    before the 10th)."""
    from jobmatch import create_app
    from jobmatch.auth import create_user
    from jobmatch.db import db

    upgrade(database_url)
    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path / "setup")})
    with app.app_context():
        create_user(db.session, "stall", "stall-password", "staff")
        create_user(db.session, "clerk", "clerk-password", "office")
    app.extensions["jobmatch.db"]["engine"].dispose()
    servers = [Gunicorn(database_url, tmp_path / f"instance-{n}", workers=2) for n in range(2)]
    try:
        guessers = [Browser(server.base) for server in servers]
        statuses = [guessers[attempt % 2].log_in("stall", f"guess-{attempt}")[0] for attempt in range(20)]
        first = statuses.index(429) + 1 if 429 in statuses else None
        assert first is not None and first <= 6, statuses
        assert set(statuses[first - 1 :]) == {429}, statuses
        assert set(statuses[: first - 1]) == {401}, statuses
        # A colleague at the same address logs in at once, on either server.
        for server in servers:
            status, _, headers = Browser(server.base).log_in("clerk", "clerk-password")
            assert status == 302 and headers["Location"] == "/office/jobs"
    finally:
        for server in servers:
            server.stop()
