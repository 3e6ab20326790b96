"""Login sessions and the actions that end them: log out, log out everywhere, password change, disabling.

A browser login opens a ``LoginSession`` row; the signed session cookie carries its random id (only the
SHA-256 is stored). ``webapp.services.accounts.load_session_user`` accepts a cookie only while its row is
live and the user's ``session_version`` matches, so:

- logging out revokes that one row: the same cookie, replayed, is refused;
- "log out everywhere", a password change and disabling an account bump ``User.session_version`` and revoke
  every row: all cookies and every API token issued before stop working.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from webapp import policy
from webapp.errors import Forbidden, NotFound, Unauthorized, ValidationError
from webapp.models import ROLES, User, utcnow
from webapp.models.security import LoginSession
from webapp.services import audit, throttle, transaction
from webapp.services.scope import Actor
from webapp.services.workers import Page

MIN_PASSWORD_LENGTH = 10


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def open_session(session: Session, user: User, *, ip: str = "", user_agent: str = "") -> str:
    """Record a new browser login of ``user``; returns the random session id for the cookie."""
    sid = secrets.token_urlsafe(24)
    with transaction(session):
        session.add(
            LoginSession(
                user_id=user.id, sid_hash=_hash(sid), ip=(ip or "")[:64], user_agent=user_agent[:255]
            )
        )
    return sid


def is_live(session: Session, user_id: int, sid: str) -> bool:
    row = session.scalar(select(LoginSession).where(LoginSession.sid_hash == _hash(sid)))
    return row is not None and row.user_id == user_id and row.revoked_at is None


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
    session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
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
    errors = check_new_password(user, new or "", confirm or "")
    if errors:
        raise ValidationError("新密码不符合要求", fields=errors)
    with transaction(session):
        user.set_password(new)
        _end_all(session, user)
        audit.record(session, actor, "password_change", "user", user.id, ip=ip)
    return user


def set_active(session: Session, actor: Actor, user_id: int, *, active: bool, ip: str = "") -> User:
    """An administrator disables (or re-enables) an account; disabling ends all of its sessions and tokens."""
    policy.require(actor, "manage", User)
    user = _user(session, user_id)
    if user.id == actor.user_id and not active:
        raise Forbidden("不能停用自己的账号")
    with transaction(session):
        user.active = active
        if not active:
            _end_all(session, user)
        audit.record(
            session,
            actor,
            "enable_user" if active else "disable_user",
            "user",
            user.id,
            ip=ip,
            role=user.role,
        )
    return user


def live_sessions(session: Session, actor: Actor) -> Sequence[LoginSession]:
    return session.scalars(
        select(LoginSession)
        .where(policy.filter_for(actor, LoginSession), LoginSession.revoked_at.is_(None))
        .order_by(LoginSession.created_at.desc())
        .limit(50)
    ).all()


def list_users(
    session: Session, actor: Actor, *, q: str = "", role: str | None = None, page: int = 1, per_page: int = 50
) -> Page:
    policy.require(actor, "manage", User)
    stmt = select(User)
    if q:
        stmt = stmt.where(User.username.like(f"%{q}%") | User.display_name.like(f"%{q}%"))
    if role in ROLES:
        stmt = stmt.filter_by(role=role)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(User.id).offset((page - 1) * per_page).limit(per_page)).all()
    return Page(list(rows), total, page, per_page)
