"""防返贫动态监测 (四不摘): monitored households, their members, risk flags, visit plans and visits.

A household (户) of one village is monitored in a category of ``config/households.toml`` (脱贫不稳定户 /
边缘易致贫户 / 突发严重困难户) with risk flags and a visit plan: every ``visit_every_days`` days (the category's
default unless staff choose another), the next visit due on ``next_visit_on``. Recording a visit moves the plan on
and replaces the risk flags by those found. None of this depends on placements: a household stays watched
whether or not anyone of it works, until staff clear it (风险消除) with a reason.

The staff of the household's village, township and county see it (the policy's ``household`` rule); a household
is *due* when monitored and its next visit falls within ``[reminders].days_before`` days, *overdue* when that day
has passed. Statistics count monitored households with and without an employed member (a member whose status is
employed or who has an active placement).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

import config
from webapp import policy
from webapp.errors import Conflict, ValidationError
from webapp.i18n import N_
from webapp.models import Placement, Worker
from webapp.models.households import MEMBER_RELATIONS, Household, HouseholdMember, HouseholdVisit
from webapp.services import audit, reference, transaction
from webapp.services.scope import Actor, region_level, region_prefix
from webapp.services.validation import (
    Collector,
    FieldError,
    mask_id_number,
    parse_choice,
    parse_date,
    parse_int,
    parse_region,
    parse_text,
    reject_unknown,
)
from webapp.services.workers import Page

HOUSEHOLD_FIELDS = (
    "head_name",
    "region_code",
    "left_poverty_year",
    "category",
    "risk_flags",
    "visit_every_days",
    "next_visit_on",
    "note",
    "members",
    "status",
    "cleared_reason",
)
VISIT_FIELDS = ("visited_on", "risk_flags", "note")
RELATION_LABELS = {
    "head": N_("户主"),
    "spouse": N_("配偶"),
    "child": N_("子女"),
    "parent": N_("父母"),
    "other": N_("其他"),
}
FIRST_YEAR = 2013  # 精准扶贫 began: no household left poverty before it


@cache
def settings() -> dict[str, Any]:
    return dict(config.load_household_settings())


def categories() -> dict[str, dict[str, Any]]:
    """Category key → ``{"key", "name_zh", "name_en", "visit_every_days"}``, in file order."""
    return {c["key"]: c for c in settings()["categories"]}


def risks() -> dict[str, dict[str, Any]]:
    """Risk-flag key → ``{"key", "name_zh", "name_en"}``, in file order."""
    return {r["key"]: r for r in settings()["risks"]}


def days_before() -> int:
    return int(settings()["reminders"]["days_before"])


# --- input ------------------------------------------------------------------------------------------------------


def _parse_flags(raw: Any) -> list[str]:
    if raw is None or raw == "":
        return []
    items = raw if isinstance(raw, list | tuple) else str(raw).replace("，", ",").split(",")
    if len(items) > len(risks()):
        raise FieldError("风险类型过多")
    out: list[str] = []
    for item in items:
        key = str(item).strip()
        if key not in risks():
            raise FieldError(f"未知的风险类型“{key[:20]}”，可选：" + "、".join(risks()))
        if key not in out:
            out.append(key)
    return out


def _parse_members(raw: Any) -> list[tuple[int, str]]:
    """``[{"worker_id": 1, "relation": "head"}, …]`` (or plain worker ids) → ``[(id, relation)]``."""
    if raw is None or raw == "":
        return []
    if not isinstance(raw, list | tuple):
        raise FieldError("应为成员列表")
    if len(raw) > 20:
        raise FieldError("一户最多20名成员")
    out: list[tuple[int, str]] = []
    for item in raw:
        if isinstance(item, Mapping):
            worker_id = parse_int(item.get("worker_id"), required=True, minimum=1, maximum=2_147_483_647)
            relation = parse_choice(
                item.get("relation"), MEMBER_RELATIONS, default="other", label="与户主关系"
            )
        else:
            worker_id = parse_int(item, required=True, minimum=1, maximum=2_147_483_647)
            relation = "other"
        assert worker_id is not None
        if worker_id in {w for w, _r in out}:
            raise FieldError(f"成员 {worker_id} 重复")
        out.append((worker_id, relation))
    return out


def _validate(data: Mapping[str, Any], *, current: Household | None, today: date) -> dict[str, Any]:
    reject_unknown(data, HOUSEHOLD_FIELDS)
    partial = current is not None
    c = Collector()
    out: dict[str, Any] = {}

    def want(name: str) -> bool:
        return not partial or name in data

    if want("head_name"):
        out["head_name"] = c.field(
            "head_name", parse_text, data.get("head_name"), max_len=64, label="户主姓名"
        )
    if want("region_code"):
        region = c.field("region_code", parse_region, data.get("region_code"))
        if region and region_level(region) != "village":
            c.add("region_code", "户籍所在地须填写到村（社区）")
        out["region_code"] = region
    if want("category"):
        out["category"] = c.field(
            "category", parse_choice, data.get("category"), list(categories()), label="监测类别"
        )
    if want("left_poverty_year"):
        out["left_poverty_year"] = c.field(
            "left_poverty_year",
            parse_int,
            data.get("left_poverty_year"),
            minimum=FIRST_YEAR,
            maximum=today.year,
        )
    if want("risk_flags"):
        out["risk_flags"] = c.field("risk_flags", _parse_flags, data.get("risk_flags")) or []
    if want("visit_every_days"):
        out["visit_every_days"] = c.field(
            "visit_every_days", parse_int, data.get("visit_every_days"), minimum=1, maximum=366
        )
    if want("next_visit_on"):
        out["next_visit_on"] = c.field("next_visit_on", parse_date, data.get("next_visit_on"))
    if want("note"):
        out["note"] = c.field("note", parse_text, data.get("note"), required=False, max_len=2000) or ""
    if want("members"):
        out["members"] = c.field("members", _parse_members, data.get("members"))
    if partial and "status" in data:
        out["status"] = c.field(
            "status", parse_choice, data.get("status"), ("monitored", "cleared"), label="状态"
        )
    if "cleared_reason" in data:
        out["cleared_reason"] = (
            c.field("cleared_reason", parse_text, data.get("cleared_reason"), required=False, max_len=255)
            or ""
        )

    def merged(name: str) -> Any:
        return out[name] if name in out else getattr(current, name, None)

    # 脱贫不稳定户 left poverty: the year is part of the record; 边缘易致贫户 may never have been registered.
    category = merged("category")
    if category == "unstable" and merged("left_poverty_year") is None and "left_poverty_year" not in c.errors:
        c.add("left_poverty_year", "脱贫不稳定户须填写脱贫年度")
    if out.get("status") == "cleared" and not merged("cleared_reason"):
        c.add("cleared_reason", "解除监测（风险消除）须填写原因")
    next_visit = out.get("next_visit_on")
    if next_visit is not None and next_visit < today - timedelta(days=366):
        c.add("next_visit_on", "下次走访日期有误")
    c.done()
    if out.get("visit_every_days") is None and category and (not partial or "category" in out):
        out["visit_every_days"] = categories()[category]["visit_every_days"]
    elif "visit_every_days" in out and out["visit_every_days"] is None:
        out.pop("visit_every_days")
    return out


def _set_members(
    session: Session, actor: Actor, household: Household, members: list[tuple[int, str]]
) -> None:
    ids = [w for w, _r in members]
    workers = {w.id: w for w in session.scalars(select(Worker).where(Worker.id.in_(ids)))} if ids else {}
    unknown = [str(i) for i in ids if i not in workers or not policy.can(actor, "read", workers[i])]
    if unknown:
        raise ValidationError(
            "有成员不存在或不在您的管辖范围内", fields={"members": "无法添加：" + "、".join(unknown)}
        )
    elsewhere = session.execute(
        select(HouseholdMember.worker_id, HouseholdMember.household_id).where(
            HouseholdMember.worker_id.in_(ids), HouseholdMember.household_id != (household.id or -1)
        )
    ).all()
    if elsewhere:
        names = "、".join(f"{workers[w].name}（第{h}户）" for w, h in elsewhere)
        raise Conflict("一人只能属于一户", fields={"members": f"已属于其他监测户：{names}"})
    relation = dict(members)
    kept = [m for m in household.members if m.worker_id in relation]
    for m in kept:
        m.relation = relation[m.worker_id]
    have = {m.worker_id for m in kept}
    household.members = kept + [HouseholdMember(worker_id=w, relation=r) for w, r in members if w not in have]


def members_from_text(
    session: Session, actor: Actor, text: Any, *, keep: Mapping[int, str] | None = None
) -> list[dict[str, Any]]:
    """The members a clerk types: worker numbers or ID numbers separated by commas, the head first; members
    already in the household (``keep``: worker id → relation) keep their relation."""
    from webapp.services.followups import resolve_worker

    parts = [p for p in re.split(r"[,，、;；\s]+", str(text or "")) if p]
    if len(parts) > 20:
        raise ValidationError("一户最多20名成员", fields={"members": "一户最多20名成员"})
    out = []
    for n, part in enumerate(parts):
        try:
            worker_id = resolve_worker(session, actor, part)
        except ValidationError as err:
            raise ValidationError(
                err.message, fields={"members": f"“{part[:20]}”：{err.fields['worker']}"}
            ) from None
        relation = "head" if n == 0 else (keep or {}).get(worker_id, "other")
        out.append({"worker_id": worker_id, "relation": "other" if n and relation == "head" else relation})
    return out


# --- writing ----------------------------------------------------------------------------------------------------


def create_household(
    session: Session, actor: Actor, data: Mapping[str, Any], *, today: date | None = None
) -> Household:
    """A household put under monitoring by the staff of its region; its first visit is due on ``next_visit_on``
    (today by default). Audited."""
    today = today or date.today()
    policy.require(actor, "create", Household)
    values = _validate(data, current=None, today=today)
    members = values.pop("members") or []
    values["next_visit_on"] = values.get("next_visit_on") or today
    household = Household(**values, status="monitored", created_by=actor.user_id)
    policy.require(actor, "create", household)
    with transaction(session):
        session.add(household)
        session.flush()
        _set_members(session, actor, household, members)
        session.flush()
        audit.record(
            session,
            actor,
            "create",
            "household",
            household.id,
            category=household.category,
            members=len(members),
        )
    return household


def get_household(session: Session, actor: Actor, household_id: int) -> Household:
    household = session.get(Household, household_id)
    return policy.require(actor, "read", household)  # type: ignore[no-any-return]


def update_household(
    session: Session, actor: Actor, household_id: int, data: Mapping[str, Any], *, today: date | None = None
) -> Household:
    """Change category, risks, plan, members or status (解除监测 with a reason). Audited."""
    today = today or date.today()
    household = get_household(session, actor, household_id)
    policy.require(actor, "update", household)
    values = _validate(data, current=household, today=today)
    region = values.get("region_code")
    if region and not policy.can(actor, "read", Household(region_code=region)):
        raise ValidationError("该地区不在您的管辖范围内", fields={"region_code": "不在您的管辖范围内"})
    with transaction(session):
        members = values.pop("members", None)
        for key, value in values.items():
            setattr(household, key, value)
        if values.get("status") == "monitored":
            household.cleared_reason = ""
        if members is not None:
            _set_members(session, actor, household, members)
        audit.record(session, actor, "update", "household", household.id, fields=sorted(data))
    return household


def record_visit(
    session: Session, actor: Actor, household_id: int, data: Mapping[str, Any], *, today: date | None = None
) -> HouseholdVisit:
    """A visit made (走访): the risks found replace the household's, the next visit is due ``visit_every_days``
    after this one. Audited."""
    today = today or date.today()
    household = get_household(session, actor, household_id)
    policy.require(actor, "visit", household)
    reject_unknown(data, VISIT_FIELDS)
    c = Collector()
    visited_on = c.field("visited_on", parse_date, data.get("visited_on")) or today
    flags = c.field("risk_flags", _parse_flags, data.get("risk_flags")) or []
    note = c.field("note", parse_text, data.get("note"), required=False, max_len=2000) or ""
    if visited_on > today:
        c.add("visited_on", "走访日期不能晚于今天")
    elif household.last_visited_on and visited_on < household.last_visited_on:
        c.add("visited_on", f"不能早于上次走访日期（{household.last_visited_on.isoformat()}）")
    c.done()
    if household.status != "monitored":
        raise Conflict("该户已解除监测，不能登记走访")
    with transaction(session):
        visit = HouseholdVisit(
            household_id=household.id,
            visited_on=visited_on,
            risk_flags=flags,
            note=note,
            visited_by=actor.user_id,
        )
        session.add(visit)
        household.risk_flags = flags
        household.last_visited_on = visited_on
        household.next_visit_on = visited_on + timedelta(days=household.visit_every_days)
        session.flush()
        audit.record(session, actor, "visit", "household", household.id, visit_id=visit.id, risks=flags)
    return visit


# --- reading ----------------------------------------------------------------------------------------------------


def _employed(worker_id: Any) -> Any:
    """SQL: the worker is employed now (status, or an active placement)."""
    return or_(
        Worker.status == "employed",
        exists().where(Placement.worker_id == worker_id, Placement.status == "active"),
    )


def _with_employed() -> Any:
    return exists().where(
        HouseholdMember.household_id == Household.id,
        HouseholdMember.worker_id == Worker.id,
        _employed(Worker.id),
    )


def visit_state(household: Household, today: date) -> str:
    """``cleared``, ``overdue``, ``due`` (within the reminder window) or ``planned``."""
    if household.status != "monitored":
        return "cleared"
    if household.next_visit_on < today:
        return "overdue"
    if household.next_visit_on <= today + timedelta(days=days_before()):
        return "due"
    return "planned"


def list_households(
    session: Session,
    actor: Actor,
    *,
    category: str | None = None,
    status: str | None = "monitored",
    due: bool = False,
    employed: bool | None = None,
    region_code: str | None = None,
    today: date | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    """The households the actor may see; ``due``: monitored ones whose next visit falls within the reminder
    window (overdue first); ``employed``: with (True) or without (False) an employed member."""
    today = today or date.today()
    policy.require(actor, "read", Household)  # refused, not an empty list, for those who have no households
    stmt = policy.scoped(actor, select(Household), Household)
    if status:
        stmt = stmt.where(Household.status == status)
    if category:
        stmt = stmt.where(Household.category == category)
    if region_code:
        stmt = stmt.where(Household.region_code.startswith(region_prefix(region_code)))
    if due:
        stmt = stmt.where(
            Household.status == "monitored", Household.next_visit_on <= today + timedelta(days=days_before())
        )
    if employed is not None:
        stmt = stmt.where(_with_employed() if employed else ~_with_employed())
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.options(selectinload(Household.members).selectinload(HouseholdMember.worker))
        .order_by(Household.next_visit_on, Household.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(list(rows), total, page, per_page)


@dataclass(frozen=True)
class MonitoringStats:
    """Monitored households of a region: how many, with and without an employed member, by category."""

    monitored: int
    with_employed: int
    without_employed: int
    due: int
    overdue: int
    by_category: dict[str, tuple[int, int]]  # category → (with, without) an employed member


def monitoring_stats(
    session: Session, actor: Actor, *, region_code: str | None = None, today: date | None = None
) -> MonitoringStats:
    today = today or date.today()
    policy.require(actor, "read", Household)
    has_job = _with_employed()
    stmt = policy.scoped(
        actor,
        select(Household.category, has_job.label("employed"), Household.next_visit_on).where(
            Household.status == "monitored"
        ),
        Household,
    )
    if region_code:
        stmt = stmt.where(Household.region_code.startswith(region_prefix(region_code)))
    by_category: dict[str, list[int]] = {key: [0, 0] for key in categories()}
    due = overdue = 0
    horizon = today + timedelta(days=days_before())
    for category, employed, next_visit in session.execute(stmt):
        by_category.setdefault(category, [0, 0])[0 if employed else 1] += 1
        overdue += next_visit < today
        due += today <= next_visit <= horizon
    with_job = sum(v[0] for v in by_category.values())
    without = sum(v[1] for v in by_category.values())
    return MonitoringStats(
        monitored=with_job + without,
        with_employed=with_job,
        without_employed=without,
        due=due,
        overdue=overdue,
        by_category={k: (v[0], v[1]) for k, v in by_category.items()},
    )


def employed_members(session: Session, household: Household) -> set[int]:
    """The ids of the household's members employed now."""
    ids = [m.worker_id for m in household.members]
    if not ids:
        return set()
    return set(session.scalars(select(Worker.id).where(Worker.id.in_(ids), _employed(Worker.id))))


