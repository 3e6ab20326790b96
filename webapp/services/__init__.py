"""Business rules and queries. Services take the session and plain values, and commit in one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """Commit what the block wrote, or roll all of it back and re-raise: nothing is half-written."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
