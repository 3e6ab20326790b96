"""Employer onboarding pages: public registration, staff review with duplicates, an employer's own details."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("onboarding", __name__)

from webapp.onboarding import views  # noqa: E402,F401
