"""Workers (群众点单): registration, edits, scoped lists and masked views."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from matcher.types import MOBILITY_LEVELS, WORKER_STATUSES
from webapp import policy
from webapp.errors import Conflict, Forbidden, NotFound
from webapp.models import EDUCATION_LEVELS, Worker
from webapp.services import audit, reference, transaction
from webapp.services.eligibility import parse_hard_to_employ
from webapp.services.scope import Actor, region_prefix
from webapp.services.validation import (
    Collector,
    FieldError,
    mask_id_number,
    mask_phone,
    parse_bool,
    parse_choice,
    parse_date,
    parse_id_number,
    parse_int,
    parse_list,
    parse_phone,
    parse_region,
    parse_text,
    reject_unknown,
)

WORKER_FIELDS = (
    "name",
    "id_number",
    "phone",
    "region_code",
    "education",
    "skills",
    "certificates",
    "desired_occupations",
    "desired_training",
    "completed_training",
    "experience_years",
    "mobility",
    "expected_wage",
    "available_from",
    "poverty_registered",
    "disability",
    "hard_to_employ",
    "status",
    "consent_to_share",
)


#: One experience entry as people type it: "焊工:5", "焊工 5年", "焊工5年" (years 0–60).
_EXPERIENCE_RE = re.compile(r"(?P<occupation>.+?)\s*[:：]?\s*(?P<years>\d{1,2})\s*年?")


def parse_experience(raw: Any) -> list[dict[str, Any]]:
    """Years of experience per occupation: a list of ``{"occupation", "years"}`` objects, or texts such as
    ``焊工:5、电工 2年`` (the form and the Excel import). An occupation without years counts 0 years.

    Example: ``parse_experience("焊工:5、保洁")`` is ``[{"occupation": "焊工", "years": 5},
    {"occupation": "保洁", "years": 0}]``.
    """
    if isinstance(raw, list | tuple) and all(isinstance(item, Mapping) for item in raw):
        entries = []
        for item in raw:
            occupation, years = item.get("occupation"), item.get("years", 0)
            if not isinstance(occupation, str) or set(item) - {"occupation", "years"}:
                raise FieldError("每一项应为 {occupation: 工种, years: 年限}")
            if isinstance(years, bool) or not isinstance(years, int):
                raise FieldError(f"“{occupation}”的从业年限应为整数")
            entries.append((occupation, years))
    else:
        entries = []
        for text in parse_list(raw, max_items=10):
            found = _EXPERIENCE_RE.fullmatch(text)
            entries.append((found["occupation"], int(found["years"])) if found else (text, 0))
    out: list[dict[str, Any]] = []
    for occupation, years in entries:
        name = occupation.strip()
        if not name or len(name) > 64:
            raise FieldError("工种不能为空，且不超过64个字符")
        if not 0 <= years <= 60:
            raise FieldError(f"“{name}”的从业年限应在0到60年之间")
        if any(e["occupation"] == name for e in out):
            raise FieldError(f"“{name}”重复填写")
        out.append({"occupation": name, "years": years})
    if len(out) > 10:
        raise FieldError("最多10项")
    return out


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _validate(data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    """Check every given field; all problems are reported together."""
    reject_unknown(data, WORKER_FIELDS)
    c = Collector()
    out: dict[str, Any] = {}

    def want(name: str) -> bool:
        return not partial or name in data

    if want("name"):
        out["name"] = c.field("name", parse_text, data.get("name"), max_len=64, label="姓名")
    if want("id_number"):
        rid = c.field("id_number", parse_id_number, data.get("id_number"))
        if rid is not None:
            out["id_number"], out["birth_date"], out["sex"] = rid.number, rid.birth_date, rid.sex
            age = age_on(rid.birth_date, date.today())
            if age < 16:
                c.add("id_number", f"未满16周岁（{age}岁），不能登记求职")
    if want("phone"):
        out["phone"] = c.field("phone", parse_phone, data.get("phone"))
    if want("region_code"):
        out["region_code"] = c.field("region_code", parse_region, data.get("region_code"))
    if want("education"):
        out["education"] = c.field(
            "education", parse_choice, data.get("education"), EDUCATION_LEVELS, default="junior", label="学历"
        )
    for name in ("skills", "certificates", "desired_occupations", "desired_training", "completed_training"):
        if want(name):
            out[name] = c.field(name, parse_list, data.get(name)) or []
    if want("experience_years"):
        out["experience_years"] = (
            c.field("experience_years", parse_experience, data.get("experience_years")) or []
        )
    if want("mobility"):
        out["mobility"] = c.field(
            "mobility",
            parse_choice,
            data.get("mobility"),
            MOBILITY_LEVELS,
            default="county",
            label="流动意愿",
        )
    if want("expected_wage"):
        out["expected_wage"] = c.field(
            "expected_wage", parse_int, data.get("expected_wage"), minimum=0, maximum=100000
        )
    if want("available_from"):
        out["available_from"] = c.field("available_from", parse_date, data.get("available_from"))
    for name in ("poverty_registered", "disability", "consent_to_share"):
        if want(name):
            out[name] = c.field(name, parse_bool, data.get(name))
    if want("hard_to_employ"):
        out["hard_to_employ"] = (
            c.field("hard_to_employ", parse_hard_to_employ, data.get("hard_to_employ")) or ""
        )
    if want("status"):
        out["status"] = c.field(
            "status", parse_choice, data.get("status"), WORKER_STATUSES, default="seeking", label="状态"
        )
    c.done()
    return out


def validate_worker(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """The checks of ``create_worker``/``update_worker`` without writing (the Excel import reuses them)."""
    return _validate(data, partial=partial)


def create_worker(
    session: Session, actor: Actor, data: Mapping[str, Any], *, verified: bool = True
) -> Worker:
    """Register a worker; refuses a duplicate ID number and a home outside the staff member's region."""
    policy.require(actor, "create", Worker)
    values = _validate(data, partial=False)
    policy.require(actor, "create", Worker(region_code=values["region_code"]), fields=policy.OUT_OF_REGION)
    with transaction(session):
        if session.scalar(select(Worker.id).where(Worker.id_number == values["id_number"])) is not None:
            raise Conflict("该身份证号码已登记", fields={"id_number": "该身份证号码已登记，请勿重复登记"})
        worker = Worker(**values, verified=verified)
        session.add(worker)
        session.flush()
        audit.record(session, actor, "create", "worker", worker.id)
    return worker


