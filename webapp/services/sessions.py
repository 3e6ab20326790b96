"""Login sessions and the actions that end them: log out, log out everywhere, password change, disabling.

A browser login opens a ``LoginSession`` row; the signed session cookie carries its random id (only the
SHA-256 is stored). ``webapp.services.accounts.load_session_user`` accepts a cookie only while its row is
live and the user's ``session_version`` matches, so:

- logging out revokes that one row: the same cookie, replayed, is refused;
- "log out everywhere", a password change and disabling an account bump ``User.session_version`` and revoke
  every row: all cookies and every API token issued before stop working;
- a login ends on the server after ``idle_minutes`` without a request or ``absolute_hours`` after it began
  (``config/security.toml``, ``[sessions]``); a "remember me" login after ``remember_days`` (at most 30) either way.

API tokens have rows too (``ApiToken``): the account page lists the live ones and revokes them one by one.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

import config
from webapp import policy
from webapp.errors import NotFound, Unauthorized, ValidationError
from webapp.models import User, utcnow
from webapp.models.security import ApiToken, LoginSession
from webapp.services import audit, throttle, transaction
from webapp.services.passwords import MIN_LENGTH, check_password_strength, user_words
from webapp.services.scope import Actor

MIN_PASSWORD_LENGTH = MIN_LENGTH
#: ``last_seen_at`` / ``last_used_at`` are written at most this often (not on every request).
TOUCH_EVERY = timedelta(minutes=1)


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _limits() -> dict[str, int]:
    return config.load_security_settings()["sessions"]


def remember_duration() -> timedelta:
    """How long a "remember me" cookie (and its login on the server) lives."""
    return timedelta(days=_limits()["remember_days"])


def open_session(
    session: Session, user: User, *, ip: str = "", user_agent: str = "", remember: bool = False
) -> str:
    """Record a new browser login of ``user``; returns the random session id for the cookie."""
    sid = secrets.token_urlsafe(24)
    now = utcnow()
    with transaction(session):
        session.add(
            LoginSession(
                user_id=user.id,
                sid_hash=_hash(sid),
                ip=(ip or "")[:64],
                user_agent=user_agent[:255],
                created_at=now,
                last_seen_at=now,
                remember=remember,
            )
        )
    return sid


def _expired(row: LoginSession, now: datetime) -> bool:
    limits = _limits()
    if row.remember:
        idle = absolute = timedelta(days=limits["remember_days"])
    else:
        idle, absolute = timedelta(minutes=limits["idle_minutes"]), timedelta(hours=limits["absolute_hours"])
    return row.created_at < now - absolute or (row.last_seen_at or row.created_at) < now - idle


def is_live(session: Session, user_id: int, sid: str) -> bool:
    """Whether this browser login still counts; an expired one is ended here, a live one marked as seen."""
    row = session.scalar(select(LoginSession).where(LoginSession.sid_hash == _hash(sid)))
    if row is None or row.user_id != user_id or row.revoked_at is not None:
        return False
    now = utcnow()
    if _expired(row, now):
        with transaction(session):
            row.revoked_at = now
        return False
    if (row.last_seen_at or row.created_at) < now - TOUCH_EVERY:
        with transaction(session):
            row.last_seen_at = now
    return True


# --- API tokens -----------------------------------------------------------------------------------------


def open_token(session: Session, user: User, *, max_age: int, ip: str = "", user_agent: str = "") -> str:
    """Record a new API token of ``user``; returns its random id (``jti``) for the signed token."""
    jti = secrets.token_urlsafe(24)
    now = utcnow()
    with transaction(session):
        session.add(
            ApiToken(
                user_id=user.id,
                jti_hash=_hash(jti),
                created_at=now,
                expires_at=now + timedelta(seconds=max_age),
                ip=(ip or "")[:64],
                user_agent=(user_agent or "")[:255],
            )
        )
    return jti


def token_is_live(session: Session, user_id: int, jti: str) -> bool:
    row = session.scalar(select(ApiToken).where(ApiToken.jti_hash == _hash(jti)))
    now = utcnow()
    if row is None or row.user_id != user_id or row.revoked_at is not None or row.expires_at < now:
        return False
    if row.last_used_at is None or row.last_used_at < now - TOUCH_EVERY:
        with transaction(session):
            row.last_used_at = now
    return True


def live_tokens(session: Session, actor: Actor) -> Sequence[ApiToken]:
    """The actor's own API tokens that still work, newest first."""
    return session.scalars(
        select(ApiToken)
        .where(
            ApiToken.user_id == (actor.user_id or -1),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at >= utcnow(),
        )
        .order_by(ApiToken.id.desc())
        .limit(50)
    ).all()


