"""确认出发 records a departure plan; placements start on the departure date (scheduler, exactly once) or when
staff record the actual departure; a batch cancelled before it leaves records no placement."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import make_job_order
from tests.webapp.services.test_cooperation import CITY, planned_agreement
from webapp.errors import Conflict, DomainError, ValidationError
from webapp.models import DispatchBatch, FollowUp, JobOrder, Placement, Worker
from webapp.scheduler import run_job
from webapp.services import cooperation
from webapp.services.placements import record_placement
from webapp.services.scope import Actor

NEXT_MONTH = date.today() + timedelta(days=30)


def new_batch(session: Session, agreement_id: int, departure: date = NEXT_MONTH) -> DispatchBatch:
    return cooperation.create_batch(
        session,
        CITY,
        agreement_id,
        {"name": "第一批", "departure_date": departure.isoformat(), "destination": "苏州"},
    )


def confirmed_batch(
    session: Session, departure: date = NEXT_MONTH
) -> tuple[DispatchBatch, JobOrder, list[Worker]]:
    ag, order, people = planned_agreement(session)
    batch = new_batch(session, ag.id, departure)
    cooperation.confirm_departure(session, CITY, batch.id)
    return batch, order, people


def placements(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Placement)) or 0


def test_confirming_a_batch_leaving_next_month_records_a_plan_not_placements(db_session: Session) -> None:
    batch, order, people = confirmed_batch(db_session)
    assert db_session.get(DispatchBatch, batch.id).status == "confirmed"
    assert placements(db_session) == 0
    assert db_session.scalar(select(func.count()).select_from(FollowUp)) == 0
    db_session.refresh(order)
    assert (order.filled, order.status) == (0, "open")
    assert {db_session.get(Worker, w.id).status for w in people} == {"seeking"}


def test_the_scheduler_starts_the_placements_on_the_departure_date_exactly_once(app: Flask) -> None:
    from webapp.extensions import db

    batch, order, _people = confirmed_batch(db.session)
    batch_id, order_id = batch.id, order.id
    db.session.remove()
    before = datetime.combine(NEXT_MONTH - timedelta(days=1), datetime.min.time()).replace(hour=5)
    assert run_job(app, "dispatch_departures", now=before) == {"batches": 0, "placements": 0, "not_placed": 0}
    assert placements(db.session) == 0
    on_the_day = datetime.combine(NEXT_MONTH, datetime.min.time()).replace(hour=5)
    assert run_job(app, "dispatch_departures", now=on_the_day)["placements"] == 3
    assert run_job(app, "dispatch_departures", now=on_the_day) is None  # the same tick: claimed already
    assert run_job(app, "dispatch_departures", now=on_the_day + timedelta(days=1))["placements"] == 0
    rows = db.session.scalars(select(Placement)).all()
    assert len(rows) == 3 and {p.start_date for p in rows} == {NEXT_MONTH}
    batch = db.session.get(DispatchBatch, batch_id)
    assert (batch.status, batch.departed_on) == ("departed", NEXT_MONTH)
    assert db.session.get(JobOrder, order_id).filled == 3


def test_staff_record_the_actual_departure_and_the_scheduler_then_does_nothing(db_session: Session) -> None:
    batch, _order, people = confirmed_batch(db_session)
    with pytest.raises(ValidationError) as err:
        cooperation.record_departure(db_session, CITY, batch.id, departed_on=NEXT_MONTH.isoformat())
    assert "不能晚于今天" in err.value.fields["departed_on"]
    assert placements(db_session) == 0
    cooperation.record_departure(db_session, CITY, batch.id)
    assert {p.start_date for p in db_session.scalars(select(Placement))} == {date.today()}
    assert cooperation.dispatch_departures(db_session, today=NEXT_MONTH) == {
        "batches": 0,
        "placements": 0,
        "not_placed": 0,
    }
    assert placements(db_session) == len(people)
    with pytest.raises(Conflict):
        cooperation.record_departure(db_session, CITY, batch.id)


def test_cancelling_before_departure_leaves_no_placement_and_frees_the_members(db_session: Session) -> None:
    batch, _order, people = confirmed_batch(db_session)
    with pytest.raises(ValidationError):
        cooperation.cancel_batch(db_session, CITY, batch.id, "  ")
    cooperation.cancel_batch(db_session, CITY, batch.id, "企业推迟开工")
    assert cooperation.dispatch_departures(db_session, today=NEXT_MONTH)["batches"] == 0
    assert placements(db_session) == 0
    assert db_session.get(DispatchBatch, batch.id).cancel_reason == "企业推迟开工"
    again = new_batch(db_session, batch.agreement_id)
    assert {m.worker_id for m in again.members} == {w.id for w in people}
    with pytest.raises(Conflict):
        cooperation.cancel_batch(db_session, CITY, batch.id, "再取消")


def test_a_departed_batch_cannot_be_cancelled(db_session: Session) -> None:
    batch, _order, _people = confirmed_batch(db_session)
    cooperation.dispatch_departures(db_session, today=NEXT_MONTH)
    with pytest.raises(Conflict):
        cooperation.cancel_batch(db_session, CITY, batch.id, "太晚了")
    assert placements(db_session) == 3


def test_a_member_placed_elsewhere_meanwhile_stays_home_with_the_reason(db_session: Session) -> None:
    batch, _order, people = confirmed_batch(db_session)
    other = make_job_order(db_session, region_code="410923")
    record_placement(db_session, CITY, {"worker_id": people[0].id, "job_order_id": other.id})
    counts = cooperation.dispatch_departures(db_session, today=NEXT_MONTH)
    assert counts == {"batches": 1, "placements": 2, "not_placed": 1}
    member = next(m for m in db_session.get(DispatchBatch, batch.id).members if m.worker_id == people[0].id)
    assert member.placement_id is None and "在岗" in member.not_placed_reason


def test_only_staff_of_the_sending_region_confirm(db_session: Session) -> None:
    ag, _order, _people = planned_agreement(db_session)
    batch = new_batch(db_session, ag.id)
    for outsider in (Actor(7, "staff", "411000"), Actor(8, "employer", None, employer_id=1)):
        with pytest.raises(DomainError) as err:
            cooperation.confirm_departure(db_session, outsider, batch.id)
        assert err.value.status in (403, 404)
    assert db_session.get(DispatchBatch, batch.id).status == "planned"


def test_the_summary_says_what_will_happen_before_it_happens(db_session: Session) -> None:
    ag, order, people = planned_agreement(db_session)
    batch = new_batch(db_session, ag.id)
    summary = cooperation.departure_summary(db_session, CITY, batch.id)
    assert (summary.members, summary.placements_now, summary.problems) == (3, False, [])
    assert [(o.id, n) for o, n in summary.posts] == [(order.id, 3)]
    assert db_session.get(DispatchBatch, batch.id).status == "planned"
    assert len(people) == 3
