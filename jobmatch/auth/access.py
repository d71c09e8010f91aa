"""Who may open what: the roles' grants, the page and API access decorators, and the checks against other sites
(cross-site links, and where a login may lead)."""

from __future__ import annotations

import functools
import unicodedata
from urllib.parse import unquote, urlsplit

from flask import abort, current_app, redirect, request, url_for
from werkzeug.exceptions import HTTPException

from ..errors import Forbidden, Unauthorised
from .sessions import current_user
from .tokens import api_role

# What each role may do (DESIGN.md's table): staff may do everything the office may; the kiosk only its own things.
ROLE_GRANTS = {"office": {"office"}, "staff": {"office", "staff"}, "kiosk": {"kiosk"}}
ACCESS_LEVELS = ("public", "kiosk", "office", "staff")


def api_access(*levels: str):
    """Declare and enforce who may call an API view: "public", or the roles whose grants include a level."""
    assert levels and set(levels) <= set(ACCESS_LEVELS), levels

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if "public" not in levels:
                role = api_role()
                if role is None:
                    raise Unauthorised("需要有效的访问令牌", english="send Authorization: Bearer <token>")
                if not ROLE_GRANTS[role] & set(levels):
                    raise Forbidden("这个令牌没有权限", english="this token's role may not do this")
            return view(*args, **kwargs)

        wrapped.access = frozenset(levels)
        return wrapped

    return decorator


def page_access(level: str):
    """Declare a page open to anyone ("public") or to anyone at the kiosk ("kiosk"): no login."""
    assert level in ("public", "kiosk")

    def decorator(view):
        view.access = frozenset({level})
        return view

    return decorator


def login_required(area: str):
    """Views of `area` ("staff" or "office") need a logged-in user whose role grants it."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("web.login", next=request.full_path))
            if area not in ROLE_GRANTS.get(user.role, set()):
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = frozenset({area})
        return wrapped

    return decorator


def from_this_site() -> bool:
    """Whether this request came from a page of this site (or was typed or bookmarked), not from another site's link.

    Browsers say so in Sec-Fetch-Site; without it (older browsers, scripts) a Referer from elsewhere counts against.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    referrer = request.headers.get("Referer")
    if not referrer:
        return True
    origin = urlsplit(referrer)
    return f"{origin.scheme}://{origin.netloc}" == request.host_url.rstrip("/")


def refuse_cross_site() -> None:
    """GETs that print or export personal data also write the audit trail: another site's link may do neither."""
    if not from_this_site():
        raise Forbidden("请在本站的页面上点“打印”或“导出”，不要从别处的链接打开", english="cross-site request refused")


def local_target(target: str | None) -> str | None:
    """`target` as a page of this app to go to after logging in, or None: a login link never leads elsewhere."""
    if not target or len(target) > 2000:
        return None
    # Browsers drop tabs and newlines inside a URL and read "\\" as "/", so "/\t/evil.example" and "/\\evil.example"
    # lead off-site; no page of this app needs such characters, so any of them refuses the target.
    if any(c.isspace() or c == "\\" or unicodedata.category(c) in ("Cc", "Cf") for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    try:
        endpoint, _ = current_app.url_map.bind("localhost").match(unquote(parts.path), method="GET")
    except HTTPException:  # no such page, not a GET page, or one that redirects
        return None
    if endpoint in ("web.login", "web.logout", "web.static"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
