"""After login, ``next`` leads only to a path of this site."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import PASSWORD, make_user
from webapp.security import safe_next

EVIL = [
    "//evil.example/x",
    "///evil.example",
    "https://evil.example/",
    "http:evil.example",
    "https:/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "/%0d%0aSet-Cookie:x=1".replace("%0d%0a", "\r\n"),
    "/" + "a" * 3000,
]


@pytest.mark.parametrize("target", EVIL, ids=range(len(EVIL)))
def test_an_evil_next_falls_back_to_the_dashboard(
    client: FlaskClient, db_session: Session, target: str
) -> None:
    user = make_user(db_session)
    resp = client.post(
        "/auth/login", query_string={"next": target}, data={"username": user.username, "password": PASSWORD}
    )
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/workers/?page=2", "/job-orders/7/matches", "/account/"])
def test_a_local_next_is_followed(client: FlaskClient, db_session: Session, target: str) -> None:
    user = make_user(db_session)
    resp = client.post(
        "/auth/login", query_string={"next": target}, data={"username": user.username, "password": PASSWORD}
    )
    assert resp.headers["Location"] == target


def test_safe_next_is_a_pure_check(app: object) -> None:
    with app.test_request_context():  # type: ignore[attr-defined]
        assert [safe_next(t) for t in EVIL] == ["/"] * len(EVIL)
        assert safe_next(None) == "/" and safe_next("") == "/"
