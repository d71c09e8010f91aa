"""Settings read from the environment (JOBMATCH_*), with safe defaults for a stall laptop."""
from __future__ import annotations

import os
import secrets
from importlib import resources
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def default_models_dir() -> Path:
    """The model artefacts shipped with this installation: inside the package when installed from a wheel (the build
    copies models/ to jobmatch/_models), else the source tree's models/ beside the package."""
    # A wheel is installed unpacked, so the resource is a real folder that Artefacts.load can read file by file.
    packaged = Path(str(resources.files(__package__).joinpath("_models")))
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / "models"


DEFAULT_MODELS_DIR = default_models_dir()

# Every variable the service reads, with its meaning; the README's configuration table mirrors this.
ENVIRONMENT_VARIABLES = {
    "JOBMATCH_ENV": "development (default) or production; production refuses to start without JOBMATCH_SECRET_KEY",
    "JOBMATCH_SECRET_KEY": "signs sessions; in development a random key is kept in the instance folder",
    "JOBMATCH_DATABASE_URL": "SQLAlchemy URL; default sqlite:///<instance>/jobmatch.sqlite3, or postgresql+psycopg://...",
    "JOBMATCH_INSTANCE_PATH": "folder for the SQLite database and the generated secret; default ./instance",
    "JOBMATCH_MODELS_DIR": "folder with the gazetteer, taxonomy and weights; default the ones shipped with the package (models/ in a checkout); in production a missing file stops start-up",
    "JOBMATCH_WORKERS": "gunicorn workers for `jobmatch serve`; default 2 x cores + 1, at most 8",
    "JOBMATCH_LOG_LEVEL": "logging level, default INFO",
    "JOBMATCH_REDIS_URL": "redis://... for rate-limit counters shared by all workers; default in memory per worker",
    "JOBMATCH_RATE_LIMIT_KIOSK": "kiosk submissions per client address, default 30 per minute",
    "JOBMATCH_RATE_LIMIT_LOGIN": "login attempts per client address, default 30 per minute (each account also locks after 5 wrong passwords)",
    "JOBMATCH_RATE_LIMIT_TICKET": "ticket look-ups per client address, default 60 per minute",
    "JOBMATCH_PROXY_HOPS": "reverse proxies in front of the service whose X-Forwarded-For/-Proto/-Host to trust; default 0",
    "JOBMATCH_DB_BUSY_TIMEOUT": "seconds a write waits for another writer's lock before answering 503, default 5",
}


class ConfigError(RuntimeError):
    """The configuration cannot be used to start the service."""


def _secret_from_instance(instance_path: Path) -> str:
    # One key per installation, shared by every worker, so sessions survive restarts without a default secret.
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def from_environment(instance_path: Path, environ=os.environ) -> dict:
    """Build the Flask config mapping from JOBMATCH_* variables."""
    env = environ.get("JOBMATCH_ENV", "development").strip().lower()
    if env not in ("development", "production"):
        raise ConfigError(f"JOBMATCH_ENV must be development or production, not {env!r}")
    secret = environ.get("JOBMATCH_SECRET_KEY", "").strip()
    if env == "production" and len(secret) < 16:
        raise ConfigError("JOBMATCH_SECRET_KEY must be set to a random value of 16+ characters in production")
    hops = environ.get("JOBMATCH_PROXY_HOPS", "0").strip() or "0"
    if not hops.isdigit() or int(hops) > 10:
        raise ConfigError(f"JOBMATCH_PROXY_HOPS must be a whole number from 0 to 10, not {hops!r}")
    database_url = environ.get("JOBMATCH_DATABASE_URL") or f"sqlite:///{instance_path / 'jobmatch.sqlite3'}"
    busy_timeout = _seconds(environ.get("JOBMATCH_DB_BUSY_TIMEOUT", "5"), "JOBMATCH_DB_BUSY_TIMEOUT")
    return {
        "ENV_NAME": env,
        "SECRET_KEY": secret or None,  # filled lazily from the instance folder in create_app
        "DATABASE_URL": database_url,
        "MODELS_DIR": environ.get("JOBMATCH_MODELS_DIR") or str(DEFAULT_MODELS_DIR),
        "LOG_LEVEL": environ.get("JOBMATCH_LOG_LEVEL", "INFO").upper(),
        "JSON_AS_ASCII": False,
        "RATELIMIT_STORAGE_URI": environ.get("JOBMATCH_REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATE_LIMIT_KIOSK": environ.get("JOBMATCH_RATE_LIMIT_KIOSK", "30 per minute"),
        # Per address, and loose: one person's typos must not lock out colleagues behind the same NAT; guessing one
        # account's password is stopped by the per-account lock (auth.log_in).
        "RATE_LIMIT_LOGIN": environ.get("JOBMATCH_RATE_LIMIT_LOGIN", "30 per minute"),
        "RATE_LIMIT_TICKET": environ.get("JOBMATCH_RATE_LIMIT_TICKET", "60 per minute"),
        # 0: the client address is the peer's, and X-Forwarded-* headers are ignored (anyone can send them).
        "PROXY_HOPS": int(hops),
        # Session cookies: not readable by scripts, not sent on cross-site posts, HTTPS-only in production.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "DB_BUSY_TIMEOUT": busy_timeout,
    }


def _seconds(value: str, name: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 600:
        raise ConfigError(f"{name} must be a number of seconds between 0 and 600, not {value!r}")
    return seconds


def ensure_secret(config: dict, instance_path: Path) -> None:
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _secret_from_instance(instance_path)
