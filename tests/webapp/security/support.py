"""Helpers of the attack tests (fixtures in conftest.py): a small city: two counties, two employers, one user of each role, and crawling helpers.

``world`` holds users of every role (admin, city staff, staff of 清丰县, employer A, employer B, a trainer),
workers of 南乐县 (one consenting, one not) and of 清丰县, and one internal job order of each employer. Every
name, title and number in it is unique, so that a response can be searched for what it must not show.

``snapshot(session)`` captures every row of every table (the audit log apart) so that a test can prove
nothing changed; ``routes(app, methods)`` lists the app's URL rules (including those other features add later).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from stdnum.cn import ric
from werkzeug.routing import Rule
from werkzeug.routing.converters import IntegerConverter, NumberConverter

from tests.builders import (
    NANLE,
    PUYANG,
    QINGFENG,
    WUCUN,
    id_number,
    make_employer,
    make_job_order,
    make_user,
    make_worker,
)
from webapp.extensions import db
from webapp.models import AuditLog, Employer, JobOrder, User, Worker

ROLES = ("admin", "city_staff", "county_staff", "employer_a", "employer_b", "trainer")
QINGFENG_VILLAGE = "410922100001"  # 清丰县城关镇东林楼
#: Audit actions that a read (GET) may append: the audited full-data reads and exports.
READ_AUDIT_ACTIONS = frozenset({"reveal", "export", "view", "read", "download"})
#: Endpoints whose very purpose is the audited display of a full ID number or phone.
REVEAL_ENDPOINTS = frozenset({"workers.reveal", "api.worker_personal_data"})
ID_RE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


@dataclass
class World:
    users: dict[str, User]
    workers: dict[str, Worker]
    orders: dict[str, JobOrder]
    employers: dict[str, Employer]
    passwords: dict[str, str] = field(default_factory=dict)

    def worker_ids(self) -> list[int]:
        return [w.id for w in self.workers.values()]

    def id_numbers(self) -> set[str]:
        return {w.id_number for w in self.workers.values()}

    def out_of_scope(self, role: str, kind: str) -> set[int]:
        """Ids of objects of ``kind`` that ``role`` may not open."""
        w, o, e = self.workers, self.orders, self.employers
        if kind == "worker":
            return {
                "admin": set(),
                "city_staff": set(),
                "county_staff": {w["nanle_shared"].id, w["nanle_private"].id},
                "employer_a": set(self.worker_ids()),
                "employer_b": set(self.worker_ids()),
                "trainer": set(self.worker_ids()),
            }.get(role, set())
        if kind == "job_order":
            return {"employer_a": {o["b"].id}, "employer_b": {o["a"].id}}.get(role, set())
        if kind == "employer":
            return {"employer_a": {e["b"].id}, "employer_b": {e["a"].id}}.get(role, set())
        return set()

    def secrets(self, role: str) -> dict[str, str]:
        """``{text: why}`` that must never appear in a response to ``role`` (outside the reveal action)."""
        w, o = self.workers, self.orders
        out: dict[str, str] = {}
        if role == "county_staff":
            for key in ("nanle_shared", "nanle_private"):
                out[w[key].name] = f"name of {key}, another county's worker"
                out[w[key].phone] = f"phone of {key}"
        if role in ("employer_a", "employer_b", "trainer"):
            out[w["nanle_private"].name] = "name of a worker who did not consent"
            out[w["nanle_private"].phone] = "phone of a worker who did not consent"
        if role == "trainer":
            for key in ("nanle_shared", "qingfeng"):
                out[w[key].name] = f"name of {key}"
                out[w[key].phone] = f"phone of {key}"
        if role == "employer_a":
            out[o["b"].title] = "internal order of employer B"
        if role == "employer_b":
            out[o["a"].title] = "internal order of employer A"
        return out


def build_world(db_session: Session) -> World:
    employer_a = make_employer(db_session, name="濮阳安全测试甲公司", region_code=PUYANG)
    employer_b = make_employer(db_session, name="南乐安全测试乙公司", region_code=NANLE)
    users = {
        "admin": make_user(db_session, role="admin", region_code=None, username="sec_admin"),
        "city_staff": make_user(db_session, role="staff", region_code=PUYANG, username="sec_city"),
        "county_staff": make_user(db_session, role="staff", region_code=QINGFENG, username="sec_qingfeng"),
        "employer_a": make_user(
            db_session, role="employer", region_code=None, employer_id=employer_a.id, username="sec_emp_a"
        ),
        "employer_b": make_user(
            db_session, role="employer", region_code=None, employer_id=employer_b.id, username="sec_emp_b"
        ),
        "trainer": make_user(db_session, role="trainer", region_code=PUYANG, username="sec_trainer"),
    }
    workers = {
        "nanle_shared": make_worker(
            db_session,
            name="韩共享",
            id_number=id_number(NANLE, date(1988, 3, 9), 401),
            phone="13711112222",
            region_code=WUCUN,
            poverty_registered=True,
            disability=True,
            consent_to_share=True,
        ),
        "nanle_private": make_worker(
            db_session,
            name="魏不公开",
            id_number=id_number(NANLE, date(1985, 11, 2), 402),
            phone="13733334444",
            region_code=WUCUN,
            poverty_registered=True,
            disability=True,
            consent_to_share=False,
        ),
        "qingfeng": make_worker(
            db_session,
            name="蒋清丰",
            id_number=id_number(QINGFENG, date(1992, 7, 21), 403, male=False),
            male=False,
            phone="13755556666",
            region_code=QINGFENG_VILLAGE,
            poverty_registered=True,
            disability=False,
            consent_to_share=True,
        ),
    }
    orders = {
        "a": make_job_order(
            db_session,
            employer_id=employer_a.id,
            title="甲方内部焊工岗位QX71",
            internal=True,
            public_welfare=False,
        ),
        "b": make_job_order(
            db_session,
            employer_id=employer_b.id,
            title="乙方内部焊工岗位QX72",
            internal=True,
            public_welfare=False,
        ),
    }
    for number in (w.id_number for w in workers.values()):
        assert ric.is_valid(number)
    return World(users, workers, orders, {"a": employer_a, "b": employer_b})


# --- clients -------------------------------------------------------------------------------------------------


@dataclass
class As:
    """A role's browser (logged in) and its API bearer header."""

    role: str
    user: User
    page: FlaskClient
    api_headers: dict[str, str]


