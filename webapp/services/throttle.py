"""Login throttling, in the database so that every web worker (and every server) counts the same failures.

A username that failed ``max_failures_per_username`` times within the window (since its last success), or a
client address that failed ``max_failures_per_ip`` times within the window (whatever usernames it tried), is
refused with 429 before its password is even checked, until the window has passed. Pages and the API token
endpoint share the counts.

Example::

    check(session, username="zhang", ip="10.1.2.3", now=now)          # raises TooManyAttempts when locked
    record(session, username="zhang", ip="10.1.2.3", success=False, now=now)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import config
from webapp.errors import DomainError
from webapp.models import utcnow
from webapp.models.security import LoginAttempt
from webapp.services import transaction


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_requests"

    def __init__(self, message: str = "登录失败次数过多，请稍后再试", *, retry_after: int = 0, **kw: object):
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limits:
    window_seconds: int
    max_failures_per_username: int
    max_failures_per_ip: int

    @classmethod
    def configured(cls) -> Limits:
        return cls(**config.load_security_settings()["login_throttle"])


def _norm(username: str) -> str:
    return (username or "").strip()[:64]


def check(
    session: Session, *, username: str, ip: str, now: datetime | None = None, limits: Limits | None = None
) -> None:
    """Refuse (``TooManyAttempts``, 429) when this username or this address is locked; otherwise return."""
    limits = limits or Limits.configured()
    now = now or utcnow()
    since = now - timedelta(seconds=limits.window_seconds)
    name = _norm(username)
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == name, LoginAttempt.success.is_(True), LoginAttempt.at >= since
        )
    )
    user_failures = session.execute(
        select(func.count(LoginAttempt.id), func.min(LoginAttempt.at)).where(
            LoginAttempt.username == name,
            LoginAttempt.success.is_(False),
            LoginAttempt.at >= max(since, last_success) if last_success else LoginAttempt.at >= since,
        )
    ).one()
    if user_failures[0] >= limits.max_failures_per_username:
        raise _locked(user_failures[1], now, limits)
    if ip:
        ip_failures = session.execute(
            select(func.count(LoginAttempt.id), func.min(LoginAttempt.at)).where(
                LoginAttempt.ip == ip[:64], LoginAttempt.success.is_(False), LoginAttempt.at >= since
            )
        ).one()
        if ip_failures[0] >= limits.max_failures_per_ip:
            raise _locked(ip_failures[1], now, limits)


def _locked(first: datetime | None, now: datetime, limits: Limits) -> TooManyAttempts:
    free_at = (first or now) + timedelta(seconds=limits.window_seconds)
    seconds = max(int((free_at - now).total_seconds()) + 1, 1)
    minutes = -(-seconds // 60)
    return TooManyAttempts(
        f"登录失败次数过多，请{minutes}分钟后再试",
        fields={"password": "登录失败次数过多"},
        retry_after=seconds,
    )


def record(
    session: Session,
    *,
    username: str,
    ip: str,
    success: bool,
    channel: str = "page",
    now: datetime | None = None,
) -> None:
    """Store one password check (its own small transaction: a failure counts even if nothing else happens)."""
    with transaction(session):
        session.add(
            LoginAttempt(
                at=now or utcnow(),
                username=_norm(username),
                ip=(ip or "")[:64],
                success=success,
                channel=channel,
            )
        )
