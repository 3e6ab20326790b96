"""Small builders for test data: ``make_worker(session, **overrides)`` and friends.

Each writes one row with sensible defaults (a seeking welder in 南乐县杨村乡吴村, a Jiangsu welding order...)
and returns it; override any field by keyword.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from stdnum.cn import ric, uscc

from webapp.models import Employer, JobOrder, User, Worker

_seq = itertools.count(1)

WUCUN = "410923201001"  # 南乐县杨村乡吴村 (see config/regions.csv)
NANLE = "410923"
QINGFENG = "410922"
PUYANG = "410900"
JIANGSU_SUZHOU = "320500"
PASSWORD = "correct horse battery"


def id_number(
    region6: str = NANLE, birth: date = date(1990, 5, 17), seq: int | None = None, *, male: bool = True
) -> str:
    """A valid 18-character resident ID number (GB 11643 check digit)."""
    n = next(_seq) if seq is None else seq
    order = (n * 2 + (1 if male else 0)) % 1000
    body = f"{region6}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum drops the last (check) character


def make_uscc(seq: int | None = None) -> str:
    n = next(_seq) if seq is None else seq
    body = f"91410900MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def occupation_code(name: str) -> str:
    """The taxonomy code of an occupation name or synonym (from config/occupations.toml)."""
    from webapp.services.reference import taxonomy

    code = taxonomy().resolve(name)
    assert code is not None, name
    return code


def make_employer(session: Session, **overrides: Any) -> Employer:
    values: dict[str, Any] = {
        "name": f"测试企业{next(_seq)}",
        "uscc": make_uscc(),
        "region_code": PUYANG,
        "contact_name": "王经理",
        "contact_phone": "13900000000",
    }
    values.update(overrides)
    employer = Employer(**values)
    session.add(employer)
    session.commit()
    return employer


def make_job_order(session: Session, **overrides: Any) -> JobOrder:
    if "employer_id" not in overrides:
        overrides["employer_id"] = make_employer(session).id
    values: dict[str, Any] = {
        "title": "电焊工",
        "occupation_code": occupation_code("焊工"),
        "skills": ["电焊"],
        "certificates_required": [],
        "headcount": 5,
        "filled": 0,
        "wage_min": 5000,
        "wage_max": 7000,
        "region_code": JIANGSU_SUZHOU,
        "expires_on": date.today() + timedelta(days=60),
        "status": "open",
        "route": "out_of_province",
    }
    values.update(overrides)
    order = JobOrder(**values)
    session.add(order)
    session.commit()
    return order


def make_worker(session: Session, **overrides: Any) -> Worker:
    birth = overrides.pop("birth_date", date(1990, 5, 17))
    male = overrides.pop("male", True)
    number = overrides.pop("id_number", None) or id_number(
        overrides.get("region_code", WUCUN)[:6], birth, male=male
    )
    values: dict[str, Any] = {
        "name": "赵晓权",
        "id_number": number,
        "phone": f"138{next(_seq):08d}",
        "region_code": WUCUN,
        "birth_date": birth,
        "sex": "M" if male else "F",
        "skills": ["电焊"],
        "certificates": ["焊工证"],
        "desired_occupations": ["焊工"],
        "mobility": "national",
        "expected_wage": 6000,
        "status": "seeking",
        "poverty_registered": True,
        "consent_to_share": True,
    }
    values.update(overrides)
    worker = Worker(**values)
    session.add(worker)
    session.commit()
    return worker


def make_user(session: Session, **overrides: Any) -> User:
    password = overrides.pop("password", PASSWORD)
    values: dict[str, Any] = {"username": f"user{next(_seq)}", "role": "staff", "region_code": PUYANG}
    values.update(overrides)
    user = User(**values)
    user.set_password(password)
    session.add(user)
    session.commit()
    return user


def login(client: FlaskClient, user: User, password: str = PASSWORD) -> None:
    resp = client.post("/auth/login", data={"username": user.username, "password": password})
    assert resp.status_code == 302, resp.get_data(as_text=True)


def api_token(client: FlaskClient, user: User, password: str = PASSWORD) -> dict[str, str]:
    resp = client.post("/api/v1/auth/token", json={"username": user.username, "password": password})
    assert resp.status_code == 200, resp.get_json()
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}
