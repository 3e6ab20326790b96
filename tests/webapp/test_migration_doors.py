"""Migration 0008_doors moves what was recorded into the new structures, losing nothing: placements booked by
an early 确认出发 become a departure plan again, duplicated booths stay distinct, workshop orders take the
workshop route and public-welfare occupations become public-welfare posts."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_migrate import upgrade

from tests.builders import id_number, make_uscc, occupation_code
from webapp import create_app
from webapp.extensions import db
from webapp.services.reference import sync_regions

NOW = datetime(2026, 1, 5, 9, 0)


def _insert(conn: sa.Connection, table: str, **values: Any) -> int:
    """Insert a row at the old schema, filling NOT NULL columns the test does not care about."""
    meta = sa.MetaData()
    t = sa.Table(table, meta, autoload_with=conn)
    row = dict(values)
    for col in t.columns:
        if col.name in row or col.nullable or col.primary_key or col.server_default is not None:
            continue
        kind = col.type
        row[col.name] = (
            False
            if isinstance(kind, sa.Boolean)
            else 0
            if isinstance(kind, (sa.Integer, sa.Float))
            else NOW
            if isinstance(kind, sa.DateTime)
            else NOW.date()
            if isinstance(kind, sa.Date)
            else json.dumps([])
            if isinstance(kind, sa.JSON)
            else ""
        )
    return int(conn.execute(t.insert().values(**row)).inserted_primary_key[0])


def test_early_dispatches_become_departure_plans_and_nothing_is_lost(tmp_path: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite3'}", "TESTING": True})
    future, past = date.today() + timedelta(days=20), date.today() - timedelta(days=3)
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0007_merge")
        sync_regions(db.session)
        with db.engine.begin() as conn:
            partner = _insert(conn, "employer", name="苏州厂", uscc=make_uscc(), region_code="320500")
            workshop = _insert(
                conn, "employer", name="吴村车间", uscc=make_uscc(), region_code="410923", is_workshop=True
            )
            order = _insert(
                conn,
                "job_order",
                employer_id=partner,
                title="装配工",
                occupation_code=occupation_code("焊工"),
                headcount=5,
                filled=2,
                region_code="320500",
                status="open",
                route="out_of_province",
            )
            shop_order = _insert(
                conn,
                "job_order",
                employer_id=workshop,
                title="缝纫工",
                occupation_code=occupation_code("缝纫工"),
                headcount=5,
                region_code="410923",
                status="open",
                route="local_enterprise",
            )
            welfare = _insert(
                conn,
                "job_order",
                employer_id=workshop,
                title="护林",
                occupation_code=occupation_code("护林员"),
                headcount=2,
                region_code="410923",
                status="open",
                route="public_welfare",
            )
            agreement = _insert(
                conn, "cooperation_agreement", name="协议", partner_region_code="320000", region_code="410900"
            )
            batches, workers, placements = [], [], []
            for day in (future, past):
                batch = _insert(
                    conn,
                    "dispatch_batch",
                    agreement_id=agreement,
                    name=f"批次{day}",
                    departure_date=day,
                    destination="苏州",
                    status="departed",
                    departed_at=NOW,
                )
                worker = _insert(
                    conn,
                    "worker",
                    name="外出",
                    id_number=id_number(),
                    region_code="410923201001",
                    birth_date=date(1990, 1, 1),
                    sex="M",
                    status="employed",
                    mobility="national",
                )
                placement = _insert(
                    conn,
                    "placement",
                    worker_id=worker,
                    job_order_id=order,
                    employer_id=partner,
                    route="out_of_province",
                    region_code="320500",
                    start_date=day,
                    status="active",
                    source="cooperation",
                )
                _insert(
                    conn, "follow_up", placement_id=placement, worker_id=worker, visit_key="m1", due_on=day
                )
                _insert(
                    conn,
                    "dispatch_member",
                    batch_id=batch,
                    worker_id=worker,
                    job_order_id=order,
                    placement_id=placement,
                )
                batches.append(batch)
                workers.append(worker)
                placements.append(placement)
            fair = _insert(conn, "fair", name="春风", kind="spring", date=future, region_code="410923")
            booths = [
                _insert(conn, "fair_participant", fair_id=fair, employer_id=e, status="approved", booth="A1")
                for e in (partner, workshop)
            ]
        upgrade(directory=directory, revision="heads")
        with db.engine.connect() as conn:

            def one(sql: str, **params: Any) -> Any:
                return conn.execute(sa.text(sql), params).one()

            assert one("SELECT status, departed_at FROM dispatch_batch WHERE id = :i", i=batches[0]) == (
                "confirmed",
                None,
            )
            assert one("SELECT status FROM dispatch_batch WHERE id = :i", i=batches[1]) == ("departed",)
            assert one("SELECT count(*) FROM dispatch_member") == (2,)
            assert conn.execute(sa.text("SELECT id FROM placement")).scalars().all() == [placements[1]]
            assert one("SELECT count(*) FROM follow_up") == (1,)
            assert one("SELECT placement_id FROM dispatch_member WHERE batch_id = :b", b=batches[0]) == (
                None,
            )
            assert one("SELECT status FROM worker WHERE id = :w", w=workers[0]) == ("seeking",)
            assert one("SELECT status FROM worker WHERE id = :w", w=workers[1]) == ("employed",)
            assert one("SELECT filled FROM job_order WHERE id = :o", o=order) == (1,)
            assert one("SELECT route FROM job_order WHERE id = :o", o=shop_order) == ("workshop",)
            assert one("SELECT public_welfare FROM job_order WHERE id = :o", o=welfare)[0] in (True, 1)
            assert sorted(
                conn.execute(
                    sa.text("SELECT booth FROM fair_participant WHERE id IN (:a, :b)"),
                    {"a": booths[0], "b": booths[1]},
                ).scalars()
            ) == ["A1", "A1-2"]
        db.engine.dispose()
