"""CSRF on every form: with protection on (as in production), every POST page route refuses a request
without the token (400, a Chinese message) and writes nothing; the API (bearer tokens) is exempt."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import PASSWORD, make_user
from tests.webapp.security.support import (
    World,
    build_world,
    changed_tables,
    fill,
    placeholder,
    routes,
    snapshot,
)
from webapp import create_app
from webapp.extensions import db

MESSAGE = "表单已过期或缺少安全令牌"


@pytest.fixture
def csrf_app(database_url: str) -> Iterator[Flask]:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TESTING": True,
            "WTF_CSRF_ENABLED": True,
            "SECRET_KEY": "csrf-test",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        yield app
        db.session.remove()


def _login_with_token(client: FlaskClient, username: str) -> None:
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token, "the login form carries a CSRF token"
    resp = client.post(
        "/auth/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert resp.status_code == 302


def test_login_without_a_token_is_refused(csrf_app: Flask, app: Flask, db_session: Session) -> None:
    user = make_user(db_session)
    resp = csrf_app.test_client().post("/auth/login", data={"username": user.username, "password": PASSWORD})
    assert resp.status_code == 400
    assert MESSAGE in resp.get_data(as_text=True)


def test_every_post_page_route_refuses_a_missing_token(
    csrf_app: Flask, app: Flask, db_session: Session
) -> None:
    world: World = build_world(db_session)
    admin = world.users["admin"]
    client = csrf_app.test_client()
    _login_with_token(client, admin.username)
    values = {
        "worker_id": world.workers["nanle_shared"].id,
        "order_id": world.orders["a"].id,
        "job_order_id": world.orders["a"].id,
        "employer_id": world.employers["a"].id,
        "user_id": world.users["city_staff"].id,
    }
    before = snapshot(db_session)
    checked: list[str] = []
    for rule in routes(csrf_app, "POST"):
        if rule.rule.startswith("/api/") or rule.endpoint == "auth.login":
            continue
        url = fill(rule, {name: values.get(name, placeholder(rule, name)) for name in rule.arguments})
        resp = client.post(url, data={"name": "篡改", "title": "篡改", "field": "id_number"})
        assert resp.status_code == 400, (url, resp.status_code)
        assert MESSAGE in resp.get_data(as_text=True), url
        checked.append(rule.endpoint)
    assert {
        "auth.logout",
        "workers.create",
        "workers.edit",
        "workers.reveal",
        "job_orders.create",
        "account.password",
        "account.logout_everywhere",
        "account.disable_user",
    } <= set(checked)
    assert changed_tables(before, snapshot(db_session)) == []
    assert client.get("/").status_code == 200  # the refused logout did not log out


def test_the_api_needs_no_csrf_token(csrf_app: Flask, app: Flask, db_session: Session) -> None:
    user = make_user(db_session)
    resp = csrf_app.test_client().post(
        "/api/v1/auth/token", json={"username": user.username, "password": PASSWORD}
    )
    assert resp.status_code == 200
