"""Unique rows that two writers can race for, and the 409 each one answers when the database refuses the
second: a check before the insert cannot see a concurrent insert, so the database's constraint has the last
word and :func:`webapp.services.transaction` turns its refusal into this ``Conflict`` (never a 500).

>>> violated_columns("UNIQUE constraint failed: worker.id_number")
('worker', ('id_number',))
"""

from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError

from webapp.errors import Conflict

#: (table, columns) of a unique constraint or index → (message, {field: message}).
UNIQUE_CONFLICTS: dict[tuple[str, tuple[str, ...]], tuple[str, dict[str, str]]] = {
    ("worker", ("id_number",)): ("该身份证号码已登记", {"id_number": "该身份证号码已登记，请勿重复登记"}),
    ("placement", ("worker_id",)): ("该人员已有在岗记录，请先登记离职", {"worker_id": "已在岗"}),
}

_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)")


def violated_columns(
    message: str, *, constraint: str = "", table: str = ""
) -> tuple[str, tuple[str, ...]] | None:
    """The table and columns of a unique violation, from SQLite's message or PostgreSQL's constraint name."""
    found = _SQLITE_UNIQUE.search(message)
    if found:
        pairs = [part.strip().split(".", 1) for part in found.group(1).split(",")]
        if all(len(p) == 2 for p in pairs):
            return pairs[0][0], tuple(p[1] for p in pairs)
    if constraint and table:
        from webapp.extensions import db

        t = db.metadata.tables.get(table)
        if t is None:
            return None
        for item in [*t.constraints, *t.indexes]:
            if item.name == constraint:
                return table, tuple(c.name for c in item.columns)
    return None


def as_conflict(err: IntegrityError) -> Conflict | None:
    """The ``Conflict`` a known unique violation stands for, else ``None`` (a bug: let it surface)."""
    diag = getattr(err.orig, "diag", None)
    where = violated_columns(
        str(err.orig),
        constraint=getattr(diag, "constraint_name", None) or "",
        table=getattr(diag, "table_name", None) or "",
    )
    known = UNIQUE_CONFLICTS.get(where) if where else None
    if known is None:
        return None
    message, fields = known
    return Conflict(message, fields=fields)
