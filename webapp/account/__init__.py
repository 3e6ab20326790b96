"""My account (password, sessions, log out everywhere) and, for administrators, disabling accounts."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from webapp.account import views  # noqa: E402,F401
