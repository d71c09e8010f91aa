"""Server-rendered pages: the kiosk, the staff console, the office pages and printing. zh-CN, no script, no CDN."""
from . import display
from .views import bp

__all__ = ["bp"]


@bp.record_once
def _display_filters(state) -> None:
    display.init_app(state.app)

from . import office  # noqa: E402,F401  (registers the office routes on bp)
