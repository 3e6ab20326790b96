"""Security headers on every response, no-store where personal data is shown, and no inline scripts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import login, make_user, make_worker

TEMPLATES = Path(__file__).resolve().parents[3] / "webapp" / "templates"


def _csp(resp: object) -> dict[str, str]:
    header = resp.headers["Content-Security-Policy"]  # type: ignore[attr-defined]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/auth/login", "/no-such-page", "/api/v1/openapi.json", "/api/v1/workers"])
def test_every_response_carries_the_headers(client: FlaskClient, path: str) -> None:
    resp = client.get(path)
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    csp = _csp(resp)
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert "Strict-Transport-Security" not in resp.headers  # plain HTTP: no HSTS


def test_page_csp_allows_no_inline_script(client: FlaskClient) -> None:
    csp = _csp(client.get("/auth/login"))
    script = csp["script-src"]
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert re.search(r"'nonce-[A-Za-z0-9_-]{20,}'", script)
    assert csp["default-src"] == "default-src 'self'"
    assert csp["object-src"] == "object-src 'none'"
    assert "http" not in resp_text(csp)  # no external origins at all


def resp_text(csp: dict[str, str]) -> str:
    return " ".join(csp.values())


def test_the_nonce_changes_with_every_request(client: FlaskClient) -> None:
    first = _csp(client.get("/auth/login"))["script-src"]
    second = _csp(client.get("/auth/login"))["script-src"]
    assert first != second


def test_hsts_only_over_https(client: FlaskClient) -> None:
    resp = client.get("/auth/login", base_url="https://liudan.example")
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_of_a_logged_in_user_are_not_stored(client: FlaskClient, db_session: Session) -> None:
    worker = make_worker(db_session)
    login(client, make_user(db_session))
    for path in ("/", f"/workers/{worker.id}", "/workers/", "/account/"):
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert resp.headers["Cache-Control"] == "no-store", path
    static = client.get("/static/css/liudan.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")


def test_api_answers_are_not_stored(client: FlaskClient) -> None:
    for path in ("/api/v1/openapi.json", "/api/v1/workers"):
        assert client.get(path).headers["Cache-Control"] == "no-store"


def test_anonymous_login_page_may_be_cached(client: FlaskClient) -> None:
    assert "no-store" not in client.get("/auth/login").headers.get("Cache-Control", "")


def test_templates_have_no_inline_script_or_event_handler(app: Flask) -> None:
    """Every template of every feature: scripts come from files, or carry the per-request nonce."""
    offenders: list[str] = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>", source, flags=re.I):
            attrs = match.group(1)
            if "src=" not in attrs and "csp_nonce()" not in attrs:
                offenders.append(f"{path.relative_to(TEMPLATES)}: inline <script> without nonce")
        for match in re.finditer(r"\son[a-z]+\s*=\s*[\"']", source, flags=re.I):
            offenders.append(
                f"{path.relative_to(TEMPLATES)}: event-handler attribute {match.group(0).strip()}"
            )
        if re.search(r"(src|href)\s*=\s*[\"'](https?:)?//", source, flags=re.I):
            offenders.append(f"{path.relative_to(TEMPLATES)}: external URL")
        if "javascript:" in source.lower():
            offenders.append(f"{path.relative_to(TEMPLATES)}: javascript: URL")
    assert offenders == []


def test_a_template_may_use_the_nonce(app: Flask) -> None:
    with app.test_request_context("/"):
        from flask import render_template_string

        html = render_template_string('<script nonce="{{ csp_nonce() }}">1</script>')
        nonce = re.search(r'nonce="([^"]+)"', html).group(1)  # type: ignore[union-attr]
        resp = app.make_response(html)
        resp = app.process_response(resp)
        assert f"'nonce-{nonce}'" in resp.headers["Content-Security-Policy"]


def test_behind_a_trusted_proxy_the_forwarded_address_and_scheme_count(
    app: Flask, db_session: Session, database_url: str
) -> None:
    from sqlalchemy import select

    from webapp import create_app
    from webapp.models.security import LoginAttempt

    proxied = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "TRUSTED_PROXIES": 1,
        }
    )
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    browser = proxied.test_client()
    assert (
        browser.get("/auth/login", headers=forwarded)
        .headers["Strict-Transport-Security"]
        .startswith("max-age=")
    )
    browser.post("/auth/login", data={"username": "nobody", "password": "x"}, headers=forwarded)
    assert db_session.scalar(select(LoginAttempt.ip)) == "203.0.113.9"  # throttled per real client


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(client: FlaskClient) -> None:
    resp = client.get("/auth/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "1.2.3.4"})
    assert "Strict-Transport-Security" not in resp.headers
