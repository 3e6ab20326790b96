"""Job seekers choose (群众点单): sign-ups from the public board, and their confirmation by staff.

A sign-up (name, ID number, phone, village, what the person can do and wants to learn, optionally a job order
or a course of the board) is keyed by the ID number and never duplicates a worker:

- a new ID number creates a worker marked "to be verified" (``verified=False``; the engine does not match them);
- a known ID number (of a verified worker, or of one still to be verified) changes nothing: anyone can type an
  ID number, so the submission is kept as a ``SignupRequest`` of kind "update" and staff apply it by confirming
  (the first sign-up's data stays until then).

Either way a request waits for the staff of the person's region, who confirm or reject it. The public answer is
the same in every case, so the form never reveals whether an ID number is registered.

Floods are refused: every submission from a client (IP address) counts in ``signup_attempt`` (a row per client
and time window, in the database so that every web worker shares it); past the limit the answer is 429.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.types import MOBILITY_LEVELS
from webapp import policy
from webapp.errors import Conflict, DomainError, NotFound
from webapp.models import JobOrder, Worker, utcnow
from webapp.models.training import Course, SignupAttempt, SignupRequest
from webapp.services import audit, reference, transaction
from webapp.services.board import public_course, public_job
from webapp.services.scope import Actor, within
from webapp.services.training import HOME_CITY
from webapp.services.validation import (
    Collector,
    mask_id_number,
    mask_phone,
    parse_bool,
    parse_choice,
    parse_id_number,
    parse_int,
    parse_list,
    parse_phone,
    parse_region,
    parse_text,
    reject_unknown,
)
from webapp.services.workers import Page, age_on

SIGNUP_FIELDS = (
    "name",
    "id_number",
    "phone",
    "region_code",
    "skills",
    "desired_training",
    "mobility",
    "job_order_id",
    "course_id",
    "consent_to_share",
)
#: Default flood guard: at most this many sign-ups per client per window.
RATE_LIMIT = 5
RATE_WINDOW_SECONDS = 600
#: Fields of a worker that an "update" request may change, as staff see them.
UPDATABLE = (
    "name",
    "phone",
    "region_code",
    "skills",
    "desired_training",
    "desired_occupations",
    "mobility",
    "consent_to_share",
)


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"


# --- the flood guard ---------------------------------------------------------------------------------------


def _window(now: datetime, seconds: int) -> datetime:
    epoch = datetime(2000, 1, 1)
    slot = int((now - epoch).total_seconds()) // seconds
    return epoch + timedelta(seconds=slot * seconds)


def count_attempt(
    session: Session, client: str, *, now: datetime | None = None, window_seconds: int = RATE_WINDOW_SECONDS
) -> int:
    """Count one submission of ``client`` in the current window and return the window's count. Commits (the
    count stands even when the submission is then refused)."""
    now = now or utcnow()
    start = _window(now, window_seconds)
    key = (client or "unknown")[:64]
    for _ in range(3):
        try:
            with transaction(session):
                bumped = session.execute(
                    update(SignupAttempt)
                    .where(SignupAttempt.client == key, SignupAttempt.window_start == start)
                    .values(count=SignupAttempt.count + 1)
                ).rowcount
                if not bumped:
                    session.add(SignupAttempt(client=key, window_start=start, count=1))
                    session.flush()
                    # old windows are of no use: keep the table small
                    session.execute(
                        delete(SignupAttempt).where(SignupAttempt.window_start < start - timedelta(days=1))
                    )
            break
        except IntegrityError:
            continue  # another worker inserted the window's row first: count on it
    return int(
        session.scalar(
            select(SignupAttempt.count).where(
                SignupAttempt.client == key, SignupAttempt.window_start == start
            )
        )
        or 0
    )


def check_rate(
    session: Session,
    client: str,
    *,
    limit: int = RATE_LIMIT,
    window_seconds: int = RATE_WINDOW_SECONDS,
    now: datetime | None = None,
) -> None:
    if count_attempt(session, client, now=now, window_seconds=window_seconds) > limit:
        minutes = max(window_seconds // 60, 1)
        raise TooManyRequests(f"提交过于频繁，请{minutes}分钟后再试")


# --- submitting -------------------------------------------------------------------------------------------


def _validate(data: Mapping[str, Any], today: date) -> dict[str, Any]:
    reject_unknown(data, SIGNUP_FIELDS)
    c = Collector()
    out: dict[str, Any] = {"name": c.field("name", parse_text, data.get("name"), max_len=64, label="姓名")}
    rid = c.field("id_number", parse_id_number, data.get("id_number"), today=today)
    if rid is not None:
        out["id_number"], out["birth_date"], out["sex"] = rid.number, rid.birth_date, rid.sex
        age = age_on(rid.birth_date, today)
        if age < 16:
            c.add("id_number", f"未满16周岁（{age}岁），不能报名")
    out["phone"] = c.field("phone", parse_phone, data.get("phone"))
    region = c.field("region_code", parse_region, data.get("region_code"))
    if region is not None and not within(region, HOME_CITY):
        c.add("region_code", "请选择您所在的村（或乡镇）")
    out["region_code"] = region
    out["skills"] = c.field("skills", parse_list, data.get("skills"), max_items=10) or []
    out["desired_training"] = (
        c.field("desired_training", parse_list, data.get("desired_training"), max_items=5) or []
    )
    mobility = data.get("mobility")
    out["mobility"] = (
        c.field("mobility", parse_choice, mobility, MOBILITY_LEVELS, label="外出意愿") if mobility else None
    )
    out["job_order_id"] = c.field(
        "job_order_id", parse_int, data.get("job_order_id"), minimum=1, maximum=2_147_483_647
    )
    out["course_id"] = c.field(
        "course_id", parse_int, data.get("course_id"), minimum=1, maximum=2_147_483_647
    )
    # the person's own answer to sharing their name and phone with employers and training institutions
    out["consent_to_share"] = bool(c.field("consent_to_share", parse_bool, data.get("consent_to_share")))
    c.done("报名信息有误，请按提示修改")
    return out


def _payload(values: Mapping[str, Any], order: JobOrder | None, course: Course | None) -> dict[str, Any]:
    wished = [reference.occupation_name(order.occupation_code)] if order is not None else []
    training = list(values["desired_training"])
    if course is not None:
        name = reference.occupation_name(course.occupation_code)
        if name not in training:
            training.append(name)
    payload = {
        "name": values["name"],
        "phone": values["phone"],
        "region_code": values["region_code"],
        "skills": list(values["skills"]),
        "desired_training": training,
        "desired_occupations": wished,
    }
    if values["consent_to_share"]:  # consent given here; a withdrawal goes through the privacy procedure
        payload["consent_to_share"] = True
    if values["mobility"]:  # left blank: a known worker keeps theirs, a new one starts at "county"
        payload["mobility"] = values["mobility"]
    return payload


def _merge(current: list[str] | None, extra: list[str]) -> list[str]:
    out = list(current or [])
    for item in extra:
        if item not in out:
            out.append(item)
    return out


def submit_signup(
    session: Session,
    data: Mapping[str, Any],
    *,
    client: str,
    limit: int = RATE_LIMIT,
    window_seconds: int = RATE_WINDOW_SECONDS,
    today: date | None = None,
) -> SignupRequest:
    """Record a sign-up from the public board (see the module docstring); refuses floods with 429."""
    today = today or date.today()
    check_rate(session, client, limit=limit, window_seconds=window_seconds)
    values = _validate(data, today)
    order = public_job(session, values["job_order_id"], today=today) if values["job_order_id"] else None
    course = public_course(session, values["course_id"], today=today) if values["course_id"] else None
    payload = _payload(values, order, course)
    with transaction(session):
        worker = session.scalar(select(Worker).where(Worker.id_number == values["id_number"]))
        if worker is None:
            worker = Worker(
                name=payload["name"],
                id_number=values["id_number"],
                birth_date=values["birth_date"],
                sex=values["sex"],
                phone=payload["phone"],
                region_code=payload["region_code"],
                skills=payload["skills"],
                desired_training=payload["desired_training"],
                desired_occupations=payload["desired_occupations"],
                mobility=payload.get("mobility", "county"),
                status="seeking",
                consent_to_share=payload.get("consent_to_share", False),
                verified=False,
            )
            session.add(worker)
            session.flush()
            kind, region = "new", payload["region_code"]
        else:
            kind, region = "update", worker.region_code  # the staff of the person's recorded village decide
        request = SignupRequest(
            worker_id=worker.id,
            kind=kind,
            status="pending",
            region_code=region,
            payload=payload,
            job_order_id=order.id if order else None,
            course_id=course.id if course else None,
        )
        session.add(request)
        session.flush()
        audit.record(
            session, None, "signup", "signup_request", request.id, ip=client, kind=kind, worker_id=worker.id
        )
    return request


# --- staff review -----------------------------------------------------------------------------------------


def _scope(actor: Actor) -> Any:
    policy.require(actor, "list", SignupRequest, message="仅限人社部门工作人员")
    return policy.filter_for(actor, SignupRequest)


def list_pending(session: Session, actor: Actor, *, page: int = 1, per_page: int = 50) -> Page:
    """Sign-ups waiting for this staff member's region, oldest first."""
    stmt = select(SignupRequest).where(_scope(actor), SignupRequest.status == "pending")
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(SignupRequest.created_at, SignupRequest.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(list(rows), total, page, per_page)


def pending_count(session: Session, actor: Actor) -> int:
    if not policy.can(actor, "list", SignupRequest):
        return 0
    return (
        session.scalar(
            select(func.count(SignupRequest.id)).where(_scope(actor), SignupRequest.status == "pending")
        )
        or 0
    )


def get_request(session: Session, actor: Actor, request_id: int) -> SignupRequest:
    request = session.scalar(select(SignupRequest).where(_scope(actor), SignupRequest.id == request_id))
    if request is None:
        raise NotFound()
    return request


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


MOBILITY_NAMES = {
    "village": "本村",
    "township": "本乡镇",
    "county": "本县",
    "city": "本市",
    "province": "本省",
    "national": "全国",
}


def _shown(name: str, value: Any) -> str:
    if name == "mobility":
        return MOBILITY_NAMES.get(value, str(value))
    if name == "phone":
        return mask_phone(value)
    if name == "region_code":
        return reference.region_name(value, full=True)
    if isinstance(value, list):
        return "、".join(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value or "")


def changes(request: SignupRequest) -> list[Change]:
    """What confirming an "update" request would change on the verified worker (phones masked)."""
    worker, payload = request.worker, request.payload
    out = []
    for name in UPDATABLE:
        if name not in payload:
            continue
        before = getattr(worker, name)
        after = _merge(before, payload[name]) if isinstance(before, list) else payload[name]
        if after != before:
            out.append(Change(name, _shown(name, before), _shown(name, after)))
    return out


def confirm(session: Session, actor: Actor, request_id: int) -> Worker:
    """Confirm a sign-up: an "update" request applies the submitted data to the worker, and a worker still to
    be verified becomes verified (and is matched from now on), settling their other pending "new" sign-ups."""
    request = get_request(session, actor, request_id)
    if request.status != "pending":
        raise Conflict("该报名已处理")
    worker = request.worker
    with transaction(session):
        applied: list[str] = []
        if request.kind == "update":
            for name in UPDATABLE:
                if name not in request.payload:
                    continue
                before = getattr(worker, name)
                after = (
                    _merge(before, request.payload[name])
                    if isinstance(before, list)
                    else request.payload[name]
                )
                if after != before:
                    setattr(worker, name, after)
                    applied.append(name)
        if not worker.verified:
            worker.verified = True
            applied.append("verified")
            # the person's other sign-ups that refreshed the same unverified record are settled with it
            session.execute(
                update(SignupRequest)
                .where(
                    SignupRequest.worker_id == worker.id,
                    SignupRequest.kind == "new",
                    SignupRequest.status == "pending",
                    SignupRequest.id != request.id,
                )
                .values(status="confirmed", decided_by=actor.user_id, decided_at=utcnow())
            )
        request.status = "confirmed"
        request.decided_by = actor.user_id
        request.decided_at = utcnow()
        audit.record(
            session, actor, "confirm", "signup_request", request.id, worker_id=worker.id, fields=applied
        )
    return worker


def reject(session: Session, actor: Actor, request_id: int, reason: Any) -> SignupRequest:
    """Reject a sign-up with a reason; a worker still to be verified stays unverified (never matched)."""
    request = get_request(session, actor, request_id)
    if request.status != "pending":
        raise Conflict("该报名已处理")
    c = Collector()
    text = c.field("reason", parse_text, reason, max_len=255, label="不通过原因")
    c.done("请填写不通过原因")
    with transaction(session):
        request.status = "rejected"
        request.reason = text or ""
        request.decided_by = actor.user_id
        request.decided_at = utcnow()
        audit.record(
            session, actor, "reject", "signup_request", request.id, worker_id=request.worker_id, reason=text
        )
    return request


def request_summary(request: SignupRequest) -> dict[str, str]:
    """The request as the review page lists it (ID number and phone masked)."""
    worker = request.worker
    target = ""
    if request.job_order is not None:
        target = f"岗位：{request.job_order.title}"
    elif request.course is not None:
        target = f"课程：{request.course.title}"
    return {
        "name": request.payload.get("name", worker.name),
        "id_number": mask_id_number(worker.id_number),
        "phone": mask_phone(request.payload.get("phone", worker.phone)),
        "region": reference.region_name(request.payload.get("region_code", worker.region_code), full=True),
        "target": target,
    }
