"""Roles × objects × endpoints, built from ``app.url_map`` so that every route a feature adds is covered.

For each role (and an anonymous visitor), every GET route of the app — pages and API — is requested with the
id of every worker, job order and employer of the test city (and an existing row for other id arguments):

- an object outside the role's scope answers 403 or 404, never 200;
- no response (whatever its status) shows what the role must not see: another county's workers, a worker who
  did not consent, another employer's internal order, any full ID number outside the audited reveal action
  (Excel exports are unpacked and searched too), and for employers and trainers the registered-poor and
  disability status;
- nothing in the database changes (only audited reads may be appended to the audit log);
- no response is a 5xx.

Then every state-changing route (POST/PATCH/PUT/DELETE) is sent each out-of-scope id: refused (4xx, and 403/404
for the core edit/reveal/match routes) with the database unchanged.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.webapp.page_html import text as visible_text
from tests.webapp.security.support import (
    READ_AUDIT_ACTIONS,
    REVEAL_ENDPOINTS,
    ROLES,
    As,
    World,
    arg_kind,
    audit_rows_after,
    body_text,
    changed_tables,
    fill,
    full_id_numbers,
    int_args,
    last_audit_id,
    placeholder,
    routes,
    snapshot,
    urls_for,
)

MISSING_ID = 2_000_000_000
#: Routes whose out-of-scope refusal must be exactly 403/404 (other routes may refuse a bad body first).
CORE_WRITES = frozenset(
    {
        "workers.edit",
        "workers.reveal",
        "job_orders.edit",
        "api.update_worker",
        "api.update_job_order",
    }
)
SENSITIVE_WORDS = ("建档立卡", "残疾", "脱贫户", "贫困户")
SENSITIVE_KEYS = ("poverty_registered", "disability")


def _known(world: World) -> dict[str, list[int]]:
    return {
        "worker": [*world.worker_ids(), MISSING_ID],
        "job_order": [o.id for o in world.orders.values()] + [MISSING_ID],
        "employer": [e.id for e in world.employers.values()] + [MISSING_ID],
    }


def _json_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _json_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _json_keys(v)}
    return set()


def _sensitive_shown(resp: Any, body: str, names: list[str]) -> list[str]:
    """Registered-poor/disability status in a response to an employer or a trainer.

    JSON: the fields themselves (and the priority component that would betray them). Pages and files: the
    labels, on any page that shows one of the test workers (a form's help text about public-welfare posts
    names no one).
    """
    found: list[str] = []
    if resp.mimetype != "application/json" and not any(name in body for name in names):
        return found
    if resp.mimetype == "application/json":
        try:
            keys = _json_keys(json.loads(body))
        except ValueError:
            keys = set()
        found += [k for k in SENSITIVE_KEYS if k in keys]
        if '"priority"' in body:
            found.append("priority score component")
    elif resp.mimetype == "text/html":
        shown = visible_text(body)
        found += [w for w in SENSITIVE_WORDS if w in shown]
    else:
        found += [w for w in SENSITIVE_WORDS if w in body]
    return found


def _crawl(
    app: Flask, session: Session, world: World, role: str, who: As | None, revealed: list[str]
) -> list[str]:
    """Request every GET route as ``role``; the problems found, and the audited reveals in ``revealed``."""
    problems: list[str] = []
    known = _known(world)
    secrets = world.secrets(role) if role != "anonymous" else _all_secrets(world)
    anonymous = app.test_client()
    for rule in routes(app, "GET"):
        if rule.endpoint == "api.openapi_document":
            continue  # the schema names fields; it holds no data
        is_api = rule.rule.startswith("/api/")
        for url, values in urls_for(session, rule, known):
            if who is None:
                resp = anonymous.get(url)
            elif is_api:
                resp = who.page.application.test_client().get(url, headers=who.api_headers)
            else:
                resp = who.page.get(url)
            where = f"{role} GET {url} [{rule.endpoint}] → {resp.status_code}"
            if resp.status_code >= 500:
                problems.append(f"{where}: server error")
                continue
            out_of_scope = [
                name
                for name in int_args(rule)
                if values.get(name) in world.out_of_scope(role, arg_kind(name) or "")
            ]
            if (
                who is not None
                and out_of_scope
                and resp.status_code not in (403, 404)
                and resp.status_code < 300
            ):
                problems.append(f"{where}: out-of-scope {out_of_scope} not refused")
            body = body_text(resp)
            for secret, why in secrets.items():
                if secret in body:
                    problems.append(f"{where}: shows {why}")
            leaked = full_id_numbers(body, world.id_numbers())
            if rule.endpoint not in REVEAL_ENDPOINTS and leaked:
                problems.append(f"{where}: unmasked ID number(s) {sorted(leaked)}")
            if rule.endpoint in REVEAL_ENDPOINTS and resp.status_code == 200:
                revealed.append(url)
            if role in ("employer_a", "employer_b", "trainer", "anonymous"):
                shown = _sensitive_shown(resp, body, [w.name for w in world.workers.values()])
                if shown:
                    problems.append(f"{where}: registered-poor/disability status shown: {shown}")
    return problems


def _all_secrets(world: World) -> dict[str, str]:
    out = {w.name: f"worker {key}'s name" for key, w in world.workers.items()}
    out.update({w.phone: f"worker {key}'s phone" for key, w in world.workers.items()})
    out.update({o.title: f"internal order {key}" for key, o in world.orders.items()})
    return out


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_every_get_route_respects_scope_and_changes_nothing(
    app: Flask, db_session: Session, world: World, as_role: Any, role: str
) -> None:
    who = None if role == "anonymous" else as_role(role)
    before, audit_mark = snapshot(db_session), last_audit_id(db_session)

    revealed: list[str] = []
    problems = _crawl(app, db_session, world, role, who, revealed)

    assert problems == [], "\n".join(problems)
    assert changed_tables(before, snapshot(db_session)) == [], "a GET request changed the database"
    written = audit_rows_after(db_session, audit_mark)
    actions = {row.action for row in written}
    assert actions <= READ_AUDIT_ACTIONS, f"GET requests wrote audit actions {actions - READ_AUDIT_ACTIONS}"
    # every full value shown was an audited read by this user
    reveals = [r for r in written if r.action == "reveal" and r.user_id == (who.user.id if who else None)]
    assert len(reveals) >= len(revealed), (revealed, len(reveals))
    if role in ("admin", "city_staff", "county_staff"):
        assert revealed, "the crawl reached the reveal action of a worker in scope"
    else:
        assert revealed == []


def test_the_crawl_reaches_the_core_routes(app: Flask) -> None:
    """The matrix is only as good as its route list: the core detail/edit/match/reveal routes are in it."""
    endpoints = {r.endpoint for r in routes(app, "GET")} | {r.endpoint for r in routes(app, "POST")}
    assert {
        "workers.detail",
        "workers.edit",
        "workers.reveal",
        "workers.recommendations",
        "job_orders.detail",
        "job_orders.edit",
        "job_orders.matches",
        "employers.detail",
        "api.get_worker",
        "api.get_job_order",
        "api.get_employer",
        "api.job_order_matches",
        "api.worker_recommendations",
        "api.worker_personal_data",
    } <= endpoints


def test_a_leak_would_be_caught(app: Flask, db_session: Session, world: World, as_role: Any) -> None:
    """The crawler's own check: another county's worker opened by a county clerk is flagged if shown."""
    who = as_role("county_staff")
    other = world.workers["nanle_shared"]
    resp = who.page.get(f"/workers/{other.id}")
    assert resp.status_code == 404
    assert other.name not in body_text(resp)
    assert full_id_numbers(f"x {other.id_number} y", world.id_numbers()) == {other.id_number}
    assert (
        full_id_numbers(f"x {other.id_number[:4]}**********{other.id_number[-4:]}", world.id_numbers())
        == set()
    )


# --- state-changing routes with ids out of scope ------------------------------------------------------------

WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")


def _body_for(rule_args: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A plausible form and JSON body, so that a route refuses for scope rather than for missing input."""
    form = {
        "name": "篡改姓名",
        "title": "篡改岗位",
        "field": "id_number",
        "phone": "13900001111",
        "headcount": "3",
        "region_code": "410923",
        "occupation": "焊工",
    }
    if "worker_id" in rule_args:
        return form, {"name": "篡改姓名"}
    if "job_order_id" in rule_args or "order_id" in rule_args:
        return form, {"title": "篡改岗位"}
    return form, {}


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_writes_on_out_of_scope_ids_are_refused_and_change_nothing(
    app: Flask, db_session: Session, world: World, as_role: Any, role: str
) -> None:
    who = as_role(role)
    before = snapshot(db_session)
    problems: list[str] = []
    for method in WRITE_METHODS:
        for rule in routes(app, method):
            names = [n for n in int_args(rule) if world.out_of_scope(role, arg_kind(n) or "")]
            if not names:
                continue
            form, body = _body_for(list(rule.arguments))
            for name in names:
                for target in sorted(world.out_of_scope(role, arg_kind(name) or "")):
                    known = _known(world)
                    values = {
                        n: target
                        if n == name
                        else (known[arg_kind(n) or ""][0] if arg_kind(n) in known else placeholder(rule, n))
                        for n in rule.arguments
                    }
                    url = fill(rule, values)
                    client: FlaskClient = who.page
                    if rule.rule.startswith("/api/"):
                        resp = client.open(url, method=method, json=body, headers=who.api_headers)
                    else:
                        resp = client.open(url, method=method, data=form)
                    where = f"{role} {method} {url} [{rule.endpoint}] → {resp.status_code}"
                    allowed = (403, 404) if rule.endpoint in CORE_WRITES else (400, 403, 404, 405, 409, 422)
                    if resp.status_code not in allowed:
                        problems.append(f"{where}: not refused")
                    text_ = body_text(resp)
                    for secret, why in world.secrets(role).items():
                        if secret in text_:
                            problems.append(f"{where}: shows {why}")
    assert problems == [], "\n".join(problems)
    assert changed_tables(before, snapshot(db_session)) == []


