"""Personal data over time (PIPL): erasure when consent is withdrawn, and the retention purge.

:func:`erase_worker` anonymises one worker: name, ID number, phone and free-text fields go; what statistics
need stays, coarsened so that it no longer points at a person (birth year instead of birth date, county instead
of village, sex, education, occupations, certificates, training, wage, status, registered-poor and disability
flags, placements). The worker's stored matches are deleted (they are derived data), and in every other table
that refers to the worker, personal text columns (``PERSONAL_COLUMNS``) and submitted forms
(``PERSONAL_JSON_COLUMNS``, e.g. a board sign-up's payload) are cleared. It is audited, and
recorded in ``privacy_erasure`` so that it happens once.

:func:`purge_expired` applies the retention periods of ``config/security.toml``: old login attempts, ended
login sessions and audit rows are deleted (the audit log's purge gate is opened for this transaction only),
and workers who stopped seeking work long ago are anonymised as above. The scheduler runs it daily
(job ``privacy_purge``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import JSON, String, Text, delete, select, update
from sqlalchemy.orm import Session

import config
from webapp import policy
from webapp.errors import Conflict, DomainError, NotFound, ValidationError
from webapp.extensions import db
from webapp.models import AuditLog, Match, User, Worker, utcnow
from webapp.models.security import (
    PURGE_OPTION,
    ApiToken,
    LoginAttempt,
    LoginSession,
    LoginThrottle,
    PrivacyErasure,
    PrivacyRequest,
    close_audit_gate,
    open_audit_gate,
)
from webapp.services import audit, transaction
from webapp.services.scope import Actor, county_of
from webapp.services.validation import mask_name

ERASED_NAME = "已注销"
#: Columns of other tables (those with a foreign key to ``worker.id``) that hold personal text.
PERSONAL_COLUMNS = frozenset(
    {
        "name",
        "worker_name",
        "phone",
        "mobile",
        "contact_phone",
        "id_number",
        "id_tail",
        "address",
        "note",
        "notes",
        "comment",
        "remark",
        "certificate_number",
        "certificate_no",
    }
)
#: JSON columns of those tables that hold what a person submitted (a board sign-up's form, for instance).
PERSONAL_JSON_COLUMNS = frozenset({"payload", "submitted", "form_data"})
#: Never-revoked login sessions are kept this long (longer than any remember-me cookie lives).
SESSION_MAX_AGE_DAYS = 400
PURGE_BATCH = 500

#: Extra erasers that features register for data this module cannot see: ``fn(session, worker_id) -> rows``.
ERASERS: list[Callable[[Session, int], int]] = []


def erased_id_number(worker_id: int) -> str:
    """A unique placeholder of the column's width that can never be a valid ID number (letters)."""
    return f"ERASED{worker_id:012d}"


def _personal_columns() -> list[tuple[Any, Any, list[Any]]]:
    """``(table, worker foreign-key column, [personal text columns])`` of every table referring to workers."""
    worker_table = Worker.__table__
    found = []
    for table in db.metadata.sorted_tables:
        if table is worker_table:
            continue
        fks = [fk.parent for fk in table.foreign_keys if fk.column.table is worker_table]
        if not fks:
            continue
        columns = [
            c
            for c in table.columns
            if (
                (c.name in PERSONAL_COLUMNS and isinstance(c.type, String | Text))
                or (c.name in PERSONAL_JSON_COLUMNS and isinstance(c.type, JSON))
            )
            and not c.primary_key
            and not c.unique
            and not c.foreign_keys
        ]
        if columns:
            found.append((table, fks[0], columns))
    return found


def _erase(session: Session, worker: Worker) -> dict[str, int]:
    """Inside the caller's transaction: anonymise one worker; returns rows touched per table."""
    touched: dict[str, int] = {}
    worker.name = ERASED_NAME
    worker.id_number = erased_id_number(worker.id)
    worker.phone = ""
    worker.birth_date = date(worker.birth_date.year, 7, 1)
    worker.region_code = county_of(worker.region_code)
    worker.skills = []
    worker.desired_training = []
    worker.available_from = None
    worker.status = "unavailable"
    worker.consent_to_share = False
    worker.verified = False
    touched["worker"] = 1
    touched["match"] = session.execute(delete(Match).where(Match.worker_id == worker.id)).rowcount or 0
    for table, fk, columns in _personal_columns():
        values = {c.name: ({} if isinstance(c.type, JSON) else None if c.nullable else "") for c in columns}
        count = session.execute(update(table).where(fk == worker.id).values(**values)).rowcount or 0
        if count:
            touched[table.name] = count
    for eraser in ERASERS:
        count = eraser(session, worker.id)
        if count:
            touched[getattr(eraser, "__name__", "eraser")] = count
    return touched


