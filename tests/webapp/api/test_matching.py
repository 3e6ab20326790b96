"""/api/v1/job-orders/{id}/matches and /api/v1/workers/{id}/recommendations, ranked by the matcher engine."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import NANLE, make_job_order, make_user, make_worker, occupation_code
from webapp.models import Employer, JobOrder, User, Worker

QINGFENG_TOWN = "410922100"


def _hairdresser(session: Session, **overrides: Any) -> Worker:
    values: dict[str, Any] = {
        "name": "钱美发",
        "skills": ["剪发", "烫发"],
        "certificates": ["美发师职业技能等级证书"],
        "desired_occupations": ["美发师"],
        "mobility": "national",
    }
    values.update(overrides)
    return make_worker(session, **values)


def _jiangsu_welding(session: Session, **overrides: Any) -> JobOrder:
    values: dict[str, Any] = {"title": "苏州船厂电焊工", "certificates_required": ["焊工证"]}
    values.update(overrides)
    return make_job_order(session, **values)


def test_certified_welder_ranks_above_hairdresser_and_county_bound_worker_is_absent(
    client: FlaskClient, db_session: Session, staff_headers: Any, conforms: Any
) -> None:
    order = _jiangsu_welding(db_session)
    hairdresser = _hairdresser(db_session)
    welder = make_worker(db_session, name="赵焊工")
    homebody = make_worker(db_session, name="孙不出县", mobility="county")

    resp = client.get(f"/api/v1/job-orders/{order.id}/matches", headers=staff_headers)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    conforms(body, "JobOrderMatches")
    assert body["job_order_id"] == order.id
    matches = body["matches"]
    ids = [m["worker_id"] for m in matches]
    assert ids[0] == welder.id
    if hairdresser.id in ids:
        assert ids.index(hairdresser.id) > 0
        assert matches[ids.index(hairdresser.id)]["score"] < matches[0]["score"]
    assert homebody.id not in ids
    assert [m["rank"] for m in matches] == list(range(1, len(matches) + 1))
    assert [m["score"] for m in matches] == sorted((m["score"] for m in matches), reverse=True)
    assert matches[0]["breakdown"] and all(0 <= v <= 1 for v in matches[0]["breakdown"].values())
    assert all(isinstance(r, str) and r for r in matches[0]["reasons"])
    text = resp.get_data(as_text=True)
    for worker in (welder, hairdresser, homebody):
        assert worker.id_number not in text and worker.phone not in text


def test_limit_cuts_the_list_best_first(client: FlaskClient, db_session: Session, staff_headers: Any) -> None:
    order = _jiangsu_welding(db_session)
    best = make_worker(db_session, name="持证焊工")
    make_worker(db_session, name="无证焊工", certificates=[])
    resp = client.get(
        f"/api/v1/job-orders/{order.id}/matches", query_string={"limit": 1}, headers=staff_headers
    )
    assert [m["worker_id"] for m in resp.get_json()["matches"]] == [best.id]


@pytest.mark.parametrize("limit", ["-1", "0", "abc", "2.5", "201", "1" * 30])
def test_bad_limit_is_400_naming_it(
    app: Flask, client: FlaskClient, db_session: Session, staff_headers: Any, refusal: Any, limit: str
) -> None:
    assert app.config["MATCH_LIMIT_MAX"] == 200
    order = _jiangsu_welding(db_session)
    worker = make_worker(db_session)
    for path in (f"/api/v1/job-orders/{order.id}/matches", f"/api/v1/workers/{worker.id}/recommendations"):
        error = refusal(client.get(path, query_string={"limit": limit}, headers=staff_headers), 400)
        assert set(error["fields"]) == {"limit"}, path


def test_staff_see_only_candidates_of_their_region(
    client: FlaskClient, db_session: Session, headers: Any, qingfeng_staff: User
) -> None:
    order = _jiangsu_welding(db_session)
    nanle_welder = make_worker(db_session, name="南乐焊工")
    qingfeng_welder = make_worker(db_session, name="清丰焊工", region_code=QINGFENG_TOWN)
    resp = client.get(f"/api/v1/job-orders/{order.id}/matches", headers=headers(qingfeng_staff))
    ids = [m["worker_id"] for m in resp.get_json()["matches"]]
    assert qingfeng_welder.id in ids and nanle_welder.id not in ids


def test_employer_sees_consenting_candidates_for_its_own_orders_only(
    client: FlaskClient,
    db_session: Session,
    headers: Any,
    employer_user: User,
    employer: Employer,
    staff_headers: Any,
    refusal: Any,
) -> None:
    own = _jiangsu_welding(db_session, employer_id=employer.id)
    foreign = _jiangsu_welding(db_session)
    consenting = make_worker(db_session, name="同意推荐")
    private = make_worker(db_session, name="不同意推荐", consent_to_share=False)
    auth = headers(employer_user)

    resp = client.get(f"/api/v1/job-orders/{own.id}/matches", headers=auth)
    assert resp.status_code == 200
    ids = [m["worker_id"] for m in resp.get_json()["matches"]]
    assert consenting.id in ids and private.id not in ids
    # the welder is registered-poor (builders' default): an employer must not learn it
    for m in resp.get_json()["matches"]:
        assert "priority" not in m["breakdown"]
        assert not any("建档立卡" in r or "贫困" in r for r in m["reasons"])
    staff_ids = [
        m["worker_id"]
        for m in client.get(f"/api/v1/job-orders/{own.id}/matches", headers=staff_headers).get_json()[
            "matches"
        ]
    ]
    assert private.id in staff_ids
    refusal(client.get(f"/api/v1/job-orders/{foreign.id}/matches", headers=auth), 404)
    refusal(client.get(f"/api/v1/workers/{consenting.id}/recommendations", headers=auth), 404)


def test_trainer_gets_no_matches(
    client: FlaskClient, db_session: Session, headers: Any, refusal: Any
) -> None:
    trainer = make_user(db_session, role="trainer", region_code=NANLE)
    order = _jiangsu_welding(db_session)
    make_worker(db_session)
    assert refusal(client.get(f"/api/v1/job-orders/{order.id}/matches", headers=headers(trainer)), 403)[
        "code"
    ] == ("forbidden")


def test_recommendations_put_the_fitting_order_first(
    client: FlaskClient, db_session: Session, staff_headers: Any, conforms: Any
) -> None:
    welding = _jiangsu_welding(db_session)
    hairdressing = make_job_order(
        db_session,
        title="南乐美发店发型师",
        occupation_code=occupation_code("美发师"),
        skills=["剪发"],
        certificates_required=[],
        region_code=NANLE,
        wage_min=3000,
        wage_max=4500,
        route="local_enterprise",
    )
    closed = _jiangsu_welding(db_session, status="closed")
    welder = make_worker(db_session)

    resp = client.get(f"/api/v1/workers/{welder.id}/recommendations", headers=staff_headers)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    conforms(body, "WorkerRecommendations")
    assert body["worker_id"] == welder.id
    ids = [r["job_order_id"] for r in body["job_orders"]]
    assert ids[0] == welding.id and closed.id not in ids
    if hairdressing.id in ids:
        assert ids.index(hairdressing.id) > 0
    assert [r["rank"] for r in body["job_orders"]] == list(range(1, len(ids) + 1))


def test_county_bound_worker_is_never_recommended_jiangsu(
    client: FlaskClient, db_session: Session, staff_headers: Any
) -> None:
    jiangsu = _jiangsu_welding(db_session)
    at_home = _jiangsu_welding(db_session, title="南乐本地焊工", region_code=NANLE, route="local_enterprise")
    homebody = make_worker(db_session, mobility="county")
    resp = client.get(f"/api/v1/workers/{homebody.id}/recommendations", headers=staff_headers)
    ids = [r["job_order_id"] for r in resp.get_json()["job_orders"]]
    assert jiangsu.id not in ids and ids[:1] == [at_home.id]


def test_matches_of_a_missing_order_or_worker_are_404(
    client: FlaskClient, staff_headers: Any, refusal: Any
) -> None:
    refusal(client.get("/api/v1/job-orders/987654/matches", headers=staff_headers), 404)
    refusal(client.get("/api/v1/workers/987654/recommendations", headers=staff_headers), 404)
