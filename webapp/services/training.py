"""Training institutions take orders (培训机构接单): training needs, courses, enrolment, attendance, completion
and certificates, and the training ledger (培训台账).

Who sees what:

- training needs are computed by the engine (``matcher.training_gaps``) over every open job order (demand may be
  anywhere: Puyang people go to Jiangsu) against the workers the viewer is responsible for — staff: the workers of
  their region; trainers: the whole city they plan courses for (their account's region, else Puyang); admins:
  everyone. Unverified sign-ups are left out until staff confirm them;
- a trainer manages the courses of their own institution and sees trainees only as enrolment needs them: name,
  masked ID number and phone, sex, age, home — never registered-poor or disability status;
- staff and admins may read every course; the full ID numbers in a ledger are only for staff whose region
  covers the trainee (and admins), and every export is audited.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

import config
import matcher
from webapp import policy
from webapp.errors import Conflict, NotFound, ValidationError
from webapp.i18n import N_
from webapp.models import JobOrder, Placement, Worker
from webapp.models.training import (
    ENROLMENT_SOURCES,
    VENUE_KINDS,
    Attendance,
    Course,
    Enrolment,
    SignupRequest,
    TrainingProvider,
)
from webapp.services import audit, ranking, reference, transaction
from webapp.services.job_orders import parse_occupation
from webapp.services.scope import Actor, region_prefix, within
from webapp.services.validation import (
    Collector,
    FieldError,
    mask_id_number,
    mask_phone,
    parse_date,
    parse_id_list,
    parse_int,
    parse_region,
    parse_text,
    reject_unknown,
    to_halfwidth,
)
from webapp.services.workers import Page, age_on

#: The city the bureau serves: trainers plan courses for all of it.
HOME_CITY = "410900"

COURSE_FIELDS = (
    "title",
    "occupation",
    "venue_kind",
    "venue_name",
    "region_code",
    "capacity",
    "start_date",
    "end_date",
    "cost",
    "certificate_name",
    "description",
    "job_order_ids",
)
ACTIVE_ENROLMENT = ("enrolled", "completed")
RESULT_OUTCOMES = ("completed", "failed", "withdrawn")


# --- who may do what ---------------------------------------------------------------------------------------


def require_training_reader(actor: Actor) -> None:
    policy.require(actor, "read", "training_need")


def supply_prefix(actor: Actor) -> str:
    """The region prefix of the workers this actor plans training for ('' = everyone): their jurisdiction (a
    trainer without one plans for the home city)."""
    require_training_reader(actor)
    region = policy.jurisdiction(actor, default=HOME_CITY)
    return region_prefix(region) if region else ""


def provider_for(session: Session, actor: Actor, *, create: bool = False) -> TrainingProvider | None:
    """The institution a trainer account manages; with ``create`` it is made on first use, named after the
    account (``濮阳市职业技能培训学校 孙老师`` → ``濮阳市职业技能培训学校``). The caller commits."""
    if actor.user_id is None or not policy.can(actor, "create", TrainingProvider):
        return None
    provider = session.scalar(select(TrainingProvider).where(TrainingProvider.user_id == actor.user_id))
    if provider is None and create:
        from webapp.models import User

        user = session.get(User, actor.user_id)
        label = (user.display_name if user else "") or actor.username or "培训机构"
        provider = TrainingProvider(
            name=label.split()[0][:128],
            region_code=actor.region_code or HOME_CITY,
            user_id=actor.user_id,
        )
        session.add(provider)
        session.flush()
    return provider


def may_manage(actor: Actor, course: Course) -> bool:
    return policy.can(actor, "update", course)


def check_manage(actor: Actor, course: Course, action: str = "update") -> None:
    policy.require(actor, action, course)


def get_course(session: Session, actor: Actor, course_id: int) -> Course:
    """A course the actor may read: staff and admins read all; a trainer only their institution's."""
    return policy.require(actor, "read", session.get(Course, course_id))


def _check_venue(actor: Actor, region_code: str | None) -> None:
    if region_code and not policy.can(actor, "place", Course(region_code=region_code)):
        raise ValidationError("培训场所应在本市范围内", fields={"region_code": "培训场所应在本市范围内"})


# --- training needs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    """Unmet demand for one occupation in one county, as ``matcher.TrainingGap`` with display names."""

    occupation: str
    occupation_name: str
    region_code: str
    region_name: str
    demand: int
    qualified_supply: int
    gap: int
    wished_by: int
    near_miss: tuple[int, ...]
    wished_by_ids: tuple[int, ...]
    order_ids: tuple[int, ...]


def _open_orders(session: Session, today: date) -> list[JobOrder]:
    stmt = select(JobOrder).where(
        JobOrder.status == "open", or_(JobOrder.expires_on.is_(None), JobOrder.expires_on >= today)
    )
    return list(session.scalars(stmt.order_by(JobOrder.id)))


def _workers_for(session: Session, prefix: str) -> list[matcher.WorkerProfile]:
    stmt = select(Worker).where(Worker.verified.is_(True))
    if prefix:
        stmt = stmt.where(Worker.region_code.startswith(prefix))
    return [ranking.profile_from_row(w) for w in session.scalars(stmt)]


def _threshold() -> float:
    return float(reference.scoring().qualified_threshold)


def training_needs(
    session: Session,
    actor: Actor,
    *,
    region_code: str | None = None,
    occupation: str | None = None,
    today: date | None = None,
) -> list[Need]:
    """Demand, qualified supply, gap, wishes and near misses per (occupation, county of the place of work),
    largest gap first. ``region_code`` keeps the needs whose place lies at or below it; ``occupation`` (a code)
    one occupation. Qualified means an engine fit of at least ``[training_needs].qualified_threshold``."""
    require_training_reader(actor)
    today = today or date.today()
    orders = _open_orders(session, today)
    if occupation:
        orders = [o for o in orders if o.occupation_code == occupation]
    gaps = matcher.training_gaps(
        [ranking.order_profile(o) for o in orders],
        _workers_for(session, supply_prefix(actor)),
        reference.match_context(today),
        threshold=_threshold(),
    )
    out = []
    for g in gaps:
        if region_code and not within(g.region_code, region_code):
            continue
        out.append(
            Need(
                occupation=g.occupation,
                occupation_name=g.occupation_name,
                region_code=g.region_code,
                region_name=reference.region_name(g.region_code, full=True),
                demand=g.demand,
                qualified_supply=g.qualified_supply,
                gap=g.gap,
                wished_by=g.wished_by,
                near_miss=g.near_miss,
                wished_by_ids=g.wished_by_ids,
                order_ids=g.order_ids,
            )
        )
    return out


