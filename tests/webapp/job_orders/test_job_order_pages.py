"""Job-order pages: employers see and edit only their own orders; forms show Chinese field errors."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import (
    JIANGSU_SUZHOU,
    PUYANG,
    login,
    make_employer,
    make_job_order,
    make_user,
    occupation_code,
)
from tests.webapp.page_html import field_errors, text
from webapp.models import Employer, JobOrder, User


@pytest.fixture
def employer_user(db_session: Session) -> User:
    return make_user(db_session, role="employer", region_code=None, employer_id=make_employer(db_session).id)


@pytest.fixture
def city_staff(db_session: Session) -> User:
    return make_user(db_session, role="staff", region_code=PUYANG)


def order_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "钢结构电焊工",
        "occupation": "电焊工",  # a synonym: the service resolves it to 焊工
        "description": "苏州工业园区钢结构厂",
        "skills": "电焊、氩弧焊",
        "certificates_required": "焊工证",
        "headcount": "10",
        "wage_min": "6000",
        "wage_max": "8000",
        "region_code": JIANGSU_SUZHOU,
        "age_min": "18",
        "age_max": "50",
        "housing": "y",
        "start_date": "",
        "expires_on": (date.today() + timedelta(days=30)).isoformat(),
        "route": "out_of_province",
    }
    data.update(overrides)
    return data


def count(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(JobOrder)) or 0


def test_an_employer_posts_for_itself_only(
    client: FlaskClient, db_session: Session, employer_user: User
) -> None:
    other = make_employer(db_session)
    login(client, employer_user)
    form_page = client.get("/job-orders/new").get_data(as_text=True)
    assert 'id="employer_id"' not in form_page  # no choice of employer
    assert '<datalist id="occupation-list">' in form_page

    resp = client.post("/job-orders/new", data=order_form(employer_id=str(other.id)))
    assert resp.status_code == 302, text(resp.get_data(as_text=True))
    order = db_session.scalars(select(JobOrder)).one()
    assert resp.headers["Location"] == f"/job-orders/{order.id}"
    assert order.employer_id == employer_user.employer_id
    assert order.occupation_code == occupation_code("焊工")
    assert order.skills == ["电焊", "氩弧焊"]
    assert (order.headcount, order.wage_min, order.wage_max, order.housing, order.board) == (
        10,
        6000,
        8000,
        True,
        False,
    )
    assert order.status == "pending"  # an employer's order waits for staff of its region (issue 14)


def test_staff_post_for_a_chosen_employer(client: FlaskClient, db_session: Session, city_staff: User) -> None:
    employer = make_employer(db_session, name="苏州精工钢构有限公司")
    login(client, city_staff)
    page = client.get(f"/job-orders/new?employer_id={employer.id}").get_data(as_text=True)
    assert f'<option selected value="{employer.id}">苏州精工钢构有限公司</option>' in page

    missing = client.post("/job-orders/new", data=order_form())
    assert missing.status_code == 422
    assert field_errors(missing.get_data(as_text=True), "employer_id") == ["必填"]

    resp = client.post("/job-orders/new", data=order_form(employer_id=str(employer.id)))
    assert resp.status_code == 302, text(resp.get_data(as_text=True))
    assert db_session.scalars(select(JobOrder)).one().employer_id == employer.id


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"wage_min": "9000", "wage_max": "5000"}, "wage_max", "最高工资不能低于最低工资"),
        ({"occupation": "  "}, "occupation", "必填：请输入工种"),
        ({"region_code": "999999"}, "region_code", "未知的地区代码 999999"),
        ({"headcount": "0"}, "headcount", "不能小于1"),
        ({"title": ""}, "title", "必填：请输入岗位名称"),
        ({"age_min": "40", "age_max": "30"}, "age_max", "年龄上限不能低于年龄下限"),
        ({"expires_on": "2001-01-01"}, "expires_on", "截止日期不能早于今天"),
        ({"route": "by_rocket"}, "route", "无效的就业渠道"),
    ],
)
def test_bad_job_order_inputs_show_their_chinese_message(
    client: FlaskClient,
    db_session: Session,
    employer_user: User,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    login(client, employer_user)
    resp = client.post("/job-orders/new", data=order_form(**overrides))
    assert resp.status_code == 422
    errors = field_errors(resp.get_data(as_text=True), field)
    assert len(errors) == 1
    assert errors[0].startswith(message)
    assert count(db_session) == 0


def test_an_employer_cannot_open_or_edit_another_employers_order(
    client: FlaskClient, db_session: Session, employer_user: User
) -> None:
    mine = make_job_order(db_session, employer_id=employer_user.employer_id, title="我司焊工")
    theirs = make_job_order(db_session, title="别家焊工")
    login(client, employer_user)

    for path in ("", "/edit", "/matches"):
        assert client.get(f"/job-orders/{theirs.id}{path}").status_code == 404, path
    assert client.post(f"/job-orders/{theirs.id}/edit", data=order_form(title="改掉")).status_code == 404
    db_session.expire_all()
    assert db_session.get(JobOrder, theirs.id).title == "别家焊工"

    listing = client.get("/job-orders/").get_data(as_text=True)
    assert "我司焊工" in listing
    assert "别家焊工" not in listing
    assert client.get(f"/job-orders/{mine.id}").status_code == 200


def test_an_employer_edits_its_own_order(
    client: FlaskClient, db_session: Session, employer_user: User
) -> None:
    order = make_job_order(db_session, employer_id=employer_user.employer_id, headcount=5, filled=2)
    login(client, employer_user)
    page = client.get(f"/job-orders/{order.id}/edit").get_data(as_text=True)
    assert 'value="焊工"' in page  # the occupation is shown by name

    too_few = client.post(f"/job-orders/{order.id}/edit", data=order_form(headcount="1", status="open"))
    assert too_few.status_code == 422
    assert field_errors(too_few.get_data(as_text=True), "headcount") == ["招聘人数不能少于已录用人数（2）"]

    resp = client.post(f"/job-orders/{order.id}/edit", data=order_form(title="焊工（加急）", status="open"))
    assert resp.status_code == 302, text(resp.get_data(as_text=True))
    db_session.expire_all()
    saved = db_session.get(JobOrder, order.id)
    assert (saved.title, saved.headcount, saved.employer_id) == (
        "焊工（加急）",
        10,
        employer_user.employer_id,
    )


def test_trainers_cannot_post_or_edit(client: FlaskClient, db_session: Session) -> None:
    order = make_job_order(db_session)
    trainer = make_user(db_session, role="trainer", region_code=None)
    login(client, trainer)
    assert client.get("/job-orders/new").status_code == 403
    assert client.get(f"/job-orders/{order.id}/edit").status_code == 403
    assert client.get(f"/job-orders/{order.id}").status_code == 200


def test_job_order_list_filters_and_pages(client: FlaskClient, db_session: Session, city_staff: User) -> None:
    employer = make_employer(db_session)
    for n in range(23):
        make_job_order(db_session, employer_id=employer.id, title=f"焊工{n:02d}")
    make_job_order(
        db_session,
        employer_id=employer.id,
        title="理发师傅",
        occupation_code=occupation_code("美发师"),
        region_code=PUYANG,
        status="closed",
    )
    login(client, city_staff)

    first = client.get("/job-orders/").get_data(as_text=True)
    assert "共 24 条，第 1 / 2 页" in text(first)
    assert "page=2" in first
    second = client.get("/job-orders/?page=2").get_data(as_text=True)
    assert "第 2 / 2 页" in text(second)

    by_status = client.get("/job-orders/?status=closed").get_data(as_text=True)
    assert "理发师傅" in by_status and "焊工00" not in by_status
    by_occupation = client.get("/job-orders/?occupation=理发").get_data(as_text=True)
    assert "理发师傅" in by_occupation and "焊工00" not in by_occupation
    by_region = client.get(f"/job-orders/?region_code={JIANGSU_SUZHOU}&q=焊工01").get_data(as_text=True)
    assert "焊工01" in by_region and "理发师傅" not in by_region and "焊工02" not in by_region


def test_staff_see_the_employer_select(client: FlaskClient, db_session: Session, city_staff: User) -> None:
    names = [make_employer(db_session, name=f"企业{c}").name for c in "甲乙"]
    login(client, city_staff)
    page = client.get("/job-orders/new").get_data(as_text=True)
    assert all(f">{name}</option>" in page for name in names)
    assert db_session.scalar(select(func.count()).select_from(Employer)) == 2
