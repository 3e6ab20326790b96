"""The statistics dashboard by region (统计): employment and training rates, placements, fairs, demand, trend."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("stats", __name__, url_prefix="/stats")

from webapp.stats import views  # noqa: E402,F401
