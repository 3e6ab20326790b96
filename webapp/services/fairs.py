"""Recruitment fairs (招聘会): the fair, its employers and booths, invitation lists, fair day and the report.

Who may do what (the rules live in ``webapp/policy.py``; in short):

- staff see a fair whose organising region contains theirs or lies within it (a county officer sees the city's
  fairs and the county's own), and manage (edit, add orders, decide join requests, build shortlists) a fair
  organised at or below their own region; admins see and manage all;
- employers see every fair (to ask to join one with their own orders) and record outcomes at their own booths;
- workers' personal data keeps the usual rule: full phone only for staff whose region covers the worker
  (the village coordinator or above), and every list or export that shows it is audited.

The pre-fair shortlists themselves are built in :mod:`webapp.services.shortlists`.
"""

from __future__ import annotations

import dataclasses
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from openpyxl import Workbook
from sqlalchemy import ColumnElement, case, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import config
from webapp import policy
from webapp.errors import Conflict, Forbidden, NotFound, ValidationError
from webapp.i18n import N_
from webapp.models import (
    CHECK_IN_METHODS,
    FAIR_OUTCOMES,
    FAIR_STATUSES,
    INVITATION_ANSWERS,
    DispatchBatch,
    DispatchMember,
    Employer,
    Fair,
    FairCheckIn,
    FairJobOrder,
    FairOutcome,
    FairParticipant,
    JobOrder,
    Match,
    Placement,
    ShortlistEntry,
    Worker,
    utc_iso,
    utcnow,
)
from webapp.services import audit, reference, transaction
from webapp.services.placements import check_placeable, record_placement
from webapp.services.scope import Actor, county_of
from webapp.services.validation import (
    Collector,
    FieldError,
    mask_id_number,
    mask_phone,
    parse_bool,
    parse_choice,
    parse_date,
    parse_id_list,
    parse_id_number,
    parse_region,
    parse_text,
    reject_unknown,
    to_halfwidth,
)
from webapp.services.workers import WORKER_FIELDS, Page, create_worker

FAIR_FIELDS = ("name", "kind", "date", "venue", "region_code", "description", "status")
TOKEN_SALT = "liudan-fair-invitation"
#: What a walk-in registration takes (a worker's fields; they register as seeking).
WALK_IN_FIELDS = tuple(f for f in WORKER_FIELDS if f != "status")
MAX_ORDERS_PER_CALL = 500
ANSWER_LABELS = {
    "will_attend": N_("愿意参加"),
    "undecided": N_("待定"),
    "declined": N_("不参加"),
    "": N_("未答复"),
}
OUTCOME_LABELS = {
    "interviewed": N_("已面试"),
    "offer": N_("发放录用意向"),
    "hired": N_("已录用"),
    "declined": N_("未成功"),
}


def fair_kinds() -> dict[str, str]:
    """``{key: Chinese name}`` of the fair kinds in ``config/fairs.toml``."""
    return {k["key"]: k["name_zh"] for k in config.load_fair_settings()["kinds"]}


def shortlist_defaults() -> dict[str, int]:
    return dict(config.load_fair_settings()["shortlist"])


# --- the fair ---------------------------------------------------------------------------------------------


