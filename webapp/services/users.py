"""User accounts and training institutions: create, edit, disable and re-enable, reset passwords.

Who may do what is the policy registry's (``user`` and ``training_provider``): administrators everywhere, city
staff for the accounts of their region. Staff accounts are bound to a region, employer accounts to an
employer, trainer accounts to a training institution. A password set by someone else (a new account, a
reset) is a one-time password: ``must_change_password`` makes its owner choose a new one at the next login.
Every change is audited.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from webapp import policy
from webapp.errors import Conflict, Forbidden, NotFound, ValidationError
from webapp.models import ROLES, Employer, TrainingProvider, User
from webapp.services import audit, reference, transaction
from webapp.services.passwords import check_password_strength
from webapp.services.scope import Actor
from webapp.services.sessions import _end_all
from webapp.services.validation import (
    Collector,
    FieldError,
    parse_choice,
    parse_int,
    parse_list,
    parse_phone,
    parse_region,
    parse_text,
    parse_uscc,
    reject_unknown,
)
from webapp.services.workers import Page

USER_FIELDS = (
    "username",
    "display_name",
    "role",
    "region_code",
    "employer_id",
    "training_provider_id",
    "password",
)
EDITABLE_FIELDS = ("display_name", "region_code", "employer_id", "training_provider_id")
INSTITUTION_FIELDS = (
    "name",
    "uscc",
    "licence_number",
    "contact_name",
    "contact_phone",
    "region_code",
    "occupations",
)
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{2,63}$")
#: Letters and digits that cannot be misread when a password is read out or copied from paper.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ONE_TIME_PASSWORD_LENGTH = 12
MAX_ID = 2_147_483_647
#: The binding field of each kind of account: what it must name, and where an out-of-scope one is refused.
_BINDING = {
    "staff": "region_code",
    "employer": "employer_id",
    "trainer": "training_provider_id",
    "admin": "role",
}
_BINDING_REQUIRED = {
    "region_code": "必填：工作人员账号须绑定所属地区",
    "employer_id": "必填：企业账号须绑定用工企业",
    "training_provider_id": "必填：培训机构账号须绑定培训机构",
}


def one_time_password() -> str:
    """A random password to be shown once and changed at the first login.

    >>> len(one_time_password())
    12
    """
    return "".join(secrets.choice(_ALPHABET) for _ in range(ONE_TIME_PASSWORD_LENGTH))


def parse_username(raw: Any) -> str:
    text = parse_text(raw, max_len=64, label="用户名")
    if not USERNAME.match(text):
        raise FieldError("用户名为3–64位字母、数字、下划线、点或连字符，且以字母或数字开头")
    return text


def _id(raw: Any) -> int | None:
    return parse_int(raw, required=False, minimum=1, maximum=MAX_ID)


def _validate(data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    reject_unknown(data, USER_FIELDS if not partial else EDITABLE_FIELDS)
    c = Collector()
    out: dict[str, Any] = {}
    if not partial:
        out["username"] = c.field("username", parse_username, data.get("username"))
        out["role"] = c.field("role", parse_choice, data.get("role"), ROLES, label="角色")
    if not partial or "display_name" in data:
        out["display_name"] = c.field(
            "display_name", parse_text, data.get("display_name"), required=False, max_len=64
        )
    for name, parse in (("region_code", parse_region), ("employer_id", _id), ("training_provider_id", _id)):
        if name in data and data.get(name) not in (None, ""):
            out[name] = c.field(name, parse, data.get(name))
    if not partial and data.get("password"):
        out["password"] = str(data["password"])
    binding = _BINDING.get(out.get("role") or "")
    if binding in _BINDING_REQUIRED and not out.get(binding):
        c.add(binding, _BINDING_REQUIRED[binding])
    c.done()
    return out


def _bind(session: Session, user: User, role: str, values: Mapping[str, Any]) -> None:
    """Bind ``user`` to its region, employer or institution (only the one its role needs)."""
    binding = _BINDING.get(role)
    user.region_code = values.get("region_code") if binding == "region_code" else None
    user.employer = None
    if binding == "employer_id":
        employer = session.get(Employer, values.get("employer_id"))
        if employer is None:
            raise ValidationError("企业不存在", fields={"employer_id": "企业不存在"})
        user.employer = employer
    if binding == "training_provider_id":
        provider = session.get(TrainingProvider, values.get("training_provider_id"))
        if provider is None:
            raise ValidationError("培训机构不存在", fields={"training_provider_id": "培训机构不存在"})
        if provider.user_id is not None and provider.user_id != user.id:
            raise Conflict("该培训机构已有账号", fields={"training_provider_id": "该培训机构已有账号"})
        provider.user = user


def binding_field(user: User) -> str:
    """The field that binds this kind of account: ``region_code``, ``employer_id`` or ``training_provider_id``."""
    return _BINDING.get(user.role, "role")


def _require_in_scope(actor: Actor, action: str, user: User) -> None:
    """The policy's answer, with the refusal on the field that binds the account (region, employer …)."""
    if not policy.can(actor, action, user):
        message = policy.REGISTRY.of(User).messages.get(action, policy.GENERIC_REFUSAL)
        raise Forbidden(message, fields={binding_field(user): "不在您的管辖范围内"})


