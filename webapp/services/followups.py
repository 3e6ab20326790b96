"""Follow-up visits (跟踪回访) after a placement, and the end of a placement.

A placement schedules its visits in the same transaction (``config/followups.toml``: by default 1 week, 1, 3
and 6 months after the start date). Each visit is assigned to the coordinator of the worker's village: an active
staff user whose region is that village (村级协管员), or else the nearest staff up the tree (township, then
county). A visit nobody could be assigned to stays unassigned and visible to the staff above; the daily
reminder job assigns it as soon as a coordinator account exists.

Outcomes update the worker: "still employed" keeps them employed (the wage now is kept on the visit and shown in
the ledger); "left" ends the placement (status ``left``, ``ended_on``, ``end_reason``), cancels its remaining
visits and returns the worker to the seeking pool with ``updated_at`` set, so that the nightly re-rank matches
them again. The job order's ``filled`` count is **not** decremented: the post was filled once, and the
employer's headcount counts hires, not people still there (re-opening a post is the employer's decision, an
edit of the order). Visits do not depend on the registered-poor flag, so they continue after a household leaves
poverty (四不摘).
"""

from __future__ import annotations

import calendar
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

import config
from webapp import policy
from webapp.errors import Conflict, NotFound, ValidationError
from webapp.models import Placement, User, Worker, utcnow
from webapp.models.followups import FOLLOW_UP_OUTCOMES, FollowUp, FollowUpReminder
from webapp.services import audit, reference, transaction
from webapp.services.scope import Actor, region_prefix
from webapp.services.validation import (
    Collector,
    mask_id_number,
    parse_choice,
    parse_date,
    parse_int,
    parse_text,
    reject_unknown,
)
from webapp.services.workers import Page

OUTCOME_FIELDS = ("outcome", "visited_on", "wage_now", "left_on", "left_reason", "note")
END_FIELDS = ("ended_on", "reason")


@dataclass(frozen=True)
class Visit:
    """One entry of the schedule: ``count`` ``unit``\\ s (day, week, month) after the start date."""

    key: str
    name_zh: str
    name_en: str
    count: int
    unit: str


@cache
def schedule() -> tuple[Visit, ...]:
    """The visits of ``config/followups.toml``, in order."""
    return tuple(
        Visit(v["key"], v["name_zh"], v["name_en"], v["count"], v["unit"])
        for v in config.load_followup_settings()["visits"]
    )


@cache
def reminder_settings() -> dict[str, int]:
    return dict(config.load_followup_settings()["reminders"])


def visit_names() -> dict[str, str]:
    """``visit_key`` → Chinese name, for the pages and the ledger."""
    return {v.key: v.name_zh for v in schedule()}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the last day of that month.

    >>> add_months(date(2026, 1, 31), 1), add_months(date(2026, 11, 15), 3)
    (datetime.date(2026, 2, 28), datetime.date(2027, 2, 15))
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(start: date, visit: Visit) -> date:
    """When ``visit`` is due for a placement that started on ``start``.

    >>> due_date(date(2026, 1, 31), Visit("m1", "", "", 1, "month")), due_date(date(2026, 1, 1), Visit("w1", "", "", 1, "week"))
    (datetime.date(2026, 2, 28), datetime.date(2026, 1, 8))
    """
    if visit.unit == "month":
        return add_months(start, visit.count)
    return start + timedelta(days=visit.count * (7 if visit.unit == "week" else 1))


def overdue_cutoff(today: date) -> date:
    """Visits due before this day and not made are overdue."""
    return today - timedelta(days=reminder_settings()["overdue_after_days"])


def _coordinator_chain(region_code: str) -> list[str]:
    """The worker's region and its ancestors down to the county, nearest first.

    >>> _coordinator_chain("410923201001"), _coordinator_chain("410923")
    (['410923201001', '410923201', '410923'], ['410923'])
    """
    return [region_code[:n] for n in (12, 9, 6) if len(region_code) >= n]


