"""/api/v1/job-orders: post, read, edit and list employers' demand."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import (
    JIANGSU_SUZHOU,
    NANLE,
    PUYANG,
    make_employer,
    make_job_order,
    make_user,
    occupation_code,
)
from webapp.models import AuditLog, Employer, JobOrder, User


def _body(employer_id: int, /, **overrides: Any) -> dict[str, Any]:
    body = {
        "employer_id": employer_id,
        "title": "苏州电子厂电焊工",
        "occupation": "电焊工",
        "skills": ["氩弧焊", "看图纸"],
        "certificates_required": "焊工证",
        "headcount": 10,
        "wage_min": 5500,
        "wage_max": 7500,
        "region_code": JIANGSU_SUZHOU,
        "age_min": 18,
        "age_max": 50,
        "housing": True,
        "expires_on": (date.today() + timedelta(days=30)).isoformat(),
        "route": "out_of_province",
    }
    body.update(overrides)
    return body


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_staff_posts_reads_patches_and_lists(
    client: FlaskClient, staff_headers: Any, employer: Employer, conforms: Any
) -> None:
    resp = client.post("/api/v1/job-orders", json=_body(employer.id), headers=staff_headers)
    assert resp.status_code == 201, resp.get_json()
    order = resp.get_json()
    conforms(order, "JobOrder")
    assert order["occupation"] == occupation_code("焊工") and order["occupation_name"] == "焊工"
    assert order["status"] == "open" and order["filled"] == 0
    assert order["certificates_required"] == ["焊工证"]
    assert resp.headers["Location"].endswith(f"/api/v1/job-orders/{order['id']}")

    got = client.get(f"/api/v1/job-orders/{order['id']}", headers=staff_headers)
    assert got.status_code == 200 and got.get_json() == order

    patched = client.patch(
        f"/api/v1/job-orders/{order['id']}", json={"headcount": 12, "wage_max": 8000}, headers=staff_headers
    )
    assert patched.status_code == 200, patched.get_json()
    conforms(patched.get_json(), "JobOrder")
    assert (patched.get_json()["headcount"], patched.get_json()["wage_max"]) == (12, 8000)
    assert (
        client.get(f"/api/v1/job-orders/{order['id']}", headers=staff_headers).get_json()["headcount"] == 12
    )

    listing = client.get("/api/v1/job-orders", headers=staff_headers).get_json()
    conforms(listing, "JobOrderPage")
    assert [o["id"] for o in listing["items"]] == [order["id"]]


def test_employer_posts_for_itself_only(
    client: FlaskClient, db_session: Session, headers: Any, employer_user: User, employer: Employer
) -> None:
    other = make_employer(db_session)
    resp = client.post("/api/v1/job-orders", json=_body(other.id), headers=headers(employer_user))
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["employer_id"] == employer.id


def test_employer_sees_and_edits_only_its_own_orders(
    client: FlaskClient,
    db_session: Session,
    headers: Any,
    employer_user: User,
    employer: Employer,
    refusal: Any,
) -> None:
    own = make_job_order(db_session, employer_id=employer.id, title="本厂焊工")
    foreign = make_job_order(db_session, title="别家焊工", headcount=5)
    auth = headers(employer_user)

    listing = client.get("/api/v1/job-orders", headers=auth).get_json()
    assert [o["id"] for o in listing["items"]] == [own.id] and listing["total"] == 1
    assert client.get(f"/api/v1/job-orders/{own.id}", headers=auth).status_code == 200
    assert refusal(client.get(f"/api/v1/job-orders/{foreign.id}", headers=auth), 404)["code"] == "not_found"
    # filtering by another employer does not widen the scope
    listing = client.get(
        "/api/v1/job-orders", query_string={"employer_id": foreign.employer_id}, headers=auth
    )
    assert listing.get_json()["items"] == []

    refusal(client.patch(f"/api/v1/job-orders/{foreign.id}", json={"headcount": 1}, headers=auth), 404)
    db_session.expire_all()
    assert db_session.get(JobOrder, foreign.id).headcount == 5  # type: ignore[union-attr]
    refusal(client.get(f"/api/v1/job-orders/{foreign.id}/matches", headers=auth), 404)

    resp = client.patch(
        f"/api/v1/job-orders/{own.id}", json={"employer_id": foreign.employer_id}, headers=auth
    )
    assert refusal(resp, 403)["code"] == "forbidden"
    ok = client.patch(f"/api/v1/job-orders/{own.id}", json={"title": "本厂氩弧焊工"}, headers=auth)
    assert ok.status_code == 200 and ok.get_json()["title"] == "本厂氩弧焊工"


def test_trainer_may_read_but_not_edit(
    client: FlaskClient, db_session: Session, headers: Any, refusal: Any
) -> None:
    trainer = make_user(db_session, role="trainer", region_code=PUYANG)
    order = make_job_order(db_session)
    auth = headers(trainer)
    assert client.get(f"/api/v1/job-orders/{order.id}", headers=auth).status_code == 200
    refusal(client.patch(f"/api/v1/job-orders/{order.id}", json={"headcount": 1}, headers=auth), 403)
    refusal(client.post("/api/v1/job-orders", json=_body(order.employer_id), headers=auth), 403)


def test_list_filters(client: FlaskClient, db_session: Session, staff_headers: Any) -> None:
    employer = make_employer(db_session)
    welding = make_job_order(db_session, employer_id=employer.id, title="苏州焊工")
    local = make_job_order(
        db_session,
        title="南乐美发助理",
        occupation_code=occupation_code("美发师"),
        region_code=NANLE,
        route="local_enterprise",
    )
    closed = make_job_order(db_session, title="已关闭焊工", status="closed")

    def ids(**query: Any) -> list[int]:
        resp = client.get("/api/v1/job-orders", query_string=query, headers=staff_headers)
        assert resp.status_code == 200, resp.get_json()
        return [o["id"] for o in resp.get_json()["items"]]

    assert ids() == [closed.id, local.id, welding.id]  # newest first
    assert ids(status="open") == [local.id, welding.id]
    assert ids(region_code="410900") == [local.id]
    assert ids(region_code="320000") == [closed.id, welding.id]
    assert ids(occupation="理发师") == [local.id]  # a synonym
    assert ids(occupation=occupation_code("焊工"), status="closed") == [closed.id]
    assert ids(employer_id=employer.id) == [welding.id]
    assert ids(q="美发") == [local.id]
    assert ids(per_page=1, page=2) == [local.id]
    assert ids(page=9) == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"occupation": ""}, "occupation"),
        ({"headcount": 0}, "headcount"),
        ({"headcount": "十"}, "headcount"),
        ({"headcount": 2.5}, "headcount"),
        ({"headcount": True}, "headcount"),
        ({"wage_min": 9000, "wage_max": 5000}, "wage_max"),
        ({"wage_min": -1}, "wage_min"),
        ({"age_min": 12}, "age_min"),
        ({"age_min": 50, "age_max": 30}, "age_max"),
        ({"expires_on": "2001-01-01"}, "expires_on"),
        ({"expires_on": "2026-02-30"}, "expires_on"),
        ({"expires_on": 20260101}, "expires_on"),
        ({"route": "teleport"}, "route"),
        ({"status": "paused"}, "status"),
        ({"region_code": "000000"}, "region_code"),
        ({"skills": [1, 2]}, "skills"),
        ({"skills": {"a": 1}}, "skills"),
        ({"title": None}, "title"),
        ({"employer_id": 2147483647}, "employer_id"),
        ({"employer_id": 10**30}, "employer_id"),
        ({"employer_id": "abc"}, "employer_id"),
        ({"salary": 5000}, "salary"),
    ],
)
def test_bad_fields_are_422_and_nothing_is_written(
    client: FlaskClient,
    db_session: Session,
    staff_headers: Any,
    employer: Employer,
    refusal: Any,
    overrides: dict[str, Any],
    field: str,
) -> None:
    before = (_count(db_session, JobOrder), _count(db_session, AuditLog))
    resp = client.post("/api/v1/job-orders", json=_body(employer.id, **overrides), headers=staff_headers)
    error = refusal(resp, 422)
    assert error["code"] == "validation_error" and field in error["fields"], error
    assert (_count(db_session, JobOrder), _count(db_session, AuditLog)) == before


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"headcount": 1}, "headcount"),  # below the 3 already filled
        ({"wage_min": 9000}, "wage_max"),  # above the stored wage_max
        ({"occupation": "   "}, "occupation"),
        ({"filled": 4}, "filled"),
        ({"id": 7}, "id"),
    ],
)
def test_bad_patches_are_422_and_change_nothing(
    client: FlaskClient,
    db_session: Session,
    staff_headers: Any,
    refusal: Any,
    patch: dict[str, Any],
    field: str,
) -> None:
    order = make_job_order(db_session, headcount=5, filled=3, wage_min=5000, wage_max=7000)
    resp = client.patch(f"/api/v1/job-orders/{order.id}", json=patch, headers=staff_headers)
    assert field in refusal(resp, 422)["fields"]
    db_session.expire_all()
    fresh = db_session.get(JobOrder, order.id)
    assert fresh is not None and (fresh.headcount, fresh.wage_min, fresh.occupation_code) == (
        5,
        5000,
        occupation_code("焊工"),
    )


@pytest.mark.parametrize("raw", [b"{'title': 1}", b"[{}]", b"true"], ids=["single-quotes", "array", "bool"])
def test_patch_body_that_is_not_an_object_is_400(
    client: FlaskClient, db_session: Session, staff_headers: Any, refusal: Any, raw: bytes
) -> None:
    order = make_job_order(db_session)
    resp = client.patch(
        f"/api/v1/job-orders/{order.id}", data=raw, content_type="application/json", headers=staff_headers
    )
    assert refusal(resp, 400)["code"] == "bad_request"


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ({"page": "abc"}, "page"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "500"}, "per_page"),
        ({"status": "paused"}, "status"),
        ({"employer_id": "x"}, "employer_id"),
        ({"employer_id": "99999999999999999999"}, "employer_id"),
        ({"region_code": "12"}, "region_code"),
        ({"stauts": "open"}, "stauts"),
    ],
)
def test_bad_query_parameters_are_400_naming_them(
    client: FlaskClient, staff_headers: Any, refusal: Any, query: dict[str, str], param: str
) -> None:
    error = refusal(client.get("/api/v1/job-orders", query_string=query, headers=staff_headers), 400)
    assert param in error["fields"]


def test_missing_order_is_404(client: FlaskClient, staff_headers: Any, refusal: Any) -> None:
    refusal(client.get("/api/v1/job-orders/424242", headers=staff_headers), 404)
    refusal(client.patch("/api/v1/job-orders/424242", json={"headcount": 2}, headers=staff_headers), 404)
