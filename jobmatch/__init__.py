"""jobmatch: vacancies, resident profiles and explained matches for the job stall at community fairs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import cast


def create_app(config: dict | None = None):
    """Application factory: settings from JOBMATCH_* variables, overridden by `config`."""
    # Imported here so that `jobmatch.matching` and the batch CLI load without Flask.
    from flask import Flask
    from flask.json.provider import DefaultJSONProvider

    from . import config as settings
    from .errors import register_error_handlers
    from .extensions import csrf, db, limiter
    from .matching.artifacts import Artefacts, MissingArtefacts
    from .services import MatchIndex, track_changes

    environment = settings.Settings.from_environment()  # the one place the JOBMATCH_* variables are read
    instance_path = (config or {}).get("INSTANCE_PATH") or environment.instance_path
    # static_folder=None: the pages blueprint serves /static from jobmatch/web/static.
    app = Flask(
        __name__, instance_path=str(Path(instance_path).resolve()) if instance_path else None, static_folder=None
    )
    app.config.update(environment.flask_config(Path(app.instance_path)))
    if config:
        app.config.update(config)
    settings.ensure_secret(app.config, Path(app.instance_path))
    if app.config.get("PROXY_HOPS", 0) > 0:
        # Behind that many proxies, the client address (rate limits) and scheme come from their X-Forwarded-* headers.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        # Flask's documented way to add middleware; its stubs type wsgi_app as a method
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    # Flask makes its DefaultJSONProvider unless told otherwise; app.json is typed as the base class
    json_provider = cast(DefaultJSONProvider, app.json)
    json_provider.ensure_ascii = False
    json_provider.sort_keys = False
    logging.basicConfig(level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    db.init_app(app)
    limiter.init_app(app)
    # A kiosk form may wait for hours between residents: its token lives as long as the browser's session.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    csrf.init_app(app)
    app.after_request(_security_headers)
    try:  # in production, ranking without the shipped taxonomy and weights would be quietly wrong: refuse to start
        artefacts = Artefacts.load(app.config["MODELS_DIR"], required=app.config.get("ENV_NAME") == "production")
    except MissingArtefacts as err:
        raise settings.ConfigError(str(err)) from None
    index = app.extensions["jobmatch.index"] = MatchIndex(artefacts)
    # Every session of this app stores the coder's reading of what it writes and logs it for the indexes.
    track_changes(app.extensions["jobmatch.db"]["sessionmaker"], index.coder)

    register_error_handlers(app)
    from .api import init_api
    from .web import bp as web_bp

    init_api(app, csrf)
    app.register_blueprint(web_bp)
    return app


# No script at all (but on SCRIPT_PAGES, below), styles and images from this server only, never framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# The kiosk's matches page alone runs a script: read-aloud.js, which reads the matches aloud with the browser's own
# Chinese voice. There, 'self' lets files from this server run (the one script, nothing inline); every other page keeps
# 'none'. A source naming the file's path would be narrower still, but needs the site's full origin, which each proxy
# in front of the service may change.
SCRIPT_PAGES = frozenset({"web.kiosk_ticket"})
SCRIPT_PAGE_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("script-src 'none'", "script-src 'self'")


def _security_headers(response):
    from flask import request

    script_page = request.endpoint in SCRIPT_PAGES
    policy = SCRIPT_PAGE_CONTENT_SECURITY_POLICY if script_page else CONTENT_SECURITY_POLICY
    response.headers.setdefault("Content-Security-Policy", policy)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype in ("text/html", "application/pdf", "application/json"):
        response.headers.setdefault("Cache-Control", "no-store")  # these may carry personal data
    return response