def need_to_dict(need: Need) -> dict[str, Any]:
    """The API's shape (DESIGN.md) plus display names and the near-miss count."""
    return {
        "occupation": need.occupation,
        "occupation_name": need.occupation_name,
        "region_code": need.region_code,
        "region_name": need.region_name,
        "demand": need.demand,
        "qualified_supply": need.qualified_supply,
        "gap": need.gap,
        "wished_by": need.wished_by,
        "near_miss": len(need.near_miss),
    }


@dataclass(frozen=True)
class HeatMap:
    """The gap by occupation (rows) × county (columns); ``cells[(occupation, region)]`` is the gap."""

    occupations: list[tuple[str, str]]
    regions: list[tuple[str, str]]
    cells: dict[tuple[str, str], int]
    maximum: int

    def shade(self, occupation: str, region: str) -> float:
        """The cell's intensity in [0, 1] (0 for no gap)."""
        value = self.cells.get((occupation, region), 0)
        return round(value / self.maximum, 2) if self.maximum else 0.0


def heat_map(needs: Sequence[Need], *, max_rows: int = 15, max_columns: int = 12) -> HeatMap:
    """The largest gaps as a grid of at most ``max_rows`` × ``max_columns``: the counties of the home city first,
    then the other places, each by total gap; the occupations with the largest gap within those columns."""
    by_region: dict[str, int] = {}
    names: dict[str, str] = {}
    cells: dict[tuple[str, str], int] = {}
    for need in needs:
        if need.gap <= 0:
            continue
        by_region[need.region_code] = by_region.get(need.region_code, 0) + need.gap
        names[need.occupation] = need.occupation_name
        cells[(need.occupation, need.region_code)] = need.gap
    home = region_prefix(HOME_CITY)
    regions = sorted(by_region, key=lambda r: (not r.startswith(home), -by_region[r], r))[:max_columns]
    shown_regions = set(regions)
    by_occupation: dict[str, int] = {}  # the gap within the columns shown, so that no row is empty
    for (occupation, region), gap in cells.items():
        if region in shown_regions:
            by_occupation[occupation] = by_occupation.get(occupation, 0) + gap
    occupations = sorted(by_occupation, key=lambda o: (-by_occupation[o], o))[:max_rows]
    shown = {k: v for k, v in cells.items() if k[0] in occupations and k[1] in regions}
    return HeatMap(
        occupations=[(o, names[o]) for o in occupations],
        regions=[(r, reference.region_name(r)) for r in regions],
        cells=shown,
        maximum=max(shown.values(), default=0),
    )


# --- courses ----------------------------------------------------------------------------------------------


def certificate_options(occupation_code: str) -> list[str]:
    """The certificates the taxonomy names for an occupation (a course awards one of them)."""
    try:
        return list(reference.taxonomy().occupation(occupation_code).certificates)
    except KeyError:
        return []


def default_certificate(occupation_code: str) -> str:
    options = certificate_options(occupation_code)
    if options:
        return options[0]
    return f"{reference.occupation_name(occupation_code)}培训结业证书"


def _parse_ids(raw: Any) -> list[int]:
    if raw is None or raw == "":
        return []
    items = raw if isinstance(raw, list | tuple) else str(raw).replace("，", ",").split(",")
    items = [item for item in items if not (isinstance(item, str) and not item.strip())]
    return parse_id_list(items, max_items=50, label="岗位")


def _validate_course(
    data: Mapping[str, Any], *, partial: bool, current: Course | None, today: date
) -> dict[str, Any]:
    reject_unknown(data, COURSE_FIELDS)
    c = Collector()
    out: dict[str, Any] = {}

    def want(name: str) -> bool:
        return not partial or name in data

    if want("title"):
        out["title"] = c.field("title", parse_text, data.get("title"), max_len=128, label="课程名称")
    if want("occupation"):
        out["occupation_code"] = c.field("occupation", parse_occupation, data.get("occupation"))
    if want("venue_kind"):
        kind = data.get("venue_kind") or "base"
        if kind not in VENUE_KINDS:
            c.add("venue_kind", "请选择培训基地或教学点")
        out["venue_kind"] = kind
    if want("venue_name"):
        out["venue_name"] = c.field(
            "venue_name", parse_text, data.get("venue_name"), max_len=128, label="培训场所名称"
        )
    if want("region_code"):
        out["region_code"] = c.field("region_code", parse_region, data.get("region_code"))
    if want("capacity"):
        out["capacity"] = c.field(
            "capacity", parse_int, data.get("capacity"), required=True, minimum=1, maximum=1000
        )
    for name in ("start_date", "end_date"):
        if want(name):
            out[name] = c.field(name, parse_date, data.get(name), required=True)
    if want("cost"):
        out["cost"] = c.field("cost", parse_int, data.get("cost"), minimum=0, maximum=100000) or 0
    if want("certificate_name"):
        out["certificate_name"] = c.field(
            "certificate_name", parse_text, data.get("certificate_name"), required=False, max_len=128
        )
    if want("description"):
        out["description"] = c.field(
            "description", parse_text, data.get("description"), required=False, max_len=4000
        )
    if want("job_order_ids"):
        out["job_order_ids"] = c.field("job_order_ids", _parse_ids, data.get("job_order_ids")) or []

    def merged(name: str) -> Any:
        if name in out:
            return out[name]
        return getattr(current, name) if current is not None else None

    start, end = merged("start_date"), merged("end_date")
    if start and end and end < start and "start_date" not in c.errors:
        c.add("end_date", "结业日期不能早于开班日期")
    if current is None and end and end < today and "end_date" not in c.errors:
        c.add("end_date", "结业日期不能早于今天")
    code = merged("occupation_code")
    cert = out.get("certificate_name")
    if code and "certificate_name" in out and not cert:
        out["certificate_name"] = default_certificate(code)
    elif code and cert:
        options = certificate_options(code)
        if options and cert not in options:
            c.add("certificate_name", "应为该工种的证书之一：" + "、".join(options))
    c.done()
    return out


def _link_orders(session: Session, course: Course, order_ids: Iterable[int]) -> None:
    ids = list(order_ids)
    orders = list(session.scalars(select(JobOrder).where(JobOrder.id.in_(ids)))) if ids else []
    found = {o.id for o in orders}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(
            "关联的岗位不存在", fields={"job_order_ids": "不存在的岗位：" + "、".join(map(str, missing))}
        )
    other = [o.id for o in orders if o.occupation_code != course.occupation_code]
    if other:
        raise ValidationError(
            "关联岗位的工种应与课程一致",
            fields={"job_order_ids": "工种不同的岗位：" + "、".join(map(str, other))},
        )
    closed = [o.id for o in orders if o.status != "open" and o not in course.job_orders]
    if closed:
        raise ValidationError(
            "只能关联招聘中的岗位", fields={"job_order_ids": "不在招聘中：" + "、".join(map(str, closed))}
        )
    course.job_orders = sorted(orders, key=lambda o: ids.index(o.id))


