"""The DESIGN.md API rows for fairs and shortlists, with their error shapes and scope."""

from __future__ import annotations

from datetime import date, timedelta

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import PUYANG, QINGFENG, api_token, make_employer, make_job_order, make_user, make_worker
from webapp.api.openapi import build_document

VILLAGE = "410922100001"


def fair_body(**over: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": "返乡创业招聘会",
        "kind": "returnee",
        "date": (date.today() + timedelta(days=8)).isoformat(),
        "venue": "濮阳市体育馆",
        "region_code": PUYANG,
    }
    body.update(over)
    return body


def test_fair_and_shortlist_rows(client: FlaskClient, db_session: Session) -> None:
    headers = api_token(client, make_user(db_session, role="staff", region_code=PUYANG))
    orders = [
        make_job_order(db_session, region_code=QINGFENG, title=f"焊工{i}", headcount=2) for i in range(2)
    ]
    workers = [make_worker(db_session, region_code=VILLAGE, name=f"人{i}") for i in range(5)]

    resp = client.post("/api/v1/fairs", json=fair_body(), headers=headers)
    assert resp.status_code == 201, resp.get_json()
    fair = resp.get_json()
    assert {"id", "name", "kind", "date", "venue", "region_code", "job_orders"} <= set(fair)
    assert resp.headers["Location"].endswith(f"/api/v1/fairs/{fair['id']}")

    resp = client.post(
        f"/api/v1/fairs/{fair['id']}/job-orders",
        json={"job_order_ids": [o.id for o in orders]},
        headers=headers,
    )
    assert resp.status_code == 200
    assert [o["job_order_id"] for o in resp.get_json()["job_orders"]] == [o.id for o in orders]
    assert len(client.get(f"/api/v1/fairs/{fair['id']}", headers=headers).get_json()["job_orders"]) == 2

    resp = client.post(
        f"/api/v1/fairs/{fair['id']}/shortlists",
        json={"per_order": 3, "max_invitations_per_worker": 1},
        headers=headers,
    )
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["fair_id"] == fair["id"]
    assert [s["job_order_id"] for s in body["shortlists"]] == [o.id for o in orders]
    listed = [w for s in body["shortlists"] for w in s["workers"]]
    assert len(listed) == 5 and len({w["worker_id"] for w in listed}) == 5  # one booth each, none left over
    assert all(set(w) == {"worker_id", "rank", "score", "reasons"} for w in listed)
    assert {w["worker_id"] for w in listed} == {w.id for w in workers}
    assert client.get(f"/api/v1/fairs/{fair['id']}/shortlists", headers=headers).get_json() == body
    assert (
        client.post(f"/api/v1/fairs/{fair['id']}/shortlists", headers=headers).status_code == 200
    )  # defaults


def test_errors_have_the_api_shape(client: FlaskClient, db_session: Session) -> None:
    headers = api_token(client, make_user(db_session, role="staff", region_code=QINGFENG))
    resp = client.post("/api/v1/fairs", json=fair_body(kind="party", date="someday"), headers=headers)
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == {"kind", "date"}
    assert client.post("/api/v1/fairs", json=fair_body(), headers=headers).status_code == 403  # city fair
    assert client.post("/api/v1/fairs", data="[]", headers=headers).status_code == 400
    assert client.get("/api/v1/fairs/1").status_code == 401
    assert client.get("/api/v1/fairs/424242", headers=headers).status_code == 404
    fair = client.post("/api/v1/fairs", json=fair_body(region_code=QINGFENG), headers=headers).get_json()
    bad = client.post(f"/api/v1/fairs/{fair['id']}/job-orders", json={"job_order_ids": []}, headers=headers)
    assert bad.status_code == 422 and "job_order_ids" in bad.get_json()["error"]["fields"]
    bad = client.post(f"/api/v1/fairs/{fair['id']}/shortlists", json={"per_order": -1}, headers=headers)
    assert bad.status_code == 422 and "per_order" in bad.get_json()["error"]["fields"]


def test_employers_see_their_own_lists_without_sensitive_reasons(
    client: FlaskClient, db_session: Session
) -> None:
    staff = api_token(client, make_user(db_session, role="staff", region_code=PUYANG))
    employer = make_employer(db_session)
    own = make_job_order(db_session, employer_id=employer.id, region_code=QINGFENG)
    other = make_job_order(db_session, region_code=QINGFENG)
    make_worker(db_session, region_code=VILLAGE, poverty_registered=True, consent_to_share=True)
    make_worker(db_session, region_code=VILLAGE, consent_to_share=False)
    fair = client.post("/api/v1/fairs", json=fair_body(), headers=staff).get_json()
    client.post(
        f"/api/v1/fairs/{fair['id']}/job-orders", json={"job_order_ids": [own.id, other.id]}, headers=staff
    )
    client.post(
        f"/api/v1/fairs/{fair['id']}/shortlists", json={"max_invitations_per_worker": 2}, headers=staff
    )
    boss = api_token(
        client, make_user(db_session, role="employer", region_code=None, employer_id=employer.id)
    )
    body = client.get(f"/api/v1/fairs/{fair['id']}/shortlists", headers=boss).get_json()
    assert [s["job_order_id"] for s in body["shortlists"]] == [own.id]
    (entry,) = body["shortlists"][0]["workers"]  # only the consenting worker
    assert not any("建档立卡" in r for r in entry["reasons"])
    assert client.post(f"/api/v1/fairs/{fair['id']}/shortlists", json={}, headers=boss).status_code == 403


def test_the_fair_paths_are_documented() -> None:
    paths = build_document(route_keys=("local_enterprise",))["paths"]
    assert set(paths["/api/v1/fairs/{fair_id}/shortlists"]) >= {"get", "post"}
    assert "post" in paths["/api/v1/fairs"] and "get" in paths["/api/v1/fairs/{fair_id}"]