def test_core_routes_refuse_each_cross_scope_pair(
    app: Flask, db_session: Session, world: World, as_role: Any
) -> None:
    """The explicit pairs of the matrix, spelled out: who opens what, and the answer."""
    county, emp_a, trainer = as_role("county_staff"), as_role("employer_a"), as_role("trainer")
    nanle = world.workers["nanle_shared"].id
    order_b, employer_b = world.orders["b"].id, world.employers["b"].id
    cases = [
        (county.page, "GET", f"/workers/{nanle}", None),
        (county.page, "GET", f"/workers/{nanle}/edit", None),
        (county.page, "POST", f"/workers/{nanle}/reveal", None),
        (county.page, "GET", f"/workers/{nanle}/recommendations", None),
        (county.page, "GET", f"/api/v1/workers/{nanle}", county.api_headers),
        (county.page, "GET", f"/api/v1/workers/{nanle}/personal-data", county.api_headers),
        (county.page, "GET", f"/api/v1/workers/{nanle}/recommendations", county.api_headers),
        (emp_a.page, "GET", f"/job-orders/{order_b}", None),
        (emp_a.page, "GET", f"/job-orders/{order_b}/edit", None),
        (emp_a.page, "GET", f"/job-orders/{order_b}/matches", None),
        (emp_a.page, "GET", f"/api/v1/job-orders/{order_b}", emp_a.api_headers),
        (emp_a.page, "GET", f"/api/v1/job-orders/{order_b}/matches", emp_a.api_headers),
        (emp_a.page, "GET", f"/api/v1/employers/{employer_b}", emp_a.api_headers),
        (emp_a.page, "GET", f"/api/v1/workers/{nanle}", emp_a.api_headers),
        (trainer.page, "GET", f"/workers/{nanle}", None),
        (trainer.page, "GET", f"/api/v1/workers/{nanle}/personal-data", trainer.api_headers),
        (trainer.page, "GET", f"/api/v1/job-orders/{order_b}/matches", trainer.api_headers),
    ]
    before = snapshot(db_session)
    for client, method, url, headers in cases:
        resp = client.open(url, method=method, headers=headers or {}, data={"field": "id_number"})
        assert resp.status_code in (403, 404), (method, url, resp.status_code)
    assert changed_tables(before, snapshot(db_session)) == []


def test_an_employer_cannot_mark_an_unseen_worker_hired(db_session: Session, world: World) -> None:
    """Recording a hire on its own order does not let an employer reach workers it may not see."""
    from webapp.errors import ValidationError
    from webapp.services import placements
    from webapp.services.scope import Actor

    employer = Actor.of(world.users["employer_a"])
    private, missing = world.workers["nanle_private"], 2_000_000_000
    before = snapshot(db_session)
    messages = []
    for worker_id in (private.id, missing):
        with pytest.raises(ValidationError) as info:
            placements.record_placement(
                db_session, employer, {"worker_id": worker_id, "job_order_id": world.orders["a"].id}
            )
        messages.append(info.value.message)
    assert messages[0] == messages[1]  # a non-consenting worker looks exactly like a missing one
    assert changed_tables(before, snapshot(db_session)) == []