def create_course(
    session: Session, actor: Actor, data: Mapping[str, Any], *, today: date | None = None
) -> Course:
    """A trainer opens a course for their institution (created on first use), linked to job orders."""
    policy.require(actor, "create", Course)
    values = _validate_course(data, partial=False, current=None, today=today or date.today())
    _check_venue(actor, values["region_code"])
    order_ids = values.pop("job_order_ids")
    with transaction(session):
        provider = provider_for(session, actor, create=True)
        assert provider is not None
        course = Course(**values, provider_id=provider.id, status="open", created_by=actor.user_id)
        session.add(course)
        session.flush()
        _link_orders(session, course, order_ids)
        audit.record(session, actor, "create", "course", course.id, job_order_ids=order_ids)
    return course


def update_course(
    session: Session, actor: Actor, course_id: int, data: Mapping[str, Any], *, today: date | None = None
) -> Course:
    course = get_course(session, actor, course_id)
    check_manage(actor, course)
    if course.status != "open":
        raise Conflict("课程已结业或已取消，不能修改")
    values = _validate_course(data, partial=True, current=course, today=today or date.today())
    _check_venue(actor, values.get("region_code"))
    if "capacity" in values:
        taken = _active_count(session, course.id)
        if values["capacity"] < taken:
            raise ValidationError(
                "名额不能少于已报名人数", fields={"capacity": f"已有{taken}人报名，名额不能少于{taken}"}
            )
    with transaction(session):
        order_ids = values.pop("job_order_ids", None)
        for key, value in values.items():
            setattr(course, key, value)
        if order_ids is not None:
            _link_orders(session, course, order_ids)
        audit.record(session, actor, "update", "course", course.id, fields=sorted(data))
    return course