def create_user(session: Session, actor: Actor, data: Mapping[str, Any], *, ip: str = "") -> tuple[User, str]:
    """A new account and its password: the one given, or a random one-time password (shown once)."""
    policy.require(actor, "create", User)
    values = _validate(data, partial=False)
    password = values.pop("password", None) or one_time_password()
    check_password_strength(password, user_inputs=(values["username"], values.get("display_name") or ""))
    with transaction(session):
        if session.scalar(select(User.id).where(User.username == values["username"])) is not None:
            raise Conflict("用户名已被使用", fields={"username": "用户名已被使用"})
        user = User(
            username=values["username"],
            display_name=values.get("display_name") or "",
            role=values["role"],
            must_change_password=True,  # set by someone else: its owner chooses their own at the first login
        )
        user.set_password(password)
        _bind(session, user, values["role"], values)
        _require_in_scope(actor, "create", user)
        session.add(user)
        session.flush()
        audit.record(session, actor, "create_user", "user", user.id, ip=ip, role=user.role, **_binding(user))
    return user, password


def _binding(user: User) -> dict[str, Any]:
    provider = user.training_provider
    return {
        "region_code": user.region_code,
        "employer_id": user.employer_id,
        "training_provider_id": provider.id if provider else None,
    }


def get_user(session: Session, actor: Actor, user_id: int) -> User:
    return policy.require(actor, "read", session.get(User, user_id))  # type: ignore[no-any-return]


def update_user(
    session: Session, actor: Actor, user_id: int, data: Mapping[str, Any], *, ip: str = ""
) -> User:
    """Change the display name or the binding (region, employer, institution) of an account."""
    user = policy.require(actor, "manage", session.get(User, user_id))
    values = _validate(data, partial=True)
    with transaction(session):
        before = _binding(user)
        if "display_name" in values:
            user.display_name = values["display_name"] or ""
        if any(name in values for name in _BINDING_REQUIRED):
            if user.training_provider is not None:
                user.training_provider.user = None
                session.flush()
            _bind(session, user, user.role, {**before, **values})
            _require_in_scope(actor, "update", user)
        audit.record(
            session, actor, "update_user", "user", user.id, ip=ip, fields=sorted(values), before=before
        )
    return user


def set_active(session: Session, actor: Actor, user_id: int, *, active: bool, ip: str = "") -> User:
    """Disable (or re-enable) an account; disabling ends all of its sessions and tokens."""
    user = policy.require(actor, "disable", session.get(User, user_id))
    if user.id == actor.user_id and not active:
        raise Forbidden("不能停用自己的账号")
    with transaction(session):
        user.active = active
        if not active:
            _end_all(session, user)
        audit.record(
            session,
            actor,
            "enable_user" if active else "disable_user",
            "user",
            user.id,
            ip=ip,
            role=user.role,
        )
    return user


def reset_password(session: Session, actor: Actor, user_id: int, *, ip: str = "") -> tuple[User, str]:
    """A new one-time password (shown once); every session and token of the account ends."""
    user = policy.require(actor, "reset_password", session.get(User, user_id))
    if user.id == actor.user_id:
        raise Forbidden("请在“我的账号”中修改自己的密码")
    password = one_time_password()
    with transaction(session):
        user.set_password(password)
        user.must_change_password = True
        _end_all(session, user)
        audit.record(session, actor, "reset_password", "user", user.id, ip=ip)
    return user, password


def list_users(
    session: Session,
    actor: Actor,
    *,
    q: str = "",
    role: str | None = None,
    active: bool | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    policy.require(actor, "manage", User)
    stmt = policy.scoped(actor, select(User), User, "manage")
    if q:
        stmt = stmt.where(
            or_(User.username.contains(q, autoescape=True), User.display_name.contains(q, autoescape=True))
        )
    if role in ROLES:
        stmt = stmt.where(User.role == role)
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(User.id).offset((page - 1) * per_page).limit(per_page)).all()
    return Page(list(rows), total, page, per_page)


