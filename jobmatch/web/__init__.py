"""Server-rendered pages: the kiosk, the staff console, the office pages and printing. zh-CN, no script, no CDN."""
from .views import bp

__all__ = ["bp"]

from . import office  # noqa: E402,F401  (registers the office routes on bp)