def revoke_token(session: Session, actor: Actor, token_id: int, *, ip: str = "") -> ApiToken:
    """End one API token (404 for a token the actor may not manage, so ids of others are not revealed)."""
    row = policy.require(actor, "update", session.get(ApiToken, token_id))
    with transaction(session):
        if row.revoked_at is None:
            row.revoked_at = utcnow()
        audit.record(session, actor, "revoke_token", "api_token", row.id, ip=ip, owner_id=row.user_id)
    return row


def revoke(session: Session, sid: str) -> None:
    """End one browser login (plain logout)."""
    with transaction(session):
        session.execute(
            update(LoginSession)
            .where(LoginSession.sid_hash == _hash(sid), LoginSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def _end_all(session: Session, user: User) -> None:
    """Inside the caller's transaction: every cookie and API token of ``user`` stops working."""
    user.session_version = (user.session_version or 1) + 1
    for table in (LoginSession, ApiToken):
        session.execute(
            update(table)
            .where(table.user_id == user.id, table.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def _user(session: Session, user_id: int | None) -> User:
    user = session.get(User, user_id) if user_id else None
    if user is None:
        raise NotFound()
    return user


def logout_everywhere(session: Session, actor: Actor) -> User:
    user = _user(session, actor.user_id)
    with transaction(session):
        _end_all(session, user)
        audit.record(session, actor, "logout_everywhere", "user", user.id)
    return user


def check_new_password(user: User, new: str, confirm: str) -> dict[str, str]:
    """The problems of a new password, by field (empty when it is acceptable)."""
    errors: dict[str, str] = {}
    if not new:
        errors["new_password"] = "必填：请输入新密码"
    elif len(new) < MIN_PASSWORD_LENGTH:
        errors["new_password"] = f"新密码至少{MIN_PASSWORD_LENGTH}个字符"
    elif len(new) > 128:
        errors["new_password"] = "新密码不能超过128个字符"
    elif new.isdigit():
        errors["new_password"] = "新密码不能全是数字"
    elif user.username.casefold() in new.casefold():
        errors["new_password"] = "新密码不能包含用户名"
    elif user.check_password(new):
        errors["new_password"] = "新密码不能与当前密码相同"
    else:
        try:
            check_password_strength(new, user_inputs=user_words(user))
        except ValidationError as err:
            errors["new_password"] = err.fields["password"]
    if not errors and new != confirm:
        errors["confirm_password"] = "两次输入的新密码不一致"
    return errors


def change_password(
    session: Session, actor: Actor, *, current: str, new: str, confirm: str, ip: str = ""
) -> User:
    """Set a new password after checking the current one; every older session and token ends."""
    user = _user(session, actor.user_id)
    throttle.check(session, username=user.username, ip=ip)
    if not user.check_password(current or ""):
        throttle.record(session, username=user.username, ip=ip, success=False)
        raise Unauthorized("当前密码错误", fields={"current_password": "当前密码错误"})
    throttle.record(session, username=user.username, ip=ip, success=True)
    errors = check_new_password(user, new or "", confirm or "")
    if errors:
        raise ValidationError("新密码不符合要求", fields=errors)
    with transaction(session):
        user.set_password(new)
        user.must_change_password = False
        _end_all(session, user)
        audit.record(session, actor, "password_change", "user", user.id, ip=ip)
    return user


def live_sessions(session: Session, actor: Actor) -> Sequence[LoginSession]:
    return session.scalars(
        select(LoginSession)
        .where(policy.filter_for(actor, LoginSession), LoginSession.revoked_at.is_(None))
        .order_by(LoginSession.created_at.desc())
        .limit(50)
    ).all()
