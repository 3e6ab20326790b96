"""A job order's ranked matches page: order of candidates, what staff and employers each may see."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import PUYANG, QINGFENG, login, make_job_order, make_user, make_worker
from tests.webapp.page_html import text
from webapp.models import AuditLog, JobOrder, Worker
from webapp.services.validation import mask_id_number


@pytest.fixture
def order(db_session: Session) -> JobOrder:
    """A welding order in Suzhou (the builder's default)."""
    return make_job_order(db_session, title="苏州钢构电焊工")


@pytest.fixture
def welder(db_session: Session) -> Worker:
    """赵晓权: certified welder who wants welding work anywhere (consents to share)."""
    return make_worker(db_session, name="赵晓权", phone="13800001234")


@pytest.fixture
def hairdresser(db_session: Session) -> Worker:
    """李国旗: a registered-poor hairdresser who can weld a little; did not consent to share."""
    return make_worker(
        db_session,
        name="李国旗",
        birth_date=date(1983, 3, 9),
        skills=["美发", "电焊"],
        certificates=["美发师证"],
        desired_occupations=["美发师"],
        poverty_registered=True,
        disability=True,
        consent_to_share=False,
        phone="13800005678",
    )


def test_staff_see_the_certified_welder_above_the_hairdresser(
    client: FlaskClient, db_session: Session, order: JobOrder, welder: Worker, hairdresser: Worker
) -> None:
    staff = make_user(db_session, role="staff", region_code=PUYANG)
    login(client, staff)
    resp = client.get(f"/job-orders/{order.id}/matches")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200

    assert f'href="/workers/{welder.id}"' in html
    assert f'href="/workers/{hairdresser.id}"' in html
    assert html.index("赵晓权") < html.index("李国旗")
    page = text(html)
    assert "持有焊工证" in page
    for label in ("职业/技能匹配", "证书", "距离", "工资", "志愿", "培训", "优先"):
        assert label in page
    assert "13800001234" not in html and "138****1234" in html  # staff reveal phones on the worker page
    assert welder.id_number not in html


def test_an_employer_sees_consenting_candidates_without_sensitive_data(
    client: FlaskClient, db_session: Session, order: JobOrder, welder: Worker, hairdresser: Worker
) -> None:
    hairdresser.consent_to_share = True
    db_session.commit()
    make_worker(db_session, name="王不愿", consent_to_share=False)  # a welder who did not consent
    user = make_user(db_session, role="employer", region_code=None, employer_id=order.employer_id)
    login(client, user)
    resp = client.get(f"/job-orders/{order.id}/matches")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200

    assert "赵晓权" in html and "13800001234" in html
    assert "李国旗" in html and "13800005678" in html
    assert (
        html.index("赵晓权") < html.index("差证人员") < html.index("李国旗")
    )  # no welding licence: a near miss
    assert "王不愿" not in html and "王*" not in html
    assert "/workers/" not in html
    for worker in (welder, hairdresser):
        assert worker.id_number not in html
        assert mask_id_number(worker.id_number) not in html
    page = text(html)
    assert "建档立卡" not in page and "残疾" not in page and "优先" not in page
    assert "持有焊工证" in page


def test_staff_see_only_workers_of_their_region(
    client: FlaskClient, db_session: Session, order: JobOrder, welder: Worker
) -> None:
    make_worker(db_session, name="李留朝", region_code=QINGFENG)
    staff = make_user(db_session, role="staff", region_code=QINGFENG)
    login(client, staff)
    html = client.get(f"/job-orders/{order.id}/matches").get_data(as_text=True)
    assert "李留朝" in html
    assert "赵晓权" not in html


def test_every_full_phone_shown_to_an_employer_is_audited(
    client: FlaskClient, db_session: Session, order: JobOrder, welder: Worker, hairdresser: Worker
) -> None:
    user = make_user(db_session, role="employer", region_code=None, employer_id=order.employer_id)
    login(client, user)
    html = client.get(f"/job-orders/{order.id}/matches").get_data(as_text=True)
    assert "13800001234" in html and "13800005678" not in html  # the hairdresser did not consent

    rows = db_session.scalars(select(AuditLog).where(AuditLog.user_id == user.id)).all()
    assert [(r.action, r.object_type, r.object_id, r.detail) for r in rows] == [
        ("view", "worker", str(welder.id), {"field": "phone", "job_order_id": order.id})
    ]
