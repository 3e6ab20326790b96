"""防返贫 monitoring pages: put a household under monitoring, find it among those due, record a visit, clear it."""

from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient
from flask_babel import refresh
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import NANLE, QINGFENG, WUCUN, login, make_employer, make_user, make_worker
from tests.webapp.page_html import text
from webapp.models.households import Household


def test_staff_monitor_a_household_from_the_pages(client: FlaskClient, db_session: Session) -> None:
    staff = make_user(db_session, role="staff", region_code=NANLE)
    head = make_worker(db_session, name="李建军")
    son = make_worker(db_session, name="李小军", status="employed")
    login(client, staff)

    form = client.get("/households/new").get_data(as_text=True)
    assert "脱贫不稳定户" in form and "因病" in form
    resp = client.post(
        "/households/new",
        data={
            "head_name": "李建军",
            "region_code": WUCUN,
            "category": "unstable",
            "left_poverty_year": "2019",
            "risk_flags": ["illness", "income_drop"],
            "members": f"{head.id_number}, {son.id}",
        },
    )
    assert resp.status_code == 302, text(resp.get_data(as_text=True))
    household = db_session.scalar(select(Household))
    assert household is not None and [m.relation for m in household.members] == ["head", "other"]

    listed = text(client.get("/households/").get_data(as_text=True))
    assert "李建军" in listed and "即将到期" in listed  # first visit due today
    page = client.get(f"/households/{household.id}").get_data(as_text=True)
    assert "李小军" in text(page) and "在岗" in text(page)
    visited = client.post(
        f"/households/{household.id}",
        data={"visited_on": date.today().isoformat(), "risk_flags": ["illness"], "note": "已申请医疗救助"},
        follow_redirects=True,
    )
    assert "已登记走访" in text(visited.get_data(as_text=True))
    db_session.refresh(household)
    assert household.risk_flags == ["illness"] and household.last_visited_on == date.today()

    bad = client.post(
        "/households/new", data={"head_name": "王五", "region_code": WUCUN, "category": "unstable"}
    )
    assert bad.status_code == 422 and "脱贫不稳定户须填写脱贫年度" in text(bad.get_data(as_text=True))

    empty = client.post(
        f"/households/{household.id}/clear", data={"cleared_reason": ""}, follow_redirects=True
    )
    assert "解除监测（风险消除）须填写原因" in text(empty.get_data(as_text=True))
    client.post(f"/households/{household.id}/clear", data={"cleared_reason": "两人稳定务工"})
    db_session.refresh(household)
    assert (household.status, household.cleared_reason) == ("cleared", "两人稳定务工")

    refresh()  # the test's app context keeps the locale Flask-Babel chose: forget it, as a new request would
    english = text(client.get("/households/?lang=en&tab=cleared").get_data(as_text=True))
    assert "Unstable household out of poverty" in english


def test_other_counties_and_employers_do_not_see_households(client: FlaskClient, db_session: Session) -> None:
    staff = make_user(db_session, role="staff", region_code=NANLE)
    login(client, staff)
    client.post(
        "/households/new",
        data={"head_name": "李建军", "region_code": WUCUN, "category": "marginal"},
    )
    household = db_session.scalar(select(Household))
    assert household is not None
    client.post("/auth/logout")
    login(client, make_user(db_session, role="staff", region_code=QINGFENG))
    assert client.get(f"/households/{household.id}").status_code == 404
    assert "李建军" not in text(client.get("/households/?tab=monitored").get_data(as_text=True))
    client.post("/auth/logout")
    employer = make_employer(db_session)
    login(client, make_user(db_session, role="employer", region_code=None, employer_id=employer.id))
    assert client.get(f"/households/{household.id}").status_code == 404
    assert "防返贫监测" not in text(client.get("/").get_data(as_text=True))


def test_the_follow_up_page_reminds_of_households_due(client: FlaskClient, db_session: Session) -> None:
    staff = make_user(db_session, role="staff", region_code=NANLE)
    login(client, staff)
    assert "防返贫监测户" not in text(client.get("/placements/follow-ups").get_data(as_text=True))
    client.post("/households/new", data={"head_name": "李建军", "region_code": WUCUN, "category": "marginal"})
    page = text(client.get("/placements/follow-ups").get_data(as_text=True))
    assert "防返贫监测户：1 户即将到期走访，0 户已逾期。" in page
