"""Ending sessions: a cookie copied before logout, password change, "log out everywhere" or disabling the
account is refused when replayed afterwards; API tokens end with the last three. Passwords are hashed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import config
from tests.builders import PASSWORD, api_token, login, make_user
from webapp.models import AuditLog, User
from webapp.models.security import ApiToken, LoginSession

NEW_PASSWORD = "a-much-longer-secret-42"


def _cookies(client: FlaskClient) -> dict[str, str]:
    return {c.key: c.value for c in client._cookies.values()}  # type: ignore[attr-defined]


def _replay(app: Flask, cookies: dict[str, str], path: str = "/") -> int:
    """Request ``path`` in a fresh browser that sends exactly these cookies."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other.get(path).status_code


def test_a_cookie_copied_before_logout_is_refused_after(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    user = make_user(db_session)
    login(client, user)
    copied = _cookies(client)
    assert _replay(app, copied) == 200  # the copy works while the session lives
    client.post("/auth/logout")
    assert _replay(app, copied) == 302  # refused: back to the login page
    assert db_session.scalar(select(func.count()).where(LoginSession.revoked_at.is_not(None))) == 1


def test_logout_ends_only_that_browser(app: Flask, db_session: Session) -> None:
    user = make_user(db_session)
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    laptop.post("/auth/logout")
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 200


def test_a_remember_me_cookie_copied_before_logout_is_refused(app: Flask, db_session: Session) -> None:
    user = make_user(db_session)
    browser = app.test_client()
    resp = browser.post(
        "/auth/login", data={"username": user.username, "password": PASSWORD, "remember": "y"}
    )
    assert resp.status_code == 302
    remember = {k: v for k, v in _cookies(browser).items() if k == "remember_token"}
    assert remember, "the login set a remember-me cookie"
    assert _replay(app, remember) == 200  # the remember cookie alone logs in
    browser.post("/auth/logout")
    assert _replay(app, remember) == 302


def test_logout_everywhere_ends_every_browser_and_token(app: Flask, db_session: Session) -> None:
    user = make_user(db_session)
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    copied = _cookies(phone)
    token = api_token(app.test_client(), user)
    assert app.test_client().get("/api/v1/employers", headers=token).status_code == 200

    resp = laptop.post("/account/logout-everywhere")
    assert resp.status_code == 302
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    assert _replay(app, copied) == 302
    assert app.test_client().get("/api/v1/employers", headers=token).status_code == 401
    assert db_session.scalar(select(AuditLog.action).where(AuditLog.action == "logout_everywhere"))


def test_password_change_ends_other_sessions_and_keeps_this_one(app: Flask, db_session: Session) -> None:
    user = make_user(db_session)
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user)
    login(elsewhere, user)
    copied = _cookies(here)
    token = api_token(app.test_client(), user)

    resp = here.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    assert here.get("/").status_code == 200  # this browser carries on
    assert elsewhere.get("/").status_code == 302
    assert _replay(app, copied) == 302  # the cookie from before the change is dead
    assert app.test_client().get("/api/v1/employers", headers=token).status_code == 401
    db_session.expire_all()
    stored = db_session.get(User, user.id)
    assert stored is not None and stored.check_password(NEW_PASSWORD) and not stored.check_password(PASSWORD)


