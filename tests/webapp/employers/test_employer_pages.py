"""Employer pages, for staff: list, detail with the employer's orders, and creation with a checked USCC."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import PUYANG, login, make_employer, make_job_order, make_uscc, make_user
from tests.webapp.page_html import field_errors, text
from webapp.models import Employer, User


@pytest.fixture
def city_staff(db_session: Session) -> User:
    return make_user(db_session, role="staff", region_code=PUYANG)


def employer_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "南乐县杨村乡扶贫车间",
        "uscc": make_uscc(),
        "region_code": "410923201",
        "contact_name": "吴主任",
        "contact_phone": "13698765432",
        "address": "杨村乡政府东100米",
        "is_workshop": "y",
    }
    data.update(overrides)
    return data


def count(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Employer)) or 0


def test_staff_register_an_employer(client: FlaskClient, db_session: Session, city_staff: User) -> None:
    login(client, city_staff)
    assert client.get("/employers/new").status_code == 200
    data = employer_form()
    resp = client.post("/employers/new", data=data)
    assert resp.status_code == 302, text(resp.get_data(as_text=True))
    employer = db_session.scalars(select(Employer)).one()
    assert resp.headers["Location"] == f"/employers/{employer.id}"
    assert (employer.uscc, employer.is_workshop, employer.is_partner) == (data["uscc"], True, False)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("uscc", "wrong-check", "统一社会信用代码"),
        ("uscc", "", "必填：请输入18位统一社会信用代码"),
        ("contact_phone", "010-1234", "应为11位手机号码，或固定电话“区号-号码”"),
        ("region_code", "123", "未知的地区代码 123"),
        ("name", "", "必填：请输入企业名称"),
    ],
)
def test_bad_employer_inputs_show_their_chinese_message(
    client: FlaskClient, db_session: Session, city_staff: User, field: str, value: str, message: str
) -> None:
    login(client, city_staff)
    resp = client.post("/employers/new", data=employer_form(**{field: value}))
    assert resp.status_code == 422
    errors = field_errors(resp.get_data(as_text=True), field)
    assert len(errors) == 1 and errors[0].startswith(message)
    assert count(db_session) == 0


def test_a_wrong_uscc_check_digit_is_refused(
    client: FlaskClient, db_session: Session, city_staff: User
) -> None:
    good = make_uscc()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    login(client, city_staff)
    resp = client.post("/employers/new", data=employer_form(uscc=bad))
    assert resp.status_code == 422
    assert field_errors(resp.get_data(as_text=True), "uscc") == ["统一社会信用代码校验位错误"]
    assert count(db_session) == 0


def test_a_duplicate_uscc_is_refused(client: FlaskClient, db_session: Session, city_staff: User) -> None:
    existing = make_employer(db_session)
    login(client, city_staff)
    resp = client.post("/employers/new", data=employer_form(uscc=existing.uscc))
    assert resp.status_code == 409
    assert field_errors(resp.get_data(as_text=True), "uscc") == ["该统一社会信用代码已登记"]
    assert count(db_session) == 1


def test_employer_detail_lists_its_own_orders(
    client: FlaskClient, db_session: Session, city_staff: User
) -> None:
    employer = make_employer(db_session, name="濮阳市恒丰钢构")
    make_job_order(db_session, employer_id=employer.id, title="钢构焊工")
    make_job_order(db_session, title="别家的岗位")
    login(client, city_staff)

    listing = client.get("/employers/").get_data(as_text=True)
    assert "濮阳市恒丰钢构" in listing
    html = client.get(f"/employers/{employer.id}").get_data(as_text=True)
    assert "钢构焊工" in html
    assert "别家的岗位" not in html
    assert f"/job-orders/new?employer_id={employer.id}" in html
    assert client.get("/employers/99999").status_code == 404


def test_employer_pages_are_for_staff(client: FlaskClient, db_session: Session) -> None:
    employer = make_employer(db_session)
    user = make_user(db_session, role="employer", region_code=None, employer_id=employer.id)
    login(client, user)
    for path in ("/employers/", f"/employers/{employer.id}", "/employers/new"):
        assert client.get(path).status_code == 403, path
