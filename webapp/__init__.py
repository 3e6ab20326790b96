"""The Liudan web application: ``create_app`` is the only way to build one."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, request, session
from flask_babel import get_locale, gettext
from sqlalchemy import event
from sqlalchemy.engine import Engine

from config import settings
from webapp.extensions import babel, bootstrap, csrf, db, login_manager, migrate
from webapp.i18n import N_, compile_catalogues

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def _json_dumps(value: Any) -> str:
    # Keep Chinese readable in the database (and searchable with LIKE).
    return json.dumps(value, ensure_ascii=False)


def select_locale() -> str:
    lang = request.args.get("lang")
    if lang in ("zh", "en"):
        session["lang"] = lang
        return lang
    stored = session.get("lang")
    if stored in ("zh", "en"):
        return str(stored)
    return "zh"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides the settings (tests pass their own database)."""
    app = Flask(__name__, instance_path=str(settings.INSTANCE_DIR), instance_relative_config=False)
    app.config.from_mapping(settings.load())
    if config:
        app.config.from_mapping(config)
    from webapp import secret_key

    # no key, a weak one or the old default: refuses to start outside debug and tests
    secret_key.configure(app)
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("json_serializer", _json_dumps)
    uri = str(app.config["SQLALCHEMY_DATABASE_URI"])
    if uri.startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": 30})
        if uri.startswith("sqlite:///") and ":memory:" not in uri:
            Path(uri[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

    from webapp import security

    security.install_request_limits(app)  # before the blueprints: their <int:> routes take its converter
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("请先登录")
    login_manager.localize_callback = gettext
    login_manager.login_message_category = "warning"
    csrf.init_app(app)
    compile_catalogues()  # the English .mo is build output: written from the .po when missing or older
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale  # base.html sets <html lang> from it
    bootstrap.init_app(app)

    from webapp import auth, cli, errors, policy, views

    errors.register_error_handlers(app)
    views.register_blueprints(app)
    cli.register(app)
    auth.register_user_loader()
    security.init_app(app)  # headers, login sessions (webapp/security.py)
    policy.install(app)  # can()/sees() in templates
    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL and a busy timeout let readers and one writer share the SQLite file; foreign keys are enforced."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
