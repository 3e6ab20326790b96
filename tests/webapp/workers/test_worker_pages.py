"""Worker pages: registration through the form, Chinese field errors, region scoping, masking and reveal."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import (
    NANLE,
    QINGFENG,
    WUCUN,
    id_number,
    login,
    make_employer,
    make_job_order,
    make_user,
    make_worker,
)
from tests.webapp.page_html import field_errors, text
from webapp.models import AuditLog, User, Worker


@pytest.fixture
def nanle_staff(db_session: Session) -> User:
    return make_user(db_session, role="staff", region_code=NANLE)


@pytest.fixture
def qingfeng_staff(db_session: Session) -> User:
    """Staff of 清丰县, who must not see 南乐县's workers."""
    return make_user(db_session, role="staff", region_code=QINGFENG)


def worker_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "李留朝",
        "id_number": id_number(NANLE),
        "phone": "13912345678",
        "region_code": WUCUN,
        "education": "junior",
        "skills": "电焊、氩弧焊",
        "certificates": "焊工证",
        "desired_occupations": "焊工，电工",
        "desired_training": "",
        "completed_training": "",
        "mobility": "national",
        "expected_wage": "6000",
        "available_from": "",
        "status": "seeking",
        "poverty_registered": "y",
        "consent_to_share": "y",
    }
    data.update(overrides)
    return data


def count(session: Session, model: type) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_register_a_worker_through_the_form(
    client: FlaskClient, db_session: Session, nanle_staff: User
) -> None:
    login(client, nanle_staff)
    assert client.get("/workers/new").status_code == 200
    data = worker_form()
    resp = client.post("/workers/new", data=data)
    assert resp.status_code == 302, text(resp.get_data(as_text=True))

    worker = db_session.scalars(select(Worker)).one()
    assert resp.headers["Location"] == f"/workers/{worker.id}"
    assert worker.id_number == data["id_number"]
    assert worker.skills == ["电焊", "氩弧焊"]
    assert worker.desired_occupations == ["焊工", "电工"]
    assert worker.mobility == "national"
    assert worker.expected_wage == 6000
    assert worker.sex == "M"
    assert worker.poverty_registered is True
    assert worker.disability is False
    assert worker.consent_to_share is True


def test_a_wrong_id_check_digit_is_shown_next_to_the_id_field(
    client: FlaskClient, db_session: Session, nanle_staff: User
) -> None:
    login(client, nanle_staff)
    good = id_number(NANLE)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    resp = client.post("/workers/new", data=worker_form(id_number=bad, name="张秀花"))
    html = resp.get_data(as_text=True)

    assert resp.status_code == 422
    assert field_errors(html, "id_number") == ["身份证号码校验位错误，请核对最后一位"]
    assert field_errors(html, "name") == []
    assert 'value="张秀花"' in html  # what was typed is kept
    assert count(db_session, Worker) == 0
    assert count(db_session, AuditLog) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "1234567", "手机号码应为1开头的11位数字"),
        ("phone", "", "必填：请输入11位手机号码"),
        ("region_code", "999999", "未知的地区代码 999999"),
        ("id_number", "41092319900517", "身份证号码应为18位，当前为14位"),
        ("name", "", "必填：请输入姓名"),
        ("expected_wage", "六千", "应为整数"),
        ("available_from", "2026-02-30", "日期格式应为 YYYY-MM-DD，且须为有效日期"),
        ("mobility", "moon", "无效的流动意愿，可选：village、township、county、city、province、national"),
    ],
)
def test_bad_worker_inputs_show_their_chinese_message(
    client: FlaskClient, db_session: Session, nanle_staff: User, field: str, value: str, message: str
) -> None:
    login(client, nanle_staff)
    resp = client.post("/workers/new", data=worker_form(**{field: value}))
    assert resp.status_code == 422
    assert field_errors(resp.get_data(as_text=True), field) == [message]
    assert count(db_session, Worker) == 0


def test_a_home_outside_the_staff_region_is_refused_on_the_field(
    client: FlaskClient, db_session: Session, qingfeng_staff: User
) -> None:
    login(client, qingfeng_staff)
    resp = client.post("/workers/new", data=worker_form(region_code=WUCUN))
    assert resp.status_code == 403
    assert field_errors(resp.get_data(as_text=True), "region_code") == ["不在您的管辖范围内"]
    assert count(db_session, Worker) == 0


def test_a_duplicate_id_number_is_refused_on_the_field(
    client: FlaskClient, db_session: Session, nanle_staff: User
) -> None:
    existing = make_worker(db_session)
    login(client, nanle_staff)
    resp = client.post("/workers/new", data=worker_form(id_number=existing.id_number))
    assert resp.status_code == 409
    assert field_errors(resp.get_data(as_text=True), "id_number") == ["该身份证号码已登记，请勿重复登记"]
    assert count(db_session, Worker) == 1


