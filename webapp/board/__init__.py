"""The public board (亮单) and the sign-up forms (点单): no login; plus the staff page that confirms sign-ups."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("board", __name__, url_prefix="/board")

from webapp.board import views  # noqa: E402,F401
