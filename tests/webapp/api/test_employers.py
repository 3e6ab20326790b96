"""/api/v1/employers: register, read and list employers."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import JIANGSU_SUZHOU, NANLE, make_employer, make_uscc
from webapp.models import AuditLog, Employer, User

_VALID = make_uscc(seq=424242)
BAD_CHECK_DIGIT = _VALID[:-1] + ("0" if _VALID[-1] != "0" else "1")


def _body(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "南乐县吴村扶贫车间",
        "uscc": make_uscc(),
        "region_code": NANLE,
        "contact_name": "李主任",
        "contact_phone": "13912345678",
        "is_workshop": True,
    }
    body.update(overrides)
    return body


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_create_read_and_list(client: FlaskClient, staff_headers: Any, conforms: Any) -> None:
    body = _body()
    resp = client.post("/api/v1/employers", json=body, headers=staff_headers)
    assert resp.status_code == 201, resp.get_json()
    created = resp.get_json()
    conforms(created, "Employer")
    assert created["uscc"] == body["uscc"] and created["is_workshop"] is True
    assert created["region_name"].endswith("南乐县")
    assert resp.headers["Location"].endswith(f"/api/v1/employers/{created['id']}")

    got = client.get(f"/api/v1/employers/{created['id']}", headers=staff_headers)
    assert got.status_code == 200 and got.get_json() == created

    listing = client.get("/api/v1/employers", query_string={"q": "吴村"}, headers=staff_headers).get_json()
    conforms(listing, "EmployerPage")
    assert [e["id"] for e in listing["items"]] == [created["id"]]
    assert listing["total"] == 1 and listing["page"] == 1


def test_list_filters_by_region_and_pages(
    client: FlaskClient, db_session: Session, staff_headers: Any, conforms: Any
) -> None:
    local = [make_employer(db_session, region_code=NANLE) for _ in range(3)]
    make_employer(db_session, region_code=JIANGSU_SUZHOU)
    first = client.get(
        "/api/v1/employers", query_string={"region_code": "410923", "per_page": 2}, headers=staff_headers
    ).get_json()
    conforms(first, "EmployerPage")
    second = client.get(
        "/api/v1/employers",
        query_string={"region_code": "410923", "per_page": 2, "page": 2},
        headers=staff_headers,
    ).get_json()
    assert first["total"] == second["total"] == 3
    assert [e["id"] for e in first["items"] + second["items"]] == [e.id for e in local]


def test_duplicate_uscc_is_409(
    client: FlaskClient, db_session: Session, staff_headers: Any, refusal: Any
) -> None:
    existing = make_employer(db_session)
    before = _count(db_session, Employer)
    resp = client.post("/api/v1/employers", json=_body(uscc=existing.uscc), headers=staff_headers)
    error = refusal(resp, 409)
    assert error["code"] == "conflict" and "uscc" in error["fields"]
    assert _count(db_session, Employer) == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"uscc": BAD_CHECK_DIGIT}, "uscc"),
        ({"uscc": "123"}, "uscc"),
        ({"uscc": None}, "uscc"),
        ({"name": ""}, "name"),
        ({"name": "厂" * 129}, "name"),
        ({"name": {"zh": "厂"}}, "name"),
        ({"name": "有\x00空字符"}, "name"),
        ({"region_code": "999999"}, "region_code"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"is_workshop": "maybe"}, "is_workshop"),
        ({"founded": 1998}, "founded"),
    ],
    ids=[
        "bad-check-digit",
        "short-uscc",
        "null-uscc",
        "empty-name",
        "long-name",
        "object-name",
        "nul-in-name",
        "unknown-region",
        "bad-phone",
        "bad-bool",
        "unknown-field",
    ],
)
def test_bad_fields_are_422_and_nothing_is_written(
    client: FlaskClient,
    db_session: Session,
    staff_headers: Any,
    refusal: Any,
    overrides: dict[str, Any],
    field: str,
) -> None:
    before = (_count(db_session, Employer), _count(db_session, AuditLog))
    resp = client.post("/api/v1/employers", json=_body(**overrides), headers=staff_headers)
    error = refusal(resp, 422)
    assert error["code"] == "validation_error"
    assert field in error["fields"] and error["fields"][field]
    assert (_count(db_session, Employer), _count(db_session, AuditLog)) == before


@pytest.mark.parametrize(
    "raw", [b"{", b"[]", b"42", b"\xff\xfe{", b""], ids=["cut", "array", "number", "bad-utf", "empty"]
)
def test_body_that_is_not_an_object_is_400(
    client: FlaskClient, staff_headers: Any, refusal: Any, raw: bytes
) -> None:
    resp = client.post("/api/v1/employers", data=raw, content_type="application/json", headers=staff_headers)
    assert refusal(resp, 400)["code"] == "bad_request"


def test_employer_user_cannot_register_employers_and_sees_only_itself(
    client: FlaskClient,
    db_session: Session,
    headers: Any,
    employer_user: User,
    employer: Employer,
    refusal: Any,
) -> None:
    other = make_employer(db_session)
    auth = headers(employer_user)
    assert refusal(client.post("/api/v1/employers", json=_body(), headers=auth), 403)["code"] == "forbidden"
    assert client.get(f"/api/v1/employers/{employer.id}", headers=auth).status_code == 200
    assert refusal(client.get(f"/api/v1/employers/{other.id}", headers=auth), 404)["code"] == "not_found"
    listing = client.get("/api/v1/employers", headers=auth).get_json()
    assert [e["id"] for e in listing["items"]] == [employer.id]


@pytest.mark.parametrize(
    "path", ["/api/v1/employers/0", "/api/v1/employers/abc", "/api/v1/employers/99999999999999999999"]
)
def test_impossible_ids_are_404(client: FlaskClient, staff_headers: Any, refusal: Any, path: str) -> None:
    assert refusal(client.get(path, headers=staff_headers), 404)["code"] == "not_found"


def test_missing_employer_is_404(client: FlaskClient, staff_headers: Any, refusal: Any) -> None:
    refusal(client.get("/api/v1/employers/2147483647", headers=staff_headers), 404)


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "-3"}, "page"),
        ({"page": "1" * 40}, "page"),
        ({"per_page": "201"}, "per_page"),
        ({"per_page": "1.5"}, "per_page"),
        ({"region_code": "nowhere"}, "region_code"),
        ({"q": "a\x00b"}, "q"),
        ({"q": "x" * 65}, "q"),
        ({"sort": "name"}, "sort"),
    ],
)
def test_bad_query_parameters_are_400_naming_them(
    client: FlaskClient, staff_headers: Any, refusal: Any, query: dict[str, str], param: str
) -> None:
    error = refusal(client.get("/api/v1/employers", query_string=query, headers=staff_headers), 400)
    assert error["code"] == "bad_request" and param in error["fields"]