def find_coordinators(session: Session, region_codes: Iterable[str]) -> dict[str, int | None]:
    """For each home region, the user who follows its workers up (``None`` when no staff is near enough)."""
    codes = set(region_codes)
    chains = {code: _coordinator_chain(code) for code in codes}
    wanted = {c for chain in chains.values() for c in chain}
    best: dict[str, int] = {}
    if wanted:
        rows = session.execute(
            select(User.id, User.region_code)
            .filter_by(role=policy.STAFF_ACCOUNT, active=True)
            .where(User.region_code.in_(wanted))
            .order_by(User.id)
        )
        for user_id, code in rows:
            best.setdefault(code, user_id)
    return {code: next((best[c] for c in chain if c in best), None) for code, chain in chains.items()}


def schedule_visits(
    session: Session, placement: Placement, worker: Worker, *, visits: Sequence[Visit] | None = None
) -> list[FollowUp]:
    """Add the follow-up visits of a new placement to the session (the caller's transaction commits them)."""
    assignee = find_coordinators(session, [worker.region_code])[worker.region_code]
    rows = [
        FollowUp(
            placement_id=placement.id,
            worker_id=worker.id,
            visit_key=visit.key,
            sequence=number,
            due_on=due_date(placement.start_date, visit),
            assignee_id=assignee,
            status="scheduled",
        )
        for number, visit in enumerate(visits if visits is not None else schedule(), start=1)
    ]
    session.add_all(rows)
    return rows


# --- reading ----------------------------------------------------------------------------------------------


def _require_reader(actor: Actor) -> None:
    """Follow-up pages and lists are the bureau's: staff (scoped to the workers they cover) and admins."""
    policy.require(actor, "list", FollowUp)


def get_visit(session: Session, actor: Actor, visit_id: int) -> FollowUp:
    _require_reader(actor)
    visit = session.get(FollowUp, visit_id)
    if visit is None:
        raise NotFound()
    return policy.require(actor, "read", visit)


def visit_state(visit: FollowUp, today: date) -> str:
    """``done``, ``cancelled``, ``overdue``, ``due_soon`` or ``scheduled`` (for badges and the ledger)."""
    if visit.status != "scheduled":
        return visit.status
    if visit.due_on < overdue_cutoff(today):
        return "overdue"
    if visit.due_on <= today + timedelta(days=reminder_settings()["days_before"]):
        return "due_soon"
    return "scheduled"


def list_visits(
    session: Session,
    actor: Actor,
    *,
    state: str | None = None,
    assignee_id: int | None = None,
    unassigned: bool = False,
    region_code: str | None = None,
    today: date | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    """Visits of workers this actor may see, soonest due first.

    ``state``: ``open`` (scheduled), ``overdue``, ``due_soon`` (due within the reminder window, not overdue),
    ``done`` or ``cancelled``.
    """
    _require_reader(actor)
    today = today or date.today()
    stmt = (
        select(FollowUp)
        .join(Worker, FollowUp.worker_id == Worker.id)
        .where(policy.filter_for(actor, FollowUp))
    )
    cutoff = overdue_cutoff(today)
    horizon = today + timedelta(days=reminder_settings()["days_before"])
    if state == "open":
        stmt = stmt.where(FollowUp.status == "scheduled")
    elif state == "overdue":
        stmt = stmt.where(FollowUp.status == "scheduled", FollowUp.due_on < cutoff)
    elif state == "due_soon":
        stmt = stmt.where(
            FollowUp.status == "scheduled", FollowUp.due_on >= cutoff, FollowUp.due_on <= horizon
        )
    elif state in ("done", "cancelled"):
        stmt = stmt.where(FollowUp.status == state)
    if assignee_id is not None:
        stmt = stmt.where(FollowUp.assignee_id == assignee_id)
    if unassigned:
        stmt = stmt.where(FollowUp.assignee_id.is_(None))
    if region_code:
        stmt = stmt.where(Worker.region_code.startswith(region_prefix(region_code)))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    order = (
        (FollowUp.visited_on.desc(), FollowUp.id.desc())
        if state == "done"
        else (FollowUp.due_on, FollowUp.id)
    )
    rows = session.scalars(stmt.order_by(*order).offset((page - 1) * per_page).limit(per_page)).all()
    return Page(list(rows), total, page, per_page)


@dataclass(frozen=True)
class CoordinatorLoad:
    """One line of the overdue list: a coordinator (or nobody) and their open visits."""

    assignee_id: int | None
    name: str
    region_code: str | None
    overdue: int
    due_soon: int
    oldest_due: date | None


def overdue_by_coordinator(
    session: Session, actor: Actor, *, today: date | None = None
) -> list[CoordinatorLoad]:
    """Overdue and due-soon visits per coordinator (unassigned ones under ``None``), most overdue first."""
    _require_reader(actor)
    today = today or date.today()
    cutoff = overdue_cutoff(today)
    horizon = today + timedelta(days=reminder_settings()["days_before"])
    is_overdue = FollowUp.due_on < cutoff
    rows = session.execute(
        select(
            FollowUp.assignee_id,
            func.count(FollowUp.id).filter(is_overdue),
            func.count(FollowUp.id).filter(FollowUp.due_on >= cutoff),
            func.min(FollowUp.due_on).filter(is_overdue),
        )
        .join(Worker, FollowUp.worker_id == Worker.id)
        .where(policy.filter_for(actor, FollowUp), FollowUp.status == "scheduled", FollowUp.due_on <= horizon)
        .group_by(FollowUp.assignee_id)
    ).all()
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_([r[0] for r in rows if r[0]])))}
    loads = []
    for assignee_id, overdue, due_soon, oldest in rows:
        user = users.get(assignee_id) if assignee_id else None
        loads.append(
            CoordinatorLoad(
                assignee_id,
                (user.display_name or user.username) if user else "",
                user.region_code if user else None,
                int(overdue or 0),
                int(due_soon or 0),
                oldest,
            )
        )
    loads.sort(key=lambda c: (-c.overdue, c.oldest_due or date.max, -c.due_soon, c.assignee_id or 0))
    return loads


