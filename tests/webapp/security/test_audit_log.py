"""The audit log is append-only: the ORM refuses changes and deletions, and so does the database itself
(triggers of migration 0006_security, on SQLite and PostgreSQL); only the retention purge may delete old rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DatabaseError, IntegrityError, InternalError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from webapp.models import AuditLog
from webapp.models.security import AuditLogAppendOnly
from webapp.services import audit, privacy
from webapp.services.scope import Actor

REFUSED_BY_DATABASE = (DatabaseError, IntegrityError, InternalError, OperationalError, ProgrammingError)
ACTOR = Actor(None, "admin")


@pytest.fixture
def row(db_session: Session) -> AuditLog:
    entry = audit.record(db_session, ACTOR, "reveal", "worker", 1, field="id_number")
    db_session.commit()
    return entry


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditLog)) or 0


def test_rows_can_be_appended(db_session: Session, row: AuditLog) -> None:
    audit.record(db_session, ACTOR, "export", "worker", "")
    db_session.commit()
    assert _count(db_session) == 2


def test_the_orm_refuses_to_change_a_row(db_session: Session, row: AuditLog) -> None:
    row.action = "nothing"
    with pytest.raises(AuditLogAppendOnly):
        db_session.commit()
    db_session.rollback()
    assert db_session.scalar(select(AuditLog.action)) == "reveal"


def test_the_orm_refuses_to_delete_a_row(db_session: Session, row: AuditLog) -> None:
    db_session.delete(row)
    with pytest.raises(AuditLogAppendOnly):
        db_session.commit()
    db_session.rollback()
    assert _count(db_session) == 1


@pytest.mark.parametrize(
    "statement",
    [update(AuditLog).values(action="x"), delete(AuditLog)],
    ids=["bulk-update", "bulk-delete"],
)
def test_the_orm_refuses_bulk_statements(db_session: Session, row: AuditLog, statement: object) -> None:
    with pytest.raises(AuditLogAppendOnly):
        db_session.execute(statement)  # type: ignore[call-overload]
    db_session.rollback()
    assert _count(db_session) == 1


@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"],
    ids=["sql-update", "sql-delete"],
)
def test_the_database_refuses_raw_sql(db_session: Session, row: AuditLog, sql: str) -> None:
    with pytest.raises(REFUSED_BY_DATABASE) as info:
        db_session.execute(text(sql))
    assert "append-only" in str(info.value)
    db_session.rollback()
    assert db_session.scalar(select(AuditLog.action)) == "reveal" and _count(db_session) == 1


def test_the_database_refuses_truncate_on_postgresql(db_session: Session, row: AuditLog) -> None:
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    with pytest.raises(REFUSED_BY_DATABASE):
        db_session.execute(text("TRUNCATE audit_log"))
    db_session.rollback()
    assert _count(db_session) == 1


def test_only_the_retention_purge_deletes_and_only_old_rows(db_session: Session) -> None:
    today = date(2030, 6, 1)
    old = datetime(2026, 1, 1)
    recent = datetime(2030, 5, 1)
    for at in (old, old, recent):
        db_session.add(
            AuditLog(at=at, user_id=None, action="reveal", object_type="worker", object_id="1", detail={})
        )
    db_session.commit()

    counts = privacy.purge_expired(db_session, today=today)

    assert counts["audit_log"] == 2
    remaining = db_session.scalars(select(AuditLog.at).where(AuditLog.action == "reveal")).all()
    assert remaining == [recent]
    # the gate closed with the purge's transaction: raw deletes are refused again
    with pytest.raises(REFUSED_BY_DATABASE):
        db_session.execute(text("DELETE FROM audit_log"))
    db_session.rollback()
    assert (
        db_session.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.at < today - timedelta(days=1))
        )
        >= 1
    )