def update_worker(session: Session, actor: Actor, worker_id: int, data: Mapping[str, Any]) -> Worker:
    worker = get_worker(session, actor, worker_id)
    values = _validate(data, partial=True)
    policy.require(actor, "update", worker)
    if "region_code" in values:  # moving a worker: the new home must be within the region too
        policy.require(
            actor, "update", Worker(region_code=values["region_code"]), fields=policy.OUT_OF_REGION
        )
    with transaction(session):
        if "id_number" in values and values["id_number"] != worker.id_number:
            clash = session.scalar(select(Worker.id).where(Worker.id_number == values["id_number"]))
            if clash is not None:
                raise Conflict("该身份证号码已登记", fields={"id_number": "该身份证号码已属于另一名登记人员"})
        for key, value in values.items():
            setattr(worker, key, value)
        audit.record(session, actor, "update", "worker", worker.id, fields=sorted(values))
    return worker


def get_worker(session: Session, actor: Actor, worker_id: int) -> Worker:
    return policy.require(actor, "read", session.get(Worker, worker_id))


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def list_workers(
    session: Session,
    actor: Actor,
    *,
    q: str = "",
    region_code: str | None = None,
    status: str | None = None,
    occupation: str | None = None,
    poverty_registered: bool | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    policy.require(actor, "list", Worker, message="仅限人社部门工作人员查看求职人员")
    stmt = policy.scoped(actor, select(Worker), Worker)
    if region_code:
        stmt = stmt.where(Worker.region_code.startswith(region_prefix(region_code)))
    if status:
        stmt = stmt.where(Worker.status == status)
    if poverty_registered is not None:
        stmt = stmt.where(Worker.poverty_registered == poverty_registered)
    if q:
        like = f"%{q}%"
        conds = [Worker.name.like(like)]
        tail = q.upper()  # the last digits of an ID number, whose check character may be an X
        if len(tail) >= 4 and tail[:-1].isdigit() and (tail[-1].isdigit() or tail[-1] == "X"):
            if tail.isdigit():
                conds.append(Worker.phone.like(like))
            conds.append(Worker.id_number.endswith(tail))
        stmt = stmt.where(or_(*conds))
    if occupation:
        code = reference.taxonomy().resolve(occupation) or occupation
        # desired occupations are free text; match on the code's Chinese name and the raw text
        name = reference.occupation_name(code)
        stmt = stmt.where(
            or_(
                cast(Worker.desired_occupations, String).like(f"%{name}%"),
                cast(Worker.skills, String).like(f"%{occupation}%"),
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(Worker.id).offset((page - 1) * per_page).limit(per_page)).all()
    return Page(list(rows), total, page, per_page)


def reveal(session: Session, actor: Actor, worker_id: int, *, field: str, ip: str = "") -> str:
    """The full ID number or phone of a worker, for a permitted actor; every such read is audited."""
    worker = get_worker(session, actor, worker_id)
    if field not in ("id_number", "phone"):
        raise NotFound()
    if not policy.sees(actor, field, worker):
        raise Forbidden("您无权查看完整个人信息")
    policy.require(actor, "reveal", worker)
    with transaction(session):
        audit.record(session, actor, "reveal", "worker", worker.id, ip=ip, field=field)
    return str(getattr(worker, field))


def worker_to_dict(worker: Worker, actor: Actor, *, today: date | None = None) -> dict[str, Any]:
    """The worker as the API shows it: ID and phone masked; poverty and disability only for staff."""
    today = today or date.today()
    out: dict[str, Any] = {
        "id": worker.id,
        "name": worker.name,
        "id_number_masked": mask_id_number(worker.id_number),
        "phone_masked": mask_phone(worker.phone),
        "age": age_on(worker.birth_date, today),
        "sex": worker.sex,
        "birth_date": worker.birth_date.isoformat(),
        "region_code": worker.region_code,
        "region_name": reference.region_name(worker.region_code, full=True),
        "education": worker.education,
        "skills": list(worker.skills or []),
        "certificates": list(worker.certificates or []),
        "desired_occupations": list(worker.desired_occupations or []),
        "desired_training": list(worker.desired_training or []),
        "completed_training": list(worker.completed_training or []),
        "experience_years": list(worker.experience_years or []),
        "mobility": worker.mobility,
        "expected_wage": worker.expected_wage,
        "available_from": worker.available_from.isoformat() if worker.available_from else None,
        "status": worker.status,
        "consent_to_share": worker.consent_to_share,
        "verified": worker.verified,
    }
    for name in ("poverty_registered", "disability", "hard_to_employ"):
        if policy.sees(actor, name, worker):
            value = getattr(worker, name)
            out[name] = (value or None) if name == "hard_to_employ" else value
    return out
