"""Fairs: scope, join requests and booths, village lists (masked, audited, neutralised), check-in, outcomes
writing back to matches and placements, and the report."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import NANLE, PUYANG, QINGFENG, make_employer, make_job_order, make_worker
from webapp.errors import Conflict, Forbidden, NotFound, ValidationError
from webapp.models import AuditLog, FairCheckIn, Match, Placement, ShortlistEntry
from webapp.services import fairs, shortlists
from webapp.services.scope import Actor

CITY = Actor(user_id=None, role="staff", region_code=PUYANG)
QINGFENG_STAFF = Actor(user_id=None, role="staff", region_code=QINGFENG)
VILLAGE = "410922100001"
VILLAGE_STAFF = Actor(user_id=None, role="staff", region_code=VILLAGE)
SECRET = "test-secret"


def fair_data(**over: str) -> dict[str, str]:
    data = {
        "name": "就业扶贫招聘会",
        "kind": "poverty_alleviation",
        "date": (date.today() + timedelta(days=5)).isoformat(),
        "venue": "清丰县人力资源市场",
        "region_code": PUYANG,
    }
    data.update(over)
    return data


@pytest.fixture
def setup(db_session: Session) -> dict[str, object]:
    order = make_job_order(db_session, region_code=QINGFENG, title="清丰焊工", headcount=2)
    here = [
        make_worker(db_session, region_code=VILLAGE, name=f"清丰{i}", phone=f"1370000000{i}")
        for i in range(3)
    ]
    there = make_worker(db_session, region_code="410923201001", name="南乐人", mobility="county")
    fair = fairs.create_fair(db_session, CITY, fair_data())
    fairs.add_job_orders(db_session, CITY, fair.id, {"job_order_ids": [order.id]})
    shortlists.build_shortlists(db_session, CITY, fair.id)
    return {"fair": fair, "order": order, "here": here, "there": there}


@pytest.fixture
def fair_day(db_session: Session, setup: dict[str, object]) -> dict[str, object]:
    """The same fair on its day: check-ins and outcomes are taken only then."""
    fair = setup["fair"]
    fair.date = date.today()  # type: ignore[attr-defined]
    db_session.commit()
    return setup


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "circus"}, "kind"),
        ({"date": "2026-02-30"}, "date"),
        ({"region_code": "999999"}, "region_code"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_fairs_are_refused_field_by_field(db_session: Session, data: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        fairs.create_fair(db_session, CITY, fair_data(**data))
    assert field in err.value.fields


def test_scope_of_fairs(db_session: Session) -> None:
    city_fair = fairs.create_fair(db_session, CITY, fair_data())
    with pytest.raises(Forbidden):
        fairs.create_fair(db_session, QINGFENG_STAFF, fair_data(region_code=NANLE))
    nanle_fair = fairs.create_fair(db_session, Actor(None, "staff", NANLE), fair_data(region_code=NANLE))
    assert fairs.get_fair(db_session, QINGFENG_STAFF, city_fair.id)  # a county sees the city's fair
    with pytest.raises(NotFound):
        fairs.get_fair(db_session, QINGFENG_STAFF, nanle_fair.id)
    assert not fairs.may_manage(QINGFENG_STAFF, city_fair)
    with pytest.raises(NotFound):
        fairs.get_fair(db_session, Actor(None, "trainer"), city_fair.id)


def test_join_request_approval_and_booths(db_session: Session) -> None:
    employer = make_employer(db_session)
    own = make_job_order(db_session, employer_id=employer.id)
    other = make_job_order(db_session)
    fair = fairs.create_fair(db_session, CITY, fair_data())
    boss = Actor(None, "employer", employer_id=employer.id)
    with pytest.raises(Forbidden):
        fairs.request_to_join(db_session, boss, fair.id, [own.id, other.id])
    part = fairs.request_to_join(db_session, boss, fair.id, [own.id], note="需要两张桌子")
    assert part.status == "requested" and fairs.fair_orders(db_session, fair.id) == []
    first = make_employer(db_session)
    fairs.add_job_orders(
        db_session, CITY, fair.id, {"job_order_ids": [make_job_order(db_session, employer_id=first.id).id]}
    )
    first_part = next(p for p in fairs.participants(db_session, CITY, fair.id) if p.employer_id == first.id)
    fairs.assign_booth(db_session, CITY, first_part.id, "A01")
    with pytest.raises(Conflict):
        fairs.decide_request(db_session, CITY, part.id, approve=True, booth="A01")
    fairs.decide_request(db_session, CITY, part.id, approve=True, booth="A02")
    assert own.id in {o.id for o in fairs.fair_orders(db_session, fair.id)}
    assert fairs.booths_of(db_session, fair.id) == {first.id: "A01", employer.id: "A02"}


def test_village_list_masks_ids_shows_phones_to_the_coordinator_and_audits(
    db_session: Session, setup: dict
) -> None:
    fair = setup["fair"]
    rows = fairs.invitation_list(db_session, VILLAGE_STAFF, fair.id, VILLAGE)
    assert {r.name for r in rows} == {"清丰0", "清丰1", "清丰2"}
    assert all("*" in r.id_number and len(r.phone) == 11 and "*" not in r.phone for r in rows)
    with pytest.raises(NotFound):
        fairs.invitation_list(db_session, VILLAGE_STAFF, fair.id, "410923201001")
    admin_rows = fairs.invitation_list(db_session, Actor(None, "admin"), fair.id, VILLAGE)
    assert len(admin_rows) == 3
    audits = db_session.scalars(select(AuditLog).where(AuditLog.object_type == "fair_invitations")).all()
    assert [a.action for a in audits] == ["read", "read"]


def test_village_export_is_a_real_xlsx_with_neutralised_cells(db_session: Session, setup: dict) -> None:
    fair = setup["fair"]
    entry = db_session.scalars(select(ShortlistEntry)).first()
    fairs.record_contact(
        db_session,
        VILLAGE_STAFF,
        entry.id,
        {"reached": "1", "answer": "will_attend", "note": "=HYPERLINK(1)"},
    )
    content = fairs.invitation_xlsx(db_session, VILLAGE_STAFF, fair.id, VILLAGE)
    ws = load_workbook(io.BytesIO(content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == fairs.INVITATION_HEADER
    notes = [r[10] for r in rows[1:] if r[10]]
    assert notes == ["'=HYPERLINK(1)"]
    assert all("*" in r[2] for r in rows[1:])
    assert "愿意参加" in [r[9] for r in rows[1:]]
    assert (
        db_session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "export")) == 1
    )
    db_session.refresh(entry)
    assert entry.pinned  # a recorded contact is kept when the shortlists are rebuilt


def test_contact_answer_needs_reached(db_session: Session, setup: dict) -> None:
    entry = db_session.scalars(select(ShortlistEntry)).first()
    with pytest.raises(ValidationError) as err:
        fairs.record_contact(db_session, CITY, entry.id, {"answer": "declined"})
    assert "reached" in err.value.fields


@pytest.mark.parametrize("how", ["phone", "tail4", "tail6", "token", "url"])
def test_check_in_by_phone_id_tail_or_qr(db_session: Session, fair_day: dict, how: str) -> None:
    fair, worker = fair_day["fair"], fair_day["here"][1]
    token = fairs.invitation_token(SECRET, fair.id, worker.id)
    query = {
        "phone": worker.phone,
        "tail4": worker.id_number[-4:],
        "tail6": worker.id_number[-6:].lower(),
        "token": f"/{token}",
        "url": f"http://127.0.0.1:5000/fairs/{fair.id}/checkin/t/{token}",
    }[how]
    found = fairs.find_for_check_in(db_session, CITY, fair.id, query, secret_key=SECRET)
    assert worker.id in {w.id for w in found}
    row, created = fairs.check_in(db_session, CITY, fair.id, worker.id, method="phone")
    assert created
    _row, again = fairs.check_in(db_session, CITY, fair.id, worker.id, method="phone")
    assert not again


@pytest.mark.parametrize("query", ["abc", "12", "1234567", f"/{'x' * 20}"])
def test_unreadable_check_in_queries(db_session: Session, setup: dict, query: str) -> None:
    with pytest.raises(ValidationError):
        fairs.find_for_check_in(db_session, CITY, setup["fair"].id, query, secret_key=SECRET)


def test_a_token_of_another_fair_is_refused(db_session: Session, setup: dict) -> None:
    token = fairs.invitation_token(SECRET, setup["fair"].id + 1, setup["here"][0].id)
    with pytest.raises(ValidationError):
        fairs.check_in_by_token(db_session, CITY, setup["fair"].id, token, secret_key=SECRET)


def test_walk_ins_register_on_the_spot(db_session: Session, fair_day: dict) -> None:
    from tests.builders import id_number

    data = {
        "name": "现场人员",
        "id_number": id_number(QINGFENG, date(1988, 3, 3)),
        "phone": "13612345678",
        "region_code": VILLAGE,
        "skills": "电焊",
        "mobility": "city",
    }
    worker, created = fairs.register_walk_in(db_session, CITY, fair_day["fair"].id, data)
    assert created and worker.verified
    again, created_again = fairs.register_walk_in(db_session, CITY, fair_day["fair"].id, data)
    assert again.id == worker.id and not created_again
    check = db_session.scalar(select(FairCheckIn).where(FairCheckIn.worker_id == worker.id))
    assert check.walk_in and check.method == "walk_in"


def test_outcomes_write_back_and_hired_creates_a_placement(db_session: Session, fair_day: dict) -> None:
    fair, order, here, there = fair_day["fair"], fair_day["order"], fair_day["here"], fair_day["there"]
    fairs.record_outcome(db_session, CITY, fair.id, order.id, here[0].id, "interviewed")
    assert db_session.scalar(select(Match.state).where(Match.worker_id == here[0].id)) == "interviewed"
    fairs.record_outcome(db_session, CITY, fair.id, order.id, here[0].id, "offer")
    fairs.record_outcome(db_session, CITY, fair.id, order.id, here[1].id, "hired")
    fairs.record_outcome(db_session, CITY, fair.id, order.id, there.id, "declined")  # a walk-up, not invited
    placement = db_session.scalar(select(Placement))
    assert (placement.worker_id, placement.source, placement.job_order_id) == (here[1].id, "fair", order.id)
    states = dict(db_session.execute(select(Match.worker_id, Match.state)).all())
    assert states == {here[0].id: "offered", here[1].id: "hired", there.id: "declined"}
    with pytest.raises(Conflict):
        fairs.record_outcome(db_session, CITY, fair.id, order.id, here[1].id, "declined")
    with pytest.raises(ValidationError):
        fairs.record_outcome(db_session, CITY, fair.id, order.id, here[2].id, "maybe")
    report = fairs.fair_report(db_session, CITY, fair.id)
    assert (report.totals.invited, report.totals.attended, report.totals.interviewed) == (3, 3, 3)
    assert (report.totals.intentions, report.totals.hired) == (2, 1)
    by_county = {r.key: r for r in report.by_county}
    assert (
        by_county[QINGFENG].invited == 3
        and by_county[NANLE].invited == 0
        and by_county[NANLE].interviewed == 1
    )
    (emp,) = report.by_employer
    assert (emp.invited, emp.interviewed, emp.intentions, emp.hired) == (3, 3, 2, 1)
    content = fairs.report_xlsx(db_session, CITY, fair.id)
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["按县区", "按企业"]
    assert list(wb["按县区"].iter_rows(values_only=True))[-1] == ("合计", 3, 3, 3, 2, 1)


def test_a_failed_hire_writes_nothing(db_session: Session, fair_day: dict) -> None:
    fair, order, here = fair_day["fair"], fair_day["order"], fair_day["here"]
    fairs.record_outcome(db_session, CITY, fair.id, order.id, here[0].id, "hired")
    fairs.record_outcome(db_session, CITY, fair.id, order.id, here[1].id, "hired")  # headcount 2: now full
    with pytest.raises(Conflict):
        fairs.record_outcome(db_session, CITY, fair.id, order.id, here[2].id, "hired")
    db_session.expire_all()
    assert db_session.scalar(select(Match.id).where(Match.worker_id == here[2].id)) is None
    assert db_session.scalar(select(func.count()).select_from(Placement)) == 2


def test_employers_record_outcomes_at_their_own_booths_only(db_session: Session, fair_day: dict) -> None:
    fair, order, here = fair_day["fair"], fair_day["order"], fair_day["here"]
    boss = Actor(None, "employer", employer_id=order.employer_id)
    fairs.record_outcome(db_session, boss, fair.id, order.id, here[0].id, "interviewed")
    stranger = make_worker(db_session, region_code=VILLAGE, name="未受邀")
    with pytest.raises(NotFound):
        fairs.record_outcome(db_session, boss, fair.id, order.id, stranger.id, "interviewed")
    other_boss = Actor(None, "employer", employer_id=make_employer(db_session).id)
    with pytest.raises(NotFound):
        fairs.record_outcome(db_session, other_boss, fair.id, order.id, here[0].id, "interviewed")
