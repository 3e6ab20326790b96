from __future__ import annotations

from flask import Blueprint

bp = Blueprint("employers", __name__, url_prefix="/employers")

from webapp.employers import views  # noqa: E402,F401
