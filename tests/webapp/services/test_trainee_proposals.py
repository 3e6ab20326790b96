"""Trainee proposals (issue 13, bullet 6): the linked orders' hard constraints hold, those whom the course would
help most come first (near misses: lacking only the certificate), every candidate is reachable page by page,
and trainers see only workers who consented to share."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from tests.builders import make_worker
from tests.webapp.training.training_builders import (
    actor,
    learner,
    open_course,
    trainer_user,
    welding_order,
)
from webapp.errors import ValidationError
from webapp.services import training


def _born(age: int) -> date:
    today = date.today()
    return date(today.year - age - 1, 1, 1)


def test_proposals_keep_the_orders_age_limits_and_put_near_misses_first(db_session: Session) -> None:
    account = trainer_user(db_session)
    order = welding_order(db_session, age_max=40)
    course = open_course(db_session, account, [order])
    wisher = learner(db_session, "想学焊", birth_date=_born(30))
    near = make_worker(
        db_session,
        name="会电焊没证",
        skills=["电焊"],
        certificates=[],
        desired_occupations=["焊工"],
        poverty_registered=False,
        birth_date=_born(35),
    )
    too_old = learner(db_session, "超龄想学", birth_date=_born(52))
    old_welder = make_worker(
        db_session, name="超龄电焊", skills=["电焊"], certificates=[], birth_date=_born(55)
    )

    _, page = training.propose_enrolees(db_session, actor(account), course.id)

    ids = [p.trainee.worker_id for p in page.items]
    assert ids[:2] == [near.id, wisher.id]
    assert too_old.id not in ids and old_welder.id not in ids
    first, second = page.items[0].chances, page.items[1].chances
    assert page.items[0].source == "near_miss" and first.only_certificate and first.after > first.now
    assert not second.only_certificate and second.qualifies_after and second.gain > first.gain


def test_proposals_are_paginated_without_a_cap(db_session: Session) -> None:
    account = trainer_user(db_session)
    course = open_course(db_session, account, [welding_order(db_session)], capacity="200")
    for n in range(130):
        learner(db_session, f"学员{n:03d}")

    _, first = training.propose_enrolees(db_session, actor(account), course.id, page=1, per_page=50)
    _, last = training.propose_enrolees(db_session, actor(account), course.id, page=3, per_page=50)

    assert first.total == 130 and len(first.items) == 50 and len(last.items) == 30
    seen = {p.trainee.worker_id for p in first.items} | {p.trainee.worker_id for p in last.items}
    assert len(seen) == 80


def test_trainers_are_proposed_only_consenting_workers_and_cannot_enrol_others(db_session: Session) -> None:
    account = trainer_user(db_session)
    course = open_course(db_session, account, [welding_order(db_session)])
    willing = learner(db_session, "同意共享")
    private = learner(db_session, "不同意共享", consent_to_share=False)

    _, page = training.propose_enrolees(db_session, actor(account), course.id)

    ids = {p.trainee.worker_id for p in page.items}
    assert willing.id in ids and private.id not in ids
    with pytest.raises(ValidationError) as err:
        training.enrol(db_session, actor(account), course.id, {private.id: "manual"})
    assert "worker_ids" in err.value.fields
