"""Excel in and out (台账): import workers, employers and job orders with a preview, and export the ledgers."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/excel")

from webapp.imports import views  # noqa: E402,F401
