"""Login throttling: progressive delays per (username, address) and per address, counted atomically in the
database (shared by every process), for the login page and the API token endpoint alike; never a lock of the
real user by strangers; 429 with a Chinese message and Retry-After while a delay runs."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import PASSWORD, make_user
from webapp import create_app
from webapp.models import User
from webapp.models.security import LoginAttempt, LoginThrottle
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


FREE = LIMITS.free_failures_per_user_address


def _wait(db_session: Session, seconds: float) -> None:
    """Let ``seconds`` pass for the throttle: every counter's clock is moved back."""
    for row in db_session.scalars(select(LoginThrottle)):
        row.next_at -= timedelta(seconds=seconds)
        row.window_start -= timedelta(seconds=seconds)
    db_session.commit()


def test_after_the_free_failures_each_check_waits_longer_and_says_when(
    client: FlaskClient, db_session: Session
) -> None:
    user = make_user(db_session)
    for _ in range(FREE):
        assert _page_login(client, user.username, "wrong") == 200
    resp = client.post(
        "/auth/login",
        data={"username": user.username, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert resp.status_code == 429 and "登录失败次数过多" in resp.get_data(as_text=True)
    assert 0 < int(resp.headers["Retry-After"]) <= LIMITS.first_delay_seconds
    _wait(db_session, LIMITS.first_delay_seconds)
    assert _page_login(client, user.username, "wrong") == 200  # one more check after the delay...
    resp = _api_login(client, user.username, PASSWORD)
    assert resp.status_code == 429  # type: ignore[attr-defined]
    retry = int(resp.headers["Retry-After"])  # type: ignore[attr-defined]
    assert LIMITS.first_delay_seconds < retry <= 2 * LIMITS.first_delay_seconds  # ...then twice as long
    _wait(db_session, retry)
    assert _page_login(client, user.username, PASSWORD) == 302


def test_a_stranger_elsewhere_cannot_lock_the_real_user_out(client: FlaskClient, db_session: Session) -> None:
    user = make_user(db_session)
    for _ in range(FREE + 3):
        _page_login(client, user.username, "wrong", ip="203.0.113.66")
    assert _page_login(client, user.username, "wrong", ip="203.0.113.66") == 429
    assert _page_login(client, user.username, PASSWORD, ip="10.0.0.5") == 302  # the user, at the office


def test_an_office_behind_nat_shares_a_generous_allowance(client: FlaskClient, db_session: Session) -> None:
    users = [make_user(db_session) for _ in range(-(-LIMITS.free_failures_per_address // (FREE - 1)) + 1)]
    typos = 0
    for user in users:  # many colleagues, each mistyping a few times, all from one address
        for _ in range(FREE - 1):
            if typos == LIMITS.free_failures_per_address - 1:
                break
            assert _page_login(client, user.username, "typo", ip="10.0.0.7") == 200
            typos += 1
    assert _page_login(client, users[-1].username, PASSWORD, ip="10.0.0.7") == 302
    client.post("/auth/logout")
    # an address that goes on guessing past the allowance is slowed down, whatever usernames it tries
    fresh = make_user(db_session)
    assert _page_login(client, fresh.username, "typo", ip="10.0.0.7") == 200
    assert _page_login(client, fresh.username, PASSWORD, ip="10.0.0.7") == 429
    assert _page_login(client, fresh.username, PASSWORD, ip="10.0.0.8") == 302  # other addresses are free


def test_the_api_token_endpoint_is_throttled_too(client: FlaskClient, db_session: Session) -> None:
    user = make_user(db_session)
    for _ in range(FREE):
        assert _api_login(client, user.username, "wrong").status_code == 401  # type: ignore[attr-defined]
    resp = _api_login(client, user.username, PASSWORD)
    assert resp.status_code == 429  # type: ignore[attr-defined]
    body = resp.get_json()  # type: ignore[attr-defined]
    assert body["error"]["code"] == "too_many_requests" and "登录失败次数过多" in body["error"]["message"]


def test_pages_and_api_share_the_count(client: FlaskClient, db_session: Session) -> None:
    user = make_user(db_session)
    for i in range(FREE):
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
    for _ in range(FREE):
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
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert resp.status_code == 429
    assert db_session.scalar(select(func.count()).select_from(LoginAttempt)) == FREE


def test_failures_are_forgotten_after_the_window(client: FlaskClient, db_session: Session) -> None:
    user = make_user(db_session)
    for _ in range(FREE):
        _page_login(client, user.username, "wrong")
    _wait(db_session, LIMITS.window_seconds + 1)
    for _ in range(FREE - 1):
        assert _page_login(client, user.username, "wrong") == 200
    assert _page_login(client, user.username, PASSWORD) == 302


def test_a_success_resets_the_count(client: FlaskClient, db_session: Session) -> None:
    user = make_user(db_session)
    for _ in range(FREE - 1):
        _page_login(client, user.username, "wrong")
    assert _page_login(client, user.username, PASSWORD) == 302
    client.post("/auth/logout")
    for _ in range(FREE - 1):
        assert _page_login(client, user.username, "wrong") == 200
    assert _page_login(client, user.username, PASSWORD) == 302


def test_forty_parallel_wrong_guesses_get_no_more_checks_than_serial_ones(
    app: Flask, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """40 threads guess at once, each through its own connection: the password is checked at most
    ``FREE`` times (the rest answer 429 before any check), on SQLite and PostgreSQL alike."""
    username = make_user(db_session).username
    checks: list[str] = []
    lock = threading.Lock()
    real_check = User.check_password

    def counting(self: User, password: str) -> bool:
        with lock:
            checks.append(password)
        return real_check(self, password)

    monkeypatch.setattr(User, "check_password", counting)
    guesses = 40
    barrier, statuses = threading.Barrier(guesses), []

    def guess(i: int) -> None:
        client = app.test_client()
        with app.app_context():
            barrier.wait(timeout=60)
            resp = client.post(
                "/api/v1/auth/token",
                json={"username": username, "password": f"guess-{i}"},
                environ_base={"REMOTE_ADDR": "198.51.100.9"},
            )
            with lock:
                statuses.append(resp.status_code)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(guesses)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(set(statuses)) == [401, 429], statuses
    assert len(checks) <= FREE, len(checks)
    assert statuses.count(401) == len(checks)
    assert db_session.scalar(select(func.count()).select_from(LoginAttempt)) == len(checks)


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
