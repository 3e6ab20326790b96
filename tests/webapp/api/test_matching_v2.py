"""Matching v2 through the API: years of experience on the worker, an unclassified occupation on an order, and
the near misses (差证) next to the ranked matches."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import make_job_order, make_worker
from tests.webapp.api.test_workers import _body
from webapp.models import Employer, JobOrder


def test_experience_years_round_trip(client: FlaskClient, staff_headers: Any, conforms: Any) -> None:
    body = _body(experience_years=[{"occupation": "缝纫工", "years": 6}, {"occupation": "保洁"}])
    resp = client.post("/api/v1/workers", json=body, headers=staff_headers)
    assert resp.status_code == 201, resp.get_json()
    worker = resp.get_json()
    conforms(worker, "Worker")
    assert worker["experience_years"] == [
        {"occupation": "缝纫工", "years": 6},
        {"occupation": "保洁", "years": 0},
    ]
    patched = client.patch(
        f"/api/v1/workers/{worker['id']}",
        json={"experience_years": "电焊:3、车位工 2年"},
        headers=staff_headers,
    )
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["experience_years"] == [
        {"occupation": "电焊", "years": 3},
        {"occupation": "车位工", "years": 2},
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([{"occupation": "焊工", "years": 70}], "“焊工”的从业年限应在0到60年之间"),
        ([{"occupation": "焊工", "years": "五"}], "“焊工”的从业年限应为整数"),
        ([{"occupation": "焊工", "years": 1, "boss": "x"}], "每一项应为 {occupation: 工种, years: 年限}"),
        ("焊工:2、焊工:3", "“焊工”重复填写"),
    ],
)
def test_bad_experience_is_a_422_naming_the_field(
    client: FlaskClient, staff_headers: Any, refusal: Any, value: Any, message: str
) -> None:
    error = refusal(
        client.post("/api/v1/workers", json=_body(experience_years=value), headers=staff_headers), 422
    )
    assert error["fields"] == {"experience_years": message}


def test_an_unclassified_occupation_is_kept_as_typed(
    client: FlaskClient, staff_headers: Any, employer: Employer, conforms: Any
) -> None:
    body = {
        "employer_id": employer.id,
        "title": "民宿管家",
        "occupation": "民宿管家",
        "headcount": 2,
        "region_code": "410923",
    }
    resp = client.post("/api/v1/job-orders", json=body, headers=staff_headers)
    assert resp.status_code == 201, resp.get_json()
    order = resp.get_json()
    conforms(order, "JobOrder")
    assert (order["occupation"], order["occupation_name"]) == ("民宿管家", "民宿管家")
    typo = client.post("/api/v1/job-orders", json={**body, "occupation": "电汗工"}, headers=staff_headers)
    assert typo.get_json()["occupation_name"] == "焊工"  # a typo of a catalogue name is classified


def test_matches_and_near_misses(
    client: FlaskClient, db_session: Session, staff_headers: Any, conforms: Any
) -> None:
    order: JobOrder = make_job_order(db_session)  # welding in Suzhou: the law requires the welding card
    licensed = make_worker(
        db_session,
        name="赵晓权",
        certificates=["电焊证"],
        experience_years=[{"occupation": "电焊", "years": 8}],
    )
    unlicensed = make_worker(db_session, name="李留朝", certificates=[])
    resp = client.get(f"/api/v1/job-orders/{order.id}/matches", headers=staff_headers)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    conforms(body, "JobOrderMatches")
    assert [m["worker_id"] for m in body["matches"]] == [licensed.id]
    assert body["matches"][0]["reasons"][:2] == ["工种对口：焊工（从业8年）", "持有焊工证"]
    assert [(n["worker_id"], n["missing_certificates"]) for n in body["near_misses"]] == [
        (unlicensed.id, ["焊工证"])
    ]
    assert "缺少焊工证" in body["near_misses"][0]["reasons"]