# --- the app's routes ------------------------------------------------------------------------------------------

SKIP_ENDPOINTS = frozenset({"static", "bootstrap.static"})
ID_ARG_TABLES = {
    "worker_id": "worker",
    "order_id": "job_order",
    "job_order_id": "job_order",
    "employer_id": "employer",
    "user_id": "user_account",
}


def routes(app: Flask, method: str) -> list[Rule]:
    return sorted(
        (
            r
            for r in app.url_map.iter_rules()
            if method in (r.methods or ()) and r.endpoint not in SKIP_ENDPOINTS
        ),
        key=lambda r: r.rule,
    )


def arg_kind(name: str) -> str | None:
    """The table an URL argument names (``worker_id`` → worker, ``fair_id`` → fair), if there is one."""
    if name in ID_ARG_TABLES:
        return ID_ARG_TABLES[name]
    if name.endswith("_id") and name[:-3] in db.metadata.tables:
        return name[:-3]
    return None


def ids_of(session: Session, table: str, limit: int = 3) -> list[int]:
    t = db.metadata.tables[table]
    pk = list(t.primary_key.columns)[0]
    return list(session.execute(select(pk).order_by(pk).limit(limit)).scalars())


def fill(rule: Rule, values: dict[str, Any]) -> str:
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(values[name]), url)
    return url


def placeholder(rule: Rule, name: str) -> Any:
    """A value the rule's converter accepts for a non-id argument (the first choice of ``any(...)``)."""
    converter = rule._converters[name]
    kind = type(converter).__name__
    if kind == "AnyConverter":
        return sorted(converter.items)[0]
    if isinstance(converter, NumberConverter):
        return 1
    if kind == "UUIDConverter":
        return "00000000-0000-0000-0000-000000000000"
    return "no-such-thing"


def int_args(rule: Rule) -> list[str]:
    return [name for name in rule.arguments if isinstance(rule._converters[name], IntegerConverter)]


def urls_for(
    session: Session, rule: Rule, known: dict[str, list[int]]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Concrete URLs of a rule: every known object for the id arguments (one at a time), a placeholder for others."""
    args = list(rule.arguments)
    choices: dict[str, list[Any]] = {}
    for name in args:
        kind = arg_kind(name)
        if name in int_args(rule):
            if kind in known:
                choices[name] = known[kind]
            elif kind is not None:
                choices[name] = ids_of(session, kind) or [1]
            else:
                choices[name] = [1]
        else:
            choices[name] = [placeholder(rule, name)]
    base = {name: values[0] for name, values in choices.items()}
    seen: set[str] = set()
    for name in args or [None]:
        for value in choices.get(name, [None]) if name else [None]:
            values = dict(base)
            if name:
                values[name] = value
            url = fill(rule, values)
            if url not in seen:
                seen.add(url)
                yield url, values


# --- what a response shows -----------------------------------------------------------------------------------


def body_text(resp: Any) -> str:
    """The response as text; an .xlsx export is unpacked (every part's XML), so its cells are searched too."""
    data = resp.get_data()
    mimetype = resp.mimetype or ""
    if "spreadsheetml" in mimetype or data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
    return data.decode("utf-8", "replace")


def full_id_numbers(text_: str, known: Iterable[str]) -> set[str]:
    """Unmasked 18-character ID numbers of the test workers found in ``text_``."""
    wanted = {k.upper() for k in known}
    return {m.upper() for m in ID_RE.findall(text_) if m.upper() in wanted}


# --- nothing changed ----------------------------------------------------------------------------------------


#: Bookkeeping a read itself updates (when a login or token was last used): not a change of data.
USAGE_COLUMNS = frozenset({"last_seen_at", "last_used_at"})


def snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table except the audit log (compared separately: reads may append to it)."""
    session.expire_all()
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in db.metadata.sorted_tables:
        if table.name in ("audit_log", "region"):
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        columns = [c for c in table.columns if c.name not in USAGE_COLUMNS]
        out[table.name] = [tuple(r) for r in session.execute(select(*columns).order_by(*order))]
    session.rollback()
    return out


def audit_rows_after(session: Session, last_id: int) -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).where(AuditLog.id > last_id).order_by(AuditLog.id)))


def last_audit_id(session: Session) -> int:
    return session.scalar(select(text("coalesce(max(id), 0)")).select_from(AuditLog)) or 0


def changed_tables(
    before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]
) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]
