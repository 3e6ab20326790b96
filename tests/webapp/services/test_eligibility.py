"""Eligibility at every door: public-welfare posts only for registered-poor, disabled or hard-to-employ workers
(pages, API, fair outcomes, dispatch); a public-welfare occupation makes a public-welfare order; a workshop
employer's orders and placements take the workshop route unless staff choose otherwise with a reason."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import (
    PUYANG,
    api_token,
    make_employer,
    make_job_order,
    make_user,
    make_worker,
    occupation_code,
)
from webapp.errors import DomainError, Forbidden, ValidationError
from webapp.models import FairCheckIn, FairOutcome, JobOrder, Placement, Worker
from webapp.services import cooperation, fairs, imports, job_orders, workers
from webapp.services.placements import record_placement
from webapp.services.scope import Actor

CITY = Actor(user_id=None, role="staff", region_code=PUYANG)
RULE = "公益性岗位仅限建档立卡贫困人员、残疾人或就业困难人员"


def welfare_order(session: Session) -> JobOrder:
    return make_job_order(
        session,
        title="护林员",
        occupation_code=occupation_code("护林员"),
        region_code="410923",
        route="public_welfare",
        public_welfare=True,
    )


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize(
    ("flags", "allowed"),
    [
        ({}, False),
        ({"poverty_registered": True}, True),
        ({"disability": True}, True),
        ({"hard_to_employ": "older_unemployed"}, True),
    ],
)
def test_the_placement_service_admits_only_eligible_workers(
    db_session: Session, flags: dict[str, object], allowed: bool
) -> None:
    order = welfare_order(db_session)
    worker = make_worker(db_session, **{"poverty_registered": False, **flags})
    if allowed:
        record_placement(db_session, CITY, {"worker_id": worker.id, "job_order_id": order.id})
        assert count(db_session, Placement) == 1
        return
    with pytest.raises(ValidationError) as err:
        record_placement(db_session, CITY, {"worker_id": worker.id, "job_order_id": order.id})
    assert RULE in err.value.message and err.value.fields["worker_id"] == RULE
    assert count(db_session, Placement) == 0
    assert db_session.get(Worker, worker.id).status == "seeking"
    assert db_session.get(JobOrder, order.id).filled == 0


def test_the_api_refuses_an_ineligible_placement_with_a_422(client: FlaskClient, db_session: Session) -> None:
    staff = make_user(db_session, role="staff", region_code=PUYANG)
    order = welfare_order(db_session)
    worker = make_worker(db_session, poverty_registered=False)
    resp = client.post(
        "/api/v1/placements",
        json={"worker_id": worker.id, "job_order_id": order.id},
        headers=api_token(client, staff),
    )
    assert resp.status_code == 422 and RULE in resp.get_json()["error"]["message"]
    assert count(db_session, Placement) == 0


def test_a_fair_offer_or_hire_for_an_ineligible_worker_writes_nothing(db_session: Session) -> None:
    order = welfare_order(db_session)
    worker = make_worker(db_session, poverty_registered=False, region_code="410923201001")
    fair = fairs.create_fair(
        db_session,
        CITY,
        {
            "name": "公益性岗位专场",
            "kind": "poverty_alleviation",
            "date": date.today().isoformat(),
            "venue": "南乐",
            "region_code": PUYANG,
        },
    )
    fairs.add_job_orders(db_session, CITY, fair.id, {"job_order_ids": [order.id]})
    fairs.check_in(db_session, CITY, fair.id, worker.id, method="walk_in")
    for outcome in ("offer", "hired"):
        with pytest.raises(ValidationError) as err:
            fairs.record_outcome(db_session, CITY, fair.id, order.id, worker.id, outcome)
        assert RULE in err.value.message
    assert count(db_session, FairOutcome) == 0 and count(db_session, Placement) == 0
    fairs.record_outcome(db_session, CITY, fair.id, order.id, worker.id, "interviewed")
    assert count(db_session, FairCheckIn) == 1


def test_a_dispatch_batch_with_an_ineligible_member_cannot_be_confirmed(db_session: Session) -> None:
    ag = cooperation.create_agreement(
        db_session,
        CITY,
        {
            "name": "协议",
            "partner_region_code": "320000",
            "region_code": PUYANG,
            "starts_on": date.today().isoformat(),
            "ends_on": (date.today() + timedelta(days=90)).isoformat(),
        },
    )
    order = make_job_order(db_session, region_code="320500", public_welfare=True)
    from webapp.models import CooperationPost, DispatchBatch, DispatchMember

    db_session.add(CooperationPost(agreement_id=ag.id, job_order_id=order.id))
    worker = make_worker(db_session, poverty_registered=False)
    batch = DispatchBatch(
        agreement_id=ag.id, name="第一批", departure_date=date.today(), destination="苏州", status="planned"
    )
    db_session.add(batch)
    db_session.flush()
    db_session.add(DispatchMember(batch_id=batch.id, worker_id=worker.id, job_order_id=order.id))
    db_session.commit()
    with pytest.raises(DomainError) as err:
        cooperation.confirm_departure(db_session, CITY, batch.id)
    assert RULE in err.value.message and worker.name in err.value.message
    assert db_session.get(DispatchBatch, batch.id).status == "planned" and count(db_session, Placement) == 0


def test_an_order_for_a_public_welfare_occupation_is_public_welfare(db_session: Session) -> None:
    employer = make_employer(db_session)
    order = job_orders.create_job_order(
        db_session,
        CITY,
        {
            "employer_id": employer.id,
            "title": "护林",
            "occupation": "护林员",
            "headcount": 3,
            "region_code": "410923",
        },
    )
    assert order.public_welfare is True
    boss = Actor(None, "employer", employer_id=employer.id)
    with pytest.raises(Forbidden) as err:
        job_orders.create_job_order(
            db_session,
            boss,
            {"title": "护林", "occupation": "护林员", "headcount": 1, "region_code": "410923"},
        )
    assert "公益性岗位" in err.value.message
    assert count(db_session, JobOrder) == 1


def test_workshop_orders_and_placements_take_the_workshop_route(db_session: Session) -> None:
    shop = make_employer(db_session, is_workshop=True, region_code="410923")
    base = {
        "employer_id": shop.id,
        "title": "缝纫工",
        "occupation": "缝纫工",
        "headcount": 3,
        "region_code": "410923",
    }
    order = job_orders.create_job_order(db_session, CITY, base)
    assert order.route == "workshop"
    with pytest.raises(ValidationError) as err:
        job_orders.create_job_order(db_session, CITY, {**base, "route": "local_enterprise"})
    assert "扶贫车间" in err.value.message and "route_reason" in err.value.fields
    boss = Actor(None, "employer", employer_id=shop.id)
    with pytest.raises(Forbidden):
        job_orders.create_job_order(
            db_session, boss, {**base, "route": "local_enterprise", "route_reason": "x"}
        )
    other = job_orders.create_job_order(
        db_session, CITY, {**base, "route": "local_enterprise", "route_reason": "车间已转为普通企业"}
    )
    assert (other.route, other.route_reason) == ("local_enterprise", "车间已转为普通企业")
    worker = make_worker(db_session)
    placement = record_placement(
        db_session, CITY, {"worker_id": worker.id, "employer_id": shop.id, "region_code": "410923"}
    )
    assert placement.route == "workshop"
    with pytest.raises(ValidationError):
        record_placement(
            db_session,
            CITY,
            {
                "worker_id": make_worker(db_session).id,
                "employer_id": shop.id,
                "region_code": "410923",
                "route": "flexible",
            },
        )


def test_the_job_order_import_applies_the_same_rules(db_session: Session, tmp_path: Path) -> None:
    staff = Actor(None, "staff", PUYANG)
    shop = make_employer(db_session, is_workshop=True, region_code="410923")
    wb = Workbook()
    ws = wb.active
    ws.append(["企业统一社会信用代码", "岗位名称", "工种", "招聘人数", "工作地点", "就业渠道", "渠道说明"])
    ws.append([shop.uscc, "缝纫工", "缝纫工", 3, "410923", "", ""])
    ws.append([shop.uscc, "护林", "护林员", 2, "410923", "", ""])
    ws.append([shop.uscc, "普工", "缝纫工", 2, "410923", "本地企业", ""])
    path = tmp_path / "orders.xlsx"
    wb.save(path)
    result = imports.import_file(db_session, staff, "job-orders", path)
    assert not result.ok and [e.row for e in result.errors] == [4]
    assert "扶贫车间" in result.errors[0].message
    ws.delete_rows(4)
    wb.save(path)
    result = imports.import_file(db_session, staff, "job-orders", path)
    assert result.ok, result.errors
    rows = {o.title: (o.route, o.public_welfare) for o in db_session.scalars(select(JobOrder))}
    assert rows == {"缝纫工": ("workshop", False), "护林": ("workshop", True)}


def test_hard_to_employ_is_a_worker_category_with_sub_types(db_session: Session) -> None:
    worker = make_worker(db_session, poverty_registered=False)
    workers.update_worker(db_session, CITY, worker.id, {"hard_to_employ": "零就业家庭成员"})
    assert db_session.get(Worker, worker.id).hard_to_employ == "zero_employment_family"
    with pytest.raises(ValidationError) as err:
        workers.update_worker(db_session, CITY, worker.id, {"hard_to_employ": "贫困"})
    assert "就业困难人员类别" in err.value.fields["hard_to_employ"]
    assert (
        workers.worker_to_dict(db_session.get(Worker, worker.id), CITY)["hard_to_employ"]
        == "zero_employment_family"
    )


def test_the_worker_import_reads_the_hard_to_employ_category(db_session: Session, tmp_path: Path) -> None:
    from tests.builders import id_number

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号码", "手机号码", "户籍地", "就业困难人员类别"])
    ws.append(["王大龄", id_number("410923"), "13812340001", "410923201001", "大龄失业人员"])
    ws.append(["李无", id_number("410923"), "13812340002", "410923201001", ""])
    ws.append(["赵错", id_number("410923"), "13812340003", "410923201001", "贫困户"])
    path = tmp_path / "workers.xlsx"
    wb.save(path)
    result = imports.import_file(db_session, CITY, "workers", path)
    assert [(e.row, e.header) for e in result.errors] == [(4, "就业困难人员类别")]
    ws.delete_rows(4)
    wb.save(path)
    assert imports.import_file(db_session, CITY, "workers", path).ok
    rows = dict(db_session.execute(select(Worker.name, Worker.hard_to_employ)).all())
    assert rows == {"王大龄": "older_unemployed", "李无": ""}
