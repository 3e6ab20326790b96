# ruff: noqa: F811 -- the ``setup`` fixture is shared with test_fairs.py
"""Fair day: check-ins and outcomes only on the fair's date (staff may override with a reason, recorded);
booths assigned in one form with one employer per booth; workers placed or dispatched since the invitation are
flagged on every list and letter, and left out when the lists are rebuilt."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import QINGFENG, make_employer, make_job_order, make_user
from tests.webapp.services.test_fairs import CITY, SECRET, VILLAGE, setup  # noqa: F401 (fixture)
from webapp.errors import DomainError, ValidationError
from webapp.models import (
    CooperationAgreement,
    DispatchBatch,
    DispatchMember,
    FairCheckIn,
    FairOutcome,
    FairParticipant,
    ShortlistEntry,
)
from webapp.services import fairs, shortlists
from webapp.services.placements import record_placement
from webapp.services.scope import Actor


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_check_in_and_outcomes_six_days_early_are_refused_with_the_rule(
    db_session: Session, setup: dict
) -> None:
    fair, order, here = setup["fair"], setup["order"], setup["here"]
    fair.date = date.today() + timedelta(days=6)
    db_session.commit()
    with pytest.raises(ValidationError) as err:
        fairs.check_in(db_session, CITY, fair.id, here[0].id, method="list")
    assert "只能在招聘会当天登记" in err.value.message and "override_reason" in err.value.fields
    with pytest.raises(ValidationError):
        fairs.record_outcome(db_session, CITY, fair.id, order.id, here[0].id, "hired")
    token = fairs.invitation_token(SECRET, fair.id, here[1].id)
    with pytest.raises(ValidationError):
        fairs.check_in_by_token(db_session, CITY, fair.id, token, secret_key=SECRET)
    assert count(db_session, FairCheckIn) == 0 and count(db_session, FairOutcome) == 0


def test_staff_override_with_a_reason_is_recorded_and_employers_cannot(
    db_session: Session, setup: dict
) -> None:
    fair, order, here = setup["fair"], setup["order"], setup["here"]
    fair.date = date.today() - timedelta(days=1)
    db_session.commit()
    row, _created = fairs.check_in(
        db_session, CITY, fair.id, here[0].id, method="list", override_reason="现场网络中断，次日补登"
    )
    assert row.off_day_reason == "现场网络中断，次日补登"
    outcome = fairs.record_outcome(
        db_session, CITY, fair.id, order.id, here[0].id, "interviewed", override_reason="次日补登"
    )
    assert outcome.off_day_reason == "次日补登"
    boss = Actor.of(make_user(db_session, role="employer", region_code=None, employer_id=order.employer_id))
    with pytest.raises(DomainError) as err:
        fairs.record_outcome(
            db_session, boss, fair.id, order.id, here[1].id, "interviewed", override_reason="x"
        )
    assert err.value.status == 403
    on_the_day = fairs.record_outcome(
        db_session, boss, fair.id, order.id, here[1].id, "interviewed", today=fair.date
    )
    assert on_the_day.off_day_reason == ""


def test_all_booths_in_one_form_with_one_employer_per_booth(db_session: Session, setup: dict) -> None:
    fair = setup["fair"]
    others = [
        make_job_order(db_session, region_code=QINGFENG, employer_id=make_employer(db_session).id)
        for _ in range(2)
    ]
    fairs.add_job_orders(db_session, CITY, fair.id, {"job_order_ids": [o.id for o in others]})
    parts = [p for p in fairs.participants(db_session, CITY, fair.id) if p.status == "approved"]
    assert len(parts) == 3
    plan = {str(p.id): f"A{i}" for i, p in enumerate(parts, start=1)}
    listed = fairs.assign_booths(db_session, CITY, fair.id, plan)
    assert [p.id for p in listed] == [p.id for p in parts]  # the same order after saving: no re-sort
    assert [p.booth for p in listed] == ["A1", "A2", "A3"]
    # A swap in one go is fine; a duplicate is refused and nothing changes.
    fairs.assign_booths(db_session, CITY, fair.id, {str(parts[0].id): "A2", str(parts[1].id): "A1"})
    with pytest.raises(ValidationError) as err:
        fairs.assign_booths(db_session, CITY, fair.id, {str(parts[0].id): "A3", str(parts[1].id): "B9"})
    assert "展位号须唯一" in err.value.message or any("展位号须唯一" in m for m in err.value.fields.values())
    db_session.expire_all()
    booths = {p.id: p.booth for p in db_session.scalars(select(FairParticipant))}
    assert booths == {parts[0].id: "A2", parts[1].id: "A1", parts[2].id: "A3"}


def test_the_database_keeps_booths_unique(db_session: Session, setup: dict) -> None:
    fair = setup["fair"]
    other = make_job_order(db_session, region_code=QINGFENG, employer_id=make_employer(db_session).id)
    fairs.add_job_orders(db_session, CITY, fair.id, {"job_order_ids": [other.id]})
    first, second = db_session.scalars(select(FairParticipant).order_by(FairParticipant.id)).all()
    first.booth = second.booth = "C1"
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        db_session.commit()
    db_session.rollback()


def _dispatch(db_session: Session, worker_id: int) -> None:
    agreement = CooperationAgreement(name="协议", partner_region_code="320000", region_code="410900")
    db_session.add(agreement)
    db_session.flush()
    batch = DispatchBatch(
        agreement_id=agreement.id,
        name="苏州一批",
        departure_date=date.today() + timedelta(days=20),
        destination="苏州",
        status="confirmed",
    )
    db_session.add(batch)
    db_session.flush()
    order = make_job_order(db_session, region_code="320500")
    db_session.add(DispatchMember(batch_id=batch.id, worker_id=worker_id, job_order_id=order.id))
    db_session.commit()


def test_placed_or_dispatched_workers_are_flagged_and_left_out_on_rebuild(
    db_session: Session, setup: dict
) -> None:
    fair, order = setup["fair"], setup["order"]
    invited = {e.worker_id for e in db_session.scalars(select(ShortlistEntry))}
    placed_id, gone_id = sorted(invited)[:2]
    # staff pinned one of them by hand: a rebuild keeps pinned entries, but not of those who left
    entry = db_session.scalar(select(ShortlistEntry).where(ShortlistEntry.worker_id == gone_id))
    shortlists.set_pinned(db_session, CITY, entry.id, True)
    local = make_job_order(db_session, region_code=QINGFENG, title="本地普工")
    record_placement(db_session, CITY, {"worker_id": placed_id, "job_order_id": local.id})
    _dispatch(db_session, gone_id)

    rows = {r.worker_id: r.away for r in fairs.invitation_list(db_session, CITY, fair.id, VILLAGE)}
    assert rows[placed_id].startswith("已就业") and rows[gone_id].startswith("已编入输出批次")
    assert [r for w, r in rows.items() if w not in (placed_id, gone_id)] == [""] * (len(rows) - 2)
    _fair, letters = fairs.invitation_letters(db_session, CITY, fair.id, SECRET, village_code=VILLAGE)
    assert {letter.worker.id: bool(letter.away) for letter in letters}[gone_id] is True
    _f, _o, booth_rows, _arrivals = fairs.booth_sheet(db_session, CITY, fair.id, order.id)
    assert {r.worker.id for r in booth_rows if r.away} == {placed_id, gone_id} & {
        r.worker.id for r in booth_rows
    }
    sheet = load_workbook(io.BytesIO(fairs.invitation_xlsx(db_session, CITY, fair.id, VILLAGE))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][-1] == "状态提示" and sum(1 for r in values[1:] if r[-1]) >= 2

    shortlists.build_shortlists(db_session, CITY, fair.id)
    again = {e.worker_id for e in db_session.scalars(select(ShortlistEntry))}
    assert placed_id not in again and gone_id not in again
