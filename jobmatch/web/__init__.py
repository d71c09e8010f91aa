"""Server-rendered pages: the kiosk, the staff console, the office pages and printing. zh-CN, no script, no CDN.

Every page is on the one `web` blueprint (blueprint.py); each module below registers its routes on it when imported.
"""

from . import accounts, kiosk, office, records, staff  # noqa: F401  (each registers its routes on bp)
from .blueprint import bp

__all__ = ["bp"]
