"""``liudan scheduler``: the job registry, one run per tick, failures recorded, and six months of follow-ups."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from apscheduler.triggers.cron import CronTrigger
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import NANLE, PUYANG, WUCUN, make_job_order, make_user, make_worker
from webapp import scheduler
from webapp.models import SchedulerRun
from webapp.models.followups import FollowUp, FollowUpReminder
from webapp.services import followups, stats
from webapp.services.placements import record_placement
from webapp.services.scope import Actor

TZ = scheduler.TIMEZONE


def test_the_registry_names_the_jobs_of_the_issue() -> None:
    assert {"expire_job_orders", "rerank", "followup_reminders", "stats_snapshot"} <= set(scheduler.JOBS)
    for name, (trigger, func_) in scheduler.JOBS.items():
        assert isinstance(trigger, CronTrigger), name
        assert callable(func_), name


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 3, 2, 7, 30, 0, tzinfo=TZ), datetime(2026, 3, 2, 7, 30, tzinfo=TZ)),
        (datetime(2026, 3, 2, 7, 30, 41, tzinfo=TZ), datetime(2026, 3, 2, 7, 30, tzinfo=TZ)),  # woke up late
        (datetime(2026, 3, 2, 8, 29, tzinfo=TZ), datetime(2026, 3, 2, 7, 30, tzinfo=TZ)),
        (
            datetime(2026, 3, 2, 9, 0, tzinfo=TZ),
            datetime(2026, 3, 2, 9, 0, tzinfo=TZ),
        ),  # outside the grace: now
    ],
)
def test_a_tick_is_the_triggers_fire_time(now: datetime, expected: datetime) -> None:
    trigger = CronTrigger(hour=7, minute=30, timezone=TZ)
    assert scheduler.scheduled_tick(trigger, now) == expected


def test_a_second_scheduler_skips_a_tick_already_run(app: Flask, db_session: Session) -> None:
    make_job_order(db_session, expires_on=date(2026, 2, 1))
    now = datetime(2026, 3, 1, 0, 10)

    first = scheduler.run_job(app, "expire_job_orders", now=now)
    second = scheduler.run_job(app, "expire_job_orders", now=now + timedelta(seconds=20), tick=now)

    assert (first, second) == ({"expired": 1}, None)
    run = db_session.scalars(select(SchedulerRun)).one()
    assert (run.job, run.scheduled_for, run.counts) == (
        "expire_job_orders",
        datetime(2026, 2, 28, 16, 10),
        {"expired": 1},
    )


def test_a_failing_job_is_recorded_and_raised(
    app: Flask, db_session: Session, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    def broken(session: Session, *, today: date) -> dict[str, int]:
        raise RuntimeError("数据库不可用")

    monkeypatch.setitem(scheduler.JOBS, "broken", (scheduler.daily(1), broken))

    with pytest.raises(RuntimeError):
        scheduler.run_job(app, "broken", now=datetime(2026, 3, 1, 1, 0))

    run = db_session.scalars(select(SchedulerRun)).one()
    assert "RuntimeError: 数据库不可用" in run.error and run.finished_at is not None
    assert "job broken" in caplog.text


def test_once_runs_a_job_now(app: Flask, db_session: Session) -> None:
    make_job_order(db_session, expires_on=date.today() - timedelta(days=1))
    runner = app.test_cli_runner()

    ok = runner.invoke(args=["scheduler", "--once", "expire_job_orders"])
    unknown = runner.invoke(args=["scheduler", "--once", "nope"])
    listed = runner.invoke(args=["scheduler", "--list"])

    assert ok.exit_code == 0 and "expired 1" in ok.output
    assert unknown.exit_code != 0 and "未知的任务" in unknown.output
    assert "expire_job_orders" in listed.output and "rerank" in listed.output


def test_the_blocking_scheduler_has_every_job(app: Flask) -> None:
    built = scheduler.build_scheduler(app)
    assert sorted(job.id for job in built.get_jobs()) == sorted([*scheduler.JOBS, scheduler.RETRY_JOB])


# --- six months of follow-ups, run by the scheduler's job runner on a frozen clock ------------------------


def days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def test_six_months_of_follow_ups(app: Flask, db_session: Session) -> None:
    coordinator = make_user(db_session, role="staff", region_code=WUCUN, display_name="吴村协管员")
    actor = Actor.of(make_user(db_session, role="staff", region_code=PUYANG))
    keen = make_worker(db_session, name="赵晓权")  # visited every time
    leaver = make_worker(db_session, name="李留朝")  # leaves in the third month
    ignored = make_worker(db_session, name="李国旗")  # the coordinator never gets to him
    make_worker(db_session, name="张秀花")  # registered poor, never placed
    make_worker(db_session, name="王五", poverty_registered=False)
    order = make_job_order(db_session, headcount=3, expires_on=date(2026, 1, 31))
    start = date(2026, 1, 5)
    for worker in (keen, leaver, ignored):
        record_placement(
            db_session,
            actor,
            {"worker_id": worker.id, "job_order_id": order.id, "start_date": start.isoformat()},
        )
    coord = Actor.of(coordinator)
    first_day, last_day = date(2026, 1, 5), date(2026, 7, 12)
    rates: dict[date, float | None] = {}

    for day in days(first_day, last_day):
        scheduler.run_job(app, "expire_job_orders", now=at(day, 0, 10))
        if day.weekday() == 0:
            scheduler.run_job(app, "stats_snapshot", now=at(day, 1))
        scheduler.run_job(app, "followup_reminders", now=at(day, 7, 30))
        db_session.expire_all()
        due_today = db_session.scalars(
            select(FollowUp)
            .where(FollowUp.due_on == day, FollowUp.status == "scheduled")
            .order_by(FollowUp.id)
        ).all()
        for visit in due_today:
            if visit.worker_id == ignored.id:
                continue
            if visit.worker_id == leaver.id and visit.visit_key == "month_3":
                data = {
                    "outcome": "left",
                    "left_reason": "工厂停产",
                    "left_on": (day - timedelta(days=10)).isoformat(),
                }
            else:
                data = {"outcome": "employed", "wage_now": "6000"}
            followups.record_outcome(db_session, coord, visit.id, data, today=day)
        if day.weekday() == 0:
            rates[day] = stats.trend(db_session, PUYANG)[-1].employment_rate

    # every tick ran once and is on record
    runs = dict(
        db_session.execute(
            select(SchedulerRun.job, func.count(SchedulerRun.id)).group_by(SchedulerRun.job)
        ).all()
    )
    assert runs == {"expire_job_orders": 189, "followup_reminders": 189, "stats_snapshot": 27}
    assert scheduler.run_job(app, "followup_reminders", now=at(last_day, 7, 30)) is None
    assert db_session.get(type(order), order.id).status == "filled"  # filled before it expired

    # reminders: one per day on which the coordinator had visits due within 3 days or overdue
    reminders = {r.sent_on: r for r in db_session.scalars(select(FollowUpReminder))}
    assert {r.user_id for r in reminders.values()} == {coordinator.id}
    assert date(2026, 1, 8) not in reminders  # the first visits are due on 01-12: not yet
    first = reminders[date(2026, 1, 9)]
    assert (first.due_soon, first.overdue, len(first.follow_up_ids)) == (3, 0, 3)
    # from 01-13 on, the ignored worker's visits are overdue: a reminder every day after
    assert all(d in reminders for d in days(date(2026, 1, 13), last_day))
    assert reminders[date(2026, 1, 13)].overdue == 1
    assert (reminders[last_day].overdue, reminders[last_day].due_soon) == (4, 0)

    # the overdue list: the coordinator with the ignored worker's four visits
    loads = followups.overdue_by_coordinator(db_session, actor, today=last_day)
    assert [(c.assignee_id, c.overdue, c.due_soon, c.oldest_due) for c in loads] == [
        (coordinator.id, 4, 0, date(2026, 1, 12))
    ]
    done = followups.list_visits(db_session, actor, state="done", today=last_day)
    assert done.total == 4 + 3  # keen: all four; leaver: week 1, month 1 and the visit that found him gone
    assert followups.list_visits(db_session, actor, state="cancelled", today=last_day).total == 1

    # the dashboard: 4 registered-poor, 2 still in work (the leaver seeks again)
    board = stats.dashboard(
        db_session, actor, region_code=NANLE, date_from=first_day, date_to=last_day, today=last_day
    )
    assert (board.region.labour_force, board.region.employed, board.region.employment_rate) == (4, 2, 0.5)
    assert board.follow_ups == {
        "due": 11,
        "done": 7,
        "overdue": 4,
        "left": 1,
    }  # the cancelled visit is not due
    assert rates[date(2026, 1, 5)] == 0.75 and rates[date(2026, 4, 6)] == 0.5
    assert [p.employment_rate for p in board.trend][-1] == 0.5
    assert len(board.trend) == int(stats.settings()["trend_weeks"])
    assert db_session.get(type(leaver), leaver.id).status == "seeking"


def test_run_job_uses_the_local_day(app: Flask, db_session: Session) -> None:
    # 00:10 in Puyang is still the previous day in UTC: the job sees the local day
    make_job_order(db_session, expires_on=date(2026, 2, 28))
    counts = scheduler.run_job(app, "expire_job_orders", now=datetime(2026, 2, 28, 16, 10, tzinfo=UTC))
    assert counts == {"expired": 1}
