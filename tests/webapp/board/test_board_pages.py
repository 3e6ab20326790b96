"""The public board pages (亮单), the sign-up form (点单) and the staff page that confirms sign-ups."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import (
    NANLE,
    QINGFENG,
    id_number,
    login,
    make_employer,
    make_job_order,
    make_user,
    make_worker,
)
from tests.webapp.page_html import field_errors, text
from tests.webapp.training.training_builders import open_course, trainer_user
from webapp.models import Worker
from webapp.models.training import SignupRequest

VILLAGE = "410923201001"


def signup_form(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "张秀花",
        "id_number": id_number(NANLE, male=False, seq=733),
        "phone": "13912345678",
        "region_code": VILLAGE,
        "skills": "做饭",
        "desired_training": "厨师",
        "mobility": "",
        "job_order_id": "",
        "course_id": "",
    }
    values.update(overrides)
    return values


def test_board_lists_public_jobs_without_login_or_personal_data(
    client: FlaskClient, db_session: Session
) -> None:
    employer = make_employer(db_session, name="昆山钢构", contact_name="王经理", contact_phone="13955554444")
    public = make_job_order(db_session, title="昆山电焊工", employer_id=employer.id, housing=True)
    make_job_order(db_session, title="内部岗位不公开", employer_id=employer.id, internal=True)
    make_worker(db_session, name="赵晓权")

    resp = client.get("/board/")
    html = resp.get_data(as_text=True)

    assert resp.status_code == 200
    assert 'name="viewport"' in html and f'href="/board/jobs/{public.id}"' in html
    page = text(html)
    assert "昆山电焊工" in page and "昆山钢构" in page and "包住" in page and "跨省" in page
    for hidden in ("内部岗位不公开", "13955554444", "王经理", "赵晓权"):
        assert hidden not in page
    detail = client.get(f"/board/jobs/{public.id}")
    assert detail.status_code == 200 and "13955554444" not in detail.get_data(as_text=True)
    assert f"/board/signup?job_order_id={public.id}" in detail.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "wage=abc",
        "region_code=zzz",
        "page=-3",
        "scope=moon&route=nowhere",
        "occupation=" + "长" * 200,
        "page=99",
    ],
)
def test_nonsense_filters_are_ignored_not_errors(
    client: FlaskClient, db_session: Session, query: str
) -> None:
    make_job_order(db_session, title="昆山电焊工")
    resp = client.get(f"/board/?{query}")
    assert resp.status_code == 200


def test_filters_narrow_the_list(client: FlaskClient, db_session: Session) -> None:
    make_job_order(db_session, title="昆山电焊工")  # Suzhou: cross-province
    make_job_order(db_session, title="南乐车间", region_code=NANLE, route="workshop")
    page = text(client.get("/board/?scope=local").get_data(as_text=True))
    assert "南乐车间" in page and "昆山电焊工" not in page
    page = text(client.get("/board/?q=电焊").get_data(as_text=True))
    assert "昆山电焊工" in page and "南乐车间" not in page


def test_internal_or_missing_jobs_and_courses_are_404(client: FlaskClient, db_session: Session) -> None:
    internal = make_job_order(db_session, internal=True)
    assert client.get(f"/board/jobs/{internal.id}").status_code == 404
    assert client.get("/board/courses/999").status_code == 404


def test_open_courses_are_on_the_board(client: FlaskClient, db_session: Session) -> None:
    course = open_course(db_session, trainer_user(db_session))
    page = text(client.get("/board/courses").get_data(as_text=True))
    assert "电焊工订单式培训班" in page and "剩余名额 10" in page
    detail = client.get(f"/board/courses/{course.id}").get_data(as_text=True)
    assert f"/board/signup?course_id={course.id}" in detail and "焊工证" in detail


def test_sign_up_form_works_without_javascript(client: FlaskClient, db_session: Session) -> None:
    order = make_job_order(db_session, title="昆山电焊工")
    html = client.get(f"/board/signup?job_order_id={order.id}").get_data(as_text=True)
    form = html[html.index('<form method="post"') : html.index("</form>")]
    assert "<script" not in form and 'type="submit"' in form
    for name in ("name", "id_number", "phone", "region_code", "skills", "desired_training", "mobility"):
        assert re.search(rf'<label[^>]*for="{name}"', form), name
    assert 'inputmode="tel"' in form and '<optgroup label="南乐县">' in form
    assert "报名岗位：昆山电焊工" in text(html)

    resp = client.post("/board/signup", data=signup_form(job_order_id=str(order.id)))

    assert resp.status_code == 302 and resp.headers["Location"].endswith("/board/signup/done")
    worker = db_session.scalar(select(Worker))
    assert worker is not None and worker.verified is False and worker.desired_occupations == ["焊工"]
    assert "报名已提交" in text(client.get("/board/signup/done").get_data(as_text=True))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "4109231990", "身份证号码应为18位，当前为10位"),
        ("phone", "12345", "手机号码应为1开头的11位数字"),
        ("region_code", "", "必填：请输入地区代码"),
        ("name", " ", "必填：请输入姓名"),
    ],
)
def test_wrong_input_is_shown_next_to_the_field(
    client: FlaskClient, db_session: Session, field: str, value: str, message: str
) -> None:
    resp = client.post("/board/signup", data=signup_form(**{field: value}))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    if field == "region_code":
        assert message in text(html)
    else:
        assert field_errors(html, field) == [message]
    assert db_session.scalar(select(func.count(Worker.id))) == 0


def test_sign_up_needs_the_csrf_token(app: Flask, client: FlaskClient, db_session: Session) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    refused = client.post("/board/signup", data=signup_form())
    assert refused.status_code == 400 and "安全令牌" in text(refused.get_data(as_text=True))
    assert db_session.scalar(select(func.count(Worker.id))) == 0

    html = client.get("/board/signup").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert token is not None
    accepted = client.post("/board/signup", data={**signup_form(), "csrf_token": token.group(1)})
    assert accepted.status_code == 302
    assert db_session.scalar(select(func.count(Worker.id))) == 1


def test_floods_get_429_in_chinese(app: Flask, client: FlaskClient, db_session: Session) -> None:
    app.config["SIGNUP_RATE_LIMIT"] = 2
    for _ in range(2):
        assert client.post("/board/signup", data=signup_form()).status_code == 302
    resp = client.post("/board/signup", data=signup_form())
    assert resp.status_code == 429 and "提交过于频繁" in text(resp.get_data(as_text=True))
    assert db_session.scalar(select(func.count(SignupRequest.id))) == 2


def test_staff_confirm_and_reject_sign_ups_of_their_region(client: FlaskClient, db_session: Session) -> None:
    client.post("/board/signup", data=signup_form())
    client.post("/board/signup", data=signup_form(name="李国旗", id_number=id_number(NANLE, seq=734)))
    first, second = db_session.scalars(select(SignupRequest).order_by(SignupRequest.id)).all()

    login(client, make_user(db_session, role="staff", region_code=QINGFENG))
    assert "没有待审核的报名" in text(client.get("/board/signups").get_data(as_text=True))
    assert client.post(f"/board/signups/{first.id}/confirm").status_code == 404
    client.post("/auth/logout")

    login(client, make_user(db_session, role="staff", region_code=NANLE))
    page = text(client.get("/board/signups").get_data(as_text=True))
    assert "张秀花" in page and "李国旗" in page and "新登记，待核实" in page and "139****5678" in page
    assert client.post(f"/board/signups/{first.id}/confirm").status_code == 302
    assert (
        client.post(f"/board/signups/{second.id}/reject", data={"reason": "身份无法核实"}).status_code == 302
    )

    db_session.expire_all()
    assert first.worker.verified is True and second.status == "rejected" and second.worker.verified is False
    assert "没有待审核的报名" in text(client.get("/board/signups").get_data(as_text=True))


def test_only_staff_review_sign_ups(client: FlaskClient, db_session: Session) -> None:
    login(client, trainer_user(db_session))
    assert client.get("/board/signups").status_code == 403
