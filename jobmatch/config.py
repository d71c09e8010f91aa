"""Settings read from the environment (JOBMATCH_*), with safe defaults for a stall laptop."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
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


def _setting(variable: str, meaning: str, default=None, **options):
    return field(default=default, metadata={"variable": variable, "meaning": meaning}, **options)


def default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 8)


@dataclass(frozen=True)
class Settings:
    """Every JOBMATCH_* variable the service reads, read and checked in one place (`from_environment`); the README's
    configuration table lists the same variables, and a test holds the two together."""

    env: str = _setting(
        "JOBMATCH_ENV",
        "development (default) or production; production refuses to start without "
        "JOBMATCH_SECRET_KEY or the shipped models",
        "development",
    )
    secret_key: str | None = _setting(
        "JOBMATCH_SECRET_KEY", "signs sessions; in development a random key is kept in the instance folder"
    )
    database_url: str | None = _setting(
        "JOBMATCH_DATABASE_URL",
        "SQLAlchemy URL; default sqlite:///<instance>/jobmatch.sqlite3, or postgresql+psycopg://...",
    )
    instance_path: str | None = _setting(
        "JOBMATCH_INSTANCE_PATH",
        "folder for the SQLite database, the generated secret and the erasure log; default ./instance",
    )
    models_dir: str = _setting(
        "JOBMATCH_MODELS_DIR",
        "folder with the gazetteer, taxonomy and weights; default the "
        "ones shipped with the package (models/ in a checkout)",
        "",
    )
    workers: int = _setting(
        "JOBMATCH_WORKERS", "gunicorn workers for `jobmatch serve`; default 2 x cores + 1, at most 8", 0
    )
    log_level: str = _setting("JOBMATCH_LOG_LEVEL", "logging level, default INFO", "INFO")
    pdf_font: str | None = _setting(
        "JOBMATCH_PDF_FONT",
        "a TrueType font file for printed PDFs and the report's charts; "
        "default the WenQuanYi Zen Hei subset shipped in jobmatch/fonts",
    )
    redis_url: str | None = _setting(
        "JOBMATCH_REDIS_URL", "redis://... for rate-limit counters shared by all workers; default in memory per worker"
    )
    rate_limit_kiosk: str = _setting(
        "JOBMATCH_RATE_LIMIT_KIOSK", "kiosk submissions per client address, default 30 per minute", "30 per minute"
    )
    rate_limit_login: str = _setting(
        "JOBMATCH_RATE_LIMIT_LOGIN",
        "login attempts per client address, default 30 per minute (each account also locks after 5 wrong passwords)",
        "30 per minute",
    )
    rate_limit_ticket: str = _setting(
        "JOBMATCH_RATE_LIMIT_TICKET", "ticket look-ups per client address, default 60 per minute", "60 per minute"
    )
    proxy_hops: int = _setting(
        "JOBMATCH_PROXY_HOPS",
        "reverse proxies in front of the service whose X-Forwarded-For/-Proto/-Host to trust; default 0",
        0,
    )
    db_busy_timeout: float = _setting(
        "JOBMATCH_DB_BUSY_TIMEOUT",
        "seconds a write waits for another writer's lock before answering 503, default 5",
        5.0,
    )

    @classmethod
    def from_environment(cls, environ=os.environ, serving: bool = True) -> Settings:
        """The settings in `environ`, checked: a value that cannot be used is a ConfigError naming its variable.
        `serving=False` is for the batch commands, which start no app and need no secret."""
        raw = {f.name: environ.get(f.metadata["variable"], "").strip() for f in fields(cls)}
        env = (raw["env"] or "development").lower()
        if env not in ("development", "production"):
            raise ConfigError(f"JOBMATCH_ENV must be development or production, not {env!r}")
        if serving and env == "production" and len(raw["secret_key"]) < 16:
            raise ConfigError("JOBMATCH_SECRET_KEY must be set to a random value of 16+ characters in production")
        hops = raw["proxy_hops"] or "0"
        if not hops.isdigit() or int(hops) > 10:
            raise ConfigError(f"JOBMATCH_PROXY_HOPS must be a whole number from 0 to 10, not {hops!r}")
        workers = raw["workers"] or "0"
        if not workers.isdigit() or int(workers) > 64:
            raise ConfigError(f"JOBMATCH_WORKERS must be a whole number from 1 to 64, not {workers!r}")
        return cls(
            env=env,
            secret_key=raw["secret_key"] or None,
            database_url=raw["database_url"] or None,
            instance_path=raw["instance_path"] or None,
            models_dir=raw["models_dir"] or str(DEFAULT_MODELS_DIR),
            workers=int(workers) or default_workers(),
            log_level=(raw["log_level"] or "INFO").upper(),
            pdf_font=raw["pdf_font"] or None,
            redis_url=raw["redis_url"] or None,
            rate_limit_kiosk=raw["rate_limit_kiosk"] or "30 per minute",
            rate_limit_login=raw["rate_limit_login"] or "30 per minute",
            rate_limit_ticket=raw["rate_limit_ticket"] or "60 per minute",
            proxy_hops=int(hops),
            db_busy_timeout=_seconds(raw["db_busy_timeout"] or "5", "JOBMATCH_DB_BUSY_TIMEOUT"),
        )

    def flask_config(self, instance_path: Path) -> dict:
        """The Flask config mapping these settings give, for an app whose instance folder is `instance_path`."""
        return {
            "ENV_NAME": self.env,
            "SECRET_KEY": self.secret_key,  # filled lazily from the instance folder in create_app
            "DATABASE_URL": self.database_url or f"sqlite:///{instance_path / 'jobmatch.sqlite3'}",
            "MODELS_DIR": self.models_dir,
            "LOG_LEVEL": self.log_level,
            "PDF_FONT": self.pdf_font,
            "JSON_AS_ASCII": False,
            "RATELIMIT_STORAGE_URI": self.redis_url or "memory://",
            "RATELIMIT_HEADERS_ENABLED": True,
            "RATE_LIMIT_KIOSK": self.rate_limit_kiosk,
            # Per address, and loose: one person's typos must not lock out colleagues behind the same NAT; guessing
            # one account's password is stopped by the per-account lock (auth.log_in).
            "RATE_LIMIT_LOGIN": self.rate_limit_login,
            "RATE_LIMIT_TICKET": self.rate_limit_ticket,
            # 0: the client address is the peer's, and X-Forwarded-* headers are ignored (anyone can send them).
            "PROXY_HOPS": self.proxy_hops,
            # Session cookies: not readable by scripts, not sent on cross-site posts, HTTPS-only in production.
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.env == "production",
            "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
            "DB_BUSY_TIMEOUT": self.db_busy_timeout,
        }


# Every variable the service reads, with its meaning; the README's configuration table lists the same ones.
ENVIRONMENT_VARIABLES = {f.metadata["variable"]: f.metadata["meaning"] for f in fields(Settings)}


def from_environment(instance_path: Path, environ=os.environ) -> dict:
    """The Flask config mapping of the JOBMATCH_* variables in `environ`."""
    return Settings.from_environment(environ).flask_config(instance_path)


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
