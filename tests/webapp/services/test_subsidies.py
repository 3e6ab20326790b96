"""services.subsidies: who qualifies under the occupation's standard, claims, decisions, payment against a
budget that cannot go negative, and the subsidy ledger."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tests.builders import NANLE, QINGFENG, occupation_code
from tests.webapp.training.training_builders import (
    actor,
    attend,
    certificate,
    course_data,
    ended_course,
    learner,
    staff_user,
    trainer_user,
)
from webapp.errors import Conflict, Forbidden, NotFound, ValidationError
from webapp.models import AuditLog, Placement
from webapp.models.training import BudgetLine, Course, SubsidyClaim
from webapp.services import subsidies, training
from webapp.services.scope import Actor


def finished_course(
    session: Session, trainer: Actor, results: list[tuple[str, str | None]], *, occupation: str = "焊工"
) -> Course:
    """A finished 5-day course (2,000 元 per trainee) whose trainees, present every day, got ``(outcome,
    certificate number)``, in order."""
    course = ended_course(session, trainer, days=5, occupation=occupation, certificate_name="", cost="2000")
    workers = [learner(session, f"学员{i}") for i in range(len(results))]
    rows = training.enrol(session, trainer, course.id, {w.id: "wished" for w in workers})
    attend(session, trainer, course, [r.id for r in rows], 5)
    for row, (outcome, number) in zip(rows, results, strict=True):
        training.record_result(
            session, trainer, row.id, outcome=outcome, **(certificate(number) if number else {})
        )
    training.finish_course(session, trainer, course.id)
    return course


def placed(session: Session, course: Course, worker_id: int, days_after_end: int) -> None:
    session.add(
        Placement(
            worker_id=worker_id,
            route="local_enterprise",
            region_code=NANLE,
            start_date=course.end_date + timedelta(days=days_after_end),
            employer_name="南乐县食品厂",
        )
    )
    session.commit()


def test_standards_come_from_config_with_a_default() -> None:
    welder = subsidies.standard_for(occupation_code("焊工"))
    assert welder is not None and (welder.yuan_per_trainee, welder.require_certificate) == (1800, True)
    assert welder.employed_within_days == 180
    sewing = subsidies.standard_for(occupation_code("缝纫工"))
    assert sewing is not None and not sewing.require_certificate
    default = subsidies.standard_for(occupation_code("保安员"))
    assert default is not None and default.occupation is None and default.yuan_per_trainee == 800
    assert "取得证书" in welder.describe() and "180天内就业" in welder.describe()


@pytest.mark.parametrize(
    ("days_after_end", "qualifies"),
    [(None, False), (-1, False), (0, True), (90, True), (180, True), (181, False)],
)
def test_employment_must_start_within_the_window(
    db_session: Session, days_after_end: int | None, qualifies: bool
) -> None:
    trainer = actor(trainer_user(db_session))
    course = finished_course(db_session, trainer, [("completed", "HG-1")])
    worker_id = course.enrolments[0].worker_id
    if days_after_end is not None:
        placed(db_session, course, worker_id, days_after_end)
    _standard, [check] = subsidies.assess(db_session, course)
    assert check.qualifies is qualifies
    assert check.amount == (1800 if qualifies else 0)
    if not qualifies:
        assert check.reasons == ("结业后180天内未就业",)


def test_claim_lists_qualifying_trainees_and_the_amount(db_session: Session) -> None:
    trainer = actor(trainer_user(db_session))
    course = finished_course(
        db_session,
        trainer,
        [
            ("completed", "HG-1"),
            ("completed", "HG-2"),
            ("completed", None),
            ("failed", None),
            ("withdrawn", None),
        ],
    )
    rows = course.enrolments
    for row in rows[:3]:
        placed(db_session, course, row.worker_id, 30)

    _standard, checks = subsidies.assess(db_session, course)
    assert [c.reasons for c in checks] == [
        (),
        (),
        ("未取得证书",),
        ("未结业", "未取得证书", "结业后180天内未就业"),
        ("未结业", "未取得证书", "结业后180天内未就业"),
    ]
    claim = subsidies.submit_claim(db_session, trainer, course.id)
    assert (claim.trainees, claim.amount, claim.status) == (2, 3600, "submitted")
    assert [line.worker_id for line in claim.lines] == [rows[0].worker_id, rows[1].worker_id]
    assert claim.rule == {
        "occupation": course.occupation_code,
        "yuan_per_trainee": 1800,
        "require_certificate": True,
        "employed_within_days": 180,
        "cap_per_trainee": 1800,
    }
    with pytest.raises(Conflict):
        subsidies.submit_claim(db_session, trainer, course.id)
    with pytest.raises(Conflict):  # results of claimed trainees are frozen
        training.record_result(db_session, trainer, rows[0].id, outcome="completed", **certificate("HG-9"))


def test_a_course_without_certificates_uses_its_own_rule(db_session: Session) -> None:
    trainer = actor(trainer_user(db_session))
    course = finished_course(db_session, trainer, [("completed", None)], occupation="缝纫工")
    placed(db_session, course, course.enrolments[0].worker_id, 10)
    assert subsidies.submit_claim(db_session, trainer, course.id).amount == 800


def test_claims_need_a_finished_course_and_someone_qualifying(db_session: Session) -> None:
    trainer = actor(trainer_user(db_session))
    running = training.create_course(db_session, trainer, course_data())
    with pytest.raises(ValidationError):
        subsidies.submit_claim(db_session, trainer, running.id)
    nobody = finished_course(db_session, trainer, [("failed", None)])
    with pytest.raises(ValidationError) as err:
        subsidies.submit_claim(db_session, trainer, nobody.id)
    assert "0人" in err.value.fields["course_id"]
    assert db_session.scalar(select(SubsidyClaim.id)) is None
    with pytest.raises(Forbidden):
        subsidies.submit_claim(db_session, actor(staff_user(db_session)), nobody.id)


@pytest.fixture
def claim(db_session: Session) -> SubsidyClaim:
    """A submitted claim of 2 × 1800 yuan for a course held in 南乐县."""
    trainer = actor(trainer_user(db_session))
    course = finished_course(db_session, trainer, [("completed", "HG-1"), ("completed", "HG-2")])
    for row in course.enrolments:
        placed(db_session, course, row.worker_id, 5)
    return subsidies.submit_claim(db_session, trainer, course.id)


def budget(session: Session, staff: Actor, total: int, region: str = "410900") -> BudgetLine:
    return subsidies.create_budget_line(
        session, staff, {"name": "职业培训补贴", "year": "2026", "region_code": region, "total": str(total)}
    )


def test_paying_books_the_amount_against_the_budget(db_session: Session, claim: SubsidyClaim) -> None:
    staff, approver = actor(staff_user(db_session)), actor(staff_user(db_session))
    line = budget(db_session, staff, 5000)
    with pytest.raises(Conflict):  # not approved yet
        subsidies.pay_claim(db_session, staff, claim.id, line.id)
    subsidies.approve_claim(db_session, approver, claim.id)
    paid = subsidies.pay_claim(db_session, staff, claim.id, line.id)
    db_session.refresh(line)
    assert (paid.status, line.spent, line.remaining) == ("paid", 3600, 1400)
    with pytest.raises(Conflict):  # paid once only
        subsidies.pay_claim(db_session, staff, claim.id, line.id)
    db_session.refresh(line)
    assert line.spent == 3600


def test_a_budget_line_never_goes_negative(db_session: Session, claim: SubsidyClaim) -> None:
    staff = actor(staff_user(db_session))
    line = budget(db_session, staff, 3000)
    subsidies.approve_claim(db_session, actor(staff_user(db_session)), claim.id)

    with pytest.raises(Conflict) as err:
        subsidies.pay_claim(db_session, staff, claim.id, line.id)

    assert "余额3000元" in err.value.fields["budget_line_id"]
    db_session.refresh(line)
    db_session.refresh(claim)
    assert (line.spent, claim.status, claim.budget_line_id) == (0, "approved", None)
    assert db_session.scalar(select(AuditLog.id).where(AuditLog.action == "pay")) is None
    # the database refuses an overdraft too, whatever the code path
    with pytest.raises(IntegrityError):
        db_session.execute(update(BudgetLine).where(BudgetLine.id == line.id).values(spent=3001))
        db_session.flush()
    db_session.rollback()


def test_budget_must_cover_the_course_place_and_the_staff_region(
    db_session: Session, claim: SubsidyClaim
) -> None:
    city = actor(staff_user(db_session))
    qingfeng_line = budget(db_session, city, 9000, region=QINGFENG)
    subsidies.approve_claim(db_session, actor(staff_user(db_session, NANLE)), claim.id)
    with pytest.raises(ValidationError) as err:
        subsidies.pay_claim(db_session, city, claim.id, qingfeng_line.id)
    assert "budget_line_id" in err.value.fields
    assert subsidies.budget_options(db_session, city, claim) == []
    qingfeng = actor(staff_user(db_session, QINGFENG))
    with pytest.raises(NotFound):  # a course in 南乐县 is not 清丰县's to decide
        subsidies.approve_claim(db_session, qingfeng, claim.id)
    with pytest.raises(ValidationError):
        budget(db_session, qingfeng, 100, region=NANLE)


def test_returned_claims_carry_a_reason_and_can_be_claimed_again(
    db_session: Session, claim: SubsidyClaim
) -> None:
    staff = actor(staff_user(db_session, NANLE))
    with pytest.raises(ValidationError) as err:
        subsidies.return_claim(db_session, staff, claim.id, "  ")
    assert "reason" in err.value.fields
    returned = subsidies.return_claim(db_session, staff, claim.id, "缺少结业考核记录")
    assert (returned.status, returned.return_reason) == ("returned", "缺少结业考核记录")
    with pytest.raises(Conflict):
        subsidies.approve_claim(db_session, staff, claim.id)
    trainer = Actor(returned.submitted_by, "trainer", "410900")
    again = subsidies.submit_claim(db_session, trainer, claim.course_id)
    assert (again.id, again.status, again.return_reason, again.amount) == (claim.id, "submitted", "", 3600)
    assert len(again.lines) == 2
    steps = [
        a.action
        for a in db_session.scalars(
            select(AuditLog).where(AuditLog.object_type == "subsidy_claim").order_by(AuditLog.id)
        )
    ]
    assert steps == ["submit", "return", "submit"]


def test_claims_are_scoped(db_session: Session, claim: SubsidyClaim) -> None:
    other_trainer = actor(trainer_user(db_session, display_name="清丰县技工学校"))
    with pytest.raises(NotFound):
        subsidies.get_claim(db_session, other_trainer, claim.id)
    assert subsidies.list_claims(db_session, other_trainer).total == 0
    assert subsidies.list_claims(db_session, actor(staff_user(db_session, QINGFENG))).total == 0
    assert (
        subsidies.list_claims(db_session, actor(staff_user(db_session, NANLE)), status="submitted").total == 1
    )


def test_subsidy_ledger_rows_and_masking(db_session: Session, claim: SubsidyClaim) -> None:
    trainer = Actor(claim.submitted_by, "trainer", "410900")
    staff = actor(staff_user(db_session, NANLE))
    header, *rows = list(
        load_workbook(io.BytesIO(subsidies.subsidy_ledger(db_session, trainer))).active.values
    )  # type: ignore[union-attr]
    assert header == subsidies.SUBSIDY_LEDGER_COLUMNS
    col = {name: i for i, name in enumerate(header)}
    assert [r[col["补贴金额（元）"]] for r in rows] == [1800, 1800]
    assert all("*" in r[col["身份证号码"]] for r in rows)
    _, *staff_rows = list(
        load_workbook(io.BytesIO(subsidies.subsidy_ledger(db_session, staff))).active.values
    )  # type: ignore[union-attr]
    ids = {line.worker.id_number for line in claim.lines}
    assert {r[col["身份证号码"]] for r in staff_rows} == ids
    assert (
        db_session.scalar(
            select(AuditLog).where(
                AuditLog.object_type == "subsidy_ledger", AuditLog.user_id == staff.user_id
            )
        )
        is not None
    )


def test_every_standard_names_a_taxonomy_occupation() -> None:
    import config

    by_code, _default = subsidies.standards()  # raises on a name the taxonomy lacks
    assert len(by_code) == len(config.load_subsidies()["standards"])
