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
its read rule (the matrix test checks it). Something that is not a saved row is asked about as a
``Subject("key", **values)``: the values of a row about to be written, or a subject without a table such as the
statistics of a region (``ModelRules(None, "stats", ...)``).

A new page or API route gets an entry in ``ROUTES`` (at the end of this module): the (model key, action) it
performs, or ``PUBLIC``. The matrix test requests every route as every role and expects the registry's answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, and_, false, not_, or_, true

from matcher.settings import COMPONENTS
from webapp.errors import Forbidden, NotFound
from webapp.models import (
    AuditLog,
    Employer,
    JobOrder,
    Match,
    Placement,
    Region,
    SchedulerRun,
    User,
    Worker,
)
from webapp.models.fairs import (
    CooperationAgreement,
    CooperationCandidate,
    CooperationPost,
    CountyQuota,
    DispatchBatch,
    DispatchMember,
    Fair,
    FairCheckIn,
    FairJobOrder,
    FairLeftOut,
    FairOutcome,
    FairParticipant,
    ShortlistEntry,
)
from webapp.models.followups import FollowUp, FollowUpReminder, ImportBatch, StatsSnapshot
from webapp.models.households import Household, HouseholdMember, HouseholdVisit
from webapp.models.onboarding import EmployerApplication
from webapp.models.security import (
    ApiToken,
    AuditLogGate,
    LoginAttempt,
    LoginSession,
    LoginThrottle,
    PrivacyErasure,
    PrivacyRequest,
)
from webapp.models.training import (
    Attendance,
    BudgetLine,
    Course,
    Enrolment,
    SignupAttempt,
    SignupRequest,
    SubsidyClaim,
    SubsidyClaimLine,
    TrainingProvider,
)
from webapp.services.scope import Actor, ancestors, region_level, region_prefix, within

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
#: The stored role of every bureau staff account (its policy role comes from the level of its region).
STAFF_ACCOUNT = "staff"
ROLES = (ADMIN, *STAFF, EMPLOYER, TRAINER, ANONYMOUS)
#: Actions every model answers (``list`` is the ``read`` rule as a query filter).
BASE_ACTIONS = ("read", "create", "update")
#: Personal-data fields and score components whose visibility the registry decides.
PERSONAL_FIELDS = (
    "id_number",
    "phone",
    "poverty_registered",
    "disability",
    "hard_to_employ",
    "consent_to_share",
    "priority",
)

_STAFF_LEVEL = {"province": CITY, "city": CITY, "county": COUNTY, "township": TOWNSHIP, "village": VILLAGE}


def role_of(actor: Actor) -> str:
    """The policy role of an actor: staff accounts by the level of their region.

    >>> role_of(Actor(1, "staff", "410922")), role_of(Actor(2, "staff", "410922100")), role_of(Actor(None, ""))
    ('county_staff', 'township_staff', 'anonymous')
    """
    account = actor.role  # the stored account type: admin, staff, employer or trainer
    if account == STAFF_ACCOUNT:
        # A staff account without a region has no jurisdiction: it is refused like a visitor.
        return _STAFF_LEVEL[region_level(actor.region_code)] if actor.region_code else ANONYMOUS
    if account in (ADMIN, EMPLOYER, TRAINER):  # the scheduler acts as an admin without an account
        return account
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


def above_region(path: str = "region_code") -> Cond:
    """The region code at ``path`` is the actor's region or one above it (a county clerk and the city's fairs)."""

    def chain(a: Actor) -> list[str]:
        return ancestors(a.region_code) if a.region_code else []

    return _on_path(
        path, lambda a, col: col.in_(chain(a)), lambda a, v: v in chain(a), f"{path} above region"
    )


def own(path: str = "employer_id", attr: str = "employer_id") -> Cond:
    """The value at ``path`` is the actor's own ``attr`` (``employer_id`` or ``user_id``)."""

    def sql(a: Actor, col: Any) -> Any:
        mine = getattr(a, attr)
        return col == mine if mine is not None else false()

    return _on_path(
        path, sql, lambda a, v: getattr(a, attr) is not None and v == getattr(a, attr), f"own {path}"
    )


