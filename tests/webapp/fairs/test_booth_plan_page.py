"""The booth plan is one form for all approved employers, kept in the same order after saving; a duplicate
booth is refused with the rule and nothing is saved."""

from __future__ import annotations

from datetime import date, timedelta

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import PUYANG, QINGFENG, login, make_employer, make_job_order, make_user
from tests.webapp.page_html import text
from webapp.models import FairParticipant
from webapp.services import fairs
from webapp.services.scope import Actor


def test_one_form_for_all_booths(client: FlaskClient, db_session: Session) -> None:
    staff = make_user(db_session, role="staff", region_code=PUYANG)
    fair = fairs.create_fair(
        db_session,
        Actor.of(staff),
        {
            "name": "春风行动",
            "kind": "spring_breeze",
            "date": (date.today() + timedelta(days=5)).isoformat(),
            "venue": "清丰",
            "region_code": PUYANG,
        },
    )
    names = ["乙企业", "甲企业", "丙企业"]
    orders = [
        make_job_order(db_session, region_code=QINGFENG, employer_id=make_employer(db_session, name=n).id)
        for n in names
    ]
    fairs.add_job_orders(db_session, Actor.of(staff), fair.id, {"job_order_ids": [o.id for o in orders]})
    parts = db_session.scalars(select(FairParticipant).order_by(FairParticipant.id)).all()
    login(client, staff)

    page = client.get(f"/fairs/{fair.id}").get_data(as_text=True)
    assert all(f'name="booth-{p.id}"' in page for p in parts)

    clash = {f"booth-{parts[0].id}": "A1", f"booth-{parts[1].id}": "A1", f"booth-{parts[2].id}": "B2"}
    resp = client.post(f"/fairs/{fair.id}/booths", data=clash, follow_redirects=True)
    assert resp.status_code == 200 and "展位号须唯一" in text(resp.get_data(as_text=True))
    db_session.expire_all()
    assert [p.booth for p in db_session.scalars(select(FairParticipant).order_by(FairParticipant.id))] == [
        ""
    ] * 3

    plan = {f"booth-{p.id}": booth for p, booth in zip(parts, ("C3", "A1", "B2"), strict=True)}
    resp = client.post(f"/fairs/{fair.id}/booths", data=plan, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "展位已保存" in text(page)
    # The rows stay in the order they were in (by booth they would read 甲, 丙, 乙).
    form = text(page[page.index('id="booth-plan"') :])
    assert sorted(names, key=form.index) == names
    db_session.expire_all()
    assert [p.booth for p in db_session.scalars(select(FairParticipant).order_by(FairParticipant.id))] == [
        "C3",
        "A1",
        "B2",
    ]
