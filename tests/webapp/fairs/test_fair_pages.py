"""Fair pages end to end: create, add orders, join requests, shortlists, village lists and letters with QR,
check-in (search, token URL, walk-in), booth outcomes and the report with its SVG chart and Excel file."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import (
    PUYANG,
    QINGFENG,
    id_number,
    login,
    make_employer,
    make_job_order,
    make_user,
    make_worker,
)
from tests.webapp.page_html import field_errors, text
from webapp.models import Fair, FairCheckIn, FairParticipant, Placement, ShortlistEntry, User, Worker
from webapp.services import fairs

VILLAGE = "410922100001"


@pytest.fixture
def staff(db_session: Session) -> User:
    return make_user(db_session, role="staff", region_code=PUYANG)


def create_fair(client: FlaskClient, **over: str) -> int:
    data = {
        "name": "春风行动·清丰专场",
        "kind": "spring_breeze",
        "date": (date.today() + timedelta(days=3)).isoformat(),
        "venue": "清丰县人力资源市场",
        "region_code": PUYANG,
        "description": "",
    }
    data.update(over)
    resp = client.post("/fairs/new", data=data)
    assert resp.status_code == 302, text(resp.get_data(as_text=True))
    return int(resp.headers["Location"].rsplit("/", 1)[1])


def test_the_whole_fair_flow(client: FlaskClient, db_session: Session, staff: User) -> None:
    order = make_job_order(db_session, region_code=QINGFENG, title="清丰钢构焊工", headcount=3)
    people = [make_worker(db_session, region_code=VILLAGE, name=f"焊工{i}") for i in range(4)]
    login(client, staff)
    assert "新建招聘会" in text(client.get("/fairs/").get_data(as_text=True))
    fair_id = create_fair(client)
    resp = client.post(f"/fairs/{fair_id}/orders", data={"job_order_ids": f"{order.id}，999999"})
    assert "不存在的岗位" in text(client.get(resp.headers["Location"]).get_data(as_text=True))
    client.post(f"/fairs/{fair_id}/orders", data={"job_order_ids": str(order.id)})
    page = text(client.get(f"/fairs/{fair_id}").get_data(as_text=True))
    assert "清丰钢构焊工" in page

    resp = client.post(
        f"/fairs/{fair_id}/shortlists", data={"per_order": "3", "max_invitations_per_worker": "1"}
    )
    assert resp.status_code == 302
    page = text(client.get(f"/fairs/{fair_id}/shortlists").get_data(as_text=True))
    assert "已生成邀约名单" in page and "符合条件但未获邀约：1 人" in page

    villages = text(client.get(f"/fairs/{fair_id}/invitations").get_data(as_text=True))
    assert "邀约 3 人" in villages
    html = client.get(f"/fairs/{fair_id}/invitations?village={VILLAGE}").get_data(as_text=True)
    invited = db_session.scalars(select(ShortlistEntry)).all()
    first = next(p for p in people if p.id == invited[0].worker_id)
    assert first.phone in html  # city staff cover the village: full phone
    assert first.id_number not in html and fairs.mask_id_number(first.id_number) in html
    assert "@media print" in client.get("/static/css/fairs.css").get_data(as_text=True)

    resp = client.post(
        f"/fairs/invitations/{invited[0].id}/contact", data={"reached": "1", "answer": "will_attend"}
    )
    assert resp.status_code == 302
    xlsx = client.get(f"/fairs/{fair_id}/invitations.xlsx?village={VILLAGE}")
    assert xlsx.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    assert len(rows) == 4 and "愿意参加" in {r[9] for r in rows}

    letters = client.get(f"/fairs/{fair_id}/letters?village={VILLAGE}").get_data(as_text=True)
    assert letters.count('class="letter"') == 3 and letters.count("<svg") >= 3
    token = fairs.invitation_token("test-secret", fair_id, first.id)
    assert first.name in text(letters)

    # Three days before the fair a check-in is refused with the rule, and nothing is recorded.
    early = client.post(f"/fairs/{fair_id}/checkin/t/{token}", follow_redirects=True)
    assert "签到和现场结果只能在招聘会当天登记" in text(early.get_data(as_text=True))
    assert db_session.scalars(select(FairCheckIn)).all() == []
    db_session.get(Fair, fair_id).date = date.today()  # the fair's day
    db_session.commit()

    confirm = client.get(f"/fairs/{fair_id}/checkin/t/{token}")
    assert first.name in text(confirm.get_data(as_text=True))
    assert client.post(f"/fairs/{fair_id}/checkin/t/{token}").status_code == 302
    assert client.post(f"/fairs/{fair_id}/checkin/t/{token}x").status_code == 422
    found = text(client.get(f"/fairs/{fair_id}/checkin?q={people[3].phone}").get_data(as_text=True))
    assert people[3].name in found
    client.post(f"/fairs/{fair_id}/checkin/{people[3].id}", data={"method": "phone"})
    assert "没有找到此人" in text(
        client.get(f"/fairs/{fair_id}/checkin?q=13000000000").get_data(as_text=True)
    )
    bad = client.get(f"/fairs/{fair_id}/checkin?q=hello")
    assert bad.status_code == 422 and "无法识别" in text(bad.get_data(as_text=True))

    walk = client.post(
        f"/fairs/{fair_id}/walk-in",
        data={"name": "现场来客", "id_number": "410922", "phone": "13612340000", "region_code": VILLAGE},
    )
    assert walk.status_code == 422 and field_errors(walk.get_data(as_text=True), "id_number")
    walk = client.post(
        f"/fairs/{fair_id}/walk-in",
        data={
            "name": "现场来客",
            "id_number": id_number(QINGFENG, date(1985, 1, 2)),
            "phone": "13612340000",
            "region_code": VILLAGE,
            "skills": "电焊",
            "mobility": "city",
        },
    )
    assert walk.status_code == 302
    walker = db_session.scalar(select(Worker).where(Worker.name == "现场来客"))
    assert db_session.scalar(select(FairCheckIn.walk_in).where(FairCheckIn.worker_id == walker.id)) is True

    booth = text(client.get(f"/fairs/{fair_id}/booths/{order.id}").get_data(as_text=True))
    assert first.name in booth and "现场来客" in booth
    client.post(
        f"/fairs/{fair_id}/booths/{order.id}/outcome", data={"worker_id": first.id, "outcome": "hired"}
    )
    client.post(
        f"/fairs/{fair_id}/booths/{order.id}/outcome", data={"worker_id": walker.id, "outcome": "offer"}
    )
    placement = db_session.scalar(select(Placement))
    assert (placement.worker_id, placement.source) == (first.id, "fair")

    report = client.get(f"/fairs/{fair_id}/report").get_data(as_text=True)
    assert "<svg" in report and "达成意向" in report and "清丰县" in report
    assert "http://" not in report.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )
    sheet = load_workbook(io.BytesIO(client.get(f"/fairs/{fair_id}/report.xlsx").data))["按县区"]
    assert list(sheet.iter_rows(values_only=True))[-1] == ("合计", 3, 3, 2, 2, 1)


def test_fair_form_shows_field_errors(client: FlaskClient, staff: User) -> None:
    login(client, staff)
    resp = client.post(
        "/fairs/new",
        data={"name": "", "kind": "spring_breeze", "date": "明天", "venue": "x", "region_code": PUYANG},
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert field_errors(html, "name") and field_errors(html, "date")


def test_employer_asks_to_join_and_staff_approve_with_a_booth(
    client: FlaskClient, db_session: Session, staff: User
) -> None:
    employer = make_employer(db_session, name="濮阳食品厂")
    order = make_job_order(db_session, employer_id=employer.id, title="包装工")
    boss = make_user(db_session, role="employer", region_code=None, employer_id=employer.id)
    login(client, staff)
    fair_id = create_fair(client)
    client.post("/auth/logout")
    login(client, boss)
    page = text(client.get(f"/fairs/{fair_id}").get_data(as_text=True))
    assert "申请参会" in page and "包装工" in page
    assert client.post(f"/fairs/{fair_id}/join", data={"job_order_ids": [str(order.id)]}).status_code == 302
    assert client.get(f"/fairs/{fair_id}/report").status_code == 403
    client.post("/auth/logout")
    login(client, staff)
    part = db_session.scalar(select(FairParticipant))
    assert "待审核" in text(client.get(f"/fairs/{fair_id}").get_data(as_text=True))
    client.post(f"/fairs/participants/{part.id}/decide", data={"decision": "approve", "booth": "B-07"})
    page = text(client.get(f"/fairs/{fair_id}").get_data(as_text=True))
    assert "B-07" in page and "包装工" in page


def test_county_staff_cannot_manage_a_city_fair(
    client: FlaskClient, db_session: Session, staff: User
) -> None:
    login(client, staff)
    fair_id = create_fair(client)
    county = make_user(db_session, role="staff", region_code=QINGFENG)
    client.post("/auth/logout")
    login(client, county)
    assert client.get(f"/fairs/{fair_id}").status_code == 200
    assert client.get(f"/fairs/{fair_id}/edit").status_code == 403
    assert client.post(f"/fairs/{fair_id}/shortlists", data={}).status_code == 403
    assert db_session.get(Fair, fair_id).shortlisted_at is None
