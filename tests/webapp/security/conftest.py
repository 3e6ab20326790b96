"""Fixtures of the attack tests: ``world`` (a small city with one user of each role) and ``as_role``."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.builders import api_token, login
from tests.webapp.security.support import As, World, build_world


@pytest.fixture
def world(db_session: Session) -> World:
    return build_world(db_session)


@pytest.fixture
def as_role(app: Flask, world: World) -> Any:
    def make(role: str) -> As:
        user = world.users[role]
        page = app.test_client()
        login(page, user)
        return As(role, user, page, api_token(app.test_client(), user))

    return make
