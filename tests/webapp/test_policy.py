"""The policy registry (webapp/policy.py): role derivation, record rules (SQL and Python halves agree), refusals,
personal-data fields and the template globals."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, render_template_string
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import (
    NANLE,
    PUYANG,
    QINGFENG,
    WUCUN,
    login,
    make_employer,
    make_job_order,
    make_user,
    make_worker,
)
from webapp import policy
from webapp.errors import Forbidden, NotFound
from webapp.models import Employer, JobOrder, Worker
from webapp.services.scope import Actor


@pytest.mark.parametrize(
    ("role", "region", "expected"),
    [
        ("admin", None, "admin"),
        ("staff", "410000", "city_staff"),
        ("staff", PUYANG, "city_staff"),
        ("staff", QINGFENG, "county_staff"),
        ("staff", "410922100", "township_staff"),
        ("staff", "410922100001", "village_staff"),
        ("staff", None, "anonymous"),
        ("employer", None, "employer"),
        ("trainer", PUYANG, "trainer"),
        ("anonymous", None, "anonymous"),
        ("root", None, "anonymous"),
    ],
)
def test_role_is_derived_from_account_and_region_level(role: str, region: str | None, expected: str) -> None:
    assert policy.role_of(Actor(1, role, region)) == expected


def _actors(employer_id: int) -> dict[str, Actor]:
    return {
        "admin": Actor(1, "admin"),
        "city": Actor(2, "staff", PUYANG),
        "qingfeng": Actor(3, "staff", QINGFENG),
        "wucun_village": Actor(4, "staff", WUCUN),
        "employer": Actor(5, "employer", None, employer_id),
        "trainer": Actor(6, "trainer", PUYANG),
        "anonymous": Actor(None, "anonymous"),
    }


@pytest.fixture
def rows(db_session: Session) -> dict[str, Any]:
    nanle_co = make_employer(db_session, name="南乐政策测试公司", region_code=NANLE)
    qingfeng_co = make_employer(db_session, name="清丰政策测试公司", region_code=QINGFENG)
    return {
        "nanle_co": nanle_co,
        "qingfeng_co": qingfeng_co,
        "nanle_order": make_job_order(db_session, employer_id=nanle_co.id, title="南乐岗位"),
        "qingfeng_order": make_job_order(db_session, employer_id=qingfeng_co.id, title="清丰岗位"),
        "wucun_worker": make_worker(db_session, region_code=WUCUN, consent_to_share=True),
        "qingfeng_worker": make_worker(db_session, region_code="410922100001", consent_to_share=False),
    }


@pytest.mark.parametrize("model", [Worker, JobOrder, Employer])
@pytest.mark.parametrize("action", ["read", "update", "create"])
def test_list_filter_and_object_check_agree(
    db_session: Session, rows: dict[str, Any], model: type, action: str
) -> None:
    """The SQL half of every rule selects exactly the objects its Python half admits."""
    for name, actor in _actors(rows["nanle_co"].id).items():
        listed = set(db_session.scalars(select(model.id).where(policy.filter_for(actor, model, action))))
        every = db_session.scalars(select(model)).all()
        checked = {o.id for o in every if policy.can(actor, action, o)}
        assert listed == checked, (name, model.__name__, action)


def test_county_staff_reads_and_writes_only_their_county(rows: dict[str, Any]) -> None:
    county = Actor(3, "staff", QINGFENG)
    assert policy.can(county, "read", rows["qingfeng_worker"])
    assert not policy.can(county, "read", rows["wucun_worker"])
    assert policy.can(county, "update", rows["qingfeng_order"])
    assert policy.can(county, "read", rows["nanle_order"])  # the whole city's demand is visible to staff
    assert not policy.can(county, "update", rows["nanle_order"])
    assert not policy.can(county, "create", Employer(name="x", region_code=NANLE))
    assert policy.can(county, "create", Employer(name="x", region_code=QINGFENG))


def test_require_hides_unreadable_objects_and_refuses_readable_ones(rows: dict[str, Any]) -> None:
    county, employer = Actor(3, "staff", QINGFENG), Actor(5, "employer", None, rows["nanle_co"].id)
    with pytest.raises(NotFound):
        policy.require(county, "update", rows["wucun_worker"])
    with pytest.raises(NotFound):
        policy.require(county, "read", None)
    with pytest.raises(Forbidden) as info:
        policy.require(county, "update", rows["nanle_order"])
    assert info.value.message == "只有发布企业或本辖区人社部门工作人员可以修改该岗位"
    with pytest.raises(NotFound):
        policy.require(employer, "read", rows["qingfeng_order"])
    assert policy.require(employer, "update", rows["nanle_order"]) is rows["nanle_order"]
    with pytest.raises(Forbidden):
        policy.require(employer, "set_public_welfare", rows["nanle_order"])
    with pytest.raises(Forbidden):
        policy.require(Actor(6, "trainer", PUYANG), "create", Worker)


def test_personal_fields_are_decided_by_name(rows: dict[str, Any]) -> None:
    employer = Actor(5, "employer", None, rows["nanle_co"].id)
    city = Actor(2, "staff", PUYANG)
    shared, private = rows["wucun_worker"], rows["qingfeng_worker"]
    assert policy.visible_fields(city, shared) == frozenset(policy.PERSONAL_FIELDS)
    assert policy.visible_fields(employer, shared) == {"phone"}
    assert policy.visible_fields(employer, private) == frozenset()
    assert policy.visible_fields(Actor(3, "staff", QINGFENG), shared) == frozenset()
    with pytest.raises(KeyError):
        policy.sees(city, "shoe_size", shared)


def test_every_rule_names_known_roles_and_the_base_actions() -> None:
    with pytest.raises(ValueError, match="missing"):
        policy.REGISTRY.add(policy.ModelRules(Worker, "w2", {"read": {}}))
    with pytest.raises(ValueError, match="unknown roles"):
        policy.REGISTRY.add(
            policy.ModelRules(Worker, "w2", {a: {"staff": policy.ALWAYS} for a in policy.BASE_ACTIONS})
        )


def test_template_globals_ask_the_registry_for_the_logged_in_user(
    app: Flask, db_session: Session, rows: dict[str, Any]
) -> None:
    user = make_user(db_session, role="employer", region_code=None, employer_id=rows["nanle_co"].id)
    source = "{{ can('update', order) }} {{ can('create', 'worker') }} {{ can('create', 'job_order') }} {{ policy_role() }}"
    with app.test_request_context():
        anonymous = render_template_string(source, order=rows["nanle_order"])
    assert anonymous == "False False False anonymous"
    client = app.test_client()
    login(client, user)
    with client:
        client.get("/")
        shown = render_template_string(source, order=rows["nanle_order"])
        other = render_template_string("{{ can('read', order) }}", order=rows["qingfeng_order"])
    assert (shown, other) == ("True False True employer", "False")


def test_the_matching_index_partition_is_the_propose_rule(db_session: Session, rows: dict[str, Any]) -> None:
    """``proposal_scope`` (how the cached index is cut) offers exactly the workers the ``propose`` rule admits."""
    workers = db_session.scalars(select(Worker)).all()
    for name, actor in _actors(rows["nanle_co"].id).items():
        if name == "anonymous":
            with pytest.raises(Forbidden):
                policy.proposal_scope(actor)
            continue
        prefix, consenting_only = policy.proposal_scope(actor)
        cut = {
            w.id
            for w in workers
            if w.region_code.startswith(prefix) and (w.consent_to_share or not consenting_only)
        }
        assert cut == {w.id for w in workers if policy.can(actor, "propose", w)}, name
