"""One order-based course (订单式培训) end to end: demand that no registered worker meets → a trainer takes the
order and opens a course → the enrolees complete it and are certified → they enter the order's shortlist at once
→ a subsidy claim with the right amount → approved and paid, the budget reduced, every step in the audit log."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import api_token, make_worker
from tests.webapp.training.training_builders import (
    WELDER,
    WELDER_CERT,
    actor,
    attend,
    certificate,
    ended_course,
    learner,
    staff_user,
    trainer_user,
    welding_order,
)
from webapp.models import AuditLog, Match, Worker
from webapp.models.training import BudgetLine
from webapp.services import matching, placements, subsidies, training


def test_order_based_course_from_gap_to_paid_subsidy(client: FlaskClient, db_session: Session) -> None:
    staff, trainer = staff_user(db_session), trainer_user(db_session)
    order = welding_order(db_session, headcount=2, wage_min=5000, wage_max=7000)
    zhao, li, wang = (
        learner(db_session, "赵学焊"),
        learner(db_session, "李学焊"),
        learner(db_session, "王学焊"),
    )
    # competitors: relevant to the order but weaker; one of them would qualify if the wage suited him
    rival = make_worker(
        db_session,
        name="钱电焊",
        skills=["电焊"],
        certificates=[],
        desired_occupations=[],
        expected_wage=12000,
    )
    far = learner(db_session, "孙外出", expected_wage=9000)

    # 1. demand with no qualified worker: the gap is the whole headcount, the learners are near misses
    need = next(n for n in training.training_needs(db_session, actor(trainer)) if n.occupation == WELDER)
    assert (need.demand, need.qualified_supply, need.gap) == (2, 0, 2)
    assert {zhao.id, li.id, wang.id} <= set(need.near_miss)
    assert order.id in need.order_ids
    headers = api_token(client, trainer)
    listed = client.get("/api/v1/training-needs?region_code=320500", headers=headers).get_json()
    assert listed[0]["occupation"] == WELDER and listed[0]["gap"] == 2

    # 2. the trainer takes the order: a course linked to it; the engine proposes the learners
    # (a one-day course held yesterday at 1,800 元 per trainee, opened before it began)
    course = ended_course(db_session, trainer, [order], days=1, capacity="3", cost="1800")
    assert course.certificate_name == WELDER_CERT
    _, proposals = training.propose_enrolees(db_session, actor(trainer), course.id)
    proposed = [p.trainee.worker_id for p in proposals.items]
    assert {zhao.id, li.id, wang.id} <= set(proposed)
    training.enrol(
        db_session, actor(trainer), course.id, {zhao.id: "wished", li.id: "wished", wang.id: "near_miss"}
    )
    db_session.refresh(zhao)
    assert zhao.status == "in_training"

    # 3. completion and certificates; the certified rank first for the order at once
    attend(db_session, trainer, course, [e.id for e in course.enrolments], 1)
    first = training.record_result(
        db_session,
        actor(trainer),
        _enrolment(course, zhao).id,
        outcome="completed",
        **certificate("HG-2026-0001"),
    )
    second = training.record_result(
        db_session,
        actor(trainer),
        _enrolment(course, li).id,
        outcome="completed",
        **certificate("HG-2026-0002"),
    )
    training.record_result(db_session, actor(trainer), _enrolment(course, wang).id, outcome="completed")
    assert [(o.id, r) for o, r in first.ranks] == [(order.id, 1)]
    assert [r for _o, r in second.ranks] == [2]  # equal scores: the lower worker id first
    db_session.refresh(zhao)
    assert WELDER_CERT in zhao.certificates and "焊工" in zhao.completed_training and zhao.status == "seeking"
    _, top = matching.matches_for_order(db_session, actor(staff), order.id, limit=order.headcount)
    assert {r.worker.id for r in top} == {zhao.id, li.id}
    stored = db_session.scalars(
        select(Match).where(Match.job_order_id == order.id).order_by(Match.rank)
    ).all()
    assert [m.worker_id for m in stored[:2]] == [zhao.id, li.id]
    assert {rival.id, far.id} & {m.worker_id for m in stored[:2]} == set()
    training.finish_course(db_session, actor(trainer), course.id)

    # 4. both certified trainees start work within the standard's window; the claim is 2 × 1800 yuan
    for worker in (zhao, li):
        placements.record_placement(
            db_session,
            actor(staff),
            {
                "worker_id": worker.id,
                "job_order_id": order.id,
                "start_date": (course.end_date + timedelta(days=7)).isoformat(),
                "source": "course",
            },
        )
    claim = subsidies.submit_claim(db_session, actor(trainer), course.id)
    assert (claim.status, claim.trainees, claim.amount) == ("submitted", 2, 3600)
    assert sorted(line.worker_id for line in claim.lines) == sorted([zhao.id, li.id])

    # 5. staff approve and pay from a budget line, which goes down by the amount
    line = subsidies.create_budget_line(
        db_session,
        actor(staff),
        {"name": "职业培训补贴", "year": "2026", "region_code": "410900", "total": "10000"},
    )
    approver = staff_user(db_session)  # four-eyes: one approves, another pays
    subsidies.approve_claim(db_session, actor(approver), claim.id)
    paid = subsidies.pay_claim(db_session, actor(staff), claim.id, line.id)
    assert paid.status == "paid" and paid.budget_line_id == line.id
    db_session.refresh(line)
    assert (line.spent, line.remaining) == (3600, 6400)
    assert db_session.get(BudgetLine, line.id).spent == 3600  # type: ignore[union-attr]

    # 6. every step left its audit row
    actions = {
        (a.action, a.object_type)
        for a in db_session.scalars(select(AuditLog).where(AuditLog.object_type != "worker"))
    }
    for step in (
        ("create", "course"),
        ("enrol", "enrolment"),
        ("attendance", "course"),
        ("result", "enrolment"),
        ("finish", "course"),
        ("create", "placement"),
        ("submit", "subsidy_claim"),
        ("create", "budget_line"),
        ("approve", "subsidy_claim"),
        ("pay", "subsidy_claim"),
    ):
        assert step in actions, step
    pay_row = db_session.scalar(select(AuditLog).where(AuditLog.action == "pay"))
    assert pay_row is not None and pay_row.detail["amount"] == 3600 and pay_row.user_id == staff.id


def _enrolment(course, worker: Worker):  # type: ignore[no-untyped-def]
    return next(e for e in course.enrolments if e.worker_id == worker.id)
