"""Statistics by region: registered-poor employment and training rates, children ranked, placements, snapshots."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import (
    NANLE,
    PUYANG,
    QINGFENG,
    WUCUN,
    make_job_order,
    make_user,
    make_worker,
    occupation_code,
)
from webapp.errors import Forbidden, NotFound
from webapp.models import Placement
from webapp.models.fairs import Fair, FairCheckIn, FairOutcome
from webapp.models.followups import StatsSnapshot
from webapp.models.training import Course, Enrolment, TrainingProvider
from webapp.services import stats
from webapp.services.placements import record_placement
from webapp.services.scope import Actor

TODAY = date(2026, 6, 30)
QF_VILLAGE = "410922100001"  # 清丰县城关镇东林楼


def staff(session: Session, region: str = PUYANG) -> Actor:
    return Actor.of(make_user(session, role="staff", region_code=region))


def complete_course(session: Session, worker_id: int, status: str = "completed") -> Enrolment:
    provider = TrainingProvider(name="南乐县职业培训学校", region_code=NANLE)
    session.add(provider)
    session.flush()
    course = Course(
        provider_id=provider.id,
        title="电焊工培训班",
        occupation_code=occupation_code("焊工"),
        venue_name="南乐县实训基地",
        region_code=NANLE,
        capacity=30,
        start_date=date(2026, 3, 1),
        end_date=date(2026, 3, 31),
    )
    session.add(course)
    session.flush()
    enrolment = Enrolment(course_id=course.id, worker_id=worker_id, status=status)
    session.add(enrolment)
    session.commit()
    return enrolment


@pytest.fixture
def city(db_session: Session) -> dict[str, object]:
    """南乐县: 4 registered-poor (2 employed, 1 trained, 1 trained by a course) and 1 not poor; 清丰县: 2 poor."""
    actor = staff(db_session)
    nanle = [make_worker(db_session, status="seeking") for _ in range(4)]
    make_worker(db_session, poverty_registered=False, status="employed")
    record_placement(
        db_session,
        actor,
        {
            "worker_id": nanle[0].id,
            "route": "out_of_province",
            "region_code": "320500",
            "start_date": "2026-03-01",
        },
    )
    nanle[1].status = "employed"  # found work without a recorded placement
    nanle[2].completed_training = ["电焊培训"]
    db_session.commit()
    complete_course(db_session, nanle[3].id)
    qingfeng = [make_worker(db_session, region_code=QF_VILLAGE, status="seeking") for _ in range(2)]
    record_placement(
        db_session,
        actor,
        {
            "worker_id": qingfeng[0].id,
            "route": "workshop",
            "region_code": QF_VILLAGE,
            "start_date": "2026-05-01",
        },
    )
    return {"actor": actor, "nanle": nanle, "qingfeng": qingfeng}


def test_the_city_sees_its_counties_ranked(db_session: Session, city: dict[str, object]) -> None:
    board = stats.dashboard(db_session, city["actor"], today=TODAY)  # type: ignore[arg-type]

    r = board.region
    assert (r.code, r.labour_force, r.employed, r.trained, r.employment_rate, r.training_rate) == (
        PUYANG,
        6,
        3,
        2,
        0.5,
        0.3333,
    )
    assert (board.level, board.child_level) == ("city", "county")
    ranked = [
        (c.code, c.rank, c.labour_force, c.employed, c.employment_rate)
        for c in board.children
        if c.labour_force
    ]
    assert ranked == [(NANLE, 1, 4, 2, 0.5), (QINGFENG, 2, 2, 1, 0.5)]
    assert {c.code for c in board.children} >= {"410902", "410926", "410927", "410928"}  # all counties shown
    assert (board.date_from, board.date_to) == (date(2026, 1, 1), TODAY)


def test_a_county_sees_its_townships(db_session: Session, city: dict[str, object]) -> None:
    board = stats.dashboard(db_session, staff(db_session, NANLE), today=TODAY)

    assert (board.region.code, board.child_level, board.region.labour_force) == (NANLE, "township", 4)
    yangcun = next(c for c in board.children if c.code == WUCUN[:9])
    assert (yangcun.rank, yangcun.labour_force, yangcun.trained, yangcun.training_rate) == (1, 4, 2, 0.5)
    with pytest.raises(NotFound):
        stats.dashboard(db_session, staff(db_session, NANLE), region_code=QINGFENG, today=TODAY)
    with pytest.raises(Forbidden):
        stats.dashboard(db_session, Actor(1, "employer", employer_id=1), today=TODAY)


def test_placements_by_route_and_destination_in_the_period(
    db_session: Session, city: dict[str, object]
) -> None:
    actor = city["actor"]
    board = stats.dashboard(db_session, actor, today=TODAY)  # type: ignore[arg-type]

    routes = {r["route"]: (r["placements"], r["registered_poor"]) for r in board.by_route}
    assert (
        routes["out_of_province"] == (1, 1) and routes["workshop"] == (1, 1) and routes["flexible"] == (0, 0)
    )
    places = {d["destination"]: d["placements"] for d in board.by_destination}
    assert places == {"local": 1, "in_province": 0, "out_of_province": 1}
    assert (board.placements_total, board.placements_poor) == (2, 2)

    spring = stats.dashboard(
        db_session, actor, date_from=date(2026, 4, 1), date_to=date(2026, 6, 1), today=TODAY
    )  # type: ignore[arg-type]
    assert spring.placements_total == 1


@pytest.mark.parametrize(
    ("home", "work", "expected"),
    [
        (WUCUN, "410923", "local"),
        (WUCUN, WUCUN[:9], "local"),
        (WUCUN, PUYANG, "in_province"),
        (WUCUN, "410100", "in_province"),
        (WUCUN, "310000", "out_of_province"),
    ],
)
def test_destination(home: str, work: str, expected: str) -> None:
    assert stats.destination(home, work) == expected


def test_unmet_demand_and_fairs(db_session: Session, city: dict[str, object]) -> None:
    make_job_order(db_session, headcount=10, filled=3)
    make_job_order(db_session, headcount=5, filled=0)
    make_job_order(db_session, occupation_code=occupation_code("保洁员"), headcount=2, filled=0)
    make_job_order(db_session, headcount=9, filled=0, status="closed")
    fair = Fair(
        name="春风行动", kind="spring_breeze", date=date(2026, 2, 20), region_code=NANLE, status="closed"
    )
    db_session.add_all([fair, Fair(name="计划中", kind="online", date=date(2026, 9, 1), region_code=PUYANG)])
    db_session.flush()
    worker = city["nanle"][0]  # type: ignore[index]
    order = make_job_order(db_session)
    db_session.add_all(
        [
            FairCheckIn(fair_id=fair.id, worker_id=worker.id, method="phone"),
            FairOutcome(fair_id=fair.id, job_order_id=order.id, worker_id=worker.id, outcome="hired"),
        ]
    )
    db_session.commit()

    board = stats.dashboard(db_session, city["actor"], date_to=date(2026, 12, 31), today=TODAY)  # type: ignore[arg-type]

    assert board.unmet_demand[0] == {
        "occupation": occupation_code("焊工"),
        "occupation_name": "焊工",
        "job_orders": 3,
        "open_posts": 17,
    }
    assert [d["open_posts"] for d in board.unmet_demand] == [17, 2]
    assert (board.fairs["held"], board.fairs["planned"], board.fairs["check_ins"], board.fairs["hired"]) == (
        1,
        1,
        1,
        1,
    )
    spring = next(k for k in board.fairs["by_kind"] if k["kind"] == "spring_breeze")
    assert (spring["name"], spring["held"], spring["hired"]) == ("春风行动", 1, 1)
    qingfeng = stats.dashboard(
        db_session, staff(db_session, QINGFENG), date_to=date(2026, 12, 31), today=TODAY
    )
    assert qingfeng.fairs["held"] == 0


def test_weekly_snapshots_feed_the_trend(db_session: Session, city: dict[str, object]) -> None:
    assert stats.take_snapshots(db_session, today=date(2026, 3, 2))["regions"] == len(
        stats.snapshot_regions()
    )
    nanle = city["nanle"]
    nanle[2].status = "employed"  # type: ignore[index]
    db_session.commit()
    stats.take_snapshots(db_session, today=date(2026, 3, 9))
    stats.take_snapshots(db_session, today=date(2026, 3, 9))  # again the same day: replaced, not doubled

    points = stats.trend(db_session, NANLE)

    assert [(p.taken_on, p.labour_force, p.employed, p.placements) for p in points] == [
        (date(2026, 3, 2), 4, 2, 1),
        (date(2026, 3, 9), 4, 3, 0),
    ]
    assert points[-1].employment_rate == 0.75
    assert len(
        db_session.scalars(select(StatsSnapshot).where(StatsSnapshot.taken_on == date(2026, 3, 9))).all()
    ) == len(stats.snapshot_regions())
    board = stats.dashboard(db_session, city["actor"], region_code=NANLE, today=TODAY)  # type: ignore[arg-type]
    assert [p.employed for p in board.trend] == [2, 3]


def test_a_placement_that_ended_no_longer_counts(db_session: Session, city: dict[str, object]) -> None:
    placement = db_session.scalars(select(Placement).order_by(Placement.id)).first()
    placement.status = "left"
    placement.worker.status = "seeking"
    db_session.commit()

    assert stats.dashboard(db_session, city["actor"], today=TODAY).region.employed == 2  # type: ignore[arg-type]


def test_empty_regions_have_no_rate(db_session: Session) -> None:
    board = stats.dashboard(db_session, staff(db_session, "410926"), today=TODAY)

    assert (board.region.labour_force, board.region.employment_rate, board.region.training_rate) == (
        0,
        None,
        None,
    )
    assert all(c.rank is None for c in board.children)
    assert board.to_dict()["region"]["employment_rate"] is None
