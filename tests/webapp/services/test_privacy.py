"""Withdrawal of consent (``liudan privacy erase --worker``) and the retention purge (``purge_expired``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import NANLE, id_number, make_job_order, make_user, make_worker
from webapp.errors import Conflict, NotFound
from webapp.models import AuditLog, Match, Placement, Worker
from webapp.models.security import ApiToken, LoginAttempt, LoginSession, LoginThrottle, PrivacyErasure
from webapp.services import privacy
from webapp.services.scope import Actor
from webapp.services.validation import FieldError, parse_id_number


def _erased(session: Session, worker_id: int) -> Worker:
    session.expire_all()
    worker = session.get(Worker, worker_id)
    assert worker is not None
    return worker


def test_erase_removes_personal_fields_and_keeps_statistics(db_session: Session) -> None:
    worker = make_worker(
        db_session,
        name="赵晓权",
        id_number=id_number(NANLE, date(1990, 5, 17), 7),
        phone="13812345678",
        region_code="410923201001",
        poverty_registered=True,
        disability=True,
        status="employed",
        certificates=["焊工证"],
        completed_training=["电焊"],
        expected_wage=6000,
    )
    order = make_job_order(db_session)
    db_session.add(Match(job_order_id=order.id, worker_id=worker.id, score=0.9, rank=1, state="interviewed"))
    db_session.add(
        Placement(
            worker_id=worker.id,
            route="local_enterprise",
            region_code=NANLE,
            start_date=date(2025, 3, 1),
            wage=5800,
        )
    )
    db_session.commit()
    number = worker.id_number

    touched = privacy.erase_worker(db_session, None, worker.id)

    w = _erased(db_session, worker.id)
    assert (w.name, w.phone) == ("已注销", "")
    assert w.id_number != number and len(w.id_number) == 18
    with pytest.raises(FieldError):
        parse_id_number(w.id_number)  # never a valid ID number
    assert w.birth_date == date(1990, 7, 1) and w.sex == "M"  # birth year kept, day dropped
    assert w.region_code == NANLE  # county kept, village dropped
    assert (w.poverty_registered, w.disability, w.certificates, w.completed_training, w.expected_wage) == (
        True,
        True,
        ["焊工证"],
        ["电焊"],
        6000,
    )
    assert (w.consent_to_share, w.verified, w.status) == (False, False, "unavailable")
    assert db_session.scalar(select(func.count()).select_from(Match).where(Match.worker_id == worker.id)) == 0
    assert db_session.scalar(select(Placement.wage).where(Placement.worker_id == worker.id)) == 5800
    assert touched["worker"] == 1 and touched["match"] >= 1
    row = db_session.scalar(select(AuditLog).where(AuditLog.action == "erase"))
    assert row is not None and row.object_id == str(worker.id) and row.detail["via"] == "cli"
    assert number not in str(row.detail)
    assert db_session.scalar(select(PrivacyErasure.reason)) == "consent_withdrawn"


def test_erase_happens_once_and_needs_an_existing_worker(db_session: Session) -> None:
    worker = make_worker(db_session)
    privacy.erase_worker(db_session, None, worker.id)
    with pytest.raises(Conflict):
        privacy.erase_worker(db_session, None, worker.id)
    with pytest.raises(NotFound):
        privacy.erase_worker(db_session, None, 999_999)


def test_staff_may_erase_only_within_their_region(db_session: Session) -> None:
    worker = make_worker(db_session)  # 南乐县
    qingfeng = Actor(1, "staff", "410922")
    with pytest.raises(NotFound):
        privacy.erase_worker(db_session, qingfeng, worker.id)
    assert _erased(db_session, worker.id).name == "赵晓权"


def test_the_command_line(app: Flask, db_session: Session) -> None:
    worker = make_worker(db_session)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["privacy", "erase", "--worker", str(worker.id), "--yes"])
    assert result.exit_code == 0, result.output
    assert "已注销" in result.output
    assert _erased(db_session, worker.id).name == "已注销"
    again = runner.invoke(args=["privacy", "erase", "--worker", str(worker.id), "--yes"])
    assert again.exit_code != 0 and "已注销" in again.output
    unconfirmed = runner.invoke(args=["privacy", "erase", "--worker", "12345"], input="n\n")
    assert unconfirmed.exit_code != 0


def test_purge_applies_each_retention_period(db_session: Session) -> None:
    today = date(2031, 1, 1)
    long_ago = datetime(2020, 1, 1)
    user = make_user(db_session)
    db_session.add_all(
        [
            LoginAttempt(at=long_ago, username="x", ip="1.1.1.1", success=False),
            LoginAttempt(at=datetime(2030, 12, 30), username="x", ip="1.1.1.1", success=False),
            LoginSession(user_id=user.id, sid_hash="a" * 64, created_at=long_ago, revoked_at=long_ago),
            LoginSession(user_id=user.id, sid_hash="b" * 64, created_at=datetime(2030, 12, 1)),
            ApiToken(user_id=user.id, jti_hash="c" * 64, created_at=long_ago, expires_at=long_ago),
            ApiToken(
                user_id=user.id, jti_hash="d" * 64, created_at=long_ago, expires_at=datetime(2031, 1, 2)
            ),
            LoginThrottle(key="u:x|1.1.1.1", failures=3, window_start=long_ago, next_at=long_ago),
            LoginThrottle(key="a:1.1.1.1", failures=3, window_start=today, next_at=datetime(2030, 12, 30)),
        ]
    )
    db_session.commit()
    stale = make_worker(db_session, status="employed", name="早年就业")
    seeking = make_worker(db_session, status="seeking", name="仍在求职")
    recent = make_worker(db_session, status="employed", name="近期就业")
    from sqlalchemy import update

    db_session.execute(
        update(Worker).where(Worker.id.in_([stale.id, seeking.id])).values(updated_at=long_ago)
    )
    db_session.commit()

    counts = privacy.purge_expired(db_session, today=today)

    assert counts == {
        "login_attempts": 1,
        "login_sessions": 1,
        "api_tokens": 1,
        "login_throttle": 1,
        "audit_log": 0,
        "workers_anonymised": 1,
    }
    assert _erased(db_session, stale.id).name == "已注销"
    assert _erased(db_session, seeking.id).name == "仍在求职"
    assert _erased(db_session, recent.id).name == "近期就业"
    assert privacy.purge_expired(db_session, today=today)["workers_anonymised"] == 0  # once
    assert db_session.scalar(select(func.count()).select_from(LoginSession)) == 1


def test_purge_is_a_scheduled_job() -> None:
    from webapp import scheduler

    trigger, func_ = scheduler.JOBS["privacy_purge"]
    assert func_ is privacy.purge_expired
    assert trigger.get_next_fire_time(None, datetime(2030, 1, 1, tzinfo=scheduler.TIMEZONE)) is not None


def test_erase_clears_personal_text_in_tables_that_refer_to_the_worker(db_session: Session) -> None:
    """Feature tables with a ``worker_id`` and columns such as ``note`` or a sign-up's ``payload`` are cleared."""
    from webapp.models.training import SignupRequest

    found = {t.name: {c.name for c in cols} for t, _fk, cols in privacy._personal_columns()}
    assert "payload" in found.get("signup_request", set())
    worker = make_worker(db_session)
    number = worker.id_number
    db_session.add(
        SignupRequest(
            worker_id=worker.id,
            kind="update",
            region_code=worker.region_code,
            payload={"name": worker.name, "id_number": number, "phone": worker.phone},
        )
    )
    db_session.commit()
    privacy.erase_worker(db_session, None, worker.id)
    for table, fk, personal in privacy._personal_columns():
        for row in db_session.execute(select(*personal).where(fk == worker.id)):
            assert all(v in (None, "", {}) for v in row), (table.name, row)
    assert number not in str(db_session.scalars(select(SignupRequest.payload)).all())


def test_an_erased_worker_is_gone_from_searches(db_session: Session) -> None:
    from webapp.services import workers

    worker = make_worker(db_session, name="要注销的人")
    number = worker.id_number
    privacy.erase_worker(db_session, None, worker.id)
    admin = Actor(None, "admin")
    assert workers.list_workers(db_session, admin, q="要注销").total == 0
    assert workers.list_workers(db_session, admin, q=number[-6:]).total == 0


def test_dates_are_days(db_session: Session) -> None:
    assert (
        privacy._cutoff(date(2030, 1, 10), 9)
        == datetime(2030, 1, 1)
        == datetime(2030, 1, 10) - timedelta(days=9)
    )
