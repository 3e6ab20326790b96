"""API routes for recruitment fairs and their shortlists (DESIGN.md's rows for fairs and shortlists).

``POST /api/v1/fairs`` · ``GET /api/v1/fairs/{id}`` · ``POST /api/v1/fairs/{id}/job-orders`` ·
``POST``/``GET /api/v1/fairs/{id}/shortlists``; documented in ``webapp/api/openapi.py`` (``fair_paths``).
"""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from webapp.api import bp
from webapp.api.auth import current_actor
from webapp.api.params import Query, json_object
from webapp.extensions import db
from webapp.services import fairs, shortlists

ID = "int(min=1, max=2147483647)"


@bp.post("/fairs")
def create_fair() -> tuple[dict[str, Any], int, dict[str, str]]:
    fair = fairs.create_fair(db.session, current_actor(), json_object())
    body = fairs.fair_to_dict(db.session, fair)
    return body, 201, {"Location": url_for("api.get_fair", fair_id=fair.id)}


@bp.get(f"/fairs/<{ID}:fair_id>")
def get_fair(fair_id: int) -> dict[str, Any]:
    Query(()).done()
    return fairs.fair_to_dict(db.session, fairs.get_fair(db.session, current_actor(), fair_id))


@bp.post(f"/fairs/<{ID}:fair_id>/job-orders")
def add_fair_job_orders(fair_id: int) -> dict[str, Any]:
    orders = fairs.add_job_orders(db.session, current_actor(), fair_id, json_object())
    booths = fairs.booths_of(db.session, fair_id)
    return {"fair_id": fair_id, "job_orders": [fairs.fair_order_to_dict(o, booths) for o in orders]}


@bp.post(f"/fairs/<{ID}:fair_id>/shortlists")
def build_fair_shortlists(fair_id: int) -> dict[str, Any]:
    actor = current_actor()
    body = json_object() if request.get_data(cache=True).strip() else {}  # an empty body takes the defaults
    shortlists.build_shortlists(db.session, actor, fair_id, body)
    fair, lists = shortlists.shortlists(db.session, actor, fair_id)
    return shortlists.shortlists_to_dict(fair, lists)


@bp.get(f"/fairs/<{ID}:fair_id>/shortlists")
def get_fair_shortlists(fair_id: int) -> dict[str, Any]:
    Query(()).done()
    actor = current_actor()
    fair, lists = shortlists.shortlists(db.session, actor, fair_id)
    return shortlists.shortlists_to_dict(fair, lists)
