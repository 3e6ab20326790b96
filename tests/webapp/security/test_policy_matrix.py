"""The policy matrix, built from the registry (``webapp/policy.py``) and the app's url map.

- Completeness: every ``db.Model`` has a registry entry, every endpoint of the url map is mapped to a
  (model, action) of the registry or is explicitly public, and every mapped action exists. A model or a route
  added without a rule fails here.
- The data layer: for every role × every model × every action (read — which is also the list filter —, create,
  update and each workflow action), the SQL half of the rule selects exactly the rows its Python half admits,
  over a city with rows in the models the services fill; and no role may change a row it may not read.
- Pages and API: every GET route is requested as every role (and every POST/PATCH route as every role the
  registry refuses); the answer must be the registry's: a role without the route's action is refused (403/404,
  401 or the login page for a visitor), and where the URL names an object of the route's model, the object check
  decides between an answer and a refusal.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import JIANGSU_SUZHOU, NANLE, PUYANG, QINGFENG, api_token, login, make_user
from tests.webapp.security.support import (
    QINGFENG_VILLAGE,
    World,
    arg_kind,
    changed_tables,
    fill,
    int_args,
    placeholder,
    routes,
    snapshot,
    urls_for,
)
from tests.webapp.training.training_builders import course_data
from webapp import policy
from webapp.extensions import db
from webapp.services import cooperation, fairs, placements, shortlists, signup, subsidies, training
from webapp.services.scope import Actor

#: One user per policy role (the world's users, plus township and village staff of 清丰县).
MATRIX_USERS = {
    "admin": "admin",
    "city_staff": "city_staff",
    "county_staff": "county_staff",
    "township_staff": "township_staff",
    "village_staff": "village_staff",
    "employer": "employer_a",
    "trainer": "trainer",
}
MISSING_ID = 2_000_000_000


@pytest.fixture
def city(db_session: Session, world: World) -> World:
    """The world of the attack tests, with a row in the models the services fill: a fair with its shortlists,
    a check-in and an outcome, a course with trainees, a budget line, a cooperation agreement with a candidate,
    a placement with its follow-ups, and a pending sign-up."""
    world.users["township_staff"] = make_user(
        db_session, role="staff", region_code="410922100", username="m_town"
    )
    world.users["village_staff"] = make_user(
        db_session, role="staff", region_code=QINGFENG_VILLAGE, username="m_village"
    )
    admin = Actor.of(world.users["admin"])
    shared, qingfeng = world.workers["nanle_shared"], world.workers["qingfeng"]
    fair = fairs.create_fair(
        db_session,
        admin,
        {
            "name": "矩阵测试招聘会",
            "kind": "spring_breeze",
            "date": (date.today() + timedelta(days=3)).isoformat(),
            "venue": "清丰县人力资源市场",
            "region_code": QINGFENG,
            "description": "",
        },
    )
    fairs.add_job_orders(db_session, admin, fair.id, {"job_order_ids": [o.id for o in world.orders.values()]})
    shortlists.build_shortlists(db_session, admin, fair.id)
    fairs.check_in(
        db_session, admin, fair.id, qingfeng.id, method="phone", today=fair.date
    )  # on the fair's day
    fairs.record_outcome(
        db_session, admin, fair.id, world.orders["a"].id, qingfeng.id, "interviewed", today=fair.date
    )
    trainer = Actor.of(world.users["trainer"])
    course = training.create_course(db_session, trainer, course_data())
    training.enrol(db_session, trainer, course.id, {shared.id: "manual"})
    subsidies.create_budget_line(
        db_session,
        admin,
        {"name": "矩阵测试科目", "year": date.today().year, "region_code": NANLE, "total": 9000},
    )
    agreement = cooperation.create_agreement(
        db_session,
        admin,
        {"name": "矩阵测试协作", "partner_region_code": JIANGSU_SUZHOU, "region_code": PUYANG},
    )
    cooperation.add_candidate(db_session, admin, agreement.id, shared.id)
    placements.record_placement(
        db_session,
        admin,
        {"worker_id": world.workers["nanle_private"].id, "job_order_id": world.orders["b"].id},
    )
    signup.submit_signup(
        db_session,
        {
            "name": "矩阵报名",
            "id_number": "410922199001010038",
            "phone": "13912345678",
            "region_code": QINGFENG_VILLAGE,
        },
        client="10.9.9.9",
        limit=1000,
    )
    return world


def _actors(world: World) -> dict[str, Actor]:
    out = {role: Actor.of(world.users[user]) for role, user in MATRIX_USERS.items()}
    out["anonymous"] = Actor(None, "anonymous")
    return out


# --- completeness -----------------------------------------------------------------------------------------------


def test_every_model_has_rules() -> None:
    models = {m.class_ for m in db.Model.registry.mappers}
    missing = sorted(m.__name__ for m in models if m not in policy.REGISTRY)
    assert missing == [], f"models without a policy rule (add them to webapp/policy.py): {missing}"


def test_every_route_is_mapped_to_a_rule_or_public(app: Flask) -> None:
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    unmapped = sorted(endpoints - set(policy.ROUTES))
    assert unmapped == [], f"routes without a (model, action) in policy.ROUTES: {unmapped}"
    assert sorted(set(policy.ROUTES) - endpoints) == [], "policy.ROUTES names routes that no longer exist"
    for endpoint, rule in policy.ROUTES.items():
        if rule is not policy.PUBLIC:
            key, action = rule
            assert action == "list" or action in policy.REGISTRY.of(key).actions, (endpoint, rule)


def test_the_roles_are_derived_for_every_matrix_user(city: World) -> None:
    assert {role: policy.role_of(a) for role, a in _actors(city).items()} == {r: r for r in policy.ROLES}


def matrix_cells() -> list[tuple[str, str]]:
    return [(rules.key, action) for rules in policy.REGISTRY for action in rules.action_names()]


def test_matrix_size() -> None:
    """roles × (model, action) pairs; the note of issue 12 quotes these figures."""
    cells = matrix_cells()
    models = len(list(policy.REGISTRY))
    assert len(policy.ROLES) == 8 and models >= 20 and len(cells) >= 3 * models


# --- the data layer ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [r.key for r in policy.REGISTRY if r.model is not None])
def test_sql_filter_and_object_check_agree_for_every_role_and_action(
    db_session: Session, city: World, key: str
) -> None:
    rules = policy.REGISTRY.of(key)
    model = rules.model
    assert model is not None
    rows = db_session.scalars(select(model)).all()
    pk = model.__mapper__.primary_key[0]
    problems = []
    for role, actor in _actors(city).items():
        for action in rules.action_names():
            listed = set(db_session.scalars(select(pk).where(policy.filter_for(actor, model, action))))
            checked = {getattr(o, pk.key) for o in rows if policy.can(actor, action, o)}
            if listed != checked:
                problems.append(f"{role} {action}: SQL {sorted(listed)} ≠ object check {sorted(checked)}")
            if action == "update":  # one never changes what one may not read
                beyond = {getattr(o, pk.key) for o in rows if policy.can(actor, action, o)} - {
                    getattr(o, pk.key) for o in rows if policy.can(actor, "read", o)
                }
                if beyond:
                    problems.append(f"{role} may {action} rows it may not read: {sorted(beyond)}")
    assert problems == [], "\n".join(problems)


def test_write_scope_equals_read_scope_for_regional_records(db_session: Session, city: World) -> None:
    """Issue 12 item 5, in the registry: staff change exactly the workers they read, and the employers and the
    employers' orders of their own region (the whole city's demand stays readable to every clerk)."""
    from webapp.models import Employer, JobOrder, Worker
    from webapp.services.scope import within

    for role, actor in _actors(city).items():
        if not policy.is_staff_role(policy.role_of(actor)):
            continue

        def mine(code: str, region: str | None = actor.region_code) -> bool:
            return region is None or within(code, region)

        def ids(model: Any, action: str, who: Actor = actor) -> set[int]:
            return set(db_session.scalars(select(model.id).where(policy.filter_for(who, model, action))))

        workers = {w.id for w in db_session.scalars(select(Worker)) if mine(w.region_code)}
        assert ids(Worker, "read") == ids(Worker, "update") == workers, role
        employers = {e.id for e in db_session.scalars(select(Employer)) if mine(e.region_code)}
        assert ids(Employer, "update") == employers, role
        orders = {o.id for o in db_session.scalars(select(JobOrder)) if mine(o.employer.region_code)}
        assert ids(JobOrder, "update") == orders, role


# --- pages and API ----------------------------------------------------------------------------------------------


def _clients(app: Flask, city: World) -> dict[str, tuple[Any, dict[str, str]]]:
    out: dict[str, tuple[Any, dict[str, str]]] = {}
    for role, user in MATRIX_USERS.items():
        page = app.test_client()
        login(page, city.users[user])
        out[role] = (page, api_token(app.test_client(), city.users[user]))
    out["anonymous"] = (app.test_client(), {})
    return out


def _refused(resp: Any, anonymous: bool) -> bool:
    if resp.status_code in (401, 403, 404):
        return True
    return anonymous and resp.status_code == 302 and "/auth/login" in resp.headers.get("Location", "")


#: URL arguments named otherwise than their model's registry key.
ARG_KEYS = {
    "order_id": "job_order",
    "batch_id": "dispatch_batch",
    "claim_id": "subsidy_claim",
    "visit_id": "follow_up",
    "entry_id": "shortlist_entry",
    "participant_id": "fair_participant",
    "request_id": "signup_request",
    "candidate_id": "cooperation_candidate",
}


def _primary(session: Session, rule: Any, values: dict[str, Any], key: str) -> Any:
    """The object of the route's own model that the URL names, if it names one ("missing" if it does not exist)."""
    model = policy.REGISTRY.of(key).model
    if model is None:
        return None
    for name in int_args(rule):
        if ARG_KEYS.get(name, name.removesuffix("_id")) == key or arg_kind(name) == model.__tablename__:
            return session.get(model, values[name]) or "missing"
    return None