def latest_reminder(session: Session, user_id: int) -> FollowUpReminder | None:
    return session.scalar(
        select(FollowUpReminder)
        .where(FollowUpReminder.user_id == user_id)
        .order_by(FollowUpReminder.sent_on.desc())
        .limit(1)
    )


def visits_of_placement(session: Session, placement_id: int) -> list[FollowUp]:
    return list(
        session.scalars(
            select(FollowUp).where(FollowUp.placement_id == placement_id).order_by(FollowUp.sequence)
        )
    )


# --- writing ----------------------------------------------------------------------------------------------


def _end(session: Session, placement: Placement, ended_on: date, reason: str) -> int:
    """End a placement: the worker seeks again and is re-matched; visits not yet made (overdue ones too) are
    cancelled, so that nobody is sent to follow up a job that is over."""
    placement.status = "left"
    placement.ended_on = ended_on
    placement.end_reason = reason
    worker = placement.worker
    worker.status = "seeking"
    worker.updated_at = utcnow()  # the nightly re-rank picks up workers changed since they were ranked
    return session.execute(
        update(FollowUp)
        .where(FollowUp.placement_id == placement.id, FollowUp.status == "scheduled")
        .values(status="cancelled")
        .execution_options(synchronize_session="fetch")
    ).rowcount


def _validate_outcome(data: Mapping[str, Any], placement: Placement, today: date) -> dict[str, Any]:
    reject_unknown(data, OUTCOME_FIELDS)
    c = Collector()
    out: dict[str, Any] = {
        "outcome": c.field(
            "outcome", parse_choice, data.get("outcome"), FOLLOW_UP_OUTCOMES, label="回访结果"
        ),
        "visited_on": c.field("visited_on", parse_date, data.get("visited_on")) or today,
        "wage_now": c.field("wage_now", parse_int, data.get("wage_now"), minimum=0, maximum=200000),
        "left_on": c.field("left_on", parse_date, data.get("left_on")),
        "left_reason": c.field(
            "left_reason", parse_text, data.get("left_reason"), required=False, max_len=255
        ),
        "note": c.field("note", parse_text, data.get("note"), required=False, max_len=2000),
    }
    visited = out["visited_on"]
    if visited > today:
        c.add("visited_on", "回访日期不能晚于今天")
    elif visited < placement.start_date:
        c.add("visited_on", "回访日期不能早于上岗日期")
    if out["outcome"] == "left":
        if not out["left_reason"]:
            c.add("left_reason", "必填：请说明离职原因")
        left_on = out["left_on"] or visited
        if left_on < placement.start_date:
            c.add("left_on", "离职日期不能早于上岗日期")
        elif left_on > visited:
            c.add("left_on", "离职日期不能晚于回访日期")
        out["left_on"] = left_on
    c.done()
    return out


