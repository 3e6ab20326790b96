"""Bearer tokens: getting one, and every route refusing a request without a valid one."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.orm import Session

from tests.builders import PASSWORD, api_token, make_user
from webapp.extensions import db
from webapp.models import User
from webapp.services.accounts import TOKEN_SALT, issue_token

PUBLIC = {"api.create_token", "api.openapi_document"}


def test_token_opens_the_api(client: FlaskClient, city_staff: User, conforms: Any) -> None:
    resp = client.post("/api/v1/auth/token", json={"username": city_staff.username, "password": PASSWORD})
    assert resp.status_code == 200
    body = resp.get_json()
    conforms(body, "Token")
    assert body["token_type"] == "Bearer"
    listing = client.get("/api/v1/employers", headers={"Authorization": f"Bearer {body['token']}"})
    assert listing.status_code == 200
    assert listing.headers["Cache-Control"] == "no-store"


def test_scheme_is_case_insensitive(client: FlaskClient, city_staff: User) -> None:
    token = api_token(client, city_staff)["Authorization"].split(" ", 1)[1]
    assert client.get("/api/v1/employers", headers={"Authorization": f"bearer {token}"}).status_code == 200


@pytest.mark.parametrize(
    ("username", "password"),
    [("right", "wrong password"), ("nobody-by-this-name", PASSWORD)],
    ids=["wrong-password", "unknown-user"],
)
def test_bad_credentials_are_401_with_one_vague_message(
    client: FlaskClient, city_staff: User, refusal: Any, username: str, password: str
) -> None:
    name = city_staff.username if username == "right" else username
    resp = client.post("/api/v1/auth/token", json={"username": name, "password": password})
    error = refusal(resp, 401)
    assert error["code"] == "unauthorized"
    assert error["message"] == "用户名或密码错误"
    assert "token" not in resp.get_json()


def test_disabled_user_gets_no_token(client: FlaskClient, db_session: Session, refusal: Any) -> None:
    user = make_user(db_session, active=False)
    resp = client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD})
    refusal(resp, 401)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (b"{not json", 400, None),
        (b"", 400, None),
        (b'["admin", "pw"]', 400, None),
        (b'"admin"', 400, None),
        (b"null", 400, None),
        (b"[" * 5000 + b"]" * 5000, 400, None),
        (b'{"username": "admin"}', 422, "password"),
        (b'{"password": "x"}', 422, "username"),
        (b'{"username": 12, "password": "x"}', 422, "username"),
        (b'{"username": "a", "password": ["x"]}', 422, "password"),
        (b'{"username": "a", "password": "x", "remember": true}', 422, "remember"),
        ('{"username": "a", "password": "' + "x" * 2000 + '"}', 422, "password"),
    ],
    ids=[
        "malformed",
        "empty",
        "array",
        "string",
        "null",
        "deeply-nested",
        "no-password",
        "no-username",
        "number-username",
        "list-password",
        "unknown-field",
        "huge-password",
    ],
)
def test_bad_token_requests_are_refused_not_crashed(
    client: FlaskClient, refusal: Any, body: bytes | str, status: int, field: str | None
) -> None:
    resp = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    error = refusal(resp, status)
    assert error["code"] == ("bad_request" if status == 400 else "validation_error")
    if field:
        assert field in error["fields"]


def _protected_calls(app: Flask) -> list[tuple[str, str]]:
    calls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint in PUBLIC:
            continue
        path = re.sub(r"<[^>]+>", "1", rule.rule)
        calls.extend((method, path) for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}))
    return calls


def test_every_route_but_token_and_document_needs_a_token(
    app: Flask, client: FlaskClient, refusal: Any
) -> None:
    calls = _protected_calls(app)
    assert len(calls) >= 14, calls
    for method, path in calls:
        resp = client.open(path, method=method, json={})
        error = refusal(resp, 401)
        assert error["code"] == "unauthorized", (method, path)
        assert resp.headers["WWW-Authenticate"].startswith("Bearer"), (method, path)


def test_document_and_token_need_no_token(client: FlaskClient) -> None:
    assert client.get("/api/v1/openapi.json").status_code == 200


def _other_secret_token(user: User) -> str:
    return URLSafeTimedSerializer("another-secret", salt=TOKEN_SALT).dumps(
        {"uid": user.id, "v": user.session_version}
    )


@pytest.mark.parametrize(
    "make_header",
    [
        lambda token, user: "",
        lambda token, user: token,
        lambda token, user: f"Basic {token}",
        lambda token, user: "Bearer ",
        lambda token, user: "Bearer not-a-token",
        lambda token, user: f"Bearer {token[:-3]}xyz",
        lambda token, user: f"Bearer {_other_secret_token(user)}",
        lambda token, user: (
            f"Bearer {URLSafeTimedSerializer('test-secret', salt=TOKEN_SALT).dumps([user.id])}"
        ),
        lambda token, user: (
            f"Bearer {URLSafeTimedSerializer('test-secret', salt='other').dumps({'uid': user.id})}"
        ),
        # signed with the right key but issued without a server-side record (before records existed)
        lambda token, user: (
            "Bearer "
            + URLSafeTimedSerializer("test-secret", salt=TOKEN_SALT).dumps(
                {"uid": user.id, "v": user.session_version}
            )
        ),
    ],
    ids=[
        "empty",
        "no-scheme",
        "basic",
        "bearer-nothing",
        "garbage",
        "tampered",
        "other-secret",
        "not-a-dict",
        "other-salt",
        "no-record",
    ],
)
def test_invalid_tokens_are_401(
    app: Flask, client: FlaskClient, city_staff: User, refusal: Any, make_header: Any
) -> None:
    token = issue_token(db.session, app.config["SECRET_KEY"], city_staff, max_age=3600)
    header = make_header(token, city_staff)
    resp = client.get("/api/v1/employers", headers={"Authorization": header} if header else {})
    assert refusal(resp, 401)["code"] == "unauthorized"


def test_token_of_a_disabled_user_stops_working(
    client: FlaskClient, db_session: Session, city_staff: User, refusal: Any
) -> None:
    auth = api_token(client, city_staff)
    assert client.get("/api/v1/employers", headers=auth).status_code == 200
    city_staff.active = False
    db_session.commit()
    refusal(client.get("/api/v1/employers", headers=auth), 401)


def test_token_stops_working_after_session_version_bump(
    client: FlaskClient, db_session: Session, city_staff: User, refusal: Any
) -> None:
    auth = api_token(client, city_staff)
    city_staff.session_version += 1
    db_session.commit()
    assert refusal(client.get("/api/v1/employers", headers=auth), 401)["code"] == "unauthorized"
    # a new token works again
    assert client.get("/api/v1/employers", headers=api_token(client, city_staff)).status_code == 200


def test_token_of_a_deleted_user_is_401(client: FlaskClient, db_session: Session, refusal: Any) -> None:
    user = make_user(db_session)
    auth = api_token(client, user)
    db_session.delete(user)
    db_session.commit()
    refusal(client.get("/api/v1/employers", headers=auth), 401)


def test_expired_token_is_401(app: Flask, client: FlaskClient, city_staff: User, refusal: Any) -> None:
    auth = api_token(client, city_staff)
    app.config["API_TOKEN_MAX_AGE"] = -1  # every token is older than this
    error = refusal(client.get("/api/v1/employers", headers=auth), 401)
    assert "过期" in error["message"]


def test_unknown_api_path_and_wrong_method_answer_json(
    client: FlaskClient, refusal: Any, staff_headers: Any
) -> None:
    assert refusal(client.get("/api/v1/nothing-here", headers=staff_headers), 404)["code"] == "not_found"
    resp = client.delete("/api/v1/employers", headers=staff_headers)
    assert refusal(resp, 405)["code"] == "method_not_allowed"
    assert "GET" in resp.headers["Allow"]
