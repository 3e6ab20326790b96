"""Job orders (企业下单): employers' demand, validated against the taxonomy and the region tree."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import config
from webapp import policy
from webapp.errors import Conflict, Forbidden, ValidationError
from webapp.models import JOB_ORDER_REVIEW_STATUSES, JOB_ORDER_STATUSES, Employer, JobOrder, utcnow
from webapp.services import audit, eligibility, ranking, reference, transaction
from webapp.services.scope import Actor, region_prefix, within
from webapp.services.validation import (
    Collector,
    FieldError,
    parse_bool,
    parse_choice,
    parse_date,
    parse_int,
    parse_list,
    parse_region,
    parse_text,
    reject_unknown,
)
from webapp.services.workers import Page

JOB_ORDER_FIELDS = (
    "employer_id",
    "title",
    "occupation",
    "description",
    "skills",
    "certificates_required",
    "headcount",
    "wage_min",
    "wage_max",
    "region_code",
    "age_min",
    "age_max",
    "housing",
    "board",
    "start_date",
    "expires_on",
    "route",
    "route_reason",
    "public_welfare",
    "internal",
    "status",
)


def parse_occupation(raw: Any) -> str:
    """The catalogue code the text names (courses and agreements need one: subsidies are set per occupation)."""
    text = parse_text(raw, max_len=64, label="工种")
    code = reference.taxonomy().resolve(text)
    if code is None:
        raise FieldError(f"未知工种“{text}”，请从工种目录中选择")
    return code


def parse_order_occupation(raw: Any) -> str:
    """A job order's occupation: the catalogue code the text names (by name, synonym, typo …), or, for an
    occupation not in the catalogue yet, the text as typed (待归类), so that the demand still reaches matching
    and training needs. Empty text is refused."""
    text = parse_text(raw, max_len=64, label="工种")
    return reference.taxonomy().resolve(text) or text


def _validate(data: Mapping[str, Any], *, partial: bool, current: JobOrder | None = None) -> dict[str, Any]:
    reject_unknown(data, JOB_ORDER_FIELDS)
    c = Collector()
    out: dict[str, Any] = {}

    def want(name: str) -> bool:
        return not partial or name in data

    if want("employer_id"):
        out["employer_id"] = c.field(
            "employer_id", parse_int, data.get("employer_id"), required=True, minimum=1, maximum=2_147_483_647
        )
    if want("title"):
        out["title"] = c.field("title", parse_text, data.get("title"), max_len=128, label="岗位名称")
    if want("occupation"):
        out["occupation_code"] = c.field("occupation", parse_order_occupation, data.get("occupation"))
    if want("description"):
        out["description"] = c.field(
            "description", parse_text, data.get("description"), required=False, max_len=4000
        )
    for name in ("skills", "certificates_required"):
        if want(name):
            out[name] = c.field(name, parse_list, data.get(name)) or []
    if want("headcount"):
        out["headcount"] = c.field(
            "headcount", parse_int, data.get("headcount"), required=True, minimum=1, maximum=10000
        )
    for name in ("wage_min", "wage_max"):
        if want(name):
            out[name] = c.field(name, parse_int, data.get(name), minimum=0, maximum=200000)
    if want("region_code"):
        out["region_code"] = c.field("region_code", parse_region, data.get("region_code"))
    for name in ("age_min", "age_max"):
        if want(name):
            out[name] = c.field(name, parse_int, data.get(name), minimum=16, maximum=70)
    for name in ("housing", "board", "public_welfare", "internal"):
        if want(name):
            out[name] = c.field(name, parse_bool, data.get(name))
    for name in ("start_date", "expires_on"):
        if want(name):
            out[name] = c.field(name, parse_date, data.get(name))
    if want("route"):
        # No route given: the employer's default (扶贫车间 for a workshop), see services.eligibility.
        out["route"] = (
            None
            if data.get("route") in (None, "")
            else c.field("route", parse_choice, data.get("route"), list(reference.routes()), label="就业渠道")
        )
    if "route_reason" in data:
        out["route_reason"] = (
            c.field("route_reason", parse_text, data.get("route_reason"), required=False, max_len=255) or ""
        )
    if "status" in data:
        out["status"] = c.field("status", parse_choice, data.get("status"), JOB_ORDER_STATUSES, label="状态")

    def merged(name: str) -> Any:
        if name in out:
            return out[name]
        return getattr(current, name) if current is not None else None

    wmin, wmax = merged("wage_min"), merged("wage_max")
    if wmin is not None and wmax is not None and wmin > wmax and "wage_min" not in c.errors:
        c.add("wage_max", "最高工资不能低于最低工资")
    amin, amax = merged("age_min"), merged("age_max")
    if amin is not None and amax is not None and amin > amax and "age_min" not in c.errors:
        c.add("age_max", "年龄上限不能低于年龄下限")
    expires = out.get("expires_on")
    if expires is not None and current is None and expires < date.today():
        c.add("expires_on", "截止日期不能早于今天")
    headcount = out.get("headcount")
    if current is not None and headcount is not None and headcount < current.filled:
        c.add("headcount", f"招聘人数不能少于已录用人数（{current.filled}）")
    c.done()
    return out


def validate_job_order(
    data: Mapping[str, Any], *, partial: bool = False, current: JobOrder | None = None
) -> dict[str, Any]:
    """The checks of ``create_job_order``/``update_job_order`` without writing (the Excel import reuses them)."""
    return _validate(data, partial=partial, current=current)


def _check_handover(
    session: Session, actor: Actor, values: Mapping[str, Any], order: JobOrder | None
) -> None:
    """The employer named (new order, or an order handed over) exists and this actor may post for it; a
    public-welfare post (公益性岗位) is flagged by staff only, and never for an employer with a login."""
    employer = order.employer if order is not None else None
    if "employer_id" in values:
        employer = session.get(Employer, values["employer_id"])
        if employer is None:
            raise ValidationError("企业不存在", fields={"employer_id": "企业不存在"})
        if order is None or employer.id != order.employer_id:
            target = policy.Subject("job_order", employer_id=employer.id, employer=employer)
            if not (policy.can(actor, "post_order", employer) and policy.can(actor, "create", target)):
                raise Forbidden(
                    "不能把岗位转给该企业" if order is not None else "只能为本辖区的企业发布岗位",
                    fields={"employer_id": "不在您的管辖范围内或不是本企业"},
                )
    welfare = values.get("public_welfare", order.public_welfare if order is not None else False)
    unchanged = order is not None and order.public_welfare and employer is order.employer
    if welfare and not unchanged:
        target = policy.Subject("job_order", employer_id=getattr(employer, "id", None), employer=employer)
        policy.require(
            actor, "set_public_welfare", target, fields={"public_welfare": "仅限人社部门工作人员设定"}
        )


def create_job_order(session: Session, actor: Actor, data: Mapping[str, Any]) -> JobOrder:
    """An employer posts for itself; staff post for the employers of their region."""
    policy.require(actor, "create", JobOrder)
    if actor.employer_id is not None:  # an employer's account posts for that employer
        data = {**data, "employer_id": actor.employer_id}
    values = _validate(data, partial=False)
    employer = session.get(Employer, values["employer_id"])
    # public-welfare occupations and workshop routes first: the handover check then sees the final flag
    eligibility.order_rules(actor, values, employer)
    _check_handover(session, actor, values, None)
    with transaction(session):
        order = JobOrder(**values, filled=0)
        order.employer = employer
        order.status = values.get("status") or "open"
        if policy.can(actor, "approve", order):
            order.reviewed_by, order.reviewed_at = actor.user_id, utcnow()  # staff who may approve: at once
        elif auto_approved(order):
            order.reviewed_at = utcnow()
        else:
            order.status = "pending"  # 待审核 until staff of its region approve it
        session.add(order)
        session.flush()
        audit.record(session, actor, "create", "job_order", order.id, status=order.status)
    ranking.rerank_order(session, order.id)  # a new order's shortlist is ready the moment it is saved
    return order


def update_job_order(session: Session, actor: Actor, order_id: int, data: Mapping[str, Any]) -> JobOrder:
    order = get_job_order(session, actor, order_id)
    policy.require(actor, "update", order)
    values = _validate(data, partial=True, current=order)
    if "status" in values and order.status in JOB_ORDER_REVIEW_STATUSES:
        raise ValidationError(
            "待审核或已退回的岗位不能直接修改状态", fields={"status": "须由人社部门审核通过"}
        )
    employer = session.get(Employer, values["employer_id"]) if "employer_id" in values else order.employer
    eligibility.order_rules(actor, values, employer, current=order)
    _check_handover(session, actor, values, order)
    with transaction(session):
        for key, value in values.items():
            setattr(order, key, value)
        if "headcount" in values and order.status in ("open", "filled"):
            order.status = "filled" if order.filled >= order.headcount else "open"
        if order.status == "returned" and values:
            order.status = "pending"  # corrected after a return: back in the review queue
        audit.record(session, actor, "update", "job_order", order.id, fields=sorted(values))
    ranking.rerank_order(session, order.id)
    return order


def get_job_order(session: Session, actor: Actor, order_id: int) -> JobOrder:
    return policy.require(actor, "read", session.get(JobOrder, order_id))


def list_job_orders(
    session: Session,
    actor: Actor,
    *,
    q: str = "",
    status: str | None = None,
    region_code: str | None = None,
    occupation: str | None = None,
    employer_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    stmt = policy.scoped(actor, select(JobOrder), JobOrder)
    if status:
        stmt = stmt.where(JobOrder.status == status)
    if region_code:
        stmt = stmt.where(JobOrder.region_code.startswith(region_prefix(region_code)))
    if occupation:
        code = reference.taxonomy().resolve(occupation) or occupation
        stmt = stmt.where(JobOrder.occupation_code == code)
    if employer_id:
        stmt = stmt.where(JobOrder.employer_id == employer_id)
    if q:
        stmt = stmt.where(JobOrder.title.like(f"%{q}%"))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(JobOrder.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return Page(list(rows), total, page, per_page)


def job_order_to_dict(order: JobOrder) -> dict[str, Any]:
    return {
        "id": order.id,
        "employer_id": order.employer_id,
        "employer_name": order.employer.name if order.employer else None,
        "title": order.title,
        "occupation": order.occupation_code,
        "occupation_name": reference.occupation_name(order.occupation_code),
        "description": order.description,
        "skills": list(order.skills or []),
        "certificates_required": list(order.certificates_required or []),
        "headcount": order.headcount,
        "filled": order.filled,
        "wage_min": order.wage_min,
        "wage_max": order.wage_max,
        "region_code": order.region_code,
        "region_name": reference.region_name(order.region_code, full=True),
        "age_min": order.age_min,
        "age_max": order.age_max,
        "housing": order.housing,
        "board": order.board,
        "start_date": order.start_date.isoformat() if order.start_date else None,
        "expires_on": order.expires_on.isoformat() if order.expires_on else None,
        "route": order.route,
        "route_reason": order.route_reason,
        "public_welfare": order.public_welfare,
        "internal": order.internal,
        "status": order.status,
        "review_note": order.review_note,
    }


# --- review of employer-posted orders (待审核) ----------------------------------------------------------------


def auto_approved(order: JobOrder) -> bool:
    """Does ``config/approval.toml`` let employer orders of this place (or its employer's region) skip review?"""
    regions = config.load_approval_settings()["auto_approve_regions"]
    places = [order.region_code, order.employer.region_code if order.employer else None]
    return any(within(place, code) for code in regions for place in places if place)


def _pending(session: Session, actor: Actor, action: str, order_id: int) -> JobOrder:
    order = get_job_order(session, actor, order_id)
    if not policy.can(actor, action, order):
        # Readable but outside the reviewer's region (or not a reviewer): say which field decides it.
        message = policy.REGISTRY.of(JobOrder).messages.get(action, policy.GENERIC_REFUSAL)
        raise Forbidden(message, fields={"region_code": "该岗位的工作地点和企业都不在您的辖区"})
    if order.status != "pending":
        raise Conflict("该岗位不在待审核状态", fields={"status": "该岗位不在待审核状态"})
    return order


def approve_job_order(session: Session, actor: Actor, order_id: int) -> JobOrder:
    """Publish a pending order: it reaches the board, matching, fairs and cooperation."""
    order = _pending(session, actor, "approve", order_id)
    with transaction(session):
        order.status = "filled" if order.filled >= order.headcount else "open"
        order.review_note = ""
        order.reviewed_by, order.reviewed_at = actor.user_id, utcnow()
        audit.record(session, actor, "approve", "job_order", order.id)
    ranking.rerank_order(session, order.id)
    return order


def return_job_order(session: Session, actor: Actor, order_id: int, *, reason: str) -> JobOrder:
    """Send a pending order back to its employer with the reason; editing it resubmits it."""
    order = _pending(session, actor, "return", order_id)
    c = Collector()
    note = c.field("reason", parse_text, reason, max_len=255, label="退回原因")
    c.done()
    with transaction(session):
        order.status = "returned"
        order.review_note = note or ""
        order.reviewed_by, order.reviewed_at = actor.user_id, utcnow()
        audit.record(session, actor, "return", "job_order", order.id, reason=note)
    return order
