"""What the pages print: text without the emoji and decorations that a kiosk's fonts may lack.

Every `{{ … }}` in a template passes through `shown`, so no page shows a box for a glyph the font lacks. Form fields
that send text back (`{{ value|kept }}`) keep it whole, so saving a form never loses what was stored.
"""

from __future__ import annotations

import re

from ..text import PICTOGRAPHS

_RUNS = re.compile(r"  +")


class Kept(str):
    """Text to show exactly as stored (a form field's value)."""


def kept(value) -> Kept:
    return Kept("" if value is None else value)


def shown(value):
    if isinstance(value, str) and not isinstance(value, Kept) and PICTOGRAPHS.search(value):
        return _RUNS.sub(" ", PICTOGRAPHS.sub(" ", value)).strip()
    return value


def init_app(app) -> None:
    app.jinja_env.finalize = shown
    app.jinja_env.filters["kept"] = kept
