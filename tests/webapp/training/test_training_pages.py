"""Training pages (接单): needs and heat map, opening a course, proposals and enrolment, attendance, results,
finishing, and the training ledger download."""

from __future__ import annotations

import io
import re

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import NANLE, login, make_employer, make_user, make_worker
from tests.webapp.page_html import field_errors, text
from tests.webapp.training.training_builders import (
    WELDER,
    actor,
    certificate,
    course_data,
    ended_course,
    learner,
    open_course,
    staff_user,
    trainer_user,
    welding_order,
)
from webapp.models.training import Attendance, Course, Enrolment
from webapp.services import training


def test_trainer_sees_needs_heat_map_and_counts_but_no_names(
    client: FlaskClient, db_session: Session
) -> None:
    order = welding_order(db_session)
    near = learner(db_session, "差证书的人")
    login(client, trainer_user(db_session))

    html = client.get("/training/needs").get_data(as_text=True)

    assert "data-heatmap" in html and f'data-need="{WELDER}:320500"' in html
    page = text(html)
    assert "缺口热力图" in page and "苏州市" in page and "焊工" in page
    assert near.name not in page  # trainers see how many, not who
    assert f"/training/courses/new?occupation={WELDER}&amp;job_order_id={order.id}" in html


def test_staff_see_the_near_miss_names_of_their_region(client: FlaskClient, db_session: Session) -> None:
    welding_order(db_session)
    near = learner(db_session, "差证书的人")
    login(client, staff_user(db_session, NANLE))
    html = client.get("/training/needs").get_data(as_text=True)
    assert f'href="/workers/{near.id}"' in html and "差证书的人" in text(html)
    assert "接单开班" not in text(html)


def test_employers_have_no_training_pages(client: FlaskClient, db_session: Session) -> None:
    employer = make_employer(db_session)
    login(client, make_user(db_session, role="employer", region_code=None, employer_id=employer.id))
    assert client.get("/training/needs").status_code == 403
    assert client.get("/training/courses").status_code == 403


def test_trainer_opens_a_course_against_a_need(client: FlaskClient, db_session: Session) -> None:
    order = welding_order(db_session)
    login(client, trainer_user(db_session))
    form = client.get(f"/training/courses/new?occupation={WELDER}&job_order_id={order.id}").get_data(
        as_text=True
    )
    assert re.search(r'<input[^>]*id="occupation"[^>]*value="焊工"', form)
    assert re.search(rf'<input checked[^>]*name="job_order_ids"[^>]*value="{order.id}"', form)
    assert "焊工订单式培训班" in form

    data = course_data(job_order_ids=[str(order.id)])
    resp = client.post("/training/courses/new", data=data)

    course = db_session.scalar(select(Course))
    assert resp.status_code == 302 and course is not None
    assert resp.headers["Location"].endswith(f"/training/courses/{course.id}")
    page = text(client.get(f"/training/courses/{course.id}").get_data(as_text=True))
    assert "南乐县职业技能培训基地" in page and "昆山钢结构电焊工" in page and "焊工证" in page


