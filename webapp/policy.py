"""Who may see and change what: the one registry of access rules (Odoo record rules, Frappe permission queries).

Every model has a :class:`ModelRules` entry in ``REGISTRY``. For each *action* (``read``, ``create``,
``update`` and the model's workflow actions such as ``approve``, ``pay``, ``check_in``, ``reveal``, ``export``)
it maps each *role* to a :class:`Cond` — a record rule with two halves that always agree: a SQL clause (the
filter of lists) and a Python test (the check of one object). A role missing from an action is refused. Listing
uses the ``read`` rule. Personal-data fields and score components (``id_number``, ``phone``,
``poverty_registered``, ``disability``, ``consent_to_share``, ``priority``) are rules too, in ``fields``.

Roles are derived, never stored: ``admin``, ``city_staff`` / ``county_staff`` / ``township_staff`` /
``village_staff`` (a staff account, by the level of its region), ``employer``, ``trainer`` and ``anonymous``.

Callers ask, and never compare role strings themselves:

- ``policy.scoped(actor, select(Worker))`` — the rows ``actor`` may list (``filter_for`` gives the clause);
- ``policy.require(actor, "update", order)`` — the object, or ``NotFound`` when the actor may not even read it
  (ids in other regions are not revealed) and ``Forbidden`` when it may read but not do this;
- ``policy.can(actor, "create", JobOrder)`` — with a model (class or key) instead of an object: does the role
  have the action at all (for menus, buttons and form pages);
- ``policy.sees(actor, "poverty_registered", worker)`` — may this field be shown;
- in templates ``can('update', order)``, ``can('create', 'job_order')`` and ``sees('phone', worker)`` for the
  logged-in user.

To add a rule for a new model::

    REGISTRY.add(ModelRules(Household, "household", {
        "read":   {ADMIN: ALWAYS, **staff(in_region())},
        "create": {ADMIN: ALWAYS, **staff(in_region())},
        "update": {ADMIN: ALWAYS, **staff(in_region())},
        "visit":  staff(in_region(), levels=(TOWNSHIP, VILLAGE)),
    }))

(``tests/webapp/security/test_policy_matrix.py`` fails until every ``db.Model`` has an entry.) To add an action
to an existing model, add a key to its ``actions`` (``"approve": {ADMIN: ALWAYS, CITY: in_region()}``) and call
``policy.require(actor, "approve", claim)`` in the service. Conditions combine with ``&``, ``|`` and ``~``;
``in_region(path)``, ``own(path, attr)``, ``flag(path)`` and ``equals(path, value)`` follow a dotted path through
relationships (``"worker.region_code"``, ``"course.provider.user_id"``). Keep the write rules of a model inside
its read rule (the matrix test checks it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, and_, false, not_, or_, true

from webapp.errors import Forbidden, NotFound
from webapp.models import Employer, JobOrder, Worker
from webapp.services.scope import Actor, region_level, region_prefix, within

if TYPE_CHECKING:
    from flask import Flask

ADMIN = "admin"
CITY = "city_staff"
COUNTY = "county_staff"
TOWNSHIP = "township_staff"
VILLAGE = "village_staff"
EMPLOYER = "employer"
TRAINER = "trainer"
ANONYMOUS = "anonymous"
STAFF = (CITY, COUNTY, TOWNSHIP, VILLAGE)
ROLES = (ADMIN, *STAFF, EMPLOYER, TRAINER, ANONYMOUS)
#: Actions every model answers (``list`` is the ``read`` rule as a query filter).
BASE_ACTIONS = ("read", "create", "update")
#: Personal-data fields and score components whose visibility the registry decides.
PERSONAL_FIELDS = ("id_number", "phone", "poverty_registered", "disability", "consent_to_share", "priority")

_STAFF_LEVEL = {"province": CITY, "city": CITY, "county": COUNTY, "township": TOWNSHIP, "village": VILLAGE}


def role_of(actor: Actor) -> str:
    """The policy role of an actor: staff accounts by the level of their region.

    >>> role_of(Actor(1, "staff", "410922")), role_of(Actor(2, "staff", "410922100")), role_of(Actor(None, ""))
    ('county_staff', 'township_staff', 'anonymous')
    """
    if actor.role == "staff":
        # A staff account without a region has no jurisdiction: it is refused like a visitor.
        return _STAFF_LEVEL[region_level(actor.region_code)] if actor.region_code else ANONYMOUS
    if actor.role in (ADMIN, EMPLOYER, TRAINER) and actor.user_id is not None:
        return actor.role
    return ANONYMOUS


def is_staff_role(role: str) -> bool:
    """Staff of the bureau at any level, or an admin."""
    return role == ADMIN or role in STAFF


# --- conditions (record rules) -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cond:
    """A record rule: ``clause(actor, model)`` is its SQL half, ``holds(actor, obj)`` its Python half."""

    clause: Callable[[Actor, type], ColumnElement[bool]]
    holds: Callable[[Actor, Any], bool]
    label: str = ""

    def __and__(self, other: Cond) -> Cond:
        return Cond(
            lambda a, m: and_(self.clause(a, m), other.clause(a, m)),
            lambda a, o: self.holds(a, o) and other.holds(a, o),
            f"({self.label} and {other.label})",
        )

    def __or__(self, other: Cond) -> Cond:
        return Cond(
            lambda a, m: or_(self.clause(a, m), other.clause(a, m)),
            lambda a, o: self.holds(a, o) or other.holds(a, o),
            f"({self.label} or {other.label})",
        )

    def __invert__(self) -> Cond:
        return Cond(
            lambda a, m: not_(self.clause(a, m)), lambda a, o: not self.holds(a, o), f"not {self.label}"
        )


ALWAYS = Cond(lambda a, m: true(), lambda a, o: True, "always")
NEVER = Cond(lambda a, m: false(), lambda a, o: False, "never")


def _path_clause(model: type, path: str, make: Callable[[Any], ColumnElement[bool]]) -> ColumnElement[bool]:
    """``make(column)`` at the end of ``path``, through relationships as EXISTS sub-queries."""
    head, _, rest = path.partition(".")
    attr = getattr(model, head)
    if not rest:
        return make(attr)
    rel = attr.property
    inner = _path_clause(rel.mapper.class_, rest, make)
    return attr.any(inner) if rel.uselist else attr.has(inner)


def _path_values(obj: Any, path: str) -> list[Any]:
    """The values at the end of ``path`` (several through a one-to-many relationship)."""
    current = [obj]
    for part in path.split("."):
        nxt: list[Any] = []
        for item in current:
            value = getattr(item, part, None)
            if isinstance(value, (list, tuple, set)):
                nxt.extend(value)
            elif value is not None:
                nxt.append(value)
        current = nxt
    return current


def _on_path(
    path: str, sql: Callable[[Actor, Any], Any], test: Callable[[Actor, Any], bool], label: str
) -> Cond:
    return Cond(
        lambda a, m: _path_clause(m, path, lambda col: sql(a, col)),
        lambda a, o: any(test(a, v) for v in _path_values(o, path)),
        label,
    )


def in_region(path: str = "region_code") -> Cond:
    """The region code at ``path`` lies at or below the actor's region."""

    def sql(a: Actor, col: Any) -> Any:
        return col.startswith(region_prefix(a.region_code)) if a.region_code else false()

    return _on_path(
        path, sql, lambda a, v: bool(a.region_code) and within(v, a.region_code or ""), f"{path} in region"
    )