def has_any(path: str) -> Cond:
    """The relationship at ``path`` holds at least one row (``"employer.accounts"``: the employer has a login)."""
    return Cond(
        lambda a, m: _path_clause(m, path, lambda rel: rel.any()),
        lambda a, o: bool(_path_values(o, path)),
        f"some {path}",
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


class Subject:
    """Something a rule is asked about that is not a saved row: a subject without a table (``Subject("stats",
    region_code="410922")``: the statistics of a region) or the values of a row about to be written."""

    def __init__(self, policy_key: str, **values: Any) -> None:
        self.policy_key = policy_key
        self.__dict__.update(values)


@dataclass(frozen=True)
class ModelRules:
    """The rules of one model: ``actions[action][role]`` and ``fields[field][role]`` (absent = refused)."""

    model: type | None  # None: a subject without a table (a ledger, the statistics)
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
        if rules.model is not None:
            self._by_model[rules.model] = rules
        self._by_key[rules.key] = rules

    def of(self, target: Any) -> ModelRules:
        if isinstance(target, str):
            return self._by_key[target]
        if isinstance(target, Subject):
            return self._by_key[target.policy_key]
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
#: ``fields`` of a refusal because a region code given is outside the actor's jurisdiction.
OUT_OF_REGION = {"region_code": "不在您的管辖范围内"}


def can(actor: Actor, action: str, target: Any) -> bool:
    """May ``actor`` do ``action`` on ``target`` (an object; or a model class/key: does the role have it at all)."""
    rules = REGISTRY.of(target)
    cond = rules.rule(action, role_of(actor))
    if isinstance(target, (str, type)):
        return cond is not NEVER
    return cond.holds(actor, target)


def require(
    actor: Actor,
    action: str,
    target: Any,
    *,
    message: str | None = None,
    fields: Mapping[str, str] | None = None,
) -> Any:
    """``target`` if ``actor`` may do ``action`` on it.

    An object the actor may not read answers ``NotFound`` (as a missing one does: ids in other regions are not
    revealed); one it may read but not change answers ``Forbidden``. With a model class or key: ``Forbidden``
    when the role lacks the action altogether.
    """
    if target is None:
        raise NotFound()
    rules = REGISTRY.of(target)
    instance = not isinstance(target, (str, type))
    # A stored row out of read scope looks missing; a new row or a Subject (values, a table-less subject) is
    # simply refused.
    stored = instance and not isinstance(target, Subject)
    if stored and action not in ("read", "create") and not can(actor, "read", target):
        raise NotFound()
    if not can(actor, action, target):
        if action in ("read", "list") and stored:
            raise NotFound()
        raise Forbidden(message or rules.messages.get(action, GENERIC_REFUSAL), fields=dict(fields or {}))
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


def hidden_components(actor: Actor, worker: Any) -> frozenset[str]:
    """The score components of matches of ``worker`` that ``actor`` may not see (their value, their share of the
    score and their reasons): for an employer, the registered-poor ``priority``."""
    rules = REGISTRY.of(worker)
    return frozenset(c for c in COMPONENTS if c in rules.fields and not sees(actor, c, worker))


def proposal_scope(actor: Actor) -> tuple[str, bool]:
    """The worker ``propose`` rule as the matching index partitions it: ``(region code prefix, consenting only)``
    ('' = every region). ``tests/webapp/test_policy.py`` checks that it selects what the rule admits."""
    role = role_of(actor)
    if role == ADMIN:
        return "", False
    if role in STAFF:
        return region_prefix(actor.region_code or "-"), False
    if role == TRAINER and actor.region_code:
        return region_prefix(actor.region_code), True
    if can(actor, "propose", Worker):
        return "", True
    raise Forbidden("您无权查看匹配结果")


def jurisdiction(actor: Actor, *, default: str | None = None) -> str | None:
    """The region whose subtree ``actor`` works in, for region pickers and defaults (``None``: every region —
    an admin; ``default`` for an account without a region)."""
    if role_of(actor) == ADMIN:
        return None
    return actor.region_code or default


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
#
# Read the tables as "who may do this, on which rows". ``REGIONAL``: admins, and staff whose region covers the
# row. Staff levels share one rule unless a level is named: the region does the scoping.

EVERYONE = {role: ALWAYS for role in ROLES}
SIGNED_IN = {role: ALWAYS for role in ROLES if role != ANONYMOUS}
ANY_STAFF = {ADMIN: ALWAYS, **staff(ALWAYS)}
ADMIN_ONLY = {ADMIN: ALWAYS}
NOBODY: RoleRules = {}  # written by the system (scheduler, sign-in, audit) only


def regional(path: str = "region_code") -> dict[str, Cond]:
    """Admins, and staff whose region covers the region code at ``path``."""
    return {ADMIN: ALWAYS, **staff(in_region(path))}


def regional_or_above(path: str = "region_code") -> dict[str, Cond]:
    """Admins, and staff whose region covers the code at ``path`` or lies below it (a county sees city fairs)."""
    return {ADMIN: ALWAYS, **staff(in_region(path) | above_region(path))}


REGIONAL = regional()
CONSENTED = flag("consent_to_share")
OWN_ORDER = own("job_order.employer_id")
OWN_COURSE = own("course.provider.user_id", "user_id")


def _add(model: type | None, key: str, actions: Mapping[str, RoleRules], **kw: Any) -> None:
    REGISTRY.add(ModelRules(model, key, actions, **kw))


# People and their personal data.
_add(
    Worker,
    "worker",
    {
        "read": REGIONAL,
        "create": REGIONAL,
        "update": REGIONAL,
        "reveal": REGIONAL,
        "export": REGIONAL,
        "erase": REGIONAL,
        # Offered to this actor as a candidate: matches, booths, shortlists, trainee proposals. Employers and
        # trainers are offered only workers who consented to share their data with them.
        "propose": {**REGIONAL, EMPLOYER: CONSENTED, TRAINER: CONSENTED & in_region()},
    },
    fields={
        "id_number": REGIONAL,
        "phone": {**REGIONAL, EMPLOYER: CONSENTED},
        "poverty_registered": REGIONAL,
        "disability": REGIONAL,
        # 就业困难人员 and its sub-type: as telling as the two above.
        "hard_to_employ": REGIONAL,
        "consent_to_share": REGIONAL,
        # The registered-poor priority score component (and its reason) would betray poverty_registered.
        "priority": REGIONAL,
    },
    messages={"create": "该地区不在您的管辖范围内", "update": "该地区不在您的管辖范围内"},
)
_add(
    SignupRequest,
    "signup_request",
    {"read": REGIONAL, "create": EVERYONE, "update": REGIONAL, "approve": REGIONAL},
)
_add(SignupAttempt, "signup_attempt", {"read": ADMIN_ONLY, "create": NOBODY, "update": NOBODY})
_add(
    PrivacyErasure,
    "privacy_erasure",
    {"read": regional("worker.region_code"), "create": regional("worker.region_code"), "update": NOBODY},
)

# Employers and their demand.
_add(
    Employer,
    "employer",
    {
        "read": {**ANY_STAFF, EMPLOYER: own("id"), TRAINER: ALWAYS},
        "create": REGIONAL,
        "update": {**REGIONAL, EMPLOYER: own("id")},
        # Its contact person and phone: not for trainers (they see names of the employers they train for).
        "contacts": {**ANY_STAFF, EMPLOYER: own("id")},
        # Post job orders for it (and hand an order to it).
        "post_order": {**REGIONAL, EMPLOYER: own("id")},
        # The bureau's register of employers (pages): staff only; employers and trainers do not browse it.
        "browse": ANY_STAFF,
        # A workshop employer's (扶贫车间) order or placement on another route than 扶贫车间 (with a reason).
        "override_route": REGIONAL,
    },
    fields={"phone": {**ANY_STAFF, EMPLOYER: own("id")}},
    messages={
        "create": "该地区不在您的管辖范围内",
        "update": "只能修改本辖区的企业",
        "post_order": "只能为本辖区的企业发布岗位",
        "override_route": "只有人社部门工作人员可以为扶贫车间选择其他就业渠道",
    },
)
_ORDER_STAFF = regional("employer.region_code")


def _reviewers(cond: Cond) -> dict[str, Cond]:
    """City and county staff (and admins) review registrations and employer-posted orders (issue 14)."""
    return {ADMIN: ALWAYS, **staff(cond, levels=(CITY, COUNTY))}


#: Employer-posted orders wait for staff of the order's place of work or of its employer's region.
_ORDER_REVIEWERS = _reviewers(in_region("region_code") | in_region("employer.region_code"))
_add(
    JobOrder,
    "job_order",
    {
        # The whole demand is open to staff (they match their own workers to orders anywhere) and to trainers.
        "read": {**ANY_STAFF, EMPLOYER: own(), TRAINER: ALWAYS},
        # Staff write the orders of employers in their region; an employer writes its own.
        "create": {**_ORDER_STAFF, EMPLOYER: own()},
        "update": {**_ORDER_STAFF, EMPLOYER: own()},
        "match": {**ANY_STAFF, EMPLOYER: own()},
        # Only staff decide that a post is public-welfare (公益性岗位), and never for an employer with a login: its
        # candidates would all be registered-poor or disabled, and it would see them.
        "set_public_welfare": {
            role: cond & ~has_any("employer.accounts") for role, cond in _ORDER_STAFF.items()
        },
        "approve": _ORDER_REVIEWERS,
        "return": _ORDER_REVIEWERS,
    },
    messages={
        "create": "只有企业或本辖区人社部门工作人员可以发布岗位",
        "update": "只有发布企业或本辖区人社部门工作人员可以修改该岗位",
        "set_public_welfare": "只有人社部门工作人员可以为无企业账号的单位设定公益性岗位",
        "approve": "只能审核本辖区的岗位",
        "return": "只能审核本辖区的岗位",
    },
)
_MATCH_EMPLOYER = OWN_ORDER & flag("worker.consent_to_share")
_add(
    Match,
    "match",
    {
        "read": {**regional("worker.region_code"), EMPLOYER: _MATCH_EMPLOYER},
        "create": {**regional("worker.region_code"), EMPLOYER: _MATCH_EMPLOYER},
        "update": {**regional("worker.region_code"), EMPLOYER: _MATCH_EMPLOYER},
    },
)
_add(
    Placement,
    "placement",
    {
        "read": regional("worker.region_code"),
        # An employer records hires on its own orders, of workers who consented to share.
        "create": {**regional("worker.region_code"), EMPLOYER: own() & flag("worker.consent_to_share")},
        "update": regional("worker.region_code"),
        "end": regional("worker.region_code"),
    },
    messages={"create": "只有人社部门工作人员或招聘企业可以登记就业"},
)
_add(
    FollowUp,
    "follow_up",
    {
        "read": regional("worker.region_code"),
        "create": regional("worker.region_code"),
        "update": regional("worker.region_code"),
        "record": regional("worker.region_code"),
    },
)
_add(
    FollowUpReminder,
    "follow_up_reminder",
    {"read": {ADMIN: ALWAYS, **staff(own("user_id", "user_id"))}, "create": NOBODY, "update": NOBODY},
)

# Fairs: staff see the fairs of their region and of the regions above it, and manage those of their region.
_FAIR_READ = {**regional_or_above(), EMPLOYER: ALWAYS}
_add(
    Fair,
    "fair",
    {
        "read": _FAIR_READ,
        "create": REGIONAL,
        "update": REGIONAL,
        "shortlist": REGIONAL,
        "check_in": regional_or_above(),
        "report": regional_or_above(),
        "invitations": regional_or_above(),
        "join": {EMPLOYER: ALWAYS},
        # Check-in or outcomes on another day than the fair's (with a reason); all booths in one form.
        "override_fair_day": REGIONAL,
        "assign_booths": REGIONAL,
    },
    messages={
        "create": "主办地区不在您的管辖范围内",
        "update": "只有主办地区（或上级）的人社部门工作人员可以管理该招聘会",
        "shortlist": "只有主办地区（或上级）的人社部门工作人员可以管理该招聘会",
        "check_in": "仅限人社部门工作人员办理签到",
        "report": "仅限人社部门工作人员查看招聘会统计",
        "invitations": "仅限人社部门工作人员查看邀约名单",
        "join": "只有企业账号可以申请参会",
        "override_fair_day": "只有主办地区（或上级）的人社部门工作人员可以在招聘会日期以外登记",
        "assign_booths": "只有主办地区（或上级）的人社部门工作人员可以分配展位",
    },
)
_add(
    FairParticipant,
    "fair_participant",
    {
        "read": {**regional_or_above("fair.region_code"), EMPLOYER: own()},
        "create": {**regional("fair.region_code"), EMPLOYER: own()},
        "update": regional("fair.region_code"),
        "approve": regional("fair.region_code"),
    },
)
_add(
    FairJobOrder,
    "fair_job_order",
    {
        "read": {**regional_or_above("fair.region_code"), EMPLOYER: ALWAYS},
        "create": regional("fair.region_code"),
        "update": regional("fair.region_code"),
    },
)
_INVITED_EMPLOYER = OWN_ORDER & flag("worker.consent_to_share")
_add(
    ShortlistEntry,
    "shortlist_entry",
    {
        "read": {**regional("worker.region_code"), EMPLOYER: _INVITED_EMPLOYER},
        "create": {ADMIN: ALWAYS, **staff(in_region("worker.region_code") & in_region("fair.region_code"))},
        "update": {ADMIN: ALWAYS, **staff(in_region("worker.region_code") & in_region("fair.region_code"))},
        # The coordinator covering the worker records the answer, whoever organises the fair.
        "contact": regional("worker.region_code"),
    },
)
_add(
    FairLeftOut,
    "fair_left_out",
    {"read": regional("worker.region_code"), "create": NOBODY, "update": NOBODY},
)
_add(
    FairCheckIn,
    "fair_check_in",
    {
        "read": regional("worker.region_code"),
        "create": {**regional("worker.region_code"), EMPLOYER: flag("worker.consent_to_share")},
        "update": NOBODY,
    },
)
_add(
    FairOutcome,
    "fair_outcome",
    {
        "read": {**regional("worker.region_code"), EMPLOYER: _INVITED_EMPLOYER},
        "create": {**regional("worker.region_code"), EMPLOYER: _INVITED_EMPLOYER},
        "update": {**regional("worker.region_code"), EMPLOYER: _INVITED_EMPLOYER},
    },
)

# Labour cooperation (劳务协作): agreements of our side's region, their posts, candidates and dispatch batches.
_add(
    CooperationAgreement,
    "agreement",
    {
        "read": regional_or_above(),
        "create": REGIONAL,
        "update": REGIONAL,
        "import_posts": REGIONAL,
        "plan": REGIONAL,
    },
    messages={
        "read": "仅限人社部门工作人员",
        "create": "该地区不在您的管辖范围内",
        "update": "只有输出地区（或上级）的人社部门工作人员可以管理该协议",
        "import_posts": "只有输出地区（或上级）的人社部门工作人员可以管理该协议",
        "plan": "只有输出地区（或上级）的人社部门工作人员可以管理该协议",
    },
)
for _model, _key in ((CooperationPost, "cooperation_post"), (CountyQuota, "county_quota")):
    _add(
        _model,
        _key,
        {
            "read": regional_or_above("agreement.region_code"),
            "create": regional("agreement.region_code"),
            "update": regional("agreement.region_code"),
        },
    )
_add(
    CooperationCandidate,
    "cooperation_candidate",
    {
        "read": regional("worker.region_code"),
        "create": {
            ADMIN: ALWAYS,
            **staff(in_region("worker.region_code") & in_region("agreement.region_code")),
        },
        "update": {
            ADMIN: ALWAYS,
            **staff(in_region("worker.region_code") & in_region("agreement.region_code")),
        },
    },
)
_add(
    DispatchBatch,
    "dispatch_batch",
    {
        "read": regional_or_above("agreement.region_code"),
        "create": regional("agreement.region_code"),
        "update": regional("agreement.region_code"),
        "arrive": regional("agreement.region_code"),
        "export": regional_or_above("agreement.region_code"),
        # 确认出发 (a departure plan), recording the actual departure, cancelling before departure (issue 13).
        "confirm_departure": regional("agreement.region_code"),
        "record_departure": regional("agreement.region_code"),
        "cancel": regional("agreement.region_code"),
    },
    messages={
        "confirm_departure": "只有输出地区（或上级）的人社部门工作人员可以确认出发",
        "record_departure": "只有输出地区（或上级）的人社部门工作人员可以登记出发",
        "cancel": "只有输出地区（或上级）的人社部门工作人员可以取消批次",
    },
)
_add(
    DispatchMember,
    "dispatch_member",
    {
        "read": regional("worker.region_code"),
        "create": regional("batch.agreement.region_code"),
        "update": regional("batch.agreement.region_code"),
    },
)

# Training (培训机构接单) and its subsidy (政府统一买单).
_add(
    TrainingProvider,
    "training_provider",
    {
        "read": {**ANY_STAFF, TRAINER: own("user_id", "user_id")},
        # Registered by administrators and city staff of its region (issue 14), or made on a trainer account's
        # first course as that account's institution.
        "create": {ADMIN: ALWAYS, CITY: in_region(), TRAINER: own("user_id", "user_id")},
        "update": {ADMIN: ALWAYS, CITY: in_region(), TRAINER: own("user_id", "user_id")},
    },
    messages={"create": "该地区不在您的管辖范围内"},
)
_COURSE_MANAGER = {ADMIN: ALWAYS, TRAINER: own("provider.user_id", "user_id")}  # its own institution
_add(
    Course,
    "course",
    {
        "read": {**ANY_STAFF, **_COURSE_MANAGER},
        # A trainer opens courses for its institution, at a venue within its own region (the city).
        "create": {TRAINER: in_region()},
        "update": _COURSE_MANAGER,
        "place": {ADMIN: ALWAYS, TRAINER: in_region()},  # where its venue may be
        "enrol": _COURSE_MANAGER,
        "attendance": _COURSE_MANAGER,
        "result": _COURSE_MANAGER,
        "finish": _COURSE_MANAGER,
        "cancel": _COURSE_MANAGER,
        "claim": _COURSE_MANAGER,
    },
    messages={
        "create": "只有培训机构可以开班",
        "update": "只有开班的培训机构可以管理该课程",
        "enrol": "只有开班的培训机构可以管理该课程",
        "attendance": "只有开班的培训机构可以管理该课程",
        "result": "只有开班的培训机构可以管理该课程",
        "finish": "只有开班的培训机构可以管理该课程",
        "cancel": "只有开班的培训机构可以管理该课程",
        "claim": "只有开班的培训机构可以申请补贴",
    },
)
# A trainee is read by the course's institution and by staff covering the trainee's home (not another county's).
_add(
    Enrolment,
    "enrolment",
    {
        "read": {**regional("worker.region_code"), TRAINER: OWN_COURSE},
        "create": {ADMIN: ALWAYS, TRAINER: OWN_COURSE & flag("worker.consent_to_share")},
        "update": {ADMIN: ALWAYS, TRAINER: OWN_COURSE},
        "export": {**regional("worker.region_code"), TRAINER: OWN_COURSE},
        # 结业 / 未通过 / 退出 and the certificate of one trainee (irreversible; confirmed with a summary first)
        "result": {ADMIN: ALWAYS, TRAINER: OWN_COURSE},
    },
    messages={"result": "只有开班的培训机构可以管理该课程"},
)
_add(
    Attendance,
    "attendance",
    {
        "read": {
            **regional("enrolment.worker.region_code"),
            TRAINER: own("enrolment.course.provider.user_id", "user_id"),
        },
        "create": {ADMIN: ALWAYS, TRAINER: own("enrolment.course.provider.user_id", "user_id")},
        "update": {ADMIN: ALWAYS, TRAINER: own("enrolment.course.provider.user_id", "user_id")},
    },
)
_add(
    BudgetLine,
    "budget_line",
    {"read": REGIONAL, "create": REGIONAL, "update": REGIONAL, "spend": REGIONAL},
    messages={"create": "该地区不在您的管辖范围内"},
)
_CLAIM_DECIDER = regional("course.region_code")
_add(
    SubsidyClaim,
    "subsidy_claim",
    {
        "read": {**_CLAIM_DECIDER, TRAINER: OWN_COURSE},
        "create": {ADMIN: ALWAYS, TRAINER: OWN_COURSE},
        "update": {ADMIN: ALWAYS, TRAINER: OWN_COURSE},
        "approve": _CLAIM_DECIDER,
        "return": _CLAIM_DECIDER,
        "pay": _CLAIM_DECIDER,
        "export": {**_CLAIM_DECIDER, TRAINER: OWN_COURSE},  # the subsidy ledger
    },
    messages={
        "read": "您无权查看培训补贴",
        "approve": "只有培训场所所在地的人社部门工作人员可以审核、支付补贴",
        "return": "只有培训场所所在地的人社部门工作人员可以审核、支付补贴",
        "pay": "只有培训场所所在地的人社部门工作人员可以审核、支付补贴",
    },
)
_add(
    SubsidyClaimLine,
    "subsidy_claim_line",
    {
        "read": {
            **regional("claim.course.region_code"),
            TRAINER: own("claim.course.provider.user_id", "user_id"),
        },
        "create": NOBODY,
        "update": NOBODY,
    },
)

# Imports, accounts, the audit log and the system's own rows.
_add(
    ImportBatch,
    "import_batch",
    {
        "read": {ADMIN: ALWAYS, **staff(own("user_id", "user_id"))},
        "create": ANY_STAFF,
        "update": {ADMIN: ALWAYS, **staff(own("user_id", "user_id"))},
    },
)
#: An account that city staff may manage: bound (by region, employer or institution) inside their region.
MANAGED_ACCOUNT = (
    in_region("region_code") | in_region("employer.region_code") | in_region("training_provider.region_code")
)
ACCOUNT_MANAGERS = {ADMIN: ALWAYS, CITY: MANAGED_ACCOUNT}
OWN_ACCOUNT = own("id", "user_id")
_add(
    User,
    "user",
    {
        "read": {**{r: OWN_ACCOUNT for r in SIGNED_IN}, ADMIN: ALWAYS, CITY: OWN_ACCOUNT | MANAGED_ACCOUNT},
        "create": ACCOUNT_MANAGERS,
        "update": {**{r: OWN_ACCOUNT for r in SIGNED_IN}, **ACCOUNT_MANAGERS},
        # List and administer accounts (the user pages, API and CLI).
        "manage": ACCOUNT_MANAGERS,
        # Disable and re-enable.
        "disable": ACCOUNT_MANAGERS,
        # Set a one-time password that must be changed at the next login.
        "reset_password": ACCOUNT_MANAGERS,
        # Create village coordinator accounts in bulk (every village below a region).
        "create_coordinators": ADMIN_ONLY,
    },
    messages={
        "create": "只能为本辖区创建账号",
        "manage": "仅限系统管理员或市级人社部门工作人员",
        "disable": "只能停用本辖区的账号",
        "reset_password": "只能重置本辖区账号的密码",
        "create_coordinators": "仅管理员可以批量创建协管员账号",
    },
)
_add(
    LoginSession,
    "login_session",
    {
        "read": {**{r: own("user_id", "user_id") for r in SIGNED_IN}},
        "create": NOBODY,
        "update": {**{r: own("user_id", "user_id") for r in SIGNED_IN}},
    },
)
_add(LoginAttempt, "login_attempt", {"read": ADMIN_ONLY, "create": NOBODY, "update": NOBODY})
# The audit log: read and exported by administrators and by staff of a city (or province) bureau.
_add(
    AuditLog,
    "audit_log",
    {
        "read": {ADMIN: ALWAYS, CITY: ALWAYS},
        "create": NOBODY,
        "update": NOBODY,
        "export": {ADMIN: ALWAYS, CITY: ALWAYS},
    },
    messages={"read": "您无权查看审计日志", "export": "您无权查看审计日志"},
)
# API tokens: each person lists and revokes their own.
_add(
    ApiToken,
    "api_token",
    {
        "read": {r: own("user_id", "user_id") for r in SIGNED_IN},
        "create": NOBODY,
        "update": {r: own("user_id", "user_id") for r in SIGNED_IN},
    },
)
_add(LoginThrottle, "login_throttle", {"read": ADMIN_ONLY, "create": NOBODY, "update": NOBODY})
# Privacy requests: staff ask for an erasure of a worker they cover (the worker's ``erase`` rule), administrators
# for the retention purge; another administrator than the one who asked approves or rejects. Staff see their own
# requests, administrators all of them.
_add(
    PrivacyRequest,
    "privacy_request",
    {
        "read": {ADMIN: ALWAYS, **staff(own("requested_by", "user_id"))},
        "create": ANY_STAFF,
        "update": NOBODY,
        "purge": ADMIN_ONLY,
        "decide": {ADMIN: ~own("requested_by", "user_id")},
    },
    messages={
        "read": "您无权查看个人信息注销申请",
        "purge": "您无权申请保存期限清理",
        "decide": "申请须由另一位有权限的人员审批（申请人不能审批自己的申请）",
    },
)
_add(AuditLogGate, "audit_log_gate", {"read": NOBODY, "create": NOBODY, "update": NOBODY})
_add(SchedulerRun, "scheduler_run", {"read": ANY_STAFF, "create": NOBODY, "update": NOBODY})
_add(StatsSnapshot, "stats_snapshot", {"read": REGIONAL, "create": NOBODY, "update": NOBODY})
_add(Region, "region", {"read": EVERYONE, "create": NOBODY, "update": NOBODY})

# Subjects without a table of their own.
_add(
    None,
    "stats",  # the statistics and charts of a region (``Subject("stats", region_code=...)``)
    {"read": REGIONAL, "create": NOBODY, "update": NOBODY, "export": REGIONAL},
    messages={"read": "该地区不在您的管辖范围内"},
)
_add(
    None,
    "ledger",  # the bureau's ledgers (台账) of a region
    {"read": REGIONAL, "create": NOBODY, "update": NOBODY, "export": REGIONAL},
    messages={"export": "仅限人社部门工作人员"},
)
_add(
    None,
    "vocabulary",  # the occupation texts outside the catalogue (待归类), for staff to extend config/
    {"read": ANY_STAFF, "create": NOBODY, "update": NOBODY},
    messages={"read": "仅限人社部门工作人员"},
)
_add(
    None,
    "training_need",  # the trainers' order book: unmet demand by occupation and region
    {"read": {**ANY_STAFF, TRAINER: ALWAYS}, "create": NOBODY, "update": NOBODY},
    messages={"read": "仅限人社部门工作人员和培训机构"},
)

# Employer registrations (issue 14): anyone registers from the public site, an employer asks to change its own
# name or USCC; city and county staff of the region approve or return them.
_add(
    EmployerApplication,
    "employer_application",
    {
        "read": {**REGIONAL, EMPLOYER: own()},
        "create": {ANONYMOUS: ALWAYS, EMPLOYER: own()},
        "update": _reviewers(in_region()),
        "approve": _reviewers(in_region()),
        "return": _reviewers(in_region()),
    },
    messages={"approve": "只能审核本辖区的企业", "return": "只能审核本辖区的企业"},
)

# 防返贫 monitoring (四不摘, issue 13): households that left poverty, their members and visits, kept by the staff
# of the household's village, township and county (and those above).
_add(
    Household,
    "household",
    {
        "read": REGIONAL,
        "create": REGIONAL,
        "update": REGIONAL,
        # record a visit (走访)
        "visit": REGIONAL,
    },
    messages={
        "create": "该地区不在您的管辖范围内",
        "update": "该地区不在您的管辖范围内",
        "visit": "该户不在您的管辖范围内",
    },
)
for _model, _key in ((HouseholdMember, "household_member"), (HouseholdVisit, "household_visit")):
    _add(
        _model,
        _key,
        {
            "read": regional("household.region_code"),
            "create": regional("household.region_code"),
            "update": regional("household.region_code"),
        },
    )

# --- which rule each page and API route performs ------------------------------------------------------------

PUBLIC = None
#: Endpoint → the (model key, action) it performs, or ``PUBLIC`` (the public board, signing in, static files).
#: A route added without an entry here fails ``tests/webapp/security/test_policy_matrix.py``, which requests
#: every route as every role and checks the answer against the rule named here.
ROUTES: dict[str, tuple[str, str] | None] = {
    "static": PUBLIC,
    "bootstrap.static": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "api.create_token": PUBLIC,
    "api.openapi_document": PUBLIC,
    "board.index": PUBLIC,
    "board.courses": PUBLIC,
    "board.course": PUBLIC,
    "board.job": PUBLIC,
    "board.privacy": PUBLIC,
    "board.signup_done": PUBLIC,
    "board.signup_form": ("signup_request", "create"),
    "board.signups": ("signup_request", "read"),
    "board.confirm": ("signup_request", "approve"),
    "board.reject": ("signup_request", "approve"),
    "dashboard.index": ("user", "read"),
    "account.index": ("user", "read"),
    "account.password": ("user", "update"),
    "account.logout_everywhere": ("login_session", "update"),
    "account.users_page": ("user", "manage"),
    "account.create_user": ("user", "create"),
    "account.edit_user": ("user", "update"),
    "account.reset_password": ("user", "reset_password"),
    "account.institutions": ("training_provider", "read"),
    "account.revoke_token": ("api_token", "update"),
    "account.disable_user": ("user", "disable"),
    "account.enable_user": ("user", "disable"),
    "workers.index": ("worker", "read"),
    "workers.detail": ("worker", "read"),
    "workers.recommendations": ("worker", "read"),
    "workers.create": ("worker", "create"),
    "workers.edit": ("worker", "update"),
    "workers.reveal": ("worker", "reveal"),
    "api.list_workers": ("worker", "read"),
    "api.get_worker": ("worker", "read"),
    "api.worker_recommendations": ("worker", "read"),
    "api.create_worker": ("worker", "create"),
    "api.update_worker": ("worker", "update"),
    "api.worker_personal_data": ("worker", "reveal"),
    "employers.index": ("employer", "browse"),
    "employers.detail": ("employer", "browse"),
    "employers.create": ("employer", "create"),
    "api.list_employers": ("employer", "read"),
    "api.get_employer": ("employer", "read"),
    "api.create_employer": ("employer", "create"),
    "job_orders.index": ("job_order", "read"),
    "job_orders.detail": ("job_order", "read"),
    "job_orders.create": ("job_order", "create"),
    "job_orders.edit": ("job_order", "update"),
    "job_orders.matches": ("job_order", "match"),
    "job_orders.unclassified": ("vocabulary", "read"),
    "job_orders.approve": ("job_order", "approve"),
    "job_orders.return_": ("job_order", "return"),
    "api.approve_job_order": ("job_order", "approve"),
    "api.return_job_order": ("job_order", "return"),
    "api.list_job_orders": ("job_order", "read"),
    "api.get_job_order": ("job_order", "read"),
    "api.create_job_order": ("job_order", "create"),
    "api.update_job_order": ("job_order", "update"),
    "api.job_order_matches": ("job_order", "match"),
    "fairs.index": ("fair", "read"),
    "fairs.detail": ("fair", "read"),
    "fairs.create": ("fair", "create"),
    "fairs.edit": ("fair", "update"),
    "fairs.add_orders": ("fair", "update"),
    "fairs.booths": ("fair", "assign_booths"),
    "fairs.remove_order": ("fair", "update"),
    "fairs.join": ("fair", "join"),
    "fairs.decide": ("fair_participant", "approve"),
    "fairs.booth": ("fair_participant", "update"),
    "fairs.shortlist_page": ("shortlist_entry", "read"),
    "fairs.build": ("fair", "shortlist"),
    "fairs.add_entry": ("shortlist_entry", "create"),
    "fairs.entry_action": ("shortlist_entry", "update"),
    "fairs.invitations": ("fair", "invitations"),
    "fairs.invitations_xlsx": ("fair", "invitations"),
    "fairs.letters": ("fair", "invitations"),
    "fairs.contact": ("shortlist_entry", "contact"),
    "fairs.check_in_page": ("fair", "check_in"),
    "fairs.check_in": ("fair", "check_in"),
    "fairs.check_in_token": ("fair", "check_in"),
    "fairs.walk_in": ("fair", "check_in"),
    "fairs.booth_page": ("fair_outcome", "read"),
    "fairs.outcome": ("fair_outcome", "create"),
    "fairs.report": ("fair", "report"),
    "fairs.report_xlsx": ("fair", "report"),
    "api.get_fair": ("fair", "read"),
    "api.create_fair": ("fair", "create"),
    "api.add_fair_job_orders": ("fair", "update"),
    "api.get_fair_shortlists": ("shortlist_entry", "read"),
    "api.build_fair_shortlists": ("fair", "shortlist"),
    "cooperation.index": ("agreement", "read"),
    "cooperation.detail": ("agreement", "read"),
    "cooperation.plan": ("agreement", "read"),
    "cooperation.template": ("agreement", "read"),
    "cooperation.create": ("agreement", "create"),
    "cooperation.edit": ("agreement", "update"),
    "cooperation.import_posts": ("agreement", "import_posts"),
    "cooperation.place": ("agreement", "plan"),
    "cooperation.set_quotas": ("county_quota", "update"),
    "cooperation.add_candidate": ("cooperation_candidate", "create"),
    "cooperation.add_eligible": ("cooperation_candidate", "create"),
    "cooperation.remove_candidate": ("cooperation_candidate", "update"),
    "cooperation.create_batch": ("dispatch_batch", "create"),
    "cooperation.batch": ("dispatch_batch", "read"),
    "cooperation.batch_xlsx": ("dispatch_batch", "export"),
    "cooperation.dispatch": ("dispatch_batch", "confirm_departure"),
    "cooperation.departure": ("dispatch_batch", "record_departure"),
    "cooperation.cancel": ("dispatch_batch", "cancel"),
    "cooperation.arrival": ("dispatch_batch", "arrive"),
    "cooperation.remove_member": ("dispatch_member", "update"),
    "training.index": ("training_need", "read"),
    "training.needs": ("training_need", "read"),
    "api.training_needs": ("training_need", "read"),
    "training.courses": ("course", "read"),
    "training.course": ("course", "read"),
    "training.create_course": ("course", "create"),
    "training.edit_course": ("course", "update"),
    "training.proposals": ("course", "enrol"),
    "training.attendance": ("course", "attendance"),
    "training.result": ("course", "result"),
    "training.finish": ("course", "finish"),
    "training.cancel": ("course", "cancel"),
    "training.ledger": ("enrolment", "export"),
    "api.list_courses": ("course", "read"),
    "api.get_course": ("course", "read"),
    "subsidies.index": ("subsidy_claim", "read"),
    "subsidies.claim": ("subsidy_claim", "read"),
    "subsidies.new_claim": ("course", "claim"),
    "subsidies.approve": ("subsidy_claim", "approve"),
    "subsidies.return_": ("subsidy_claim", "return"),
    "subsidies.pay": ("subsidy_claim", "pay"),
    "subsidies.ledger": ("subsidy_claim", "export"),
    "subsidies.budget": ("budget_line", "read"),
    "api.list_subsidy_claims": ("subsidy_claim", "read"),
    "api.get_subsidy_claim": ("subsidy_claim", "read"),
    "placements.index": ("placement", "read"),
    "placements.detail": ("placement", "read"),
    "placements.create": ("placement", "read"),  # the bureau's placement register (employers use the API)
    "placements.visits": ("follow_up", "read"),
    "placements.overdue": ("follow_up", "read"),
    "placements.visit": ("follow_up", "record"),
    "api.list_placements": ("placement", "read"),
    "api.get_placement": ("placement", "read"),
    "api.create_placement": ("placement", "create"),
    "api.end_placement": ("placement", "end"),
    "api.list_follow_ups": ("follow_up", "read"),
    "api.follow_ups_overdue": ("follow_up", "read"),
    "api.record_follow_up_outcome": ("follow_up", "record"),
    "stats.index": ("stats", "read"),
    "api.stats_summary": ("stats", "read"),
    "api.stats_trend": ("stats", "read"),
    "imports.index": ("import_batch", "create"),
    "imports.template": ("import_batch", "create"),
    "imports.upload": ("import_batch", "create"),
    "imports.batch": ("import_batch", "read"),
    "imports.commit": ("import_batch", "update"),
    "imports.discard": ("import_batch", "update"),
    "imports.ledger": ("ledger", "export"),
    # accounts (issue 14)
    "api.list_users": ("user", "manage"),
    "api.create_user": ("user", "create"),
    "api.get_user": ("user", "read"),
    "api.update_user": ("user", "update"),
    "api.disable_user": ("user", "disable"),
    "api.enable_user": ("user", "disable"),
    "api.reset_user_password": ("user", "reset_password"),
    # employer onboarding (issue 14)
    "onboarding.register": PUBLIC,
    "onboarding.registration_status": PUBLIC,
    "onboarding.applications": ("employer_application", "read"),
    "onboarding.application": ("employer_application", "read"),
    "onboarding.approve": ("employer_application", "approve"),
    "onboarding.return_": ("employer_application", "return"),
    "onboarding.my_employer": ("employer", "update"),
    # the audit log and privacy requests (issue 12 item 16)
    "privacy.audit": ("audit_log", "read"),
    "privacy.audit_export": ("audit_log", "export"),
    "privacy.requests": ("privacy_request", "read"),
    "privacy.request_erase": ("worker", "erase"),
    "privacy.request_purge": ("privacy_request", "purge"),
    "privacy.decide": ("privacy_request", "decide"),
    # 防返贫 monitoring (issue 13)
    "households.index": ("household", "read"),
    "households.create": ("household", "create"),
    "households.detail": ("household", "read"),
    "households.edit": ("household", "update"),
    "households.clear": ("household", "update"),
    "api.list_households": ("household", "read"),
    "api.household_stats": ("household", "read"),
    "api.get_household": ("household", "read"),
    "api.create_household": ("household", "create"),
    "api.update_household": ("household", "update"),
    "api.record_household_visit": ("household", "visit"),
}
