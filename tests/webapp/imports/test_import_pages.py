"""The Excel pages: upload → preview with Chinese row errors → commit; templates; ledger downloads."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import PUYANG, login, make_employer, make_user
from tests.webapp.imports.roster import roster_rows, write_csv, write_xlsx
from tests.webapp.page_html import field_errors, text
from webapp.models import AuditLog, User, Worker

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def staff(app: Flask, db_session: Session, tmp_path: Path) -> User:
    app.config["IMPORT_UPLOAD_DIR"] = str(tmp_path / "uploads")
    return make_user(db_session, role="staff", region_code=PUYANG)


def workers(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(Worker.id))) or 0


def upload(client: FlaskClient, path: Path, kind: str = "workers", name: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        "/excel/import",
        data={"kind": kind, "file": (io.BytesIO(path.read_bytes()), name or path.name)},
        content_type="multipart/form-data",
    )


def test_upload_preview_then_commit(
    client: FlaskClient, db_session: Session, staff: User, tmp_path: Path
) -> None:
    login(client, staff)
    assert "下载模板" in text(client.get("/excel/").get_data(as_text=True))

    resp = upload(client, write_xlsx(tmp_path / "花名册.xlsx", roster_rows(30)))

    assert resp.status_code == 302
    preview = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "已处理 30 / 30 行" in text(preview) and 'data-count="created">30<' in preview
    assert 'data-status="previewed"' in preview and workers(db_session) == 0

    done = client.post(resp.headers["Location"] + "/commit")
    assert done.status_code == 302
    page = text(client.get(done.headers["Location"]).get_data(as_text=True))
    assert "导入完成：新增 30 条，更新 0 条" in page and "已导入" in page
    assert workers(db_session) == 30
    assert client.post(resp.headers["Location"] + "/commit").status_code == 409  # not twice
    assert "花名册.xlsx" in text(client.get("/excel/").get_data(as_text=True))


def test_a_file_with_errors_lists_them_and_writes_nothing(
    client: FlaskClient, db_session: Session, staff: User, tmp_path: Path
) -> None:
    rows = roster_rows(5)
    rows[1][1] = "4.10923199E+17"  # what Excel leaves in a CSV of a number-formatted ID column
    rows[3][2] = "1381234"
    login(client, staff)

    resp = upload(client, write_csv(tmp_path / "bad.csv", rows))
    page = client.get(resp.headers["Location"]).get_data(as_text=True)

    assert 'data-status="refused"' in page and "未写入任何数据" in text(page)
    table = text(page.split('id="row-errors"')[1])
    assert "3 B 身份证号码 身份证号码单元格是数字格式" in table
    assert "5 C 手机号码 手机号码应为1开头的11位数字" in table
    assert "确认导入" not in text(page)
    assert workers(db_session) == 0


def test_wrong_files_are_refused_by_the_upload_field(
    client: FlaskClient, db_session: Session, staff: User, tmp_path: Path
) -> None:
    login(client, staff)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.7")

    resp = upload(client, tmp_path / "notes.pdf")
    html = resp.get_data(as_text=True)

    assert resp.status_code == 422
    assert field_errors(html, "file") == ["只能导入 Excel（.xlsx）或 CSV（.csv）文件"]
    empty = client.post("/excel/import", data={"kind": "workers"}, content_type="multipart/form-data")
    assert empty.status_code == 422 and field_errors(empty.get_data(as_text=True), "file") == [
        "请选择要上传的文件"
    ]


def test_template_download(client: FlaskClient, staff: User) -> None:
    login(client, staff)

    resp = client.get("/excel/templates/job-orders.xlsx")

    assert resp.status_code == 200 and resp.mimetype == XLSX
    sheet = load_workbook(io.BytesIO(resp.data)).worksheets[0]
    assert sheet["A1"].value == "企业统一社会信用代码" and sheet["A2"].number_format == "@"
    assert client.get("/excel/templates/nope.xlsx").status_code == 404


def test_ledger_download_is_audited(client: FlaskClient, db_session: Session, staff: User) -> None:
    login(client, staff)

    resp = client.post(
        "/excel/ledgers", data={"kind": "follow-ups", "date_from": "2026-01-01", "date_to": "2026-06-30"}
    )

    assert resp.status_code == 200 and resp.mimetype == XLSX
    assert "attachment" in resp.headers["Content-Disposition"] and resp.headers["Cache-Control"] == "no-store"
    title = load_workbook(io.BytesIO(resp.data)).worksheets[0]["A1"].value
    assert title == "河南省濮阳市跟踪回访台账"
    assert db_session.scalar(select(AuditLog.object_id).where(AuditLog.action == "export")) == "follow-ups"
    bad = client.post("/excel/ledgers", data={"kind": "employment", "date_from": "2026-02-30"})
    assert bad.status_code == 422 and field_errors(bad.get_data(as_text=True), "date_from")


def test_only_staff_and_only_their_own_batches(
    client: FlaskClient, db_session: Session, staff: User, tmp_path: Path
) -> None:
    login(client, staff)
    location = upload(client, write_xlsx(tmp_path / "r.xlsx", roster_rows(2))).headers["Location"]
    other = FlaskClient(client.application)
    login(other, make_user(db_session, role="staff", region_code=PUYANG))
    assert other.get(location).status_code == 404
    employer = FlaskClient(client.application)
    login(
        employer,
        make_user(db_session, role="employer", region_code=None, employer_id=make_employer(db_session).id),
    )
    assert employer.get("/excel/").status_code == 403
    assert employer.get("/excel/templates/workers.xlsx").status_code == 403
