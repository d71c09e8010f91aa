"""The `jobmatch` group and the helpers its command modules share."""

from __future__ import annotations

import sys
from typing import NoReturn

import click
from flask.cli import FlaskGroup

from .. import create_app
from ..config import ConfigError


def app_or_fail():
    """The app, or a plain message saying what in the settings stops it (no traceback for a clerk to decode)."""
    try:
        return create_app()
    except ConfigError as err:
        fail(f"cannot start: {err}")


@click.group(cls=FlaskGroup, create_app=app_or_fail, add_default_commands=False, load_dotenv=False)
def main():
    """jobmatch: the job stall service of the community fairs."""


def fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def safe_url(url: str) -> str:
    """The database URL without its password, to print."""
    # Lazy: sqlalchemy.engine costs 0.24 s on top of `import jobmatch.cli`, which every command pays.
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