def list_courses(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    occupation: str | None = None,
    region_code: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    policy.require(actor, "list", Course, message="仅限人社部门工作人员和培训机构")
    stmt = policy.scoped(actor, select(Course), Course)
    if status:
        stmt = stmt.where(Course.status == status)
    if occupation:
        stmt = stmt.where(Course.occupation_code == occupation)
    if region_code:
        stmt = stmt.where(Course.region_code.startswith(region_prefix(region_code)))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Course.start_date.desc(), Course.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(list(rows), total, page, per_page)


def _active_count(session: Session, course_id: int) -> int:
    return (
        session.scalar(
            select(func.count(Enrolment.id)).where(
                Enrolment.course_id == course_id, Enrolment.status.in_(ACTIVE_ENROLMENT)
            )
        )
        or 0
    )


def seats_left(session: Session, course: Course) -> int:
    return max(course.capacity - _active_count(session, course.id), 0)


def course_to_dict(session: Session, course: Course) -> dict[str, Any]:
    counts = dict(
        session.execute(
            select(Enrolment.status, func.count(Enrolment.id))
            .where(Enrolment.course_id == course.id)
            .group_by(Enrolment.status)
        ).all()
    )
    certified = (
        session.scalar(
            select(func.count(Enrolment.id)).where(
                Enrolment.course_id == course.id, Enrolment.certificate_number.is_not(None)
            )
        )
        or 0
    )
    return {
        "id": course.id,
        "title": course.title,
        "provider_id": course.provider_id,
        "provider_name": course.provider.name,
        "occupation": course.occupation_code,
        "occupation_name": reference.occupation_name(course.occupation_code),
        "venue_kind": course.venue_kind,
        "venue_name": course.venue_name,
        "region_code": course.region_code,
        "region_name": reference.region_name(course.region_code, full=True),
        "capacity": course.capacity,
        "start_date": course.start_date.isoformat(),
        "end_date": course.end_date.isoformat(),
        "cost": course.cost,
        "certificate_name": course.certificate_name,
        "status": course.status,
        "job_order_ids": [o.id for o in course.job_orders],
        "enrolled": int(counts.get("enrolled", 0)) + int(counts.get("completed", 0)),
        "completed": int(counts.get("completed", 0)),
        "certified": int(certified),
    }


# --- trainees as a trainer may see them -------------------------------------------------------------------


@dataclass(frozen=True)
class Trainee:
    """A worker as enrolment needs them: no registered-poor or disability status, ID and phone masked."""

    worker_id: int
    name: str
    id_number_masked: str
    phone_masked: str
    sex: str
    age: int
    region_name: str


def trainee_view(worker: Worker, today: date) -> Trainee:
    return Trainee(
        worker_id=worker.id,
        name=worker.name,
        id_number_masked=mask_id_number(worker.id_number),
        phone_masked=mask_phone(worker.phone),
        sex=worker.sex,
        age=age_on(worker.birth_date, today),
        region_name=reference.region_name(worker.region_code, full=True),
    )


@dataclass(frozen=True)
class Chances:
    """How a course changes one worker's chances on the orders it trains for.

    ``now`` and ``after`` are the best engine score over the orders whose hard constraints the worker meets,
    without and with the course (its certificate and completed training). ``only_certificate``: they have the
    skill and lack only a certificate the orders require and the course awards (a near miss, 差证);
    ``qualifies_after``: the course lifts them over the qualification threshold; ``qualified_now``: they already
    qualify and hold what the orders require.

    >>> Chances(0.55, 0.85, False, True, False).tier, Chances(0.65, 0.8, True, True, False).tier
    (1, 0)
    """

    now: float = 0.0
    after: float = 0.0
    only_certificate: bool = False
    qualifies_after: bool = False
    qualified_now: bool = False

    @property
    def gain(self) -> float:
        return self.after - self.now

    @property
    def tier(self) -> int:
        """0 near misses, 1 qualified by the course, 2 helped but not qualified, 3 qualified already."""
        if self.qualified_now:
            return 3
        if self.only_certificate:
            return 0
        return 1 if self.qualifies_after else 2


@dataclass(frozen=True)
class Proposal:
    """A worker to enrol, why, and how the course would change their chances. ``reason`` is a msgid and its
    values, translated where shown."""

    trainee: Trainee
    source: str  # "signup" | "wished" | "near_miss"
    reason: tuple[str, dict[str, Any]]
    chances: Chances = field(default_factory=Chances)


def _asked_for(texts: Iterable[str], code: str) -> bool:
    tax = reference.taxonomy()
    return any(tax.resolve(t) == code for t in texts if t)


SOURCE_RANK = {"signup": 0, "wished": 1, "near_miss": 2}


def _proposal_key(p: Proposal) -> tuple[int, float, int, int]:
    return (p.chances.tier, -round(p.chances.gain, 6), SOURCE_RANK[p.source], p.trainee.worker_id)


def course_chances(
    orders: Sequence[matcher.JobOrderProfile],
    worker: matcher.WorkerProfile,
    trained: matcher.WorkerProfile,
    ctx: matcher.MatchContext,
    *,
    threshold: float,
    relevant_only: bool,
) -> tuple[Chances, int | None] | None:
    """The worker's :class:`Chances` and the order the course qualifies them for (if any); ``None`` when no
    order's hard constraints allow them (or, with ``relevant_only``, none is relevant to them)."""
    best_now = best_after = 0.0
    only_cert = lifts = qualified = False
    lifted_on: int | None = None
    allowed = False
    for order in orders:
        if matcher.check_constraints(order, trained, ctx) is not None:
            continue
        if relevant_only and not matcher.is_relevant(order, trained, ctx):
            continue
        allowed = True
        before, after = matcher.score_pair(order, worker, ctx), matcher.score_pair(order, trained, ctx)
        if before is None or after is None:
            continue
        best_now, best_after = max(best_now, before.score), max(best_after, after.score)
        missing = after.breakdown["certificates"] > before.breakdown["certificates"]
        if before.score >= threshold and not missing:
            qualified = True
        if after.score >= threshold and (before.score < threshold or missing):
            lifts = True
            lifted_on = lifted_on or order.id
            if missing and before.breakdown["occupation"] >= 1.0:
                only_cert = True
                lifted_on = order.id
    if not allowed:
        return None
    return Chances(best_now, best_after, only_cert, lifts, qualified), lifted_on


def propose_enrolees(
    session: Session,
    actor: Actor,
    course_id: int,
    *,
    page: int = 1,
    per_page: int = 50,
    today: date | None = None,
) -> tuple[Course, Page]:
    """Seeking, verified workers of the trainer's city to enrol, one page of :class:`Proposal` at a time.

    Candidates are those who signed up for this course on the board, those who asked for this training and
    those relevant to the linked orders (or to every open order of the occupation when none is linked). A
    candidate must meet the hard constraints (age limits, mobility, public-welfare eligibility …) of at least
    one of these orders. They are ranked by how much the course would change their chances (:class:`Chances`):
    near misses lacking only the certificate first, then those the course would qualify, then by the rise in
    their best score. The policy's ``propose`` rule keeps workers who did not consent to share from trainers.
    """
    today = today or date.today()
    course = get_course(session, actor, course_id)
    check_manage(actor, course, "enrol")
    taken = set(session.scalars(select(Enrolment.worker_id).where(Enrolment.course_id == course.id)))
    name = reference.occupation_name(course.occupation_code)

    def scoped(stmt: Any) -> Any:
        # only workers who may be proposed to this actor: a trainer, consenting workers of its region
        return stmt.where(
            Worker.verified.is_(True), Worker.status == "seeking", policy.filter_for(actor, Worker, "propose")
        )

    signed = set(
        session.scalars(
            scoped(
                select(Worker.id)
                .join(SignupRequest, SignupRequest.worker_id == Worker.id)
                .where(SignupRequest.course_id == course.id, SignupRequest.status != "rejected")
            )
        )
    )
    orders = [o for o in course.job_orders if o.status == "open"] or [
        o for o in _open_orders(session, today) if o.occupation_code == course.occupation_code
    ]
    ctx = reference.match_context(today)
    profiles = [ranking.order_profile(o) for o in orders]
    titles = {o.id: o.title for o in orders}
    threshold = _threshold()
    proposals: list[Proposal] = []
    for worker in session.scalars(scoped(select(Worker)).order_by(Worker.id)):
        if worker.id in taken:
            continue
        wished = _asked_for(worker.desired_training or (), course.occupation_code)
        source = "signup" if worker.id in signed else "wished" if wished else "near_miss"
        chances, lifted_on = Chances(), None
        if profiles:
            before = ranking.profile_from_row(worker)
            trained = replace(
                before,
                certificates=(*before.certificates, course.certificate_name),
                completed_training=(*before.completed_training, name),
            )
            found = course_chances(
                profiles, before, trained, ctx, threshold=threshold, relevant_only=source == "near_miss"
            )
            if found is None:
                continue
            chances, lifted_on = found
            if source == "near_miss" and chances.gain <= 0:
                continue
        elif source == "near_miss":
            continue
        if chances.only_certificate and lifted_on is not None:
            reason = (N_("只差本课程的证书即可胜任“%(title)s”"), {"title": titles[lifted_on]})
        elif chances.qualifies_after and lifted_on is not None:
            reason = (N_("参加本课程后即可胜任“%(title)s”"), {"title": titles[lifted_on]})
        elif source == "signup":
            reason = (N_("在公开栏报名本课程"), {})
        elif source == "wished":
            reason = (N_("希望参加%(name)s培训"), {"name": name})
        else:
            reason = (N_("参加培训后匹配度提高%(points)s分"), {"points": round(chances.gain * 100)})
        proposals.append(Proposal(trainee_view(worker, today), source, reason, chances))
    proposals.sort(key=_proposal_key)
    start = (page - 1) * per_page
    return course, Page(proposals[start : start + per_page], len(proposals), page, per_page)


# --- enrolment, attendance, results -------------------------------------------------------------------------


def enrol(
    session: Session, actor: Actor, course_id: int, picks: Mapping[int, str], *, today: date | None = None
) -> list[Enrolment]:
    """Enrol workers (id → how they were proposed) on an open course within its capacity; a seeking worker is
    then "in training" until their result is recorded."""
    course = get_course(session, actor, course_id)
    check_manage(actor, course, "enrol")
    if course.status != "open":
        raise Conflict("课程已结业或已取消，不能报名")
    if not picks:
        raise ValidationError("请选择要报名的学员", fields={"worker_ids": "请至少选择一人"})
    with transaction(session):
        # lock the course row (PostgreSQL) so that two clerks cannot both take the last seats
        session.execute(select(Course.id).where(Course.id == course.id).with_for_update())
        workers = {w.id: w for w in session.scalars(select(Worker).where(Worker.id.in_(list(picks))))}
        errors = [
            str(wid)
            for wid in picks
            if wid not in workers
            or not workers[wid].verified
            or not policy.can(actor, "propose", workers[wid])
        ]
        if errors:
            raise ValidationError(
                "有学员不存在或尚未核实", fields={"worker_ids": "无法报名：" + "、".join(errors)}
            )
        already = set(
            session.scalars(
                select(Enrolment.worker_id).where(
                    Enrolment.course_id == course.id, Enrolment.worker_id.in_(list(picks))
                )
            )
        )
        if already:
            names = "、".join(workers[w].name for w in sorted(already))
            raise Conflict("有学员已报名本课程", fields={"worker_ids": f"已报名：{names}"})
        left = course.capacity - _active_count(session, course.id)
        if len(picks) > left:
            raise Conflict(
                "名额不足", fields={"worker_ids": f"剩余名额{max(left, 0)}个，选择了{len(picks)}人"}
            )
        rows = []
        for wid, source in picks.items():
            row = Enrolment(
                course_id=course.id,
                worker_id=wid,
                status="enrolled",
                source=source if source in ENROLMENT_SOURCES else "manual",
            )
            session.add(row)
            rows.append(row)
            if workers[wid].status == "seeking":
                workers[wid].status = "in_training"
        session.flush()
        for row in rows:
            audit.record(
                session, actor, "enrol", "enrolment", row.id, course_id=course.id, worker_id=row.worker_id
            )
    return rows


def get_enrolment(session: Session, actor: Actor, enrolment_id: int) -> Enrolment:
    enrolment = session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise NotFound()
    get_course(session, actor, enrolment.course_id)
    return enrolment


def course_days(course: Course, today: date) -> list[date]:
    """The course days up to today (attendance is recorded for days that have come)."""
    last = min(course.end_date, today)
    return [course.start_date + timedelta(days=i) for i in range((last - course.start_date).days + 1)]


def attendance_sheet(session: Session, course: Course, day: date) -> dict[int, bool]:
    """enrolment id → present, for the day's recorded attendance."""
    rows = session.execute(
        select(Attendance.enrolment_id, Attendance.present)
        .join(Enrolment)
        .where(Enrolment.course_id == course.id, Attendance.day == day)
    ).all()
    return {eid: present for eid, present in rows}


def attendance_counts(session: Session, course: Course) -> dict[int, int]:
    """enrolment id → days present."""
    rows = session.execute(
        select(Attendance.enrolment_id, func.count(Attendance.id))
        .join(Enrolment)
        .where(Enrolment.course_id == course.id, Attendance.present.is_(True))
        .group_by(Attendance.enrolment_id)
    ).all()
    return {eid: int(n) for eid, n in rows}


def record_attendance(
    session: Session,
    actor: Actor,
    course_id: int,
    day: Any,
    present: Iterable[int],
    *,
    today: date | None = None,
) -> int:
    """The roll call of one course day: every active trainee is marked present or absent. Returns how many
    were present."""
    today = today or date.today()
    course = get_course(session, actor, course_id)
    check_manage(actor, course, "attendance")
    try:
        when = parse_date(day, required=True)
    except FieldError as err:
        raise ValidationError("日期有误", fields={"day": str(err)}) from None
    assert when is not None
    if not course.start_date <= when <= course.end_date:
        raise ValidationError(
            "日期不在培训期内",
            fields={"day": f"应在 {course.start_date.isoformat()} 至 {course.end_date.isoformat()} 之间"},
        )
    if when > today:
        raise ValidationError("不能登记未来日期的考勤", fields={"day": "不能晚于今天"})
    present_ids = set(present)
    with transaction(session):
        active = list(
            session.scalars(
                select(Enrolment).where(
                    Enrolment.course_id == course.id, Enrolment.status.in_(ACTIVE_ENROLMENT)
                )
            )
        )
        unknown = present_ids - {e.id for e in active}
        if unknown:
            raise ValidationError(
                "有学员不在本课程", fields={"present": "、".join(map(str, sorted(unknown)))}
            )
        existing = {
            a.enrolment_id: a
            for a in session.scalars(
                select(Attendance).where(
                    Attendance.enrolment_id.in_([e.id for e in active]), Attendance.day == when
                )
            )
        }
        for enrolment in active:
            mark = enrolment.id in present_ids
            row = existing.get(enrolment.id)
            if row is None:
                session.add(Attendance(enrolment_id=enrolment.id, day=when, present=mark))
            else:
                row.present = mark
        audit.record(
            session, actor, "attendance", "course", course.id, day=when.isoformat(), present=len(present_ids)
        )
    return len(present_ids)


def parse_certificate_number(raw: Any) -> str | None:
    text = to_halfwidth(str(raw or "")).strip().upper()
    if not text:
        return None
    if len(text) < 4 or len(text) > 64 or not all(ch.isalnum() or ch in "-/" for ch in text):
        raise FieldError("证书编号应为4–64位字母、数字或 - /")
    return text


@dataclass(frozen=True)
class Result:
    """What recording a result did: the enrolment, and the worker's new rank (None: not ranked) on each linked
    open order, computed at once."""

    enrolment: Enrolment
    ranks: list[tuple[JobOrder, int | None]] = field(default_factory=list)


def _append(items: Sequence[str] | None, value: str) -> list[str]:
    out = list(items or [])
    if value and value not in out:
        out.append(value)
    return out


def _release(session: Session, worker: Worker, enrolment: Enrolment) -> None:
    """Back to "seeking" when no other course holds the worker."""
    if worker.status != "in_training":
        return
    other = session.scalar(
        select(func.count(Enrolment.id)).where(
            Enrolment.worker_id == worker.id, Enrolment.status == "enrolled", Enrolment.id != enrolment.id
        )
    )
    if not other:
        worker.status = "seeking"


def _claimed(session: Session, enrolment_id: int) -> bool:
    from webapp.models.training import SubsidyClaim, SubsidyClaimLine

    return (
        session.scalar(
            select(func.count(SubsidyClaimLine.id))
            .join(SubsidyClaim)
            .where(SubsidyClaimLine.enrolment_id == enrolment_id, SubsidyClaim.status != "returned")
        )
        or 0
    ) > 0


@dataclass(frozen=True)
class Confirmation:
    """What an irreversible step (结业, 批准, 支付) will do, shown for confirmation before it is taken.

    ``title`` and each line are a msgid (marked with ``N_``) and its values, translated where they are shown.

    >>> Confirmation((N_("确认课程结业"), {}), [(N_("学员结果：%(results)s"), {"results": "结业2人"})]).text()
    '确认课程结业\n学员结果：结业2人'
    """

    title: tuple[str, dict[str, Any]]
    lines: list[tuple[str, dict[str, Any]]]

    def text(self) -> str:
        """The summary in Chinese, one line each (for logs and tests)."""
        return "\n".join(msgid % values if values else msgid for msgid, values in (self.title, *self.lines))


def course_rules() -> dict[str, Any]:
    """``[course_rules]`` of ``config/subsidies.toml`` (the attendance threshold of 结业)."""
    return dict(config.load_subsidies()["course_rules"])


def attendance_of(session: Session, enrolment: Enrolment) -> tuple[int, int]:
    """``(days present, days of the course)`` of one trainee."""
    course = enrolment.course
    present = attendance_counts(session, course).get(enrolment.id, 0)
    return present, (course.end_date - course.start_date).days + 1


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


@dataclass(frozen=True)
class _ResultPlan:
    enrolment: Enrolment
    outcome: str
    when: date
    number: str | None
    issuer: str | None
    certified_on: date | None
    attended: tuple[int, int]


def _plan_result(
    session: Session,
    actor: Actor,
    enrolment_id: int,
    *,
    outcome: str,
    certificate_number: Any,
    certificate_issuer: Any,
    certified_on: Any,
    on: Any,
    today: date,
) -> _ResultPlan:
    """Every rule of a result, checked without writing: raises the error the step would raise."""
    enrolment = get_enrolment(session, actor, enrolment_id)
    policy.require(actor, "result", enrolment)
    course = enrolment.course
    check_manage(actor, course, "result")
    c = Collector()
    if outcome not in RESULT_OUTCOMES:
        c.add("outcome", "请选择结业、未通过或退出")
    number = c.field("certificate_number", parse_certificate_number, certificate_number)
    when = c.field("on", parse_date, on) or today
    issuer = c.field(
        "certificate_issuer", parse_text, certificate_issuer, required=False, max_len=128, label="发证机构"
    )
    issued = c.field("certified_on", parse_date, certified_on)
    if number and outcome != "completed":
        c.add("certificate_number", "只有结业的学员才能登记证书")
    if when > today:
        c.add("on", "不能晚于今天")
    if number:
        # a certificate counts only with its number, issuer and date of issue (证书三要素)
        if not issuer and "certificate_issuer" not in c.errors:
            c.add("certificate_issuer", "登记证书须填写发证机构")
        if issued is None and "certified_on" not in c.errors:
            c.add("certified_on", "登记证书须填写发证日期")
        elif issued is not None and not course.start_date <= issued <= today:
            c.add("certified_on", f"发证日期应在开班日期（{course.start_date.isoformat()}）至今天之间")
    attended = attendance_of(session, enrolment)
    message = None
    if outcome in ("completed", "failed") and not c.errors.get("outcome"):
        if today < course.end_date:
            c.add("outcome", f"课程结束日期为{course.end_date.isoformat()}，结业结果须在课程结束后登记")
            message = "课程结束前不能登记结业结果"
        elif when < course.end_date and "on" not in c.errors:
            c.add("on", f"结业日期不能早于课程结束日期（{course.end_date.isoformat()}）")
    if outcome == "completed" and message is None and enrolment.status != "completed":
        present, days = attended
        threshold = course_rules()["attendance_threshold"]
        if present < threshold * days:
            c.add(
                "outcome",
                f"出勤{present}天/共{days}天（{_percent(present / days)}），"
                f"低于结业要求的{_percent(threshold)}",
            )
            message = "出勤未达到结业要求，不能登记结业"
    if message:
        c.done(message)
    c.done()
    if course.status == "cancelled":
        raise Conflict("课程已取消")
    if _claimed(session, enrolment.id):
        raise Conflict("该学员已列入补贴申请，不能修改结业结果")
    if enrolment.status == "completed" and outcome != "completed":
        raise Conflict("该学员已结业，不能改为其他结果")
    if number:
        clash = session.scalar(
            select(Enrolment.id).where(Enrolment.certificate_number == number, Enrolment.id != enrolment.id)
        )
        if clash is not None:
            raise Conflict("证书编号已被登记", fields={"certificate_number": "该证书编号已属于另一名学员"})
    return _ResultPlan(enrolment, outcome, when, number, issuer, issued, attended)


def result_preview(
    session: Session,
    actor: Actor,
    enrolment_id: int,
    *,
    outcome: str,
    certificate_number: Any = None,
    certificate_issuer: Any = None,
    certified_on: Any = None,
    on: Any = None,
    today: date | None = None,
) -> Confirmation:
    """What :func:`record_result` with these values would do (the same checks; nothing is written)."""
    plan = _plan_result(
        session,
        actor,
        enrolment_id,
        outcome=outcome,
        certificate_number=certificate_number,
        certificate_issuer=certificate_issuer,
        certified_on=certified_on,
        on=on,
        today=today or date.today(),
    )
    e, course = plan.enrolment, plan.enrolment.course
    worker = e.worker
    present, days = plan.attended
    label = ENROLMENT_LABELS[plan.outcome]
    lines: list[tuple[str, dict[str, Any]]] = [
        (N_("学员：%(name)s（%(id)s）"), {"name": worker.name, "id": mask_id_number(worker.id_number)}),
        (
            N_("课程：%(title)s（%(start)s 至 %(end)s）"),
            {
                "title": course.title,
                "start": course.start_date.isoformat(),
                "end": course.end_date.isoformat(),
            },
        ),
        (N_("登记结果：%(outcome)s，日期 %(day)s"), {"outcome": label, "day": plan.when.isoformat()}),
        (N_("出勤：%(present)s天/共%(days)s天"), {"present": present, "days": days}),
    ]
    if plan.outcome == "completed":
        name = reference.occupation_name(course.occupation_code)
        lines.append((N_("“%(occupation)s”培训将记入其求职档案"), {"occupation": name}))
        if plan.number:
            assert plan.certified_on is not None
            lines.append(
                (
                    N_(
                        "证书：%(certificate)s，编号 %(number)s，发证机构 %(issuer)s，发证日期 %(day)s；"
                        "该证书将加入其求职档案，匹配时按持证计"
                    ),
                    {
                        "certificate": course.certificate_name,
                        "number": plan.number,
                        "issuer": plan.issuer,
                        "day": plan.certified_on.isoformat(),
                    },
                )
            )
        for order in course.job_orders:
            if order.status == "open":
                lines.append((N_("对接岗位“%(title)s”将立即重新匹配"), {"title": order.title}))
        lines.append((N_("结业登记后不可撤销：不能再改为未通过或退出，证书编号只能更正"), {}))
    else:
        lines.append((N_("登记后该学员恢复求职状态"), {}))
    return Confirmation((N_("确认登记结果：%(outcome)s"), {"outcome": label}), lines)


def record_result(
    session: Session,
    actor: Actor,
    enrolment_id: int,
    *,
    outcome: str,
    certificate_number: Any = None,
    certificate_issuer: Any = None,
    certified_on: Any = None,
    on: Any = None,
    today: date | None = None,
) -> Result:
    """Completion (结业), failure or withdrawal of one trainee, and their certificate.

    结业 and 未通过 are results of the course: recorded on or after its end date, and 结业 only for a trainee
    present on at least ``[course_rules].attendance_threshold`` of its days. A certificate is recorded with its
    number, issuer and date of issue, and only then added to the worker's profile (so the matcher counts it).
    Completing adds the occupation to the worker's completed training. Either way the worker is seeking again,
    and the engine re-ranks the course's linked open orders at once (``services.ranking.rerank_order``).
    Any broken rule raises before anything is written.
    """
    today = today or date.today()
    plan = _plan_result(
        session,
        actor,
        enrolment_id,
        outcome=outcome,
        certificate_number=certificate_number,
        certificate_issuer=certificate_issuer,
        certified_on=certified_on,
        on=on,
        today=today,
    )
    enrolment, number = plan.enrolment, plan.number
    course = enrolment.course
    worker = enrolment.worker
    with transaction(session):
        enrolment.status = plan.outcome
        if plan.outcome == "completed":
            enrolment.completed_on = enrolment.completed_on or plan.when
            worker.completed_training = _append(
                worker.completed_training, reference.occupation_name(course.occupation_code)
            )
            if number:
                enrolment.certificate_number = number
                enrolment.certificate_issuer = plan.issuer
                enrolment.certified_on = plan.certified_on
                worker.certificates = _append(worker.certificates, course.certificate_name)
        else:
            enrolment.completed_on = None
            enrolment.certificate_number = None
            enrolment.certificate_issuer = None
            enrolment.certified_on = None
        _release(session, worker, enrolment)
        audit.record(
            session,
            actor,
            "result",
            "enrolment",
            enrolment.id,
            worker_id=worker.id,
            outcome=plan.outcome,
            certificate_number=number or "",
            certificate_issuer=plan.issuer or "",
        )
    ranks: list[tuple[JobOrder, int | None]] = []
    if plan.outcome == "completed":
        for order in course.job_orders:
            if order.status != "open":
                continue
            matches = ranking.rerank_order(session, order.id, today=today)
            ranks.append((order, next((m.rank for m in matches if m.worker_id == worker.id), None)))
    return Result(enrolment, ranks)


def _plan_finish(session: Session, actor: Actor, course_id: int, today: date) -> Course:
    course = get_course(session, actor, course_id)
    check_manage(actor, course, "finish")
    if course.status != "open":
        raise Conflict("课程已结业或已取消")
    if today < course.end_date:
        raise ValidationError(
            "课程结束前不能结业",
            fields={"course_id": f"课程结束日期为{course.end_date.isoformat()}，结业须在此后办理"},
        )
    waiting = (
        session.scalar(
            select(func.count(Enrolment.id)).where(
                Enrolment.course_id == course.id, Enrolment.status == "enrolled"
            )
        )
        or 0
    )
    if waiting:
        raise Conflict(f"还有{waiting}名学员未登记结业结果")
    return course


def finish_preview(
    session: Session, actor: Actor, course_id: int, *, today: date | None = None
) -> Confirmation:
    """What :func:`finish_course` would do (the same checks; nothing is written)."""
    course = _plan_finish(session, actor, course_id, today or date.today())
    counts: dict[str, int] = {}
    for e in course.enrolments:
        counts[e.status] = counts.get(e.status, 0) + 1
    certified = sum(1 for e in course.enrolments if e.certificate_number)
    results = "、".join(f"{ENROLMENT_LABELS[k]}{n}人" for k, n in counts.items()) or "无学员"
    return Confirmation(
        (N_("确认课程结业"), {}),
        [
            (
                N_("课程：%(title)s（%(start)s 至 %(end)s）"),
                {
                    "title": course.title,
                    "start": course.start_date.isoformat(),
                    "end": course.end_date.isoformat(),
                },
            ),
            (
                N_("学员结果：%(results)s；其中取得证书%(certified)s人"),
                {"results": results, "certified": certified},
            ),
            (N_("结业后课程不能再报名、修改或取消，培训机构可据此申请培训补贴"), {}),
            (N_("课程结业不可撤销"), {}),
        ],
    )


def finish_course(session: Session, actor: Actor, course_id: int, *, today: date | None = None) -> Course:
    """Close a course on or after its end date once every trainee has a result (结业); a subsidy may then be
    claimed."""
    course = _plan_finish(session, actor, course_id, today or date.today())
    with transaction(session):
        course.status = "finished"
        audit.record(session, actor, "finish", "course", course.id)
    return course


def cancel_course(session: Session, actor: Actor, course_id: int) -> Course:
    """Cancel a course nobody completed; its trainees are withdrawn and seeking again."""
    course = get_course(session, actor, course_id)
    check_manage(actor, course, "cancel")
    if course.status != "open":
        raise Conflict("课程已结业或已取消")
    if any(e.status == "completed" for e in course.enrolments):
        raise Conflict("已有学员结业，不能取消课程")
    with transaction(session):
        for enrolment in course.enrolments:
            if enrolment.status == "enrolled":
                enrolment.status = "withdrawn"
                _release(session, enrolment.worker, enrolment)
        course.status = "cancelled"
        audit.record(session, actor, "cancel", "course", course.id)
    return course


# --- ledgers (.xlsx) ------------------------------------------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A value that a spreadsheet shows as written: text starting with = + - @ (or a tab or carriage return)
    gets a leading apostrophe so it is never run as a formula.

    >>> safe_cell("=1+1"), safe_cell("-2"), safe_cell("焊工"), safe_cell(3)
    ("'=1+1", "'-2", '焊工', 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def workbook_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A one-sheet .xlsx: a bold header row, then the rows, every cell through :func:`safe_cell`."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(h) * 2 + 2 for h in headers]
    for row in rows:
        values = [safe_cell(v) for v in row]
        sheet.append(values)
        for i, v in enumerate(values):
            widths[i] = min(max(widths[i], len(str(v)) + 2 if v is not None else 0), 40)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


#: 培训台账 — the city-wide format of the training ledger, one row per trainee of a course.
TRAINING_LEDGER_COLUMNS = (
    "序号",
    "培训机构",
    "课程编号",
    "课程名称",
    "培训工种",
    "场所类型",
    "培训场所",
    "场所所在地",
    "开班日期",
    "结业日期",
    "姓名",
    "性别",
    "身份证号码",
    "手机号码",
    "户籍所在地",
    "建档立卡",
    "报名来源",
    "出勤天数",
    "培训结果",
    "结业时间",
    "证书名称",
    "证书编号",
    "发证日期",
    "就业单位",
    "就业日期",
)
VENUE_LABELS = {"base": "培训基地", "point": "教学点"}
SOURCE_LABELS = {
    "signup": "公开栏报名",
    "wished": "本人意愿",
    "near_miss": "差一证/技能",
    "manual": "机构录入",
}
ENROLMENT_LABELS = {"enrolled": "在训", "completed": "结业", "failed": "未通过", "withdrawn": "退出"}
SEX_LABELS = {"M": "男", "F": "女"}


def _ledger_enrolments(session: Session, actor: Actor) -> list[Enrolment]:
    policy.require(actor, "export", Enrolment, message="您无权导出培训台账")
    stmt = (
        select(Enrolment)
        .join(Course)
        .where(policy.filter_for(actor, Enrolment, "export"))
        .options(selectinload(Enrolment.course), selectinload(Enrolment.worker))
    )
    return list(session.scalars(stmt.order_by(Course.start_date, Course.id, Enrolment.id)))


def _placements_after(session: Session, worker_ids: Sequence[int]) -> dict[int, list[Placement]]:
    out: dict[int, list[Placement]] = {}
    if not worker_ids:
        return out
    for p in session.scalars(
        select(Placement).where(Placement.worker_id.in_(list(worker_ids))).order_by(Placement.start_date)
    ):
        out.setdefault(p.worker_id, []).append(p)
    return out


def training_ledger(session: Session, actor: Actor, *, ip: str = "") -> bytes:
    """The training ledger (培训台账) as .xlsx, in the city's single format. Staff export the trainees of their
    region, trainers their own courses, admins everything; full ID numbers and phones only for the rows the
    actor may see in full (registered-poor status likewise); the export is audited."""
    rows_in = _ledger_enrolments(session, actor)
    attendance: dict[int, int] = {}
    for course_id in {e.course_id for e in rows_in}:
        attendance.update(attendance_counts(session, session.get(Course, course_id)))  # type: ignore[arg-type]
    placements = _placements_after(session, [e.worker_id for e in rows_in])
    full = 0
    out = []
    for n, e in enumerate(rows_in, start=1):
        course, worker = e.course, e.worker
        see = policy.sees(actor, "id_number", worker)
        full += see
        job = next((p for p in placements.get(worker.id, []) if p.start_date >= course.start_date), None)
        out.append(
            (
                n,
                course.provider.name,
                course.id,
                course.title,
                reference.occupation_name(course.occupation_code),
                VENUE_LABELS.get(course.venue_kind, course.venue_kind),
                course.venue_name,
                reference.region_name(course.region_code, full=True),
                course.start_date.isoformat(),
                course.end_date.isoformat(),
                worker.name,
                SEX_LABELS.get(worker.sex, ""),
                worker.id_number if see else mask_id_number(worker.id_number),
                worker.phone if see else mask_phone(worker.phone),
                reference.region_name(worker.region_code, full=True),
                ("是" if worker.poverty_registered else "否")
                if policy.sees(actor, "poverty_registered", worker)
                else "",
                SOURCE_LABELS.get(e.source, e.source),
                attendance.get(e.id, 0),
                ENROLMENT_LABELS.get(e.status, e.status),
                e.completed_on.isoformat() if e.completed_on else "",
                course.certificate_name if e.certificate_number else "",
                e.certificate_number or "",
                e.certified_on.isoformat() if e.certified_on else "",
                job.employer_name if job else "",
                job.start_date.isoformat() if job else "",
            )
        )
    data = workbook_bytes("培训台账", TRAINING_LEDGER_COLUMNS, out)
    with transaction(session):
        audit.record(session, actor, "export", "training_ledger", "", ip=ip, rows=len(out), full_ids=full)
    return data


# --- what the pages show ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedsOverview:
    needs: list[Need]
    heat: HeatMap
    names: dict[int, str]  # near-miss workers' names, for staff only (trainers see counts)


def needs_overview(
    session: Session,
    actor: Actor,
    *,
    region_code: str | None = None,
    occupation: str | None = None,
    today: date | None = None,
) -> NeedsOverview:
    needs = training_needs(session, actor, region_code=region_code, occupation=occupation, today=today)
    names: dict[int, str] = {}
    if policy.can(actor, "list", Worker):  # trainers see counts, staff the names of the workers they cover
        ids = sorted({wid for n in needs for wid in n.near_miss})
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            stmt = select(Worker.id, Worker.name).where(
                Worker.id.in_(chunk), policy.filter_for(actor, Worker)
            )
            for worker_id, name in session.execute(stmt):
                names[worker_id] = name
    return NeedsOverview(needs, heat_map(needs), names)


def linkable_orders(
    session: Session, occupation_code: str | None, *, keep: Iterable[int] = (), today: date | None = None
) -> list[tuple[int, str]]:
    """``(id, label)`` of the open job orders of an occupation a course may train for (and those it already
    does), for the course form."""
    return [
        (order_id, f"{description} · 招{wanted}人")
        for order_id, description, wanted in linkable_order_parts(
            session, occupation_code, keep=keep, today=today
        )
    ]


def linkable_order_parts(
    session: Session, occupation_code: str | None, *, keep: Iterable[int] = (), today: date | None = None
) -> list[tuple[int, str, int]]:
    """:func:`linkable_orders` in parts: ``(id, "title · employer · place", places still open)``."""
    if not occupation_code:
        return []
    orders = [o for o in _open_orders(session, today or date.today()) if o.occupation_code == occupation_code]
    kept = [i for i in keep if i not in {o.id for o in orders}]
    if kept:
        orders += list(session.scalars(select(JobOrder).where(JobOrder.id.in_(kept))))
    return [
        (
            o.id,
            f"{o.title} · {o.employer.name} · {reference.region_name(o.region_code, full=True)}",
            max(o.headcount - o.filled, 0),
        )
        for o in orders
    ]


@dataclass(frozen=True)
class TraineeRow:
    enrolment: Enrolment
    trainee: Trainee
    attended: int


@dataclass(frozen=True)
class CourseOverview:
    course: Course
    manage: bool
    rows: list[TraineeRow]
    seats_left: int
    days: list[date]
    claim_id: int | None
    claim_status: str | None


def course_overview(
    session: Session, actor: Actor, course_id: int, *, today: date | None = None
) -> CourseOverview:
    from webapp.models.training import SubsidyClaim

    today = today or date.today()
    course = get_course(session, actor, course_id)
    attended = attendance_counts(session, course)
    # the institution sees its trainees; staff only the trainees whose home their region covers
    rows = [
        TraineeRow(e, trainee_view(e.worker, today), attended.get(e.id, 0))
        for e in course.enrolments
        if policy.can(actor, "read", e)
    ]
    claim = session.scalar(select(SubsidyClaim).where(SubsidyClaim.course_id == course.id))
    return CourseOverview(
        course=course,
        manage=may_manage(actor, course),
        rows=rows,
        seats_left=seats_left(session, course),
        days=course_days(course, today),
        claim_id=claim.id if claim else None,
        claim_status=claim.status if claim else None,
    )
