"""services.training: training needs, courses, proposals, enrolment, attendance, results and the ledger."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import (
    NANLE,
    QINGFENG,
    make_employer,
    make_job_order,
    make_user,
    make_worker,
    occupation_code,
)
from tests.webapp.training.training_builders import (
    WELDER,
    actor,
    attend,
    certificate,
    course_data,
    ended_course,
    learner,
    open_course,
    staff_user,
    trainer_user,
    welding_order,
)
from webapp.errors import Conflict, Forbidden, NotFound, ValidationError
from webapp.models import AuditLog
from webapp.models.training import Attendance, Enrolment, SignupRequest
from webapp.services import training
from webapp.services.training import Need, heat_map, safe_cell

# --- needs ------------------------------------------------------------------------------------------------------


def test_qualified_supply_uses_the_threshold_and_near_misses_are_listed(db_session: Session) -> None:
    order = welding_order(db_session, headcount=3)
    certified = make_worker(db_session, name="赵晓权")  # skilled, certified welder: qualified
    near = learner(db_session)
    trainer = trainer_user(db_session)

    [need] = [n for n in training.training_needs(db_session, actor(trainer)) if n.occupation == WELDER]

    assert (need.demand, need.qualified_supply, need.gap) == (3, 1, 2)
    assert need.near_miss == (near.id,)
    assert need.wished_by == 2 and set(need.wished_by_ids) == {certified.id, near.id}
    assert need.order_ids == (order.id,) and need.region_code == "320500"


def test_needs_sorted_by_gap_and_filtered_by_place_and_occupation(db_session: Session) -> None:
    welding_order(db_session, headcount=2)
    cook = make_job_order(
        db_session,
        title="厨师",
        occupation_code=occupation_code("中式烹调师"),
        skills=[],
        certificates_required=[],
        headcount=5,
        region_code=NANLE,
    )
    trainer = actor(trainer_user(db_session))

    needs = training.training_needs(db_session, trainer)
    assert [n.gap for n in needs] == sorted((n.gap for n in needs), reverse=True)
    assert needs[0].occupation == cook.occupation_code and needs[0].region_code == NANLE

    assert [n.region_code for n in training.training_needs(db_session, trainer, region_code="320000")] == [
        "320500"
    ]
    only = training.training_needs(db_session, trainer, occupation=cook.occupation_code)
    assert [n.occupation for n in only] == [cook.occupation_code]


def test_staff_count_only_their_region_trainers_the_city_and_unverified_not_at_all(
    db_session: Session,
) -> None:
    welding_order(db_session, headcount=2)
    make_worker(db_session, name="赵晓权")  # certified welder of 南乐县
    make_worker(db_session, name="未核实", verified=False)
    qingfeng = actor(staff_user(db_session, QINGFENG))
    nanle = actor(staff_user(db_session, NANLE))
    trainer = actor(trainer_user(db_session))

    def supply(a):  # type: ignore[no-untyped-def]
        return [(n.qualified_supply, n.wished_by) for n in training.training_needs(db_session, a)]

    assert supply(qingfeng) == [(0, 0)]
    assert supply(nanle) == [(1, 1)]
    assert supply(trainer) == [(1, 1)]


def test_employers_may_not_read_training_needs(db_session: Session) -> None:
    employer = make_employer(db_session)
    user = make_user(db_session, role="employer", region_code=None, employer_id=employer.id)
    with pytest.raises(Forbidden):
        training.training_needs(db_session, actor(user))


def _need(occupation: str, region: str, gap: int) -> Need:
    return Need(occupation, occupation, region, region, gap, 0, gap, 0, (), (), ())


def test_heat_map_puts_home_counties_first_and_scales_to_the_largest_gap() -> None:
    heat = heat_map(
        [_need("A", "320500", 8), _need("A", "410923", 2), _need("B", "410922", 4), _need("C", "410922", 0)]
    )
    assert [code for code, _ in heat.regions] == ["410922", "410923", "320500"]
    assert [code for code, _ in heat.occupations] == ["A", "B"]  # C has no gap
    assert heat.maximum == 8 and heat.shade("A", "320500") == 1.0 and heat.shade("B", "410922") == 0.5
    assert heat.shade("B", "320500") == 0.0


def test_heat_map_keeps_to_its_size_without_empty_rows() -> None:
    needs = [_need(f"O{i}", f"3205{i:02d}", 10 + i) for i in range(1, 20)] + [_need("HOME", "410923", 1)]
    heat = heat_map(needs, max_rows=5, max_columns=4)
    assert [code for code, _ in heat.regions] == ["410923", "320519", "320518", "320517"]
    assert [code for code, _ in heat.occupations] == ["O19", "O18", "O17", "HOME"]
    assert all(any((o, r) in heat.cells for r, _ in heat.regions) for o, _ in heat.occupations)


# --- courses ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {
                "end_date": (date.today() - timedelta(days=1)).isoformat(),
                "start_date": (date.today() - timedelta(days=9)).isoformat(),
            },
            "end_date",
        ),
        (
            {
                "start_date": (date.today() + timedelta(days=9)).isoformat(),
                "end_date": (date.today() + timedelta(days=2)).isoformat(),
            },
            "end_date",
        ),
        ({"occupation": "造火箭"}, "occupation"),
        ({"capacity": "0"}, "capacity"),
        ({"venue_kind": "castle"}, "venue_kind"),
        ({"certificate_name": "美发师职业技能等级证书"}, "certificate_name"),
        ({"region_code": "999999"}, "region_code"),
        ({"title": ""}, "title"),
    ],
)
def test_course_input_is_checked_field_by_field(
    db_session: Session, overrides: dict[str, str], field: str
) -> None:
    trainer = trainer_user(db_session)
    with pytest.raises(ValidationError) as err:
        training.create_course(db_session, actor(trainer), course_data(**overrides))
    assert field in err.value.fields


def test_only_trainers_open_courses_in_their_city_for_orders_of_the_same_occupation(
    db_session: Session,
) -> None:
    trainer = trainer_user(db_session)
    with pytest.raises(Forbidden):
        training.create_course(db_session, actor(staff_user(db_session)), course_data())
    with pytest.raises(ValidationError) as err:
        training.create_course(db_session, actor(trainer), course_data(region_code="320500"))
    assert "region_code" in err.value.fields
    cook = make_job_order(db_session, occupation_code=occupation_code("中式烹调师"))
    with pytest.raises(ValidationError) as err:
        training.create_course(db_session, actor(trainer), course_data(job_order_ids=[cook.id]))
    assert "job_order_ids" in err.value.fields
    assert db_session.scalar(select(func.count()).select_from(training.Course)) == 0


def test_a_course_gets_the_taxonomy_certificate_and_its_provider_on_first_use(db_session: Session) -> None:
    trainer = trainer_user(db_session)
    course = open_course(db_session, trainer, [welding_order(db_session)])
    again = open_course(db_session, trainer)
    assert course.certificate_name == "焊工证"
    assert course.provider.name == "濮阳市职业技能培训学校" and again.provider_id == course.provider_id
    assert [o.title for o in course.job_orders] == ["昆山钢结构电焊工"]


def test_another_institution_cannot_see_or_manage_the_course(db_session: Session) -> None:
    course = open_course(db_session, trainer_user(db_session))
    other = actor(trainer_user(db_session, display_name="清丰县技工学校"))
    with pytest.raises(NotFound):
        training.get_course(db_session, other, course.id)
    with pytest.raises(Forbidden):
        training.check_manage(actor(staff_user(db_session)), course)
    assert training.list_courses(db_session, other).total == 0


def test_capacity_cannot_drop_below_the_enrolled(db_session: Session) -> None:
    trainer = trainer_user(db_session)
    course = open_course(db_session, trainer, capacity="2")
    a, b = learner(db_session), learner(db_session, "王学焊")
    training.enrol(db_session, actor(trainer), course.id, {a.id: "wished", b.id: "wished"})
    with pytest.raises(ValidationError) as err:
        training.update_course(db_session, actor(trainer), course.id, {"capacity": "1"})
    assert "capacity" in err.value.fields


# --- proposals and enrolment ------------------------------------------------------------------------------------


def test_proposals_put_sign_ups_first_then_wishes_then_near_misses(db_session: Session) -> None:
    trainer = trainer_user(db_session)
    order = welding_order(db_session)
    course = open_course(db_session, trainer, [order])
    near = make_worker(
        db_session,
        name="差证书",
        skills=[],
        certificates=[],
        desired_occupations=["焊工"],
        poverty_registered=False,
    )
    wisher = learner(db_session, "想学焊")
    signed = learner(db_session, "报了名")
    db_session.add(
        SignupRequest(
            worker_id=signed.id,
            kind="update",
            status="pending",
            region_code=NANLE,
            payload={},
            course_id=course.id,
        )
    )
    db_session.commit()
    learner(db_session, "未核实", verified=False)
    learner(db_session, "已就业", status="employed")
    learner(db_session, "外市人", region_code="410100")

    _, proposals = training.propose_enrolees(db_session, actor(trainer), course.id)

    assert [(p.trainee.name, p.source) for p in proposals.items] == [
        ("报了名", "signup"),
        ("想学焊", "wished"),
        ("差证书", "near_miss"),
    ]
    first = proposals.items[0].trainee
    assert "*" in first.id_number_masked and "*" in first.phone_masked
    assert not hasattr(first, "poverty_registered") and not hasattr(first, "disability")
    training.enrol(db_session, actor(trainer), course.id, {wisher.id: "wished"})
    _, after = training.propose_enrolees(db_session, actor(trainer), course.id)
    assert wisher.id not in {p.trainee.worker_id for p in after.items} and near.id in {
        p.trainee.worker_id for p in after.items
    }


def test_enrolment_respects_capacity_duplicates_and_verification(db_session: Session) -> None:
    trainer = actor(trainer_user(db_session))
    course = training.create_course(db_session, trainer, course_data(capacity="1"))
    a, b = learner(db_session), learner(db_session, "王学焊")
    unverified = learner(db_session, "未核实", verified=False)

    with pytest.raises(Conflict) as err:
        training.enrol(db_session, trainer, course.id, {a.id: "wished", b.id: "wished"})
    assert "名额" in err.value.message
    assert db_session.scalar(select(func.count(Enrolment.id))) == 0
    with pytest.raises(ValidationError):
        training.enrol(db_session, trainer, course.id, {unverified.id: "manual"})
    training.enrol(db_session, trainer, course.id, {a.id: "bogus"})
    assert db_session.scalar(select(Enrolment.source)) == "manual"
    with pytest.raises(Conflict):
        training.enrol(db_session, trainer, course.id, {a.id: "wished"})


def test_attendance_is_a_roll_call_within_the_course_days(db_session: Session) -> None:
    trainer = actor(trainer_user(db_session))
    today = date.today()
    course = training.create_course(db_session, trainer, course_data(), today=today)
    a, b = learner(db_session), learner(db_session, "王学焊")
    rows = training.enrol(db_session, trainer, course.id, {a.id: "wished", b.id: "wished"})

    assert training.record_attendance(db_session, trainer, course.id, today.isoformat(), [rows[0].id]) == 1
    assert (
        training.record_attendance(
            db_session, trainer, course.id, today.isoformat(), [rows[0].id, rows[1].id]
        )
        == 2
    )
    assert db_session.scalar(select(func.count(Attendance.id))) == 2  # updated, not duplicated
    assert training.attendance_counts(db_session, course) == {rows[0].id: 1, rows[1].id: 1}
    for day in (today + timedelta(days=1), today - timedelta(days=1), "昨天"):
        with pytest.raises(ValidationError) as err:
            training.record_attendance(db_session, trainer, course.id, str(day), [])
        assert "day" in err.value.fields


# --- results ----------------------------------------------------------------------------------------------------


def test_certificate_reaches_the_profile_once_and_the_worker_seeks_again(db_session: Session) -> None:
    account = trainer_user(db_session)
    trainer = actor(account)
    course = ended_course(db_session, account, [welding_order(db_session)], days=3)
    worker = learner(db_session)
    [row] = training.enrol(db_session, trainer, course.id, {worker.id: "wished"})
    attend(db_session, account, course, [row.id], 3)

    result = training.record_result(db_session, trainer, row.id, outcome="completed")
    assert result.enrolment.certificate_number is None and result.ranks  # completed: re-ranked already
    training.record_result(db_session, trainer, row.id, outcome="completed", **certificate("hg-001"))
    training.record_result(db_session, trainer, row.id, outcome="completed", **certificate("HG-002"))

    db_session.refresh(worker)
    assert worker.certificates == ["焊工证"] and worker.completed_training == ["焊工"]
    assert worker.status == "seeking"
    db_session.refresh(row)
    assert row.certificate_number == "HG-002" and row.completed_on == date.today()


@pytest.mark.parametrize(
    ("outcome", "number", "field"),
    [
        ("failed", "HG-1234", "certificate_number"),
        ("passed", "", "outcome"),
        ("completed", "证书", "certificate_number"),
    ],
)
def test_result_input_is_checked(db_session: Session, outcome: str, number: str, field: str) -> None:
    trainer = actor(trainer_user(db_session))
    course = ended_course(db_session, trainer)
    [row] = training.enrol(db_session, trainer, course.id, {learner(db_session).id: "wished"})
    with pytest.raises(ValidationError) as err:
        training.record_result(db_session, trainer, row.id, outcome=outcome, **certificate(number))
    assert field in err.value.fields


def test_a_certificate_number_belongs_to_one_trainee_and_results_do_not_go_back(db_session: Session) -> None:
    trainer = actor(trainer_user(db_session))
    course = ended_course(db_session, trainer, days=2)
    a, b = learner(db_session), learner(db_session, "王学焊")
    ra, rb = training.enrol(db_session, trainer, course.id, {a.id: "wished", b.id: "wished"})
    attend(db_session, trainer, course, [ra.id, rb.id], 2)
    training.record_result(db_session, trainer, ra.id, outcome="completed", **certificate("HG-7"))
    with pytest.raises(Conflict):
        training.record_result(db_session, trainer, rb.id, outcome="completed", **certificate("hg-7"))
    with pytest.raises(Conflict):
        training.record_result(db_session, trainer, ra.id, outcome="failed")
    training.record_result(db_session, trainer, rb.id, outcome="failed")
    db_session.refresh(b)
    assert b.status == "seeking" and b.certificates == [] and b.completed_training == []


def test_a_course_finishes_only_when_every_trainee_has_a_result(db_session: Session) -> None:
    trainer = actor(trainer_user(db_session))
    course = ended_course(db_session, trainer)
    [row] = training.enrol(db_session, trainer, course.id, {learner(db_session).id: "wished"})
    with pytest.raises(Conflict):
        training.finish_course(db_session, trainer, course.id)
    training.record_result(db_session, trainer, row.id, outcome="withdrawn")
    assert training.finish_course(db_session, trainer, course.id).status == "finished"
    with pytest.raises(Conflict):
        training.enrol(db_session, trainer, course.id, {learner(db_session, "迟到").id: "manual"})


def test_cancelling_releases_the_trainees(db_session: Session) -> None:
    trainer = actor(trainer_user(db_session))
    course = training.create_course(db_session, trainer, course_data())
    worker = learner(db_session)
    training.enrol(db_session, trainer, course.id, {worker.id: "wished"})
    training.cancel_course(db_session, trainer, course.id)
    db_session.refresh(worker)
    assert worker.status == "seeking" and course.enrolments[0].status == "withdrawn"


# --- the training ledger ----------------------------------------------------------------------------------------


def _sheet(data: bytes) -> list[tuple[object, ...]]:
    book = load_workbook(io.BytesIO(data))
    return [tuple(row) for row in book.active.iter_rows(values_only=True)]  # type: ignore[union-attr]


def test_ledger_masks_ids_for_trainers_and_neutralises_formulas(db_session: Session) -> None:
    trainer = actor(trainer_user(db_session))
    course = training.create_course(db_session, trainer, course_data(title='=HYPERLINK("http://x")'))
    worker = learner(db_session, "@SUM(A1)", poverty_registered=True)
    training.enrol(db_session, trainer, course.id, {worker.id: "wished"})
    staff = actor(staff_user(db_session, NANLE))
    outsider = actor(staff_user(db_session, QINGFENG))

    header, *rows = _sheet(training.training_ledger(db_session, trainer))
    assert header == training.TRAINING_LEDGER_COLUMNS
    [row] = rows
    col = {name: i for i, name in enumerate(header)}
    assert row[col["课程名称"]] == '\'=HYPERLINK("http://x")' and row[col["姓名"]] == "'@SUM(A1)"
    assert row[col["身份证号码"]] == "4109**********" + worker.id_number[-4:]
    assert row[col["建档立卡"]] in ("", None)

    [_, staff_row] = _sheet(training.training_ledger(db_session, staff))
    assert staff_row[col["身份证号码"]] == worker.id_number and staff_row[col["建档立卡"]] == "是"
    assert len(_sheet(training.training_ledger(db_session, outsider))) == 1  # header only
    exports = db_session.scalars(select(AuditLog).where(AuditLog.action == "export")).all()
    assert [(e.user_id, e.detail["rows"], e.detail["full_ids"]) for e in exports] == [
        (trainer.user_id, 1, 0),
        (staff.user_id, 1, 1),
        (outsider.user_id, 0, 0),
    ]


@given(st.text(max_size=20))
def test_safe_cell_never_leaves_a_formula(text: str) -> None:
    out = safe_cell(text)
    assert not str(out).startswith(("=", "+", "-", "@", "\t", "\r"))
    assert out == text or out == "'" + text


def test_employers_cannot_read_courses(db_session: Session) -> None:
    course = open_course(db_session, trainer_user(db_session))
    employer = make_employer(db_session)
    user = make_user(db_session, role="employer", region_code=None, employer_id=employer.id)
    with pytest.raises(NotFound):
        training.get_course(db_session, actor(user), course.id)
    with pytest.raises(Forbidden):
        training.list_courses(db_session, actor(user))
