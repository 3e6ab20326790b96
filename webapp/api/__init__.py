"""The JSON API under /api/v1 (bearer-token auth, OpenAPI document at /api/v1/openapi.json)."""

from __future__ import annotations

from flask import Blueprint

from webapp.api.auth import authenticate_request, finish_response

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate_request)
bp.after_request(finish_response)

from webapp.api import fairs, households, placements, stats, training, users, views  # noqa: E402,F401
