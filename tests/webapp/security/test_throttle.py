"""Login throttling: per username and per address, counted in the database (shared by every process), for
the login page and the API token endpoint alike; 429 with a Chinese message until the window has passed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.builders import PASSWORD, make_user
from webapp import create_app
from webapp.models import utcnow
from webapp.models.security import LoginAttempt
from webapp.services import throttle

LIMITS = throttle.Limits.configured()


def _page_login(client: FlaskClient, username: str, password: str, ip: str = "10.0.0.1") -> int:
    resp = client.post(
        "/auth/login", data={"username": username, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )
    return resp.status_code


def _api_login(client: FlaskClient, username: str, password: str, ip: str = "10.0.0.1") -> object:
    return client.post(
        "/api/v1/auth/token",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_a_username_is_locked_after_n_failures_even_with_the_right_password(
    client: FlaskClient, db_session: Session
) -> None:
    user = make_user(db_session)
    for _ in range(LIMITS.max_failures_per_username):
        assert _page_login(client, user.username, "wrong") == 200
    resp = client.post("/auth/login", data={"username": user.username, "password": PASSWORD})
    assert resp.status_code == 429
    assert "登录失败次数过多" in resp.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in
    # another address does not help: the lock is on the username
    assert _page_login(client, user.username, PASSWORD, ip="10.9.9.9") == 429


def test_an_address_is_locked_after_failures_across_usernames(
    client: FlaskClient, db_session: Session
) -> None:
    users = [
        make_user(db_session)
        for _ in range(-(-LIMITS.max_failures_per_ip // (LIMITS.max_failures_per_username - 1)))
    ]
    tried = 0
    for user in users:
        for _ in range(LIMITS.max_failures_per_username - 1):
            if tried == LIMITS.max_failures_per_ip:
                break
            assert _page_login(client, user.username, "wrong", ip="10.0.0.7") == 200
            tried += 1
    fresh = make_user(db_session)
    assert _page_login(client, fresh.username, PASSWORD, ip="10.0.0.7") == 429
    assert _page_login(client, fresh.username, PASSWORD, ip="10.0.0.8") == 302  # other addresses are free


def test_the_api_token_endpoint_is_throttled_too_and_says_when(
    client: FlaskClient, db_session: Session
) -> None:
    user = make_user(db_session)
    for _ in range(LIMITS.max_failures_per_username):
        assert _api_login(client, user.username, "wrong").status_code == 401  # type: ignore[attr-defined]
    resp = _api_login(client, user.username, PASSWORD)
    assert resp.status_code == 429  # type: ignore[attr-defined]
    body = resp.get_json()  # type: ignore[attr-defined]
    assert body["error"]["code"] == "too_many_requests" and "登录失败次数过多" in body["error"]["message"]
    assert 0 < int(resp.headers["Retry-After"]) <= LIMITS.window_seconds + 1  # type: ignore[attr-defined]


def test_pages_and_api_share_the_count(client: FlaskClient, db_session: Session) -> None:
    user = make_user(db_session)
    for i in range(LIMITS.max_failures_per_username):
        if i % 2:
            _page_login(client, user.username, "wrong")
        else:
            _api_login(client, user.username, "wrong")
    assert _page_login(client, user.username, PASSWORD) == 429


def test_the_count_lives_in_the_database_not_in_a_process(
    app: Flask, client: FlaskClient, db_session: Session, database_url: str
) -> None:
    """A second app (another gunicorn worker) sees the failures the first one counted."""
    user = make_user(db_session)
    for _ in range(LIMITS.max_failures_per_username):
        _page_login(client, user.username, "wrong")
    other = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "x",
        }
    )
    resp = other.test_client().post(
        "/auth/login",
        data={"username": user.username, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert resp.status_code == 429
    assert (
        db_session.scalar(select(func.count()).select_from(LoginAttempt)) == LIMITS.max_failures_per_username
    )


def test_the_lock_ends_with_the_window(client: FlaskClient, db_session: Session) -> None:
    user = make_user(db_session)
    for _ in range(LIMITS.max_failures_per_username):
        _page_login(client, user.username, "wrong")
    assert _page_login(client, user.username, PASSWORD) == 429
    past = utcnow() - timedelta(seconds=LIMITS.window_seconds + 1)
    db_session.execute(update(LoginAttempt).values(at=past))
    db_session.commit()
    assert _page_login(client, user.username, PASSWORD) == 302


def test_a_success_resets_the_username_count(client: FlaskClient, db_session: Session) -> None:
    user = make_user(db_session)
    for _ in range(LIMITS.max_failures_per_username - 1):
        _page_login(client, user.username, "wrong")
    assert _page_login(client, user.username, PASSWORD) == 302
    client.post("/auth/logout")
    for _ in range(LIMITS.max_failures_per_username - 1):
        assert _page_login(client, user.username, "wrong") == 200
    assert _page_login(client, user.username, PASSWORD) == 302


@pytest.mark.parametrize("channel", ["page", "api"])
def test_every_check_is_recorded(client: FlaskClient, db_session: Session, channel: str) -> None:
    user = make_user(db_session)
    login_ = _page_login if channel == "page" else _api_login
    login_(client, user.username, "wrong", ip="10.1.1.1")
    login_(client, user.username, PASSWORD, ip="10.1.1.1")
    rows = db_session.execute(
        select(LoginAttempt.username, LoginAttempt.ip, LoginAttempt.success, LoginAttempt.channel).order_by(
            LoginAttempt.id
        )
    ).all()
    assert [tuple(r) for r in rows] == [
        (user.username, "10.1.1.1", False, channel),
        (user.username, "10.1.1.1", True, channel),
    ]
