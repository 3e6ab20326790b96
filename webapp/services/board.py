"""The bureau shows the list (职能部门亮单): the public board of open job orders and open courses, no login.

Only what a job seeker needs and nothing personal: title, occupation, employer name, place, wage, headcount
still open, employment route, housing and board, dates — never contacts, candidates, or an order its employer
marked internal (``JobOrder.internal``). Orders past their expiry date are not shown even before the nightly job
marks them expired.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from webapp.errors import NotFound
from webapp.models import Employer, JobOrder
from webapp.models.training import Course, Enrolment
from webapp.services import reference
from webapp.services.scope import region_prefix, within
from webapp.services.training import HOME_CITY
from webapp.services.workers import Page

HOME_PROVINCE = "410000"
#: "local" = the home city; "province" = elsewhere in the home province; "cross" = another province.
SCOPES = ("local", "province", "cross")
WAGE_STEPS = (3000, 4000, 5000, 6000, 8000)
PER_PAGE = 20


@dataclass(frozen=True)
class BoardJob:
    id: int
    title: str
    occupation_name: str
    employer_name: str
    region_name: str
    wage_min: int | None
    wage_max: int | None
    openings: int
    route_name: str
    housing: bool
    board: bool
    public_welfare: bool
    start_date: date | None
    expires_on: date | None
    description: str
    skills: tuple[str, ...]
    certificates_required: tuple[str, ...]
    age_min: int | None
    age_max: int | None
    cross_province: bool


@dataclass(frozen=True)
class BoardCourse:
    id: int
    title: str
    occupation_name: str
    provider_name: str
    venue_kind: str
    venue_name: str
    region_name: str
    start_date: date
    end_date: date
    seats_left: int
    capacity: int
    certificate_name: str
    description: str
    job_titles: tuple[str, ...]


def _public_order_filter(today: date) -> ColumnElement[bool]:
    return and_(
        JobOrder.status == "open",
        JobOrder.internal.is_(False),
        JobOrder.filled < JobOrder.headcount,
        or_(JobOrder.expires_on.is_(None), JobOrder.expires_on >= today),
    )


def _public_orders(today: date) -> Select[Any]:
    return select(JobOrder).where(_public_order_filter(today))


def _job(order: JobOrder) -> BoardJob:
    route = reference.routes().get(order.route)
    return BoardJob(
        id=order.id,
        title=order.title,
        occupation_name=reference.occupation_name(order.occupation_code),
        employer_name=order.employer.name,
        region_name=reference.region_name(order.region_code, full=True),
        wage_min=order.wage_min,
        wage_max=order.wage_max,
        openings=max(order.headcount - order.filled, 0),
        route_name=route["name_zh"] if route else order.route,
        housing=order.housing,
        board=order.board,
        public_welfare=order.public_welfare,
        start_date=order.start_date,
        expires_on=order.expires_on,
        description=order.description,
        skills=tuple(order.skills or ()),
        certificates_required=tuple(order.certificates_required or ()),
        age_min=order.age_min,
        age_max=order.age_max,
        cross_province=not within(order.region_code, HOME_PROVINCE),
    )


def list_jobs(
    session: Session,
    *,
    q: str = "",
    occupation: str | None = None,
    region_code: str | None = None,
    wage: int | None = None,
    route: str | None = None,
    scope: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    today: date | None = None,
) -> Page:
    """Open public job orders, newest first. ``wage``: the order pays at least this much (its maximum, else its
    minimum); ``scope``: local, province or cross (see :data:`SCOPES`)."""
    today = today or date.today()
    stmt = _public_orders(today).join(Employer, Employer.id == JobOrder.employer_id)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(JobOrder.title.like(like), Employer.name.like(like)))
    if occupation:
        code = reference.taxonomy().resolve(occupation) or occupation
        stmt = stmt.where(JobOrder.occupation_code == code)
    if region_code:
        stmt = stmt.where(JobOrder.region_code.startswith(region_prefix(region_code)))
    if wage:
        stmt = stmt.where(func.coalesce(JobOrder.wage_max, JobOrder.wage_min) >= wage)
    if route:
        stmt = stmt.where(JobOrder.route == route)
    city, province = region_prefix(HOME_CITY), region_prefix(HOME_PROVINCE)
    if scope == "local":
        stmt = stmt.where(JobOrder.region_code.startswith(city))
    elif scope == "province":
        stmt = stmt.where(JobOrder.region_code.startswith(province), ~JobOrder.region_code.startswith(city))
    elif scope == "cross":
        stmt = stmt.where(~JobOrder.region_code.startswith(province))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.options(selectinload(JobOrder.employer))
        .order_by(JobOrder.created_at.desc(), JobOrder.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page([_job(o) for o in rows], total, page, per_page)


def public_job(session: Session, order_id: int, *, today: date | None = None) -> JobOrder:
    """An order the board shows; 404 for one that is internal, closed, full, expired or missing."""
    order = session.scalar(_public_orders(today or date.today()).where(JobOrder.id == order_id))
    if order is None:
        raise NotFound("该岗位不存在或已停止招聘")
    return order


def get_job(session: Session, order_id: int, *, today: date | None = None) -> BoardJob:
    return _job(public_job(session, order_id, today=today))


def _open_course_filter(today: date) -> ColumnElement[bool]:
    return and_(Course.status == "open", Course.end_date >= today)


def _open_courses(today: date) -> Select[Any]:
    return select(Course).where(_open_course_filter(today))


def _seats(session: Session, course_ids: list[int]) -> dict[int, int]:
    if not course_ids:
        return {}
    rows = session.execute(
        select(Enrolment.course_id, func.count(Enrolment.id))
        .where(Enrolment.course_id.in_(course_ids), Enrolment.status.in_(("enrolled", "completed")))
        .group_by(Enrolment.course_id)
    ).all()
    return {cid: int(n) for cid, n in rows}


def _course(course: Course, taken: int) -> BoardCourse:
    return BoardCourse(
        id=course.id,
        title=course.title,
        occupation_name=reference.occupation_name(course.occupation_code),
        provider_name=course.provider.name,
        venue_kind=course.venue_kind,
        venue_name=course.venue_name,
        region_name=reference.region_name(course.region_code, full=True),
        start_date=course.start_date,
        end_date=course.end_date,
        seats_left=max(course.capacity - taken, 0),
        capacity=course.capacity,
        certificate_name=course.certificate_name,
        description=course.description,
        job_titles=tuple(o.title for o in course.job_orders if o.status == "open" and not o.internal),
    )


def list_courses(
    session: Session,
    *,
    q: str = "",
    occupation: str | None = None,
    region_code: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    today: date | None = None,
) -> Page:
    """Open courses that have not ended, soonest first."""
    today = today or date.today()
    stmt = _open_courses(today)
    if q:
        stmt = stmt.where(or_(Course.title.like(f"%{q}%"), Course.venue_name.like(f"%{q}%")))
    if occupation:
        code = reference.taxonomy().resolve(occupation) or occupation
        stmt = stmt.where(Course.occupation_code == code)
    if region_code:
        stmt = stmt.where(Course.region_code.startswith(region_prefix(region_code)))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = list(
        session.scalars(
            stmt.options(selectinload(Course.provider), selectinload(Course.job_orders))
            .order_by(Course.start_date, Course.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    taken = _seats(session, [c.id for c in rows])
    return Page([_course(c, taken.get(c.id, 0)) for c in rows], total, page, per_page)


def public_course(session: Session, course_id: int, *, today: date | None = None) -> Course:
    course = session.scalar(_open_courses(today or date.today()).where(Course.id == course_id))
    if course is None:
        raise NotFound("该课程不存在或已停止报名")
    return course


def get_course(session: Session, course_id: int, *, today: date | None = None) -> BoardCourse:
    course = public_course(session, course_id, today=today)
    return _course(course, _seats(session, [course.id]).get(course.id, 0))


def filter_options(session: Session, *, today: date | None = None) -> dict[str, list[tuple[str, str]]]:
    """Choices for the board's filters, from what is on the board: occupations of open orders and courses;
    places — the home city and its counties, then the other cities of the province and the other provinces
    that orders are in."""
    today = today or date.today()
    codes = set(session.scalars(select(JobOrder.occupation_code).where(_public_order_filter(today))))
    codes |= set(session.scalars(select(Course.occupation_code).where(_open_course_filter(today))))
    occupations = sorted(((c, reference.occupation_name(c)) for c in codes), key=lambda p: p[1])
    counties = [
        (code, reference.region_name(code))
        for code, _name in reference.region_options(HOME_CITY)
        if len(code) == 6 and code != HOME_CITY
    ]
    outside = set()  # other cities of the home province, other provinces
    for code in session.scalars(select(JobOrder.region_code).where(_public_order_filter(today)).distinct()):
        if not within(code, HOME_CITY):
            outside.add(code[:4] + "00" if within(code, HOME_PROVINCE) else code[:2] + "0000")
    places = [(HOME_CITY, reference.region_name(HOME_CITY))] + counties
    places += sorted((c, reference.region_name(c)) for c in outside if c in reference.region_names())
    return {
        "occupations": occupations,
        "places": places,
        "routes": reference.route_options(),
    }


def signup_regions() -> list[tuple[str, list[tuple[str, str]]]]:
    """Villages and townships of the home city for the sign-up form, grouped by county: (county name,
    [(code, "township village")])."""
    names = reference.region_names()
    groups: dict[str, list[tuple[str, str]]] = {}
    for code in sorted(names):
        if not within(code, HOME_CITY) or len(code) < 9:
            continue
        county = code[:6]
        township = code[:9]
        label = names[code] if len(code) == 9 else f"{names.get(township, '')} {names[code]}"
        groups.setdefault(county, []).append((code, label))
    return [(names.get(county, county), options) for county, options in sorted(groups.items())]
