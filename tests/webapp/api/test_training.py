"""/api/v1/training-needs (DESIGN.md), courses and subsidy claims."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import NANLE, make_job_order, make_worker, occupation_code
from tests.webapp.training.training_builders import (
    actor,
    attend,
    certificate,
    ended_course,
    learner,
    trainer_user,
    welding_order,
)
from webapp.models import Placement, User
from webapp.services import subsidies, training

Headers = dict[str, str]
DESIGN_FIELDS = {"occupation", "region_code", "demand", "qualified_supply", "gap", "wished_by"}


def test_training_needs_as_design_says(
    client: FlaskClient,
    db_session: Session,
    headers: Callable[[User], Headers],
    city_staff: User,
    conforms: Callable[[Any, str], None],
) -> None:
    welding_order(db_session, headcount=2)
    make_job_order(
        db_session,
        title="南乐厨师",
        occupation_code=occupation_code("中式烹调师"),
        skills=[],
        certificates_required=[],
        headcount=6,
        region_code=NANLE,
    )
    make_worker(db_session, name="赵晓权")  # a qualified welder
    learner(db_session)

    resp = client.get("/api/v1/training-needs", headers=headers(city_staff))

    assert resp.status_code == 200
    body = resp.get_json()
    conforms(body, "TrainingNeeds")
    assert all(set(item) >= DESIGN_FIELDS for item in body)
    assert [item["gap"] for item in body] == sorted((item["gap"] for item in body), reverse=True)
    cook, welder = body
    assert (cook["occupation"], cook["region_code"], cook["demand"], cook["gap"]) == (
        occupation_code("中式烹调师"),
        NANLE,
        6,
        6,
    )
    assert (
        welder["demand"],
        welder["qualified_supply"],
        welder["gap"],
        welder["wished_by"],
        welder["near_miss"],
    ) == (2, 1, 1, 2, 1)

    only = client.get("/api/v1/training-needs?region_code=320000", headers=headers(city_staff)).get_json()
    assert [item["region_code"] for item in only] == ["320500"]
    welders = client.get("/api/v1/training-needs?occupation=电焊工", headers=headers(city_staff)).get_json()
    assert [item["occupation"] for item in welders] == [occupation_code("焊工")]


def test_training_needs_refusals(
    client: FlaskClient,
    headers: Callable[[User], Headers],
    city_staff: User,
    employer_user: User,
    refusal: Callable[[Any, int], dict[str, Any]],
) -> None:
    assert refusal(client.get("/api/v1/training-needs"), 401)["code"] == "unauthorized"
    bad = refusal(
        client.get(
            "/api/v1/training-needs?region_code=999&x=1&occupation=造火箭", headers=headers(city_staff)
        ),
        400,
    )
    assert set(bad["fields"]) == {"region_code", "x", "occupation"}
    assert (
        refusal(client.get("/api/v1/training-needs", headers=headers(employer_user)), 403)["code"]
        == "forbidden"
    )


def test_courses_and_claims(
    client: FlaskClient,
    db_session: Session,
    headers: Callable[[User], Headers],
    conforms: Callable[[Any, str], None],
    refusal: Callable[[Any, int], dict[str, Any]],
) -> None:
    trainer = trainer_user(db_session)
    order = welding_order(db_session)
    course = ended_course(db_session, trainer, [order], days=1, cost="1800")
    worker = learner(db_session)
    [row] = training.enrol(db_session, actor(trainer), course.id, {worker.id: "wished"})
    attend(db_session, trainer, course, [row.id], 1)
    training.record_result(db_session, actor(trainer), row.id, outcome="completed", **certificate("HG-1"))
    other = trainer_user(db_session, display_name="清丰县技工学校")

    page = client.get("/api/v1/courses?status=open", headers=headers(trainer)).get_json()
    conforms(page, "CoursePage")
    [item] = page["items"]
    assert (item["id"], item["job_order_ids"], item["completed"], item["certified"]) == (
        course.id,
        [order.id],
        1,
        1,
    )
    assert client.get("/api/v1/courses", headers=headers(other)).get_json()["total"] == 0
    refusal(client.get(f"/api/v1/courses/{course.id}", headers=headers(other)), 404)
    refusal(client.get("/api/v1/courses?status=sleeping", headers=headers(trainer)), 400)

    training.finish_course(db_session, actor(trainer), course.id)
    db_session.add(
        Placement(
            worker_id=worker.id,
            route="local_enterprise",
            region_code=NANLE,
            start_date=course.end_date,
            employer_name="南乐钢构",
        )
    )
    db_session.commit()
    claim = subsidies.submit_claim(db_session, actor(trainer), course.id)
    body = client.get(f"/api/v1/subsidy-claims/{claim.id}", headers=headers(trainer)).get_json()
    conforms(body, "SubsidyClaim")
    assert (body["amount"], body["trainees"], body["status"], body["worker_ids"]) == (
        1800,
        1,
        "submitted",
        [worker.id],
    )
    listed = client.get("/api/v1/subsidy-claims?status=submitted", headers=headers(trainer)).get_json()
    conforms(listed, "SubsidyClaimPage")
    assert listed["total"] == 1
    refusal(client.get(f"/api/v1/subsidy-claims/{claim.id}", headers=headers(other)), 404)
