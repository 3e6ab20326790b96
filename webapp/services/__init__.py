"""Business rules and queries. Services take the session and plain values, and commit in one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """Commit what the block wrote, or roll all of it back and re-raise: nothing is half-written.

    A unique row lost to a concurrent writer (``webapp.services.conflicts``) is re-raised as its 409.
    """
    try:
        yield session
        session.commit()
    except IntegrityError as err:
        session.rollback()
        from webapp.services.conflicts import as_conflict

        conflict = as_conflict(err)
        if conflict is None:
            raise
        raise conflict from err
    except BaseException:
        session.rollback()
        raise
