"""services.signup: sign-ups from the public board (点单), keyed by ID number, confirmed by staff, rate-limited."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import NANLE, QINGFENG, id_number, make_worker
from tests.webapp.training.training_builders import (
    actor,
    open_course,
    staff_user,
    trainer_user,
    welding_order,
)
from webapp.errors import Conflict, NotFound, ValidationError
from webapp.models import AuditLog, Worker
from webapp.models.training import SignupAttempt, SignupRequest
from webapp.services import signup
from webapp.services.signup import TooManyRequests, _window

VILLAGE = "410923201001"  # 南乐县杨村乡吴村
QINGFENG_TOWN = "410922101"
VALID_ID = id_number(NANLE, seq=5)
WRONG_CHECK_DIGIT = VALID_ID[:17] + ("1" if VALID_ID[17] != "1" else "2")


def form(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "张秀花",
        "id_number": id_number(NANLE, male=False, seq=701),
        "phone": "13912345678",
        "region_code": VILLAGE,
        "skills": "做饭、面点",
        "desired_training": "厨师",
        "mobility": "",
        "job_order_id": "",
        "course_id": "",
    }
    values.update(overrides)
    return values


def submit(session: Session, client: str = "10.0.0.1", **overrides: Any) -> SignupRequest:
    return signup.submit_signup(session, form(**overrides), client=client, limit=1000)


def test_a_new_person_becomes_a_worker_to_be_verified(db_session: Session) -> None:
    request = submit(db_session)
    worker = request.worker
    assert (worker.name, worker.verified, worker.status, worker.sex) == ("张秀花", False, "seeking", "F")
    assert worker.skills == ["做饭", "面点"] and worker.desired_training == ["厨师"]
    assert worker.consent_to_share is False and worker.mobility == "county"
    assert (request.kind, request.status, request.region_code) == ("new", "pending", VILLAGE)
    audit = db_session.scalar(select(AuditLog).where(AuditLog.action == "signup"))
    assert audit is not None and audit.user_id is None and audit.ip == "10.0.0.1"


def test_the_same_id_number_never_duplicates(db_session: Session) -> None:
    first = submit(db_session)
    second = submit(
        db_session, phone="13700001111", skills="包饺子", id_number=first.worker.id_number.lower()
    )
    assert db_session.scalar(select(func.count(Worker.id))) == 1
    assert second.worker.id == first.worker.id and second.worker.verified is False


def test_a_second_sign_up_for_a_pending_id_number_changes_nothing_but_waits_for_staff(
    db_session: Session,
) -> None:
    """Anyone may type a known ID number: the second sign-up of a person still to be verified must not
    overwrite the first one's data (name, phone, village); it becomes a change request, as for verified people."""
    first = submit(db_session)
    worker = first.worker
    second = submit(
        db_session,
        name="冒名者",
        phone="13700001111",
        region_code="410923201002",
        skills="包饺子",
        id_number=worker.id_number,
    )
    db_session.refresh(worker)
    assert (worker.name, worker.phone, worker.region_code) == ("张秀花", "13912345678", VILLAGE)
    assert worker.skills == ["做饭", "面点"] and worker.verified is False
    assert (second.kind, second.status, second.region_code) == ("update", "pending", VILLAGE)
    assert [c.field for c in signup.changes(second)] == ["name", "phone", "region_code", "skills"]

    staff = actor(staff_user(db_session, NANLE))
    signup.reject(db_session, staff, second.id, "非本人提交")
    signup.confirm(db_session, staff, first.id)
    db_session.refresh(worker)
    assert (worker.name, worker.phone, worker.verified) == ("张秀花", "13912345678", True)


def test_a_verified_worker_is_not_overwritten_but_a_request_waits_for_staff(db_session: Session) -> None:
    worker = make_worker(db_session, name="赵晓权", phone="13800000001", skills=["电焊"])
    staff = actor(staff_user(db_session, NANLE))
    order = welding_order(db_session)

    request = submit(
        db_session,
        id_number=worker.id_number,
        name="赵晓权",
        phone="13800000002",
        skills="氩弧焊",
        job_order_id=str(order.id),
    )

    db_session.refresh(worker)
    assert (worker.phone, worker.skills) == ("13800000001", ["电焊"])
    assert request.kind == "update" and request.region_code == worker.region_code
    assert [(c.field, c.after) for c in signup.changes(request)] == [
        ("phone", "138****0002"),
        ("skills", "电焊、氩弧焊"),
        ("desired_training", "厨师"),
    ]
    signup.confirm(db_session, staff, request.id)
    db_session.refresh(worker)
    assert (worker.phone, worker.skills, worker.verified) == ("13800000002", ["电焊", "氩弧焊"], True)
    assert worker.desired_occupations == ["焊工"] and worker.mobility == "national"  # left blank: kept


def test_confirming_a_change_request_of_a_pending_person_applies_it_and_verifies_them(
    db_session: Session,
) -> None:
    first = submit(db_session)
    second = submit(db_session, skills="擀面", phone="13700002222")
    staff = actor(staff_user(db_session, NANLE))
    assert signup.pending_count(db_session, staff) == 2

    worker = signup.confirm(db_session, staff, second.id)

    assert worker.verified is True and worker.phone == "13700002222"
    assert worker.skills == ["做饭", "面点", "擀面"]
    db_session.refresh(first)
    assert first.status == "confirmed" and signup.pending_count(db_session, staff) == 0
    with pytest.raises(Conflict):
        signup.confirm(db_session, staff, second.id)


