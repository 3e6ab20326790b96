from __future__ import annotations

from flask import Blueprint

bp = Blueprint("workers", __name__, url_prefix="/workers")

from webapp.workers import views  # noqa: E402,F401
