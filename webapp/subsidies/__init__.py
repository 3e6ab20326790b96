"""The government pays (买单): subsidy claims, approval, payment against budget lines, the subsidy ledger."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("subsidies", __name__, url_prefix="/subsidies")

from webapp.subsidies import views  # noqa: E402,F401
