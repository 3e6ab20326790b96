"""``liudan training needs / ledger / subsidy-ledger``."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.webapp.training.training_builders import learner, staff_user, welding_order
from webapp.models import AuditLog


def test_needs_are_printed_for_the_named_account(app: Flask, db_session: Session) -> None:
    welding_order(db_session, headcount=2)
    learner(db_session)
    staff = staff_user(db_session)
    result = app.test_cli_runner().invoke(args=["training", "needs", "--user", staff.username])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("工种\t用工地") and lines[1].split("\t") == [
        "焊工",
        "江苏省苏州市",
        "2",
        "0",
        "2",
        "1",
        "1",
    ]


def test_ledgers_are_written_and_audited(app: Flask, db_session: Session, tmp_path: Path) -> None:
    staff = staff_user(db_session)
    runner = app.test_cli_runner()
    for command, name in (("ledger", "培训台账.xlsx"), ("subsidy-ledger", "补贴台账.xlsx")):
        out = tmp_path / name
        result = runner.invoke(args=["training", command, str(out), "--user", staff.username])
        assert result.exit_code == 0, result.output
        assert load_workbook(out).active.max_row == 1  # type: ignore[union-attr]
    exports = db_session.scalars(select(AuditLog.object_type).where(AuditLog.user_id == staff.id)).all()
    assert sorted(exports) == ["subsidy_ledger", "training_ledger"]


def test_unknown_account_or_region_is_refused(app: Flask, db_session: Session) -> None:
    runner = app.test_cli_runner()
    assert "没有启用的账号" in runner.invoke(args=["training", "needs", "--user", "nobody"]).output
    staff = staff_user(db_session)
    result = runner.invoke(args=["training", "needs", "--user", staff.username, "--region", "12"])
    assert result.exit_code != 0 and "未知的地区代码" in result.output
