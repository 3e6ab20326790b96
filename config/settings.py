"""Application settings: defaults, overridden by environment variables.

Flask reads these with ``app.config.from_object``; tests pass their own mapping to ``create_app``.
"""

from __future__ import annotations

import os
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
#: Where ``liudan setup`` keeps the secret key of a single-machine install (mode 0600); ``SECRET_KEY`` wins.
SECRET_KEY_FILE = INSTANCE_DIR / "secret_key"


def secret_key_file() -> Path:
    return Path(os.environ.get("SECRET_KEY_FILE") or SECRET_KEY_FILE)


def _secret_key() -> str | None:
    """``SECRET_KEY`` from the environment, else the file ``liudan setup`` wrote, else None (no default)."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    try:
        return secret_key_file().read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'liudan.sqlite3'}"
    # Heroku-style URLs name the old driver; we use psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Settings:
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {"pool_pre_ping": True}
    WTF_CSRF_ENABLED = True
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_SUPPORTED_LOCALES = ("zh", "en")
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BOOTSTRAP_SERVE_LOCAL = True
    # Bodies of forms and JSON calls; only views marked ``accepts_upload`` take the larger upload limit.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_BODY_BYTES", str(1024 * 1024)))
    UPLOAD_MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", str(21 * 1024 * 1024)))
    API_TOKEN_MAX_AGE = int(os.environ.get("API_TOKEN_MAX_AGE", str(12 * 3600)))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    MATCH_LIMIT_MAX = 200


def load() -> dict[str, object]:
    """The settings as a plain mapping, read at call time so environment changes are seen."""
    values = {k: getattr(Settings, k) for k in dir(Settings) if k.isupper()}
    values["SQLALCHEMY_DATABASE_URI"] = _database_url()
    values["SECRET_KEY"] = _secret_key()
    return values
