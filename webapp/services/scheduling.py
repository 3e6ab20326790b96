"""What the scheduler records and the small jobs that belong to no other feature.

Every tick of a job is claimed by inserting its ``SchedulerRun`` row first: ``(job, scheduled_for)`` is unique,
so a second scheduler started by mistake finds the tick taken and skips it. The run row then gets the job's
counts, or its error, when the job ends.

A run that never ended (its process was killed, the machine lost power) is *interrupted*, not successful: its
``owner`` process on this machine is gone, or it has been running longer than ``abandoned_after_minutes``
(``config/security.toml``). :func:`reclaim_run` hands such a tick to the next scheduler tick, atomically, so it
runs again exactly once.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import config
from webapp.models import JobOrder, SchedulerRun, utcnow
from webapp.services import transaction

INTERRUPTED = "中断：运行中的调度进程已退出，任务未完成"


def this_process() -> str:
    return f"{socket.gethostname()[:100]}:{os.getpid()}"


def _owner_gone(owner: str) -> bool:
    """True when ``owner`` ("host:pid") is a process of this machine that no longer exists."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname()[:100] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, under another user
        return False
    return False


def run_state(run: SchedulerRun, *, now: datetime | None = None) -> str:
    """``done`` | ``failed`` | ``running`` | ``interrupted`` (unfinished and its process gone or too old)."""
    if run.finished_at is not None:
        return "failed" if run.error else "done"
    limit = timedelta(minutes=config.load_security_settings()["scheduler"]["abandoned_after_minutes"])
    if _owner_gone(run.owner or "") or run.started_at < (now or utcnow()) - limit:
        return "interrupted"
    return "running"


def interrupted_runs(session: Session) -> list[SchedulerRun]:
    unfinished = session.scalars(
        select(SchedulerRun).where(SchedulerRun.finished_at.is_(None)).order_by(SchedulerRun.id)
    )
    return [run for run in unfinished if run_state(run) == "interrupted"]


def reclaim_run(session: Session, run: SchedulerRun) -> int | None:
    """Take over an interrupted run (one guarded UPDATE: of two schedulers, one wins); its id, or ``None``."""
    with transaction(session):
        taken = session.execute(
            update(SchedulerRun)
            .where(
                SchedulerRun.id == run.id,
                SchedulerRun.finished_at.is_(None),
                SchedulerRun.owner == run.owner,
                SchedulerRun.started_at == run.started_at,
            )
            .values(owner=this_process(), started_at=utcnow(), error=INTERRUPTED)
            .execution_options(synchronize_session=False)
        ).rowcount
    return run.id if taken else None


def claim_run(session: Session, job: str, scheduled_for: datetime) -> int | None:
    """Record that ``job``'s tick at ``scheduled_for`` starts now; ``None`` when another process has it."""
    run = SchedulerRun(
        job=job,
        scheduled_for=scheduled_for,
        started_at=utcnow(),
        counts={},
        error="",
        owner=this_process(),
    )
    try:
        with transaction(session):
            session.add(run)
    except IntegrityError:
        return None
    return run.id


def finish_run(
    session: Session, run_id: int, *, counts: Mapping[str, Any] | None = None, error: str = ""
) -> None:
    """Store the end of a claimed run: the job's counts, or the error it failed with."""
    session.rollback()  # a failed job may have left the session in a failed transaction
    with transaction(session):
        run = session.get(SchedulerRun, run_id)
        if run is None:
            return
        run.finished_at = utcnow()
        run.counts = {str(k): v for k, v in (counts or {}).items()}
        run.error = error[:4000]


def last_runs(session: Session) -> dict[str, SchedulerRun]:
    """The latest run of every job that ever ran."""
    latest = (
        select(SchedulerRun.job, func.max(SchedulerRun.id).label("id")).group_by(SchedulerRun.job).subquery()
    )
    rows = session.scalars(select(SchedulerRun).join(latest, SchedulerRun.id == latest.c.id))
    return {run.job: run for run in rows}


def expire_job_orders(session: Session, *, today: date | None = None) -> dict[str, int]:
    """Open job orders whose ``expires_on`` has passed become ``expired`` (filled orders stay filled)."""
    today = today or date.today()
    with transaction(session):
        expired = session.execute(
            update(JobOrder)
            .where(JobOrder.status == "open", JobOrder.expires_on.is_not(None), JobOrder.expires_on < today)
            .values(status="expired", updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
    return {"expired": int(expired or 0)}