# --- serialising ------------------------------------------------------------------------------------------------


def household_to_dict(
    session: Session, actor: Actor, household: Household, *, today: date | None = None, visits: bool = False
) -> dict[str, Any]:
    today = today or date.today()
    working = employed_members(session, household)
    body: dict[str, Any] = {
        "id": household.id,
        "head_name": household.head_name,
        "region_code": household.region_code,
        "region_name": reference.region_name(household.region_code, full=True),
        "left_poverty_year": household.left_poverty_year,
        "category": household.category,
        "category_name": categories().get(household.category, {}).get("name_zh", household.category),
        "risk_flags": list(household.risk_flags or []),
        "visit_every_days": household.visit_every_days,
        "next_visit_on": household.next_visit_on.isoformat(),
        "last_visited_on": household.last_visited_on.isoformat() if household.last_visited_on else None,
        "visit_state": visit_state(household, today),
        "status": household.status,
        "cleared_reason": household.cleared_reason,
        "note": household.note,
        "has_employed_member": bool(working),
        "members": [
            {
                "worker_id": m.worker_id,
                "name": m.worker.name,
                "id_number_masked": mask_id_number(m.worker.id_number),
                "relation": m.relation,
                "status": m.worker.status,
                "employed": m.worker_id in working,
            }
            for m in household.members
        ],
    }
    if visits:
        body["visits"] = [visit_to_dict(v) for v in household.visits]
    return body


def visit_to_dict(visit: HouseholdVisit) -> dict[str, Any]:
    return {
        "id": visit.id,
        "household_id": visit.household_id,
        "visited_on": visit.visited_on.isoformat(),
        "risk_flags": list(visit.risk_flags or []),
        "note": visit.note,
        "visited_by": visit.visited_by,
    }


def stats_to_dict(stats: MonitoringStats) -> dict[str, Any]:
    return {
        "monitored": stats.monitored,
        "with_employed_member": stats.with_employed,
        "without_employed_member": stats.without_employed,
        "due": stats.due,
        "overdue": stats.overdue,
        "by_category": [
            {"category": k, "with_employed_member": v[0], "without_employed_member": v[1]}
            for k, v in stats.by_category.items()
        ],
    }
