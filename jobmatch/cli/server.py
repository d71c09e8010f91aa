"""Setting up and running the service: init-db and serve.

The jobmatch imports inside the commands stay there because every command module loads with every command (rank too);
the figure beside each is its cost on top of `import jobmatch.cli` (python -X importtime, median of 5).
"""

from __future__ import annotations

import os
import sys

import click
from flask import current_app
from werkzeug.serving import run_simple  # free: flask has loaded it already

from ..config import Settings
from .base import main, safe_url


@main.command("init-db")
def init_db_command():
    """Create or upgrade the database schema (Alembic migrations to head)."""
    from ..db import upgrade  # lazy: 0.4 s

    upgrade(current_app.config["DATABASE_URL"])
    click.echo(f"database ready: {safe_url(current_app.config['DATABASE_URL'])}")


@main.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers", default=None, type=click.IntRange(1, 64), help="Default: JOBMATCH_WORKERS or 2 x cores + 1 (max 8)."
)
@click.option("--dev", is_flag=True, help="Werkzeug's development server with the reloader, one process, no debugger.")
def serve_command(host: str, port: int, workers: int | None, dev: bool):
    """Upgrade the database, then serve the app with gunicorn."""
    from ..db import upgrade  # lazy: 0.4 s

    upgrade(current_app.config["DATABASE_URL"])
    if dev:
        # app.run() refuses to start inside the flask/click CLI, so the development server is started directly.
        # No interactive debugger: it would run any code for anyone who reaches the port.
        click.echo(f"development server on http://{host}:{port} (one process, reloads on code changes)", err=True)
        # current_app is a proxy; Flask types it as the app it stands for, without the proxy's own methods
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        run_simple(host, port, app, use_reloader=True, use_debugger=False, threaded=True)
        return
    workers = workers or Settings.from_environment().workers
    # Workers must find the same instance folder (database, secret) as this command did.
    os.environ.setdefault("JOBMATCH_INSTANCE_PATH", current_app.instance_path)
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:jobmatch.gunicorn_conf",
        "--workers",
        str(workers),
        "--bind",
        f"{host}:{port}",
        "--access-logfile",
        "-",
        # Paths and status only: no query strings, no user agents.
        "--access-logformat",
        '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms',
        "jobmatch:create_app()",
    ]
    click.echo(f"serving on http://{host}:{port} with {workers} workers", err=True)
    os.execv(sys.executable, args)
