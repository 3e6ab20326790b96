"""Employers (用工企业)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp import policy
from webapp.errors import Conflict
from webapp.models import Employer
from webapp.services import audit, reference, transaction
from webapp.services.scope import Actor, region_prefix
from webapp.services.validation import (
    Collector,
    parse_bool,
    parse_contact_phone,
    parse_region,
    parse_text,
    parse_uscc,
    reject_unknown,
)
from webapp.services.workers import Page

EMPLOYER_FIELDS = (
    "name",
    "uscc",
    "region_code",
    "contact_name",
    "contact_phone",
    "address",
    "is_workshop",
    "is_partner",
)


def validate_employer(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    reject_unknown(data, EMPLOYER_FIELDS)
    c = Collector()
    out: dict[str, Any] = {}

    def want(name: str) -> bool:
        return not partial or name in data

    if want("name"):
        out["name"] = c.field("name", parse_text, data.get("name"), max_len=128, label="企业名称")
    if want("uscc"):
        out["uscc"] = c.field("uscc", parse_uscc, data.get("uscc"))
    if want("region_code"):
        out["region_code"] = c.field("region_code", parse_region, data.get("region_code"))
    if want("contact_name"):
        out["contact_name"] = c.field(
            "contact_name", parse_text, data.get("contact_name"), required=False, max_len=64
        )
    if want("contact_phone"):
        out["contact_phone"] = c.field(
            "contact_phone", parse_contact_phone, data.get("contact_phone"), required=False
        )
    if want("address"):
        out["address"] = c.field("address", parse_text, data.get("address"), required=False, max_len=255)
    for name in ("is_workshop", "is_partner"):
        if want(name):
            out[name] = c.field(name, parse_bool, data.get(name))
    c.done()
    return out


def create_employer(session: Session, actor: Actor, data: Mapping[str, Any]) -> Employer:
    policy.require(actor, "create", Employer)
    values = validate_employer(data)
    policy.require(actor, "create", Employer(region_code=values["region_code"]), fields=policy.OUT_OF_REGION)
    with transaction(session):
        if session.scalar(select(Employer.id).where(Employer.uscc == values["uscc"])) is not None:
            raise Conflict("该统一社会信用代码已登记", fields={"uscc": "该统一社会信用代码已登记"})
        employer = Employer(**values)
        session.add(employer)
        session.flush()
        audit.record(session, actor, "create", "employer", employer.id)
    return employer


def get_employer(session: Session, actor: Actor, employer_id: int) -> Employer:
    return policy.require(actor, "read", session.get(Employer, employer_id))


def list_employers(
    session: Session,
    actor: Actor,
    *,
    q: str = "",
    region_code: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    stmt = policy.scoped(actor, select(Employer), Employer)
    if q:
        stmt = stmt.where(Employer.name.like(f"%{q}%"))
    if region_code:
        stmt = stmt.where(Employer.region_code.startswith(region_prefix(region_code)))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(Employer.id).offset((page - 1) * per_page).limit(per_page)).all()
    return Page(list(rows), total, page, per_page)


def employer_options(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """``(id, name)`` of the employers this actor may post job orders for, by name (for a select)."""
    rows = session.execute(
        select(Employer.id, Employer.name)
        .where(policy.filter_for(actor, Employer, "post_order"))
        .order_by(Employer.name)
    )
    return [(row.id, row.name) for row in rows]


def employer_to_dict(employer: Employer, actor: Actor) -> dict[str, Any]:
    """The employer as the API shows it; its contact person and phone only to those the registry lets see them."""
    contacts = policy.can(actor, "contacts", employer)
    return {
        "id": employer.id,
        "name": employer.name,
        "uscc": employer.uscc,
        "region_code": employer.region_code,
        "region_name": reference.region_name(employer.region_code, full=True),
        "contact_name": employer.contact_name if contacts else "",
        "contact_phone": employer.contact_phone if contacts else "",
        "address": employer.address,
        "is_workshop": employer.is_workshop,
        "is_partner": employer.is_partner,
    }
