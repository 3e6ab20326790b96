"""Issue 12, items 1, 5, 9 and 10: the attacks on who may see and change what, each refused by the policy registry.

Every test here failed on the code before the registry (commit ee94b20).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import JIANGSU_SUZHOU, NANLE, PUYANG, QINGFENG, make_employer, make_uscc, make_user
from tests.webapp.page_html import text as visible_text
from tests.webapp.security.support import QINGFENG_VILLAGE, As, World, body_text, changed_tables, snapshot
from tests.webapp.training.training_builders import course_data, trainer_user
from webapp.models import Employer, JobOrder, ShortlistEntry
from webapp.services import fairs, reference, shortlists, training
from webapp.services.scope import Actor

PRIORITY_REASON = "建档立卡优先"


def _order_body(employer_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "employer_id": employer_id,
        "title": "政策测试电焊工",
        "occupation": "电焊工",
        "headcount": 3,
        "wage_min": 5500,
        "wage_max": 7500,
        "region_code": JIANGSU_SUZHOU,
        "expires_on": (date.today() + timedelta(days=30)).isoformat(),
        "route": "out_of_province",
    }
    body.update(overrides)
    return body


@pytest.fixture
def fair_id(db_session: Session, world: World) -> int:
    """A city fair with both employers' orders, its shortlists built, and the worker who did not consent on
    employer A's list (staff lists hold everyone; employers must see only the consenting)."""
    admin = Actor.of(world.users["admin"])
    fair = fairs.create_fair(
        db_session,
        admin,
        {
            "name": "政策测试招聘会",
            "kind": "spring_breeze",
            "date": (date.today() + timedelta(days=3)).isoformat(),
            "venue": "濮阳市人力资源市场",
            "region_code": PUYANG,
            "description": "",
        },
    )
    fairs.add_job_orders(db_session, admin, fair.id, {"job_order_ids": [o.id for o in world.orders.values()]})
    shortlists.build_shortlists(db_session, admin, fair.id)
    order_a, private = world.orders["a"], world.workers["nanle_private"]
    listed = db_session.scalar(
        select(ShortlistEntry.id).where(
            ShortlistEntry.job_order_id == order_a.id, ShortlistEntry.worker_id == private.id
        )
    )
    if listed is None:
        shortlists.add_entry(db_session, admin, fair.id, order_a.id, private.id)
    return fair.id


def _score_without_priority(breakdown: dict[str, float]) -> float:
    weights = reference.scoring().weights
    shown = {k: v for k, v in breakdown.items() if k != "priority"}
    return sum(weights[k] * v for k, v in shown.items()) / sum(weights[k] for k in weights if k != "priority")


# --- item 1: employers never learn registered-poor or disabled status -----------------------------------------


def test_item1_fair_shortlist_page_shows_employers_no_priority_reason(
    db_session: Session, world: World, as_role: Any, fair_id: int
) -> None:
    entries = db_session.scalars(
        select(ShortlistEntry).where(ShortlistEntry.job_order_id == world.orders["a"].id)
    ).all()
    assert any(PRIORITY_REASON in (e.reasons or []) for e in entries)  # the engine did give it
    resp = as_role("employer_a").page.get(f"/fairs/{fair_id}/shortlists")
    assert resp.status_code == 200
    shown = visible_text(resp.get_data(as_text=True))
    assert world.workers["nanle_shared"].name in shown
    assert PRIORITY_REASON not in shown and "建档立卡" not in shown


