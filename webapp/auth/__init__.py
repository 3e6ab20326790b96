"""Logging in and out of the pages."""

from __future__ import annotations

from flask import Blueprint

from webapp.extensions import db, login_manager

bp = Blueprint("auth", __name__, url_prefix="/auth")


def register_user_loader() -> None:
    from webapp.models import User
    from webapp.services.accounts import load_session_user

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return load_session_user(db.session, user_id)


from webapp.auth import views  # noqa: E402,F401  (routes attach to bp)
