"""The JSON REST API under /api/v1, and /healthz."""

from .views import bp, health_bp

__all__ = ["bp", "health_bp"]