def test_course_form_errors_are_shown_by_the_field(client: FlaskClient, db_session: Session) -> None:
    login(client, trainer_user(db_session))
    resp = client.post("/training/courses/new", data=course_data(capacity="很多", occupation="造火箭"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert field_errors(html, "capacity") == ["应为整数"]
    assert field_errors(html, "occupation") == ["未知工种“造火箭”，请从工种目录中选择"]


def test_only_trainers_open_courses(client: FlaskClient, db_session: Session) -> None:
    login(client, staff_user(db_session))
    assert client.get("/training/courses/new").status_code == 403


@pytest.fixture
def running(db_session: Session) -> tuple[Course, object]:
    trainer = trainer_user(db_session)
    return open_course(db_session, trainer, [welding_order(db_session)]), trainer


@pytest.fixture
def ended(db_session: Session) -> tuple[Course, object]:
    """A 2-day course linked to the welding order that ended yesterday."""
    trainer = trainer_user(db_session)
    return ended_course(db_session, trainer, [welding_order(db_session)], days=2), trainer


def test_proposals_page_enrols_the_picked(client: FlaskClient, db_session: Session, running) -> None:  # type: ignore[no-untyped-def]
    course, trainer = running
    wisher, near = (
        learner(db_session, "想学焊"),
        make_worker(
            db_session,
            name="差证书",
            skills=[],
            certificates=[],
            desired_occupations=["焊工"],
            poverty_registered=True,
        ),
    )
    login(client, trainer)
    html = client.get(f"/training/courses/{course.id}/proposals").get_data(as_text=True)
    assert f'data-proposal="{wisher.id}" data-source="wished"' in html
    assert f'data-proposal="{near.id}" data-source="near_miss"' in html
    assert "建档立卡" not in text(html) and wisher.id_number not in html and wisher.phone not in html

    resp = client.post(f"/training/courses/{course.id}/proposals", data={"pick": [f"{wisher.id}:wished"]})
    assert resp.status_code == 302
    assert [(e.worker_id, e.source) for e in db_session.scalars(select(Enrolment))] == [(wisher.id, "wished")]
    bad = client.post(f"/training/courses/{course.id}/proposals", data={"pick": ["x:wished"]})
    assert bad.status_code == 422


def test_attendance_and_results_from_the_course_page(client: FlaskClient, db_session: Session, ended) -> None:  # type: ignore[no-untyped-def]
    course, trainer = ended
    worker = learner(db_session)
    [row] = training.enrol(db_session, actor(trainer), course.id, {worker.id: "wished"})
    login(client, trainer)

    sheet = client.get(f"/training/courses/{course.id}/attendance").get_data(as_text=True)
    assert f'id="present-{row.id}"' in sheet
    for day in (course.start_date, course.end_date):
        resp = client.post(
            f"/training/courses/{course.id}/attendance",
            data={"day": day.isoformat(), "present": [str(row.id)]},
        )
        assert resp.status_code == 302
    assert db_session.scalar(select(Attendance.present)) is True

    values = {"outcome": "completed", **certificate("HG-2026-1")}
    summary = client.post(f"/training/enrolments/{row.id}/result", data=values)
    page = text(summary.get_data(as_text=True))
    assert summary.status_code == 200 and "确认登记结果：结业" in page and "该证书将加入其求职档案" in page
    db_session.refresh(worker)
    assert worker.certificates == []  # nothing until confirmed
    resp = client.post(
        f"/training/enrolments/{row.id}/result", data={**values, "confirmed": "1"}, follow_redirects=True
    )
    page = text(resp.get_data(as_text=True))
    assert "已登记 李学焊：结业，证书 HG-2026-1" in page and "重新匹配排第 1 名" in page
    db_session.refresh(worker)
    assert "焊工证" in worker.certificates

    summary = client.post(f"/training/courses/{course.id}/finish")
    assert "确认课程结业" in text(summary.get_data(as_text=True))
    db_session.refresh(course)
    assert course.status == "open"
    finished = client.post(
        f"/training/courses/{course.id}/finish", data={"confirmed": "1"}, follow_redirects=True
    )
    assert "课程已结业" in text(finished.get_data(as_text=True))
    assert "申请培训补贴" in text(client.get(f"/training/courses/{course.id}").get_data(as_text=True))


def test_refused_results_come_back_as_messages(client: FlaskClient, db_session: Session, running) -> None:  # type: ignore[no-untyped-def]
    course, trainer = running
    [row] = training.enrol(db_session, actor(trainer), course.id, {learner(db_session).id: "wished"})
    login(client, trainer)
    resp = client.post(
        f"/training/enrolments/{row.id}/result",
        data={"outcome": "failed", "certificate_number": "HG-1"},
        follow_redirects=True,
    )
    assert "只有结业的学员才能登记证书" in text(resp.get_data(as_text=True))
    early = client.post(
        f"/training/enrolments/{row.id}/result", data={"outcome": "completed"}, follow_redirects=True
    )
    assert "课程结束前不能登记结业结果" in text(early.get_data(as_text=True))
    early = client.post(f"/training/courses/{course.id}/finish", follow_redirects=True)
    assert "课程结束前不能结业" in text(early.get_data(as_text=True))


def test_another_trainer_cannot_touch_the_course(client: FlaskClient, db_session: Session, running) -> None:  # type: ignore[no-untyped-def]
    course, _trainer = running
    login(client, trainer_user(db_session, display_name="清丰县技工学校"))
    assert client.get(f"/training/courses/{course.id}").status_code == 404
    assert client.post(f"/training/courses/{course.id}/finish").status_code == 404


def test_staff_read_courses_without_managing_them(client: FlaskClient, db_session: Session, running) -> None:  # type: ignore[no-untyped-def]
    course, _trainer = running
    login(client, staff_user(db_session))
    html = client.get(f"/training/courses/{course.id}").get_data(as_text=True)
    assert "推荐学员" not in text(html) and course.title in text(html)
    assert client.get(f"/training/courses/{course.id}/proposals").status_code == 403


def test_ledger_download_is_a_real_xlsx(client: FlaskClient, db_session: Session, running) -> None:  # type: ignore[no-untyped-def]
    course, trainer = running
    worker = learner(db_session)
    training.enrol(db_session, actor(trainer), course.id, {worker.id: "wished"})
    login(client, trainer)
    resp = client.get("/training/ledger.xlsx")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    assert re.search(r"filename\*=UTF-8''", resp.headers["Content-Disposition"])
    rows = list(load_workbook(io.BytesIO(resp.data)).active.values)  # type: ignore[union-attr]
    assert rows[0][:4] == ("序号", "培训机构", "课程编号", "课程名称") and rows[1][10] == "李学焊"
    assert worker.id_number not in {str(v) for v in rows[1]}
