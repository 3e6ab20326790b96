"""Placement and follow-up pages (服务部门填单): record who started where, the visits after, and the overdue list."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("placements", __name__, url_prefix="/placements")

from webapp.placements import views  # noqa: E402,F401
