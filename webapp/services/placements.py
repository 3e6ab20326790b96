"""Placements (服务部门填单): who started where, by which route. A placement closes the worker's search and
counts against the job order's headcount, and schedules the follow-up visits, in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp import policy
from webapp.errors import Conflict, NotFound, ValidationError
from webapp.models import PLACEMENT_SOURCES, Employer, JobOrder, Match, Placement, Worker
from webapp.services import audit, eligibility, followups, reference, transaction
from webapp.services.scope import Actor
from webapp.services.validation import (
    Collector,
    parse_choice,
    parse_date,
    parse_int,
    parse_region,
    parse_row_id,
    parse_text,
    reject_unknown,
)

PLACEMENT_FIELDS = (
    "worker_id",
    "job_order_id",
    "employer_id",
    "employer_name",
    "route",
    "route_reason",
    "region_code",
    "wage",
    "start_date",
    "source",
)


def _validate(data: Mapping[str, Any]) -> dict[str, Any]:
    reject_unknown(data, PLACEMENT_FIELDS)
    c = Collector()
    out: dict[str, Any] = {
        "worker_id": c.field("worker_id", parse_row_id, data.get("worker_id"), required=True),
        "job_order_id": c.field("job_order_id", parse_row_id, data.get("job_order_id")),
        "employer_id": c.field("employer_id", parse_row_id, data.get("employer_id")),
        "employer_name": c.field("employer_name", parse_text, data.get("employer_name"), required=False),
        "route_reason": c.field(
            "route_reason", parse_text, data.get("route_reason"), required=False, max_len=255
        )
        or "",
        "wage": c.field("wage", parse_int, data.get("wage"), minimum=0, maximum=200000),
        "start_date": c.field("start_date", parse_date, data.get("start_date")) or date.today(),
        "source": c.field(
            "source", parse_choice, data.get("source"), PLACEMENT_SOURCES, default="direct", label="来源"
        ),
    }
    if data.get("route") not in (None, ""):
        out["route"] = c.field(
            "route", parse_choice, data.get("route"), list(reference.routes()), label="就业渠道"
        )
    if data.get("region_code") not in (None, ""):
        out["region_code"] = c.field("region_code", parse_region, data.get("region_code"))
    c.done()
    return out


def record_placement(
    session: Session, actor: Actor, data: Mapping[str, Any], *, commit: bool = True
) -> Placement:
    """Record that a worker started work. Refuses a worker already in work and a full job order.

    With ``commit=False`` the caller's transaction (a fair outcome, a batch dispatch) commits it.
    """
    values = _validate(data)
    worker = session.get(Worker, values["worker_id"])
    order = session.get(JobOrder, values["job_order_id"]) if values["job_order_id"] else None
    if values["job_order_id"] and order is None:
        raise ValidationError("岗位不存在", fields={"job_order_id": "岗位不存在"})
    policy.require(actor, "create", Placement)
    if order is not None:
        policy.require(actor, "read", order)
    # Staff record placements of the workers they cover; an employer, hires on its own orders of workers who
    # consented to share. Anyone else answers as if absent, so that worker ids cannot be probed or marked employed.
    target = policy.Subject("placement", worker=worker, employer_id=order.employer_id if order else None)
    if worker is not None and not policy.can(actor, "create", target):
        if policy.can(actor, "list", Worker):  # staff: another region's worker is missing, as everywhere
            raise NotFound()
        worker = None
    if worker is None:
        raise ValidationError("求职人员不存在", fields={"worker_id": "求职人员不存在"})
    employer = order.employer if order is not None else None
    if employer is None and values["employer_id"]:
        employer = session.get(Employer, values["employer_id"])
        if employer is None:
            raise ValidationError("企业不存在", fields={"employer_id": "企业不存在"})
    route, route_reason = eligibility.placement_route(
        actor, employer, order, values.get("route"), values["route_reason"]
    )
    if order is None and not (route and values.get("region_code")):
        raise ValidationError(
            "未关联岗位时须填写就业渠道和工作地点",
            fields={"route": "必填（未关联岗位）", "region_code": "必填（未关联岗位）"},
        )
    check_placeable(worker, order, route=route)

    def body() -> Placement:
        active = session.scalar(
            select(Placement.id).where(Placement.worker_id == worker.id, Placement.status == "active")
        )
        if active is not None:
            raise Conflict("该人员已有在岗记录，请先登记离职", fields={"worker_id": "已在岗"})
        if order is not None:
            # One guarded UPDATE: two clerks recording the last post at once cannot both succeed.
            taken = session.execute(
                update(JobOrder)
                .where(
                    JobOrder.id == order.id, JobOrder.status == "open", JobOrder.filled < JobOrder.headcount
                )
                .values(filled=JobOrder.filled + 1)
            ).rowcount
            if not taken:
                raise Conflict("该岗位已满员或已关闭", fields={"job_order_id": "已满员或已关闭"})
            session.refresh(order)
            if order.filled >= order.headcount:
                order.status = "filled"
        placement = Placement(
            worker_id=worker.id,
            job_order_id=order.id if order else None,
            employer_id=values["employer_id"] or (order.employer_id if order else None),
            employer_name=values["employer_name"] or (order.employer.name if order else ""),
            route=route or "flexible",
            route_reason=route_reason,
            region_code=values.get("region_code") or (order.region_code if order else worker.region_code),
            wage=values["wage"] if values["wage"] is not None else (order.wage_min if order else None),
            start_date=values["start_date"],
            source=values["source"],
            created_by=actor.user_id,
        )
        session.add(placement)
        worker.status = "employed"
        if order is not None:
            session.execute(
                update(Match)
                .where(Match.job_order_id == order.id, Match.worker_id == worker.id)
                .values(state="hired")
            )
        session.flush()
        followups.schedule_visits(session, placement, worker)
        audit.record(session, actor, "create", "placement", placement.id, worker_id=worker.id)
        return placement

    if not commit:
        return body()
    with transaction(session):
        return body()


def check_placeable(worker: Worker, order: JobOrder | None, *, route: str | None = None) -> None:
    """The rules of the post itself, checked before anything is written (and by departure plans ahead of the
    day): a public-welfare post (the order's flag, or the public-welfare route) only takes eligible workers."""
    public_welfare = (order is not None and order.public_welfare) or route == eligibility.PUBLIC_WELFARE_ROUTE
    eligibility.check_public_welfare(worker, public_welfare=public_welfare)


def placement_to_dict(p: Placement) -> dict[str, Any]:
    return {
        "id": p.id,
        "worker_id": p.worker_id,
        "job_order_id": p.job_order_id,
        "employer_id": p.employer_id,
        "employer_name": p.employer_name,
        "route": p.route,
        "route_reason": p.route_reason,
        "region_code": p.region_code,
        "region_name": reference.region_name(p.region_code, full=True),
        "wage": p.wage,
        "start_date": p.start_date.isoformat(),
        "status": p.status,
        "ended_on": p.ended_on.isoformat() if p.ended_on else None,
        "source": p.source,
    }