def test_staff_of_another_county_cannot_see_the_worker(
    client: FlaskClient, db_session: Session, qingfeng_staff: User
) -> None:
    nanle_worker = make_worker(db_session, name="南乐人")
    make_worker(db_session, name="清丰人", region_code=QINGFENG)
    login(client, qingfeng_staff)

    for path in ("", "/edit", "/recommendations"):
        assert client.get(f"/workers/{nanle_worker.id}{path}").status_code == 404, path
    assert client.post(f"/workers/{nanle_worker.id}/edit", data=worker_form()).status_code == 404
    assert client.post(f"/workers/{nanle_worker.id}/reveal", data={"field": "id_number"}).status_code == 404
    listing = client.get("/workers/").get_data(as_text=True)
    assert "清丰人" in listing
    assert "南乐人" not in listing
    assert client.get("/workers/?q=南乐人").get_data(as_text=True).count("南乐人") == 1  # only the search box
    db_session.expire_all()
    assert db_session.get(Worker, nanle_worker.id).name == "南乐人"


def test_employers_do_not_see_worker_pages(client: FlaskClient, db_session: Session) -> None:
    worker = make_worker(db_session)
    employer = make_user(
        db_session, role="employer", region_code=None, employer_id=make_employer(db_session).id
    )
    login(client, employer)
    assert client.get("/workers/").status_code == 403
    assert client.get("/workers/new").status_code == 403
    assert client.get(f"/workers/{worker.id}").status_code == 404


def test_the_full_id_number_is_shown_only_after_an_audited_reveal(
    client: FlaskClient, db_session: Session, nanle_staff: User
) -> None:
    worker = make_worker(db_session, phone="13812345678")
    login(client, nanle_staff)

    for path in (f"/workers/{worker.id}", f"/workers/{worker.id}/edit", "/workers/"):
        html = client.get(path).get_data(as_text=True)
        assert worker.id_number not in html, path
        assert "13812345678" not in html, path
    detail = client.get(f"/workers/{worker.id}").get_data(as_text=True)
    assert worker.id_number[:4] + "*" * 10 + worker.id_number[-4:] in detail
    assert "查看完整信息" in detail
    assert count(db_session, AuditLog) == 0

    resp = client.post(f"/workers/{worker.id}/reveal", data={"field": "id_number"})
    assert resp.status_code == 200
    assert worker.id_number in resp.get_data(as_text=True)
    assert resp.headers["Cache-Control"] == "no-store"
    row = db_session.scalars(select(AuditLog)).one()
    assert (row.action, row.object_type, row.object_id, row.user_id) == (
        "reveal",
        "worker",
        str(worker.id),
        nanle_staff.id,
    )
    assert row.detail == {"field": "id_number"}

    assert worker.id_number not in client.get(f"/workers/{worker.id}").get_data(as_text=True)  # shown once


def test_edit_a_worker_keeping_id_and_phone(
    client: FlaskClient, db_session: Session, nanle_staff: User
) -> None:
    worker = make_worker(db_session, phone="13812345678")
    original_id = worker.id_number
    login(client, nanle_staff)
    data = worker_form(name="赵晓权", id_number="", phone="", status="employed", expected_wage="6500")
    resp = client.post(f"/workers/{worker.id}/edit", data=data)
    assert resp.status_code == 302, text(resp.get_data(as_text=True))

    db_session.expire_all()
    saved = db_session.get(Worker, worker.id)
    assert (saved.id_number, saved.phone) == (original_id, "13812345678")
    assert (saved.status, saved.expected_wage) == ("employed", 6500)


def test_worker_list_filters(client: FlaskClient, db_session: Session, nanle_staff: User) -> None:
    make_worker(db_session, name="王建档", poverty_registered=True, phone="13700001111")
    make_worker(db_session, name="刘一般", poverty_registered=False, status="employed")
    login(client, nanle_staff)

    def names(query: str) -> set[str]:
        html = client.get("/workers/" + query).get_data(as_text=True)
        return {n for n in ("王建档", "刘一般") if f">{n}</a>" in html}

    assert names("") == {"王建档", "刘一般"}
    assert names("?poverty=1") == {"王建档"}
    assert names("?poverty=0") == {"刘一般"}
    assert names("?status=employed") == {"刘一般"}
    assert names("?q=1111") == {"王建档"}
    assert names("?q=刘") == {"刘一般"}
    assert names(f"?region_code={QINGFENG}") == set()


def test_recommended_job_orders_for_a_worker(
    client: FlaskClient, db_session: Session, nanle_staff: User
) -> None:
    worker = make_worker(db_session)
    open_order = make_job_order(db_session, title="苏州钢构焊工")
    make_job_order(db_session, title="已关闭的焊工岗位", status="closed")
    login(client, nanle_staff)
    resp = client.get(f"/workers/{worker.id}/recommendations")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert f'href="/job-orders/{open_order.id}"' in html
    assert "已关闭的焊工岗位" not in html
    assert "持有焊工证" in text(html)
