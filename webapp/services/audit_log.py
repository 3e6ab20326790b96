"""Reading the audit log: a filtered, paginated list and an .xlsx export, for the staff allowed to (the actor
decides who: the policy registry's ``audit_log`` rules). Exporting is itself audited.

Example::

    flt = parse_filter({"user": "clerk_li", "action": "reveal", "date_from": "2026-11-01"})
    page = search(session, actor, flt, page=1)      # Page of AuditEntry, newest first
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from webapp import policy
from webapp.models import AuditLog, User
from webapp.services import audit, transaction
from webapp.services.scope import Actor
from webapp.services.training import workbook_bytes
from webapp.services.validation import Collector, parse_date, parse_int
from webapp.services.workers import Page

PER_PAGE = 50
#: An export holds at most this many rows (narrow the filter for more).
EXPORT_MAX = 100_000
EXPORT_HEADER = ("编号", "时间（UTC）", "用户", "操作", "对象类型", "对象编号", "详情", "地址")


@dataclass(frozen=True)
class AuditFilter:
    user: str = ""
    worker_id: int | None = None
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_args(self) -> dict[str, Any]:
        """The filter as query arguments (for links and the export button)."""
        values = {
            "user": self.user,
            "worker": self.worker_id,
            "action": self.action,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }
        return {k: v for k, v in values.items() if v not in (None, "")}


@dataclass(frozen=True)
class AuditEntry:
    row: AuditLog
    username: str


def _labelled(label: str, parse: Any) -> Any:
    def inner(raw: Any) -> Any:
        from webapp.services.validation import FieldError

        try:
            return parse(raw)
        except FieldError as err:
            raise FieldError(f"{label}：{err}") from None

    return inner


def parse_filter(args: Mapping[str, Any]) -> AuditFilter:
    """The filter of a query string; a bad value is a ValidationError naming its field."""
    c = Collector()
    worker_id = c.field(
        "worker",
        _labelled("求职人员编号", lambda r: parse_int(r, minimum=1, maximum=2**31 - 1)),
        args.get("worker"),
    )
    date_from = c.field("date_from", _labelled("起始日期", parse_date), args.get("date_from"))
    date_to = c.field("date_to", _labelled("截止日期", parse_date), args.get("date_to"))
    c.done("筛选条件有误")
    return AuditFilter(
        user=str(args.get("user") or "").strip()[:64],
        worker_id=worker_id,
        action=str(args.get("action") or "").strip()[:32],
        date_from=date_from,
        date_to=date_to,
    )


def _require(actor: Actor) -> None:
    policy.require(actor, "read", AuditLog)


def _query(flt: AuditFilter) -> Select[Any]:
    stmt = select(AuditLog, User.username).outerjoin(User, User.id == AuditLog.user_id)
    if flt.user:
        stmt = stmt.where(User.username == flt.user)
    if flt.worker_id is not None:
        stmt = stmt.where(
            or_(
                (AuditLog.object_type == "worker") & (AuditLog.object_id == str(flt.worker_id)),
                AuditLog.detail["worker_id"].as_integer() == flt.worker_id,
            )
        )
    if flt.action:
        stmt = stmt.where(AuditLog.action == flt.action)
    if flt.date_from:
        stmt = stmt.where(AuditLog.at >= datetime.combine(flt.date_from, time.min))
    if flt.date_to:
        stmt = stmt.where(AuditLog.at < datetime.combine(flt.date_to + timedelta(days=1), time.min))
    return stmt


def search(
    session: Session, actor: Actor, flt: AuditFilter, *, page: int = 1, per_page: int = PER_PAGE
) -> Page:
    """The rows matching ``flt``, newest first, one page of them."""
    _require(actor)
    stmt = _query(flt)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(
        stmt.order_by(AuditLog.at.desc(), AuditLog.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return Page([AuditEntry(row, name or "") for row, name in rows], total, page, per_page)


def actions(session: Session, actor: Actor) -> list[str]:
    """The actions that occur in the log (for the filter's pick list)."""
    _require(actor)
    return sorted(a for a in session.scalars(select(AuditLog.action).distinct()) if a)


def export(session: Session, actor: Actor, flt: AuditFilter, *, ip: str = "") -> bytes:
    """The rows matching ``flt`` as an .xlsx file (at most ``EXPORT_MAX``); the export is audited."""
    _require(actor)
    rows = session.execute(
        _query(flt).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(EXPORT_MAX)
    ).all()
    data = workbook_bytes(
        "审计日志",
        EXPORT_HEADER,
        (
            (
                r.id,
                r.at.strftime("%Y-%m-%d %H:%M:%S"),
                name or "",
                r.action,
                r.object_type,
                r.object_id,
                ", ".join(f"{k}={v}" for k, v in sorted((r.detail or {}).items())),
                r.ip,
            )
            for r, name in rows
        ),
    )
    with transaction(session):
        audit.record(session, actor, "export", "audit_log", "", ip=ip, rows=len(rows), **flt.as_args())
    return data