def record_outcome(
    session: Session, actor: Actor, visit_id: int, data: Mapping[str, Any], *, today: date | None = None
) -> FollowUp:
    """Record what a visit found; "left" ends the placement (see the module docstring)."""
    today = today or date.today()
    visit = get_visit(session, actor, visit_id)
    if visit.status != "scheduled":
        raise Conflict("该回访已登记或已取消", fields={"outcome": "该回访已登记或已取消"})
    placement = visit.placement
    values = _validate_outcome(data, placement, today)
    if placement.status != "active" and values["outcome"] != "unreachable":
        raise Conflict("该就业记录已结束", fields={"outcome": "该人员已离岗，请登记为联系不上或取消"})
    with transaction(session):
        visit.status = "done"
        visit.outcome = values["outcome"]
        visit.visited_on = values["visited_on"]
        visit.wage_now = values["wage_now"]
        visit.left_reason = values["left_reason"] or ""
        visit.note = values["note"] or ""
        visit.recorded_by = actor.user_id
        visit.recorded_at = utcnow()
        if values["outcome"] == "left":
            _end(session, placement, values["left_on"], values["left_reason"])
        elif values["outcome"] == "employed" and visit.worker.status != "employed":
            visit.worker.status = "employed"
        audit.record(
            session,
            actor,
            "update",
            "follow_up",
            visit.id,
            outcome=values["outcome"],
            worker_id=visit.worker_id,
        )
    return visit


def get_placement(session: Session, actor: Actor, placement_id: int) -> Placement:
    _require_reader(actor)
    placement = session.get(Placement, placement_id)
    if placement is None:
        raise NotFound()
    return policy.require(actor, "read", placement)


def end_placement(
    session: Session, actor: Actor, placement_id: int, data: Mapping[str, Any], *, today: date | None = None
) -> Placement:
    """Record that a worker left a job (reported without a visit)."""
    today = today or date.today()
    placement = get_placement(session, actor, placement_id)
    reject_unknown(data, END_FIELDS)
    c = Collector()
    ended_on = c.field("ended_on", parse_date, data.get("ended_on")) or today
    reason = c.field("reason", parse_text, data.get("reason"), max_len=255, label="离职原因")
    if ended_on > today:
        c.add("ended_on", "离职日期不能晚于今天")
    elif ended_on < placement.start_date:
        c.add("ended_on", "离职日期不能早于上岗日期")
    c.done()
    if placement.status != "active":
        raise Conflict("该就业记录已结束", fields={"ended_on": "已结束"})
    with transaction(session):
        cancelled = _end(session, placement, ended_on, reason or "")
        audit.record(
            session, actor, "update", "placement", placement.id, ended=True, cancelled_visits=cancelled
        )
    return placement


def resolve_worker(session: Session, actor: Actor, reference_text: Any) -> int:
    """The worker a clerk means by their system number or their full ID number (within the actor's scope)."""
    text = str(reference_text or "").strip().upper()
    if not text:
        raise ValidationError("请填写求职人员", fields={"worker": "必填：请输入人员编号或身份证号码"})
    worker = None
    if text.isdigit() and len(text) <= 9:
        worker = session.get(Worker, int(text))
    elif len(text) == 18:
        worker = session.scalar(select(Worker).where(Worker.id_number == text))
    if worker is None or not policy.can(actor, "read", worker):
        raise ValidationError(
            "未找到该求职人员",
            fields={"worker": "未找到该人员（或不在您的管辖范围内），请核对编号或身份证号码"},
        )
    return worker.id


def record_placement_for(session: Session, actor: Actor, data: Mapping[str, Any]) -> Placement:
    """The placement page: like ``placements.record_placement`` but naming the worker as a clerk types it."""
    from webapp.services.placements import record_placement

    values = {k: v for k, v in data.items() if k != "worker" and v not in (None, "")}
    values["worker_id"] = resolve_worker(session, actor, data.get("worker"))
    return record_placement(session, actor, values)


