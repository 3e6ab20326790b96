"""Recruitment-fair pages (招聘会): fairs, employers and booths, shortlists, village invitation lists, fair day
(check-in, walk-ins, booth outcomes) and the report."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("fairs", __name__, url_prefix="/fairs")

from webapp.fairs import views  # noqa: E402,F401
