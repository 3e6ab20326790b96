"""services.board: what the public board lists (open, public, not expired, not full) and its filters."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import JIANGSU_SUZHOU, NANLE, QINGFENG, make_employer, make_job_order, occupation_code
from tests.webapp.training.training_builders import open_course, trainer_user
from webapp.errors import NotFound
from webapp.models import JobOrder
from webapp.services import board, training
from webapp.services.scope import Actor


def titles(page: Any) -> list[str]:
    return sorted(job.title for job in page.items)


def test_only_open_public_unexpired_unfilled_orders_are_listed(db_session: Session) -> None:
    make_job_order(db_session, title="公开")
    make_job_order(db_session, title="内部", internal=True)
    make_job_order(db_session, title="已关闭", status="closed")
    make_job_order(db_session, title="已过期", expires_on=date.today() - timedelta(days=1))
    make_job_order(db_session, title="已招满", headcount=2, filled=2)
    make_job_order(db_session, title="长期", expires_on=None)

    assert titles(board.list_jobs(db_session)) == ["公开", "长期"]
    for hidden in ("内部", "已关闭", "已过期", "已招满"):
        order_id = db_session.scalar(select(JobOrder.id).where(JobOrder.title == hidden))
        assert order_id is not None
        with pytest.raises(NotFound):
            board.get_job(db_session, order_id)


@pytest.fixture
def orders(db_session: Session) -> None:
    employer = make_employer(db_session, name="南乐县食品有限公司")
    make_job_order(
        db_session,
        title="苏州电焊工",
        wage_min=5000,
        wage_max=7000,
        region_code=JIANGSU_SUZHOU,
        route="out_of_province",
    )
    make_job_order(
        db_session,
        title="南乐面点师",
        employer_id=employer.id,
        occupation_code=occupation_code("中式面点师"),
        wage_min=3000,
        wage_max=None,
        region_code=NANLE,
        route="local_enterprise",
    )
    make_job_order(
        db_session,
        title="郑州保安",
        occupation_code=occupation_code("保安员"),
        wage_min=None,
        wage_max=4500,
        region_code="410100",
        route="local_enterprise",
    )
    make_job_order(
        db_session,
        title="清丰车间缝纫",
        occupation_code=occupation_code("缝纫工"),
        wage_min=2500,
        wage_max=3500,
        region_code=QINGFENG,
        route="workshop",
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["南乐面点师", "清丰车间缝纫", "苏州电焊工", "郑州保安"]),
        ({"scope": "local"}, ["南乐面点师", "清丰车间缝纫"]),
        ({"scope": "province"}, ["郑州保安"]),
        ({"scope": "cross"}, ["苏州电焊工"]),
        ({"wage": 4000}, ["苏州电焊工", "郑州保安"]),
        ({"wage": 3000}, ["南乐面点师", "清丰车间缝纫", "苏州电焊工", "郑州保安"]),
        ({"route": "workshop"}, ["清丰车间缝纫"]),
        ({"occupation": "电焊工"}, ["苏州电焊工"]),
        ({"occupation": occupation_code("保安员")}, ["郑州保安"]),
        ({"region_code": "320000"}, ["苏州电焊工"]),
        ({"region_code": NANLE}, ["南乐面点师"]),
        ({"q": "食品"}, ["南乐面点师"]),
        ({"q": "缝纫"}, ["清丰车间缝纫"]),
    ],
)
def test_filters(db_session: Session, orders: None, filters: dict[str, Any], expected: list[str]) -> None:
    assert titles(board.list_jobs(db_session, **filters)) == expected


def test_pagination_and_filter_options(db_session: Session, orders: None) -> None:
    page = board.list_jobs(db_session, per_page=3, page=2)
    assert (page.total, page.pages, len(page.items)) == (4, 2, 1)
    options = board.filter_options(db_session)
    assert [name for _code, name in options["places"]][:2] == ["濮阳市", "华龙区"]
    assert ("320000", "江苏省") in options["places"] and ("410100", "郑州市") in options["places"]
    assert ("410000", "河南省") not in options["places"]
    assert {name for _code, name in options["occupations"]} == {"焊工", "中式面点师", "保安员", "缝纫工"}


def test_board_jobs_carry_no_contacts(db_session: Session) -> None:
    make_job_order(db_session, employer_id=make_employer(db_session, contact_phone="13955554444").id)
    [job] = board.list_jobs(db_session).items
    assert "13955554444" not in repr(job)
    assert not {"contact_phone", "contact_name", "employer_id"} & set(job.__dataclass_fields__)


def test_open_courses_with_seats_left(db_session: Session) -> None:
    trainer = trainer_user(db_session)
    course = open_course(db_session, trainer, capacity="2")
    cancelled = open_course(db_session, trainer, title="取消的课程")
    training.cancel_course(db_session, Actor.of(trainer), cancelled.id)
    page = board.list_courses(db_session)
    assert [(c.title, c.seats_left, c.provider_name) for c in page.items] == [
        ("电焊工订单式培训班", 2, "濮阳市职业技能培训学校")
    ]
    assert board.get_course(db_session, course.id).capacity == 2
    with pytest.raises(NotFound):
        board.get_course(db_session, cancelled.id)
    assert board.list_courses(db_session, occupation="厨师").total == 0


def test_sign_up_places_are_villages_and_townships_of_the_city() -> None:
    groups = dict(board.signup_regions())
    assert set(groups) == {"华龙区", "清丰县", "南乐县", "范县", "台前县", "濮阳县"}
    codes = [code for options in groups.values() for code, _label in options]
    assert "410923201001" in codes and all(len(c) in (9, 12) and c.startswith("4109") for c in codes)
    assert ("410923201001", "杨村乡 吴村") in groups["南乐县"]