def own(path: str = "employer_id", attr: str = "employer_id") -> Cond:
    """The value at ``path`` is the actor's own ``attr`` (``employer_id`` or ``user_id``)."""

    def sql(a: Actor, col: Any) -> Any:
        mine = getattr(a, attr)
        return col == mine if mine is not None else false()

    return _on_path(
        path, sql, lambda a, v: getattr(a, attr) is not None and v == getattr(a, attr), f"own {path}"
    )


def equals(path: str, value: Any) -> Cond:
    """The value at ``path`` equals ``value`` (a status, a kind)."""
    if isinstance(value, bool):
        return _on_path(
            path, lambda a, col: col.is_(value), lambda a, v: bool(v) is value, f"{path} is {value}"
        )
    return _on_path(path, lambda a, col: col == value, lambda a, v: v == value, f"{path} = {value!r}")


def flag(path: str) -> Cond:
    """The boolean at ``path`` is set."""
    return equals(path, True)


def one_of(path: str, values: Iterable[Any]) -> Cond:
    wanted = tuple(values)
    return _on_path(path, lambda a, col: col.in_(wanted), lambda a, v: v in wanted, f"{path} in {wanted}")


def staff(cond: Cond, *, levels: Iterable[str] = STAFF) -> dict[str, Cond]:
    """The same rule for staff of the given levels (all by default): ``{**staff(in_region())}``."""
    return {level: cond for level in levels}


