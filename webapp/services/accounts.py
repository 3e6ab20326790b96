"""Accounts: password checks, API tokens and session invalidation."""

from __future__ import annotations

from functools import cache
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.errors import Unauthorized
from webapp.models import User

TOKEN_SALT = "liudan-api-token"


@cache
def _dummy_hash() -> str:
    return generate_password_hash("liudan-no-such-user")


def authenticate(
    session: Session, username: str, password: str, *, ip: str = "", channel: str = "page"
) -> User:
    """The user with these credentials; one vague error for both a wrong name and a wrong password.

    Throttled (``webapp.services.throttle``): too many failures for this username or address within the
    window answer 429 before the password is checked; every check is recorded in ``login_attempt``.
    """
    from webapp.services import throttle

    throttle.check(session, username=username, ip=ip)
    try:
        user = _check_credentials(session, username, password)
    except Unauthorized:
        throttle.record(session, username=username, ip=ip, success=False, channel=channel)
        raise
    throttle.record(session, username=username, ip=ip, success=True, channel=channel)
    return user


def _check_credentials(session: Session, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None:
        # Spend the same time as a real check so response times do not reveal which usernames exist.
        check_password_hash(_dummy_hash(), password or "")
        raise Unauthorized("用户名或密码错误", fields={"password": "用户名或密码错误"})
    if not user.check_password(password or "") or not user.active:
        raise Unauthorized("用户名或密码错误", fields={"password": "用户名或密码错误"})
    return user


def issue_token(
    session: Session, secret_key: str, user: User, *, max_age: int, ip: str = "", user_agent: str = ""
) -> str:
    """A signed API token of ``user`` that carries the id of its ``ApiToken`` row (listed, revocable)."""
    from webapp.services import sessions

    jti = sessions.open_token(session, user, max_age=max_age, ip=ip, user_agent=user_agent)
    return URLSafeTimedSerializer(secret_key, salt=TOKEN_SALT).dumps(
        {"uid": user.id, "v": user.session_version, "jti": jti}
    )


def user_from_token(session: Session, secret_key: str, token: str, *, max_age: int) -> User:
    try:
        data: Any = URLSafeTimedSerializer(secret_key, salt=TOKEN_SALT).loads(token, max_age=max_age)
    except SignatureExpired:
        raise Unauthorized("访问令牌已过期，请重新获取") from None
    except BadSignature:
        raise Unauthorized("访问令牌无效") from None
    from webapp.services import sessions

    user = session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or not user.active or user.session_version != data.get("v"):
        raise Unauthorized("访问令牌已失效，请重新获取")
    jti = data.get("jti")
    if not isinstance(jti, str) or not sessions.token_is_live(session, user.id, jti):
        raise Unauthorized("访问令牌已失效，请重新获取")
    return user


def load_session_user(session: Session, user_id: str) -> User | None:
    """Flask-Login's loader: ``"<user id>:<session version>:<login session id>"``.

    Bumping the version ends every session of the user; revoking the login session (logout) ends this one
    (see ``webapp.services.sessions``), so a copied cookie replayed after either is refused.
    """
    from webapp.services import sessions

    try:
        uid_text, version_text, sid = user_id.split(":", 2)
        uid, version = int(uid_text), int(version_text)
    except ValueError:
        return None
    user = session.get(User, uid)
    if user is None or user.session_version != version or not user.active:
        return None
    if not sid or not sessions.is_live(session, uid, sid):
        return None
    return user
