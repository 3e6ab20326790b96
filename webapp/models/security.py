"""Tables of the security mechanisms: login attempts (throttling), login sessions, erasures, the audit guard.

- ``LoginAttempt``: one row per password check (pages and API), so that every web worker sees the same
  failure counts: the throttle is a shared store, not per-process memory.
- ``LoginSession``: one row per browser login. The session cookie carries its random id; logging out
  revokes that row, so a copied cookie replayed later is refused.
- ``PrivacyErasure``: when and why a worker's personal fields were anonymised (consent withdrawn, retention).
- ``AuditLogGate``: the audit log is append-only. Database triggers (migration ``0006_security``) refuse
  UPDATE always and DELETE unless this gate is open in the same transaction, which only the retention
  purge does (SQLite: a row in this table; PostgreSQL: the transaction setting ``liudan.audit_purge``).
  The ORM guard below refuses both before they reach the database.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, event, text
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, relationship

from webapp.extensions import db
from webapp.models import AuditLog, Worker, utcnow

__all__ = [
    "ApiToken",
    "AuditLogAppendOnly",
    "AuditLogGate",
    "LoginAttempt",
    "LoginSession",
    "LoginThrottle",
    "PrivacyErasure",
    "PrivacyRequest",
    "open_audit_gate",
]


class LoginAttempt(db.Model):
    """One password check: who (as typed), from where, when, and whether it succeeded."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    ip: Mapped[str] = mapped_column(String(64), default="", index=True)
    success: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str] = mapped_column(String(8), default="page")  # "page" | "api"


class LoginSession(db.Model):
    """A browser login; ``sid_hash`` is the SHA-256 of the random id kept in the signed session cookie."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    sid_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    # Idle expiry counts from here (touched at most once a minute); remembered logins live longer.
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)


class LoginThrottle(db.Model):
    """A failure counter of one key, ``u:<username>|<address>`` or ``a:<address>``, changed only atomically.

    ``next_at`` is when the key may try again: a password check first moves it forward in one guarded UPDATE,
    so parallel guesses cannot all pass the same gap.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    next_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ApiToken(db.Model):
    """An issued API token; the signed token carries ``jti``, only its SHA-256 is stored. Revocable one by one."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    jti_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")


class PrivacyRequest(db.Model):
    """A privacy action asked for by one person and carried out only when another approves it.

    ``kind``: ``erase`` (one worker, consent withdrawn) or ``purge`` (the retention purge as of ``as_of``).
    ``state``: ``pending`` → ``done`` (approved and carried out) | ``rejected``.
    """

    __tablename__ = "privacy_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"), index=True)
    as_of: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(255), default="")
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    requested_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class PrivacyErasure(db.Model):
    """A worker whose personal fields were anonymised; the statistics-relevant remainder is kept."""

    __tablename__ = "privacy_erasure"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), unique=True)
    erased_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(String(32))  # "consent_withdrawn" | "retention"
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    worker: Mapped[Worker] = relationship(viewonly=True)


class AuditLogGate(db.Model):
    """While a row exists here (inside the purge's own transaction), SQLite lets old audit rows be deleted."""

    __tablename__ = "audit_log_gate"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditLogAppendOnly(RuntimeError):
    """A programming error: something tried to change or delete an audit row."""


def open_audit_gate(session: Session) -> None:
    """Allow DELETE on ``audit_log`` until the current transaction ends (the retention purge only)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL liudan.audit_purge = 'on'"))
    else:
        session.execute(text("INSERT INTO audit_log_gate (opened_at) VALUES (CURRENT_TIMESTAMP)"))


def close_audit_gate(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL liudan.audit_purge = 'off'"))
    else:
        session.execute(text("DELETE FROM audit_log_gate"))


# --- the ORM guard ------------------------------------------------------------------------------------------

PURGE_OPTION = "liudan_audit_purge"


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in session.deleted:
        if isinstance(obj, AuditLog):
            raise AuditLogAppendOnly("审计日志只能追加，不能删除")
    for obj in session.dirty:
        if isinstance(obj, AuditLog) and session.is_modified(obj, include_collections=False):
            raise AuditLogAppendOnly("审计日志只能追加，不能修改")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_audit_changes(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    tables = {getattr(t, "name", None) for t in _target_tables(state.statement)}
    if AuditLog.__tablename__ not in tables:
        return
    if state.is_delete and state.execution_options.get(PURGE_OPTION):
        return
    raise AuditLogAppendOnly("审计日志只能追加，不能修改或删除")


def _target_tables(statement: Any) -> list[Any]:
    table = getattr(statement, "table", None)
    if table is None:
        return []
    return [table]
