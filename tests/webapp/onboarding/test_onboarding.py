"""Employer onboarding and job-order review: register, approve, log in, post, wait, appear on the board."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import NANLE, PUYANG, QINGFENG, make_employer, make_job_order, make_uscc, make_user
from webapp.errors import Conflict, Forbidden, ValidationError
from webapp.models import Employer, JobOrder, User
from webapp.models.onboarding import EmployerApplication
from webapp.services import job_orders, onboarding
from webapp.services.onboarding import name_key
from webapp.services.scope import Actor

PASSWORD = "amber kettle harbour ninety"


def registration(**overrides: Any) -> dict[str, Any]:
    values = {
        "name": "南乐县富民服装有限公司",
        "uscc": make_uscc(),
        "region_code": NANLE,
        "industry": "服装加工",
        "contact_name": "赵经理",
        "contact_phone": "13912345678",
        "address": "南乐县城关镇",
        "is_workshop": "y",
        "workshop_certificate": "豫扶车2019-031",
        "username": "fumin_hr",
        "password": PASSWORD,
        "confirm_password": PASSWORD,
    }
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("濮阳市华龙纺织有限公司", "濮阳市华龙纺织有限责任公司"),
        ("濮阳市 华龙（纺织）有限公司", "濮阳市华龙(纺织)有限公司"),
        ("濮阳市华龙纺织股份有限公司", "濮阳市华龙纺织"),
    ],
)
def test_names_that_differ_only_in_company_form_spaces_or_brackets_match(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_an_employer_registers_is_approved_logs_in_and_its_order_waits_for_review(
    app: Flask, db_session: Session, client: FlaskClient
) -> None:
    resp = client.post("/register/employer", data=registration())
    assert resp.status_code == 200 and "fumin_hr" in resp.get_data(as_text=True)
    application = db_session.scalar(select(EmployerApplication))
    assert application.status == "pending" and db_session.scalar(select(Employer)) is None
    # Not an account yet.
    assert client.post("/auth/login", data={"username": "fumin_hr", "password": PASSWORD}).status_code != 302

    county = make_user(db_session, role="staff", region_code=NANLE, password=PASSWORD)
    staff = app.test_client()
    staff.post("/auth/login", data={"username": county.username, "password": PASSWORD})
    queue = staff.get("/employer-applications/").get_data(as_text=True)
    assert "南乐县富民服装有限公司" in queue
    assert staff.post(f"/employer-applications/{application.id}/approve").status_code == 302
    employer = db_session.scalar(select(Employer))
    assert employer.is_workshop and employer.workshop_certificate == "豫扶车2019-031"
    account = db_session.scalar(select(User).where(User.username == "fumin_hr"))
    assert account.role == "employer" and account.employer_id == employer.id

    hr = app.test_client()
    assert hr.post("/auth/login", data={"username": "fumin_hr", "password": PASSWORD}).status_code == 302
    resp = hr.post(
        "/job-orders/new",
        data={
            "title": "缝纫工",
            "occupation": "缝纫工",
            "headcount": "5",
            "region_code": NANLE,
            "route": "",  # a workshop's order takes the workshop route by default
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    order = db_session.scalar(select(JobOrder))
    assert order.status == "pending" and order.route == "workshop"
    assert "缝纫工" not in client.get("/board/").get_data(as_text=True)
    assert client.get(f"/board/jobs/{order.id}").status_code == 404

    assert staff.post(f"/job-orders/{order.id}/approve").status_code == 302
    db_session.refresh(order)
    assert order.status == "open" and order.reviewed_by == county.id
    assert "缝纫工" in client.get("/board/").get_data(as_text=True)


def test_staff_return_an_order_with_a_reason_and_editing_resubmits_it(db_session: Session) -> None:
    employer = make_employer(db_session, region_code=NANLE)
    hr = Actor.of(make_user(db_session, role="employer", region_code=None, employer_id=employer.id))
    county = Actor.of(make_user(db_session, role="staff", region_code=NANLE))
    order = job_orders.create_job_order(
        db_session, hr, {"title": "包装工", "occupation": "包装工", "headcount": 2, "region_code": NANLE}
    )
    assert order.status == "pending"
    with pytest.raises(ValidationError) as err:
        job_orders.return_job_order(db_session, county, order.id, reason=" ")
    assert "reason" in err.value.fields
    job_orders.return_job_order(db_session, county, order.id, reason="工资低于最低工资标准")
    assert order.status == "returned" and order.review_note == "工资低于最低工资标准"
    with pytest.raises(ValidationError) as err:
        job_orders.update_job_order(db_session, hr, order.id, {"status": "open"})
    assert "status" in err.value.fields
    job_orders.update_job_order(db_session, hr, order.id, {"wage_min": 2500})
    assert order.status == "pending"


def test_only_reviewers_of_the_orders_region_approve_and_staff_orders_need_no_review(
    db_session: Session,
) -> None:
    employer = make_employer(db_session, region_code=NANLE)
    hr = Actor.of(make_user(db_session, role="employer", region_code=None, employer_id=employer.id))
    order = job_orders.create_job_order(
        db_session, hr, {"title": "包装工", "occupation": "包装工", "headcount": 2, "region_code": NANLE}
    )
    outsider = Actor.of(make_user(db_session, role="staff", region_code=QINGFENG))
    with pytest.raises(Forbidden) as err:
        job_orders.approve_job_order(db_session, outsider, order.id)
    assert "region_code" in err.value.fields
    assert db_session.get(JobOrder, order.id).status == "pending"
    county = Actor.of(make_user(db_session, role="staff", region_code=NANLE))
    staff_order = job_orders.create_job_order(
        db_session,
        county,
        {
            "employer_id": employer.id,
            "title": "缝纫工",
            "occupation": "缝纫工",
            "headcount": 3,
            "region_code": NANLE,
        },
    )
    assert staff_order.status == "open" and staff_order.reviewed_by == county.user_id


def test_a_region_configured_to_auto_approve_publishes_employer_orders_at_once(
    db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import config

    monkeypatch.setattr(config, "load_approval_settings", lambda: {"auto_approve_regions": [NANLE]})
    near = make_employer(db_session, region_code=NANLE)
    far = make_employer(db_session, region_code=QINGFENG)
    data = {"title": "包装工", "occupation": "包装工", "headcount": 2}
    near_hr = Actor.of(make_user(db_session, role="employer", region_code=None, employer_id=near.id))
    far_hr = Actor.of(make_user(db_session, role="employer", region_code=None, employer_id=far.id))
    assert job_orders.create_job_order(db_session, near_hr, {**data, "region_code": NANLE}).status == "open"
    assert (
        job_orders.create_job_order(db_session, far_hr, {**data, "region_code": QINGFENG}).status == "pending"
    )


def test_existing_orders_stay_approved(db_session: Session) -> None:
    order = make_job_order(db_session)
    assert (
        order.status == "open"
        and order in job_orders.list_job_orders(db_session, Actor(None, "admin"), status="open").items
    )


def test_a_duplicate_employer_is_flagged_by_uscc_and_by_name(
    db_session: Session, client: FlaskClient
) -> None:
    existing = make_employer(db_session, name="南乐县富民服装有限责任公司", region_code=NANLE)
    first = onboarding.register(db_session, registration())
    second = onboarding.register(
        db_session, registration(name="南乐县 富民服装（有限公司）", username="fumin2")
    )
    found = onboarding.duplicates(db_session, first)
    assert {(d.kind, d.id, d.reason) for d in found} == {
        ("employer", existing.id, "name"),
        ("application", second.id, "name"),
    }
    county = make_user(db_session, role="staff", region_code=NANLE)
    client.post("/auth/login", data={"username": county.username, "password": "correct horse battery"})
    page = client.get(f"/employer-applications/{first.id}").get_data(as_text=True)
    assert 'id="duplicates"' in page and "南乐县富民服装有限责任公司" in page
    # A second registration with a USCC already waiting is refused on its field.
    with pytest.raises(Conflict) as err:
        onboarding.register(db_session, registration(uscc=first.uscc, username="fumin3"))
    assert "uscc" in err.value.fields


def test_a_company_staff_registered_earlier_gets_its_account_on_the_same_record(db_session: Session) -> None:
    existing = make_employer(db_session, name="南乐县富民服装有限公司", region_code=NANLE)
    application = onboarding.register(db_session, registration(uscc=existing.uscc))
    assert [(d.kind, d.id, d.reason) for d in onboarding.duplicates(db_session, application)] == [
        ("employer", existing.id, "uscc")
    ]
    county = Actor.of(make_user(db_session, role="staff", region_code=NANLE))
    onboarding.approve(db_session, county, application.id)
    assert db_session.scalar(select(func.count()).select_from(Employer)) == 1
    account = db_session.scalar(select(User).where(User.username == "fumin_hr"))
    assert account.employer_id == existing.id and account.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"uscc": "91410900MA00000010"}, "uscc"),
        ({"uscc": "9141"}, "uscc"),
        ({"password": "12345678", "confirm_password": "12345678"}, "password"),
        ({"confirm_password": "something else"}, "confirm_password"),
        ({"workshop_certificate": ""}, "workshop_certificate"),
        ({"region_code": "999999"}, "region_code"),
        ({"username": "a"}, "username"),
        ({"contact_phone": ""}, "contact_phone"),
    ],
)
def test_bad_registrations_name_the_field_and_write_nothing(
    db_session: Session, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        onboarding.register(db_session, registration(**overrides))
    assert field in err.value.fields
    assert db_session.scalar(select(EmployerApplication)) is None


def test_staff_outside_the_region_cannot_approve_and_a_return_frees_the_uscc(db_session: Session) -> None:
    application = onboarding.register(db_session, registration())
    outsider = Actor.of(make_user(db_session, role="staff", region_code=QINGFENG))
    with pytest.raises(Exception) as err:
        onboarding.approve(db_session, outsider, application.id)
    assert err.value.status == 404  # type: ignore[attr-defined]
    city = Actor.of(make_user(db_session, role="staff", region_code=PUYANG))
    onboarding.return_application(db_session, city, application.id, reason="营业执照照片不清晰")
    assert application.status == "returned"
    again = onboarding.register(db_session, registration(uscc=application.uscc))
    assert again.status == "pending"


def test_an_employer_edits_its_details_and_a_new_name_waits_for_approval(db_session: Session) -> None:
    employer = make_employer(db_session, name="南乐县甲公司", region_code=NANLE)
    hr = Actor.of(make_user(db_session, role="employer", region_code=None, employer_id=employer.id))
    _, change = onboarding.update_own_employer(
        db_session, hr, employer.id, {"name": "南乐县乙公司", "contact_name": "钱经理", "industry": "食品"}
    )
    assert employer.contact_name == "钱经理" and employer.name == "南乐县甲公司"
    assert change is not None and change.kind == "change"
    other = make_employer(db_session, region_code=NANLE)
    with pytest.raises(Exception) as err:
        onboarding.update_own_employer(db_session, hr, other.id, {"contact_name": "x"})
    assert err.value.status == 404  # type: ignore[attr-defined]
    county = Actor.of(make_user(db_session, role="staff", region_code=NANLE))
    onboarding.approve(db_session, county, change.id)
    assert employer.name == "南乐县乙公司"


def test_the_registrant_reads_the_return_reason_with_their_password(
    db_session: Session, client: FlaskClient
) -> None:
    application = onboarding.register(db_session, registration())
    wrong = client.post(
        "/register/employer/status", data={"username": "fumin_hr", "password": "not it at all"}
    )
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.get_data(as_text=True)
    waiting = client.post("/register/employer/status", data={"username": "fumin_hr", "password": PASSWORD})
    assert "正在审核" in waiting.get_data(as_text=True)
    county = Actor.of(make_user(db_session, role="staff", region_code=NANLE))
    onboarding.return_application(db_session, county, application.id, reason="营业执照照片不清晰")
    returned = client.post("/register/employer/status", data={"username": "fumin_hr", "password": PASSWORD})
    assert "营业执照照片不清晰" in returned.get_data(as_text=True)


def test_the_dashboard_shows_reviewers_what_waits_in_their_region(
    db_session: Session, client: FlaskClient
) -> None:
    near = make_employer(db_session, region_code=NANLE)
    far = make_employer(db_session, region_code=QINGFENG)
    for employer in (near, far):
        make_job_order(
            db_session, employer_id=employer.id, region_code=employer.region_code, status="pending"
        )
    onboarding.register(db_session, registration())
    county = make_user(db_session, role="staff", region_code=NANLE)
    client.post("/auth/login", data={"username": county.username, "password": "correct horse battery"})
    page = client.get("/").get_data(as_text=True)
    assert 'data-queue="job_orders">1<' in page and 'data-queue="employer_applications">1<' in page
    assert onboarding.review_queue(
        db_session, Actor.of(make_user(db_session, role="admin", region_code=None))
    ) == {
        "job_orders": 2,
        "employer_applications": 1,
    }


def test_a_pending_order_stays_out_of_fairs_and_recommendations(app: Flask, db_session: Session) -> None:
    from tests.builders import api_token, make_worker

    employer = make_employer(db_session, region_code=NANLE)
    hr = Actor.of(make_user(db_session, role="employer", region_code=None, employer_id=employer.id))
    data = {"title": "电焊工", "occupation": "焊工", "headcount": 3, "region_code": NANLE, "skills": ["电焊"]}
    pending = job_orders.create_job_order(db_session, hr, data)
    worker = make_worker(db_session)
    api = app.test_client()
    headers = api_token(api, make_user(db_session, role="staff", region_code=PUYANG))

    recommended = api.get(f"/api/v1/workers/{worker.id}/recommendations", headers=headers).get_json()
    assert pending.id not in [r["job_order_id"] for r in recommended["job_orders"]]
    fair = api.post(
        "/api/v1/fairs",
        headers=headers,
        json={
            "name": "春风行动",
            "kind": "spring_breeze",
            "date": "2030-03-01",
            "venue": "南乐县体育馆",
            "region_code": NANLE,
        },
    )
    assert fair.status_code == 201, fair.get_json()
    refused = api.post(
        f"/api/v1/fairs/{fair.get_json()['id']}/job-orders",
        headers=headers,
        json={"job_order_ids": [pending.id]},
    )
    assert refused.status_code == 422 and "job_order_ids" in refused.get_json()["error"]["fields"]

    approved = api.post(f"/api/v1/job-orders/{pending.id}/approve", headers=headers)
    assert approved.status_code == 200 and approved.get_json()["status"] == "open"
    recommended = api.get(f"/api/v1/workers/{worker.id}/recommendations", headers=headers).get_json()
    assert pending.id in [r["job_order_id"] for r in recommended["job_orders"]]
    again = api.post(f"/api/v1/job-orders/{pending.id}/approve", headers=headers)
    assert again.status_code == 409 and "status" in again.get_json()["error"]["fields"]


def test_a_flood_of_registrations_from_one_address_is_refused_before_any_work(db_session: Session) -> None:
    from webapp.services.signup import RATE_LIMIT, TooManyRequests

    for n in range(RATE_LIMIT):
        onboarding.register(db_session, registration(username=f"flood{n}"), ip="203.0.113.9")
    with pytest.raises(TooManyRequests):
        onboarding.register(db_session, registration(username="flood_more"), ip="203.0.113.9")
    assert (
        onboarding.register(db_session, registration(username="elsewhere"), ip="198.51.100.7").status
        == "pending"
    )
    assert db_session.scalar(select(func.count()).select_from(EmployerApplication)) == RATE_LIMIT + 1
