"""Employer onboarding (企业入驻): self-registration, duplicate detection, approval, and changes of name or USCC.

An employer registers from the public site with the username and password of its future account (chosen by
the person registering: no password ever passes through staff or a phone call, and nobody else knows it). A
company staff registered earlier (same USCC) is shown to the reviewer, and approving joins the account to it.
Staff of the region see the registration with possible duplicates — the same USCC, or the same name once
company-form suffixes (有限公司, 有限责任公司 …), spaces and full- or half-width brackets are dropped — and
approve it (the employer and its account are written) or return it with a reason. An approved employer edits
its own details; a new name or USCC waits for approval as a ``change`` application, the old values stay
meanwhile.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from webapp import policy
from webapp.errors import Conflict, ValidationError
from webapp.models import Employer, User, utcnow
from webapp.models.onboarding import APPLICATION_STATUSES, EmployerApplication
from webapp.services import audit, reference, transaction
from webapp.services.employers import validate_employer
from webapp.services.passwords import check_password_strength
from webapp.services.scope import Actor
from webapp.services.users import parse_username
from webapp.services.validation import (
    Collector,
    parse_bool,
    parse_text,
    reject_unknown,
    to_halfwidth,
)
from webapp.services.workers import Page

REGISTRATION_FIELDS = (
    "name",
    "uscc",
    "region_code",
    "industry",
    "contact_name",
    "contact_phone",
    "address",
    "is_workshop",
    "workshop_certificate",
    "username",
    "password",
    "confirm_password",
)
#: What an employer changes on its own at once; name and USCC go through a change application.
SELF_EDIT_FIELDS = (
    "contact_name",
    "contact_phone",
    "address",
    "industry",
    "is_workshop",
    "workshop_certificate",
)
REVIEWED_FIELDS = ("name", "uscc")
#: Company-form words dropped before names are compared, longest first.
_COMPANY_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司")
_BRACKETS_AND_SPACES = re.compile(r"[\s()\[\]{}（）【】〔〕「」]+")


def name_key(name: str) -> str:
    """A company name reduced for duplicate detection.

    >>> name_key("濮阳市 华龙（纺织）有限责任公司") == name_key("濮阳市华龙(纺织)有限公司")
    True
    """
    text = _BRACKETS_AND_SPACES.sub("", to_halfwidth(name or "")).casefold()
    for word in _COMPANY_FORMS:
        if text.endswith(word):
            text = text[: -len(word)]
            break
    return text


@dataclass(frozen=True)
class Duplicate:
    """A record that looks like the same company: an employer or another application, and why."""

    kind: str  # "employer" | "application"
    id: int
    name: str
    uscc: str
    reason: str  # "uscc" | "name"


def _validate_registration(data: Mapping[str, Any]) -> dict[str, Any]:
    reject_unknown(data, REGISTRATION_FIELDS)
    employer_part = {
        k: data.get(k)
        for k in ("name", "uscc", "region_code", "contact_name", "contact_phone", "address", "is_workshop")
    }
    c = Collector()
    try:
        values = validate_employer(employer_part)
    except ValidationError as err:
        values = {}
        c.errors.update(err.fields)
    values["industry"] = c.field("industry", parse_text, data.get("industry"), max_len=64, label="所属行业")
    values["contact_name"] = c.field(
        "contact_name", parse_text, data.get("contact_name"), max_len=64, label="联系人"
    )
    if not data.get("contact_phone"):
        c.add("contact_phone", "必填：请输入联系人手机号码")
    workshop = c.field("is_workshop", parse_bool, data.get("is_workshop"))
    certificate = c.field(
        "workshop_certificate", parse_text, data.get("workshop_certificate"), required=False, max_len=64
    )
    if workshop and not certificate:
        c.add("workshop_certificate", "扶贫车间须填写认定证书编号")
    values["workshop_certificate"] = certificate if workshop else ""
    values["username"] = c.field("username", parse_username, data.get("username"))
    password = str(data.get("password") or "")
    if not password:
        c.add("password", "必填：请设置登录密码")
    elif password != str(data.get("confirm_password") or ""):
        c.add("confirm_password", "两次输入的密码不一致")
    c.done()
    check_password_strength(password, user_inputs=(values["username"], values["name"], values["uscc"]))
    values["password"] = password
    return values


def _password_hash(password: str) -> str:
    probe = User()  # never added to the session: only its hashing (and the work factor of the app) is used
    probe.set_password(password)
    return probe.password_hash


def _username_taken(session: Session, username: str) -> bool:
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        return True
    pending = select(EmployerApplication.id).where(
        EmployerApplication.username == username, EmployerApplication.status == "pending"
    )
    return session.scalar(pending) is not None


def register(session: Session, data: Mapping[str, Any], *, ip: str = "") -> EmployerApplication:
    """A registration from the public site, waiting for staff of its region.

    Floods are refused (429) before any work, per client address, by the public sign-up's guard.
    """
    from webapp.services import signup

    anonymous = Actor(None, policy.ANONYMOUS)
    policy.require(anonymous, "create", EmployerApplication)
    signup.check_rate(session, f"employer-register:{ip}")
    values = _validate_registration(data)
    password = values.pop("password")
    with transaction(session):
        if session.scalar(
            select(EmployerApplication.id).where(
                EmployerApplication.uscc == values["uscc"], EmployerApplication.status == "pending"
            )
        ):
            raise Conflict(
                "该企业已提交登记，正在审核", fields={"uscc": "该统一社会信用代码已提交登记，正在审核"}
            )
        if _username_taken(session, values["username"]):
            raise Conflict("用户名已被使用", fields={"username": "用户名已被使用"})
        application = EmployerApplication(
            kind="new",
            status="pending",
            name_key=name_key(values["name"]),
            password_hash=_password_hash(password),
            **{k: v for k, v in values.items() if k not in ("is_partner",)},
        )
        session.add(application)
        session.flush()
        audit.record(session, None, "register", "employer_application", application.id, ip=ip)
    return application


def registration_status(
    session: Session, username: str, password: str, *, ip: str = ""
) -> EmployerApplication:
    """The latest registration under this username, for whoever knows its password (throttled like a login)."""
    from webapp.errors import Unauthorized
    from webapp.services import throttle

    name = (username or "").strip()
    throttle.check(session, username=name, ip=ip)
    application = session.scalar(
        select(EmployerApplication)
        .where(EmployerApplication.kind == "new", EmployerApplication.username == name)
        .order_by(EmployerApplication.id.desc())
        .limit(1)
    )
    found = application is not None and bool(application.password_hash) and _check_hash(application, password)
    throttle.record(session, username=name, ip=ip, success=found, channel="page")
    if not found:
        raise Unauthorized(
            "用户名或密码错误，或该登记已审核通过（请直接登录）", fields={"password": "用户名或密码错误"}
        )
    assert application is not None
    return application


def _check_hash(application: EmployerApplication, password: str) -> bool:
    from werkzeug.security import check_password_hash

    return check_password_hash(application.password_hash, password or "")


def duplicates(session: Session, application: EmployerApplication) -> list[Duplicate]:
    """Employers and other pending applications with the same USCC or the same normalised name."""
    found: list[Duplicate] = []
    employers = session.scalars(
        select(Employer).where(Employer.id != (application.employer_id or -1)).order_by(Employer.id)
    )
    for employer in employers:
        if employer.uscc == application.uscc:
            found.append(Duplicate("employer", employer.id, employer.name, employer.uscc, "uscc"))
        elif name_key(employer.name) == application.name_key:
            found.append(Duplicate("employer", employer.id, employer.name, employer.uscc, "name"))
    others = session.scalars(
        select(EmployerApplication).where(
            EmployerApplication.id != application.id,
            EmployerApplication.status == "pending",
            or_(
                EmployerApplication.uscc == application.uscc,
                EmployerApplication.name_key == application.name_key,
            ),
        )
    )
    for other in others:
        reason = "uscc" if other.uscc == application.uscc else "name"
        found.append(Duplicate("application", other.id, other.name, other.uscc, reason))
    return found


def get_application(session: Session, actor: Actor, application_id: int) -> EmployerApplication:
    return policy.require(actor, "read", session.get(EmployerApplication, application_id))  # type: ignore[no-any-return]


def list_applications(
    session: Session, actor: Actor, *, status: str | None = "pending", page: int = 1, per_page: int = 50
) -> Page:
    policy.require(actor, "read", EmployerApplication)
    stmt = policy.scoped(actor, select(EmployerApplication), EmployerApplication)
    if status in APPLICATION_STATUSES:
        stmt = stmt.where(EmployerApplication.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(EmployerApplication.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return Page(list(rows), total, page, per_page)


def _pending(session: Session, actor: Actor, action: str, application_id: int) -> EmployerApplication:
    application = policy.require(actor, action, session.get(EmployerApplication, application_id))
    if application.status != "pending":
        raise Conflict("该申请已处理", fields={"status": "该申请已处理"})
    return application  # type: ignore[no-any-return]


def approve(session: Session, actor: Actor, application_id: int, *, ip: str = "") -> EmployerApplication:
    """Write the employer (or its changed name/USCC) and, for a new registration, its account."""
    application = _pending(session, actor, "approve", application_id)
    with transaction(session):
        if application.kind == "new":
            employer = _approve_registration(session, actor, application, ip=ip)
        else:
            employer = _approve_change(session, actor, application, ip=ip)
        application.password_hash = ""  # the account has it now
        application.status = "approved"
        application.reviewed_by = actor.user_id
        application.reviewed_at = utcnow()
        audit.record(
            session, actor, "approve", "employer_application", application.id, ip=ip, employer_id=employer.id
        )
    return application


def _approve_registration(
    session: Session, actor: Actor, application: EmployerApplication, *, ip: str
) -> Employer:
    if session.scalar(select(User.id).where(User.username == application.username)) is not None:
        raise Conflict("用户名已被使用", fields={"username": "用户名已被使用，请退回让企业换一个"})
    employer = session.scalar(select(Employer).where(Employer.uscc == application.uscc))
    if employer is None:
        employer = Employer(
            name=application.name,
            uscc=application.uscc,
            region_code=application.region_code,
            industry=application.industry,
            contact_name=application.contact_name,
            contact_phone=application.contact_phone,
            address=application.address,
            is_workshop=application.is_workshop,
            workshop_certificate=application.workshop_certificate,
        )
        session.add(employer)
        session.flush()
    # else: staff registered this company earlier (a form, an Excel roster) and the account joins that record.
    user = User(
        username=application.username,
        display_name=application.contact_name,
        role="employer",
        employer_id=employer.id,
        password_hash=application.password_hash,
    )
    session.add(user)
    session.flush()
    application.employer_id = employer.id
    audit.record(
        session, actor, "create_user", "user", user.id, ip=ip, role="employer", employer_id=employer.id
    )
    return employer


def _approve_change(session: Session, actor: Actor, application: EmployerApplication, *, ip: str) -> Employer:
    employer = application.employer
    assert employer is not None  # a change application always names its employer
    clash = session.scalar(
        select(Employer.id).where(Employer.uscc == application.uscc, Employer.id != employer.id)
    )
    if clash is not None:
        raise Conflict("该统一社会信用代码已登记为其他企业", fields={"uscc": "该统一社会信用代码已登记"})
    before = {"name": employer.name, "uscc": employer.uscc}
    employer.name, employer.uscc = application.name, application.uscc
    audit.record(
        session,
        actor,
        "update",
        "employer",
        employer.id,
        ip=ip,
        fields=sorted(REVIEWED_FIELDS),
        before=before,
    )
    return employer


def return_application(
    session: Session, actor: Actor, application_id: int, *, reason: str, ip: str = ""
) -> EmployerApplication:
    """Send a registration or change back with the reason (its USCC and username are free again).

    The registrant reads the reason on the status page with the username and password they chose.
    """
    application = _pending(session, actor, "return", application_id)
    c = Collector()
    note = c.field("reason", parse_text, reason, max_len=255, label="退回原因")
    c.done()
    with transaction(session):
        application.status = "returned"
        application.review_note = note or ""
        application.reviewed_by = actor.user_id
        application.reviewed_at = utcnow()
        audit.record(session, actor, "return", "employer_application", application.id, ip=ip, reason=note)
    return application


# --- an employer edits its own details -----------------------------------------------------------------------


def update_own_employer(
    session: Session, actor: Actor, employer_id: int, data: Mapping[str, Any], *, ip: str = ""
) -> tuple[Employer, EmployerApplication | None]:
    """Apply contact and workshop details at once; a new name or USCC becomes a change application."""
    employer = policy.require(actor, "update", session.get(Employer, employer_id))
    reject_unknown(data, (*SELF_EDIT_FIELDS, *REVIEWED_FIELDS))
    c = Collector()
    direct: dict[str, Any] = {}
    try:
        checked = validate_employer(
            {
                k: data[k]
                for k in ("name", "uscc", "contact_name", "contact_phone", "address", "is_workshop")
                if k in data
            },
            partial=True,
        )
    except ValidationError as err:
        checked = {}
        c.errors.update(err.fields)
    for name in ("contact_name", "contact_phone", "address", "is_workshop"):
        if name in checked:
            direct[name] = checked[name]
    if "industry" in data:
        direct["industry"] = c.field("industry", parse_text, data.get("industry"), required=False, max_len=64)
    if "workshop_certificate" in data:
        direct["workshop_certificate"] = c.field(
            "workshop_certificate", parse_text, data.get("workshop_certificate"), required=False, max_len=64
        )
    workshop = direct.get("is_workshop", employer.is_workshop)
    if workshop and not direct.get("workshop_certificate", employer.workshop_certificate):
        c.add("workshop_certificate", "扶贫车间须填写认定证书编号")
    c.done()
    changed = {k: checked[k] for k in REVIEWED_FIELDS if k in checked and checked[k] != getattr(employer, k)}
    with transaction(session):
        if changed.get("uscc") and session.scalar(
            select(Employer.id).where(Employer.uscc == changed["uscc"], Employer.id != employer.id)
        ):
            raise Conflict("该统一社会信用代码已登记为其他企业", fields={"uscc": "该统一社会信用代码已登记"})
        for key, value in direct.items():
            setattr(employer, key, value)
        application = None
        if changed:
            waiting = session.scalar(
                select(EmployerApplication).where(
                    EmployerApplication.employer_id == employer.id,
                    EmployerApplication.kind == "change",
                    EmployerApplication.status == "pending",
                )
            )
            if waiting is not None:
                raise Conflict(
                    "上一次名称或信用代码变更正在审核", fields={"name": "上一次变更正在审核，请等待审核结果"}
                )
            name = changed.get("name", employer.name)
            application = EmployerApplication(
                kind="change",
                status="pending",
                employer_id=employer.id,
                name=name,
                name_key=name_key(name),
                uscc=changed.get("uscc", employer.uscc),
                region_code=employer.region_code,
                industry=employer.industry,
                contact_name=employer.contact_name,
                contact_phone=employer.contact_phone,
                address=employer.address,
                is_workshop=employer.is_workshop,
                workshop_certificate=employer.workshop_certificate,
                submitted_by=actor.user_id,
            )
            policy.require(actor, "create", application)
            session.add(application)
            session.flush()
            audit.record(session, actor, "request_change", "employer_application", application.id, ip=ip)
        if direct:
            audit.record(session, actor, "update", "employer", employer.id, ip=ip, fields=sorted(direct))
    return employer, application


def pending_change(session: Session, employer: Employer) -> EmployerApplication | None:
    return session.scalar(
        select(EmployerApplication).where(
            EmployerApplication.employer_id == employer.id,
            EmployerApplication.kind == "change",
            EmployerApplication.status == "pending",
        )
    )


def review_queue(session: Session, actor: Actor) -> dict[str, int]:
    """What waits for this reviewer: employer-posted job orders and employer applications of their region."""
    from webapp.models import JobOrder

    orders = policy.scoped(actor, select(func.count(JobOrder.id)), JobOrder, "approve")
    applications = policy.scoped(
        actor, select(func.count(EmployerApplication.id)), EmployerApplication, "approve"
    )
    return {
        "job_orders": session.scalar(orders.where(JobOrder.status == "pending")) or 0,
        "employer_applications": session.scalar(applications.where(EmployerApplication.status == "pending"))
        or 0,
    }


def application_to_dict(application: EmployerApplication) -> dict[str, Any]:
    return {
        "id": application.id,
        "kind": application.kind,
        "status": application.status,
        "employer_id": application.employer_id,
        "name": application.name,
        "uscc": application.uscc,
        "region_code": application.region_code,
        "region_name": reference.region_name(application.region_code, full=True),
        "industry": application.industry,
        "contact_name": application.contact_name,
        "contact_phone": application.contact_phone,
        "address": application.address,
        "is_workshop": application.is_workshop,
        "workshop_certificate": application.workshop_certificate,
        "username": application.username,
        "review_note": application.review_note,
        "created_at": application.created_at.isoformat() if application.created_at else None,
    }
