"""The rules of courses and subsidies (issue 13, bullet 1): 结业 only after the course's end date and with enough
attendance; certificates with number, issuer and date before they reach the profile; claims only for results
that exist, capped at the lower of the standard and the course's cost; four-eyes approval and payment; every
refusal names its rule in Chinese and writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.webapp.training.training_builders import (
    actor,
    attend,
    certificate,
    ended_course,
    learner,
    open_course,
    staff_user,
    trainer_user,
    welding_order,
)
from webapp.errors import Conflict, ValidationError
from webapp.models import AuditLog
from webapp.models.training import BudgetLine, Enrolment, SubsidyClaim, SubsidyClaimLine
from webapp.services import subsidies, training


def _audits(session: Session, action: str) -> int:
    return session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == action)) or 0


def test_completion_before_the_course_ends_is_refused_and_nothing_is_written(db_session: Session) -> None:
    account = trainer_user(db_session)
    course = open_course(db_session, account, [welding_order(db_session)])  # starts today, ends in 20 days
    worker = learner(db_session)
    [row] = training.enrol(db_session, actor(account), course.id, {worker.id: "wished"})

    with pytest.raises(ValidationError) as err:
        training.record_result(
            db_session, actor(account), row.id, outcome="completed", **certificate("HG-0001")
        )

    assert "课程结束" in err.value.message and course.end_date.isoformat() in err.value.fields["outcome"]
    db_session.expire_all()
    assert (row.status, row.certificate_number, row.completed_on) == ("enrolled", None, None)
    assert worker.certificates == [] and worker.completed_training == [] and worker.status == "in_training"
    assert _audits(db_session, "result") == 0
    with pytest.raises(ValidationError) as err:
        training.finish_course(db_session, actor(account), course.id)
    assert "课程结束" in err.value.message
    # withdrawing is possible at any time
    training.record_result(db_session, actor(account), row.id, outcome="withdrawn")


def test_completion_needs_the_attendance_threshold(db_session: Session) -> None:
    account = trainer_user(db_session)
    course = ended_course(db_session, account, days=10)
    a, b = learner(db_session, "出勤七天"), learner(db_session, "出勤八天")
    ra, rb = training.enrol(db_session, actor(account), course.id, {a.id: "wished", b.id: "wished"})
    attend(db_session, account, course, [ra.id, rb.id], 7)
    training.record_attendance(
        db_session, actor(account), course.id, (course.start_date + timedelta(days=7)).isoformat(), [rb.id]
    )

    with pytest.raises(ValidationError) as err:
        training.record_result(db_session, actor(account), ra.id, outcome="completed")
    assert "出勤" in err.value.message
    assert "70%" in err.value.fields["outcome"] and "80%" in err.value.fields["outcome"]
    db_session.refresh(ra)
    assert ra.status == "enrolled"

    training.record_result(db_session, actor(account), rb.id, outcome="completed")
    training.record_result(
        db_session, actor(account), ra.id, outcome="failed"
    )  # a failure needs no attendance
    db_session.expire_all()
    assert (ra.status, rb.status) == ("failed", "completed")


@pytest.mark.parametrize(
    ("missing", "field"),
    [("certificate_issuer", "certificate_issuer"), ("certified_on", "certified_on")],
)
def test_a_certificate_needs_number_issuer_and_date_before_it_reaches_the_profile(
    db_session: Session, missing: str, field: str
) -> None:
    account = trainer_user(db_session)
    course = ended_course(db_session, account, days=5)
    worker = learner(db_session)
    [row] = training.enrol(db_session, actor(account), course.id, {worker.id: "wished"})
    attend(db_session, account, course, [row.id], 5)

    with pytest.raises(ValidationError) as err:
        training.record_result(
            db_session, actor(account), row.id, outcome="completed", **certificate("HG-0001", **{missing: ""})
        )
    assert field in err.value.fields
    db_session.expire_all()
    assert row.status == "enrolled" and worker.certificates == []

    training.record_result(db_session, actor(account), row.id, outcome="completed", **certificate("HG-0001"))
    db_session.expire_all()
    assert worker.certificates == ["焊工证"] and worker.completed_training == ["焊工"]
    assert (row.certificate_number, row.certificate_issuer, row.certified_on) == (
        "HG-0001",
        "濮阳市人力资源和社会保障局",
        date.today() - timedelta(days=1),
    )


def test_a_certificate_cannot_be_dated_before_the_course_or_in_the_future(db_session: Session) -> None:
    account = trainer_user(db_session)
    course = ended_course(db_session, account, days=5)
    [row] = training.enrol(db_session, actor(account), course.id, {learner(db_session).id: "wished"})
    attend(db_session, account, course, [row.id], 5)
    for day in (course.start_date - timedelta(days=1), date.today() + timedelta(days=1)):
        with pytest.raises(ValidationError) as err:
            training.record_result(
                db_session,
                actor(account),
                row.id,
                outcome="completed",
                **certificate("HG-0002", certified_on=day.isoformat()),
            )
        assert "certified_on" in err.value.fields


def test_the_confirmation_summary_says_what_will_happen_and_writes_nothing(db_session: Session) -> None:
    account = trainer_user(db_session)
    order = welding_order(db_session)
    course = ended_course(db_session, account, [order], days=5)
    worker = learner(db_session)
    [row] = training.enrol(db_session, actor(account), course.id, {worker.id: "wished"})
    attend(db_session, account, course, [row.id], 5)

    summary = training.result_preview(
        db_session, actor(account), row.id, outcome="completed", **certificate("HG-0003")
    )

    text = summary.text()
    assert worker.name in text and "结业" in text and "焊工证" in text and "HG-0003" in text
    assert order.title in text and "不可撤销" in text
    db_session.expire_all()
    assert row.status == "enrolled" and worker.certificates == [] and _audits(db_session, "result") == 0
    with pytest.raises(ValidationError):  # the same rules as the real step
        training.result_preview(db_session, actor(account), row.id, outcome="completed", **certificate("X"))


def _claimable(session: Session, *, cost: str, trainees: int = 2) -> tuple[SubsidyClaim, object]:
    """A finished 焊工 course (standard 1800 元) of ``cost`` 元 per trainee, trainees certified and employed."""
    from tests.webapp.services.test_subsidies import placed

    account = trainer_user(session)
    course = ended_course(session, account, days=5, cost=cost)
    workers = [learner(session, f"学员{i}") for i in range(trainees)]
    rows = training.enrol(session, actor(account), course.id, {w.id: "wished" for w in workers})
    attend(session, account, course, [r.id for r in rows], 5)
    for n, row in enumerate(rows, start=1):
        training.record_result(
            session, actor(account), row.id, outcome="completed", **certificate(f"HG-{n:04d}")
        )
        placed(session, course, row.worker_id, 0)
    training.finish_course(session, actor(account), course.id)
    return subsidies.submit_claim(session, actor(account), course.id), account


def test_a_claim_is_capped_at_the_course_cost(db_session: Session) -> None:
    claim, _trainer = _claimable(db_session, cost="1200")
    assert (claim.amount, [line.amount for line in claim.lines]) == (2400, [1200, 1200])
    assert claim.rule["cap_per_trainee"] == 1200


def test_a_claim_above_cost_is_neither_approved_nor_paid(db_session: Session) -> None:
    claim, _trainer = _claimable(db_session, cost="1200")
    # as recorded before the cap existed: 1,800 元 per trainee for a course costing 1,200 元
    for line in claim.lines:
        line.amount = 1800
    claim.amount = 3600
    db_session.commit()
    staff = actor(staff_user(db_session))

    with pytest.raises(ValidationError) as err:
        subsidies.approve_claim(db_session, staff, claim.id)

    assert "实际成本" in err.value.message and "1200" in err.value.fields["amount"]
    db_session.refresh(claim)
    assert (claim.status, claim.decided_by) == ("submitted", None) and _audits(db_session, "approve") == 0


def test_claims_count_only_results_recorded_under_the_rules(db_session: Session) -> None:
    account = trainer_user(db_session)
    course = ended_course(db_session, account, days=5, cost="1500")
    good, early = learner(db_session, "按规结业"), learner(db_session, "提前结业")
    rg, re_ = training.enrol(db_session, actor(account), course.id, {good.id: "wished", early.id: "wished"})
    attend(db_session, account, course, [rg.id], 5)
    training.record_result(db_session, actor(account), rg.id, outcome="completed", **certificate("HG-0010"))
    # recorded before the rules: completed and certified on the first day, never present
    re_.status, re_.completed_on = "completed", course.start_date
    re_.certificate_number, re_.certified_on = "HG-0011", course.start_date
    db_session.commit()

    _standard, checks = subsidies.assess(db_session, course)

    by_worker = {c.enrolment.worker_id: c for c in checks}
    assert by_worker[good.id].reasons == ("结业后180天内未就业",)
    assert not by_worker[early.id].qualifies
    assert any("结业日期早于课程结束日期" in r for r in by_worker[early.id].reasons)
    assert any("出勤" in r for r in by_worker[early.id].reasons)


def test_the_same_person_cannot_approve_and_pay(db_session: Session) -> None:
    claim, _trainer = _claimable(db_session, cost="2000")
    first, second = staff_user(db_session), staff_user(db_session)
    line = subsidies.create_budget_line(
        db_session,
        actor(first),
        {"name": "职业培训补贴", "year": "2026", "region_code": "410900", "total": "9000"},
    )
    subsidies.approve_claim(db_session, actor(first), claim.id)

    with pytest.raises(Conflict) as err:
        subsidies.pay_claim(db_session, actor(first), claim.id, line.id)

    assert "四眼" in err.value.message and "不同" in err.value.message
    db_session.refresh(claim)
    db_session.refresh(line)
    assert (claim.status, claim.paid_by, line.spent) == ("approved", None, 0) and _audits(
        db_session, "pay"
    ) == 0

    summary = subsidies.pay_preview(db_session, actor(second), claim.id, line.id)
    assert "金额3600元" in summary.text() and "支付不可撤销" in summary.text()
    subsidies.pay_claim(db_session, actor(second), claim.id, line.id)
    db_session.refresh(claim)
    assert (claim.status, claim.decided_by, claim.paid_by) == ("paid", first.id, second.id)
    steps = [
        (a.action, a.user_id)
        for a in db_session.scalars(
            select(AuditLog).where(AuditLog.object_type == "subsidy_claim").order_by(AuditLog.id)
        )
    ]
    assert steps[-2:] == [("approve", first.id), ("pay", second.id)]


def test_a_course_without_a_cost_cannot_be_claimed(db_session: Session) -> None:
    with pytest.raises(ValidationError) as err:
        _claimable(db_session, cost="0")
    assert "成本" in err.value.fields["course_id"]
    assert db_session.scalar(select(func.count(SubsidyClaimLine.id))) == 0
    assert db_session.scalar(select(func.count(SubsidyClaim.id))) == 0
    assert db_session.scalar(select(func.count(BudgetLine.id))) == 0
    assert db_session.scalar(select(func.count(Enrolment.id))) == 2
