"""The secret key (issue 12, item 4): outside debug and tests the app refuses to start without 32 random bytes;
``liudan setup`` writes one to the instance folder (0600) and the app reads it; the old development default
signs nothing that is accepted."""

from __future__ import annotations

import secrets
import stat
from pathlib import Path

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy.orm import Session

from tests.builders import PASSWORD, make_user
from webapp import create_app
from webapp.secret_key import SecretKeyMissing
from webapp.services.accounts import issue_token

OLD_DEFAULT = "dev-only-change-me"


@pytest.fixture
def no_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No SECRET_KEY in the environment, no debug mode, and an empty instance folder for the key file."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    key_file = tmp_path / "instance" / "secret_key"
    monkeypatch.setenv("SECRET_KEY_FILE", str(key_file))
    return key_file


def _production(database_url: str, **config: object) -> Flask:
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, **config})


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        (None, "not set"),
        (OLD_DEFAULT, "old development default"),
        ("a-short-key-of-24-bytes!", "fewer than 32"),
        ("x" * 64, "not random"),
    ],
)
def test_outside_debug_and_tests_the_app_refuses_to_start_without_a_strong_key(
    database_url: str, no_key: Path, key: str | None, reason: str
) -> None:
    config = {} if key is None else {"SECRET_KEY": key}
    with pytest.raises(SecretKeyMissing) as refused:
        _production(database_url, **config)
    message = str(refused.value)
    assert reason in message and "SECRET_KEY=" in message and "liudan setup" in message


def test_a_random_key_from_the_environment_starts_the_app(
    database_url: str, no_key: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = secrets.token_hex(32)
    monkeypatch.setenv("SECRET_KEY", key)
    assert _production(database_url).config["SECRET_KEY"] == key


def test_liudan_setup_writes_a_private_key_file_that_the_app_then_reads(
    app: Flask, database_url: str, no_key: Path
) -> None:
    result = app.test_cli_runner().invoke(args=["setup", "--no-demo"])
    assert result.exit_code == 0, result.output
    assert no_key.exists() and stat.S_IMODE(no_key.stat().st_mode) == 0o600
    key = no_key.read_text().strip()
    assert len(bytes.fromhex(key)) == 32

    served = _production(database_url)
    assert served.config["SECRET_KEY"] == key
    again = app.test_cli_runner().invoke(args=["setup", "--no-demo"])  # a second setup keeps the key
    assert again.exit_code == 0 and no_key.read_text().strip() == key


def test_setup_replaces_a_weak_key_file(app: Flask, no_key: Path) -> None:
    no_key.parent.mkdir(parents=True)
    no_key.write_text(OLD_DEFAULT)
    no_key.chmod(0o644)
    assert app.test_cli_runner().invoke(args=["setup", "--no-demo"]).exit_code == 0
    assert no_key.read_text().strip() != OLD_DEFAULT and stat.S_IMODE(no_key.stat().st_mode) == 0o600


@pytest.mark.parametrize("testing", [True, False])
def test_a_token_or_session_signed_with_the_old_default_is_refused(
    database_url: str, db_session: Session, no_key: Path, monkeypatch: pytest.MonkeyPatch, testing: bool
) -> None:
    """In tests the old default (if configured) becomes a random key; in production another key is required."""
    user = make_user(db_session, role="admin", region_code=None)
    config = {"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False}
    if testing:
        served = create_app({**config, "TESTING": True, "SECRET_KEY": OLD_DEFAULT})
    else:
        monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
        served = create_app(config)
    assert served.config["SECRET_KEY"] != OLD_DEFAULT

    forged = issue_token(db_session, OLD_DEFAULT, user, max_age=3600)
    resp = served.test_client().get("/api/v1/workers", headers={"Authorization": f"Bearer {forged}"})
    assert resp.status_code == 401

    # a real login session, its cookie re-signed with the old default, is no login at all
    browser = served.test_client()
    assert (
        browser.post("/auth/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    )
    assert browser.get("/workers/").status_code == 200
    interface = SecureCookieSessionInterface()
    own = interface.get_signing_serializer(served)
    cookie = browser.get_cookie("session")
    assert own is not None and cookie is not None
    signer = Flask("forger")
    signer.secret_key = OLD_DEFAULT
    old = interface.get_signing_serializer(signer)
    assert old is not None
    browser.set_cookie("session", old.dumps(own.loads(cookie.value)))
    page = browser.get("/workers/")
    assert page.status_code == 302 and "/auth/login" in page.headers["Location"]
