"""Logins for the pages and bearer tokens for the API: create-user, set-password, disable-user, create-token and
revoke-token.

The jobmatch imports inside the commands stay there because every command module loads with every command (rank too);
the figure beside them is their cost on top of `import jobmatch.cli` (python -X importtime, median of 5).
"""

from __future__ import annotations

import sys

import click
from flask import current_app

from .base import fail, main


def new_password(from_stdin: bool, prompt: str, how_to_pipe: str) -> str:
    """A new password: the first line of standard input, or asked for twice on the terminal (or answered twice by
    what is piped in when there is no terminal). Without a terminal or an answer, a plain error, exit code 2."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if sys.stdin.isatty():
        return click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    # No terminal (a script, cron, ssh without -t): getpass would warn that it cannot hide the typing, and at the end
    # of the input click would say only "Aborted!". So read the two answers from standard input as they come.
    first, again = sys.stdin.readline(), sys.stdin.readline()
    if not first or not again:
        fail(
            "需要密码，但这里没有终端可以输入 (a password is needed and there is no terminal to ask for it).\n"
            "请用 --password-stdin 从标准输入的第一行给出 (pipe it in with --password-stdin), 例如 (for example):\n"
            f"    {how_to_pipe}"
        )
    if first.rstrip("\r\n") != again.rstrip("\r\n"):
        fail("两次输入的密码不一样 (the two entered values do not match)")
    return first.rstrip("\r\n")


@main.command("create-user")
@click.argument("username")
@click.option(
    "--role", type=click.Choice(["staff", "office"]), required=True, help="staff: the stall; office: vacancies only."
)
@click.option("--password", help="At least 8 characters; asked for when not given.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
def create_user_command(username: str, role: str, password: str | None, password_stdin: bool):
    """Create a login for the staff or office pages."""
    if password is not None and password_stdin:
        fail("--password 和 --password-stdin 只能用一个 (give --password or --password-stdin, not both)")
    if password is None:
        password = new_password(
            password_stdin,
            "Password",
            f"printf '%s\\n' \"$PASSWORD\" | jobmatch create-user {username} --role {role} --password-stdin",
        )
    # lazy: 0.6 s for these three
    from ..auth import create_user
    from ..db import db, upgrade
    from ..errors import JobmatchError

    upgrade(current_app.config["DATABASE_URL"])
    try:
        create_user(db.session, username, password, role)
    except JobmatchError as err:
        fail(err.message)
    click.echo(f"created {role} user {username}")


@main.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the new password from the first line of standard input.")
def set_password_command(username: str, password_stdin: bool):
    """Give USERNAME a new password (asked for twice); it unlocks the account and ends all of its sessions."""
    # lazy: 0.6 s for these three
    from ..auth import find_user, set_password
    from ..db import db, upgrade
    from ..errors import JobmatchError

    upgrade(current_app.config["DATABASE_URL"])
    try:
        find_user(db.session, username)  # before the prompt: no password typed for a user who does not exist
        password = new_password(
            password_stdin,
            "New password",
            f"printf '%s\\n' \"$PASSWORD\" | jobmatch set-password {username} --password-stdin",
        )
        set_password(db.session, username, password)
    except JobmatchError as err:
        fail(err.message)
    click.echo(f"set a new password for {username}; their sessions have ended")


@main.command("disable-user")
@click.argument("username")
@click.option("--enable", is_flag=True, help="Let a disabled user log in again.")
def disable_user_command(username: str, enable: bool):
    """Stop USERNAME from logging in and end their sessions at once; --enable undoes it."""
    # lazy: 0.6 s for these three
    from ..auth import disable_user
    from ..db import db, upgrade
    from ..errors import JobmatchError

    upgrade(current_app.config["DATABASE_URL"])
    try:
        disable_user(db.session, username, enable=enable)
    except JobmatchError as err:
        fail(err.message)
    click.echo(f"enabled {username}" if enable else f"disabled {username}; their sessions have ended")


@main.command("create-token")
@click.argument("name")
@click.option("--role", type=click.Choice(["staff", "office", "kiosk"]), required=True)
def create_token_command(name: str, role: str):
    """Create an API bearer token for ROLE; it is printed once and stored only as a hash."""
    # lazy: 0.6 s for these three
    from ..auth import create_token
    from ..db import db, upgrade
    from ..errors import JobmatchError

    upgrade(current_app.config["DATABASE_URL"])
    try:
        token = create_token(db.session, name, role)
    except JobmatchError as err:
        fail(err.message)
    click.echo(token)


@main.command("revoke-token")
@click.argument("name")
def revoke_token_command(name: str):
    """Revoke the API token called NAME; requests with it get 401 from now on."""
    # lazy: 0.6 s for these three
    from ..auth import revoke_token
    from ..db import db
    from ..errors import JobmatchError

    try:
        revoke_token(db.session, name)
    except JobmatchError as err:
        fail(err.message)
    click.echo(f"revoked {name}")