# --- the registry -----------------------------------------------------------------------------------------

RoleRules = Mapping[str, Cond]


@dataclass(frozen=True)
class ModelRules:
    """The rules of one model: ``actions[action][role]`` and ``fields[field][role]`` (absent = refused)."""

    model: type
    key: str
    actions: Mapping[str, RoleRules]
    fields: Mapping[str, RoleRules] = field(default_factory=dict)
    #: The Chinese message of a refusal per action (a generic one otherwise).
    messages: Mapping[str, str] = field(default_factory=dict)

    def rule(self, action: str, role: str) -> Cond:
        if action == "list":
            action = "read"
        if action not in self.actions:
            raise KeyError(f"no rule for action {action!r} on {self.key}")
        return self.actions[action].get(role, NEVER)

    def action_names(self) -> tuple[str, ...]:
        return tuple(self.actions)


class Registry:
    """Model → :class:`ModelRules`, looked up by class, by instance or by key."""

    def __init__(self) -> None:
        self._by_model: dict[type, ModelRules] = {}
        self._by_key: dict[str, ModelRules] = {}

    def add(self, rules: ModelRules) -> None:
        missing = [a for a in BASE_ACTIONS if a not in rules.actions]
        if missing:
            raise ValueError(f"{rules.key}: every model states {BASE_ACTIONS}; missing {missing}")
        unknown = {r for spec in (*rules.actions.values(), *rules.fields.values()) for r in spec} - set(ROLES)
        if unknown:
            raise ValueError(f"{rules.key}: unknown roles {sorted(unknown)}")
        self._by_model[rules.model] = rules
        self._by_key[rules.key] = rules

    def of(self, target: Any) -> ModelRules:
        if isinstance(target, str):
            return self._by_key[target]
        model = target if isinstance(target, type) else type(target)
        for klass in model.__mro__:
            if klass in self._by_model:
                return self._by_model[klass]
        raise KeyError(f"no policy rules for {model.__name__}")

    def __contains__(self, model: type) -> bool:
        return model in self._by_model

    def __iter__(self) -> Iterator[ModelRules]:
        return iter(self._by_key.values())


REGISTRY = Registry()

GENERIC_REFUSAL = "您无权执行此操作"


def can(actor: Actor, action: str, target: Any) -> bool:
    """May ``actor`` do ``action`` on ``target`` (an object; or a model class/key: does the role have it at all)."""
    rules = REGISTRY.of(target)
    cond = rules.rule(action, role_of(actor))
    if isinstance(target, (str, type)):
        return cond is not NEVER
    return cond.holds(actor, target)


def require(actor: Actor, action: str, target: Any, *, message: str | None = None) -> Any:
    """``target`` if ``actor`` may do ``action`` on it.

    An object the actor may not read answers ``NotFound`` (as a missing one does: ids in other regions are not
    revealed); one it may read but not change answers ``Forbidden``. With a model class or key: ``Forbidden``
    when the role lacks the action altogether.
    """
    if target is None:
        raise NotFound()
    rules = REGISTRY.of(target)
    instance = not isinstance(target, (str, type))
    # A new object is not yet readable by anyone; an existing one out of read scope looks missing.
    if instance and action not in ("read", "create") and not can(actor, "read", target):
        raise NotFound()
    if not can(actor, action, target):
        if action in ("read", "list") and instance:
            raise NotFound()
        raise Forbidden(message or rules.messages.get(action, GENERIC_REFUSAL))
    return target