def send_reminders(session: Session, *, today: date | None = None) -> dict[str, int]:
    """The daily reminder: assign visits that had no coordinator, then one reminder per coordinator listing
    their visits due within ``days_before`` days and those overdue. Running it twice a day changes nothing."""
    today = today or date.today()
    settings = reminder_settings()
    horizon = today + timedelta(days=settings["days_before"])
    cutoff = overdue_cutoff(today)
    with transaction(session):
        assigned = _assign_unassigned(session)
        rows = session.execute(
            select(FollowUp.id, FollowUp.assignee_id, FollowUp.due_on)
            .where(FollowUp.status == "scheduled", FollowUp.due_on <= horizon)
            .order_by(FollowUp.due_on, FollowUp.id)
        ).all()
        per_user: dict[int, list[tuple[int, date]]] = defaultdict(list)
        unassigned = 0
        for visit_id, assignee_id, due_on in rows:
            if assignee_id is None:
                unassigned += 1
            else:
                per_user[assignee_id].append((visit_id, due_on))
        already = set(
            session.scalars(select(FollowUpReminder.user_id).where(FollowUpReminder.sent_on == today))
        )
        sent = 0
        for user_id, visits in per_user.items():
            if user_id in already:
                continue
            overdue = sum(1 for _id, due in visits if due < cutoff)
            session.add(
                FollowUpReminder(
                    user_id=user_id,
                    sent_on=today,
                    due_soon=len(visits) - overdue,
                    overdue=overdue,
                    follow_up_ids=[visit_id for visit_id, _due in visits],
                )
            )
            sent += 1
        reminded_ids = [visit_id for visits in per_user.values() for visit_id, _due in visits]
        for start in range(0, len(reminded_ids), 500):
            session.execute(
                update(FollowUp)
                .where(FollowUp.id.in_(reminded_ids[start : start + 500]))
                .values(reminded_on=today)
                .execution_options(synchronize_session=False)
            )
    overdue_total = sum(1 for _id, _a, due in rows if due < cutoff)
    return {
        "reminders": sent,
        "visits": len(rows),
        "overdue": overdue_total,
        "unassigned": unassigned,
        "assigned": assigned,
    }


def _assign_unassigned(session: Session) -> int:
    pending = session.execute(
        select(FollowUp.id, Worker.region_code)
        .join(Worker, FollowUp.worker_id == Worker.id)
        .where(FollowUp.status == "scheduled", FollowUp.assignee_id.is_(None))
    ).all()
    if not pending:
        return 0
    coordinators = find_coordinators(session, {code for _id, code in pending})
    count = 0
    for visit_id, code in pending:
        user_id = coordinators[code]
        if user_id is not None:
            session.execute(update(FollowUp).where(FollowUp.id == visit_id).values(assignee_id=user_id))
            count += 1
    return count


# --- village coordinators -----------------------------------------------------------------------------


#: Initial passwords use letters and digits that cannot be misread on a printed list (no 0/o, 1/l/i).
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
COORDINATOR_SHEET_HEADER = ("用户名", "村", "初始密码", "行政区划代码")


@dataclass(frozen=True)
class CoordinatorCredential:
    """A new coordinator account and its initial password: shown (or printed) once, never stored in clear."""

    username: str
    region_code: str
    village: str
    password: str


def _random_text(length: int) -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def initial_password() -> str:
    """Twelve random characters in three groups, about 59 bits: e.g. ``k7mp-2xqr-9tvw``."""
    return "-".join(_random_text(4) for _ in range(3))


def create_village_coordinators(
    session: Session, actor: Actor, region_code: str, *, prefix: str = "xgy"
) -> list[CoordinatorCredential]:
    """One staff account (村级协管员) per village at or below ``region_code`` that has no staff yet.

    Each gets its own random initial password, to be changed at first login (``must_change_password``);
    usernames are ``<prefix><village code>-<4 random characters>``, so knowing the public village code is
    not enough to name an account. The passwords are returned once and stored only as hashes.
    """
    policy.require(actor, "create_coordinators", User)
    villages = [
        code
        for code, _name in reference.region_options(region_code)
        if len(code) == 12 and code.startswith(region_prefix(region_code))
    ]
    with transaction(session):
        staffed = set(
            session.scalars(
                select(User.region_code)
                .filter_by(role=policy.STAFF_ACCOUNT)
                .where(User.region_code.in_(villages))
            )
        )
        taken = set(session.scalars(select(User.username).where(User.username.like(f"{prefix}%"))))
        created = []
        for code in villages:
            if code in staffed:
                continue
            username = f"{prefix}{code}-{_random_text(4)}"
            while username in taken:
                username = f"{prefix}{code}-{_random_text(4)}"
            taken.add(username)
            password = initial_password()
            user = User(
                username=username,
                role="staff",
                region_code=code,
                display_name=f"{reference.region_name(code)}协管员",
                must_change_password=True,
            )
            user.set_password(password)
            session.add(user)
            created.append(
                CoordinatorCredential(username, code, reference.region_name(code, full=True), password)
            )
        session.flush()
        audit.record(session, actor, "create", "user", "", coordinators=len(created), region_code=region_code)
    return created


