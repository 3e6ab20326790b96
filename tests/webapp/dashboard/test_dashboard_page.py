"""The dashboard's counts, within the viewer's region."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import NANLE, QINGFENG, login, make_job_order, make_user, make_worker


def stat(html: str, label: str) -> int:
    found = re.search(
        rf'<div class="text-muted small">{re.escape(label)}</div>\s*<div class="display-6" data-stat="\d+">(\d+)</div>',
        html,
    )
    assert found, label
    return int(found.group(1))


def test_dashboard_counts_what_the_staff_member_sees(client: FlaskClient, db_session: Session) -> None:
    make_worker(db_session, name="甲", poverty_registered=True)
    make_worker(db_session, name="乙", poverty_registered=False, status="employed")
    make_worker(db_session, name="丙", region_code=QINGFENG)  # another county
    make_job_order(db_session, headcount=5, filled=1)
    make_job_order(db_session, status="closed")
    staff = make_user(db_session, role="staff", region_code=NANLE)
    login(client, staff)

    html = client.get("/").get_data(as_text=True)
    assert stat(html, "登记求职人员") == 2
    assert stat(html, "正在求职") == 1
    assert stat(html, "建档立卡劳动力") == 1
    assert stat(html, "已就业") == 1
    assert stat(html, "在招岗位订单") == 1
    assert stat(html, "待招人数") == 4
    assert stat(html, "用工企业") == 2


def test_an_employer_sees_only_its_own_orders_counted(client: FlaskClient, db_session: Session) -> None:
    mine = make_job_order(db_session, headcount=3)
    make_job_order(db_session, headcount=9)
    make_worker(db_session)
    user = make_user(db_session, role="employer", region_code=None, employer_id=mine.employer_id)
    login(client, user)

    html = client.get("/").get_data(as_text=True)
    assert stat(html, "在招岗位订单") == 1
    assert stat(html, "待招人数") == 3
    assert "登记求职人员" not in html  # worker counts are for staff only
