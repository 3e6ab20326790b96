"""Bulk test data for fairs and labour cooperation: thousands of workers and dozens of orders in a few inserts.

Deterministic for a seed: villages of 清丰县 and 南乐县, a handful of occupations, mixed mobility, ages and
poverty status, so that hard constraints (age limits, mobility, public-welfare posts) really bite.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from stdnum.cn import ric

from tests.builders import make_employer, occupation_code
from webapp.models import JobOrder, Worker

VILLAGES = (
    "410922100001",
    "410922100002",
    "410922101001",
    "410922101002",
    "410922102001",
    "410923201001",
    "410923201002",
    "410923100001",
)
TRADES = ("焊工", "电工", "砌筑工", "木工", "厨师", "保洁员")
MOBILITY = ("village", "township", "county", "city", "province", "national")


def _id_number(region6: str, birth: date, order: int) -> str:
    body = f"{region6}{birth:%Y%m%d}{order % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def bulk_workers(
    session: Session,
    n: int,
    *,
    seed: int = 7,
    villages: tuple[str, ...] = VILLAGES,
    mobility: tuple[str, ...] = MOBILITY,
    trades: tuple[str, ...] = TRADES,
    start: int = 0,
) -> list[int]:
    """Insert ``n`` seeking, verified workers; returns their ids in insertion order."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i in range(start, start + n):
        village = rng.choice(villages)
        birth = date(1968, 1, 1) + timedelta(days=rng.randrange(0, 36 * 365))
        order = i
        number = _id_number(village[:6], birth, order)
        while number in seen:
            order += 1000
            birth += timedelta(days=1)
            number = _id_number(village[:6], birth, order)
        seen.add(number)
        trade = rng.choice(trades)
        second = rng.choice(trades)
        rows.append(
            {
                "name": f"工人{i:05d}",
                "id_number": number,
                "phone": f"139{i:08d}",
                "region_code": village,
                "birth_date": birth,
                "sex": "M" if int(number[16]) % 2 else "F",
                "education": "junior",
                "skills": [trade] + ([second] if second != trade else []),
                "certificates": [f"{trade}证"] if rng.random() < 0.3 else [],
                "desired_occupations": [trade],
                "desired_training": [],
                "completed_training": [],
                "mobility": rng.choice(mobility),
                "expected_wage": rng.choice((None, 3000, 4000, 5000, 6000)),
                "status": "seeking",
                "poverty_registered": rng.random() < 0.3,
                "disability": rng.random() < 0.05,
                "consent_to_share": rng.random() < 0.7,
                "verified": True,
            }
        )
    session.execute(insert(Worker), rows)
    session.commit()
    numbers = [r["id_number"] for r in rows]
    by_number = dict(
        session.execute(select(Worker.id_number, Worker.id).where(Worker.id_number.in_(numbers))).all()
    )
    return [by_number[x] for x in numbers]


def bulk_orders(
    session: Session,
    n: int,
    *,
    seed: int = 11,
    regions: tuple[str, ...] = ("410922", "410923", "410900", "320500"),
    headcount: int | tuple[int, int] = (1, 10),
    trades: tuple[str, ...] = TRADES,
    public_welfare_share: float = 0.1,
) -> list[int]:
    """Insert ``n`` open job orders of a few employers; returns their ids."""
    rng = random.Random(seed)
    employers = [make_employer(session).id for _ in range(5)]
    rows = []
    for i in range(n):
        trade = trades[i % len(trades)]
        low_age = rng.choice((None, None, 18, 25))
        high_age = rng.choice((None, None, 45, 55))
        count = headcount if isinstance(headcount, int) else rng.randint(*headcount)
        rows.append(
            {
                "employer_id": employers[i % len(employers)],
                "title": f"{trade}{i}",
                "occupation_code": occupation_code(trade),
                "description": "",
                "skills": [trade],
                "certificates_required": [],
                "headcount": count,
                "filled": 0,
                "wage_min": rng.choice((None, 3500, 4500)),
                "wage_max": rng.choice((None, 6000, 8000)),
                "region_code": rng.choice(regions),
                "age_min": low_age,
                "age_max": high_age,
                "status": "open",
                "route": "local_enterprise",
                "public_welfare": rng.random() < public_welfare_share,
                "expires_on": date.today() + timedelta(days=60),
            }
        )
    session.execute(insert(JobOrder), rows)
    session.commit()
    titles = [r["title"] for r in rows]
    found = dict(session.execute(select(JobOrder.title, JobOrder.id).where(JobOrder.title.in_(titles))).all())
    return [found[t] for t in titles]
