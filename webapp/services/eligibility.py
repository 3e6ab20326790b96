"""Who may fill which post, and which route an order or placement takes — one place for every door.

- A public-welfare post (公益性岗位) is only for registered-poor (建档立卡), disabled or hard-to-employ
  (就业困难人员) workers. :func:`check_public_welfare` is called by the one service that records a placement
  (so fair outcomes, dispatch departures, pages and the API all pass through it) and, earlier, by fair outcomes
  and departure plans so that nothing is promised that cannot be recorded.
- An order for a public-welfare occupation (``public_welfare = true`` in ``config/occupations.toml``) is a
  public-welfare post, whoever ticks what.
- The orders and placements of a workshop employer (扶贫车间) take the ``workshop`` route unless staff choose
  another one and say why (:func:`order_route`, :func:`placement_route`).
"""

from __future__ import annotations

from typing import Any

from webapp import policy
from webapp.errors import Forbidden, ValidationError
from webapp.models import Employer, JobOrder, Worker
from webapp.services import reference
from webapp.services.scope import Actor
from webapp.services.validation import FieldError

WORKSHOP_ROUTE = "workshop"
DEFAULT_ROUTE = "local_enterprise"
PUBLIC_WELFARE_ROUTE = "public_welfare"
PUBLIC_WELFARE_RULE = "公益性岗位仅限建档立卡贫困人员、残疾人或就业困难人员"
WORKSHOP_REASON_RULE = "扶贫车间的岗位和就业默认走“扶贫车间”渠道，选择其他渠道须填写理由"


def may_fill_public_welfare(worker: Worker) -> bool:
    """Registered-poor, disabled or hard-to-employ (any recognised sub-type)."""
    return bool(worker.poverty_registered or worker.disability or worker.hard_to_employ)


def check_public_welfare(worker: Worker, *, public_welfare: bool, field: str = "worker_id") -> None:
    """Refuse an ineligible worker for a public-welfare post, naming the rule and the worker."""
    if public_welfare and not may_fill_public_welfare(worker):
        raise ValidationError(
            f"{worker.name}不能安排到公益性岗位：{PUBLIC_WELFARE_RULE}",
            fields={field: PUBLIC_WELFARE_RULE},
        )


def is_public_welfare_occupation(occupation_code: str | None) -> bool:
    return bool(occupation_code) and occupation_code in reference.public_welfare_occupations()


def parse_hard_to_employ(raw: Any) -> str:
    """A 就业困难人员 sub-type key, or "" (not one). Accepts the key or the Chinese name.

    >>> parse_hard_to_employ("大龄失业人员"), parse_hard_to_employ(None), parse_hard_to_employ("否")
    ('older_unemployed', '', '')
    """
    if raw is None or raw is False:
        return ""
    if not isinstance(raw, str):
        raise FieldError("应为就业困难人员类别")
    text = raw.strip()
    if text in ("", "否", "无"):
        return ""
    types = reference.hard_to_employ_types()
    if text in types:
        return text
    for key, entry in types.items():
        if text == entry["name_zh"]:
            return key
    raise FieldError("无效的就业困难人员类别，可选：" + "、".join(t["name_zh"] for t in types.values()))


def order_rules(
    actor: Actor, values: dict[str, Any], employer: Employer | None, *, current: JobOrder | None = None
) -> dict[str, Any]:
    """Apply the public-welfare and workshop rules to a job order's validated ``values`` (in place).

    ``values["route"]`` is ``None`` when the caller gave none: the employer's default is used. A workshop
    employer's order on another route needs a ``route_reason`` and an actor allowed to override (staff).
    """
    occupation = values.get("occupation_code") or (current.occupation_code if current else None)
    if is_public_welfare_occupation(occupation):
        already = current is not None and current.public_welfare
        if not already and not policy.can(actor, "set_public_welfare", JobOrder):
            name = reference.taxonomy().name(occupation) if occupation else ""
            raise Forbidden(
                f"“{name}”是公益性岗位，由人社部门发布，企业不能发布",
                fields={"occupation": "公益性岗位由人社部门发布"},
            )
        values["public_welfare"] = True
    if employer is None:
        if "route" in values and values["route"] is None:
            values["route"] = DEFAULT_ROUTE
        return values
    if "route" not in values and "employer_id" not in values:
        return values
    route = values.get("route")
    if route is None:
        route = current.route if current is not None and "route" not in values else None
    if route is None:
        route = WORKSHOP_ROUTE if employer.is_workshop else DEFAULT_ROUTE
    values["route"] = route
    reason = (values.get("route_reason") or "").strip()
    if employer.is_workshop and route != WORKSHOP_ROUTE:
        if not reason and current is not None and current.route == route:
            reason = current.route_reason
        _check_override(actor, employer, reason)
        values["route_reason"] = reason
    else:
        values["route_reason"] = ""
    return values


def placement_route(
    actor: Actor, employer: Employer | None, order: JobOrder | None, route: str | None, reason: str
) -> tuple[str | None, str]:
    """The route of a new placement and its reason: the order's (with the order's reason), else the workshop
    route for a workshop employer; another one needs a reason and staff."""
    reason = (reason or "").strip()
    default = order.route if order is not None else None
    if default is None and employer is not None and employer.is_workshop:
        default = WORKSHOP_ROUTE
    chosen = route or default
    if employer is not None and employer.is_workshop and chosen != WORKSHOP_ROUTE:
        if chosen == default and order is not None and order.route_reason:
            return chosen, order.route_reason
        _check_override(actor, employer, reason)
        return chosen, reason
    return chosen, ""


def _check_override(actor: Actor, employer: Employer, reason: str) -> None:
    if not policy.can(actor, "override_route", employer):
        raise Forbidden(
            "只有人社部门工作人员可以为扶贫车间选择其他就业渠道", fields={"route": "只能为“扶贫车间”"}
        )
    if not reason:
        raise ValidationError(WORKSHOP_REASON_RULE, fields={"route_reason": WORKSHOP_REASON_RULE})
