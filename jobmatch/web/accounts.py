"""The home page, logging in and out, and changing one's own password."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_wtf.csrf import generate_csrf

from ..auth import (
    SESSION_KEY,
    change_password,
    close_session,
    current_user,
    local_target,
    log_in,
    login_required,
    open_session,
    page_access,
)
from ..db import db
from ..errors import Invalid, JobmatchError, TooManyAttempts
from ..extensions import limiter
from .blueprint import bp


@bp.get("/")
@page_access("public")
def home():
    return render_template("home.html")


@bp.route("/login", methods=["GET", "POST"])
@page_access("public")
@limiter.limit(lambda: current_app.config["RATE_LIMIT_LOGIN"], methods=["POST"])
def login():
    if request.method == "GET":
        return render_template("login.html", error=None)
    try:
        user = log_in(db.session, request.form.get("username", "").strip(), request.form.get("password", ""))
    except JobmatchError as err:  # wrong, locked (429 with Retry-After) or disabled: said on the login page
        return render_template("login.html", error=err.chinese), err.status, err.headers
    token = open_session(db.session, user)
    session.clear()  # nothing of the session before the login carries over
    session[SESSION_KEY] = token
    generate_csrf()  # a fresh form token for the fresh session
    home = url_for("web.staff_home" if user.role == "staff" else "web.office_jobs")
    return redirect(local_target(request.args.get("next")) or home)


@bp.post("/logout")
@page_access("public")
def logout():
    # Deleting the row ends the session for every copy of the cookie, not only this browser's.
    close_session(db.session, session.get(SESSION_KEY))
    session.clear()
    return redirect(url_for("web.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required("office")
def account_password():
    """A logged-in user changes their own password; their other sessions end, this one stays."""
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = request.form
        try:
            change_password(
                db.session,
                current_user(),
                form.get("current_password", ""),
                form.get("new_password", ""),
                form.get("new_password2", ""),
                keep=session.get(SESSION_KEY),
            )
            return redirect(url_for("web.account_password", changed=1), code=303)
        except TooManyAttempts as err:
            return (
                render_template("account_password.html", errors={"_form": err.chinese}, changed=False),
                err.status,
                err.headers,
            )
        except Invalid as err:
            errors = {field: reasons[0] for field, reasons in err.fields.items()}
            status = 422
    return render_template(
        "account_password.html", errors=errors, changed=request.args.get("changed") == "1" and not errors
    ), status
