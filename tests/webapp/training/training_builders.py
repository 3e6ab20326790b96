"""Builders for the board, training and subsidy tests: trainers, a welding order, courses, finished trainees.

The scenario mirrors the article: a Kunshan (苏州) steel-structure factory wants certified welders; people of
南乐县 who want to learn welding (but hold no certificate) are one course away from qualifying.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from tests.builders import (
    JIANGSU_SUZHOU,
    NANLE,
    PUYANG,
    make_job_order,
    make_user,
    make_worker,
    occupation_code,
)
from webapp.models import JobOrder, User, Worker
from webapp.models.training import Course
from webapp.services import training
from webapp.services.scope import Actor

WELDER = occupation_code("焊工")
WELDER_CERT = "焊工证"


def trainer_user(session: Session, **overrides: Any) -> User:
    values: dict[str, Any] = {
        "role": "trainer",
        "region_code": PUYANG,
        "display_name": "濮阳市职业技能培训学校 孙老师",
    }
    values.update(overrides)
    return make_user(session, **values)


def staff_user(session: Session, region: str = PUYANG) -> User:
    return make_user(session, role="staff", region_code=region)


def actor(user: User) -> Actor:
    return Actor.of(user)


def welding_order(session: Session, **overrides: Any) -> JobOrder:
    """Certified welders wanted in Suzhou: 焊工证 required."""
    values: dict[str, Any] = {
        "title": "昆山钢结构电焊工",
        "certificates_required": [WELDER_CERT],
        "headcount": 2,
        "region_code": JIANGSU_SUZHOU,
    }
    values.update(overrides)
    return make_job_order(session, **values)


def learner(session: Session, name: str = "李学焊", **overrides: Any) -> Worker:
    """A worker who wants welding work and training but holds neither the skill nor the certificate: scores
    about 0.55 on the welding order (below the 0.6 threshold) and is a near miss."""
    values: dict[str, Any] = {
        "name": name,
        "skills": [],
        "certificates": [],
        "desired_occupations": ["焊工"],
        "desired_training": ["焊工"],
        "poverty_registered": False,
        "expected_wage": 6000,
    }
    values.update(overrides)
    return make_worker(session, **values)


def course_data(**overrides: Any) -> dict[str, Any]:
    today = date.today()
    values: dict[str, Any] = {
        "title": "电焊工订单式培训班",
        "occupation": "焊工",
        "venue_kind": "base",
        "venue_name": "南乐县职业技能培训基地",
        "region_code": NANLE,
        "capacity": "10",
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=20)).isoformat(),
        "cost": "1500",
        "certificate_name": "",
        "description": "",
        "job_order_ids": [],
    }
    values.update(overrides)
    return values


def open_course(
    session: Session, trainer: User, orders: list[JobOrder] | None = None, **overrides: Any
) -> Course:
    data = course_data(job_order_ids=[o.id for o in orders or []], **overrides)
    return training.create_course(session, actor(trainer), data)


def _as_actor(who: User | Actor) -> Actor:
    return who if isinstance(who, Actor) else actor(who)


def ended_course(
    session: Session,
    trainer: User | Actor,
    orders: list[JobOrder] | None = None,
    *,
    days: int = 10,
    ended_days_ago: int = 1,
    **overrides: Any,
) -> Course:
    """A course of ``days`` days that ended ``ended_days_ago`` days ago (opened before it started)."""
    end = date.today() - timedelta(days=ended_days_ago)
    start = end - timedelta(days=days - 1)
    data = course_data(
        job_order_ids=[o.id for o in orders or []],
        start_date=start.isoformat(),
        end_date=end.isoformat(),
        **overrides,
    )
    return training.create_course(session, _as_actor(trainer), data, today=start)


def attend(
    session: Session, trainer: User | Actor, course: Course, enrolment_ids: list[int], days: int
) -> None:
    """The trainees present on the first ``days`` days of the course (the others absent)."""
    for n in range(days):
        day = course.start_date + timedelta(days=n)
        training.record_attendance(session, _as_actor(trainer), course.id, day.isoformat(), enrolment_ids)


def certificate(number: str, **overrides: Any) -> dict[str, Any]:
    """The keyword arguments of a certificate for ``training.record_result``."""
    values: dict[str, Any] = {
        "certificate_number": number,
        "certificate_issuer": "濮阳市人力资源和社会保障局",
        "certified_on": (date.today() - timedelta(days=1)).isoformat(),
    }
    values.update(overrides)
    return values
