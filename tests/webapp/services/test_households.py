"""防返贫 monitoring (issue 13, bullet 7): households with members, the year they left poverty, a monitoring
category, risk flags and a visit plan, watched independently of placements; the county's coordinators see the
households due; statistics count monitored households with and without an employed member."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import NANLE, QINGFENG, WUCUN, make_user, make_worker
from webapp.errors import Conflict, Forbidden, NotFound, ValidationError
from webapp.models import AuditLog, Placement
from webapp.models.households import Household, HouseholdMember
from webapp.services import households
from webapp.services.scope import Actor

TODAY = date(2026, 12, 2)


def staff(session: Session, region: str = NANLE) -> Actor:
    return Actor.of(make_user(session, role="staff", region_code=region))


def household_data(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "head_name": "李建军",
        "region_code": WUCUN,
        "left_poverty_year": "2019",
        "category": "unstable",
        "risk_flags": ["illness"],
        "members": [],
    }
    values.update(overrides)
    return values


def test_a_household_is_monitored_with_members_category_risks_and_a_visit_plan(db_session: Session) -> None:
    county = staff(db_session)
    head, son = (
        make_worker(db_session, name="李建军"),
        make_worker(db_session, name="李小军", status="employed"),
    )

    household = households.create_household(
        db_session,
        county,
        household_data(
            members=[{"worker_id": head.id, "relation": "head"}, {"worker_id": son.id, "relation": "child"}]
        ),
        today=TODAY,
    )

    assert (household.category, household.left_poverty_year, household.risk_flags) == (
        "unstable",
        2019,
        ["illness"],
    )
    assert household.visit_every_days == 30 and household.next_visit_on == TODAY  # the category's default
    assert [(m.worker_id, m.relation) for m in household.members] == [(head.id, "head"), (son.id, "child")]
    assert db_session.scalar(select(AuditLog.action).where(AuditLog.object_type == "household")) == "create"

    visit = households.record_visit(
        db_session,
        county,
        household.id,
        {"visited_on": TODAY.isoformat(), "risk_flags": ["income_drop"]},
        today=TODAY,
    )
    db_session.refresh(household)
    assert visit.risk_flags == ["income_drop"] and household.risk_flags == ["income_drop"]
    assert (household.last_visited_on, household.next_visit_on) == (TODAY, TODAY + timedelta(days=30))


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"category": "stable"}, "category", "监测类别"),
        ({"left_poverty_year": ""}, "left_poverty_year", "脱贫年度"),
        ({"left_poverty_year": "2010"}, "left_poverty_year", "2013"),
        ({"risk_flags": ["bad_luck"]}, "risk_flags", "风险类型"),
        ({"region_code": NANLE}, "region_code", "村"),
        ({"visit_every_days": "0"}, "visit_every_days", "1"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    db_session: Session, overrides: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as err:
        households.create_household(db_session, staff(db_session), household_data(**overrides), today=TODAY)
    assert words in err.value.fields[field]
    assert db_session.scalar(select(func.count(Household.id))) == 0


def test_a_marginal_household_needs_no_year_and_a_worker_belongs_to_one_household(
    db_session: Session,
) -> None:
    county = staff(db_session)
    worker = make_worker(db_session)
    households.create_household(
        db_session,
        county,
        household_data(category="marginal", left_poverty_year="", members=[worker.id]),
        today=TODAY,
    )
    with pytest.raises(Conflict) as err:
        households.create_household(db_session, county, household_data(members=[worker.id]), today=TODAY)
    assert "一户" in err.value.message
    assert db_session.scalar(select(func.count(Household.id))) == 1
    assert db_session.scalar(select(func.count(HouseholdMember.id))) == 1


def test_coordinators_see_their_households_due_and_no_other_county(db_session: Session) -> None:
    county = staff(db_session)
    due = households.create_household(
        db_session, county, household_data(next_visit_on=(TODAY - timedelta(days=2)).isoformat()), today=TODAY
    )
    soon = households.create_household(
        db_session,
        county,
        household_data(head_name="王五", next_visit_on=(TODAY + timedelta(days=5)).isoformat()),
        today=TODAY,
    )
    households.create_household(
        db_session,
        county,
        household_data(head_name="赵六", next_visit_on=(TODAY + timedelta(days=40)).isoformat()),
        today=TODAY,
    )
    village = staff(db_session, WUCUN)
    qingfeng = staff(db_session, QINGFENG)

    listed = households.list_households(db_session, village, due=True, today=TODAY)

    assert [h.id for h in listed.items] == [due.id, soon.id]
    assert [households.visit_state(h, TODAY) for h in listed.items] == ["overdue", "due"]
    assert households.list_households(db_session, qingfeng, due=True, today=TODAY).total == 0
    with pytest.raises(NotFound):
        households.record_visit(db_session, qingfeng, due.id, {}, today=TODAY)
    with pytest.raises(Forbidden) as err:
        households.create_household(db_session, qingfeng, household_data(), today=TODAY)
    assert "管辖" in str(err.value)


def test_statistics_count_households_with_and_without_an_employed_member(db_session: Session) -> None:
    county = staff(db_session)
    working = make_worker(db_session, name="在岗", status="employed")
    placed = make_worker(db_session, name="已安置")
    db_session.add(
        Placement(
            worker_id=placed.id,
            route="local_enterprise",
            region_code=NANLE,
            start_date=TODAY,
            employer_name="南乐县食品厂",
        )
    )
    idle = make_worker(db_session, name="待业", status="seeking")
    households.create_household(db_session, county, household_data(members=[working.id]), today=TODAY)
    households.create_household(
        db_session,
        county,
        household_data(category="sudden", left_poverty_year="", members=[placed.id]),
        today=TODAY,
    )
    households.create_household(db_session, county, household_data(members=[idle.id]), today=TODAY)
    households.create_household(
        db_session, county, household_data(category="marginal", left_poverty_year=""), today=TODAY
    )
    cleared = households.create_household(db_session, county, household_data(), today=TODAY)
    households.update_household(
        db_session, county, cleared.id, {"status": "cleared", "cleared_reason": "家庭收入稳定"}
    )

    stats = households.monitoring_stats(db_session, county, today=TODAY)

    assert (stats.monitored, stats.with_employed, stats.without_employed) == (4, 2, 2)
    assert stats.by_category == {"unstable": (1, 1), "marginal": (0, 1), "sudden": (1, 0)}
    assert households.list_households(db_session, county, employed=False).total == 2
    assert households.monitoring_stats(db_session, staff(db_session, QINGFENG), today=TODAY).monitored == 0


def test_clearing_needs_a_reason_and_visits_go_on_without_any_placement(db_session: Session) -> None:
    county = staff(db_session)
    household = households.create_household(db_session, county, household_data(), today=TODAY)
    with pytest.raises(ValidationError) as err:
        households.update_household(db_session, county, household.id, {"status": "cleared"})
    assert "原因" in err.value.fields["cleared_reason"]
    with pytest.raises(ValidationError) as err:
        households.record_visit(
            db_session,
            county,
            household.id,
            {"visited_on": (TODAY + timedelta(days=1)).isoformat()},
            today=TODAY,
        )
    assert "visited_on" in err.value.fields
    assert db_session.scalar(select(func.count(Placement.id))) == 0
    households.record_visit(
        db_session, county, household.id, {"note": "家中无人务工，已对接公益性岗位"}, today=TODAY
    )
    db_session.refresh(household)
    assert household.next_visit_on == TODAY + timedelta(days=30)
