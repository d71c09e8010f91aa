"""Flask extensions, unbound until create_app calls init_app."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from .db import db

# Storage comes from RATELIMIT_STORAGE_URI: memory:// by default, Redis when JOBMATCH_REDIS_URL is set.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
# Every page form carries the session's token; the JSON API authenticates by bearer token and is exempt.
csrf = CSRFProtect()

__all__ = ["csrf", "db", "limiter"]
