"""Logging in and out of the pages, and the Chinese refusal of bad credentials."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import PASSWORD, make_user
from tests.webapp.page_html import field_errors


def test_login_then_logout(client: FlaskClient, db_session: Session) -> None:
    user = make_user(db_session, display_name="王科员")
    assert client.get("/").status_code == 302  # the dashboard needs a login

    resp = client.post("/auth/login", data={"username": user.username, "password": PASSWORD})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert "王科员" in dashboard.get_data(as_text=True)

    out = client.post("/auth/logout")
    assert out.status_code == 302
    assert out.headers["Location"].startswith("/auth/login")
    after = client.get("/")
    assert after.status_code == 302
    assert after.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("case", ["unknown user", "wrong password"])
def test_bad_credentials_show_a_chinese_error(client: FlaskClient, db_session: Session, case: str) -> None:
    user = make_user(db_session)
    data = (
        {"username": "nobody-here", "password": PASSWORD}
        if case == "unknown user"
        else {"username": user.username, "password": PASSWORD + "x"}
    )
    resp = client.post("/auth/login", data=data)
    assert resp.status_code == 200
    assert field_errors(resp.get_data(as_text=True), "password") == ["用户名或密码错误"]
    assert client.get("/").status_code == 302  # still logged out


def test_login_ignores_an_offsite_next(client: FlaskClient, db_session: Session) -> None:
    user = make_user(db_session)
    resp = client.post(
        "/auth/login?next=//evil.example/x", data={"username": user.username, "password": PASSWORD}
    )
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"