def test_rejecting_needs_a_reason_and_keeps_the_worker_unmatched(db_session: Session) -> None:
    request = submit(db_session)
    staff = actor(staff_user(db_session, NANLE))
    with pytest.raises(ValidationError):
        signup.reject(db_session, staff, request.id, "")
    signup.reject(db_session, staff, request.id, "电话无法接通，身份无法核实")
    db_session.refresh(request)
    assert (request.status, request.reason, request.worker.verified) == (
        "rejected",
        "电话无法接通，身份无法核实",
        False,
    )


def test_staff_see_only_their_regions_sign_ups(db_session: Session) -> None:
    request = submit(db_session)
    qingfeng = actor(staff_user(db_session, QINGFENG))
    assert signup.list_pending(db_session, qingfeng).total == 0
    with pytest.raises(NotFound):
        signup.confirm(db_session, qingfeng, request.id)
    assert signup.list_pending(db_session, actor(staff_user(db_session))).total == 1


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"id_number": "41092319900517123"}, "id_number", "18位"),
        ({"id_number": WRONG_CHECK_DIGIT}, "id_number", "校验位"),
        ({"phone": "1391234567"}, "phone", "11位"),
        ({"phone": "23912345678"}, "phone", "1开头"),
        ({"name": ""}, "name", "姓名"),
        ({"region_code": QINGFENG_TOWN[:6] + "000"}, "region_code", "地区代码"),
        ({"region_code": "320500"}, "region_code", "村"),
        ({"mobility": "moon"}, "mobility", "外出意愿"),
        ({"job_order_id": "abc"}, "job_order_id", "整数"),
    ],
)
def test_wrong_input_gets_a_chinese_reason_and_nothing_is_written(
    db_session: Session, overrides: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as err:
        submit(db_session, **overrides)
    assert words in err.value.fields[field]
    assert db_session.scalar(select(func.count(Worker.id))) == 0
    assert db_session.scalar(select(func.count(SignupRequest.id))) == 0


def test_signing_up_for_what_is_not_on_the_board_is_refused(db_session: Session) -> None:
    internal = welding_order(db_session, internal=True)
    with pytest.raises(NotFound):
        submit(db_session, job_order_id=str(internal.id))
    assert db_session.scalar(select(func.count(Worker.id))) == 0


def test_a_course_sign_up_adds_the_training_wish_and_is_proposed_first(db_session: Session) -> None:
    trainer = trainer_user(db_session)
    course = open_course(db_session, trainer)
    request = submit(db_session, course_id=str(course.id), desired_training="", consent_to_share="y")
    assert request.worker.desired_training == ["焊工"] and request.course_id == course.id
    assert request.worker.consent_to_share is True
    signup.confirm(db_session, actor(staff_user(db_session)), request.id)
    from webapp.services import training

    # consent given at sign-up: the trainer is proposed this worker, first as a sign-up for the course
    _, proposals = training.propose_enrolees(db_session, actor(trainer), course.id)
    assert [(p.trainee.worker_id, p.source) for p in proposals.items] == [(request.worker_id, "signup")]


def test_a_sign_up_without_consent_is_never_proposed_to_a_trainer(db_session: Session) -> None:
    """Issue 12, item 9: trainee proposals (a trainer-facing list) show only workers who consented to share."""
    trainer = trainer_user(db_session)
    course = open_course(db_session, trainer)
    request = submit(db_session, course_id=str(course.id), desired_training="")
    assert request.worker.consent_to_share is False
    signup.confirm(db_session, actor(staff_user(db_session)), request.id)
    from webapp.services import training

    _, proposals = training.propose_enrolees(db_session, actor(trainer), course.id)
    assert proposals.items == []
    with pytest.raises(ValidationError):
        training.enrol(db_session, actor(trainer), course.id, {request.worker_id: "signup"})


def test_floods_are_refused_with_429_counted_in_the_database(db_session: Session) -> None:
    for _ in range(3):
        signup.submit_signup(db_session, form(), client="10.9.9.9", limit=3)
    with pytest.raises(TooManyRequests) as err:
        signup.submit_signup(db_session, form(), client="10.9.9.9", limit=3)
    assert err.value.status == 429 and "频繁" in err.value.message
    # invalid submissions count too, and another address is not affected
    with pytest.raises(TooManyRequests):
        signup.submit_signup(db_session, form(phone="x"), client="10.9.9.9", limit=3)
    signup.submit_signup(db_session, form(), client="10.9.9.10", limit=3)
    assert db_session.scalar(select(SignupAttempt.count).where(SignupAttempt.client == "10.9.9.9")) == 5


def test_a_new_window_starts_afresh_and_old_windows_are_dropped(db_session: Session) -> None:
    then = datetime(2026, 12, 1, 8, 0, 0)
    assert signup.count_attempt(db_session, "10.1.1.1", now=then) == 1
    assert signup.count_attempt(db_session, "10.1.1.1", now=then + timedelta(seconds=30)) == 2
    assert signup.count_attempt(db_session, "10.1.1.1", now=then + timedelta(minutes=10)) == 1
    assert signup.count_attempt(db_session, "10.1.1.2", now=then + timedelta(days=2)) == 1
    assert db_session.scalar(select(func.count(SignupAttempt.id))) == 1


@given(st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2100, 1, 1)), st.integers(1, 86400))
def test_a_window_contains_its_moment(now: datetime, seconds: int) -> None:
    start = _window(now, seconds)
    assert start <= now < start + timedelta(seconds=seconds)
