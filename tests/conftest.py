"""Shared fixtures: a real database built by the migrations (SQLite by default, PostgreSQL when
``TEST_DATABASE_URL`` says so), an app per test, a client, and the session.

Each test starts from the migrated schema with only the region tree loaded; rows a test writes are
deleted after it, so tests never see each other's data.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from webapp import create_app
from webapp.extensions import db
from webapp.services.ranking import forget_indexes

KEEP_TABLES = {"region", "alembic_version"}


def _database_url(tmp_root: Path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_root / 'test.sqlite3'}"


def _reset_database(url: str) -> None:
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Build the schema once per run by running the migrations, then load the region tree."""
    url = _database_url(tmp_path_factory.mktemp("db"))
    _reset_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        from flask_migrate import upgrade

        from webapp.services.reference import sync_regions

        upgrade(directory=app.extensions["migrate"].directory, revision="heads")
        sync_regions(db.session)
        db.session.remove()
        db.engine.dispose()
    return url


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        yield app
        db.session.remove()
        _delete_rows()
        forget_indexes()
        db.engine.dispose()


def _delete_rows() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    with db.engine.begin() as conn:
        # The audit log is append-only (triggers of migration 0006_security): open its purge gate first.
        if conn.dialect.name == "postgresql":
            # TRUNCATE costs most of a PostgreSQL test's time (a new file per table): DELETE the rows of the
            # tables this test wrote (one round trip finds them), children first, then restart every sequence
            # so that ids start at 1 again.
            conn.execute(text("SET LOCAL liudan.audit_purge = 'on'"))
            probe = " UNION ALL ".join(
                f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables
            )
            written = {row[0] for row in conn.execute(text(probe))} if tables else set()
            for table in tables:
                if table.name in written:
                    conn.execute(table.delete())
            conn.execute(
                text(
                    "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE c.relkind = 'S' AND n.nspname = current_schema()"
                )
            )
        else:
            conn.execute(text("INSERT INTO audit_log_gate (opened_at) VALUES (CURRENT_TIMESTAMP)"))
            for table in sorted(tables, key=lambda t: t.name != "audit_log"):  # before the gate's own rows
                conn.execute(table.delete())


@pytest.fixture
def db_session(app: Flask) -> Session:
    return db.session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
