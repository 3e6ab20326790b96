"""``liudan scheduler``: the bureau's timed jobs, in one process of their own (never once per web worker).

Add a job with one line in :data:`JOBS`: its name, a cron trigger and a service callable taking the session and
the day of the tick (``callable(session, *, today) -> {name: count}``)::

    "expire_job_orders": (daily(0, 10), scheduling.expire_job_orders),

Each tick is claimed in the ``scheduler_run`` table first (``(job, scheduled_for)`` is unique), so a second
scheduler started by mistake skips the ticks the first one ran; the run row gets the job's counts or its error.
``liudan scheduler --once JOB`` runs one job now; ``--list`` shows the jobs and their last runs.
Triggers are cron triggers in the bureau's time zone: every scheduler computes the same tick times.
A run whose process died mid-job is shown as 中断 (never 成功) and run again by :func:`retry_interrupted`, which
the scheduler calls when it starts and every few minutes after.
"""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app
from flask.cli import with_appcontext

from webapp.extensions import db
from webapp.services import cooperation, followups, imports, privacy, ranking, scheduling, shortlists, stats

log = logging.getLogger("liudan.scheduler")

TIMEZONE = ZoneInfo("Asia/Shanghai")
#: How late a tick may still run (a scheduler that was down for longer skips it).
MISFIRE_GRACE = timedelta(hours=1)
#: How often the scheduler looks for interrupted runs to run again.
RETRY_EVERY = timedelta(minutes=5)
RETRY_JOB = "retry_interrupted"
STATE_NAMES = {"done": "成功", "failed": "失败", "running": "运行中", "interrupted": "中断"}

JobFunc = Callable[..., Mapping[str, Any]]


def daily(hour: int, minute: int = 0) -> CronTrigger:
    return CronTrigger(hour=hour, minute=minute, timezone=TIMEZONE)


def weekly(day_of_week: str, hour: int, minute: int = 0) -> CronTrigger:
    return CronTrigger(day_of_week=day_of_week, hour=hour, minute=minute, timezone=TIMEZONE)


JOBS: dict[str, tuple[CronTrigger, JobFunc]] = {
    "expire_job_orders": (daily(0, 10), scheduling.expire_job_orders),
    "rerank": (daily(2, 0), ranking.rerank_changed),
    "purge_import_uploads": (daily(3, 30), imports.purge_uploads),
    "followup_reminders": (daily(7, 30), followups.send_reminders),
    "stats_snapshot": (weekly("mon", 1, 0), stats.take_snapshots),
    "pre_fair_shortlists": (daily(6, 0), shortlists.build_due_shortlists),
    "privacy_purge": (daily(4, 0), privacy.purge_expired),  # retention (config/security.toml)
    "dispatch_departures": (daily(5, 0), cooperation.dispatch_departures),  # confirmed batches leaving today
}


def scheduled_tick(trigger: CronTrigger, now: datetime) -> datetime:
    """The latest fire time of ``trigger`` at or before ``now`` (within the misfire grace), else ``now``.

    Two schedulers running the same tick compute the same value, whenever each one actually wakes up.
    """
    tick: datetime | None = None
    candidate = trigger.get_next_fire_time(None, now - MISFIRE_GRACE)
    while candidate is not None and candidate <= now:
        tick = candidate
        candidate = trigger.get_next_fire_time(candidate, candidate + timedelta(seconds=1))
    return tick or now


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(TIMEZONE)
    return now.replace(tzinfo=TIMEZONE) if now.tzinfo is None else now.astimezone(TIMEZONE)


def run_job(
    app: Flask, name: str, *, now: datetime | None = None, tick: datetime | None = None
) -> Mapping[str, Any] | None:
    """Run one tick of a job: claim it, call its service, record the counts. ``None`` if already claimed.

    ``now`` (naive = the bureau's local time) is the clock the job sees: tests pass it instead of waiting;
    ``tick`` is the scheduled time that identifies the run (default: ``now``).
    """
    _trigger, func = JOBS[name]
    local_now = _aware(now)
    local_tick = _aware(tick) if tick is not None else local_now
    scheduled_for = local_tick.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    with app.app_context():
        session = db.session
        try:
            run_id = scheduling.claim_run(session, name, scheduled_for)
            if run_id is None:
                log.info("job %s at %s: already run by another scheduler, skipped", name, scheduled_for)
                return None
            return _execute(session, name, func, run_id, scheduled_for, local_now)
        finally:
            db.session.remove()


