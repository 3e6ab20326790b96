"""The routes of the JSON API (v1): parse the request, call one service, serialise the answer.

Errors are raised, never built here: ``webapp.errors`` turns them into ``{"error": {...}}``.
The paths, fields and answers are described in ``webapp/api/openapi.py``; keep both in step.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for

from matcher.types import WORKER_STATUSES
from webapp.api import bp
from webapp.api.auth import current_actor, public
from webapp.api.openapi import build_document
from webapp.api.params import Query, credentials, json_object
from webapp.extensions import db
from webapp.models import JOB_ORDER_REVIEW_STATUSES, JOB_ORDER_STATUSES
from webapp.security import client_ip
from webapp.services import accounts, employers, job_orders, matching, workers
from webapp.services.workers import Page

# Path IDs outside a database integer never match a route (404), instead of overflowing in the query.
ID = "int(min=1, max=2147483647)"
MAX_ID = 2_147_483_647
PERSONAL_FIELDS = ("id_number", "phone")


def _page(page: Page, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"items": items, "total": page.total, "page": page.page, "per_page": page.per_page}


def _created(
    body: dict[str, Any], endpoint: str, **values: Any
) -> tuple[dict[str, Any], int, dict[str, str]]:
    return body, 201, {"Location": url_for(endpoint, **values)}


def _match_limit(q: Query) -> int:
    return q.integer("limit", default=20, maximum=int(current_app.config["MATCH_LIMIT_MAX"])) or 20


# --- authentication and the document ----------------------------------------------------------------


@bp.post("/auth/token")
@public
def create_token() -> dict[str, Any]:
    username, password = credentials(json_object())
    user = accounts.authenticate(db.session, username, password, ip=client_ip(), channel="api")
    max_age = int(current_app.config["API_TOKEN_MAX_AGE"])
    token = accounts.issue_token(
        db.session,
        current_app.config["SECRET_KEY"],
        user,
        max_age=max_age,
        ip=client_ip(),
        user_agent=request.headers.get("User-Agent", ""),
    )
    return {
        "token": token,
        "token_type": "Bearer",
        "expires_in": int(current_app.config["API_TOKEN_MAX_AGE"]),
    }


@bp.get("/openapi.json")
@public
def openapi_document() -> dict[str, Any]:
    return build_document(match_limit_max=int(current_app.config["MATCH_LIMIT_MAX"]))


# --- employers ------------------------------------------------------------------------------------------


@bp.post("/employers")
def create_employer() -> tuple[dict[str, Any], int, dict[str, str]]:
    actor = current_actor()
    employer = employers.create_employer(db.session, actor, json_object())
    return _created(employers.employer_to_dict(employer, actor), "api.get_employer", employer_id=employer.id)


@bp.get(f"/employers/<{ID}:employer_id>")
def get_employer(employer_id: int) -> dict[str, Any]:
    actor = current_actor()
    return employers.employer_to_dict(employers.get_employer(db.session, actor, employer_id), actor)


@bp.get("/employers")
def list_employers() -> dict[str, Any]:
    q = Query(("q", "region_code", "page", "per_page"))
    text, region_code, (page, per_page) = q.text("q"), q.region(), q.paging()
    q.done()
    actor = current_actor()
    result = employers.list_employers(
        db.session, actor, q=text or "", region_code=region_code, page=page, per_page=per_page
    )
    return _page(result, [employers.employer_to_dict(e, actor) for e in result.items])


# --- job orders -----------------------------------------------------------------------------------------


@bp.post("/job-orders")
def create_job_order() -> tuple[dict[str, Any], int, dict[str, str]]:
    order = job_orders.create_job_order(db.session, current_actor(), json_object())
    return _created(job_orders.job_order_to_dict(order), "api.get_job_order", job_order_id=order.id)


@bp.get(f"/job-orders/<{ID}:job_order_id>")
def get_job_order(job_order_id: int) -> dict[str, Any]:
    return job_orders.job_order_to_dict(job_orders.get_job_order(db.session, current_actor(), job_order_id))


@bp.patch(f"/job-orders/<{ID}:job_order_id>")
def update_job_order(job_order_id: int) -> dict[str, Any]:
    order = job_orders.update_job_order(db.session, current_actor(), job_order_id, json_object())
    return job_orders.job_order_to_dict(order)


@bp.get("/job-orders")
def list_job_orders() -> dict[str, Any]:
    q = Query(("status", "region_code", "occupation", "employer_id", "q", "page", "per_page"))
    status = q.choice("status", (*JOB_ORDER_STATUSES, *JOB_ORDER_REVIEW_STATUSES))
    region_code, occupation = q.region(), q.text("occupation")
    employer_id = q.integer("employer_id", maximum=MAX_ID)
    text, (page, per_page) = q.text("q"), q.paging()
    q.done()
    result = job_orders.list_job_orders(
        db.session,
        current_actor(),
        q=text or "",
        status=status,
        region_code=region_code,
        occupation=occupation,
        employer_id=employer_id,
        page=page,
        per_page=per_page,
    )
    return _page(result, [job_orders.job_order_to_dict(o) for o in result.items])


@bp.get(f"/job-orders/<{ID}:job_order_id>/matches")
def job_order_matches(job_order_id: int) -> dict[str, Any]:
    q = Query(("limit",))
    limit = _match_limit(q)
    q.done()
    # Candidates as the caller may see them: employers get no poverty/disability component or reason.
    actor = current_actor()
    order, candidates = matching.candidates_for_order(db.session, actor, job_order_id, limit=limit)
    near = matching.near_misses_for_order(db.session, actor, job_order_id, limit=limit)
    return {
        "job_order_id": order.id,
        "matches": [matching.candidate_to_dict(c) for c in candidates],
        "near_misses": [matching.near_miss_to_dict(n) for n in near],
    }


# --- workers --------------------------------------------------------------------------------------------


@bp.post("/workers")
def create_worker() -> tuple[dict[str, Any], int, dict[str, str]]:
    actor = current_actor()
    worker = workers.create_worker(db.session, actor, json_object())
    return _created(workers.worker_to_dict(worker, actor), "api.get_worker", worker_id=worker.id)


@bp.get(f"/workers/<{ID}:worker_id>")
def get_worker(worker_id: int) -> dict[str, Any]:
    actor = current_actor()
    return workers.worker_to_dict(workers.get_worker(db.session, actor, worker_id), actor)


@bp.patch(f"/workers/<{ID}:worker_id>")
def update_worker(worker_id: int) -> dict[str, Any]:
    actor = current_actor()
    return workers.worker_to_dict(workers.update_worker(db.session, actor, worker_id, json_object()), actor)


@bp.get("/workers")
def list_workers() -> dict[str, Any]:
    q = Query(("status", "region_code", "occupation", "poverty_registered", "q", "page", "per_page"))
    status, region_code = q.choice("status", WORKER_STATUSES), q.region()
    occupation, poverty = q.text("occupation"), q.boolean("poverty_registered")
    text, (page, per_page) = q.text("q"), q.paging()
    q.done()
    actor = current_actor()
    result = workers.list_workers(
        db.session,
        actor,
        q=text or "",
        status=status,
        region_code=region_code,
        occupation=occupation,
        poverty_registered=poverty,
        page=page,
        per_page=per_page,
    )
    return _page(result, [workers.worker_to_dict(w, actor) for w in result.items])


@bp.get(f"/workers/<{ID}:worker_id>/personal-data")
def worker_personal_data(worker_id: int) -> dict[str, Any]:
    q = Query(("field",))
    field = q.choice("field", PERSONAL_FIELDS)
    q.done()
    actor, ip = current_actor(), request.remote_addr or ""
    wanted = (field,) if field else PERSONAL_FIELDS
    # one audited read per field
    revealed = {name: workers.reveal(db.session, actor, worker_id, field=name, ip=ip) for name in wanted}
    return {"worker_id": worker_id, **revealed}


@bp.get(f"/workers/<{ID}:worker_id>/recommendations")
def worker_recommendations(worker_id: int) -> dict[str, Any]:
    q = Query(("limit",))
    limit = _match_limit(q)
    q.done()
    worker, ranked = matching.recommendations_for_worker(db.session, current_actor(), worker_id, limit=limit)
    return {
        "worker_id": worker.id,
        "job_orders": [matching.match_to_dict(r.match, side="job_order") for r in ranked],
    }