def filter_for(actor: Actor, model: type, action: str = "read") -> ColumnElement[bool]:
    """The WHERE clause limiting ``model`` rows to those ``actor`` may ``action`` (lists use ``read``)."""
    return REGISTRY.of(model).rule(action, role_of(actor)).clause(actor, model)


def scoped(actor: Actor, stmt: Select, model: type, action: str = "read") -> Select:  # type: ignore[type-arg]
    return stmt.where(filter_for(actor, model, action))


def sees(actor: Actor, name: str, target: Any) -> bool:
    """May ``actor`` see the personal field or score component ``name`` of ``target``."""
    rules = REGISTRY.of(target)
    if name not in rules.fields:
        raise KeyError(f"no visibility rule for field {name!r} of {rules.key}")
    cond = rules.fields[name].get(role_of(actor), NEVER)
    if isinstance(target, (str, type)):
        return cond is not NEVER
    return cond.holds(actor, target)


def visible_fields(actor: Actor, target: Any) -> frozenset[str]:
    """The personal fields and score components of ``target`` that ``actor`` may see."""
    rules = REGISTRY.of(target)
    return frozenset(name for name in rules.fields if sees(actor, name, target))


def current_actor() -> Actor:
    """The logged-in user of the request as an :class:`Actor` (anonymous when nobody is)."""
    from flask_login import current_user

    if current_user and current_user.is_authenticated:
        return Actor.of(current_user)
    return Actor(None, ANONYMOUS)


def install(app: Flask) -> None:
    """Template globals: ``can(action, target)``, ``sees(field, target)`` and ``policy_role()``."""
    app.jinja_env.globals["can"] = lambda action, target: can(current_actor(), action, target)
    app.jinja_env.globals["sees"] = lambda name, target: sees(current_actor(), name, target)
    app.jinja_env.globals["policy_role"] = lambda: role_of(current_actor())


# --- the rules ----------------------------------------------------------------------------------------------

ANY_STAFF = {ADMIN: ALWAYS, **staff(ALWAYS)}
REGIONAL = {ADMIN: ALWAYS, **staff(in_region())}
CONSENTED = flag("consent_to_share")

REGISTRY.add(
    ModelRules(
        Worker,
        "worker",
        {
            "read": REGIONAL,
            "create": REGIONAL,
            "update": REGIONAL,
            "reveal": REGIONAL,
            "export": REGIONAL,
            # Offered to this actor as a candidate (matches, booths, shortlists, trainee proposals).
            "propose": {**REGIONAL, EMPLOYER: CONSENTED, TRAINER: CONSENTED},
        },
        fields={
            "id_number": REGIONAL,
            "phone": {**REGIONAL, EMPLOYER: CONSENTED},
            "poverty_registered": REGIONAL,
            "disability": REGIONAL,
            "consent_to_share": REGIONAL,
            "priority": REGIONAL,
        },
        messages={"create": "该地区不在您的管辖范围内", "update": "该地区不在您的管辖范围内"},
    )
)

REGISTRY.add(
    ModelRules(
        Employer,
        "employer",
        {
            "read": {**ANY_STAFF, EMPLOYER: own("id"), TRAINER: ALWAYS},
            "create": REGIONAL,
            "update": {**REGIONAL, EMPLOYER: own("id")},
            # Its contact person and phone.
            "contacts": {**ANY_STAFF, EMPLOYER: own("id")},
            # Post job orders for it.
            "post_order": {**REGIONAL, EMPLOYER: own("id")},
        },
        fields={"phone": {**ANY_STAFF, EMPLOYER: own("id")}},
        messages={"create": "该地区不在您的管辖范围内", "post_order": "只能为本辖区的企业发布岗位"},
    )
)