def _validate(data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    reject_unknown(data, FAIR_FIELDS)
    c = Collector()
    out: dict[str, Any] = {}

    def want(name: str) -> bool:
        return not partial or name in data

    if want("name"):
        out["name"] = c.field("name", parse_text, data.get("name"), max_len=128, label="招聘会名称")
    if want("kind"):
        out["kind"] = c.field("kind", parse_choice, data.get("kind"), list(fair_kinds()), label="招聘会类型")
    if want("date"):
        out["date"] = c.field("date", parse_date, data.get("date"), required=True)
    if want("venue"):
        out["venue"] = c.field("venue", parse_text, data.get("venue"), max_len=255, label="举办地点")
    if want("region_code"):
        out["region_code"] = c.field("region_code", parse_region, data.get("region_code"))
    if want("description"):
        out["description"] = c.field(
            "description", parse_text, data.get("description"), required=False, max_len=4000
        )
    if "status" in data:
        out["status"] = c.field("status", parse_choice, data.get("status"), FAIR_STATUSES, label="状态")
    c.done()
    return {k: v for k, v in out.items() if not (partial and v is None and k == "description")}


def may_manage(actor: Actor, fair: Fair) -> bool:
    return policy.can(actor, "update", fair)


def check_manage(actor: Actor, fair: Fair) -> None:
    policy.require(actor, "update", fair)


def create_fair(session: Session, actor: Actor, data: Mapping[str, Any]) -> Fair:
    """A new fair organised by a region at or below the staff member's own."""
    policy.require(actor, "create", Fair)
    values = _validate(data, partial=False)
    policy.require(actor, "create", Fair(region_code=values["region_code"]), fields=policy.OUT_OF_REGION)
    values.setdefault("status", "planned")
    with transaction(session):
        fair = Fair(**values, created_by=actor.user_id)
        session.add(fair)
        session.flush()
        audit.record(session, actor, "create", "fair", fair.id)
    return fair


def update_fair(session: Session, actor: Actor, fair_id: int, data: Mapping[str, Any]) -> Fair:
    fair = get_fair(session, actor, fair_id)
    check_manage(actor, fair)
    values = _validate(data, partial=True)
    if "region_code" in values:
        policy.require(
            actor,
            "create",
            Fair(region_code=values["region_code"]),
            message="主办地区不在您的管辖范围内",
            fields=policy.OUT_OF_REGION,
        )
    with transaction(session):
        for key, value in values.items():
            setattr(fair, key, value)
        audit.record(session, actor, "update", "fair", fair.id, fields=sorted(values))
    return fair


def get_fair(session: Session, actor: Actor, fair_id: int) -> Fair:
    return policy.require(actor, "read", session.get(Fair, fair_id))


def list_fairs(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    kind: str | None = None,
    upcoming: bool = False,
    today: date | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    policy.require(actor, "list", Fair)
    stmt = policy.scoped(actor, select(Fair), Fair)
    if status:
        stmt = stmt.where(Fair.status == status)
    if kind:
        stmt = stmt.where(Fair.kind == kind)
    if upcoming:
        stmt = stmt.where(Fair.date >= (today or date.today()))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Fair.date.desc(), Fair.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return Page(list(rows), total, page, per_page)


def fair_orders(session: Session, fair_id: int, *, open_only: bool = False) -> list[JobOrder]:
    stmt = (
        select(JobOrder)
        .join(FairJobOrder, FairJobOrder.job_order_id == JobOrder.id)
        .where(FairJobOrder.fair_id == fair_id)
        .order_by(JobOrder.employer_id, JobOrder.id)
    )
    if open_only:
        stmt = stmt.where(JobOrder.status == "open")
    return list(session.scalars(stmt))


def participants(session: Session, actor: Actor, fair_id: int) -> list[FairParticipant]:
    """The fair's employers as ``actor`` may see them (staff: all; an employer: its own request)."""
    return list(
        session.scalars(
            select(FairParticipant)
            .where(FairParticipant.fair_id == fair_id, policy.filter_for(actor, FairParticipant))
            # A stable order (not by booth): the booth form must not re-sort under the user's hands.
            .order_by(FairParticipant.status, FairParticipant.id)
        )
    )


def booths_of(session: Session, fair_id: int) -> dict[int, str]:
    """``{employer_id: booth}`` of the approved participants."""
    rows = session.execute(
        select(FairParticipant.employer_id, FairParticipant.booth).where(
            FairParticipant.fair_id == fair_id, FairParticipant.status == "approved"
        )
    )
    return {r.employer_id: r.booth for r in rows}


def fair_to_dict(session: Session, fair: Fair) -> dict[str, Any]:
    booths = booths_of(session, fair.id)
    return {
        "id": fair.id,
        "name": fair.name,
        "kind": fair.kind,
        "kind_name": fair_kinds().get(fair.kind, fair.kind),
        "date": fair.date.isoformat(),
        "venue": fair.venue,
        "region_code": fair.region_code,
        "region_name": reference.region_name(fair.region_code, full=True),
        "description": fair.description,
        "status": fair.status,
        "shortlisted_at": utc_iso(fair.shortlisted_at),
        "job_orders": [fair_order_to_dict(o, booths) for o in fair_orders(session, fair.id)],
    }


def fair_order_to_dict(order: JobOrder, booths: Mapping[int, str]) -> dict[str, Any]:
    return {
        "job_order_id": order.id,
        "title": order.title,
        "employer_id": order.employer_id,
        "employer_name": order.employer.name if order.employer else None,
        "booth": booths.get(order.employer_id, ""),
        "headcount": order.headcount,
        "filled": order.filled,
        "status": order.status,
    }


def parse_order_ids(raw: Any) -> list[int]:
    """A non-empty list of job-order ids (integers ≥ 1), duplicates dropped, order kept."""
    if not isinstance(raw, list) or not raw:
        raise FieldError("应为非空的岗位编号列表")
    return parse_id_list(raw, max_items=MAX_ORDERS_PER_CALL, label="岗位编号")


def _orders_by_ids(
    session: Session, ids: Sequence[int], *, field_name: str = "job_order_ids"
) -> list[JobOrder]:
    found = {o.id: o for o in session.scalars(select(JobOrder).where(JobOrder.id.in_(ids)))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(
            "岗位不存在", fields={field_name: "不存在的岗位：" + "、".join(f"#{i}" for i in missing[:20])}
        )
    closed = [i for i in ids if found[i].status != "open"]
    if closed:
        raise ValidationError(
            "只能加入招聘中的岗位",
            fields={field_name: "岗位未在招聘中：" + "、".join(f"#{i}" for i in closed[:20])},
        )
    return [found[i] for i in ids]


def _participant(session: Session, fair_id: int, employer_id: int) -> FairParticipant | None:
    return session.scalar(
        select(FairParticipant).where(
            FairParticipant.fair_id == fair_id, FairParticipant.employer_id == employer_id
        )
    )


def _attach_orders(session: Session, fair: Fair, orders: Iterable[JobOrder]) -> int:
    have = set(session.scalars(select(FairJobOrder.job_order_id).where(FairJobOrder.fair_id == fair.id)))
    added = 0
    for order in orders:
        if order.id not in have:
            session.add(FairJobOrder(fair_id=fair.id, job_order_id=order.id))
            have.add(order.id)
            added += 1
    return added


def add_job_orders(session: Session, actor: Actor, fair_id: int, data: Mapping[str, Any]) -> list[JobOrder]:
    """Staff add job orders to a fair (``{"job_order_ids": [...]}``); their employers join, approved."""
    fair = get_fair(session, actor, fair_id)
    check_manage(actor, fair)
    reject_unknown(data, ("job_order_ids",))
    c = Collector()
    ids = c.field("job_order_ids", parse_order_ids, data.get("job_order_ids"))
    c.done()
    assert ids is not None
    with transaction(session):
        orders = _orders_by_ids(session, ids)
        _attach_orders(session, fair, orders)
        for employer_id in sorted({o.employer_id for o in orders}):
            part = _participant(session, fair.id, employer_id)
            if part is None:
                session.add(
                    FairParticipant(
                        fair_id=fair.id,
                        employer_id=employer_id,
                        status="approved",
                        decided_by=actor.user_id,
                        decided_at=utcnow(),
                    )
                )
            elif part.status != "approved":
                part.status, part.decided_by, part.decided_at = "approved", actor.user_id, utcnow()
        audit.record(session, actor, "update", "fair", fair.id, added_orders=ids)
    return fair_orders(session, fair.id)


def remove_job_order(session: Session, actor: Actor, fair_id: int, job_order_id: int) -> None:
    """Take an order off a fair with its invitations (outcomes already recorded keep it on)."""
    fair = get_fair(session, actor, fair_id)
    check_manage(actor, fair)
    with transaction(session):
        link = session.scalar(
            select(FairJobOrder).where(
                FairJobOrder.fair_id == fair.id, FairJobOrder.job_order_id == job_order_id
            )
        )
        if link is None:
            raise NotFound("该岗位不在本场招聘会中")
        has_outcome = session.scalar(
            select(FairOutcome.id).where(
                FairOutcome.fair_id == fair.id, FairOutcome.job_order_id == job_order_id
            )
        )
        if has_outcome is not None:
            raise Conflict("该岗位已登记现场结果，不能移出")
        for entry in session.scalars(
            select(ShortlistEntry).where(
                ShortlistEntry.fair_id == fair.id, ShortlistEntry.job_order_id == job_order_id
            )
        ):
            session.delete(entry)
        session.delete(link)
        audit.record(session, actor, "update", "fair", fair.id, removed_order=job_order_id)


# --- employers: join requests and booths ------------------------------------------------------------------


def request_to_join(
    session: Session, actor: Actor, fair_id: int, job_order_ids: Any, *, note: str = ""
) -> FairParticipant:
    """An employer asks to bring some of its own open orders to a fair; staff decide."""
    fair = get_fair(session, actor, fair_id)
    policy.require(actor, "join", fair)
    if fair.status != "planned" or fair.date < date.today():
        raise ValidationError("该招聘会已结束或已取消，不能申请参会", fields={"fair_id": "不接受申请"})
    c = Collector()
    ids = c.field("job_order_ids", parse_order_ids, job_order_ids)
    clean_note = c.field("note", parse_text, note, required=False, max_len=255)
    c.done()
    assert ids is not None
    with transaction(session):
        orders = _orders_by_ids(session, ids)
        foreign = [o.id for o in orders if not policy.can(actor, "update", o)]
        if foreign:
            raise Forbidden("只能为本企业的岗位申请参会", fields={"job_order_ids": "不是本企业的岗位"})
        part = _participant(session, fair.id, actor.employer_id or 0)
        if part is None:
            part = FairParticipant(fair_id=fair.id, employer_id=actor.employer_id)
            policy.require(actor, "create", part)
            session.add(part)
        part.status = "requested"
        part.requested_order_ids = ids
        part.note = clean_note or ""
        part.requested_by = actor.user_id
        part.decided_by, part.decided_at = None, None
        session.flush()
        audit.record(session, actor, "create", "fair_participant", part.id, fair_id=fair.id)
    return part


def _get_participant(session: Session, actor: Actor, participant_id: int) -> tuple[Fair, FairParticipant]:
    part = session.get(FairParticipant, participant_id)
    if part is None:
        raise NotFound()
    fair = get_fair(session, actor, part.fair_id)
    policy.require(actor, "read", part)
    return fair, part


def _parse_booth(raw: Any) -> str:
    return parse_text(raw, required=False, max_len=32)


def _check_booth_free(session: Session, fair_id: int, booth: str, participant_id: int) -> None:
    if not booth:
        return
    clash = session.scalar(
        select(Employer.name)
        .join(FairParticipant, FairParticipant.employer_id == Employer.id)
        .where(
            FairParticipant.fair_id == fair_id,
            FairParticipant.booth == booth,
            FairParticipant.id != participant_id,
            FairParticipant.status == "approved",
        )
    )
    if clash is not None:
        raise Conflict("展位已被占用", fields={"booth": f"展位 {booth} 已分配给 {clash}"})


def decide_request(
    session: Session, actor: Actor, participant_id: int, *, approve: bool, booth: Any = ""
) -> FairParticipant:
    """Approve (with an optional booth) or reject an employer's request; approval adds its orders."""
    fair, part = _get_participant(session, actor, participant_id)
    check_manage(actor, fair)
    c = Collector()
    clean_booth = c.field("booth", _parse_booth, booth) or ""
    c.done()
    with transaction(session):
        if approve:
            _check_booth_free(session, fair.id, clean_booth, part.id)
            wanted = [
                o
                for o in session.scalars(
                    select(JobOrder).where(JobOrder.id.in_(part.requested_order_ids or []))
                )
            ]
            usable = [o for o in wanted if o.employer_id == part.employer_id and o.status == "open"]
            _attach_orders(session, fair, usable)
            part.status = "approved"
            if clean_booth:
                part.booth = clean_booth
        else:
            part.status = "rejected"
        part.requested_order_ids = []
        part.decided_by, part.decided_at = actor.user_id, utcnow()
        audit.record(session, actor, "approve" if approve else "reject", "fair_participant", part.id)
    return part


def assign_booth(session: Session, actor: Actor, participant_id: int, booth: Any) -> FairParticipant:
    fair, part = _get_participant(session, actor, participant_id)
    check_manage(actor, fair)
    c = Collector()
    clean = c.field("booth", _parse_booth, booth) or ""
    c.done()
    if part.status != "approved":
        raise ValidationError("请先批准参会申请", fields={"booth": "尚未批准参会"})
    with transaction(session):
        _check_booth_free(session, fair.id, clean, part.id)
        part.booth = clean
        audit.record(session, actor, "update", "fair_participant", part.id, booth=clean)
    return part


def assign_booths(
    session: Session, actor: Actor, fair_id: int, booths: Mapping[Any, Any]
) -> list[FairParticipant]:
    """All booths of a fair in one go (``{participant_id: booth}``), all or nothing: a booth number belongs to
    one approved employer of the fair; a blank one clears it."""
    fair = get_fair(session, actor, fair_id)
    policy.require(actor, "assign_booths", fair)
    approved = {
        p.id: p
        for p in session.scalars(
            select(FairParticipant).where(
                FairParticipant.fair_id == fair.id, FairParticipant.status == "approved"
            )
        )
    }
    c = Collector()
    wanted: dict[int, str] = {}
    for raw_id, raw_booth in booths.items():
        key = f"booth-{raw_id}"
        try:
            pid = int(str(raw_id))
        except ValueError:
            c.add(key, "无效的参会企业")
            continue
        if pid not in approved:
            c.add(key, "不是本场招聘会已批准的参会企业")
            continue
        booth = c.field(key, _parse_booth, raw_booth)
        if booth is not None:
            wanted[pid] = booth
    final = {pid: wanted.get(pid, p.booth) for pid, p in approved.items()}
    holders: dict[str, list[int]] = defaultdict(list)
    for pid, booth in final.items():
        if booth:
            holders[booth].append(pid)
    for booth, pids in holders.items():
        if len(pids) > 1:
            names = "、".join(approved[p].employer.name for p in sorted(pids))
            for pid in pids:
                if pid in wanted:
                    c.add(f"booth-{pid}", f"展位号须唯一：展位 {booth} 同时分给了 {names}")
    c.done("展位分配有误，未保存任何展位")
    with transaction(session):
        # Clear first, then set: swapping two booths never meets the unique index half-way.
        changed = [pid for pid, booth in wanted.items() if approved[pid].booth != booth]
        for pid in changed:
            approved[pid].booth = ""
        session.flush()
        for pid in changed:
            approved[pid].booth = wanted[pid]
        try:
            session.flush()
        except IntegrityError:  # another clerk took one of these booths a moment ago
            raise Conflict("展位已被占用，请刷新后重试", fields={"booth": "展位号须唯一"}) from None
        audit.record(
            session, actor, "update", "fair_booths", fair.id, booths={str(p): wanted[p] for p in changed}
        )
    return participants(session, actor, fair.id)


# --- invitation lists per village -------------------------------------------------------------------------


@dataclass(frozen=True)
class VillageSummary:
    code: str
    name: str
    invited: int  # distinct workers
    invitations: int
    reached: int
    will_attend: int


@dataclass(frozen=True)
class InvitationRow:
    entry_id: int
    worker_id: int
    name: str
    id_number: str  # masked
    phone: str  # full for the coordinator of the village or above, else masked
    village_code: str
    village: str
    job_order_id: int
    title: str
    employer: str
    booth: str
    rank: int
    pinned: bool
    reached: bool
    answer: str
    note: str
    checked_in: bool
    away: str = ""  # placed or dispatched since the invitation (see away_workers)


def away_workers(session: Session, fair_id: int, worker_ids: Iterable[int]) -> dict[int, str]:
    """Invited workers who are no longer available: in work (an active placement, other than one this fair's
    own outcomes recorded) or in a dispatch batch that is not cancelled — ``{worker_id: what to print}``."""
    ids = sorted(set(worker_ids))
    if not ids:
        return {}
    own = select(FairOutcome.placement_id).where(
        FairOutcome.fair_id == fair_id, FairOutcome.placement_id.is_not(None)
    )
    away: dict[int, str] = {}
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for worker_id, employer, start in session.execute(
            select(Placement.worker_id, Placement.employer_name, Placement.start_date)
            .where(Placement.worker_id.in_(chunk), Placement.status == "active", Placement.id.not_in(own))
            .order_by(Placement.start_date)
        ):
            away[worker_id] = f"已就业：{employer}（{start.isoformat()}起）"
        for worker_id, name, departure in session.execute(
            select(DispatchMember.worker_id, DispatchBatch.name, DispatchBatch.departure_date)
            .join(DispatchBatch, DispatchBatch.id == DispatchMember.batch_id)
            .where(
                DispatchMember.worker_id.in_(chunk),
                DispatchBatch.status != "cancelled",
                DispatchMember.not_placed_reason == "",
            )
            .order_by(DispatchBatch.departure_date)
        ):
            away.setdefault(worker_id, f"已编入输出批次：{name}（{departure.isoformat()}出发）")
    return away


def _staff_worker_scope(actor: Actor, fair: Fair) -> ColumnElement[bool]:
    """The workers whose invitations this staff member works on: those their region covers."""
    policy.require(actor, "invitations", fair)
    return policy.filter_for(actor, Worker)


def villages(session: Session, actor: Actor, fair_id: int) -> list[VillageSummary]:
    """The villages (home regions) of the fair's invited workers that this staff member covers."""
    fair = get_fair(session, actor, fair_id)
    rows = session.execute(
        select(
            Worker.region_code,
            func.count(func.distinct(ShortlistEntry.worker_id)),
            func.count(ShortlistEntry.id),
            func.sum(case((ShortlistEntry.reached.is_(True), 1), else_=0)),
            func.sum(case((ShortlistEntry.answer == "will_attend", 1), else_=0)),
        )
        .join(Worker, Worker.id == ShortlistEntry.worker_id)
        .where(ShortlistEntry.fair_id == fair.id, _staff_worker_scope(actor, fair))
        .group_by(Worker.region_code)
        .order_by(Worker.region_code)
    )
    return [
        VillageSummary(code, reference.region_name(code, full=True), n, k, int(r or 0), int(a or 0))
        for code, n, k, r, a in rows
    ]


def invitation_list(
    session: Session,
    actor: Actor,
    fair_id: int,
    village_code: str | None,
    *,
    ip: str = "",
    action: str = "read",
) -> list[InvitationRow]:
    """The invitations of one village (or of every village the staff member covers), audited.

    Phones are shown in full only where the viewer's region covers the worker's village.
    """
    fair = get_fair(session, actor, fair_id)
    stmt = (
        select(ShortlistEntry, Worker, JobOrder)
        .join(Worker, Worker.id == ShortlistEntry.worker_id)
        .join(JobOrder, JobOrder.id == ShortlistEntry.job_order_id)
        .where(ShortlistEntry.fair_id == fair.id, _staff_worker_scope(actor, fair))
        .order_by(Worker.region_code, Worker.name, Worker.id, ShortlistEntry.rank)
    )
    if village_code:
        if not policy.can(actor, "read", Worker(region_code=village_code)):
            raise NotFound("该村不在您的管辖范围内")
        stmt = stmt.where(Worker.region_code == village_code)
    booths = booths_of(session, fair.id)
    checked = set(session.scalars(select(FairCheckIn.worker_id).where(FairCheckIn.fair_id == fair.id)))
    names: dict[int, str] = dict(session.execute(select(Employer.id, Employer.name)).all())
    rows: list[InvitationRow] = []
    full_phones: set[int] = set()
    found = session.execute(stmt).all()
    away = away_workers(session, fair.id, (worker.id for _e, worker, _o in found))
    for entry, worker, order in found:
        full = policy.sees(actor, "phone", worker)
        if full:
            full_phones.add(worker.id)
        rows.append(
            InvitationRow(
                entry_id=entry.id,
                worker_id=worker.id,
                name=worker.name,
                id_number=mask_id_number(worker.id_number),
                phone=worker.phone if full else mask_phone(worker.phone),
                village_code=worker.region_code,
                village=reference.region_name(worker.region_code, full=True),
                job_order_id=order.id,
                title=order.title,
                employer=names.get(order.employer_id, ""),
                booth=booths.get(order.employer_id, ""),
                rank=entry.rank,
                pinned=entry.pinned,
                reached=entry.reached,
                answer=entry.answer,
                note=entry.contact_note,
                checked_in=worker.id in checked,
                away=away.get(worker.id, ""),
            )
        )
    with transaction(session):
        audit.record(
            session,
            actor,
            action,
            "fair_invitations",
            fair.id,
            ip=ip,
            village=village_code or "",
            workers=len({r.worker_id for r in rows}),
            full_phones=len(full_phones),
        )
    return rows


def safe_cell(value: Any) -> Any:
    """A value for a spreadsheet cell: text that a spreadsheet would run as a formula is neutralised.

    >>> safe_cell("=1+1"), safe_cell("@SUM(A1)"), safe_cell("-3"), safe_cell("王"), safe_cell(5)
    ("'=1+1", "'@SUM(A1)", "'-3", '王', 5)
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def workbook_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """An .xlsx file of ``(title, header, rows)`` sheets; every text cell goes through :func:`safe_cell`."""
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for title, header, rows in sheets:
        ws = wb.create_sheet(title=title[:31])
        ws.append([safe_cell(h) for h in header])
        for row in rows:
            ws.append([safe_cell(v) for v in row])
        ws.freeze_panes = "A2"
        for col, name in enumerate(header, start=1):
            ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = max(
                10, len(str(name)) * 2 + 4
            )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


INVITATION_HEADER = (
    "村",
    "姓名",
    "身份证号（脱敏）",
    "手机号码",
    "岗位编号",
    "岗位",
    "企业",
    "展位",
    "是否联系上",
    "答复",
    "备注",
    "是否签到",
    "状态提示",
)


def invitation_xlsx(
    session: Session, actor: Actor, fair_id: int, village_code: str | None, *, ip: str = ""
) -> bytes:
    rows = invitation_list(session, actor, fair_id, village_code, ip=ip, action="export")
    return workbook_bytes(
        [
            (
                "邀约名单",
                INVITATION_HEADER,
                (
                    (
                        r.village,
                        r.name,
                        r.id_number,
                        r.phone,
                        r.job_order_id,
                        r.title,
                        r.employer,
                        r.booth,
                        "是" if r.reached else "否",
                        ANSWER_LABELS.get(r.answer, r.answer),
                        r.note,
                        "是" if r.checked_in else "否",
                        r.away,
                    )
                    for r in rows
                ),
            )
        ]
    )


def record_contact(session: Session, actor: Actor, entry_id: int, data: Mapping[str, Any]) -> ShortlistEntry:
    """Staff covering the worker record whether they reached them and the answer; the entry becomes pinned
    (staff have acted on it by hand, so regenerating the shortlists keeps it)."""
    reject_unknown(data, ("reached", "answer", "note"))
    entry = session.get(ShortlistEntry, entry_id)
    if entry is None:
        raise NotFound()
    get_fair(session, actor, entry.fair_id)
    policy.require(actor, "contact", entry)
    worker = entry.worker
    c = Collector()
    reached = c.field("reached", parse_bool, data.get("reached"))
    answer = c.field(
        "answer", parse_choice, data.get("answer"), ("", *INVITATION_ANSWERS), default="", label="答复"
    )
    note = c.field("note", parse_text, data.get("note"), required=False, max_len=255)
    if answer and not reached:
        c.add("reached", "有答复时应勾选“已联系上”")
    c.done()
    with transaction(session):
        entry.reached, entry.answer, entry.contact_note = bool(reached), answer or "", note or ""
        entry.contacted_by, entry.contacted_at, entry.pinned = actor.user_id, utcnow(), True
        audit.record(session, actor, "update", "fair_invitation", entry.id, worker_id=worker.id)
    return entry


# --- invitations: signed tokens for the QR code -------------------------------------------------------------


def invitation_token(secret_key: str, fair_id: int, worker_id: int) -> str:
    """A signed token naming (fair, worker), printed as a QR code on the invitation letter."""
    return URLSafeSerializer(secret_key, salt=TOKEN_SALT).dumps([fair_id, worker_id])


def read_token(secret_key: str, token: str) -> tuple[int, int]:
    try:
        data = URLSafeSerializer(secret_key, salt=TOKEN_SALT).loads(token.strip())
    except BadSignature:
        raise ValidationError("二维码无效或已被篡改", fields={"token": "签名不符"}) from None
    if (
        not isinstance(data, list)
        or len(data) != 2
        or not all(isinstance(x, int) and not isinstance(x, bool) for x in data)
    ):
        raise ValidationError("二维码无效", fields={"token": "内容不符"})
    return int(data[0]), int(data[1])


@dataclass(frozen=True)
class Letter:
    worker: Worker
    entries: list[tuple[JobOrder, str]]  # order and booth
    token: str
    away: str = ""  # placed or dispatched since the invitation: check before handing the letter out


def invitation_letters(
    session: Session,
    actor: Actor,
    fair_id: int,
    secret_key: str,
    *,
    village_code: str | None = None,
    worker_id: int | None = None,
) -> tuple[Fair, list[Letter]]:
    """One letter per invited worker (of a village, or one worker), listing their booths, with a QR token."""
    fair = get_fair(session, actor, fair_id)
    stmt = (
        select(ShortlistEntry, Worker, JobOrder)
        .join(Worker, Worker.id == ShortlistEntry.worker_id)
        .join(JobOrder, JobOrder.id == ShortlistEntry.job_order_id)
        .where(ShortlistEntry.fair_id == fair.id, _staff_worker_scope(actor, fair))
        .order_by(Worker.region_code, Worker.name, Worker.id, ShortlistEntry.rank)
    )
    if village_code:
        stmt = stmt.where(Worker.region_code == village_code)
    if worker_id:
        stmt = stmt.where(Worker.id == worker_id)
    booths = booths_of(session, fair.id)
    letters: dict[int, Letter] = {}
    found = session.execute(stmt).all()
    away = away_workers(session, fair.id, (worker.id for _e, worker, _o in found))
    for _entry, worker, order in found:
        letter = letters.get(worker.id)
        if letter is None:
            letter = letters[worker.id] = Letter(
                worker, [], invitation_token(secret_key, fair.id, worker.id), away.get(worker.id, "")
            )
        letter.entries.append((order, booths.get(order.employer_id, "")))
    if worker_id and not letters:
        raise NotFound("该人员未受邀参加本场招聘会")
    return fair, list(letters.values())


# --- fair day: check-in, walk-ins, outcomes -----------------------------------------------------------------

FAIR_DAY_RULE = "签到和现场结果只能在招聘会当天登记"


def fair_day_reason(
    actor: Actor, fair: Fair, override_reason: Any = None, *, today: date | None = None
) -> str:
    """The reason to record with a check-in or outcome: "" on the fair's date; on another day staff who manage
    the fair may record one with a reason (kept on the row), anyone else is refused."""
    today = today or date.today()
    if today == fair.date:
        return ""
    c = Collector()
    reason = c.field("override_reason", parse_text, override_reason, required=False, max_len=255)
    c.done()
    if not reason:
        raise ValidationError(
            f"{FAIR_DAY_RULE}（{fair.date.isoformat()}），今天是 {today.isoformat()}；"
            "人社部门工作人员补登或提前登记须填写理由",
            fields={"override_reason": f"{FAIR_DAY_RULE}，其他日期须填写理由"},
        )
    policy.require(actor, "override_fair_day", fair)
    return reason


def _fair_day(session: Session, actor: Actor, fair_id: int) -> Fair:
    """The fair, for staff who may run its check-in desk."""
    return policy.require(actor, "check_in", get_fair(session, actor, fair_id))


def find_for_check_in(
    session: Session, actor: Actor, fair_id: int, query: str, *, secret_key: str = ""
) -> list[Worker]:
    """Workers matching a phone number (11 digits), an ID tail (last 4–6 characters) or a scanned invitation
    (its token, or the check-in URL that carries it), among the workers this staff member may see."""
    fair = _fair_day(session, actor, fair_id)
    text = to_halfwidth(query or "").strip().replace(" ", "")
    if not text:
        raise ValidationError("请输入手机号、身份证后4–6位或扫描邀请函二维码", fields={"q": "必填"})
    if "/" in text or "." in text:
        token = text.rstrip("/").rsplit("/", 1)[-1]
        token_fair, worker_id = read_token(secret_key, token)
        if token_fair != fair.id:
            raise ValidationError("该邀请函不是本场招聘会的", fields={"q": "不是本场招聘会的邀请函"})
        return [policy.require(actor, "read", session.get(Worker, worker_id))]
    upper = text.upper()
    if upper.isdigit() and len(upper) == 11:
        cond = Worker.phone == upper
    elif 4 <= len(upper) <= 6 and upper[:-1].isdigit() and (upper[-1].isdigit() or upper[-1] == "X"):
        cond = Worker.id_number.endswith(upper)
    else:
        raise ValidationError(
            "无法识别：请输入11位手机号、身份证后4–6位，或扫描邀请函二维码", fields={"q": "格式不符"}
        )
    stmt = policy.scoped(actor, select(Worker), Worker).where(cond).order_by(Worker.name, Worker.id).limit(50)
    return list(session.scalars(stmt))


def check_in(
    session: Session,
    actor: Actor,
    fair_id: int,
    worker_id: int,
    *,
    method: str,
    walk_in: bool = False,
    override_reason: Any = None,
    today: date | None = None,
) -> tuple[FairCheckIn, bool]:
    """Record a worker's arrival on the fair's date (another day: staff, with a reason); returns
    ``(check-in, created)`` (checking in twice keeps the first)."""
    fair = _fair_day(session, actor, fair_id)
    if method not in CHECK_IN_METHODS:
        raise ValidationError("无效的签到方式", fields={"method": "无效"})
    worker = policy.require(actor, "read", session.get(Worker, worker_id))
    if fair.status == "cancelled":
        raise ValidationError("该招聘会已取消", fields={"fair_id": "已取消"})
    reason = fair_day_reason(actor, fair, override_reason, today=today)
    with transaction(session):
        row, created = _ensure_check_in(
            session, actor, fair.id, worker.id, method=method, walk_in=walk_in, reason=reason
        )
    return row, created


def _ensure_check_in(
    session: Session,
    actor: Actor,
    fair_id: int,
    worker_id: int,
    *,
    method: str,
    walk_in: bool = False,
    reason: str = "",
) -> tuple[FairCheckIn, bool]:
    row = session.scalar(
        select(FairCheckIn).where(FairCheckIn.fair_id == fair_id, FairCheckIn.worker_id == worker_id)
    )
    if row is not None:
        return row, False
    row = FairCheckIn(
        fair_id=fair_id,
        worker_id=worker_id,
        method=method,
        walk_in=walk_in,
        recorded_by=actor.user_id,
        off_day_reason=reason,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", "fair_check_in", row.id, fair_id=fair_id, worker_id=worker_id)
    return row, True


def check_in_by_token(
    session: Session,
    actor: Actor,
    fair_id: int,
    token: str,
    *,
    secret_key: str,
    override_reason: Any = None,
    today: date | None = None,
) -> tuple[FairCheckIn, bool]:
    token_fair, worker_id = read_token(secret_key, token)
    if token_fair != fair_id:
        raise ValidationError("该邀请函不是本场招聘会的", fields={"token": "不是本场招聘会的邀请函"})
    return check_in(
        session, actor, fair_id, worker_id, method="qr", override_reason=override_reason, today=today
    )


def register_walk_in(
    session: Session,
    actor: Actor,
    fair_id: int,
    data: Mapping[str, Any],
    *,
    override_reason: Any = None,
    today: date | None = None,
) -> tuple[Worker, bool]:
    """Register a walk-in on the spot (``workers.create_worker``) and check them in.

    Someone already registered (same ID number) is checked in instead; returns ``(worker, newly registered)``.
    """
    fair = _fair_day(session, actor, fair_id)
    fair_day_reason(actor, fair, override_reason, today=today)  # refuse before registering anyone
    try:
        worker = create_worker(session, actor, data)
        created = True
    except Conflict as err:
        if "id_number" not in err.fields:
            raise
        number = parse_id_number(data.get("id_number")).number
        worker = policy.require(
            actor, "read", session.scalar(select(Worker).where(Worker.id_number == number))
        )
        created = False
    check_in(
        session,
        actor,
        fair.id,
        worker.id,
        method="walk_in",
        walk_in=created,
        override_reason=override_reason,
        today=today,
    )
    return worker, created


def _outcome_actor_check(session: Session, actor: Actor, fair: Fair, order: JobOrder, worker: Worker) -> None:
    """May ``actor`` record an outcome of ``worker`` at ``order``'s booth. One who may not open the worker's
    record (an employer, at its own booth, for a consenting worker) records only the fair's invitees and
    arrivals; anything else answers as if absent."""
    policy.require(actor, "create", FairOutcome)
    if not policy.can(actor, "create", policy.Subject("fair_outcome", job_order=order, worker=worker)):
        raise NotFound()
    if not policy.can(actor, "read", worker):
        known = session.scalar(
            select(true()).where(
                or_(
                    select(ShortlistEntry.id)
                    .where(ShortlistEntry.fair_id == fair.id, ShortlistEntry.worker_id == worker.id)
                    .exists(),
                    select(FairCheckIn.id)
                    .where(FairCheckIn.fair_id == fair.id, FairCheckIn.worker_id == worker.id)
                    .exists(),
                )
            )
        )
        if not known:
            raise NotFound("该人员既未受邀也未签到")


def record_outcome(
    session: Session,
    actor: Actor,
    fair_id: int,
    job_order_id: int,
    worker_id: int,
    outcome: Any,
    *,
    start_date: date | None = None,
    override_reason: Any = None,
    today: date | None = None,
) -> FairOutcome:
    """What came of a worker at a booth, on the fair's date (another day: staff, with a reason); writes the
    match state back, and ``hired`` records a placement (source ``fair``) in the same transaction. The worker
    is checked in if they were not yet. An offer or hire on a public-welfare post needs an eligible worker."""
    fair = get_fair(session, actor, fair_id)
    c = Collector()
    value = c.field("outcome", parse_choice, outcome, list(FAIR_OUTCOMES), label="结果")
    c.done()
    assert value is not None
    in_fair = session.scalar(
        select(FairJobOrder.id).where(
            FairJobOrder.fair_id == fair.id, FairJobOrder.job_order_id == job_order_id
        )
    )
    order = session.get(JobOrder, job_order_id)
    if in_fair is None or order is None:
        raise NotFound("该岗位不在本场招聘会中")
    worker = session.get(Worker, worker_id)
    if worker is None:
        raise NotFound()
    _outcome_actor_check(session, actor, fair, order, worker)
    reason = fair_day_reason(actor, fair, override_reason, today=today)
    if value in ("offer", "hired"):
        check_placeable(worker, order)
    row = session.scalar(
        select(FairOutcome).where(
            FairOutcome.fair_id == fair.id,
            FairOutcome.job_order_id == order.id,
            FairOutcome.worker_id == worker.id,
        )
    )
    if row is not None and row.outcome == "hired" and value != "hired":
        raise Conflict("已录用并登记就业，如需更正请在就业记录中登记离职", fields={"outcome": "已录用"})
    entry = session.scalar(
        select(ShortlistEntry).where(
            ShortlistEntry.fair_id == fair.id,
            ShortlistEntry.job_order_id == order.id,
            ShortlistEntry.worker_id == worker.id,
        )
    )
    with transaction(session):
        _ensure_check_in(session, actor, fair.id, worker.id, method="booth", reason=reason)
        previous = row.outcome if row is not None else None
        if row is None:
            row = FairOutcome(fair_id=fair.id, job_order_id=order.id, worker_id=worker.id, outcome=value)
            session.add(row)
        row.outcome, row.recorded_by, row.off_day_reason = value, actor.user_id, reason
        match = session.scalar(
            select(Match).where(Match.job_order_id == order.id, Match.worker_id == worker.id)
        )
        if match is None:
            match = Match(
                job_order_id=order.id,
                worker_id=worker.id,
                score=entry.score if entry else 0.0,
                rank=entry.rank if entry else 0,
                breakdown={},
                reasons=list(entry.reasons) if entry else [],
            )
            session.add(match)
        match.state = FAIR_OUTCOMES[value]
        if value == "hired" and previous != "hired":
            payload: dict[str, Any] = {"worker_id": worker.id, "job_order_id": order.id, "source": "fair"}
            if start_date is not None:
                payload["start_date"] = start_date
            session.flush()
            placement = record_placement(session, actor, payload, commit=False)
            row.placement_id = placement.id
        session.flush()
        audit.record(session, actor, "update", "fair_outcome", row.id, worker_id=worker.id, outcome=value)
    return row


@dataclass(frozen=True)
class BoothRow:
    worker: Worker
    invited: bool
    rank: int | None
    answer: str
    checked_in: bool
    outcome: str
    away: str = ""


def booth_sheet(
    session: Session, actor: Actor, fair_id: int, job_order_id: int
) -> tuple[Fair, JobOrder, list[BoothRow], list[Worker]]:
    """One booth on fair day: the invited workers (best first), others who recorded an outcome, and the
    checked-in workers the booth may still record (the fair's arrivals not yet on this list)."""
    fair = get_fair(session, actor, fair_id)
    order = session.get(JobOrder, job_order_id)
    in_fair = session.scalar(
        select(FairJobOrder.id).where(
            FairJobOrder.fair_id == fair.id, FairJobOrder.job_order_id == job_order_id
        )
    )
    if order is None or in_fair is None:
        raise NotFound("该岗位不在本场招聘会中")
    policy.require(actor, "read", order)
    policy.require(actor, "list", FairOutcome)
    checked = set(session.scalars(select(FairCheckIn.worker_id).where(FairCheckIn.fair_id == fair.id)))
    # Every list of the booth shows only the workers the registry lets this actor read there (staff: those
    # they cover; the employer: consenting workers).
    outcomes = dict(
        session.execute(
            select(FairOutcome.worker_id, FairOutcome.outcome).where(
                FairOutcome.fair_id == fair.id,
                FairOutcome.job_order_id == order.id,
                policy.filter_for(actor, FairOutcome),
            )
        ).all()
    )
    rows: list[BoothRow] = []
    seen: set[int] = set()
    for entry in session.scalars(
        select(ShortlistEntry)
        .where(
            ShortlistEntry.fair_id == fair.id,
            ShortlistEntry.job_order_id == order.id,
            policy.filter_for(actor, ShortlistEntry),
        )
        .order_by(ShortlistEntry.rank, ShortlistEntry.worker_id)
    ):
        seen.add(entry.worker_id)
        rows.append(
            BoothRow(
                entry.worker,
                True,
                entry.rank,
                entry.answer,
                entry.worker_id in checked,
                outcomes.get(entry.worker_id, ""),
            )
        )
    extra_ids = [w for w in outcomes if w not in seen]
    for worker in session.scalars(select(Worker).where(Worker.id.in_(extra_ids)).order_by(Worker.id)):
        seen.add(worker.id)
        rows.append(BoothRow(worker, False, None, "", worker.id in checked, outcomes[worker.id]))
    arrivals: list[Worker] = []
    if policy.can(actor, "list", FairCheckIn):
        stmt = (
            select(Worker)
            .join(FairCheckIn, FairCheckIn.worker_id == Worker.id)
            .where(FairCheckIn.fair_id == fair.id, policy.filter_for(actor, Worker))
            .order_by(FairCheckIn.checked_in_at.desc(), Worker.id)
        )
        arrivals = [w for w in session.scalars(stmt) if w.id not in seen]
    away = away_workers(session, fair.id, (r.worker.id for r in rows))
    rows = [dataclasses.replace(r, away=away[r.worker.id]) if r.worker.id in away else r for r in rows]
    return fair, order, rows, arrivals


def check_ins(
    session: Session, actor: Actor, fair_id: int, *, limit: int = 100
) -> tuple[int, list[FairCheckIn]]:
    """How many have checked in, and the latest arrivals this staff member may see."""
    fair = _fair_day(session, actor, fair_id)
    total = (
        session.scalar(select(func.count()).select_from(FairCheckIn).where(FairCheckIn.fair_id == fair.id))
        or 0
    )
    rows = session.scalars(
        select(FairCheckIn)
        .where(FairCheckIn.fair_id == fair.id, policy.filter_for(actor, FairCheckIn))
        .order_by(FairCheckIn.checked_in_at.desc(), FairCheckIn.id.desc())
        .limit(limit)
    ).all()
    return total, list(rows)


# --- the fair report ----------------------------------------------------------------------------------------

REPORT_COLUMNS = ("invited", "attended", "interviewed", "intentions", "hired")
REPORT_LABELS = {
    "invited": N_("邀约人数"),
    "attended": N_("到场人数"),
    "interviewed": N_("面试人数"),
    "intentions": N_("达成意向"),
    "hired": N_("录用人数"),
}


@dataclass
class ReportRow:
    key: str
    label: str
    invited: int = 0
    attended: int = 0
    interviewed: int = 0
    intentions: int = 0
    hired: int = 0

    def values(self) -> list[int]:
        return [getattr(self, c) for c in REPORT_COLUMNS]


@dataclass
class FairReport:
    fair: Fair
    totals: ReportRow
    by_county: list[ReportRow] = field(default_factory=list)
    by_employer: list[ReportRow] = field(default_factory=list)


def fair_report(session: Session, actor: Actor, fair_id: int) -> FairReport:
    """Invited, attended, interviewed, intentions reached (达成意向 = offer or hired) and hired — distinct workers,
    in total, by the worker's home county and by employer (an employer's "attended" counts its invitees and
    anyone with an outcome at its booths who checked in). Counts only: no personal data."""
    fair = policy.require(actor, "report", get_fair(session, actor, fair_id))
    home: dict[int, str] = {}
    invited: dict[int, set[int]] = defaultdict(set)  # worker -> employers
    for worker_id, region, employer_id in session.execute(
        select(ShortlistEntry.worker_id, Worker.region_code, JobOrder.employer_id)
        .join(Worker, Worker.id == ShortlistEntry.worker_id)
        .join(JobOrder, JobOrder.id == ShortlistEntry.job_order_id)
        .where(ShortlistEntry.fair_id == fair.id)
    ):
        home[worker_id] = region
        invited[worker_id].add(employer_id)
    attended: set[int] = set()
    for worker_id, region in session.execute(
        select(FairCheckIn.worker_id, Worker.region_code)
        .join(Worker, Worker.id == FairCheckIn.worker_id)
        .where(FairCheckIn.fair_id == fair.id)
    ):
        home[worker_id] = region
        attended.add(worker_id)
    outcomes: dict[int, list[tuple[int, str]]] = defaultdict(list)  # worker -> (employer, outcome)
    for worker_id, region, employer_id, outcome in session.execute(
        select(FairOutcome.worker_id, Worker.region_code, JobOrder.employer_id, FairOutcome.outcome)
        .join(Worker, Worker.id == FairOutcome.worker_id)
        .join(JobOrder, JobOrder.id == FairOutcome.job_order_id)
        .where(FairOutcome.fair_id == fair.id)
    ):
        home[worker_id] = region
        outcomes[worker_id].append((employer_id, outcome))

    totals = ReportRow("total", "合计")
    counties: dict[str, ReportRow] = {}
    employers: dict[int, ReportRow] = {}
    names = dict(session.execute(select(Employer.id, Employer.name)).all())
    for emp in session.scalars(
        select(FairParticipant.employer_id).where(
            FairParticipant.fair_id == fair.id, FairParticipant.status == "approved"
        )
    ):
        employers[emp] = ReportRow(str(emp), names.get(emp, str(emp)))

    def employer_row(emp: int) -> ReportRow:
        if emp not in employers:
            employers[emp] = ReportRow(str(emp), names.get(emp, str(emp)))
        return employers[emp]

    for worker_id, region in home.items():
        county = county_of(region)
        crow = counties.get(county)
        if crow is None:
            crow = counties[county] = ReportRow(county, reference.region_name(county, full=True))
        got = outcomes.get(worker_id, [])
        flags = {
            "invited": worker_id in invited,
            "attended": worker_id in attended,
            "interviewed": bool(got),
            "intentions": any(o in ("offer", "hired") for _e, o in got),
            "hired": any(o == "hired" for _e, o in got),
        }
        for row in (totals, crow):
            for name, on in flags.items():
                if on:
                    setattr(row, name, getattr(row, name) + 1)
        per_employer: dict[int, set[str]] = defaultdict(set)
        for emp in invited.get(worker_id, ()):
            per_employer[emp].add("invited")
            if worker_id in attended:
                per_employer[emp].add("attended")
        for emp, outcome in got:
            marks = per_employer[emp]
            marks.add("interviewed")
            if worker_id in attended:
                marks.add("attended")
            if outcome in ("offer", "hired"):
                marks.add("intentions")
            if outcome == "hired":
                marks.add("hired")
        for emp, marks in per_employer.items():
            erow = employer_row(emp)
            for name in marks:
                setattr(erow, name, getattr(erow, name) + 1)
    return FairReport(
        fair=fair,
        totals=totals,
        by_county=[counties[k] for k in sorted(counties)],
        by_employer=sorted(employers.values(), key=lambda r: (-r.hired, -r.invited, r.label)),
    )


def report_xlsx(session: Session, actor: Actor, fair_id: int, *, ip: str = "") -> bytes:
    report = fair_report(session, actor, fair_id)
    header = ["", *(REPORT_LABELS[c] for c in REPORT_COLUMNS)]
    with transaction(session):
        audit.record(session, actor, "export", "fair_report", report.fair.id, ip=ip)
    return workbook_bytes(
        [
            (
                "按县区",
                ["县区", *header[1:]],
                [[r.label, *r.values()] for r in [*report.by_county, report.totals]],
            ),
            (
                "按企业",
                ["企业", *header[1:]],
                [[r.label, *r.values()] for r in [*report.by_employer, report.totals]],
            ),
        ]
    )


def joinable_orders(session: Session, actor: Actor, fair_id: int) -> list[JobOrder]:
    """An employer's own open orders that are not on the fair yet (what it may ask to bring)."""
    if not policy.can(actor, "join", Fair):
        return []
    on_fair = select(FairJobOrder.job_order_id).where(FairJobOrder.fair_id == fair_id)
    return list(
        session.scalars(
            select(JobOrder)
            .where(
                policy.filter_for(actor, JobOrder, "update"),
                JobOrder.status == "open",
                JobOrder.id.not_in(on_fair),
            )
            .order_by(JobOrder.id)
        )
    )


def entry_fair_id(session: Session, entry_id: int) -> int:
    fair_id = session.scalar(select(ShortlistEntry.fair_id).where(ShortlistEntry.id == entry_id))
    if fair_id is None:
        raise NotFound()
    return int(fair_id)


def checked_in_ids(session: Session, fair_id: int, worker_ids: Iterable[int]) -> set[int]:
    ids = list(worker_ids)
    if not ids:
        return set()
    return set(
        session.scalars(
            select(FairCheckIn.worker_id).where(
                FairCheckIn.fair_id == fair_id, FairCheckIn.worker_id.in_(ids)
            )
        )
    )