def test_item1_scores_and_ranks_shown_to_employers_leave_priority_out(
    db_session: Session, world: World, as_role: Any, fair_id: int
) -> None:
    """The weights are public: a total including ``priority`` minus the visible components would betray it."""
    emp = as_role("employer_a")
    client = emp.page.application.test_client()
    matches = client.get(f"/api/v1/job-orders/{world.orders['a'].id}/matches", headers=emp.api_headers)
    rows = matches.get_json()["matches"]
    assert rows
    for m in rows:
        assert "priority" not in m["breakdown"]
        assert m["score"] == pytest.approx(_score_without_priority(m["breakdown"]), abs=1e-3)
    assert [m["rank"] for m in rows] == list(range(1, len(rows) + 1))
    assert [m["score"] for m in rows] == sorted((m["score"] for m in rows), reverse=True)
    lists = client.get(f"/api/v1/fairs/{fair_id}/shortlists", headers=emp.api_headers).get_json()
    workers = [(s["job_order_id"], w) for s in lists["shortlists"] for w in s["workers"]]
    assert workers
    for order_id, w in workers:
        entry = db_session.scalar(
            select(ShortlistEntry).where(
                ShortlistEntry.fair_id == fair_id,
                ShortlistEntry.job_order_id == order_id,
                ShortlistEntry.worker_id == w["worker_id"],
            )
        )
        assert entry is not None and entry.breakdown
        assert w["score"] == pytest.approx(_score_without_priority(entry.breakdown), abs=1e-4)
        assert PRIORITY_REASON not in w["reasons"]


def test_item1_only_staff_set_public_welfare(db_session: Session, world: World, as_role: Any) -> None:
    emp = as_role("employer_a")
    client = emp.page.application.test_client()
    before = db_session.scalar(select(func.count(JobOrder.id)))
    resp = client.post(
        "/api/v1/job-orders",
        json=_order_body(world.employers["a"].id, public_welfare=True),
        headers=emp.api_headers,
    )
    assert resp.status_code == 403 and "public_welfare" in resp.get_json()["error"]["fields"]
    assert db_session.scalar(select(func.count(JobOrder.id))) == before
    order = world.orders["a"]
    resp = client.patch(
        f"/api/v1/job-orders/{order.id}", json={"public_welfare": True}, headers=emp.api_headers
    )
    assert resp.status_code == 403
    db_session.expire_all()
    assert db_session.get(JobOrder, order.id).public_welfare is False  # type: ignore[union-attr]
    # the form does not offer the flag to an employer; an employer's order never becomes one, even by staff
    assert 'name="public_welfare"' not in emp.page.get(f"/job-orders/{order.id}/edit").get_data(as_text=True)
    city = as_role("city_staff")
    staff_api = city.page.application.test_client()
    resp = staff_api.patch(
        f"/api/v1/job-orders/{order.id}", json={"public_welfare": True}, headers=city.api_headers
    )
    assert resp.status_code == 403
    # staff set it on the post of a unit without an employer login (a public institution)
    unit = make_employer(db_session, name="濮阳市公益岗位单位", region_code=PUYANG)
    resp = staff_api.post(
        "/api/v1/job-orders", json=_order_body(unit.id, public_welfare=True), headers=city.api_headers
    )
    assert resp.status_code == 201 and resp.get_json()["public_welfare"] is True


# --- item 5: write scope equals read scope ----------------------------------------------------------------------


@pytest.fixture
def village(db_session: Session) -> Any:
    return make_user(db_session, role="staff", region_code=QINGFENG_VILLAGE, username="sec_qf_village")


def test_item5_county_and_village_staff_cannot_change_another_countys_order(
    app: Any, db_session: Session, world: World, as_role: Any, village: Any
) -> None:
    from tests.builders import api_token, login

    county = as_role("county_staff")
    village_page = app.test_client()
    login(village_page, village)
    village_api = api_token(app.test_client(), village)
    order_b = world.orders["b"]  # employer B is in 南乐县
    before = snapshot(db_session)
    for client, headers in ((county.page, county.api_headers), (village_page, village_api)):
        resp = client.patch(f"/api/v1/job-orders/{order_b.id}", json={"headcount": 1}, headers=headers)
        assert resp.status_code in (403, 404), resp.get_data(as_text=True)
        resp = client.post(f"/job-orders/{order_b.id}/edit", data={"title": "篡改", "headcount": "1"})
        assert resp.status_code in (403, 404)
        resp = client.post(
            "/api/v1/employers",
            json={"name": "越权登记公司", "uscc": make_uscc(), "region_code": NANLE},
            headers=headers,
        )
        assert resp.status_code == 403 and "region_code" in resp.get_json()["error"]["fields"]
        resp = client.post("/api/v1/job-orders", json=_order_body(world.employers["b"].id), headers=headers)
        assert resp.status_code == 403
    assert changed_tables(before, snapshot(db_session)) == []


