"""The CJK font every PDF and chart uses, shipped inside the package so that PDFs are right with nothing installed.

WenQuanYiZenHei-subset.ttf is WenQuanYi Zen Hei 0.9.45 (Debian's fonts-wqy-zenhei), cut by scripts/subset_font.py to
13,226 characters (4.2 MB): ASCII, punctuation, full-width forms, all of GB2312, the 5,400 other GBK Hanzi in everyday
use (rarer name characters such as 堃 喆 昇 among them) and jobmatch's own text. It is TrueType (glyf outlines), which
reportlab can subset and embed. GPL-2 with a font embedding exception: see LICENSE and GPL-2 beside it.

A character outside the subset (a very rare name character, CJK Extension B) has no glyph: printing.printable shows
it as 〓, the typesetter's mark for a missing character, so staff see that something is missing.
"""

from __future__ import annotations

import atexit
import contextlib
from functools import lru_cache
from importlib import resources

CJK_FONT = "WenQuanYiZenHei-subset.ttf"
_FILES = contextlib.ExitStack()
atexit.register(_FILES.close)


@lru_cache(maxsize=1)
def cjk_font_file() -> str:
    """The shipped font as a file path (extracted to a temporary file only when the package is not on disk)."""
    return str(_FILES.enter_context(resources.as_file(resources.files(__name__).joinpath(CJK_FONT))))
