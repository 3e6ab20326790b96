"""Accounts for a real bureau: the first administrator, users of every role, disabling and password resets."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import (
    NANLE,
    PUYANG,
    QINGFENG,
    WUCUN,
    api_token,
    login,
    make_employer,
    make_user,
    make_worker,
)
from webapp.errors import Forbidden, ValidationError
from webapp.models import AuditLog, User
from webapp.services import users
from webapp.services.passwords import check_password_strength
from webapp.services.scope import Actor

NEW_PASSWORD = "violet tractor seventeen lanterns"


def _change_password(client: FlaskClient, current: str, new: str = NEW_PASSWORD) -> None:
    resp = client.post(
        "/account/password",
        data={"current_password": current, "new_password": new, "confirm_password": new},
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)


def test_setup_without_demo_creates_the_first_admin_who_logs_in(app: Flask, client: FlaskClient) -> None:
    result = app.test_cli_runner().invoke(args=["setup", "--no-demo"])
    assert result.exit_code == 0, result.output
    password = re.search(r"随机密码[^：]*：(\S+)", result.output).group(1)  # type: ignore[union-attr]
    admin = app.extensions["sqlalchemy"].session.scalar(select(User).where(User.username == "admin"))
    assert admin.role == "admin" and admin.must_change_password
    resp = client.post("/auth/login", data={"username": "admin", "password": password})
    assert resp.status_code == 302
    _change_password(client, password)
    assert client.get("/account/users").status_code == 200
    # A second run does not make another administrator, and nothing is printed twice.
    again = app.test_cli_runner().invoke(args=["setup", "--no-demo"])
    assert again.exit_code == 0 and "随机密码" not in again.output


def test_setup_takes_the_admin_from_options_and_refuses_a_weak_password(
    app: Flask, client: FlaskClient
) -> None:
    weak = app.test_cli_runner().invoke(
        args=["setup", "--no-demo", "--admin", "chief", "--admin-password", "123456"]
    )
    assert weak.exit_code != 0 and "password" in weak.output
    assert app.extensions["sqlalchemy"].session.scalar(select(User.id)) is None  # nothing half-written
    ok = app.test_cli_runner().invoke(
        args=["setup", "--no-demo", "--admin", "chief", "--admin-password", NEW_PASSWORD]
    )
    assert ok.exit_code == 0, ok.output
    resp = client.post("/auth/login", data={"username": "chief", "password": NEW_PASSWORD})
    assert resp.status_code == 302


def test_admin_creates_a_county_staff_member_who_sees_only_that_county(
    app: Flask, db_session: Session, client: FlaskClient
) -> None:
    admin = make_user(db_session, username="root", role="admin", region_code=None)
    mine = make_worker(db_session, name="南乐人", region_code=WUCUN)
    other = make_worker(db_session, name="清丰人", region_code=QINGFENG)
    login(client, admin)
    resp = client.post(
        "/account/users/new",
        data={"username": "nanle_clerk", "display_name": "李四", "role": "staff", "region_code": NANLE},
    )
    assert resp.status_code == 200
    password = re.search(r'id="one-time-password">([^<]+)<', resp.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    clerk = db_session.scalar(select(User).where(User.username == "nanle_clerk"))
    assert clerk.region_code == NANLE and clerk.must_change_password
    audit = db_session.scalar(select(AuditLog).where(AuditLog.action == "create_user"))
    assert audit.user_id == admin.id and audit.object_id == str(clerk.id)

    staff = app.test_client()
    assert (
        staff.post("/auth/login", data={"username": "nanle_clerk", "password": password}).status_code == 302
    )
    _change_password(staff, password)
    page = staff.get("/workers/").get_data(as_text=True)
    assert "南乐人" in page and "清丰人" not in page
    assert staff.get(f"/workers/{other.id}").status_code == 404
    assert staff.get(f"/workers/{mine.id}").status_code == 200
    # County staff do not manage accounts.
    assert staff.get("/account/users").status_code == 403


def test_city_staff_manage_accounts_of_their_region_only(db_session: Session) -> None:
    city = make_user(db_session, role="staff", region_code=PUYANG)
    actor = Actor.of(city)
    user, _ = users.create_user(
        db_session, actor, {"username": "qf01", "role": "staff", "region_code": QINGFENG}
    )
    assert user.region_code == QINGFENG
    with pytest.raises(Forbidden) as err:
        users.create_user(db_session, actor, {"username": "sz01", "role": "staff", "region_code": "320500"})
    assert "region_code" in err.value.fields
    with pytest.raises(Forbidden) as err:
        users.create_user(db_session, actor, {"username": "boss", "role": "admin"})
    assert "role" in err.value.fields
    far = make_employer(db_session, region_code="320500")
    with pytest.raises(Forbidden) as err:
        users.create_user(
            db_session, actor, {"username": "far_hr", "role": "employer", "employer_id": far.id}
        )
    assert "employer_id" in err.value.fields
    assert db_session.scalar(select(User).where(User.username.in_(("sz01", "boss", "far_hr")))) is None
    listed = {u.username for u in users.list_users(db_session, actor).items}
    assert "qf01" in listed and city.username in listed
    outsider = make_user(db_session, role="staff", region_code="320500")
    assert outsider.username not in listed


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"username": "x", "role": "staff", "region_code": NANLE}, "username"),
        ({"username": "clerk9", "role": "staff"}, "region_code"),
        ({"username": "clerk9", "role": "staff", "region_code": "999999"}, "region_code"),
        ({"username": "clerk9", "role": "employer"}, "employer_id"),
        ({"username": "clerk9", "role": "trainer"}, "training_provider_id"),
        ({"username": "clerk9", "role": "staff", "region_code": NANLE, "password": "password1"}, "password"),
        ({"username": "clerk9", "role": "chief"}, "role"),
    ],
)
def test_bad_account_input_names_the_field(db_session: Session, data: dict[str, str], field: str) -> None:
    admin = make_user(db_session, role="admin", region_code=None)
    with pytest.raises(ValidationError) as err:
        users.create_user(db_session, Actor.of(admin), data)
    assert field in err.value.fields
    assert db_session.scalar(select(User).where(User.username == "clerk9")) is None


def test_weak_passwords_are_refused_on_the_password_field() -> None:
    for weak in ("123456", "password123", "qwertyuiop"):
        with pytest.raises(ValidationError) as err:
            check_password_strength(weak)
        assert "password" in err.value.fields
    with pytest.raises(ValidationError):
        check_password_strength("nanle_clerk_2024", user_inputs=("nanle_clerk",))
    check_password_strength(NEW_PASSWORD)


def test_disabled_users_cannot_log_in_and_their_tokens_stop_working(app: Flask, db_session: Session) -> None:
    admin = make_user(db_session, role="admin", region_code=None)
    hr = make_user(db_session, role="employer", region_code=None, employer_id=make_employer(db_session).id)
    api = app.test_client()
    headers = api_token(api, hr)
    assert api.get("/api/v1/job-orders", headers=headers).status_code == 200

    admin_api = app.test_client()
    admin_headers = api_token(admin_api, admin)
    resp = admin_api.post(f"/api/v1/users/{hr.id}/disable", headers=admin_headers)
    assert resp.status_code == 200 and resp.get_json()["active"] is False
    assert api.get("/api/v1/job-orders", headers=headers).status_code == 401
    browser = app.test_client()
    assert (
        browser.post(
            "/auth/login", data={"username": hr.username, "password": "correct horse battery"}
        ).status_code
        != 302
    )
    assert (
        api.post(
            "/api/v1/auth/token", json={"username": hr.username, "password": "correct horse battery"}
        ).status_code
        == 401
    )

    assert admin_api.post(f"/api/v1/users/{hr.id}/enable", headers=admin_headers).status_code == 200
    assert (
        browser.post(
            "/auth/login", data={"username": hr.username, "password": "correct horse battery"}
        ).status_code
        == 302
    )
    actions = set(db_session.scalars(select(AuditLog.action).where(AuditLog.object_id == str(hr.id))))
    assert {"disable_user", "enable_user"} <= actions


def test_reset_password_sets_a_one_time_password_and_ends_old_tokens(app: Flask, db_session: Session) -> None:
    admin = make_user(db_session, role="admin", region_code=None)
    clerk = make_user(db_session, role="staff", region_code=NANLE)
    api = app.test_client()
    old = api_token(api, clerk)
    admin_headers = api_token(api, admin)
    resp = api.post(f"/api/v1/users/{clerk.id}/reset-password", headers=admin_headers)
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["must_change_password"] is True and len(body["password"]) == 12
    assert api.get("/api/v1/workers", headers=old).status_code == 401
    old_password = api.post(
        "/api/v1/auth/token", json={"username": clerk.username, "password": "correct horse battery"}
    )
    assert old_password.status_code == 401
    db_session.expire_all()
    assert db_session.get(User, clerk.id).check_password(body["password"])  # type: ignore[union-attr]
    # Through the page the clerk signs in with it and chooses their own (enforced at login by the sessions work).
    browser = app.test_client()
    assert (
        browser.post(
            "/auth/login", data={"username": clerk.username, "password": body["password"]}
        ).status_code
        == 302
    )
    _change_password(browser, body["password"])
    assert db_session.scalar(select(AuditLog).where(AuditLog.action == "reset_password")) is not None


def test_users_api_creates_lists_and_edits_accounts(app: Flask, db_session: Session) -> None:
    admin = make_user(db_session, role="admin", region_code=None)
    api = app.test_client()
    headers = api_token(api, admin)
    resp = api.post(
        "/api/v1/users",
        headers=headers,
        json={"username": "qf_clerk", "role": "staff", "region_code": QINGFENG},
    )
    assert resp.status_code == 201, resp.get_json()
    created = resp.get_json()
    assert created["region_code"] == QINGFENG and created["password"]
    bad = api.post(
        "/api/v1/users",
        headers=headers,
        json={"username": "qf_clerk", "role": "staff", "region_code": QINGFENG},
    )
    assert bad.status_code == 409 and "username" in bad.get_json()["error"]["fields"]
    patched = api.patch(
        f"/api/v1/users/{created['id']}", headers=headers, json={"display_name": "王五", "region_code": NANLE}
    )
    assert patched.status_code == 200 and patched.get_json()["region_code"] == NANLE
    listed = api.get("/api/v1/users?role=staff", headers=headers).get_json()
    assert [u["username"] for u in listed["items"]] == ["qf_clerk"]


def test_trainer_accounts_are_bound_to_a_training_institution(db_session: Session) -> None:
    admin = Actor.of(make_user(db_session, role="admin", region_code=None))
    with pytest.raises(ValidationError) as err:
        users.create_institution(
            db_session,
            admin,
            {
                "name": "学校",
                "uscc": "91410900MA00000010",
                "licence_number": "X",
                "region_code": NANLE,
                "occupations": "焊工",
            },
        )
    assert "uscc" in err.value.fields
    from tests.builders import make_uscc

    school = users.create_institution(
        db_session,
        admin,
        {
            "name": "南乐职业培训学校",
            "uscc": make_uscc(),
            "licence_number": "豫人社民424123456",
            "region_code": NANLE,
            "occupations": "焊工、电工",
        },
    )
    assert len(school.occupations) == 2
    trainer, _ = users.create_user(
        db_session, admin, {"username": "nl_school", "role": "trainer", "training_provider_id": school.id}
    )
    assert (
        school.user_id == trainer.id
        and users.user_to_dict(trainer)["training_provider_name"] == "南乐职业培训学校"
    )


def test_users_cli_creates_lists_disables_and_resets(app: Flask, db_session: Session) -> None:
    runner = app.test_cli_runner()
    out = runner.invoke(args=["users", "create", "nl_clerk", "--role", "staff", "--region", NANLE])
    assert out.exit_code == 0, out.output
    assert "一次性密码" in out.output
    bad = runner.invoke(args=["users", "create", "sz_clerk", "--role", "staff", "--region", "999999"])
    assert bad.exit_code != 0 and "region_code" in bad.output
    listing = runner.invoke(args=["users", "list"])
    assert "nl_clerk" in listing.output and "sz_clerk" not in listing.output
    assert runner.invoke(args=["users", "disable", "nl_clerk"]).exit_code == 0
    assert db_session.scalar(select(User.active).where(User.username == "nl_clerk")) is False
    reset = runner.invoke(args=["users", "reset-password", "nl_clerk"])
    assert reset.exit_code == 0 and "一次性密码" in reset.output


def test_account_pages_are_refused_to_those_who_do_not_manage_accounts(
    app: Flask, db_session: Session
) -> None:
    hr = make_user(db_session, role="employer", region_code=None, employer_id=make_employer(db_session).id)
    county = make_user(db_session, role="staff", region_code=NANLE)
    for user in (hr, county):
        browser = app.test_client()
        login(browser, user)
        assert browser.get("/account/users/new").status_code == 403
        assert (
            browser.post("/account/users/new", data={"username": "sneaky", "role": "admin"}).status_code
            == 403
        )
        assert browser.get("/account/users").status_code == 403
    assert db_session.scalar(select(User).where(User.username == "sneaky")) is None
