"""Functions that run in child processes of the fault tests."""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta
from typing import Any

COUNTY = "410923"
VILLAGE = "410923201001"


def worker_data(process: int, i: int) -> dict[str, Any]:
    from tests.builders import id_number

    return {
        "name": f"并发{process}号{i}",
        "id_number": id_number(COUNTY, date(1960 + process * 4, 1, 1) + timedelta(days=i), i),
        "phone": f"139{process:02d}{i:06d}",
        "region_code": VILLAGE,
        "skills": ["电焊"],
    }


def write_workers(url: str, process: int, count: int, start: Any, results: Any) -> None:
    """Register ``count`` workers through the service, as fast as possible; report every error."""
    from webapp import create_app
    from webapp.extensions import db
    from webapp.services import workers
    from webapp.services.scope import Actor

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "x"})
    errors: list[str] = []
    with app.app_context():
        actor = Actor(None, "admin")
        start.wait(timeout=60)
        for i in range(count):
            try:
                workers.create_worker(db.session, actor, worker_data(process, i))
            except Exception as err:  # noqa: BLE001 - the parent asserts there were none
                errors.append(f"{type(err).__name__}: {err}")
        db.session.remove()
        db.engine.dispose()
    results.put((process, errors))


def run_scheduler_ticks(url: str, job: str, ticks: list[str], start: Any, results: Any) -> None:
    """One "scheduler": run ``job`` for each tick; report which ticks this process actually ran."""
    from webapp import create_app, scheduler
    from webapp.extensions import db
    from webapp.models import AuditLog
    from webapp.services import transaction

    def counted(session: Any, *, today: date) -> dict[str, int]:
        with transaction(session):
            session.add(AuditLog(action="tick", object_type="test", object_id=str(os.getpid()), detail={}))
        return {"ran": 1}

    scheduler.JOBS[job] = (scheduler.daily(4), counted)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "x"})
    ran: list[str] = []
    start.wait(timeout=60)
    for tick in ticks:
        moment = datetime.fromisoformat(tick)
        if scheduler.run_job(app, job, now=moment, tick=moment) is not None:
            ran.append(tick)
    with app.app_context():
        db.engine.dispose()
    results.put((os.getpid(), ran))


def import_then_hang(url: str, path: str, chunk_done: Any) -> None:
    """Import a file; after the first chunk is processed, signal the parent and wait to be killed."""
    from webapp import create_app
    from webapp.extensions import db
    from webapp.services import imports
    from webapp.services.scope import Actor

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "x"})

    def progress(rows: int) -> None:
        chunk_done.set()
        time.sleep(60)  # the parent kills this process here, mid-import

    with app.app_context():
        imports.import_file(db.session, Actor(None, "admin"), "workers", path, progress=progress)


def run_job_then_hang(url: str, job: str, tick: str, started: Any) -> None:
    """Run one tick of ``job`` (the job signals the parent and waits to be killed half-way)."""
    from webapp import create_app, scheduler

    def hanging(session: Any, *, today: date) -> dict[str, int]:
        started.set()
        time.sleep(60)  # the parent kills this process here, mid-job
        return {"ran": 1}

    scheduler.JOBS[job] = (scheduler.daily(4), hanging)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "x"})
    moment = datetime.fromisoformat(tick)
    scheduler.run_job(app, job, now=moment, tick=moment)


def register_duplicate(
    url: str, headers: dict[str, str], data: list[dict[str, Any]], start: Any, results: Any
) -> None:
    """POST these workers to the API, in order, racing the other processes that post the same ones."""
    _post_at_once(url, "/api/v1/workers", headers, data, start, results)


def place_worker(
    url: str, headers: dict[str, str], data: list[dict[str, Any]], start: Any, results: Any
) -> None:
    """POST these placements to the API, racing the other processes; report every status."""
    _post_at_once(url, "/api/v1/placements", headers, data, start, results)


def _post_at_once(
    url: str, path: str, headers: dict[str, str], bodies: list[dict[str, Any]], start: Any, results: Any
) -> None:
    from webapp import create_app
    from webapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "test-secret"})
    client = app.test_client()
    answers: list[tuple[int, str]] = []
    start.wait(timeout=60)
    for body in bodies:
        try:
            resp = client.post(path, json=body, headers=headers)
            answers.append((resp.status_code, resp.get_data(as_text=True)[:300]))
        except Exception as err:  # noqa: BLE001 - the parent asserts there were none
            answers.append((0, f"{type(err).__name__}: {err}"))
    results.put((os.getpid(), answers))
    with app.app_context():
        db.engine.dispose()
