"""Subsidy pages (买单): the claim preview and submission, staff decisions, payment, budget lines, the ledger."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import NANLE, QINGFENG, login
from tests.webapp.page_html import field_errors, text
from tests.webapp.training.training_builders import (
    actor,
    attend,
    certificate,
    ended_course,
    learner,
    staff_user,
    trainer_user,
)
from webapp.models import Placement, User
from webapp.models.training import BudgetLine, Course, SubsidyClaim
from webapp.services import subsidies, training


@pytest.fixture
def trainer(db_session: Session) -> User:
    return trainer_user(db_session)


@pytest.fixture
def finished(db_session: Session, trainer: User) -> Course:
    """A finished welding course in 南乐县: one certified trainee placed a week after the end, one without."""
    a = actor(trainer)
    course = ended_course(db_session, trainer, days=2, cost="2000")
    ok, short = learner(db_session, "取证就业"), learner(db_session, "未取证")
    rows = training.enrol(db_session, a, course.id, {ok.id: "wished", short.id: "wished"})
    attend(db_session, trainer, course, [r.id for r in rows], 2)
    training.record_result(db_session, a, rows[0].id, outcome="completed", **certificate("HG-1"))
    training.record_result(db_session, a, rows[1].id, outcome="completed")
    training.finish_course(db_session, a, course.id)
    db_session.add(
        Placement(
            worker_id=ok.id,
            route="local_enterprise",
            region_code=NANLE,
            start_date=course.end_date + timedelta(days=7),
            employer_name="南乐县钢构厂",
        )
    )
    db_session.commit()
    return course


def test_trainer_previews_and_submits_a_claim(
    client: FlaskClient, db_session: Session, trainer: User, finished: Course
) -> None:
    login(client, trainer)
    html = client.get(f"/subsidies/courses/{finished.id}/claim").get_data(as_text=True)
    page = text(html)
    assert "1800元/人（结业、取得证书、结业后180天内就业）" in page
    assert html.count('data-qualifies="1"') == 1 and "未取得证书" in page and "data-amount>1800<" in html

    resp = client.post(f"/subsidies/courses/{finished.id}/claim")
    claim = db_session.scalar(select(SubsidyClaim))
    assert resp.status_code == 302 and claim is not None and claim.amount == 1800
    assert resp.headers["Location"].endswith(f"/subsidies/claims/{claim.id}")
    again = client.post(f"/subsidies/courses/{finished.id}/claim")
    assert again.status_code == 409 and "该课程已申请补贴" in text(again.get_data(as_text=True))


def test_staff_approve_and_pay_from_a_budget_line(
    client: FlaskClient, db_session: Session, trainer: User, finished: Course
) -> None:
    claim = subsidies.submit_claim(db_session, actor(trainer), finished.id)
    login(client, staff_user(db_session))

    resp = client.post(
        "/subsidies/budget",
        data={"name": "职业培训补贴", "year": "2026", "region_code": "410900", "total": "5000"},
    )
    assert resp.status_code == 302
    line = db_session.scalar(select(BudgetLine))
    assert line is not None and "职业培训补贴" in text(client.get("/subsidies/budget").get_data(as_text=True))

    # approving asks for confirmation first: a summary, nothing written yet
    summary = client.post(f"/subsidies/claims/{claim.id}/approve")
    assert summary.status_code == 200 and "确认批准补贴申请" in text(summary.get_data(as_text=True))
    assert "四眼原则" in text(summary.get_data(as_text=True)) and 'name="confirmed"' in summary.get_data(
        as_text=True
    )
    db_session.refresh(claim)
    assert claim.status == "submitted"
    assert client.post(f"/subsidies/claims/{claim.id}/approve", data={"confirmed": "1"}).status_code == 302
    page = client.get(f"/subsidies/claims/{claim.id}").get_data(as_text=True)
    assert f'<option value="{line.id}">' in page and "余额 5000" in page
    # the approver may not pay (four-eyes): refused already on the summary step
    own = client.post(
        f"/subsidies/claims/{claim.id}/pay", data={"budget_line_id": str(line.id)}, follow_redirects=True
    )
    assert "四眼原则" in text(own.get_data(as_text=True))
    second = staff_user(db_session)
    client.post("/auth/logout")
    login(client, second)
    summary = client.post(
        f"/subsidies/claims/{claim.id}/pay", data={"budget_line_id": str(line.id)}, follow_redirects=True
    )
    assert "余额5000元 → 3200元" in text(summary.get_data(as_text=True))
    db_session.refresh(line)
    assert line.spent == 0
    paid = client.post(
        f"/subsidies/claims/{claim.id}/pay",
        data={"budget_line_id": str(line.id), "confirmed": "1"},
        follow_redirects=True,
    )
    assert "已支付并记入预算科目" in text(
        paid.get_data(as_text=True)
    ) and 'data-status="paid"' in paid.get_data(as_text=True)
    db_session.refresh(line)
    assert line.spent == 1800


def test_overdraft_is_refused_with_a_message(
    client: FlaskClient, db_session: Session, trainer: User, finished: Course
) -> None:
    claim = subsidies.submit_claim(db_session, actor(trainer), finished.id)
    staff = staff_user(db_session)
    line = subsidies.create_budget_line(
        db_session,
        actor(staff),
        {"name": "余额不多", "year": "2026", "region_code": "410900", "total": "1000"},
    )
    subsidies.approve_claim(db_session, actor(staff_user(db_session)), claim.id)
    login(client, staff)
    page = client.get(f"/subsidies/claims/{claim.id}").get_data(as_text=True)
    assert "没有覆盖该地区且余额足够的预算科目" in text(page)
    resp = client.post(
        f"/subsidies/claims/{claim.id}/pay", data={"budget_line_id": str(line.id)}, follow_redirects=True
    )
    assert "预算余额不足；余额1000元，本次需支付1800元" in text(resp.get_data(as_text=True))
    db_session.refresh(line)
    assert line.spent == 0


def test_return_with_a_reason(
    client: FlaskClient, db_session: Session, trainer: User, finished: Course
) -> None:
    claim = subsidies.submit_claim(db_session, actor(trainer), finished.id)
    login(client, staff_user(db_session, NANLE))
    empty = client.post(f"/subsidies/claims/{claim.id}/return", data={"reason": ""}, follow_redirects=True)
    assert "必填：请输入退回原因" in text(empty.get_data(as_text=True))
    client.post(f"/subsidies/claims/{claim.id}/return", data={"reason": "证书复印件不清晰"})
    db_session.refresh(claim)
    assert (claim.status, claim.return_reason) == ("returned", "证书复印件不清晰")


def test_staff_of_another_county_cannot_decide(
    client: FlaskClient, db_session: Session, trainer: User, finished: Course
) -> None:
    claim = subsidies.submit_claim(db_session, actor(trainer), finished.id)
    login(client, staff_user(db_session, QINGFENG))
    assert client.get(f"/subsidies/claims/{claim.id}").status_code == 404
    assert client.post(f"/subsidies/claims/{claim.id}/approve").status_code == 404


def test_trainers_cannot_approve_their_own_claim(
    client: FlaskClient, db_session: Session, trainer: User, finished: Course
) -> None:
    claim = subsidies.submit_claim(db_session, actor(trainer), finished.id)
    login(client, trainer)
    page = text(client.get(f"/subsidies/claims/{claim.id}").get_data(as_text=True))
    assert "批准" not in page
    assert client.post(f"/subsidies/claims/{claim.id}/approve").status_code == 403
    assert client.get("/subsidies/budget").status_code == 403


def test_budget_form_shows_field_errors(client: FlaskClient, db_session: Session) -> None:
    login(client, staff_user(db_session, NANLE))
    resp = client.post(
        "/subsidies/budget", data={"name": "x", "year": "1900", "region_code": QINGFENG, "total": "-5"}
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert field_errors(html, "year") == ["不能小于2000"] and field_errors(html, "total") == ["不能小于1"]


def test_subsidy_ledger_download(
    client: FlaskClient, db_session: Session, trainer: User, finished: Course
) -> None:
    subsidies.submit_claim(db_session, actor(trainer), finished.id)
    login(client, staff_user(db_session, NANLE))
    resp = client.get("/subsidies/ledger.xlsx")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    header, row = list(load_workbook(io.BytesIO(resp.data)).active.values)  # type: ignore[union-attr]
    assert header == subsidies.SUBSIDY_LEDGER_COLUMNS
    assert row[7] == "取证就业" and row[12] == 1800 and row[13] == "待审核"
