"""Fixtures for the JSON API: users of each role, their bearer headers, and a check against the OpenAPI schemas."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import NANLE, PUYANG, QINGFENG, api_token, make_employer, make_user
from webapp.models import Employer, User

Headers = dict[str, str]


@pytest.fixture
def admin(db_session: Session) -> User:
    return make_user(db_session, role="admin", region_code=None)


@pytest.fixture
def city_staff(db_session: Session) -> User:
    """Staff of 濮阳市: sees every county of the city."""
    return make_user(db_session, role="staff", region_code=PUYANG)


@pytest.fixture
def qingfeng_staff(db_session: Session) -> User:
    """Staff of 清丰县 only: 南乐县 workers are out of scope."""
    return make_user(db_session, role="staff", region_code=QINGFENG)


@pytest.fixture
def nanle_staff(db_session: Session) -> User:
    return make_user(db_session, role="staff", region_code=NANLE)


@pytest.fixture
def employer(db_session: Session) -> Employer:
    return make_employer(db_session, name="濮阳华龙机械有限公司")


@pytest.fixture
def employer_user(db_session: Session, employer: Employer) -> User:
    return make_user(db_session, role="employer", region_code=None, employer_id=employer.id)


@pytest.fixture
def headers(client: FlaskClient) -> Callable[[User], Headers]:
    """``headers(user)``: the Authorization header of a fresh token for that user."""

    def for_user(user: User) -> Headers:
        return api_token(client, user)

    return for_user


@pytest.fixture
def staff_headers(headers: Callable[[User], Headers], city_staff: User) -> Headers:
    return headers(city_staff)


@pytest.fixture(scope="session")
def openapi_doc(database_url: str) -> dict[str, Any]:
    from webapp import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    resp = app.test_client().get("/api/v1/openapi.json")
    assert resp.status_code == 200
    doc: dict[str, Any] = resp.get_json()
    return doc


@pytest.fixture(scope="session")
def conforms(openapi_doc: dict[str, Any]) -> Callable[[Any, str], None]:
    """``conforms(body, "Worker")`` fails the test when a body does not match that schema of the document."""
    components = copy.deepcopy(openapi_doc["components"])

    def check(body: Any, schema_name: str) -> None:
        assert schema_name in components["schemas"], schema_name
        schema = {"$ref": f"#/components/schemas/{schema_name}", "components": components}
        jsonschema.Draft202012Validator(schema).validate(body)

    return check


def error_of(resp: Any, status: int) -> dict[str, Any]:
    """The ``error`` object of an API refusal, after checking its status and shape."""
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True))
    body = resp.get_json()
    assert set(body) == {"error"}, body
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert isinstance(error["message"], str) and error["message"]
    return error


@pytest.fixture
def refusal() -> Callable[[Any, int], dict[str, Any]]:
    return error_of
