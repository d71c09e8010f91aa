"""Logins: server-side sessions that logout and disabling end everywhere, changing one's own password, per-account
locks after wrong passwords, client addresses behind a proxy, and no way off the site after a login."""

import hashlib
import re
import statistics
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import update

from jobmatch import create_app
from jobmatch.auth import LOCK_FIRST, create_user, disable_user
from jobmatch.db import db
from jobmatch.models import AuditEvent, LoginSession, User, utcnow

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client, url="/login"):
    return CSRF.search(client.get(url).get_data(as_text=True)).group(1)


def login(client, username, password, next_=None):
    url = "/login" if next_ is None else f"/login?next={next_}"
    return client.post(url, data={"csrf_token": csrf(client), "username": username, "password": password})


@pytest.fixture
def users(app):
    with app.app_context():
        create_user(db.session, "stall", "stall-password", "staff")
        create_user(db.session, "clerk", "clerk-password", "office")


def set_user(app, username, **values):
    with app.app_context():
        db.session.execute(update(User).where(User.username == username).values(**values))
        db.session.commit()


def get_user(app, username) -> User:
    with app.app_context():
        return db.session.query(User).filter_by(username=username).one()


def copy_of(app, client):
    """A second browser holding a copy of `client`'s session cookie, as someone who copied it would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


# --- sessions --------------------------------------------------------------------------------------


def test_logout_ends_the_session_for_every_copy_of_the_cookie(app, anonymous, users):
    assert login(anonymous, "stall", "stall-password").status_code == 302
    thief = copy_of(app, anonymous)
    assert thief.get("/staff").status_code == 200
    anonymous.post("/logout", data={"csrf_token": csrf(anonymous, "/staff")})
    response = thief.get("/staff")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert anonymous.get("/staff").status_code == 302
    with app.app_context():
        assert db.session.query(LoginSession).count() == 0


def test_the_cookie_holds_a_random_token_and_the_database_only_its_hash(app, anonymous, users):
    login(anonymous, "stall", "stall-password")
    cookie = app.session_interface.get_signing_serializer(app).loads(anonymous.get_cookie("session").value)
    assert "user_id" not in cookie and len(cookie["login"]) >= 40
    with app.app_context():
        stored = db.session.query(LoginSession).one()
        assert stored.token_hash == hashlib.sha256(cookie["login"].encode()).hexdigest()
        assert stored.user_id == get_user(app, "stall").id


def test_each_login_is_its_own_session(app, users):
    first, second = app.test_client(), app.test_client()
    login(first, "stall", "stall-password")
    login(second, "stall", "stall-password")
    first.post("/logout", data={"csrf_token": csrf(first, "/staff")})
    assert first.get("/staff").status_code == 302
    assert second.get("/staff").status_code == 200


def test_last_seen_is_written_at_most_once_a_minute_and_idle_sessions_end(app, anonymous, users):
    login(anonymous, "stall", "stall-password")
    with app.app_context():
        db.session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(minutes=5)))
        db.session.commit()
    anonymous.get("/staff")
    with app.app_context():
        seen = db.session.query(LoginSession).one().last_seen_at
    assert utcnow() - seen < timedelta(seconds=30)
    anonymous.get("/staff")
    with app.app_context():
        assert db.session.query(LoginSession).one().last_seen_at == seen  # not rewritten within the minute
        db.session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(days=15)))
        db.session.commit()
    assert anonymous.get("/staff").status_code == 302
    login(app.test_client(), "clerk", "clerk-password")  # a login clears sessions idle that long
    with app.app_context():
        assert [s.user_id for s in db.session.query(LoginSession)] == [get_user(app, "clerk").id]


def test_a_disabled_user_is_logged_out_at_once_and_cannot_log_in(app, anonymous, users):
    login(anonymous, "stall", "stall-password")
    thief = copy_of(app, anonymous)
    with app.app_context():
        disable_user(db.session, "stall")
    assert anonymous.get("/staff").status_code == 302 and thief.get("/staff").status_code == 302
    refused = login(anonymous, "stall", "stall-password")
    assert refused.status_code == 403 and "已停用" in refused.get_data(as_text=True)
    assert login(anonymous, "stall", "wrong-password").status_code == 401  # no hint without the password
    with app.app_context():
        disable_user(db.session, "stall", enable=True)
    assert login(anonymous, "stall", "stall-password").status_code == 302


def test_a_session_of_a_user_disabled_in_the_database_is_refused(app, anonymous, users):
    login(anonymous, "stall", "stall-password")
    set_user(app, "stall", disabled_at=utcnow())  # the row is still there: the check does not rely on its deletion
    assert anonymous.get("/staff").status_code == 302


# --- changing one's own password -----------------------------------------------------------------


def change(client, current, new, repeat=None, token=None):
    return client.post(
        "/account/password",
        data={
            "csrf_token": token if token is not None else csrf(client, "/account/password"),
            "current_password": current,
            "new_password": new,
            "new_password2": new if repeat is None else repeat,
        },
    )


@pytest.mark.parametrize("username, password", [("stall", "stall-password"), ("clerk", "clerk-password")])
def test_the_page_header_links_the_password_page(app, anonymous, users, username, password):
    assert anonymous.get("/account/password").status_code == 302  # a login first
    login(anonymous, username, password)
    home = anonymous.get("/office/jobs").get_data(as_text=True)
    assert 'href="/account/password"' in home
    page = anonymous.get("/account/password")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "修改密码" in text and 'name="current_password"' in text
    assert "<script" not in text and "style=" not in text


@pytest.mark.parametrize(
    "current, new, repeat, field_message",
    [
        ("wrong-password", "new-password-1", None, "当前密码不对"),
        ("stall-password", "new-password-1", "new-password-2", "两次输入的新密码不一样"),
        ("stall-password", "short", None, "新密码至少 8 位"),
        ("stall-password", "stall-password", None, "新密码不能和当前密码一样"),
        ("stall-password", "长" * 201, None, "新密码最多 200 位"),
    ],
)
def test_password_change_errors_are_friendly_and_change_nothing(
    app, anonymous, users, current, new, repeat, field_message
):
    login(anonymous, "stall", "stall-password")
    before = get_user(app, "stall").password_hash
    response = change(anonymous, current, new, repeat)
    assert response.status_code == 422 and field_message in response.get_data(as_text=True)
    assert get_user(app, "stall").password_hash == before


def test_a_password_change_needs_its_csrf_token(app, anonymous, users):
    login(anonymous, "stall", "stall-password")
    assert change(anonymous, "stall-password", "new-password-1", token="").status_code == 400
    assert login(app.test_client(), "stall", "stall-password").status_code == 302


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, anonymous, users):
    login(anonymous, "stall", "stall-password")
    other_device = app.test_client()
    login(other_device, "stall", "stall-password")
    clerk = app.test_client()
    login(clerk, "clerk", "clerk-password")
    done = change(anonymous, "stall-password", "new-stall-password")
    assert done.status_code == 303
    assert "密码已修改" in anonymous.get(done.headers["Location"]).get_data(as_text=True)
    assert anonymous.get("/staff").status_code == 200
    assert other_device.get("/staff").status_code == 302
    assert clerk.get("/office/jobs").status_code == 200  # other users keep their sessions
    assert login(app.test_client(), "stall", "stall-password").status_code == 401
    assert login(app.test_client(), "stall", "new-stall-password").status_code == 302
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(action="change_password").one()
        assert event.target == "user:stall" and event.user_id == get_user(app, "stall").id


def test_wrong_current_passwords_lock_the_account_too(app, anonymous, users):
    login(anonymous, "stall", "stall-password")
    token = csrf(anonymous, "/account/password")
    codes = [change(anonymous, "guess-%d" % i, "new-password-1", token=token).status_code for i in range(6)]
    assert codes == [422] * 5 + [429]
    assert login(app.test_client(), "stall", "stall-password").status_code == 429


# --- wrong passwords -------------------------------------------------------------------------------


def locked_for(app, username) -> float:
    return (get_user(app, username).locked_until - utcnow()).total_seconds()


def test_wrong_passwords_lock_the_account_with_a_growing_delay(app, anonymous, users):
    codes = [login(anonymous, "stall", f"guess-{i}").status_code for i in range(5)]
    assert codes == [401] * 5
    assert LOCK_FIRST - 5 < locked_for(app, "stall") <= LOCK_FIRST
    locked = login(anonymous, "stall", "guess-6")
    page = locked.get_data(as_text=True)
    assert locked.status_code == 429 and f"暂时锁定，请 {LOCK_FIRST} 秒后再试" in page
    # Retry-After is the later of the lock and the per-address window (flask-limiter merges the two).
    assert int(locked.headers["Retry-After"]) >= LOCK_FIRST - 5
    assert 'name="username"' in page  # the login page, not an error page
    # During the lock even the right password is not checked, and it does not end the lock.
    assert login(anonymous, "stall", "stall-password").status_code == 429
    assert get_user(app, "stall").failed_logins == 5
    # A colleague on the same computer is not locked out.
    assert login(app.test_client(), "clerk", "clerk-password").status_code == 302

    set_user(app, "stall", locked_until=utcnow() - timedelta(seconds=1))  # the first lock has run out
    assert login(anonymous, "stall", "guess-7").status_code == 401
    assert 2 * LOCK_FIRST - 5 < locked_for(app, "stall") <= 2 * LOCK_FIRST  # doubled
    second = login(anonymous, "stall", "guess-8")
    assert second.status_code == 429 and int(second.headers["Retry-After"]) >= 2 * LOCK_FIRST - 5

    set_user(app, "stall", failed_logins=30, locked_until=None)
    assert login(anonymous, "stall", "guess-9").status_code == 401
    assert 15 * 60 - 5 < locked_for(app, "stall") <= 15 * 60  # never more than 15 minutes
    longest = login(anonymous, "stall", "guess-10")
    assert "请 15 分钟后再试" in longest.get_data(as_text=True) and int(longest.headers["Retry-After"]) >= 15 * 60 - 5

    set_user(app, "stall", locked_until=utcnow() - timedelta(seconds=1))
    assert login(anonymous, "stall", "stall-password").status_code == 302
    user = get_user(app, "stall")
    assert (user.failed_logins, user.locked_until) == (0, None)  # a good login starts the count again


def _answer(response) -> tuple:
    return response.status_code, response.headers.get("Retry-After"), CSRF.sub("", response.get_data(as_text=True))


def test_an_unknown_name_answers_like_an_account(app, users):
    known, unknown = app.test_client(), app.test_client()
    # Two addresses, so that the per-address limit plays no part.
    known.environ_base["REMOTE_ADDR"], unknown.environ_base["REMOTE_ADDR"] = "192.0.2.1", "192.0.2.2"
    for attempt in range(7):
        a, b = login(known, "stall", f"guess-{attempt}"), login(unknown, "nobody", f"guess-{attempt}")
        assert _answer(a)[0] == _answer(b)[0] == (401 if attempt < 5 else 429)
        assert _answer(a)[2] == _answer(b)[2]
        assert abs(int(a.headers.get("Retry-After", 0)) - int(b.headers.get("Retry-After", 0))) <= 1


def test_an_unknown_name_takes_as_long_as_a_wrong_password(app, users):
    def timed(username):
        client = app.test_client()
        form = {"csrf_token": csrf(client), "username": username, "password": "not-the-password"}
        started = time.perf_counter()
        assert client.post("/login", data=form).status_code == 401
        return time.perf_counter() - started

    known, unknown = [], []
    for attempt in range(9):  # interleaved, so a busy machine slows both alike
        set_user(app, "stall", failed_logins=0, locked_until=None)
        known.append(timed("stall"))
        unknown.append(timed(f"nobody-{attempt}"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.6 < ratio < 1.5, (known, unknown)  # the same hash work: checking one password, not making one first


@pytest.mark.parametrize("username", ["", "x" * 51, "sta\x00ll", "<script>", "'; DROP TABLE users; --"])
def test_odd_names_are_wrong_logins_not_errors(app, anonymous, users, username):
    response = login(anonymous, username, "stall-password")
    assert response.status_code == 401 and "用户名或密码不对" in response.get_data(as_text=True)


# --- client addresses behind a proxy ----------------------------------------------------------------


def _limited(app, forwarded_for: list[str]) -> list[int]:
    client = app.test_client()
    token = csrf(client)
    return [
        client.post(
            "/login",
            data={"csrf_token": token, "username": "nobody", "password": "x"},
            headers={"X-Forwarded-For": address},
        ).status_code
        for address in forwarded_for
    ]


def test_behind_one_proxy_the_limit_is_per_forwarded_address(database_url, tmp_path):
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path / "i1"),
            "PROXY_HOPS": 1,
            "RATE_LIMIT_LOGIN": "2 per minute",
        }
    )
    codes = _limited(app, ["203.0.113.1", "203.0.113.1", "203.0.113.1", "203.0.113.2"])
    assert codes == [401, 401, 429, 401]
    app.extensions["jobmatch.db"]["engine"].dispose()


def test_without_proxy_hops_the_forwarded_header_is_ignored(database_url, tmp_path):
    app = create_app(
        {"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path / "i0"), "RATE_LIMIT_LOGIN": "2 per minute"}
    )
    assert app.config["PROXY_HOPS"] == 0
    codes = _limited(app, ["203.0.113.1", "203.0.113.1", "203.0.113.2", "203.0.113.3"])
    assert codes == [401, 401, 429, 429]  # a made-up header does not buy a new allowance
    app.extensions["jobmatch.db"]["engine"].dispose()


# --- where a login leads --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "next_",
    [
        "/%09/evil.example/x",  # the tab a browser drops: //evil.example/x
        "/%0D%0A/evil.example",  # CR/LF: a header split, a 500 before
        "%0D%0ALocation:%20https://evil.example",
        "//evil.example/",
        "///evil.example/",
        "/%5Cevil.example",  # /\evil.example: a browser reads the backslash as a slash
        "%5C%5Cevil.example",
        "%20//evil.example",
        "https://evil.example/staff",
        "http:/evil.example",
        "javascript:alert(1)",
        "JavaScript%3Aalert(1)",
        "data:text/html,x",
        "/%E2%80%AE/evil.example",  # a right-to-left override
        "/staff%00",
        "/nowhere/at/all",
        "/logout",
        "/staff/residents/1/delete",  # a page that only takes a form post
        "staff",
        "",
    ],
)
def test_a_login_never_leads_off_the_site(anonymous, users, next_):
    response = login(anonymous, "stall", "stall-password", next_=next_)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff"


@pytest.mark.parametrize(
    "next_, location",
    [
        ("/staff/follow-up", "/staff/follow-up"),
        (quote("/staff/fairs/1?q=王", safe="/"), "/staff/fairs/1?q=%E7%8E%8B"),
        ("/office/jobs", "/office/jobs"),
    ],
)
def test_a_login_returns_to_the_page_asked_for(anonymous, users, next_, location):
    response = login(anonymous, "stall", "stall-password", next_=next_)
    assert response.status_code == 302 and response.headers["Location"] == location


def test_a_page_asked_for_before_the_login_opens_after_it(anonymous, users):
    to_login = anonymous.get("/staff/follow-up")
    assert to_login.status_code == 302
    token = csrf(anonymous, to_login.headers["Location"])
    response = anonymous.post(
        to_login.headers["Location"], data={"csrf_token": token, "username": "stall", "password": "stall-password"}
    )
    assert response.headers["Location"] == "/staff/follow-up"


def test_the_office_falls_back_to_its_own_home(anonymous, users):
    response = login(anonymous, "clerk", "clerk-password", next_="//evil.example/")
    assert response.headers["Location"] == "/office/jobs"
