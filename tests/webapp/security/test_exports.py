"""Excel exports (the ledgers): ID numbers and phones masked unless the exporter asks and may see them in full;
a full export is audited; nobody exports workers outside their region; employers and trainers export nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.webapp.security.support import (
    ROLES,
    World,
    audit_rows_after,
    body_text,
    changed_tables,
    full_id_numbers,
    last_audit_id,
    snapshot,
)
from webapp.models import Placement
from webapp.services import ledgers

KINDS = [key for key, _title in ledgers.ledger_options()]


def _placements(session: Session, world: World) -> None:
    for worker in world.workers.values():
        session.add(
            Placement(
                worker_id=worker.id,
                employer_name="自主创业",
                route="local_enterprise",
                region_code=worker.region_code[:6],
                start_date=date.today() - timedelta(days=10),
                wage=4000,
            )
        )
    session.commit()


@pytest.mark.parametrize("role", ROLES)
def test_ledger_exports_mask_unless_asked_and_stay_in_scope(
    app: Flask, db_session: Session, world: World, as_role: Any, role: str
) -> None:
    _placements(db_session, world)
    who = as_role(role)
    in_scope = {
        w.id_number for key, w in world.workers.items() if w.id not in world.out_of_scope(role, "worker")
    }
    with app.test_request_context():
        url = url_for("imports.ledger")
    before, mark = snapshot(db_session), last_audit_id(db_session)
    full_exports = 0
    for kind in KINDS:
        for full in (False, True):
            data = {"kind": kind, **({"full_ids": "y"} if full else {})}
            resp = who.page.post(url, data=data)
            shown = full_id_numbers(body_text(resp), world.id_numbers())
            where = f"{role} {kind} full={full} → {resp.status_code}"
            if role in ("employer_a", "employer_b", "trainer"):
                assert resp.status_code in (403, 404), where
            if not full:
                assert shown == set(), where
            else:
                assert shown <= in_scope, f"{where}: exported out-of-scope IDs {shown - in_scope}"
                if shown:
                    full_exports += 1
    if role in ("admin", "city_staff"):
        assert full_exports >= 1, "the employment ledger exported the placed workers in full"
    assert changed_tables(before, snapshot(db_session)) == []
    exports = [r for r in audit_rows_after(db_session, mark) if r.action == "export"]
    assert sum(1 for r in exports if r.detail.get("full_ids")) >= full_exports
    assert all(r.user_id == who.user.id for r in exports)


def test_placement_rows_are_there(db_session: Session, world: World) -> None:
    _placements(db_session, world)
    assert len(db_session.scalars(select(Placement)).all()) == len(world.workers)
