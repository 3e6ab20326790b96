"""/api/v1/placements and /api/v1/follow-ups: record, list, end; visits, outcomes, the overdue list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import QINGFENG, WUCUN, make_job_order, make_user, make_worker
from webapp.models import User

Headers = dict[str, str]


def test_record_a_placement_and_its_visits(
    client: FlaskClient, db_session: Session, staff_headers: Headers, conforms: Callable[[Any, str], None]
) -> None:
    coordinator = make_user(db_session, role="staff", region_code=WUCUN)
    worker = make_worker(db_session)
    order = make_job_order(db_session)

    resp = client.post(
        "/api/v1/placements",
        json={"worker_id": worker.id, "job_order_id": order.id, "start_date": "2026-03-01"},
        headers=staff_headers,
    )

    assert resp.status_code == 201
    body = resp.get_json()
    conforms(body, "Placement")
    assert resp.headers["Location"] == f"/api/v1/placements/{body['id']}"
    assert [(v["visit"], v["due_on"], v["assignee_id"]) for v in body["visits"]] == [
        ("week_1", "2026-03-08", coordinator.id),
        ("month_1", "2026-04-01", coordinator.id),
        ("month_3", "2026-06-01", coordinator.id),
        ("month_6", "2026-09-01", coordinator.id),
    ]
    listed = client.get(
        "/api/v1/placements?status=active&route=out_of_province", headers=staff_headers
    ).get_json()
    conforms(listed, "PlacementPage")
    assert listed["total"] == 1 and "visits" not in listed["items"][0]
    again = client.post(
        "/api/v1/placements", json={"worker_id": worker.id, "job_order_id": order.id}, headers=staff_headers
    )
    assert again.status_code == 409


def test_outcomes_and_the_overdue_list(
    client: FlaskClient,
    db_session: Session,
    staff_headers: Headers,
    headers: Callable[[User], Headers],
    conforms: Callable[[Any, str], None],
    refusal: Callable[[Any, int], dict[str, Any]],
) -> None:
    coordinator = make_user(db_session, role="staff", region_code=WUCUN)
    worker = make_worker(db_session)
    start = (date.today() - timedelta(days=10)).isoformat()
    placement = client.post(
        "/api/v1/placements",
        json={"worker_id": worker.id, "route": "flexible", "region_code": "410923", "start_date": start},
        headers=staff_headers,
    ).get_json()
    mine = headers(coordinator)

    overdue = client.get("/api/v1/follow-ups?state=overdue&mine=true", headers=mine).get_json()
    conforms(overdue, "FollowUpPage")
    visit = overdue["items"][0]
    assert (overdue["total"], visit["visit"], visit["state"]) == (1, "week_1", "overdue")
    loads = client.get("/api/v1/follow-ups/overdue", headers=staff_headers).get_json()
    conforms(loads, "CoordinatorLoads")
    assert (
        loads["coordinators"][0]["assignee_id"] == coordinator.id and loads["coordinators"][0]["overdue"] == 1
    )

    bad = client.post(f"/api/v1/follow-ups/{visit['id']}/outcome", json={"outcome": "left"}, headers=mine)
    assert set(refusal(bad, 422)["fields"]) == {"left_reason"}
    done = client.post(
        f"/api/v1/follow-ups/{visit['id']}/outcome",
        json={"outcome": "employed", "wage_now": 4800},
        headers=mine,
    )
    assert done.status_code == 200
    conforms(done.get_json(), "FollowUp")
    assert (done.get_json()["state"], done.get_json()["wage_now"]) == ("done", 4800)

    ended = client.post(
        f"/api/v1/placements/{placement['id']}/end", json={"reason": "回乡务农"}, headers=mine
    )
    conforms(ended.get_json(), "Placement")
    assert ended.get_json()["status"] == "left"
    assert [v["state"] for v in ended.get_json()["visits"]] == ["done", "cancelled", "cancelled", "cancelled"]
    assert client.get("/api/v1/workers/" + str(worker.id), headers=mine).get_json()["status"] == "seeking"


def test_scope_and_bad_queries(
    client: FlaskClient,
    db_session: Session,
    staff_headers: Headers,
    headers: Callable[[User], Headers],
    refusal: Callable[[Any, int], dict[str, Any]],
) -> None:
    worker = make_worker(db_session)
    placement = client.post(
        "/api/v1/placements",
        json={"worker_id": worker.id, "route": "flexible", "region_code": "410923"},
        headers=staff_headers,
    ).get_json()
    qingfeng = headers(make_user(db_session, role="staff", region_code=QINGFENG))

    refusal(client.get(f"/api/v1/placements/{placement['id']}", headers=qingfeng), 404)
    assert client.get("/api/v1/placements", headers=qingfeng).get_json()["total"] == 0
    assert set(
        refusal(client.get("/api/v1/follow-ups?state=late&colour=red", headers=staff_headers), 400)["fields"]
    ) == {
        "state",
        "colour",
    }
    assert (
        "from"
        in refusal(client.get("/api/v1/placements?from=2026-02-30", headers=staff_headers), 400)["fields"]
    )
    refusal(
        client.post("/api/v1/follow-ups/999/outcome", json={"outcome": "employed"}, headers=staff_headers),
        404,
    )
    refusal(client.get("/api/v1/follow-ups"), 401)
