"""``liudan import workers|employers|job-orders FILE [--dry-run]`` and ``liudan ledger``."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import NANLE, QINGFENG, make_user
from tests.webapp.imports.roster import roster_rows, write_xlsx
from webapp.models import AuditLog, Employer, Worker
from webapp.models.followups import ImportBatch


def count(session: Session, model: object) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0  # type: ignore[arg-type]


def test_import_then_again(app: Flask, db_session: Session, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", roster_rows(1500))
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["import", "workers", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "校验通过（未写入）：1500 行，新增 1500" in dry.stdout and count(db_session, Worker) == 0

    first = runner.invoke(args=["import", "workers", str(path)])
    second = runner.invoke(args=["import", "workers", str(path)])

    assert first.exit_code == 0 and "已导入：1500 行，新增 1500，更新 0，无变化 0" in first.stdout
    assert "导入 roster.xlsx" in first.stderr  # the progress bar
    assert second.exit_code == 0 and "新增 0，更新 0，无变化 1500" in second.stdout
    assert count(db_session, Worker) == 1500
    assert [b.status for b in db_session.scalars(select(ImportBatch))] == ["committed", "committed"]


def test_a_refused_file_exits_non_zero_and_lists_the_rows(
    app: Flask, db_session: Session, tmp_path: Path
) -> None:
    rows = roster_rows(4)
    rows[0][1] = 410923199001011234
    rows[2][6] = "火星"
    path = write_xlsx(tmp_path / "bad.xlsx", rows)

    result = app.test_cli_runner().invoke(args=["import", "workers", str(path)])

    assert result.exit_code == 1
    assert "拒绝导入 bad.xlsx：2 处错误，未写入任何数据" in result.stderr
    assert "第2行 B列「身份证号码」：身份证号码单元格是数字格式" in result.stderr
    assert "第4行 G列「外出意愿」：无效的取值，可填：本村、本乡镇、本县、本市、本省、全国" in result.stderr
    assert count(db_session, Worker) == 0
    assert db_session.scalar(select(ImportBatch.status)) == "refused"


def test_files_that_are_not_spreadsheets(app: Flask, tmp_path: Path) -> None:
    (tmp_path / "list.txt").write_text("姓名,身份证号码")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    runner = app.test_cli_runner()

    txt = runner.invoke(args=["import", "workers", str(tmp_path / "list.txt")])
    xls = runner.invoke(args=["import", "employers", str(tmp_path / "old.xls")])
    missing = runner.invoke(args=["import", "job-orders", str(tmp_path / "none.xlsx")])

    assert txt.exit_code == 1 and "只能导入 Excel（.xlsx）或 CSV（.csv）文件" in txt.stderr
    assert xls.exit_code == 1 and "另存为” .xlsx" in xls.stderr
    assert missing.exit_code == 2


def test_acting_as_a_user_keeps_their_scope(app: Flask, db_session: Session, tmp_path: Path) -> None:
    user = make_user(db_session, role="staff", region_code=QINGFENG)
    path = write_xlsx(tmp_path / "r.xlsx", roster_rows(2))

    result = app.test_cli_runner().invoke(args=["import", "workers", str(path), "--user", user.username])

    assert result.exit_code == 1 and result.stderr.count("不在您的管辖范围内") == 2
    unknown = app.test_cli_runner().invoke(args=["import", "workers", str(path), "--user", "nobody"])
    assert unknown.exit_code == 2


def test_employers_from_csv(app: Flask, db_session: Session, tmp_path: Path) -> None:
    from tests.builders import make_uscc

    path = tmp_path / "e.csv"
    path.write_text(
        f"name,uscc,region_code,is_partner\n昆山钢构,{make_uscc()},320500,true\n", encoding="utf-8"
    )

    result = app.test_cli_runner().invoke(args=["import", "employers", str(path)])

    assert result.exit_code == 0, result.output
    assert db_session.scalar(select(Employer.is_partner)) is True


def test_ledger_command(app: Flask, db_session: Session, tmp_path: Path) -> None:
    out = tmp_path / "ledger.xlsx"

    result = app.test_cli_runner().invoke(
        args=["ledger", "employment", "-o", str(out), "--region", NANLE, "--from", "2026-01-01"]
    )

    assert result.exit_code == 0, result.output
    assert load_workbook(out).worksheets[0]["A1"].value == "濮阳市南乐县就业台账"
    assert db_session.scalar(select(AuditLog.detail))["region_code"] == NANLE
    bad = app.test_cli_runner().invoke(args=["ledger", "employment", "-o", str(out), "--region", "999"])
    assert bad.exit_code == 1 and "未知的地区代码" in bad.output