def erase_worker(
    session: Session,
    actor: Actor | None,
    worker_id: int,
    *,
    reason: str = "consent_withdrawn",
    ip: str = "",
) -> dict[str, int]:
    """Anonymise a worker who withdrew consent (``actor`` None: the command line). Audited; once only."""
    worker = session.get(Worker, worker_id)
    if worker is None:
        raise NotFound("没有该求职人员")
    if actor is not None:
        policy.require(actor, "erase", worker)
    with transaction(session):
        if session.scalar(select(PrivacyErasure.id).where(PrivacyErasure.worker_id == worker_id)) is not None:
            raise Conflict("该人员的个人信息已注销")
        touched = _erase(session, worker)
        session.add(
            PrivacyErasure(worker_id=worker.id, reason=reason, by_user_id=actor.user_id if actor else None)
        )
        audit.record(
            session,
            actor,
            "erase",
            "worker",
            worker.id,
            ip=ip,
            reason=reason,
            via="web" if actor else "cli",
            touched=touched,
        )
    return touched


def _cutoff(today: date, days: int) -> datetime:
    return datetime.combine(today - timedelta(days=days), time.min)


def purge_expired(session: Session, *, today: date) -> dict[str, int]:
    """Apply the retention periods of ``config/security.toml`` as of ``today``; returns what went, by kind."""
    days = config.load_security_settings()["retention"]
    counts: dict[str, int] = {}
    with transaction(session):
        counts["login_attempts"] = (
            session.execute(
                delete(LoginAttempt).where(LoginAttempt.at < _cutoff(today, days["login_attempts_days"]))
            ).rowcount
            or 0
        )
        ended = LoginSession.revoked_at < _cutoff(today, days["login_sessions_days"])
        abandoned = LoginSession.revoked_at.is_(None) & (
            LoginSession.created_at < _cutoff(today, SESSION_MAX_AGE_DAYS)
        )
        counts["login_sessions"] = (
            session.execute(delete(LoginSession).where(ended | abandoned)).rowcount or 0
        )
        sessions_cutoff = _cutoff(today, days["login_sessions_days"])
        counts["api_tokens"] = (
            session.execute(
                delete(ApiToken).where(
                    (ApiToken.revoked_at < sessions_cutoff) | (ApiToken.expires_at < sessions_cutoff)
                )
            ).rowcount
            or 0
        )
        counts["login_throttle"] = (
            session.execute(
                delete(LoginThrottle).where(
                    LoginThrottle.next_at < _cutoff(today, days["login_attempts_days"])
                )
            ).rowcount
            or 0
        )
        open_audit_gate(session)
        counts["audit_log"] = (
            session.execute(
                delete(AuditLog)
                .where(AuditLog.at < _cutoff(today, days["audit_log_days"]))
                .execution_options(**{PURGE_OPTION: True})
            ).rowcount
            or 0
        )
        close_audit_gate(session)
    anonymised = 0
    stale = _cutoff(today, days["inactive_worker_days"])
    while True:
        batch = list(
            session.scalars(
                select(Worker)
                .where(
                    Worker.status != "seeking",
                    Worker.updated_at < stale,
                    Worker.id.not_in(select(PrivacyErasure.worker_id)),
                )
                .order_by(Worker.id)
                .limit(PURGE_BATCH)
            )
        )
        if not batch:
            break
        with transaction(session):
            for worker in batch:
                _erase(session, worker)
                session.add(PrivacyErasure(worker_id=worker.id, reason="retention"))
            audit.record(session, None, "erase", "worker", "", via="retention", count=len(batch))
        anonymised += len(batch)
    counts["workers_anonymised"] = anonymised
    with transaction(session):
        audit.record(session, None, "purge", "retention", today.isoformat(), **counts)
    return counts


def is_erased(session: Session, worker_id: int) -> bool:
    return session.scalar(select(PrivacyErasure.id).where(PrivacyErasure.worker_id == worker_id)) is not None


# --- requests: one person asks, another approves -------------------------------------------------------------

REQUEST_KINDS = ("erase", "purge")
REQUEST_STATES = ("pending", "running", "done", "rejected", "failed")


@dataclass(frozen=True)
class RequestView:
    """A privacy request as its list shows it (the worker's name masked: the list is not a personal-data read)."""

    request: PrivacyRequest
    requester: str
    decider: str
    worker_name: str
    may_decide: bool