def test_every_get_route_answers_as_the_registry_says(app: Flask, db_session: Session, city: World) -> None:
    actors, clients = _actors(city), _clients(app, city)
    known = {
        "worker": [*city.worker_ids(), MISSING_ID],
        "job_order": [o.id for o in city.orders.values()] + [MISSING_ID],
        "employer": [e.id for e in city.employers.values()] + [MISSING_ID],
    }
    before = snapshot(db_session)
    problems: list[str] = []
    checked = 0
    for rule in routes(app, "GET"):
        mapped = policy.ROUTES[rule.endpoint]
        if mapped is policy.PUBLIC:
            continue
        key, action = mapped
        api = rule.rule.startswith("/api/")
        for url, values in urls_for(db_session, rule, known):
            target = _primary(db_session, rule, values, key)
            for role, actor in actors.items():
                client, headers = clients[role]
                resp = client.get(url, headers=headers if api else {})
                checked += 1
                where = f"{role} GET {url} [{rule.endpoint} → {key}.{action}] → {resp.status_code}"
                if resp.status_code >= 500:
                    problems.append(f"{where}: server error")
                    continue
                refused = _refused(resp, role == "anonymous")
                if not policy.can(actor, action, key):
                    if not refused:
                        problems.append(f"{where}: the registry refuses {role}, the route answered")
                elif target == "missing":
                    if not refused:
                        problems.append(f"{where}: a missing object was answered")
                elif target is not None:
                    allowed = policy.can(actor, action, target)
                    if allowed and refused and resp.status_code != 404:
                        problems.append(f"{where}: the registry allows {role}, the route refused")
                    if not allowed and not refused:
                        problems.append(
                            f"{where}: the registry refuses {role} this object, the route answered"
                        )
                elif refused and resp.status_code in (401, 403):
                    problems.append(f"{where}: the registry allows {role}, the route refused")
    assert problems == [], "\n".join(problems)
    assert checked > 500
    assert changed_tables(before, snapshot(db_session)) == []