def user_to_dict(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "active": bool(user.active),
        "must_change_password": bool(user.must_change_password),
        **_binding(user),
        "region_name": reference.region_name(user.region_code, full=True) if user.region_code else None,
        "employer_name": user.employer.name if user.employer else None,
        "training_provider_name": user.training_provider.name if user.training_provider else None,
    }


def employer_choices(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """Employers whose accounts this actor may create (for a select)."""
    stmt = policy.scoped(actor, select(Employer.id, Employer.name, Employer.region_code), Employer, "update")
    return [(row.id, row.name) for row in session.execute(stmt.order_by(Employer.name))]


# --- the first administrator --------------------------------------------------------------------------------


def has_admin(session: Session) -> bool:
    """Is there an administrator account yet (a new installation has none)?"""
    return session.scalar(select(User.id).where(User.role == "admin").limit(1)) is not None


def create_first_admin(session: Session, *, username: str, password: str | None) -> tuple[User, str]:
    """The first administrator of a new installation (``liudan setup --no-demo``); refused once one exists.

    With no password a random one is made (shown once, to be changed at the first login).
    """
    if has_admin(session):
        raise Conflict(
            "已有系统管理员账号", fields={"username": "已有系统管理员账号，请用其登录后创建其他账号"}
        )
    c = Collector()
    name = c.field("username", parse_username, username)
    c.done()
    chosen = bool(password)
    secret = password or one_time_password()
    if chosen:
        check_password_strength(secret, user_inputs=(name or "",))
    with transaction(session):
        user = User(username=name, display_name="系统管理员", role="admin", must_change_password=not chosen)
        user.set_password(secret)
        session.add(user)
        session.flush()
        audit.record(session, None, "create_user", "user", user.id, role="admin", via="setup")
    return user, secret


# --- training institutions (培训机构) ----------------------------------------------------------------------


def _validate_institution(data: Mapping[str, Any]) -> dict[str, Any]:
    reject_unknown(data, INSTITUTION_FIELDS)
    c = Collector()
    out: dict[str, Any] = {
        "name": c.field("name", parse_text, data.get("name"), max_len=128, label="机构名称"),
        "uscc": c.field("uscc", parse_uscc, data.get("uscc")),
        "licence_number": c.field(
            "licence_number", parse_text, data.get("licence_number"), max_len=64, label="办学许可证号"
        ),
        "contact_name": c.field(
            "contact_name", parse_text, data.get("contact_name"), required=False, max_len=64
        ),
        "contact_phone": c.field("contact_phone", parse_phone, data.get("contact_phone"), required=False),
        "region_code": c.field("region_code", parse_region, data.get("region_code")),
    }
    names = c.field("occupations", parse_list, data.get("occupations"), max_items=50) or []
    codes = []
    for text in names:
        code = reference.taxonomy().resolve(text)
        if code is None:
            c.add("occupations", f"未知工种“{text}”，请从工种目录中选择")
        elif code not in codes:
            codes.append(code)
    if not names:
        c.add("occupations", "必填：请填写可培训的工种")
    out["occupations"] = codes
    c.done()
    return out


def create_institution(
    session: Session, actor: Actor, data: Mapping[str, Any], *, ip: str = ""
) -> TrainingProvider:
    policy.require(actor, "create", TrainingProvider)
    values = _validate_institution(data)
    provider = TrainingProvider(**values)
    if not policy.can(actor, "create", provider):
        raise Forbidden("该地区不在您的管辖范围内", fields={"region_code": "该地区不在您的管辖范围内"})
    with transaction(session):
        if (
            session.scalar(select(TrainingProvider.id).where(TrainingProvider.uscc == values["uscc"]))
            is not None
        ):
            raise Conflict("该统一社会信用代码已登记", fields={"uscc": "该统一社会信用代码已登记"})
        session.add(provider)
        session.flush()
        audit.record(session, actor, "create", "training_provider", provider.id, ip=ip)
    return provider


def list_institutions(session: Session, actor: Actor) -> list[TrainingProvider]:
    policy.require(actor, "read", TrainingProvider)
    stmt = policy.scoped(actor, select(TrainingProvider), TrainingProvider)
    return list(session.scalars(stmt.order_by(TrainingProvider.name)))


def institution_to_dict(provider: TrainingProvider) -> dict[str, Any]:
    return {
        "id": provider.id,
        "name": provider.name,
        "uscc": provider.uscc,
        "licence_number": provider.licence_number,
        "contact_name": provider.contact_name,
        "contact_phone": provider.contact_phone,
        "region_code": provider.region_code,
        "occupations": list(provider.occupations or []),
        "user_id": provider.user_id,
    }


def find_user(session: Session, username: str) -> User:
    """The account with this username (for the CLI, which acts as the system)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"没有用户名为 {username} 的账号")
    return user
