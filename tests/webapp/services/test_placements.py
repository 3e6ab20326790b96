from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.builders import QINGFENG, make_job_order, make_user, make_worker
from webapp.errors import Conflict, NotFound, ValidationError
from webapp.models import Match, Placement
from webapp.services.placements import record_placement
from webapp.services.scope import Actor


def staff(db_session, region="410900"):
    return Actor.of(make_user(db_session, role="staff", region_code=region))


def test_placement_closes_search_and_counts_against_headcount(db_session):
    order = make_job_order(db_session, headcount=1)
    worker = make_worker(db_session)
    db_session.add(Match(job_order_id=order.id, worker_id=worker.id, score=0.9, rank=1))
    db_session.commit()

    placement = record_placement(
        db_session,
        staff(db_session),
        {"worker_id": worker.id, "job_order_id": order.id, "start_date": "2026-12-01"},
    )

    assert placement.route == order.route and placement.region_code == order.region_code
    assert placement.wage == order.wage_min and placement.start_date == date(2026, 12, 1)
    db_session.refresh(order)
    db_session.refresh(worker)
    assert (order.filled, order.status, worker.status) == (1, "filled", "employed")
    assert db_session.scalar(select(Match.state)) == "hired"


def test_full_order_is_refused_and_nothing_written(db_session):
    order = make_job_order(db_session, headcount=1)
    first, second = make_worker(db_session), make_worker(db_session)
    actor = staff(db_session)
    record_placement(db_session, actor, {"worker_id": first.id, "job_order_id": order.id})

    with pytest.raises(Conflict) as err:
        record_placement(db_session, actor, {"worker_id": second.id, "job_order_id": order.id})

    assert "job_order_id" in err.value.fields
    assert db_session.scalar(select(func.count(Placement.id))) == 1
    db_session.refresh(second)
    assert second.status == "seeking"


def test_worker_already_in_work_is_refused(db_session):
    worker = make_worker(db_session)
    actor = staff(db_session)
    record_placement(
        db_session, actor, {"worker_id": worker.id, "job_order_id": make_job_order(db_session).id}
    )
    order = make_job_order(db_session)

    with pytest.raises(Conflict):
        record_placement(db_session, actor, {"worker_id": worker.id, "job_order_id": order.id})

    db_session.refresh(order)
    assert order.filled == 0


def test_staff_of_another_county_cannot_place_the_worker(db_session):
    worker = make_worker(db_session)  # 南乐县
    with pytest.raises(NotFound):
        record_placement(
            db_session,
            staff(db_session, QINGFENG),
            {"worker_id": worker.id, "route": "flexible", "region_code": QINGFENG},
        )


def test_placement_without_an_order_needs_route_and_place(db_session):
    worker = make_worker(db_session)
    with pytest.raises(ValidationError) as err:
        record_placement(db_session, staff(db_session), {"worker_id": worker.id})
    assert set(err.value.fields) == {"route", "region_code"}

    placement = record_placement(
        db_session,
        staff(db_session),
        {
            "worker_id": worker.id,
            "route": "self_employment",
            "region_code": "410923201",
            "employer_name": "理发店",
        },
    )
    assert placement.employer_name == "理发店" and placement.job_order_id is None
