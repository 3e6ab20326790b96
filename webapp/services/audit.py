"""The append-only audit log of personal-data reads, exports and permission changes."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from webapp.models import AuditLog
from webapp.services.scope import Actor


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: object = "",
    *,
    ip: str = "",
    **detail: Any,
) -> AuditLog:
    """Add an audit row to the session; the caller's transaction commits it with the rest."""
    row = AuditLog(
        user_id=actor.user_id if actor else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail,
        ip=ip,
    )
    session.add(row)
    return row
