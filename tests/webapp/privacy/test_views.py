"""Privacy pages: the audit log read (filtered, paginated) and exported by the right staff; erasure and the
retention purge requested by one person and approved by another, from pages."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import NANLE, PUYANG, QINGFENG, login, make_user, make_worker
from webapp.models import AuditLog, User, Worker
from webapp.models.security import PrivacyErasure, PrivacyRequest
from webapp.services import audit
from webapp.services.scope import Actor


def _browser(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    login(client, user)
    return client


def _audit(session: Session, user: User, action: str, worker_id: int, at: datetime) -> None:
    row = audit.record(session, Actor.of(user), action, "worker", worker_id, field="phone")
    row.at = at
    session.commit()


@pytest.fixture
def admin(db_session: Session) -> User:
    return make_user(db_session, role="admin", region_code=None, username="audit_admin")


def test_the_audit_log_page_filters_by_user_worker_action_and_date(
    app: Flask, db_session: Session, admin: User
) -> None:
    clerk = make_user(db_session, role="staff", region_code=PUYANG, username="clerk_li")
    other = make_user(db_session, role="staff", region_code=PUYANG, username="clerk_wang")
    worker, second = make_worker(db_session), make_worker(db_session, name="钱二")
    _audit(db_session, clerk, "reveal", worker.id, datetime(2026, 11, 3, 9))
    _audit(db_session, clerk, "reveal", second.id, datetime(2026, 11, 4, 9))
    _audit(db_session, clerk, "export", worker.id, datetime(2026, 11, 5, 9))
    _audit(db_session, other, "reveal", worker.id, datetime(2026, 11, 5, 10))
    page = _browser(app, admin)

    def listed(**query: object) -> list[int]:
        resp = page.get("/privacy/audit", query_string=query)
        assert resp.status_code == 200
        html = resp.get_data(as_text=True)
        return [int(x) for x in re.findall(r'data-audit-id="(\d+)"', html)]

    everything = listed()
    assert len(everything) == 4
    assert len(listed(user="clerk_li")) == 3
    assert len(listed(user="clerk_li", worker=worker.id)) == 2
    assert len(listed(user="clerk_li", worker=worker.id, action="reveal")) == 1
    assert len(listed(date_from="2026-11-04", date_to="2026-11-05")) == 3
    bad = page.get("/privacy/audit", query_string={"date_from": "2026-13-40"})
    assert bad.status_code == 422 and "起始日期" in bad.get_data(as_text=True)


def test_the_audit_log_is_paginated_and_exported(app: Flask, db_session: Session, admin: User) -> None:
    clerk = make_user(db_session, role="staff", region_code=PUYANG, username="clerk_zhao")
    worker = make_worker(db_session)
    for i in range(55):
        _audit(db_session, clerk, "reveal", worker.id, datetime(2026, 10, 1, 8, i))
    page = _browser(app, admin)
    first = page.get("/privacy/audit", query_string={"user": "clerk_zhao"}).get_data(as_text=True)
    second = page.get("/privacy/audit", query_string={"user": "clerk_zhao", "page": 2}).get_data(as_text=True)
    assert first.count("data-audit-id=") == 50 and second.count("data-audit-id=") == 5

    resp = page.get("/privacy/audit.xlsx", query_string={"user": "clerk_zhao"})
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    rows = list(load_workbook(io.BytesIO(resp.data)).active.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 55 and all("clerk_zhao" in row and "reveal" in row for row in rows)
    exported = db_session.scalars(
        select(AuditLog).where(AuditLog.user_id == admin.id, AuditLog.action == "export")
    ).all()
    assert [(e.object_type, e.detail["rows"]) for e in exported] == [("audit_log", 55)]


@pytest.mark.parametrize(
    "role, region",
    [("staff", QINGFENG), ("employer", None), ("trainer", PUYANG)],
    ids=["county-staff", "employer", "trainer"],
)
def test_only_the_right_staff_read_the_audit_log(
    app: Flask, db_session: Session, role: str, region: str | None
) -> None:
    page = _browser(app, make_user(db_session, role=role, region_code=region))
    assert page.get("/privacy/audit").status_code == 403
    assert page.get("/privacy/audit.xlsx").status_code == 403


def test_city_staff_read_the_audit_log(app: Flask, db_session: Session) -> None:
    page = _browser(app, make_user(db_session, role="staff", region_code=PUYANG))
    assert page.get("/privacy/audit").status_code == 200


def test_an_erasure_is_requested_by_one_person_and_carried_out_when_another_approves(
    app: Flask, db_session: Session, admin: User
) -> None:
    worker = make_worker(db_session, name="孙撤回")
    clerk = make_user(db_session, role="staff", region_code=NANLE)
    asked = _browser(app, clerk).post(
        "/privacy/requests/erase", data={"worker_id": worker.id, "reason": "本人书面撤回同意"}
    )
    assert asked.status_code == 302
    request = db_session.scalars(select(PrivacyRequest)).one()
    assert (request.kind, request.state, request.worker_id) == ("erase", "pending", worker.id)
    assert db_session.get(Worker, worker.id).name == "孙撤回"  # nothing happens on request alone

    # the requester cannot approve (even an admin who requested), a second person can
    assert _browser(app, clerk).post(f"/privacy/requests/{request.id}/approve").status_code == 403
    listing = _browser(app, admin).get("/privacy/requests").get_data(as_text=True)
    assert f"/privacy/requests/{request.id}/approve" in listing and "孙撤回" not in listing
    assert _browser(app, admin).post(f"/privacy/requests/{request.id}/approve").status_code == 302
    db_session.expire_all()
    assert db_session.get(Worker, worker.id).name == "已注销"
    assert db_session.scalar(select(PrivacyErasure.by_user_id)) == admin.id
    done = db_session.get(PrivacyRequest, request.id)
    assert (done.state, done.decided_by) == ("done", admin.id)
    actions = db_session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions[-3:] == ["request_erase", "erase", "approve_privacy_request"]
    # approving twice does nothing more
    assert _browser(app, admin).post(f"/privacy/requests/{request.id}/approve").status_code == 409


def test_nobody_approves_their_own_purge_and_a_second_admin_runs_it(
    app: Flask, db_session: Session, admin: User
) -> None:
    second = make_user(db_session, role="admin", region_code=None)
    page = _browser(app, admin)
    assert page.post("/privacy/requests/purge", data={"as_of": "2026-12-01"}).status_code == 302
    request = db_session.scalars(select(PrivacyRequest)).one()
    assert (request.kind, request.as_of) == ("purge", date(2026, 12, 1))
    assert page.post(f"/privacy/requests/{request.id}/approve").status_code == 403
    assert _browser(app, second).post(f"/privacy/requests/{request.id}/approve").status_code == 302
    db_session.expire_all()
    done = db_session.get(PrivacyRequest, request.id)
    assert done.state == "done" and "login_attempts" in done.result
    assert db_session.scalar(select(AuditLog).where(AuditLog.action == "purge")) is not None


def test_a_rejected_request_changes_nothing(app: Flask, db_session: Session, admin: User) -> None:
    worker = make_worker(db_session, name="周保留")
    clerk = make_user(db_session, role="staff", region_code=NANLE)
    _browser(app, clerk).post("/privacy/requests/erase", data={"worker_id": worker.id, "reason": "误报"})
    request = db_session.scalars(select(PrivacyRequest)).one()
    assert _browser(app, admin).post(f"/privacy/requests/{request.id}/reject").status_code == 302
    db_session.expire_all()
    assert db_session.get(PrivacyRequest, request.id).state == "rejected"
    assert db_session.get(Worker, worker.id).name == "周保留"


def test_requests_are_refused_outside_the_requesters_scope(app: Flask, db_session: Session) -> None:
    worker = make_worker(db_session)  # lives in 南乐县
    other_county = make_user(db_session, role="staff", region_code=QINGFENG)
    employer = make_user(db_session, role="employer", region_code=None)
    resp = _browser(app, other_county).post(
        "/privacy/requests/erase", data={"worker_id": worker.id, "reason": "x"}
    )
    assert resp.status_code == 404
    assert (
        _browser(app, employer).post("/privacy/requests/purge", data={"as_of": "2026-12-01"}).status_code
        == 403
    )
    assert (
        _browser(app, other_county).post("/privacy/requests/purge", data={"as_of": "2026-12-01"}).status_code
        == 403
    )
    assert db_session.scalars(select(PrivacyRequest)).all() == []
