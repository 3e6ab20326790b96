"""Follow-up visits: scheduled with each placement, assigned to the village coordinator, outcomes update the worker."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import NANLE, PUYANG, QINGFENG, WUCUN, make_job_order, make_user, make_worker
from webapp.errors import Conflict, Forbidden, NotFound, ValidationError
from webapp.models import Placement, User
from webapp.models.followups import FollowUp, FollowUpReminder
from webapp.services import followups
from webapp.services.followups import Visit, add_months, due_date, schedule
from webapp.services.placements import record_placement
from webapp.services.scope import Actor

START = date(2026, 1, 31)
YANGCUN = WUCUN[:9]


def staff_user(session: Session, region: str = PUYANG, **kw: object) -> User:
    return make_user(session, role="staff", region_code=region, **kw)


def place(
    session: Session, actor: Actor, worker_id: int, order_id: int | None = None, start: date = START
) -> Placement:
    data: dict[str, object] = {"worker_id": worker_id, "start_date": start.isoformat()}
    if order_id is None:
        data.update(route="local_enterprise", region_code=NANLE)
    else:
        data["job_order_id"] = order_id
    return record_placement(session, actor, data)


def visits_of(session: Session, placement: Placement) -> list[FollowUp]:
    session.expire_all()
    return list(
        session.scalars(
            select(FollowUp).where(FollowUp.placement_id == placement.id).order_by(FollowUp.sequence)
        )
    )


def test_a_placement_schedules_the_visits_for_the_village_coordinator(db_session: Session) -> None:
    coordinator = staff_user(db_session, WUCUN)
    staff_user(db_session, YANGCUN)
    worker = make_worker(db_session)
    placement = place(db_session, Actor.of(staff_user(db_session)), worker.id)

    visits = visits_of(db_session, placement)

    assert [(v.visit_key, v.due_on, v.status) for v in visits] == [
        ("week_1", date(2026, 2, 7), "scheduled"),
        ("month_1", date(2026, 2, 28), "scheduled"),
        ("month_3", date(2026, 4, 30), "scheduled"),
        ("month_6", date(2026, 7, 31), "scheduled"),
    ]
    assert {v.assignee_id for v in visits} == {coordinator.id}


@pytest.mark.parametrize(
    ("accounts", "expected"),
    [
        ([WUCUN, YANGCUN, NANLE], WUCUN),
        ([YANGCUN, NANLE], YANGCUN),
        ([NANLE, PUYANG], NANLE),
        ([PUYANG], None),  # the city is not "near": the visit waits, unassigned, for a coordinator
        (["410923201002", "410923202"], None),  # another village and another township do not count
        ([], None),
    ],
)
def test_the_nearest_staff_up_the_tree_is_the_coordinator(
    db_session: Session, accounts: list[str], expected: str | None
) -> None:
    users = {code: staff_user(db_session, code) for code in accounts}
    staff_user(db_session, WUCUN, active=False)  # a disabled account is never assigned
    make_user(db_session, role="employer", region_code=WUCUN)  # nor a non-staff one

    found = followups.find_coordinators(db_session, [WUCUN])[WUCUN]

    assert found == (users[expected].id if expected else None)


def test_the_schedule_is_configurable(db_session: Session) -> None:
    worker = make_worker(db_session)
    placement = Placement(worker_id=worker.id, route="flexible", region_code=NANLE, start_date=START)
    db_session.add(placement)
    db_session.flush()

    rows = followups.schedule_visits(
        db_session,
        placement,
        worker,
        visits=[Visit("d10", "10天", "10 days", 10, "day"), Visit("y1", "1年", "1 year", 12, "month")],
    )

    assert [(r.visit_key, r.sequence, r.due_on) for r in rows] == [
        ("d10", 1, date(2026, 2, 10)),
        ("y1", 2, date(2027, 1, 31)),
    ]


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_due_dates_are_in_order_after_the_start(start: date) -> None:
    dues = [due_date(start, visit) for visit in schedule()]
    assert dues == sorted(set(dues))
    assert dues[0] == start + timedelta(days=7)
    assert all(add_months(start, 1) <= d for d in dues[1:])


def test_still_employed_keeps_the_worker_in_work(db_session: Session) -> None:
    actor = Actor.of(staff_user(db_session))
    worker = make_worker(db_session)
    placement = place(db_session, actor, worker.id)
    first = visits_of(db_session, placement)[0]

    followups.record_outcome(
        db_session,
        actor,
        first.id,
        {"outcome": "employed", "visited_on": "2026-02-08", "wage_now": "5200"},
        today=date(2026, 2, 9),
    )

    db_session.expire_all()
    visit = db_session.get(FollowUp, first.id)
    assert (visit.status, visit.outcome, visit.wage_now, visit.visited_on, visit.recorded_by) == (
        "done",
        "employed",
        5200,
        date(2026, 2, 8),
        actor.user_id,
    )
    assert visit.worker.status == "employed" and visit.placement.status == "active"
    with pytest.raises(Conflict):
        followups.record_outcome(db_session, actor, first.id, {"outcome": "employed"}, today=date(2026, 2, 9))


def test_a_worker_who_left_seeks_again_and_the_order_keeps_its_count(db_session: Session) -> None:
    actor = Actor.of(staff_user(db_session))
    order = make_job_order(db_session, headcount=1)
    worker = make_worker(db_session)
    placement = place(db_session, actor, worker.id, order.id)
    db_session.refresh(worker)
    before = worker.updated_at
    second = visits_of(db_session, placement)[1]

    followups.record_outcome(
        db_session,
        actor,
        second.id,
        {"outcome": "left", "visited_on": "2026-03-01", "left_on": "2026-02-20", "left_reason": "工资拖欠"},
        today=date(2026, 3, 2),
    )

    visits = visits_of(db_session, placement)
    assert [v.status for v in visits] == [
        "cancelled",
        "done",
        "cancelled",
        "cancelled",
    ]  # the overdue one too
    placement = db_session.get(Placement, placement.id)
    assert (placement.status, placement.ended_on, placement.end_reason) == (
        "left",
        date(2026, 2, 20),
        "工资拖欠",
    )
    assert placement.worker.status == "seeking" and placement.worker.updated_at > before
    db_session.refresh(order)
    assert (order.filled, order.status) == (1, "filled")  # the post was filled once
    with pytest.raises(Conflict):
        followups.record_outcome(
            db_session, actor, visits[0].id, {"outcome": "employed"}, today=date(2026, 3, 2)
        )
    assert place(db_session, actor, worker.id, start=date(2026, 4, 1)).status == "active"  # placed again


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"outcome": "moved"}, "outcome"),
        ({}, "outcome"),
        ({"outcome": "left"}, "left_reason"),
        ({"outcome": "employed", "visited_on": "2026-03-03"}, "visited_on"),
        ({"outcome": "employed", "visited_on": "2026-01-01"}, "visited_on"),
        ({"outcome": "employed", "wage_now": "-1"}, "wage_now"),
        (
            {"outcome": "left", "left_reason": "返乡", "left_on": "2026-03-02", "visited_on": "2026-03-01"},
            "left_on",
        ),
        ({"outcome": "employed", "colour": "red"}, "colour"),
    ],
)
def test_outcome_errors_name_the_field_and_write_nothing(
    db_session: Session, data: dict[str, str], field: str
) -> None:
    actor = Actor.of(staff_user(db_session))
    placement = place(db_session, actor, make_worker(db_session).id)
    visit = visits_of(db_session, placement)[0]

    with pytest.raises(ValidationError) as err:
        followups.record_outcome(db_session, actor, visit.id, data, today=date(2026, 3, 2))

    assert field in err.value.fields
    assert visits_of(db_session, placement)[0].status == "scheduled"


def test_visits_are_scoped_like_workers(db_session: Session) -> None:
    placement = place(db_session, Actor.of(staff_user(db_session)), make_worker(db_session).id)
    visit = visits_of(db_session, placement)[0]

    with pytest.raises(NotFound):
        followups.record_outcome(
            db_session, Actor.of(staff_user(db_session, QINGFENG)), visit.id, {"outcome": "employed"}
        )
    with pytest.raises(Forbidden):
        followups.get_visit(db_session, Actor(99, "employer", employer_id=1), visit.id)
    assert followups.list_visits(db_session, Actor.of(staff_user(db_session, QINGFENG))).total == 0
    assert followups.list_visits(db_session, Actor.of(staff_user(db_session, NANLE))).total == 4


def test_ending_a_placement_directly(db_session: Session) -> None:
    actor = Actor.of(staff_user(db_session))
    placement = place(db_session, actor, make_worker(db_session).id)

    with pytest.raises(ValidationError) as err:
        followups.end_placement(
            db_session, actor, placement.id, {"ended_on": "2025-12-01"}, today=date(2026, 3, 1)
        )
    assert set(err.value.fields) == {"ended_on", "reason"}

    followups.end_placement(
        db_session,
        actor,
        placement.id,
        {"ended_on": "2026-02-15", "reason": "回家照顾老人"},
        today=date(2026, 3, 1),
    )

    assert {v.status for v in visits_of(db_session, placement)} == {"cancelled"}
    assert db_session.get(Placement, placement.id).worker.status == "seeking"
    with pytest.raises(Conflict):
        followups.end_placement(db_session, actor, placement.id, {"reason": "再次"}, today=date(2026, 3, 1))


def test_reminders_once_a_day_and_late_assignment(db_session: Session) -> None:
    actor = Actor.of(staff_user(db_session))
    early = place(db_session, actor, make_worker(db_session).id, start=date(2026, 1, 1))  # no coordinator yet
    coordinator = staff_user(db_session, WUCUN)
    place(db_session, actor, make_worker(db_session).id, start=date(2026, 1, 20))

    counts = followups.send_reminders(db_session, today=date(2026, 1, 25))

    # early: week_1 (01-08) overdue, now assigned; late: week_1 (01-27) due within 3 days
    assert counts == {"reminders": 1, "visits": 2, "overdue": 1, "unassigned": 0, "assigned": 4}
    reminder = db_session.scalars(select(FollowUpReminder)).one()
    assert (reminder.user_id, reminder.sent_on, reminder.overdue, reminder.due_soon) == (
        coordinator.id,
        date(2026, 1, 25),
        1,
        1,
    )
    assert reminder.follow_up_ids[0] == visits_of(db_session, early)[0].id
    assert followups.send_reminders(db_session, today=date(2026, 1, 25))["reminders"] == 0
    assert followups.latest_reminder(db_session, coordinator.id).id == reminder.id
    assert (
        db_session.scalar(select(func.count(FollowUp.id)).where(FollowUp.reminded_on == date(2026, 1, 25)))
        == 2
    )


def test_the_overdue_list_per_coordinator(db_session: Session) -> None:
    actor = Actor.of(staff_user(db_session))
    wucun = staff_user(db_session, WUCUN, display_name="吴村协管员")
    qingfeng = staff_user(db_session, QINGFENG)
    for start in (date(2026, 1, 1), date(2026, 1, 5)):
        place(db_session, actor, make_worker(db_session).id, start=start)
    place(db_session, actor, make_worker(db_session, region_code="410922100001").id, start=date(2026, 1, 10))

    loads = followups.overdue_by_coordinator(db_session, actor, today=date(2026, 1, 16))

    assert [(c.assignee_id, c.name, c.overdue, c.due_soon, c.oldest_due) for c in loads] == [
        (wucun.id, "吴村协管员", 2, 0, date(2026, 1, 8)),
        (qingfeng.id, qingfeng.username, 0, 1, None),
    ]
    nanle_view = followups.overdue_by_coordinator(
        db_session, Actor.of(staff_user(db_session, NANLE)), today=date(2026, 1, 16)
    )
    assert [c.assignee_id for c in nanle_view] == [wucun.id]
    late = followups.list_visits(db_session, actor, state="overdue", today=date(2026, 1, 16))
    assert [v.due_on for v in late.items] == [date(2026, 1, 8), date(2026, 1, 12)]


def test_village_coordinator_accounts(db_session: Session) -> None:
    admin = Actor(None, "admin")
    existing = staff_user(db_session, WUCUN)

    created = followups.create_village_coordinators(db_session, admin, YANGCUN)

    villages = sorted(c.region_code for c in created)
    assert (
        villages and WUCUN not in villages and all(v.startswith(YANGCUN) and len(v) == 12 for v in villages)
    )
    users = {u.username: u for u in db_session.scalars(select(User).where(User.username.like("xgy%")))}
    assert set(users) == {c.username for c in created}
    assert len({c.password for c in created}) == len(created)  # one password each, never shared
    for c in created:
        assert len(c.password) >= 12 and users[c.username].check_password(c.password)
        assert users[c.username].must_change_password
    assert followups.create_village_coordinators(db_session, admin, YANGCUN) == []
    with pytest.raises(Forbidden):
        followups.create_village_coordinators(db_session, Actor.of(existing), YANGCUN)


def test_resolving_a_worker_by_number_or_id(db_session: Session) -> None:
    worker = make_worker(db_session)
    actor = Actor.of(staff_user(db_session, NANLE))

    assert followups.resolve_worker(db_session, actor, str(worker.id)) == worker.id
    assert followups.resolve_worker(db_session, actor, worker.id_number.lower()) == worker.id
    for text in ("", "99999", "not-an-id", "x" * 40):
        with pytest.raises(ValidationError) as err:
            followups.resolve_worker(db_session, actor, text)
        assert "worker" in err.value.fields
    with pytest.raises(ValidationError):
        followups.resolve_worker(db_session, Actor.of(staff_user(db_session, QINGFENG)), str(worker.id))
