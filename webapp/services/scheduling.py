"""What the scheduler records and the small jobs that belong to no other feature.

Every tick of a job is claimed by inserting its ``SchedulerRun`` row first: ``(job, scheduled_for)`` is unique,
so a second scheduler started by mistake finds the tick taken and skips it. The run row then gets the job's
counts, or its error, when the job ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.models import JobOrder, SchedulerRun, utcnow
from webapp.services import transaction


def claim_run(session: Session, job: str, scheduled_for: datetime) -> int | None:
    """Record that ``job``'s tick at ``scheduled_for`` starts now; ``None`` when another process has it."""
    run = SchedulerRun(job=job, scheduled_for=scheduled_for, started_at=utcnow(), counts={}, error="")
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
