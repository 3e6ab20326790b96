"""Labour-cooperation pages (劳务协作): agreements, post import, candidates, batch placement, dispatch batches."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cooperation", __name__, url_prefix="/cooperation")

from webapp.cooperation import views  # noqa: E402,F401
