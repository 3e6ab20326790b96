"""Through the order form, a workshop employer's (扶贫车间) order takes the workshop route unless staff pick
another route and say why; the refusal names the rule next to the field."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import PUYANG, login, make_employer, make_user
from tests.webapp.job_orders.test_job_order_pages import order_form
from tests.webapp.page_html import field_errors, text
from webapp.models import JobOrder


def test_the_order_form_defaults_a_workshop_to_the_workshop_route(
    client: FlaskClient, db_session: Session
) -> None:
    shop = make_employer(db_session, name="吴村假发车间", is_workshop=True, region_code="410923")
    login(client, make_user(db_session, role="staff", region_code=PUYANG))
    page = client.get("/job-orders/new").get_data(as_text=True)
    assert "按企业类型默认" in page
    form = order_form(employer_id=str(shop.id), region_code="410923", route="")
    resp = client.post("/job-orders/new", data=form)
    assert resp.status_code == 302, text(resp.get_data(as_text=True))
    assert db_session.scalars(select(JobOrder.route)).one() == "workshop"

    refused = client.post("/job-orders/new", data={**form, "route": "local_enterprise"})
    assert refused.status_code == 422
    assert any("扶贫车间" in m for m in field_errors(refused.get_data(as_text=True), "route_reason"))
    assert len(db_session.scalars(select(JobOrder)).all()) == 1

    reasoned = client.post(
        "/job-orders/new", data={**form, "route": "local_enterprise", "route_reason": "已转为普通企业"}
    )
    assert reasoned.status_code == 302
    db_session.expire_all()
    assert sorted(db_session.scalars(select(JobOrder.route))) == ["local_enterprise", "workshop"]