def coordinator_sheet(credentials: Sequence[CoordinatorCredential]) -> bytes:
    """The printable list of new accounts (.xlsx): username, village, initial password, region code."""
    from webapp.services.training import workbook_bytes

    rows = [(c.username, c.village, c.password, c.region_code) for c in credentials]
    return workbook_bytes("协管员初始账号", COORDINATOR_SHEET_HEADER, rows)


# --- serialising ------------------------------------------------------------------------------------------


def visit_to_dict(visit: FollowUp, *, today: date | None = None) -> dict[str, Any]:
    today = today or date.today()
    worker = visit.worker
    return {
        "id": visit.id,
        "placement_id": visit.placement_id,
        "worker_id": visit.worker_id,
        "worker_name": worker.name,
        "id_number_masked": mask_id_number(worker.id_number),
        "region_code": worker.region_code,
        "visit": visit.visit_key,
        "visit_name": visit_names().get(visit.visit_key, visit.visit_key),
        "sequence": visit.sequence,
        "due_on": visit.due_on.isoformat(),
        "state": visit_state(visit, today),
        "assignee_id": visit.assignee_id,
        "visited_on": visit.visited_on.isoformat() if visit.visited_on else None,
        "outcome": visit.outcome or None,
        "wage_now": visit.wage_now,
        "left_reason": visit.left_reason,
        "note": visit.note,
    }


def load_to_dict(load: CoordinatorLoad) -> dict[str, Any]:
    return {
        "assignee_id": load.assignee_id,
        "name": load.name,
        "region_code": load.region_code,
        "overdue": load.overdue,
        "due_soon": load.due_soon,
        "oldest_due": load.oldest_due.isoformat() if load.oldest_due else None,
    }


def placements_query(actor: Actor, *, status: str | None, route: str | None, region_code: str | None) -> Any:
    stmt = (
        select(Placement)
        .join(Worker, Placement.worker_id == Worker.id)
        .where(policy.filter_for(actor, Placement))
    )
    if status:
        stmt = stmt.where(Placement.status == status)
    if route:
        stmt = stmt.where(Placement.route == route)
    if region_code:
        stmt = stmt.where(Worker.region_code.startswith(region_prefix(region_code)))
    return stmt


def list_placements(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    route: str | None = None,
    region_code: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
    page: int = 1,
    per_page: int = 50,
) -> Page:
    """Placements of workers this actor may see, newest start first; the period keeps those that overlap it."""
    _require_reader(actor)
    stmt = placements_query(actor, status=status, route=route, region_code=region_code)
    if date_to:
        stmt = stmt.where(Placement.start_date <= date_to)
    if date_from:
        stmt = stmt.where(or_(Placement.ended_on.is_(None), Placement.ended_on >= date_from))
    if q:
        stmt = stmt.where(or_(Worker.name.like(f"%{q}%"), Placement.employer_name.like(f"%{q}%")))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Placement.start_date.desc(), Placement.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(list(rows), total, page, per_page)


def open_visit_counts(
    session: Session, placement_ids: Sequence[int], *, today: date
) -> dict[int, tuple[int, int]]:
    """``placement id → (open visits, overdue visits)`` for a page of placements."""
    if not placement_ids:
        return {}
    cutoff = overdue_cutoff(today)
    rows = session.execute(
        select(
            FollowUp.placement_id,
            func.count(FollowUp.id),
            func.count(FollowUp.id).filter(and_(FollowUp.due_on < cutoff)),
        )
        .where(FollowUp.placement_id.in_(placement_ids), FollowUp.status == "scheduled")
        .group_by(FollowUp.placement_id)
    )
    return {pid: (int(n), int(late)) for pid, n, late in rows}