def test_item5_an_order_is_not_handed_to_an_employer_outside_the_region(
    db_session: Session, world: World, as_role: Any
) -> None:
    county = as_role("county_staff")
    client = county.page.application.test_client()
    own = make_employer(db_session, name="清丰政策测试公司", region_code=QINGFENG)
    resp = client.post("/api/v1/job-orders", json=_order_body(own.id), headers=county.api_headers)
    assert resp.status_code == 201, resp.get_json()
    order_id = resp.get_json()["id"]
    resp = client.patch(
        f"/api/v1/job-orders/{order_id}",
        json={"employer_id": world.employers["b"].id},
        headers=county.api_headers,
    )
    assert resp.status_code == 403 and "employer_id" in resp.get_json()["error"]["fields"]
    db_session.expire_all()
    assert db_session.get(JobOrder, order_id).employer_id == own.id  # type: ignore[union-attr]
    # and the form offers only the employers of the region
    page = county.page.get("/job-orders/new").get_data(as_text=True)
    assert own.name in page and world.employers["b"].name not in page


# --- item 9: consent --------------------------------------------------------------------------------------------


def test_item9_sign_up_asks_consent_and_links_the_privacy_notice(
    client: FlaskClient, db_session: Session
) -> None:
    page = client.get("/board/signup").get_data(as_text=True)
    assert 'name="consent_to_share"' in page and 'href="/board/privacy"' in page
    notice = client.get("/board/privacy")
    assert notice.status_code == 200 and "个人信息保护说明" in notice.get_data(as_text=True)


def test_item9_booth_pages_show_employers_only_consenting_workers(
    db_session: Session, world: World, as_role: Any, fair_id: int
) -> None:
    private = world.workers["nanle_private"]
    resp = as_role("employer_a").page.get(f"/fairs/{fair_id}/booths/{world.orders['a'].id}")
    assert resp.status_code == 200
    shown = body_text(resp)
    assert private.name not in shown and private.phone not in shown
    assert world.workers["nanle_shared"].name in shown
    # staff covering the worker still see them at the booth
    assert private.name in body_text(
        as_role("city_staff").page.get(f"/fairs/{fair_id}/booths/{world.orders['a'].id}")
    )


# --- item 10: trainees of other counties, employers' contacts ---------------------------------------------------


def test_item10_county_staff_read_no_trainees_of_other_counties_on_course_pages(
    db_session: Session, world: World, as_role: Any
) -> None:
    trainer = trainer_user(db_session)
    course = training.create_course(db_session, Actor.of(trainer), course_data())
    nanle, qingfeng = world.workers["nanle_shared"], world.workers["qingfeng"]
    training.enrol(db_session, Actor.of(trainer), course.id, {nanle.id: "manual", qingfeng.id: "manual"})
    shown = body_text(as_role("county_staff").page.get(f"/training/courses/{course.id}"))
    assert qingfeng.name in shown
    assert nanle.name not in shown
    # the institution itself sees both of its trainees
    page = as_role("trainer").page  # another trainer account: not its course
    assert page.get(f"/training/courses/{course.id}").status_code == 404


def test_item10_trainers_do_not_read_employers_contacts_through_the_api(
    db_session: Session, world: World, as_role: Any
) -> None:
    who: As = as_role("trainer")
    client = who.page.application.test_client()
    items = client.get("/api/v1/employers", headers=who.api_headers).get_json()["items"]
    assert items and all(e["contact_phone"] == "" and e["contact_name"] == "" for e in items)
    one = client.get(f"/api/v1/employers/{world.employers['a'].id}", headers=who.api_headers).get_json()
    assert one["contact_phone"] == ""
    staff = as_role("city_staff")
    full = staff.page.application.test_client().get(
        f"/api/v1/employers/{world.employers['a'].id}", headers=staff.api_headers
    )
    assert full.get_json()["contact_phone"] == db_session.get(Employer, world.employers["a"].id).contact_phone  # type: ignore[union-attr]
