"""确认出发 shows what will happen before it happens, works without JavaScript, and records a departure plan:
no placement until the departure date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import func, select

from tests.e2e.support import LiveServer, Visitor
from webapp.extensions import db
from webapp.models import (
    CooperationAgreement,
    CooperationPost,
    DispatchBatch,
    DispatchMember,
    Employer,
    JobOrder,
    Placement,
    Worker,
)


def _planned_batch(live_server: LiveServer, departure: date) -> int:
    """An agreement with one post and a batch of two seeking workers, as batch placement would leave it."""
    with live_server.app.app_context():
        try:
            session = db.session
            employer = session.scalars(select(Employer).order_by(Employer.id)).first()
            agreement = CooperationAgreement(
                name="濮阳—苏州出发演练", partner_region_code="320000", region_code="410900"
            )
            order = JobOrder(
                employer_id=employer.id,
                title="电子装配工（出发演练）",
                occupation_code="ISCO-8219-01",
                headcount=5,
                filled=0,
                region_code="320500",
                status="open",
                route="out_of_province",
            )
            session.add_all([agreement, order])
            session.flush()
            session.add(CooperationPost(agreement_id=agreement.id, job_order_id=order.id))
            employed = select(Placement.worker_id).where(Placement.status == "active")
            people = session.scalars(
                select(Worker)
                .where(Worker.status == "seeking", Worker.id.not_in(employed))
                .order_by(Worker.id)
                .limit(2)
            ).all()
            batch = DispatchBatch(
                agreement_id=agreement.id,
                name="苏州第一批",
                departure_date=departure,
                destination="苏州工业园区",
                status="planned",
            )
            session.add(batch)
            session.flush()
            for worker in people:
                session.add(DispatchMember(batch_id=batch.id, worker_id=worker.id, job_order_id=order.id))
            session.commit()
            return batch.id
        finally:
            db.session.remove()


def test_confirming_a_departure_shows_a_summary_first_and_records_a_plan(
    open_visitor: Callable[..., Visitor], live_server: LiveServer
) -> None:
    departure = date.today() + timedelta(days=30)
    batch_id = _planned_batch(live_server, departure)
    placements_before = live_server.scalar(select(func.count()).select_from(Placement))
    visitor = open_visitor(java_script_enabled=False)
    page = visitor.page
    visitor.login("city_staff")
    visitor.goto(f"/cooperation/batches/{batch_id}")
    with page.expect_navigation():
        page.get_by_role("link", name="确认出发…").click()

    assert visitor.heading().startswith("确认出发")
    summary = page.locator("#departure-summary").inner_text()
    assert f"2 人于 {departure.isoformat()} 出发前往 苏州工业园区" in summary
    assert "现在不登记就业" in summary and "电子装配工（出发演练）" in summary
    # Going back changes nothing.
    with page.expect_navigation():
        page.get_by_role("link", name="返回，不确认").click()
    assert live_server.scalar(select(DispatchBatch.status).where(DispatchBatch.id == batch_id)) == "planned"

    visitor.goto(f"/cooperation/batches/{batch_id}/dispatch")
    with page.expect_navigation():
        page.get_by_role("button", name="确认出发").click()
    assert f"将于 {departure.isoformat()} 出发当日登记就业" in visitor.flash()
    assert "已确认出发（待出发）" in page.locator("main").inner_text()
    assert live_server.scalar(select(DispatchBatch.status).where(DispatchBatch.id == batch_id)) == "confirmed"
    assert live_server.scalar(select(func.count()).select_from(Placement)) == placements_before
    visitor.assert_clean()