def test_every_write_route_refuses_the_roles_the_registry_refuses(
    app: Flask, db_session: Session, city: World
) -> None:
    actors, clients = _actors(city), _clients(app, city)
    before = snapshot(db_session)
    problems: list[str] = []
    for method in ("POST", "PATCH", "PUT", "DELETE"):
        for rule in routes(app, method):
            mapped = policy.ROUTES[rule.endpoint]
            if mapped is policy.PUBLIC or mapped == ("signup_request", "create"):
                continue
            key, action = mapped
            values = {n: (1 if n in int_args(rule) else placeholder(rule, n)) for n in rule.arguments}
            for name in int_args(rule):
                kind = arg_kind(name)
                if kind is not None:
                    table = db.metadata.tables[kind]
                    pk = list(table.primary_key.columns)[0]
                    values[name] = db_session.scalar(select(pk).order_by(pk).limit(1)) or 1
            url = fill(rule, values)
            for role, actor in actors.items():
                if policy.can(actor, action, key):
                    continue
                client, headers = clients[role]
                if rule.rule.startswith("/api/"):
                    resp = client.open(url, method=method, json={}, headers=headers)
                else:
                    resp = client.open(url, method=method, data={})
                if not _refused(resp, role == "anonymous") and resp.status_code not in (400, 405, 422):
                    problems.append(
                        f"{role} {method} {url} [{rule.endpoint} → {key}.{action}] → {resp.status_code}"
                    )
    assert problems == [], "\n".join(problems)
    assert changed_tables(before, snapshot(db_session)) == []
