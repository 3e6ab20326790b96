from __future__ import annotations

from flask import Blueprint

bp = Blueprint("job_orders", __name__, url_prefix="/job-orders")

from webapp.job_orders import views  # noqa: E402,F401
