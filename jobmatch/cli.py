"""The `jobmatch` command: serve, init-db, demo, import-jobs, rank."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup

from . import create_app


def _default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 8)


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False, load_dotenv=False)
def main():
    """jobmatch: the job stall service of the community fairs."""


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@main.command("init-db")
def init_db_command():
    """Create or upgrade the database schema (Alembic migrations to head)."""
    from .db import upgrade

    upgrade(current_app.config["DATABASE_URL"])
    click.echo(f"database ready: {_safe_url(current_app.config['DATABASE_URL'])}")


@main.command("demo")
def demo_command():
    """Load the demo fair (Dongliu town): vacancies and resident profiles."""
    from .db import db, upgrade
    from .demo import load_demo

    upgrade(current_app.config["DATABASE_URL"])
    counts = load_demo(db.session)
    click.echo(
        f"demo fair {counts['fair_id']}: {counts['jobs_created']} vacancies created, {counts['jobs_updated']} updated, "
        f"{counts['profiles_created']} profiles created"
    )


@main.command("import-jobs")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--fair", "fair_id", type=int, default=None, help="Attach the vacancies to this fair.")
def import_jobs_command(file: str, fair_id: int | None):
    """Import vacancies from a JSON Lines FILE; all or nothing, updating by `id`."""
    from .batch import BatchError, read_jsonl
    from .db import db
    from .errors import JobmatchError
    from .schemas import JobCreateSchema
    from .services import import_jobs

    try:
        rows = read_jsonl(file, JobCreateSchema())
        counts = import_jobs(db.session, rows, fair_id=fair_id)
    except BatchError as err:
        _fail(f"{err} (nothing was imported)")
    except JobmatchError as err:
        db.session.rollback()
        _fail(f"{err.message} {err.fields} (nothing was imported)")
    click.echo(f"imported {file}: {counts['created']} created, {counts['updated']} updated")


@main.command("rank", with_appcontext=False)
@click.option("--jobs", "jobs_file", required=True, type=click.Path(dir_okay=False), help="Vacancies, JSON Lines.")
@click.option("--profiles", "profiles_file", required=True, type=click.Path(dir_okay=False), help="Profiles, JSON Lines.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000), help="Matches per profile.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None, help="Write here instead of stdout.")
def rank_command(jobs_file: str, profiles_file: str, top: int, output: str | None):
    """Rank JOBS for every profile, with no database: one JSON line a profile, best match first."""
    from .batch import BatchError, read_jsonl
    from .config import DEFAULT_MODELS_DIR
    from .matching import Gazetteer, Matcher, job_from_dict, profile_from_dict
    from .schemas import JobSchema, ProfileSchema

    try:
        jobs = read_jsonl(jobs_file, JobSchema())
        profiles = read_jsonl(profiles_file, ProfileSchema())
    except BatchError as err:
        _fail(f"{err} (nothing was written)")
    for kind, records, path in (("job", jobs, jobs_file), ("profile", profiles, profiles_file)):
        for number, record in enumerate(records, start=1):
            if not record.get("external_id"):
                _fail(f"{path}: record {number}: field 'id': every {kind} needs an id (nothing was written)")
    places = Path(os.environ.get("JOBMATCH_MODELS_DIR") or DEFAULT_MODELS_DIR) / "places.json"
    gazetteer = Gazetteer.load(places) if places.exists() else Gazetteer.empty()
    job_records = [job_from_dict({**j, "id": j["external_id"]}) for j in jobs]
    profile_records = [profile_from_dict({**p, "id": p["external_id"]}) for p in profiles]
    matcher = Matcher(gazetteer=gazetteer).fit(job_records, profile_records)
    lines = []
    with click.progressbar(profile_records, label="ranking", file=sys.stderr) as bar:
        for profile in bar:
            matches = [
                {"job_id": m.job_id, "score": m.score, "eligible": m.eligible, "reasons": m.reasons}
                for m in matcher.jobs_for(profile, top=top)
            ]
            lines.append(json.dumps({"profile_id": profile.id, "matches": matches}, ensure_ascii=False))
    text = "\n".join(lines) + ("\n" if lines else "")
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@main.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=None, type=click.IntRange(1, 64), help="Default: JOBMATCH_WORKERS or 2 x cores + 1 (max 8).")
@click.option("--dev", is_flag=True, help="Flask's development server with the reloader, one process.")
def serve_command(host: str, port: int, workers: int | None, dev: bool):
    """Upgrade the database, then serve the app with gunicorn."""
    from .db import upgrade

    upgrade(current_app.config["DATABASE_URL"])
    if dev:
        current_app.run(host=host, port=port, debug=True, use_reloader=True)
        return
    workers = workers or int(os.environ.get("JOBMATCH_WORKERS") or _default_workers())
    # Workers must find the same instance folder (database, secret) as this command did.
    os.environ.setdefault("JOBMATCH_INSTANCE_PATH", current_app.instance_path)
    args = [
        sys.executable, "-m", "gunicorn",
        "--workers", str(workers),
        "--bind", f"{host}:{port}",
        "--access-logfile", "-",
        # Paths and status only: no query strings, no user agents.
        "--access-logformat", '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms',
        "jobmatch:create_app()",
    ]
    click.echo(f"serving on http://{host}:{port} with {workers} workers", err=True)
    os.execv(sys.executable, args)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
