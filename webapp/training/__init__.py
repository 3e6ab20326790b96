"""Training institutions take orders (接单): training needs and heat map, courses, enrolment, attendance, results."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("training", __name__, url_prefix="/training")

from webapp.training import views  # noqa: E402,F401
