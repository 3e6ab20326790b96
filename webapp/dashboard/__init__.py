from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from webapp.dashboard import views  # noqa: E402,F401
