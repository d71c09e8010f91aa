"""The `jobmatch` command as real subprocesses."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import JOBMATCH, run, write_jsonl

JOBS = [
    {
        "id": "J1",
        "title": "平车工",
        "employer": "服饰厂",
        "skills": ["平车", "缝纫"],
        "wage_min": 4000,
        "wage_max": 6000,
        "town": "东流镇",
        "shift": "day",
        "age_max": 55,
        "perks": ["班车接送"],
    },
    {
        "id": "J2",
        "title": "叉车司机",
        "employer": "物流公司",
        "description": "仓库叉车装卸",
        "skills": ["叉车"],
        "wage_min": 5000,
        "wage_max": 6000,
        "wage_unit": "month",
        "town": "东流镇",
        "shift": "two_shift",
    },
    {
        "id": "J3",
        "title": "保洁员",
        "employer": "物业公司",
        "wage_min": 15,
        "wage_max": 18,
        "wage_unit": "hour",
        "town": "东流镇",
        "shift": "part_time",
    },
]
PROFILES = [
    {
        "id": "P1",
        "name": "程桂芳",
        "age": 47,
        "town": "东流镇",
        "community": "东流社区",
        "experience": "在服裝廠做了十幾年車位，平車都會",
        "desired": "白天上班",
        "expected_wage": 4000,
        "availability": "day_only",
        "max_commute_km": 8,
    },
    {
        "id": "P2",
        "age": 49,
        "town": "东流镇",
        "experience": "以前开叉车",
        "desired": "还是开叉车",
        "availability": "any",
    },
]


def test_rank_writes_one_line_per_profile_best_first(tmp_path):
    jobs = write_jsonl(tmp_path / "jobs.jsonl", JOBS)
    profiles = write_jsonl(tmp_path / "profiles.jsonl", PROFILES)
    result = run("rank", "--jobs", str(jobs), "--profiles", str(profiles), "--top", "2")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["profile_id"] for line in lines] == ["P1", "P2"]
    assert lines[0]["matches"][0]["job_id"] == "J1"
    assert lines[1]["matches"][0]["job_id"] == "J2"
    assert all(len(line["matches"]) == 2 for line in lines)
    first = lines[0]["matches"][0]
    assert set(first) == {"job_id", "score", "eligible", "fit", "reasons"} and 0 < first["score"] <= 1
    assert first["fit"] in ("good", "possible", "weak")
    assert any("离家" in r for r in first["reasons"])  # places come from the gazetteer


def test_rank_to_an_output_file(tmp_path):
    jobs = write_jsonl(tmp_path / "jobs.jsonl", JOBS)
    profiles = write_jsonl(tmp_path / "profiles.jsonl", PROFILES)
    out = tmp_path / "ranked.jsonl"
    result = run("rank", "--jobs", str(jobs), "--profiles", str(profiles), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


@pytest.mark.parametrize(
    "bad_line, expected",
    [
        ('{"id": "P9", "age": "old"}', "profiles.jsonl:3: field 'age'"),
        ('{"id": "P9", "availability": "nights"}', "profiles.jsonl:3: field 'availability'"),
        ('{"id": "P9", "age": 40', "profiles.jsonl:3: not valid JSON"),
        ('["P9"]', "profiles.jsonl:3: each line must be a JSON object"),
        ('{"id": "P1"}', "profiles.jsonl:3: field 'id': duplicate id 'P1' (first on line 1)"),
        ('{"age": 40}', "field 'id': every profile needs an id"),
    ],
)
def test_rank_names_the_malformed_line_and_writes_nothing(tmp_path, bad_line, expected):
    jobs = write_jsonl(tmp_path / "jobs.jsonl", JOBS)
    profiles = write_jsonl(tmp_path / "profiles.jsonl", PROFILES)
    with open(profiles, "a", encoding="utf-8") as f:
        f.write(bad_line + "\n")
    out = tmp_path / "ranked.jsonl"
    result = run("rank", "--jobs", str(jobs), "--profiles", str(profiles), "-o", str(out))
    assert result.returncode == 2
    assert expected in result.stderr
    assert "nothing was written" in result.stderr
    assert not out.exists()
    result = run("rank", "--jobs", str(jobs), "--profiles", str(profiles))
    assert result.returncode == 2 and result.stdout == ""


def test_rank_reports_a_bad_job_line(tmp_path):
    jobs = write_jsonl(tmp_path / "jobs.jsonl", [*JOBS, {"id": "J9", "title": "x", "wage_min": 9, "wage_max": 1}])
    profiles = write_jsonl(tmp_path / "profiles.jsonl", PROFILES)
    result = run("rank", "--jobs", str(jobs), "--profiles", str(profiles))
    assert result.returncode == 2
    assert "jobs.jsonl:4: field 'wage_min'" in result.stderr


def test_rank_missing_file(tmp_path):
    result = run("rank", "--jobs", str(tmp_path / "none.jsonl"), "--profiles", str(tmp_path / "none.jsonl"))
    assert result.returncode == 2
    assert "cannot open" in result.stderr


def test_init_db_demo_and_import_jobs(tmp_path, cli_env, database_url):
    from sqlalchemy import create_engine, func, select

    from jobmatch.models import Employer, Fair, Job, Outcome, Profile

    assert run("init-db", env=cli_env).returncode == 0
    demo = run("demo", env=cli_env)
    assert demo.returncode == 0, demo.stderr
    again = run("demo", env=cli_env)
    assert again.returncode == 0 and "0 profiles created" in again.stdout and "0 outcomes recorded" in again.stdout
    engine = create_engine(database_url)
    with engine.connect() as conn:
        # the week after the demo fair: every step of the lifecycle, hires that counted openings down
        statuses = dict(conn.execute(select(Outcome.status, func.count()).group_by(Outcome.status)).all())
        assert set(statuses) == {
            "shown",
            "contacted",
            "interviewed",
            "hired",
            "declined_by_resident",
            "declined_by_firm",
            "no_show",
        }
        assert statuses["shown"] >= 400 and statuses["hired"] >= 5
        assert conn.scalar(select(func.count()).select_from(Job).where(Job.is_open.is_(False), Job.openings == 0)) >= 1
        assert conn.scalar(select(func.count()).select_from(Fair)) == 1
        assert 55 <= conn.scalar(select(func.count()).select_from(Job)) <= 70
        assert 90 <= conn.scalar(select(func.count()).select_from(Profile)) <= 110
        assert conn.scalar(select(func.count()).select_from(Employer)) >= 6
        jobs_before = conn.scalar(select(func.count()).select_from(Job))

    jobs = write_jsonl(tmp_path / "jobs.jsonl", [{**j, "employer": j["employer"] + "（导入）"} for j in JOBS])
    imported = run("import-jobs", str(jobs), env=cli_env)
    assert imported.returncode == 0, imported.stderr
    assert "3 created, 0 updated" in imported.stdout
    assert "1 created" not in run("import-jobs", str(jobs), env=cli_env).stdout  # re-import updates by id

    bad = write_jsonl(
        tmp_path / "bad.jsonl", [{"id": "N1", "title": "新岗位", "employer": "新厂"}, {"id": "N2", "title": "缺企业"}]
    )
    failed = run("import-jobs", str(bad), env=cli_env)
    assert failed.returncode == 2
    assert "bad.jsonl:2: field 'employer'" in failed.stderr and "nothing was imported" in failed.stderr
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Job)) == jobs_before + 3
    engine.dispose()


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
def test_print_fair_writes_one_page_per_resident(tmp_path, cli_env):
    assert run("demo", env=cli_env).returncode == 0
    out = tmp_path / "fair.pdf"
    result = run("print-fair", "--fair", "1", "-o", str(out), env=cli_env)
    assert result.returncode == 0, result.stderr
    assert "residents" in result.stderr  # the progress bar's label
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert f"wrote {out}: {pages} pages" in result.stdout and 90 <= pages <= 110
    second = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "推荐岗位" in second and "联系电话" in second
    from sqlalchemy import create_engine, text

    engine = create_engine(cli_env["JOBMATCH_DATABASE_URL"])
    with engine.connect() as conn:  # the printed shortlists are recorded as shown, with the weights that ranked them
        # (the demo already showed each resident their top 5 at the fair; the print adds the pairs it had not shown)
        by_cli = conn.scalar(
            text("SELECT count(*) FROM outcomes WHERE recorder = 'cli' AND status = 'shown' AND length(weights) = 12")
        )
        residents = conn.scalar(text("SELECT count(DISTINCT profile_id) FROM outcomes WHERE status = 'shown'"))
    engine.dispose()
    assert by_cli > 0 and residents == pages
    assert run("print-fair", "--fair", "99", "-o", str(out), env=cli_env).returncode == 2


def test_create_user(cli_env):
    made = subprocess.run(
        [JOBMATCH, "create-user", "stall", "--role", "staff"],
        input="stall-password\nstall-password\n",
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    again = subprocess.run(
        [JOBMATCH, "create-user", "stall", "--role", "staff", "--password", "another-password"],
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=120,
    )
    assert again.returncode == 2 and "已存在" in again.stderr
    short = run("create-user", "clerk", "--role", "office", "--password", "short", env=cli_env)
    assert short.returncode == 2 and "至少 8 位" in short.stderr


def test_train_learns_from_outcomes_only_with_enough_of_them(tmp_path, cli_env):
    models = tmp_path / "models"
    shutil.copytree(Path(__file__).resolve().parents[1] / "models", models)
    env = {**cli_env, "JOBMATCH_MODELS_DIR": str(models)}
    before = (models / "weights.json").read_text(encoding="utf-8")
    assert run("demo", env=env).returncode == 0
    result = run("train", env=env)
    assert result.returncode == 0, result.stderr
    # the demo week: ten hires and a handful of declines are not enough to judge new weights by
    assert "Kept the current weights: not enough recorded outcomes" in result.stdout
    assert (models / "weights.json").read_text(encoding="utf-8") == before
    half = run("train", "--jobs", str(tmp_path / "jobs.jsonl"), env=env)
    assert half.returncode == 2 and "--jobs, --profiles and --qrels together" in half.stderr


def _sessions_and_audit(database_url: str, username: str):
    """(login sessions of the user, disabled?, the audit events about them as (action, actor))."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from jobmatch.models import AuditEvent, LoginSession, User

    engine = create_engine(database_url)
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.username == username))
        sessions = session.query(LoginSession).filter_by(user_id=user.id).count()
        events = [
            (e.action, e.actor, e.user_id)
            for e in session.query(AuditEvent).filter_by(target=f"user:{username}").order_by(AuditEvent.id)
        ]
        state = (sessions, user.disabled_at is not None, events)
    engine.dispose()
    return state


