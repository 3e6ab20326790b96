"""services.passwords: one zxcvbn strength check for every password a person sets (issue 12, item 7)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.builders import PASSWORD, WUCUN, login, make_user
from webapp.errors import ValidationError
from webapp.models import User
from webapp.services import followups
from webapp.services.demo import DEMO_PASSWORD, build_demo
from webapp.services.passwords import check_password_strength
from webapp.services.scope import Actor


@pytest.mark.parametrize(
    ("password", "user_inputs"),
    [
        ("password123", []),  # a top common password
        ("qwertyuiop1", []),  # a keyboard row
        ("liudan2026!", []),  # the site's name and a year
        ("zhaoxiaoquan88", ["zhaoxiaoquan"]),  # the person's own name
        ("1990-01-01abc", []),  # a date
        ("short", []),
    ],
)
def test_weak_passwords_are_refused_naming_the_field_with_a_reason(
    password: str, user_inputs: list[str]
) -> None:
    with pytest.raises(ValidationError) as refused:
        check_password_strength(password, user_inputs=user_inputs)
    reason = refused.value.fields["password"]
    assert "密码" in reason


def test_the_refusal_carries_zxcvbns_advice() -> None:
    with pytest.raises(ValidationError) as refused:
        check_password_strength("password123")
    reason = refused.value.fields["password"]
    assert "密码太容易被猜到（强度" in reason and "common password" in reason


@pytest.mark.parametrize("password", ["chunfeng-welders-of-nanle", "Kq8#vR2!mZ7p", DEMO_PASSWORD])
def test_hard_to_guess_passwords_pass(password: str) -> None:
    check_password_strength(password, user_inputs=["city_staff"])


def test_the_documented_demo_password_passes_for_every_demo_account() -> None:
    data = build_demo(2019, workers=10, job_orders=2, employers=2)
    assert data.accounts
    for account in data.accounts:
        check_password_strength(DEMO_PASSWORD, user_inputs=[account["username"], account["display_name"]])


def test_changing_ones_own_password_to_a_guessable_one_is_refused(app: Flask, db_session: Session) -> None:
    user = make_user(db_session)
    hash_before = user.password_hash
    client = app.test_client()
    login(client, user)
    weak = "Password123!"  # long enough, not only digits, without the username: still a common password
    resp = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": weak, "confirm_password": weak},
    )
    assert resp.status_code == 422
    assert "密码太容易被猜到" in resp.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(User, user.id).password_hash == hash_before  # type: ignore[union-attr]


def test_coordinator_initial_passwords_pass_the_strength_check(db_session: Session) -> None:
    admin = Actor.of(make_user(db_session, role="admin", region_code=None))
    created = followups.create_village_coordinators(db_session, admin, WUCUN[:9])
    assert created
    for credential in created:
        check_password_strength(credential.password, user_inputs=[credential.username])


def test_passwords_longer_than_zxcvbn_judges_are_judged_by_their_start_not_a_500() -> None:
    """Found by schemathesis: zxcvbn raises ValueError beyond 72 characters, which answered POST /api/v1/users
    with a 500."""
    check_password_strength("Puyang chunfeng welders cross the Yellow River at dawn " * 2)  # 110 characters
    with pytest.raises(ValidationError) as weak:
        check_password_strength("a" * 100)
    assert "password" in weak.value.fields
    with pytest.raises(ValidationError) as long:
        check_password_strength("Puyang chunfeng welders " * 6)  # 144 characters
    assert "128" in long.value.fields["password"]
