"""防返贫 monitoring pages (四不摘): monitored households, the due list, visits and the statistics."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("households", __name__, url_prefix="/households")

from webapp.households import views  # noqa: E402,F401