REGISTRY.add(
    ModelRules(
        JobOrder,
        "job_order",
        {
            "read": {**ANY_STAFF, EMPLOYER: own(), TRAINER: ALWAYS},
            # Staff write the orders of employers in their region; an employer writes its own.
            "create": {ADMIN: ALWAYS, **staff(in_region("employer.region_code")), EMPLOYER: own()},
            "update": {ADMIN: ALWAYS, **staff(in_region("employer.region_code")), EMPLOYER: own()},
            "match": {**ANY_STAFF, EMPLOYER: own()},
            # Only staff decide that a post is public-welfare (公益性岗位).
            "set_public_welfare": {ADMIN: ALWAYS, **staff(in_region("employer.region_code"))},
        },
        messages={
            "create": "只有企业或人社部门工作人员可以发布岗位",
            "update": "只有发布企业或本辖区人社部门工作人员可以修改该岗位",
            "set_public_welfare": "只有人社部门工作人员可以设定公益性岗位",
        },
    )
)


# --- training, subsidies and 防返贫 monitoring (issue 13: course rules, proposals, households) ---------------
# Minimal entries for the workflow actions of this feature; the full rules of Course, Enrolment and SubsidyClaim
# come with the registry's entries for every existing model.

from webapp.models.households import Household  # noqa: E402
from webapp.models.training import Course, Enrolment, SubsidyClaim  # noqa: E402

OWN_COURSE = own("provider.user_id", "user_id")

REGISTRY.add(
    ModelRules(
        Course,
        "course",
        {
            "read": {**ANY_STAFF, TRAINER: OWN_COURSE},
            "create": {TRAINER: ALWAYS},
            "update": {ADMIN: ALWAYS, TRAINER: OWN_COURSE},
            # 结业 of the whole course (irreversible; confirmed with a summary first)
            "finish": {ADMIN: ALWAYS, TRAINER: OWN_COURSE},
        },
        messages={"finish": "只有开班的培训机构可以管理该课程"},
    )
)

REGISTRY.add(
    ModelRules(
        Enrolment,
        "enrolment",
        {
            "read": {**ANY_STAFF, TRAINER: own("course.provider.user_id", "user_id")},
            "create": {ADMIN: ALWAYS, TRAINER: own("course.provider.user_id", "user_id")},
            "update": {ADMIN: ALWAYS, TRAINER: own("course.provider.user_id", "user_id")},
            # 结业 / 未通过 / 退出 and the certificate of one trainee
            "result": {ADMIN: ALWAYS, TRAINER: own("course.provider.user_id", "user_id")},
        },
        messages={"result": "只有开班的培训机构可以管理该课程"},
    )
)

CLAIM_DECIDERS = {ADMIN: ALWAYS, **staff(in_region("course.region_code"))}

REGISTRY.add(
    ModelRules(
        SubsidyClaim,
        "subsidy_claim",
        {
            "read": {**CLAIM_DECIDERS, TRAINER: own("course.provider.user_id", "user_id")},
            "create": {ADMIN: ALWAYS, TRAINER: own("course.provider.user_id", "user_id")},
            "update": {ADMIN: ALWAYS, TRAINER: own("course.provider.user_id", "user_id")},
            # 批准 and 支付 by the staff of the course's place; the same person never does both (four-eyes,
            # checked in services.subsidies with its own message)
            "approve": CLAIM_DECIDERS,
            "pay": CLAIM_DECIDERS,
            "return": CLAIM_DECIDERS,
        },
        messages={
            "approve": "只有培训场所所在地的人社部门工作人员可以审核、支付补贴",
            "pay": "只有培训场所所在地的人社部门工作人员可以审核、支付补贴",
            "return": "只有培训场所所在地的人社部门工作人员可以审核、支付补贴",
        },
    )
)

REGISTRY.add(
    ModelRules(
        Household,
        "household",
        {
            "read": REGIONAL,
            "create": REGIONAL,
            "update": REGIONAL,
            # record a visit (走访) — the coordinators of the household's village, township and county
            "visit": REGIONAL,
        },
        messages={
            "create": "该地区不在您的管辖范围内",
            "update": "该地区不在您的管辖范围内",
            "visit": "该户不在您的管辖范围内",
        },
    )
)
