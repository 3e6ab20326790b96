"""The secret key that signs login sessions, API tokens and invitation QR codes.

Outside debug mode and tests the app refuses to start without a key of at least 32 random bytes: from the
``SECRET_KEY`` environment variable, or from ``instance/secret_key``, which ``liudan setup`` writes (mode 0600)
for a single-machine install. The development default of earlier versions is never used again: a cookie or
token signed with it matches no key the app will ever hold. In debug mode and tests a missing key (or that old
default) becomes a random key for the life of the process.

Example::

    write_key_file()            # liudan setup: instance/secret_key, unless SECRET_KEY is set or a good key exists
    configure(app)              # create_app: refuses to start, naming the fix, when the key is missing or weak
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from config import settings

#: Keys that shipped as defaults: refused in production, replaced by a random key in debug and tests.
OLD_DEFAULT_KEYS = frozenset({"dev-only-change-me"})
MIN_BYTES = 32
#: Fewer distinct bytes than this is a typed phrase or a repeated character, not a random key.
MIN_DISTINCT_BYTES = 12
HOW_TO_SET = (
    "Set the environment variable SECRET_KEY to at least 32 random bytes, for example "
    "SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))'), or run `liudan setup`, which "
    "writes one to instance/secret_key for a single-machine install (see README, Configuration)."
)


class SecretKeyMissing(RuntimeError):
    """The app would sign sessions and tokens with a key anybody could know."""


def key_problem(key: Any) -> str | None:
    """Why ``key`` cannot sign sessions in production, or None.

    >>> key_problem(None), key_problem("dev-only-change-me"), key_problem("短"), key_problem("ab" * 20)
    ('SECRET_KEY is not set', 'SECRET_KEY is the old development default', 'SECRET_KEY has 3 bytes, fewer than 32', 'SECRET_KEY is not random (2 distinct characters)')
    >>> key_problem(secrets.token_hex(32)) is None
    True
    """
    if not key:
        return "SECRET_KEY is not set"
    raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    if key in OLD_DEFAULT_KEYS:
        return "SECRET_KEY is the old development default"
    if len(raw) < MIN_BYTES:
        return f"SECRET_KEY has {len(raw)} bytes, fewer than {MIN_BYTES}"
    if len(set(raw)) < MIN_DISTINCT_BYTES:
        return f"SECRET_KEY is not random ({len(set(raw))} distinct characters)"
    return None


def configure(app: Flask) -> None:
    """Check the app's key (called by ``create_app``); raise :class:`SecretKeyMissing` in production."""
    key = app.config.get("SECRET_KEY")
    if app.debug or app.testing:
        if not key or key in OLD_DEFAULT_KEYS:
            app.config["SECRET_KEY"] = secrets.token_hex(MIN_BYTES)  # logins end when the process does
        return
    problem = key_problem(key)
    if problem is not None:
        raise SecretKeyMissing(f"Liudan refuses to start: {problem}. {HOW_TO_SET}")


def write_key_file(path: Path | None = None) -> Path | None:
    """Write a random key to ``instance/secret_key`` (mode 0600) and return its path; None when ``SECRET_KEY``
    is set in the environment or the file already holds a good key (an old or weak one is replaced)."""
    if os.environ.get("SECRET_KEY", "").strip():
        return None
    path = path or settings.secret_key_file()
    try:
        current = path.read_text(encoding="utf-8").strip()
    except OSError:
        current = ""
    if current and key_problem(current) is None:
        os.chmod(path, 0o600)
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_hex(MIN_BYTES) + "\n")
    os.chmod(path, 0o600)  # the file may have existed with wider rights
    return path
