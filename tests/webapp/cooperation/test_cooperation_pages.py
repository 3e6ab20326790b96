"""Labour-cooperation pages: agreement, Excel import (with row errors), candidates with families, quotas,
batch placement, dispatch batch (printable, Excel), departure and arrival."""

from __future__ import annotations

import io
from datetime import date, timedelta

from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import PUYANG, login, make_uscc, make_user, make_worker
from tests.webapp.page_html import field_errors, text
from webapp.models import CooperationAgreement, DispatchBatch, JobOrder, Placement
from webapp.services.cooperation import IMPORT_HEADERS


def sheet(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(IMPORT_HEADERS))
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def row(title: str, headcount: object = 2, region: str = "320500") -> list[object]:
    return [
        "苏州精密机械",
        make_uscc(777001),
        title,
        "焊工",
        headcount,
        region,
        5000,
        7000,
        18,
        50,
        "电焊",
        "",
        "是",
        "是",
        "",
    ]


def test_agreement_to_arrival(client: FlaskClient, db_session: Session) -> None:
    staff = make_user(db_session, role="staff", region_code=PUYANG)
    login(client, staff)
    bad = client.post(
        "/cooperation/new", data={"name": "", "partner_region_code": "320000", "region_code": PUYANG}
    )
    assert bad.status_code == 422 and field_errors(bad.get_data(as_text=True), "name")
    resp = client.post(
        "/cooperation/new",
        data={
            "name": "濮阳—苏州劳务协作",
            "partner_region_code": "320000",
            "partner_name": "苏州市人社局",
            "starts_on": date.today().isoformat(),
            "ends_on": (date.today() + timedelta(days=200)).isoformat(),
            "region_code": PUYANG,
        },
    )
    assert resp.status_code == 302
    ag = db_session.scalar(select(CooperationAgreement))
    assert ag is not None

    template = client.get(f"/cooperation/{ag.id}/template.xlsx")
    assert load_workbook(io.BytesIO(template.data)).active["A1"].value == "企业名称"

    bad = client.post(
        f"/cooperation/{ag.id}/import",
        data={"file": (io.BytesIO(sheet([row("焊工A"), row("焊工B", headcount="两个")])), "posts.xlsx")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    page = text(bad.get_data(as_text=True))
    assert "未导入任何数据" in page and "3 E 招聘人数" in page
    assert db_session.scalar(select(func.count()).select_from(JobOrder)) == 0

    ok = client.post(
        f"/cooperation/{ag.id}/import",
        data={"file": (io.BytesIO(sheet([row("焊工A"), row("焊工B")])), "posts.xlsx")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    assert "已导入：新增 2 个、变更 0 个、未变 0 个岗位" in text(
        client.get(ok.headers["Location"]).get_data(as_text=True)
    )
    again = client.post(
        f"/cooperation/{ag.id}/import",
        data={"file": (io.BytesIO(sheet([row("焊工A"), row("焊工B")])), "posts.xlsx")},
        content_type="multipart/form-data",
    )
    assert "新增 0 个、变更 0 个、未变 2 个" in text(
        client.get(again.headers["Location"]).get_data(as_text=True)
    )
    assert db_session.scalar(select(func.count()).select_from(JobOrder)) == 2

    family = [make_worker(db_session, name=f"李家{i}", region_code="410922100001") for i in range(2)]
    single = [make_worker(db_session, name=f"单身{i}", region_code="410923201001") for i in range(3)]
    assert client.post(f"/cooperation/{ag.id}/candidates/eligible").status_code == 302
    for w in family:
        client.post(f"/cooperation/{ag.id}/candidates", data={"worker_id": str(w.id), "family_group": "李家"})
    client.post(f"/cooperation/{ag.id}/quotas", data={"quota-410923": "1"})
    page = text(client.get(f"/cooperation/{ag.id}").get_data(as_text=True))
    assert "5 人" in page and "李家" in page

    resp = client.post(f"/cooperation/{ag.id}/place", data={"method": "stable"})
    assert resp.status_code == 302
    plan = text(client.get(resp.headers["Location"]).get_data(as_text=True))
    assert "谁去哪里（3 人）" in plan and "所在县名额已满（1 人）" in plan and "空缺 1 个名额" in plan

    resp = client.post(
        f"/cooperation/{ag.id}/batches",
        data={"name": "第一批", "departure_date": date.today().isoformat(), "destination": "苏州工业园区"},
    )
    assert resp.status_code == 302
    batch = db_session.scalar(select(DispatchBatch))
    page = client.get(f"/cooperation/batches/{batch.id}").get_data(as_text=True)
    assert "组织化输出名单" in text(page) and "@media print" not in page and "fairs.css" in page
    assert all(w.id_number not in page for w in family + single)
    rows = list(
        load_workbook(io.BytesIO(client.get(f"/cooperation/batches/{batch.id}.xlsx").data)).active.iter_rows(
            values_only=True
        )
    )
    assert len(rows) == 4

    # 确认出发 shows what will happen first; a POST without the confirmation records nothing.
    summary = text(client.get(f"/cooperation/batches/{batch.id}/dispatch").get_data(as_text=True))
    assert "确认后将会" in summary and "3 人于" in summary
    client.post(f"/cooperation/batches/{batch.id}/dispatch")
    db_session.expire_all()
    assert db_session.get(DispatchBatch, batch.id).status == "planned"
    assert (
        client.post(f"/cooperation/batches/{batch.id}/dispatch", data={"confirm": "yes"}).status_code == 302
    )
    assert (
        db_session.scalar(
            select(func.count()).select_from(Placement).where(Placement.source == "cooperation")
        )
        == 3
    )
    client.post(f"/cooperation/batches/{batch.id}/arrival", data={"arrived_on": date.today().isoformat()})
    db_session.expire_all()
    assert db_session.get(DispatchBatch, batch.id).status == "arrived"


def test_other_roles_are_kept_out(client: FlaskClient, db_session: Session) -> None:
    trainer = make_user(db_session, role="trainer", region_code=None)
    login(client, trainer)
    assert client.get("/cooperation/").status_code == 403
    assert client.get("/cooperation/new").status_code == 403
