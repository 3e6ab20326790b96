"""The counts on the dashboard, within what the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp import policy
from webapp.models import Employer, JobOrder, Worker
from webapp.services.scope import Actor


@dataclass(frozen=True)
class Counts:
    workers: int
    seeking: int
    poverty_registered: int
    employed: int
    open_orders: int
    open_posts: int
    employers: int


def counts(session: Session, actor: Actor) -> Counts:
    worker_scope = policy.filter_for(actor, Worker)
    w = session.execute(
        select(
            func.count(Worker.id),
            func.count(Worker.id).filter(Worker.status == "seeking"),
            func.count(Worker.id).filter(Worker.poverty_registered.is_(True)),
            func.count(Worker.id).filter(Worker.status == "employed"),
        ).where(worker_scope)
    ).one()
    o = session.execute(
        select(
            func.count(JobOrder.id), func.coalesce(func.sum(JobOrder.headcount - JobOrder.filled), 0)
        ).where(policy.filter_for(actor, JobOrder), JobOrder.status == "open")
    ).one()
    employers = session.scalar(select(func.count(Employer.id)).where(policy.filter_for(actor, Employer))) or 0
    return Counts(w[0], w[1], w[2], w[3], o[0], int(o[1]), employers)
