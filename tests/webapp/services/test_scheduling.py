"""Scheduler bookkeeping (one run per job and tick) and the expiry of job orders."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import make_job_order
from webapp.models import JobOrder, SchedulerRun
from webapp.services import scheduling

TICK = datetime(2026, 3, 1, 16, 10)


def test_a_tick_is_claimed_once(db_session: Session) -> None:
    first = scheduling.claim_run(db_session, "expire_job_orders", TICK)
    second = scheduling.claim_run(db_session, "expire_job_orders", TICK)
    other_job = scheduling.claim_run(db_session, "stats_snapshot", TICK)
    next_tick = scheduling.claim_run(db_session, "expire_job_orders", TICK + timedelta(days=1))

    assert first and other_job and next_tick and second is None
    assert db_session.scalar(select(func.count(SchedulerRun.id))) == 3


def test_finishing_records_counts_or_the_error(db_session: Session) -> None:
    ok = scheduling.claim_run(db_session, "a", TICK)
    failed = scheduling.claim_run(db_session, "b", TICK)
    assert ok and failed

    scheduling.finish_run(db_session, ok, counts={"expired": 3})
    scheduling.finish_run(db_session, failed, error="Traceback …\nRuntimeError: boom")

    runs = scheduling.last_runs(db_session)
    assert (runs["a"].counts, runs["a"].error, runs["a"].finished_at is not None) == (
        {"expired": 3},
        "",
        True,
    )
    assert runs["b"].error.endswith("boom") and runs["b"].counts == {}


def test_open_orders_past_their_date_expire(db_session: Session) -> None:
    past = make_job_order(db_session, expires_on=date(2026, 2, 28))
    today = make_job_order(db_session, expires_on=date(2026, 3, 1))
    filled = make_job_order(db_session, expires_on=date(2026, 2, 1), status="filled", filled=5)
    undated = make_job_order(db_session, expires_on=None)

    assert scheduling.expire_job_orders(db_session, today=date(2026, 3, 1)) == {"expired": 1}
    assert scheduling.expire_job_orders(db_session, today=date(2026, 3, 1)) == {"expired": 0}

    db_session.expire_all()
    states = {o.id: o.status for o in db_session.scalars(select(JobOrder))}
    assert states == {past.id: "expired", today.id: "open", filled.id: "filled", undated.id: "open"}