def _log_in(database_url: str, tmp_path, username: str, password: str):
    """A login through the app against the command's database: the session token, or the refusal."""
    from jobmatch import create_app
    from jobmatch.auth import log_in, open_session
    from jobmatch.db import db
    from jobmatch.errors import JobmatchError

    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path / "app")})
    try:
        with app.test_request_context():
            return open_session(db.session, log_in(db.session, username, password))
    except JobmatchError as err:
        return type(err).__name__
    finally:
        app.extensions["jobmatch.db"]["engine"].dispose()


def test_set_password_ends_every_session_of_the_user(tmp_path, cli_env, database_url):
    assert run("create-user", "stall", "--role", "staff", "--password", "stall-password", env=cli_env).returncode == 0
    for _ in range(2):
        assert len(_log_in(database_url, tmp_path, "stall", "stall-password")) > 20
    assert _sessions_and_audit(database_url, "stall")[0] == 2
    done = subprocess.run(
        [JOBMATCH, "set-password", "stall", "--password-stdin"],
        input="new-stall-password\n",
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    sessions, _, events = _sessions_and_audit(database_url, "stall")
    assert sessions == 0 and events == [("set_password", "cli", None)]
    assert _log_in(database_url, tmp_path, "stall", "stall-password") == "Unauthorised"
    assert len(_log_in(database_url, tmp_path, "stall", "new-stall-password")) > 20
    # Asked for twice on the terminal when not given on standard input.
    prompted = subprocess.run(
        [JOBMATCH, "set-password", "stall"],
        input="third-password\nthird-password\n",
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=120,
    )
    assert prompted.returncode == 0, prompted.stderr
    assert len(_log_in(database_url, tmp_path, "stall", "third-password")) > 20
    mismatch = subprocess.run(
        [JOBMATCH, "set-password", "stall"],
        input="fourth-password\nfifth-password\n",
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=120,
    )
    assert mismatch.returncode != 0 and "do not match" in mismatch.stderr + mismatch.stdout
    short = subprocess.run(
        [JOBMATCH, "set-password", "stall", "--password-stdin"],
        input="short\n",
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=120,
    )
    assert short.returncode == 2 and "至少 8 位" in short.stderr
    unknown = subprocess.run(
        [JOBMATCH, "set-password", "nobody", "--password-stdin"],
        input="long-enough-1\n",
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=120,
    )
    assert unknown.returncode == 2 and "没有用户「nobody」" in unknown.stderr
    assert len(_log_in(database_url, tmp_path, "stall", "third-password")) > 20  # the refused ones changed nothing


def test_disable_user_ends_their_sessions_and_refuses_logins_until_enabled(tmp_path, cli_env, database_url):
    assert run("create-user", "clerk", "--role", "office", "--password", "clerk-password", env=cli_env).returncode == 0
    _log_in(database_url, tmp_path, "clerk", "clerk-password")
    disabled = run("disable-user", "clerk", env=cli_env)
    assert disabled.returncode == 0 and "disabled clerk" in disabled.stdout
    assert _sessions_and_audit(database_url, "clerk")[:2] == (0, True)
    assert _log_in(database_url, tmp_path, "clerk", "clerk-password") == "Forbidden"
    enabled = run("disable-user", "clerk", "--enable", env=cli_env)
    assert enabled.returncode == 0 and "enabled clerk" in enabled.stdout
    assert len(_log_in(database_url, tmp_path, "clerk", "clerk-password")) > 20
    sessions, is_disabled, events = _sessions_and_audit(database_url, "clerk")
    assert (sessions, is_disabled) == (1, False)
    assert events == [("disable_user", "cli", None), ("enable_user", "cli", None)]
    unknown = run("disable-user", "nobody", env=cli_env)
    assert unknown.returncode == 2 and "没有用户「nobody」" in unknown.stderr


def test_a_password_without_a_terminal_is_asked_for_plainly(cli_env):
    """No terminal and no password: what to do instead, exit code 2, and no "Aborted!", getpass warning or traceback."""

    def without_terminal(*args, given=None):
        return subprocess.run(
            [JOBMATCH, *args],
            input=given,
            stdin=None if given is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=cli_env,
            timeout=120,
            start_new_session=True,  # no controlling terminal for getpass to fall back on
        )

    for args in (["create-user", "stall", "--role", "staff"], ["set-password", "clerk"]):
        if args[0] == "set-password":
            assert (
                run("create-user", "clerk", "--role", "office", "--password", "clerk-password", env=cli_env).returncode
                == 0
            )
        refused = without_terminal(*args)
        assert refused.returncode == 2, refused.stderr
        assert refused.stderr.startswith("error: 需要密码，但这里没有终端可以输入")
        assert f"| jobmatch {' '.join(args)} --password-stdin" in refused.stderr
        for noise in ("Aborted", "Warning", "GetPassWarning", "Traceback"):
            assert noise not in refused.stderr + refused.stdout
        one_line = without_terminal(*args, given="only-once-password\n")  # a prompt needs it twice
        assert one_line.returncode == 2 and "--password-stdin" in one_line.stderr
    # Nothing was created by the refused ones; the way the message gives works.
    piped = without_terminal("create-user", "stall", "--role", "staff", "--password-stdin", given="stall-password\n")
    assert piped.returncode == 0 and piped.stdout.strip() == "created staff user stall", piped.stderr
    both = without_terminal("create-user", "x", "--role", "staff", "--password", "p-password", "--password-stdin")
    assert both.returncode == 2 and "--password-stdin" in both.stderr
