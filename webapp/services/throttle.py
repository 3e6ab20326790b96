"""Login throttling: progressive delays, never a lock, counted atomically in the database.

Two counters slow down password guessing (``config/security.toml``, ``[login_throttle]``):

- per (username, client address): ``free_failures_per_user_address`` checks may follow each other at once;
  after that each further check must wait ``first_delay_seconds``, doubling up to ``max_delay_seconds``.
  A stranger guessing from elsewhere has a counter of their own, so the real user is never locked out;
- per client address, whatever the usernames: a larger allowance (``free_failures_per_address``), because a
  whole office may share one address behind NAT; then the same progressive delays.

A password check is *reserved* before it happens (:func:`check`): one compare-and-set UPDATE per counter
moves its count and its ``next_at`` forward, in one transaction, so parallel guesses get no more checks than
serial ones; a check that finds ``next_at`` in the future answers 429 with ``Retry-After`` and is not counted.
Failures older than ``window_seconds`` are forgotten; a success clears the (username, address) counter and
takes its own reservation back from the address counter. Every check is also logged in ``login_attempt``.

Example::

    check(session, username="zhang", ip="10.1.2.3", now=now)   # raises TooManyAttempts while delayed
    record(session, username="zhang", ip="10.1.2.3", success=False, now=now)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

import config
from webapp.errors import DomainError
from webapp.i18n import N_
from webapp.models import utcnow
from webapp.models.security import LoginAttempt, LoginThrottle
from webapp.services import transaction

#: Compare-and-set rounds before giving up under extreme contention (each lost round means another check won).
MAX_ROUNDS = 200


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_requests"

    def __init__(
        self, message: str = N_("登录失败次数过多，请稍后再试"), *, retry_after: int = 0, **kw: object
    ):
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limits:
    window_seconds: int
    free_failures_per_user_address: int
    free_failures_per_address: int
    first_delay_seconds: int
    max_delay_seconds: int

    @classmethod
    def configured(cls) -> Limits:
        return cls(**config.load_security_settings()["login_throttle"])

    def delay(self, failures: int, free: int) -> timedelta:
        """The wait before the next check after ``failures`` counted failures of a key allowed ``free``.

        >>> Limits(900, 5, 50, 30, 900).delay(4, 5), Limits(900, 5, 50, 30, 900).delay(5, 5)
        (datetime.timedelta(0), datetime.timedelta(seconds=30))
        >>> Limits(900, 5, 50, 30, 900).delay(7, 5), Limits(900, 5, 50, 30, 900).delay(40, 5)
        (datetime.timedelta(seconds=120), datetime.timedelta(seconds=900))
        """
        if failures < free:
            return timedelta(0)
        steps = min(failures - free, 30)
        return timedelta(seconds=min(self.first_delay_seconds * 2**steps, self.max_delay_seconds))


def _norm(username: str) -> str:
    return (username or "").strip()[:64]


def _keys(username: str, ip: str, limits: Limits) -> list[tuple[str, int]]:
    """The counters of a check and their free allowances: (username, address) first, then the address."""
    address = (ip or "")[:64]
    keys = [(f"u:{_norm(username)}|{address}", limits.free_failures_per_user_address)]
    if address:
        keys.append((f"a:{address}", limits.free_failures_per_address))
    return keys


def _ensure_rows(session: Session, keys: list[str], now: datetime) -> None:
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for key in keys:
        session.execute(
            insert(LoginThrottle)
            .values(key=key, failures=0, window_start=now, next_at=now)
            .on_conflict_do_nothing(index_elements=["key"])
        )


class _Contended(Exception):
    """Another check changed a counter between our read and our write: read again."""


def check(
    session: Session, *, username: str, ip: str, now: datetime | None = None, limits: Limits | None = None
) -> None:
    """Reserve one password check, or refuse it (``TooManyAttempts``, 429) while a counter's delay runs."""
    limits = limits or Limits.configured()
    now = now or utcnow()
    keys = _keys(username, ip, limits)
    with transaction(session):
        _ensure_rows(session, [k for k, _free in keys], now)
    for _round in range(MAX_ROUNDS):
        try:
            with transaction(session):
                for key, free in keys:
                    _reserve(session, key, free, now, limits)
            return
        except _Contended:
            continue
    raise TooManyAttempts(retry_after=1)


def _reserve(session: Session, key: str, free: int, now: datetime, limits: Limits) -> None:
    row = session.execute(
        select(LoginThrottle.failures, LoginThrottle.window_start, LoginThrottle.next_at).where(
            LoginThrottle.key == key
        )
    ).one()
    failures, window_start, next_at = row
    if next_at > now:
        seconds = max(int((next_at - now).total_seconds() + 0.999), 1)
        raise TooManyAttempts(fields={"password": "登录失败次数过多，请稍后再试"}, retry_after=seconds)
    if window_start < now - timedelta(seconds=limits.window_seconds):
        new_failures, new_start = 1, now
    else:
        new_failures, new_start = failures + 1, window_start
    changed = session.execute(
        update(LoginThrottle)
        .where(
            LoginThrottle.key == key,
            LoginThrottle.failures == failures,
            LoginThrottle.window_start == window_start,
            LoginThrottle.next_at == next_at,
        )
        .values(failures=new_failures, window_start=new_start, next_at=now + limits.delay(new_failures, free))
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise _Contended()


def record(
    session: Session,
    *,
    username: str,
    ip: str,
    success: bool,
    channel: str = "page",
    now: datetime | None = None,
    limits: Limits | None = None,
) -> None:
    """Log one password check (its own small transaction); a success gives the reservation back."""
    limits = limits or Limits.configured()
    now = now or utcnow()
    with transaction(session):
        session.add(
            LoginAttempt(
                at=now,
                username=_norm(username),
                ip=(ip or "")[:64],
                success=success,
                channel=channel,
            )
        )
        if success:
            keys = _keys(username, ip, limits)
            session.execute(
                update(LoginThrottle)
                .where(LoginThrottle.key == keys[0][0])
                .values(failures=0, next_at=now)
                .execution_options(synchronize_session=False)
            )
            for key, free in keys[1:]:
                # the success was not a failure: its count goes, and so does the delay it alone caused
                session.execute(
                    update(LoginThrottle)
                    .where(LoginThrottle.key == key, LoginThrottle.failures > 0)
                    .values(
                        failures=LoginThrottle.failures - 1,
                        next_at=case((LoginThrottle.failures - 1 < free, now), else_=LoginThrottle.next_at),
                    )
                    .execution_options(synchronize_session=False)
                )
