"""Migration 0008_training keeps what was recorded: certificates and results of enrolments made before it survive
the upgrade (the issuer, never asked before, stays empty) and a downgrade back to the revision before it."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.builders import make_user, make_worker
from tests.webapp.training.training_builders import actor, attend, certificate, ended_course, trainer_user
from webapp import create_app
from webapp.extensions import db
from webapp.services import training
from webapp.services.reference import sync_regions


def test_certificates_survive_the_upgrade_and_the_downgrade(tmp_path: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite3'}", "TESTING": True})
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="heads")
        sync_regions(db.session)
        session = db.session
        account = trainer_user(session)
        course = ended_course(session, account, days=1)
        worker = make_worker(session, name="旧证书")
        [row] = training.enrol(session, actor(account), course.id, {worker.id: "manual"})
        attend(session, account, course, [row.id], 1)
        training.record_result(
            session, actor(account), row.id, outcome="completed", **certificate("HG-OLD-1")
        )
        make_user(session)
        session.remove()

        downgrade(directory=directory, revision="0008_engine")  # the revision before 0008_training
        with db.engine.connect() as conn:
            kept = conn.execute(text("SELECT status, certificate_number FROM enrolment")).all()
            assert kept == [("completed", "HG-OLD-1")]
            assert "household" not in {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}

        upgrade(directory=directory, revision="heads")
        with db.engine.connect() as conn:
            after = conn.execute(
                text("SELECT status, certificate_number, certificate_issuer, certified_on FROM enrolment")
            ).all()
        assert [tuple(r[:3]) for r in after] == [("completed", "HG-OLD-1", None)] and after[0][3] is not None
        db.engine.dispose()