def _execute(
    session: Any, name: str, func: JobFunc, run_id: int, scheduled_for: datetime, local_now: datetime
) -> Mapping[str, Any]:
    """Call a claimed run's job and record its counts, or its error (and re-raise)."""
    try:
        counts = func(session, today=local_now.date())
    except Exception as err:
        log.exception("job %s at %s failed", name, scheduled_for)
        scheduling.finish_run(session, run_id, error="".join(traceback.format_exception(err)))
        raise
    scheduling.finish_run(session, run_id, counts=counts)
    log.info("job %s at %s: %s", name, scheduled_for, ", ".join(f"{k} {v}" for k, v in counts.items()))
    return counts


def retry_interrupted(app: Flask) -> list[str]:
    """Run again every interrupted run (its process died mid-job) of a known job; the jobs run, in order.

    Each is taken over atomically, so two schedulers never both retry it; a failure is recorded on the run
    and does not stop the others.
    """
    retried: list[str] = []
    with app.app_context():
        session = db.session
        try:
            for run in scheduling.interrupted_runs(session):
                if run.job not in JOBS or scheduling.reclaim_run(session, run) is None:
                    continue
                local_tick = run.scheduled_for.replace(tzinfo=UTC).astimezone(TIMEZONE)
                log.warning("job %s at %s was interrupted: running it again", run.job, run.scheduled_for)
                # a failure is recorded on the run by _execute; the other interrupted runs still run
                with contextlib.suppress(Exception):
                    _execute(session, run.job, JOBS[run.job][1], run.id, run.scheduled_for, local_tick)
                retried.append(run.job)
        finally:
            db.session.remove()
    return retried


def _tick(app: Flask, name: str) -> None:
    """What APScheduler calls: the tick is the trigger's fire time, the clock is now."""
    now = datetime.now(TIMEZONE)
    run_job(app, name, now=now, tick=scheduled_tick(JOBS[name][0], now))


def build_scheduler(app: Flask) -> BlockingScheduler:
    scheduler = BlockingScheduler(
        timezone=TIMEZONE,
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": int(MISFIRE_GRACE.total_seconds()),
        },
    )
    for name, (trigger, _func) in JOBS.items():
        scheduler.add_job(_tick, trigger, args=[app, name], id=name, name=name)
    scheduler.add_job(
        retry_interrupted,
        IntervalTrigger(seconds=int(RETRY_EVERY.total_seconds()), timezone=TIMEZONE),
        args=[app],
        id=RETRY_JOB,
        name=RETRY_JOB,
        next_run_time=datetime.now(TIMEZONE),  # at start too: a run killed with the last scheduler
    )
    return scheduler


@click.command("scheduler")
@click.option("--once", "once", metavar="JOB", help="Run this job once, now, and exit.")
@click.option("--list", "list_jobs", is_flag=True, help="List the jobs, their triggers and last runs.")
@with_appcontext
def scheduler_command(once: str | None, list_jobs: bool) -> None:
    """Run the timed jobs (expire orders, re-rank, follow-up reminders, statistics snapshots...)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if list_jobs:
        runs = scheduling.last_runs(db.session)
        for name, (trigger, _func) in JOBS.items():
            run = runs.get(name)
            last = (
                f"{run.scheduled_for:%Y-%m-%d %H:%M} UTC {STATE_NAMES[scheduling.run_state(run)]}"
                if run
                else "从未运行"
            )
            click.echo(f"{name:24} {trigger}  最近：{last}")
        return
    if once is not None:
        if once not in JOBS:
            raise click.BadParameter(f"未知的任务 {once}，可选：{'、'.join(JOBS)}", param_hint="--once")
        try:
            counts = run_job(app, once)
        except Exception as err:
            raise click.ClickException(f"任务 {once} 失败：{err}") from err
        if counts is None:
            click.echo(f"任务 {once} 本时刻已由其他调度进程运行")
        else:
            click.echo(f"任务 {once} 完成：" + "，".join(f"{k} {v}" for k, v in counts.items()))
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    scheduler = build_scheduler(app)
    click.echo("调度进程已启动（Ctrl+C 停止）：" + "、".join(JOBS))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