def _pending_twin(session: Session, kind: str, worker_id: int | None) -> bool:
    return (
        session.scalar(
            select(PrivacyRequest.id).where(
                PrivacyRequest.kind == kind,
                PrivacyRequest.state.in_(("pending", "running")),
                PrivacyRequest.worker_id == worker_id
                if worker_id is not None
                else PrivacyRequest.worker_id.is_(None),
            )
        )
        is not None
    )


def request_erasure(
    session: Session, actor: Actor, worker_id: int, *, reason: str, ip: str = ""
) -> PrivacyRequest:
    """Ask for a worker's personal data to be erased; nothing is erased until someone else approves."""
    policy.require(actor, "erase", session.get(Worker, worker_id))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            "请填写注销原因", fields={"reason": "必填：请填写注销原因（如本人书面撤回同意）"}
        )
    if len(reason) > 255:
        raise ValidationError("注销原因过长", fields={"reason": "不能超过255个字符"})
    if is_erased(session, worker_id):
        raise Conflict("该人员的个人信息已注销", fields={"worker_id": "已注销"})
    with transaction(session):
        if _pending_twin(session, "erase", worker_id):
            raise Conflict("该人员已有待审批的注销申请", fields={"worker_id": "已有待审批的申请"})
        row = PrivacyRequest(
            kind="erase", worker_id=worker_id, reason=reason, requested_by=actor.user_id, result={}
        )
        session.add(row)
        session.flush()
        audit.record(session, actor, "request_erase", "worker", worker_id, ip=ip, request_id=row.id)
    return row


def request_purge(session: Session, actor: Actor, *, as_of: date, ip: str = "") -> PrivacyRequest:
    """Ask for the retention purge as of ``as_of``; it runs when someone else approves."""
    policy.require(actor, "purge", PrivacyRequest)
    with transaction(session):
        if _pending_twin(session, "purge", None):
            raise Conflict("已有待审批的清理申请", fields={"as_of": "已有待审批的清理申请"})
        row = PrivacyRequest(kind="purge", as_of=as_of, reason="", requested_by=actor.user_id, result={})
        session.add(row)
        session.flush()
        audit.record(
            session, actor, "request_purge", "retention", as_of.isoformat(), ip=ip, request_id=row.id
        )
    return row


def decide(session: Session, actor: Actor, request_id: int, *, approve: bool, ip: str = "") -> PrivacyRequest:
    """Approve (and carry out) or reject a pending request; never by the person who asked for it."""
    row = policy.require(actor, "decide", session.get(PrivacyRequest, request_id))
    # one guarded UPDATE: two approvers clicking at once cannot both carry it out
    with transaction(session):
        taken = session.execute(
            update(PrivacyRequest)
            .where(PrivacyRequest.id == row.id, PrivacyRequest.state == "pending")
            .values(state="running" if approve else "rejected", decided_by=actor.user_id, decided_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken and not approve:
            audit.record(session, actor, "reject_privacy_request", row.kind, row.id, ip=ip)
    if not taken:
        raise Conflict("该申请已处理")
    session.refresh(row)
    if not approve:
        return row
    try:
        if row.kind == "erase":
            result: dict[str, Any] = erase_worker(
                session, actor, row.worker_id or 0, reason="consent_withdrawn", ip=ip
            )
        else:
            result = purge_expired(session, today=row.as_of or date.today())
    except DomainError as err:
        with transaction(session):
            row.state, row.result = "failed", {"error": err.message}
        raise
    with transaction(session):
        row.state, row.result = "done", dict(result)
        audit.record(session, actor, "approve_privacy_request", row.kind, row.id, ip=ip)
    return row


def list_requests(session: Session, actor: Actor, *, limit: int = 100) -> list[RequestView]:
    """Pending requests first, then the latest decided ones: all for approvers, one's own for the others."""
    policy.require(actor, "read", PrivacyRequest)
    stmt = policy.scoped(actor, select(PrivacyRequest), PrivacyRequest)
    rows = session.scalars(
        stmt.order_by((PrivacyRequest.state == "pending").desc(), PrivacyRequest.id.desc()).limit(limit)
    ).all()
    ids = {r.requested_by for r in rows} | {r.decided_by for r in rows if r.decided_by}
    names = dict(session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())
    workers = {r.worker_id for r in rows if r.worker_id}
    worker_names = dict(session.execute(select(Worker.id, Worker.name).where(Worker.id.in_(workers))).all())
    return [
        RequestView(
            request=r,
            requester=names.get(r.requested_by, ""),
            decider=names.get(r.decided_by or -1, ""),
            worker_name=mask_name(worker_names.get(r.worker_id or -1, "")),
            may_decide=r.state == "pending" and policy.can(actor, "decide", r),
        )
        for r in rows
    ]