def test_password_change_refuses_a_wrong_current_password_and_weak_new_ones(
    client: FlaskClient, db_session: Session
) -> None:
    user = make_user(db_session, username="wangkeyuan")
    login(client, user)
    cases = [
        (
            {"current_password": "wrong", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
            "当前密码错误",
        ),
        (
            {"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
            "至少10个字符",
        ),
        (
            {
                "current_password": PASSWORD,
                "new_password": "1234567890123",
                "confirm_password": "1234567890123",
            },
            "全是数字",
        ),
        (
            {
                "current_password": PASSWORD,
                "new_password": "wangkeyuan-2026",
                "confirm_password": "wangkeyuan-2026",
            },
            "用户名",
        ),
        (
            {
                "current_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "confirm_password": "other-thing-99",
            },
            "不一致",
        ),
    ]
    hash_before = user.password_hash
    for data, message in cases:
        resp = client.post("/account/password", data=data)
        assert resp.status_code in (401, 422), resp.status_code
        assert message in resp.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(User, user.id).password_hash == hash_before  # type: ignore[union-attr]
    assert client.get("/").status_code == 200  # still logged in


def test_disabling_an_account_ends_its_sessions_and_tokens(app: Flask, db_session: Session) -> None:
    admin = make_user(db_session, role="admin", region_code=None)
    clerk = make_user(db_session)
    admin_browser, clerk_browser = app.test_client(), app.test_client()
    login(admin_browser, admin)
    login(clerk_browser, clerk)
    copied = _cookies(clerk_browser)
    token = api_token(app.test_client(), clerk)

    resp = admin_browser.post(f"/account/users/{clerk.id}/disable")
    assert resp.status_code == 302
    assert clerk_browser.get("/").status_code == 302
    assert _replay(app, copied) == 302
    assert app.test_client().get("/api/v1/employers", headers=token).status_code == 401
    relogin = app.test_client().post("/auth/login", data={"username": clerk.username, "password": PASSWORD})
    assert relogin.status_code == 200  # refused with the same vague message as a wrong password
    audit = db_session.scalar(select(AuditLog).where(AuditLog.action == "disable_user"))
    assert audit is not None and audit.object_id == str(clerk.id) and audit.user_id == admin.id

    assert admin_browser.post(f"/account/users/{clerk.id}/enable").status_code == 302
    login(app.test_client(), clerk)


def test_only_an_admin_disables_accounts_and_not_themself(app: Flask, db_session: Session) -> None:
    admin = make_user(db_session, role="admin", region_code=None)
    clerk = make_user(db_session, region_code="410923")  # county staff: they do not manage accounts
    browser = app.test_client()
    login(browser, clerk)
    assert browser.post(f"/account/users/{admin.id}/disable").status_code == 404  # not even visible to them
    assert browser.get("/account/users").status_code == 403
    admin_browser = app.test_client()
    login(admin_browser, admin)
    assert admin_browser.post(f"/account/users/{admin.id}/disable").status_code == 403
    db_session.expire_all()
    assert db_session.get(User, admin.id).active  # type: ignore[union-attr]
    assert db_session.get(User, clerk.id).active  # type: ignore[union-attr]


def test_passwords_are_stored_hashed_with_werkzeug(app: Flask, db_session: Session) -> None:
    user = make_user(db_session, password="plain-text-secret")
    assert "plain-text-secret" not in user.password_hash
    assert user.password_hash.startswith(("pbkdf2:", "scrypt:"))
    assert user.check_password("plain-text-secret") and not user.check_password("plain-text-secreT")
    production = Flask("p")
    with production.app_context():  # no PASSWORD_HASH_METHOD: werkzeug's default (scrypt)
        other = User(username="x", role="staff")
        other.set_password("plain-text-secret")
        assert other.password_hash.startswith("scrypt:")


def test_a_session_without_a_login_session_id_is_refused(app: Flask, db_session: Session) -> None:
    """A cookie forged with the old ``id:version`` form (no login session) does not log anyone in."""
    user = make_user(db_session)
    browser = app.test_client()
    with browser.session_transaction() as sess:
        sess["_user_id"] = f"{user.id}:{user.session_version}"
        sess["_fresh"] = True
    assert browser.get("/").status_code == 302


# --- cookie lifetimes, server-side expiry and API token records (issue 12, item 14) -------------------------


def _set_cookie_headers(resp: object) -> dict[str, str]:
    headers = resp.headers.getlist("Set-Cookie")  # type: ignore[attr-defined]
    return {h.split("=", 1)[0]: h for h in headers}


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_remember_me_lasts_at_most_30_days_same_site_and_secure_on_https(
    app: Flask, db_session: Session, scheme: str
) -> None:
    user = make_user(db_session)
    browser = app.test_client()
    resp = browser.post(
        "/auth/login",
        data={"username": user.username, "password": PASSWORD, "remember": "y"},
        base_url=f"{scheme}://localhost",
    )
    assert resp.status_code == 302
    cookies = _set_cookie_headers(resp)
    remember = cookies["remember_token"]
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", remember).group(1))  # type: ignore[union-attr]
    assert expires <= datetime.now(UTC) + timedelta(days=30, minutes=1)
    for name in ("remember_token", "session"):
        assert "SameSite=Lax" in cookies[name]
        assert ("Secure" in cookies[name].split("; ")) == (scheme == "https"), cookies[name]


def _age_login_session(db_session: Session, **delta: timedelta) -> None:
    for row in db_session.scalars(select(LoginSession)):
        if "created" in delta:
            row.created_at -= delta["created"]
        if "idle" in delta:
            row.last_seen_at = (row.last_seen_at or row.created_at) - delta["idle"]
    db_session.commit()


def test_a_login_session_ends_after_the_idle_time(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    limits = config.load_security_settings()["sessions"]
    login(client, make_user(db_session))
    assert client.get("/").status_code == 200
    _age_login_session(db_session, idle=timedelta(minutes=limits["idle_minutes"] - 5))
    assert client.get("/").status_code == 200  # a request within the idle time keeps it alive...
    _age_login_session(db_session, idle=timedelta(minutes=limits["idle_minutes"] + 1))
    assert client.get("/").status_code == 302  # ...a longer pause ends it
    assert db_session.scalar(select(func.count()).where(LoginSession.revoked_at.is_not(None))) == 1


def test_a_login_session_ends_after_the_absolute_time_even_when_busy(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    limits = config.load_security_settings()["sessions"]
    login(client, make_user(db_session))
    _age_login_session(db_session, created=timedelta(hours=limits["absolute_hours"], minutes=1))
    assert client.get("/").status_code == 302


def test_a_remembered_login_outlives_the_idle_time_but_not_its_days(app: Flask, db_session: Session) -> None:
    limits = config.load_security_settings()["sessions"]
    user = make_user(db_session)
    browser = app.test_client()
    browser.post("/auth/login", data={"username": user.username, "password": PASSWORD, "remember": "y"})
    _age_login_session(db_session, idle=timedelta(minutes=limits["idle_minutes"] + 1))
    assert browser.get("/").status_code == 200
    _age_login_session(db_session, created=timedelta(days=limits["remember_days"], minutes=1))
    assert browser.get("/").status_code == 302


def test_api_tokens_are_listed_and_revoked_one_by_one_on_the_account_page(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    user = make_user(db_session)
    laptop, script = api_token(app.test_client(), user), api_token(app.test_client(), user)
    login(client, user)
    page = client.get("/account/")
    assert page.status_code == 200
    ids = [int(i) for i in re.findall(r'action="/account/tokens/(\d+)/revoke"', page.get_data(as_text=True))]
    assert len(ids) == 2
    assert client.post(f"/account/tokens/{max(ids)}/revoke").status_code == 302  # the newest: "script"
    assert client.get("/api/v1/employers", headers=script).status_code == 401
    assert client.get("/api/v1/employers", headers=laptop).status_code == 200
    listed = client.get("/account/").get_data(as_text=True)
    assert (
        f"/account/tokens/{max(ids)}/revoke" not in listed and f"/account/tokens/{min(ids)}/revoke" in listed
    )
    audit = db_session.scalars(select(AuditLog).where(AuditLog.action == "revoke_token")).all()
    assert [(a.user_id, a.object_id) for a in audit] == [(user.id, str(max(ids)))]


def test_nobody_revokes_another_users_token(app: Flask, client: FlaskClient, db_session: Session) -> None:
    owner, other = make_user(db_session), make_user(db_session)
    token = api_token(app.test_client(), owner)
    token_id = db_session.scalar(select(ApiToken.id).where(ApiToken.user_id == owner.id))
    login(client, other)
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 404
    assert client.get("/api/v1/employers", headers=token).status_code == 200
