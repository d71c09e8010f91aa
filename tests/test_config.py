"""Configuration from JOBMATCH_* variables."""

import pytest

from jobmatch import create_app
from jobmatch.config import ConfigError, from_environment


def test_production_refuses_to_start_without_a_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBMATCH_ENV", "production")
    monkeypatch.delenv("JOBMATCH_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="JOBMATCH_SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path)})
    monkeypatch.setenv("JOBMATCH_SECRET_KEY", "short")
    with pytest.raises(ConfigError):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_production_uses_the_given_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBMATCH_ENV", "production")
    monkeypatch.setenv("JOBMATCH_SECRET_KEY", "a" * 32)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert app.config["SECRET_KEY"] == "a" * 32
    assert not (tmp_path / "secret_key").exists()


def test_development_keeps_one_random_secret_per_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("JOBMATCH_ENV", raising=False)
    monkeypatch.delenv("JOBMATCH_SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})
    second = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_database_defaults_to_sqlite_in_the_instance_folder(tmp_path):
    config = from_environment(tmp_path, environ={})
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'jobmatch.sqlite3'}"
    assert (
        from_environment(tmp_path, environ={"JOBMATCH_DATABASE_URL": "postgresql+psycopg://x/y"})["DATABASE_URL"]
        == "postgresql+psycopg://x/y"
    )


def test_unknown_environment_name_is_rejected(tmp_path):
    with pytest.raises(ConfigError, match="development or production"):
        from_environment(tmp_path, environ={"JOBMATCH_ENV": "staging"})


def test_creating_the_app_does_not_touch_the_database(tmp_path):
    create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/never.sqlite3"})
    assert not (tmp_path / "never.sqlite3").exists()


def test_session_cookies_are_httponly_samesite_and_secure_in_production(tmp_path):
    development = from_environment(tmp_path, environ={})
    assert development["SESSION_COOKIE_HTTPONLY"] and development["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not development["SESSION_COOKIE_SECURE"]  # the stall's laptop serves plain HTTP on its own network
    production = from_environment(tmp_path, environ={"JOBMATCH_ENV": "production", "JOBMATCH_SECRET_KEY": "x" * 32})
    assert production["SESSION_COOKIE_SECURE"]


def test_proxy_hops_default_to_trusting_no_forwarded_header(tmp_path):
    from werkzeug.middleware.proxy_fix import ProxyFix

    assert from_environment(tmp_path, environ={})["PROXY_HOPS"] == 0
    assert from_environment(tmp_path, environ={"JOBMATCH_PROXY_HOPS": "2"})["PROXY_HOPS"] == 2
    for bad in ("-1", "one", "1.5", "99"):
        with pytest.raises(ConfigError, match="JOBMATCH_PROXY_HOPS"):
            from_environment(tmp_path, environ={"JOBMATCH_PROXY_HOPS": bad})
    database = f"sqlite:///{tmp_path}/x.sqlite3"
    assert not isinstance(create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": database}).wsgi_app, ProxyFix)
    behind = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": database, "PROXY_HOPS": 2}).wsgi_app
    assert isinstance(behind, ProxyFix) and (behind.x_for, behind.x_proto, behind.x_host) == (2, 2, 2)


def test_proxy_hops_and_the_looser_login_limit_are_listed_settings(tmp_path):
    from jobmatch.config import ENVIRONMENT_VARIABLES

    assert {"JOBMATCH_PROXY_HOPS", "JOBMATCH_RATE_LIMIT_LOGIN"} <= set(ENVIRONMENT_VARIABLES)
    assert from_environment(tmp_path, environ={})["RATE_LIMIT_LOGIN"] == "30 per minute"


def test_the_readme_lists_every_setting_and_no_other():
    import re
    from pathlib import Path

    from jobmatch.config import ENVIRONMENT_VARIABLES

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `(JOBMATCH_[A-Z_]+)` \|", table, flags=re.M))
    tests_only = {name for name in listed if re.search(rf"^\| `{name}` \|[^|]*\| Tests only", table, flags=re.M)}
    assert listed - tests_only == set(ENVIRONMENT_VARIABLES)


@pytest.mark.parametrize(
    "variable, value",
    [
        ("JOBMATCH_WORKERS", "many"),
        ("JOBMATCH_WORKERS", "100"),
        ("JOBMATCH_PROXY_HOPS", "-1"),
        ("JOBMATCH_ENV", "staging"),
    ],
)
def test_a_setting_that_cannot_be_used_names_its_variable(variable, value):
    from jobmatch.config import Settings

    with pytest.raises(ConfigError, match=variable):
        Settings.from_environment({variable: value})
