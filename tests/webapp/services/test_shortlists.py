"""Pre-fair shortlists: the whole fair at once, both caps respected, hard constraints hold, pinned entries stay."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import matcher
from tests.builders import PUYANG, QINGFENG, make_job_order, make_worker
from tests.webapp.fairs.bulk import bulk_orders, bulk_workers
from webapp.errors import ValidationError
from webapp.models import Fair, FairLeftOut, JobOrder, ShortlistEntry, Worker
from webapp.services import fairs, reference, shortlists
from webapp.services.matching import job_order_profile, worker_profile
from webapp.services.scope import Actor

CITY = Actor(user_id=None, role="staff", region_code=PUYANG)


def new_fair(session: Session, region: str = PUYANG, *, days: int = 10) -> Fair:
    return fairs.create_fair(
        session,
        CITY,
        {
            "name": "春风行动专场",
            "kind": "spring_breeze",
            "date": (date.today() + timedelta(days=days)).isoformat(),
            "venue": "濮阳市人力资源市场",
            "region_code": region,
        },
    )


# --- the allocation itself ----------------------------------------------------------------------------------

pairs = st.dictionaries(
    st.tuples(st.integers(1, 25), st.integers(100, 108)), st.floats(0.0, 1.0, allow_nan=False), max_size=120
)


@settings(max_examples=60, deadline=None)
@given(scores=pairs, per_order=st.integers(1, 6), cap=st.integers(1, 4))
def test_allocation_respects_both_caps(
    scores: dict[tuple[int, int], float], per_order: int, cap: int
) -> None:
    orders = {o for _w, o in scores}
    workers = {w for w, _o in scores}
    result = shortlists.allocate_invitations(
        scores, {o: per_order for o in orders}, {w: cap for w in workers}
    )
    assert result.chosen <= set(scores)
    assert max(Counter(w for w, _o in result.chosen).values(), default=0) <= cap
    assert max(Counter(o for _w, o in result.chosen).values(), default=0) <= per_order
    invited = {w for w, _o in result.chosen}
    assert set(result.left_out) == workers - invited
    assert all(reason for reason in result.left_out.values())
    # nothing is wasted: an order with a free place has no uninvited worker who fits it and has invitations left
    per_worker = Counter(w for w, _o in result.chosen)
    per_list = Counter(o for _w, o in result.chosen)
    for w, o in scores:
        if (w, o) not in result.chosen and per_worker[w] < cap:
            assert per_list[o] >= per_order


def test_first_round_spreads_the_best_over_the_booths() -> None:
    # Both workers fit booth 10 best; one place each round: the assignment sends one of them to booth 20.
    scores = {(1, 10): 0.9, (2, 10): 0.85, (1, 20): 0.6, (2, 20): 0.7}
    result = shortlists.allocate_invitations(scores, {10: 1, 20: 1}, {1: 1, 2: 1})
    assert sorted(result.chosen) == [(1, 10), (2, 20)]
    assert result.left_out == {}


def test_left_out_workers_get_the_assignment_reason() -> None:
    result = shortlists.allocate_invitations({(1, 10): 0.9, (2, 10): 0.5}, {10: 1}, {1: 3, 2: 3})
    assert sorted(result.chosen) == [(1, 10)]
    assert "#10" in result.left_out[2] and "满员" in result.left_out[2]


# --- the done-when test: 50 orders and 2,000 workers -----------------------------------------------------


def test_a_fair_of_50_orders_and_2000_workers(db_session: Session) -> None:
    bulk_workers(db_session, 2000)
    order_ids = bulk_orders(db_session, 50)
    fair = new_fair(db_session)
    fairs.add_job_orders(db_session, CITY, fair.id, {"job_order_ids": order_ids})
    today = date.today()
    result = shortlists.build_shortlists(
        db_session, CITY, fair.id, {"per_order": 15, "max_invitations_per_worker": 2}, today=today
    )
    entries = list(db_session.scalars(select(ShortlistEntry).where(ShortlistEntry.fair_id == fair.id)))
    assert result.invitations == len(entries) > 500
    per_worker = Counter(e.worker_id for e in entries)
    per_order = Counter(e.job_order_id for e in entries)
    assert max(per_worker.values()) <= 2
    assert max(per_order.values()) <= 15
    assert len(per_worker) > 300  # spread over many workers, not the same few on every list
    ctx = reference.match_context(today)
    orders = {o.id: o for o in db_session.scalars(select(JobOrder).where(JobOrder.id.in_(order_ids)))}
    workers = {w.id: w for w in db_session.scalars(select(Worker).where(Worker.id.in_(list(per_worker))))}
    for e in entries:
        assert (
            matcher.check_constraints(
                job_order_profile(orders[e.job_order_id]), worker_profile(workers[e.worker_id]), ctx
            )
            is None
        )
        assert e.reasons
    # ranks run 1..n within each list, by score
    for order_id in per_order:
        listed = sorted((e for e in entries if e.job_order_id == order_id), key=lambda e: e.rank)
        assert [e.rank for e in listed] == list(range(1, len(listed) + 1))
        assert [e.score for e in listed] == sorted((e.score for e in listed), reverse=True)
    left = list(db_session.scalars(select(FairLeftOut).where(FairLeftOut.fair_id == fair.id)))
    assert left and all(row.reason for row in left)
    assert not {row.worker_id for row in left} & set(per_worker)


# --- regeneration, pinned entries, scope -------------------------------------------------------------------


def small_fair(db_session: Session) -> tuple[Fair, JobOrder, list[Worker]]:
    order = make_job_order(db_session, region_code=QINGFENG, title="清丰电焊工")
    people = [
        make_worker(db_session, region_code="410922100001", name=f"焊工{i}", expected_wage=5000 + i * 100)
        for i in range(6)
    ]
    fair = new_fair(db_session)
    fairs.add_job_orders(db_session, CITY, fair.id, {"job_order_ids": [order.id]})
    return fair, order, people


def test_regenerating_keeps_pinned_entries_and_their_places(db_session: Session) -> None:
    fair, order, people = small_fair(db_session)
    shortlists.build_shortlists(db_session, CITY, fair.id, {"per_order": 3, "max_invitations_per_worker": 1})
    listed = db_session.scalars(select(ShortlistEntry).where(ShortlistEntry.fair_id == fair.id)).all()
    assert len(listed) == 3
    outsider = next(p for p in people if p.id not in {e.worker_id for e in listed})
    shortlists.remove_entry(db_session, CITY, listed[0].id)
    kept = shortlists.add_entry(db_session, CITY, fair.id, order.id, outsider.id)
    assert kept.pinned
    shortlists.build_shortlists(db_session, CITY, fair.id)  # settings remembered: 3 per order
    db_session.expire_all()
    again = db_session.scalars(select(ShortlistEntry).where(ShortlistEntry.fair_id == fair.id)).all()
    assert len(again) == 3
    assert outsider.id in {e.worker_id for e in again}
    assert next(e for e in again if e.worker_id == outsider.id).pinned


def test_manual_entries_obey_constraints_and_caps(db_session: Session) -> None:
    fair, order, people = small_fair(db_session)
    shortlists.build_shortlists(db_session, CITY, fair.id, {"per_order": 2, "max_invitations_per_worker": 1})
    homebody = make_worker(db_session, region_code="410923201001", mobility="village")
    with pytest.raises(ValidationError) as err:
        shortlists.add_entry(db_session, CITY, fair.id, order.id, homebody.id)
    assert "硬性条件" in err.value.message
    listed = {e.worker_id for e in db_session.scalars(select(ShortlistEntry))}
    spare = next(p for p in people if p.id not in listed)
    with pytest.raises(ValidationError) as err:
        shortlists.add_entry(db_session, CITY, fair.id, order.id, spare.id)
    assert err.value.fields == {"job_order_id": "名单已满"}


def test_a_county_fair_draws_only_that_countys_workers(db_session: Session) -> None:
    order = make_job_order(db_session, region_code=QINGFENG)
    make_worker(db_session, region_code="410922100001", name="清丰人")
    make_worker(db_session, region_code="410923201001", name="南乐人")
    fair = new_fair(db_session, QINGFENG)
    fairs.add_job_orders(db_session, CITY, fair.id, {"job_order_ids": [order.id]})
    shortlists.build_shortlists(db_session, CITY, fair.id)
    names = {e.worker.name for e in db_session.scalars(select(ShortlistEntry))}
    assert names == {"清丰人"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"per_order": 0}, "per_order"),
        ({"max_invitations_per_worker": "多"}, "max_invitations_per_worker"),
        ({"per_order": 5, "extra": 1}, "extra"),
    ],
)
def test_bad_settings_are_refused(db_session: Session, payload: dict[str, object], field: str) -> None:
    fair, _order, _people = small_fair(db_session)
    with pytest.raises(ValidationError) as err:
        shortlists.build_shortlists(db_session, CITY, fair.id, payload)
    assert field in err.value.fields
    assert db_session.scalar(select(func.count()).select_from(ShortlistEntry)) == 0


def test_the_scheduler_job_builds_due_fairs_once(db_session: Session) -> None:
    days = shortlists.shortlist_defaults()["days_before"]
    due = new_fair(db_session, days=days)
    later = new_fair(db_session, days=days + 1)
    order = make_job_order(db_session, region_code=QINGFENG)
    make_worker(db_session, region_code="410922100001")
    for fair in (due, later):
        fairs.add_job_orders(db_session, CITY, fair.id, {"job_order_ids": [order.id]})
    counts = shortlists.build_due_shortlists(db_session, today=date.today())
    assert counts == {"fairs": 1, "invitations": 1, "left_out": 0}
    db_session.expire_all()
    assert db_session.get(Fair, due.id).shortlisted_at is not None
    assert db_session.get(Fair, later.id).shortlisted_at is None
    assert shortlists.build_due_shortlists(db_session, today=date.today())["fairs"] == 0
    assert shortlists.build_due_shortlists(db_session, today=date.today() + timedelta(days=1))["fairs"] == 1
