"""Faults, in small sizes: eight processes writing to one SQLite file, two schedulers started at once, and an
import killed half-way. Real processes, real databases, bounded waits."""

from __future__ import annotations

import csv
import multiprocessing
import os
import signal
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from tests.webapp.security import fault_workers
from webapp import create_app
from webapp.extensions import db
from webapp.models import AuditLog, SchedulerRun, Worker

#: fork: children start in milliseconds (they build their own app and engine; forked children exit without
#: running finalizers, so the parent's pooled connections are left alone).
SPAWN = multiprocessing.get_context("fork")
WRITERS = 8
PER_WRITER = 25
WAIT = 120


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated SQLite file of its own (WAL mode, busy timeout: as ``create_app`` sets them up)."""
    from webapp.services.reference import sync_regions

    url = f"sqlite:///{tmp_path_factory.mktemp('faults') / 'liudan.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory, revision="heads")
        sync_regions(db.session)
        db.session.remove()
        db.engine.dispose()
    yield url


def _collect(processes: list[multiprocessing.process.BaseProcess], results: object, n: int) -> list[object]:
    out = [results.get(timeout=WAIT) for _ in range(n)]  # type: ignore[attr-defined]
    for p in processes:
        p.join(timeout=WAIT)
        assert p.exitcode == 0, f"process {p.pid} exited with {p.exitcode}"
    return out


def _kill_when(child: multiprocessing.process.BaseProcess, event: object, never: str) -> None:
    """Start ``child``, SIGKILL it as soon as it sets ``event`` (half-way through its work), reap it."""
    child.start()
    try:
        assert event.wait(timeout=WAIT), never  # type: ignore[attr-defined]
        os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
        child.join(timeout=WAIT)
    finally:
        if child.is_alive():
            child.kill()
    assert child.exitcode == -signal.SIGKILL


def test_eight_processes_write_to_sqlite_at_once(sqlite_url: str) -> None:
    start, results = SPAWN.Event(), SPAWN.Queue()
    processes = [
        SPAWN.Process(target=fault_workers.write_workers, args=(sqlite_url, n, PER_WRITER, start, results))
        for n in range(WRITERS)
    ]
    for p in processes:
        p.start()
    start.set()
    reports = _collect(processes, results, WRITERS)

    errors = [e for _n, errs in reports for e in errs]  # type: ignore[misc]
    assert errors == [], errors[:5]
    assert not any("database is locked" in e for e in errors)
    engine = create_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Worker)).scalar() == WRITERS * PER_WRITER
        assert (
            conn.execute(select(func.count(func.distinct(Worker.id_number)))).scalar() == WRITERS * PER_WRITER
        )
        created = conn.execute(
            select(func.count())
            .select_from(AuditLog)
            .where(AuditLog.action == "create", AuditLog.object_type == "worker")
        ).scalar()
        assert created == WRITERS * PER_WRITER
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    engine.dispose()


def test_two_schedulers_run_each_tick_once(app: Flask, db_session: Session, database_url: str) -> None:
    job = "fault_test_counter"
    first = datetime(2031, 1, 1, 4, 0)
    ticks = [(first + timedelta(days=d)).isoformat() for d in range(15)]
    start, results = SPAWN.Event(), SPAWN.Queue()
    processes = [
        SPAWN.Process(
            target=fault_workers.run_scheduler_ticks, args=(database_url, job, ticks, start, results)
        )
        for _ in range(2)
    ]
    for p in processes:
        p.start()
    start.set()
    reports = _collect(processes, results, 2)

    ran = [set(r) for _pid, r in reports]  # type: ignore[misc]
    assert ran[0] | ran[1] == set(ticks)
    assert ran[0] & ran[1] == set()  # no tick ran in both
    runs = db_session.scalar(select(func.count()).select_from(SchedulerRun).where(SchedulerRun.job == job))
    assert runs == len(ticks)
    executed = db_session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "tick"))
    assert executed == len(ticks)


def _roster(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["name", "id_number", "phone", "region_code"])
        for i in range(rows):
            data = fault_workers.worker_data(9, i)
            out.writerow([data["name"], data["id_number"], data["phone"], data["region_code"]])


def test_an_import_killed_half_way_leaves_nothing_half_written(
    app: Flask, db_session: Session, database_url: str, tmp_path: Path
) -> None:
    from webapp.services import imports
    from webapp.services.scope import Actor

    rows = imports.CHUNK * 2 + imports.CHUNK // 2
    path = tmp_path / "roster.csv"
    _roster(path, rows)
    chunk_done = SPAWN.Event()
    child = SPAWN.Process(target=fault_workers.import_then_hang, args=(database_url, str(path), chunk_done))
    _kill_when(child, chunk_done, "the import never finished its first chunk")

    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Worker)) == 0  # the chunk written is gone
    # the database is not left locked or damaged: the same file imports completely, once
    result = imports.import_file(db_session, Actor(None, "admin"), "workers", path)
    assert result.ok and result.created == rows
    again = imports.import_file(db_session, Actor(None, "admin"), "workers", path)
    assert again.ok and again.created == 0
    assert db_session.scalar(select(func.count()).select_from(Worker)) == rows


# --- a scheduler killed mid-job -------------------------------------------------------------------------------


def test_a_run_killed_mid_job_is_not_reported_as_success_and_is_retried(
    app: Flask, db_session: Session, database_url: str
) -> None:
    from webapp import scheduler

    job, tick = "fault_test_killed", datetime(2031, 2, 1, 4, 0)
    started = SPAWN.Event()
    child = SPAWN.Process(
        target=fault_workers.run_job_then_hang, args=(database_url, job, tick.isoformat(), started)
    )
    _kill_when(child, started, "the job never started")

    calls: list[str] = []

    def counted(session: Session, *, today: object) -> dict[str, int]:
        calls.append(str(today))
        return {"ran": 1}

    scheduler.JOBS[job] = (scheduler.daily(4), counted)
    try:
        listed = app.test_cli_runner().invoke(args=["scheduler", "--list"])
        line = next(ln for ln in listed.output.splitlines() if ln.startswith(job))
        assert "成功" not in line and "中断" in line, line
        # the next tick of the scheduler runs the interrupted tick again, once
        assert scheduler.retry_interrupted(app) == [job]
        assert scheduler.retry_interrupted(app) == []
    finally:
        del scheduler.JOBS[job]
    assert calls == ["2031-02-01"]
    db_session.expire_all()
    run = db_session.scalars(select(SchedulerRun).where(SchedulerRun.job == job)).one()
    assert run.finished_at is not None and run.error == "" and run.counts == {"ran": 1}


# --- races: eight writers at once -----------------------------------------------------------------------------


def _at_once(
    target: object, url: str, headers: dict[str, str], bodies: list[list[dict[str, object]]]
) -> list[object]:
    """One process per list of bodies, all starting at once; each reports ``(pid, [(status, body)])``."""
    start, results = SPAWN.Event(), SPAWN.Queue()
    processes = [SPAWN.Process(target=target, args=(url, headers, body, start, results)) for body in bodies]
    for p in processes:
        p.start()
    start.set()
    return _collect(processes, results, len(bodies))


def test_the_same_id_numbers_registered_by_eight_writers_at_once_are_one_worker_each_and_409s(
    app: Flask, db_session: Session, database_url: str
) -> None:
    """Every process posts the same ten workers in the same order: each ID number races eight ways."""
    from tests.builders import api_token, make_user

    headers = api_token(app.test_client(), make_user(db_session, role="admin", region_code=None))
    same = [fault_workers.worker_data(7, i) for i in range(10)]
    reports = _at_once(fault_workers.register_duplicate, database_url, headers, [same] * WRITERS)

    for i in range(len(same)):
        answers = [answers[i] for _pid, answers in reports]  # type: ignore[misc]
        assert sorted(status for status, _body in answers) == [201] + [409] * (WRITERS - 1), answers
        assert all("id_number" in body for status, body in answers if status == 409)
    assert db_session.scalar(select(func.count()).select_from(Worker)) == len(same)


def test_one_worker_placed_on_eight_orders_at_once_has_one_active_placement(
    app: Flask, db_session: Session, database_url: str
) -> None:
    from tests.builders import api_token, make_employer, make_job_order, make_user, make_worker
    from webapp.models import JobOrder, Placement

    headers = api_token(app.test_client(), make_user(db_session, role="admin", region_code=None))
    worker = make_worker(db_session)
    employer = make_employer(db_session)
    orders = [make_job_order(db_session, employer_id=employer.id, headcount=3).id for _ in range(WRITERS)]
    bodies = [[{"worker_id": worker.id, "job_order_id": o}] for o in orders]
    reports = _at_once(fault_workers.place_worker, database_url, headers, bodies)

    statuses = sorted(status for _pid, answers in reports for status, _body in answers)  # type: ignore[misc]
    assert statuses == [201] + [409] * (WRITERS - 1), reports
    db_session.expire_all()
    active = db_session.scalars(
        select(Placement).where(Placement.worker_id == worker.id, Placement.status == "active")
    ).all()
    assert len(active) == 1
    # nothing half-written: only the winning order counts a filled post
    filled = db_session.scalars(select(JobOrder.filled).where(JobOrder.id.in_(orders))).all()
    assert sorted(filled) == [0] * (WRITERS - 1) + [1]
