"""Placement and follow-up pages: record a placement, see and record its visits, the overdue list, leaving."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import (
    PUYANG,
    QINGFENG,
    WUCUN,
    login,
    make_employer,
    make_job_order,
    make_user,
    make_worker,
)
from tests.webapp.page_html import field_errors, text
from webapp.models import Placement, User, Worker
from webapp.models.followups import FollowUp
from webapp.services import followups
from webapp.services.placements import record_placement
from webapp.services.scope import Actor


@pytest.fixture
def city_staff(db_session: Session) -> User:
    return make_user(db_session, role="staff", region_code=PUYANG)


@pytest.fixture
def coordinator(db_session: Session) -> User:
    return make_user(db_session, role="staff", region_code=WUCUN, display_name="吴村协管员")


def placed(db_session: Session, staff: User, start: date) -> Placement:
    worker = make_worker(db_session)
    return record_placement(
        db_session,
        Actor.of(staff),
        {
            "worker_id": worker.id,
            "route": "local_enterprise",
            "region_code": "410923",
            "start_date": start.isoformat(),
        },
    )


def test_recording_a_placement_by_id_number(
    client: FlaskClient, db_session: Session, city_staff: User, coordinator: User
) -> None:
    worker = make_worker(db_session, name="赵晓权")
    order = make_job_order(db_session, headcount=2)
    login(client, city_staff)
    assert client.get(f"/placements/new?worker_id={worker.id}").status_code == 200

    resp = client.post(
        "/placements/new",
        data={
            "worker": worker.id_number,
            "job_order_id": str(order.id),
            "route": "",
            "start_date": "2026-03-01",
        },
    )

    assert resp.status_code == 302, text(resp.get_data(as_text=True))
    placement = db_session.scalars(select(Placement)).one()
    assert resp.headers["Location"] == f"/placements/{placement.id}"
    page = text(client.get(resp.headers["Location"]).get_data(as_text=True))
    assert "已登记就业，并已安排跟踪回访" in page
    assert "上岗1周回访 2026-03-08 吴村协管员" in page and "上岗6个月回访 2026-09-01" in page


def test_placement_form_errors_are_shown_by_the_fields(
    client: FlaskClient, db_session: Session, city_staff: User
) -> None:
    login(client, city_staff)

    unknown = client.post("/placements/new", data={"worker": "410923199001011234"})
    assert unknown.status_code == 422
    assert field_errors(unknown.get_data(as_text=True), "worker") == [
        "未找到该人员（或不在您的管辖范围内），请核对编号或身份证号码"
    ]

    worker = make_worker(db_session)
    no_place = client.post("/placements/new", data={"worker": str(worker.id)})
    html = no_place.get_data(as_text=True)
    assert no_place.status_code == 422
    assert field_errors(html, "route") == ["必填（未关联岗位）"] and field_errors(html, "region_code")
    assert db_session.scalars(select(Placement)).first() is None


def test_the_coordinators_visits_reminder_and_outcome(
    client: FlaskClient, db_session: Session, city_staff: User, coordinator: User
) -> None:
    placement = placed(db_session, city_staff, date.today() - timedelta(days=9))
    followups.send_reminders(db_session)
    login(client, coordinator)

    page = client.get("/placements/follow-ups").get_data(as_text=True)

    assert "0 次回访即将到期，1 次已逾期" in text(page)
    week = db_session.scalars(select(FollowUp).where(FollowUp.visit_key == "week_1")).one()
    assert f'data-visit="{week.id}"' in page and "逾期未访" in text(page)
    form = client.get(f"/placements/follow-ups/{week.id}")
    assert form.status_code == 200 and 'id="left_reason"' in form.get_data(as_text=True)

    bad = client.post(
        f"/placements/follow-ups/{week.id}", data={"outcome": "left", "visited_on": date.today().isoformat()}
    )
    assert bad.status_code == 422
    assert field_errors(bad.get_data(as_text=True), "left_reason") == ["必填：请说明离职原因"]

    ok = client.post(
        f"/placements/follow-ups/{week.id}",
        data={"outcome": "left", "visited_on": date.today().isoformat(), "left_reason": "家中有事"},
    )
    assert ok.status_code == 302 and ok.headers["Location"] == f"/placements/{placement.id}"
    detail = text(client.get(ok.headers["Location"]).get_data(as_text=True))
    assert "已离岗" in detail and "已离职（家中有事）" in detail and "登记离职" not in detail
    db_session.expire_all()
    assert db_session.get(Worker, placement.worker_id).status == "seeking"


@pytest.mark.parametrize(
    ("tab", "shown"), [("overdue", 1), ("due_soon", 0), ("open", 4), ("done", 0), ("mine", 0)]
)
def test_visit_tabs(client: FlaskClient, db_session: Session, city_staff: User, tab: str, shown: int) -> None:
    placed(db_session, city_staff, date.today() - timedelta(days=9))  # no coordinator: nobody's "mine"
    login(client, city_staff)

    page = client.get(f"/placements/follow-ups?tab={tab}").get_data(as_text=True)

    assert page.count("data-visit=") == shown


def test_the_overdue_list_and_leaving_from_the_detail_page(
    client: FlaskClient, db_session: Session, city_staff: User, coordinator: User
) -> None:
    placement = placed(db_session, city_staff, date.today() - timedelta(days=40))
    login(client, city_staff)

    overdue = client.get("/placements/follow-ups/overdue").get_data(as_text=True)
    assert f'data-assignee="{coordinator.id}"' in overdue and "吴村协管员" in text(overdue)

    resp = client.post(f"/placements/{placement.id}", data={"ended_on": "", "reason": "合同到期"})
    assert resp.status_code == 302
    db_session.expire_all()
    assert db_session.get(Placement, placement.id).status == "left"
    assert set(db_session.scalars(select(FollowUp.status))) == {"cancelled"}
    listing = text(client.get("/placements/?status=left").get_data(as_text=True))
    assert "已离岗" in listing and "赵晓权" in listing


def test_pages_are_for_staff_in_scope(client: FlaskClient, db_session: Session, city_staff: User) -> None:
    placement = placed(db_session, city_staff, date.today())
    employer = make_user(
        db_session, role="employer", region_code=None, employer_id=make_employer(db_session).id
    )
    login(client, employer)
    assert client.get("/placements/").status_code == 403
    assert client.get("/placements/follow-ups").status_code == 403

    other = FlaskClient(client.application)
    login(other, make_user(db_session, role="staff", region_code=QINGFENG))
    assert other.get(f"/placements/{placement.id}").status_code == 404
    assert "赵晓权" not in other.get("/placements/").get_data(as_text=True)
