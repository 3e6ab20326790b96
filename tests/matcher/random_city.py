"""Random workers and job orders over the inline taxonomy and region tree, for comparing the fast engine with the
v1 reference definitions: hypothesis strategies plus a seeded plain generator for larger populations."""

from __future__ import annotations

import random
from datetime import date, timedelta

from hypothesis import strategies as st

from matcher import MOBILITY_LEVELS, WORKER_STATUSES, JobOrderProfile, WorkerProfile
from tests.matcher.builders import (
    GAOBAO_VILLAGE,
    JIANGSU,
    NANLE,
    PUYANG,
    QINGFENG,
    SHANGHAI,
    SUZHOU,
    WUCUN,
    XICUN,
    ZHENGZHOU,
)

SKILLS = (
    "电焊",
    "焊工",
    "氩弧焊",
    "火焰切割",
    "美发",
    "剪发",
    "月嫂",
    "母婴护理员",
    "新生儿护理",
    "厨师",
    "切配",
    "维修电工",
    "看图纸",
    "保安",
    "清扫",
    "缝纫",
    "平缝机",
    "开拖拉机",
    "育婴师",
    "ＣＡＤ",
    "  电 焊 ",
)
CERTIFICATES = (
    "焊工证",
    "电焊工证",
    "美发师证",
    "母婴护理员证",
    "低压电工证",
    "保安员证",
    "中式烹调师证",
    "驾驶证",
)
OCCUPATIONS = (
    "焊工",
    "电焊工",
    "美发师",
    "月嫂",
    "厨师",
    "电工",
    "保洁员",
    "保安",
    "缝纫工",
    "育婴员",
    "主播",
)
REGIONS = (
    WUCUN,
    XICUN,
    "410923202001",
    NANLE,
    GAOBAO_VILLAGE,
    QINGFENG,
    PUYANG,
    ZHENGZHOU,
    "411000",
    SUZHOU,
    JIANGSU,
    "320583",
    SHANGHAI,
)
WAGES = (None, 2500, 3000, 4000, 5000, 6000, 7000, 9000, 12000)


def _pick(rng: random.Random, pool: tuple[str, ...], most: int) -> tuple[str, ...]:
    return tuple(rng.choice(pool) for _ in range(rng.randint(0, most)))


def random_worker(rng: random.Random, worker_id: int) -> WorkerProfile:
    """One random worker (mostly seeking, ages 10–75 on 2019-12-17)."""
    return WorkerProfile(
        id=worker_id,
        region_code=rng.choice(REGIONS),
        birth_date=None
        if rng.random() < 0.03
        else date(1944, 1, 1) + timedelta(days=rng.randint(0, 65 * 365)),
        status="seeking" if rng.random() < 0.85 else rng.choice(WORKER_STATUSES),
        skills=_pick(rng, SKILLS, 3),
        certificates=_pick(rng, CERTIFICATES, 2),
        desired_occupations=_pick(rng, OCCUPATIONS, 3),
        desired_training=_pick(rng, OCCUPATIONS, 1),
        completed_training=_pick(rng, OCCUPATIONS, 1),
        mobility=rng.choice(MOBILITY_LEVELS),
        expected_wage=rng.choice(WAGES),
        poverty_registered=rng.random() < 0.4,
        disability=rng.random() < 0.1,
    )


def random_order(rng: random.Random, order_id: int) -> JobOrderProfile:
    """One random job order (occasionally public-welfare, age-limited, without wages)."""
    low = rng.choice((None, None, 18, 25, 35))
    return JobOrderProfile(
        id=order_id,
        occupation=rng.choice(OCCUPATIONS),
        region_code=rng.choice(REGIONS),
        skills=_pick(rng, SKILLS, 2),
        certificates_required=_pick(rng, CERTIFICATES, 1) if rng.random() < 0.4 else (),
        headcount=rng.randint(0, 6),
        wage_min=rng.choice(WAGES),
        wage_max=rng.choice(WAGES),
        age_min=low,
        age_max=rng.choice((None, None, 40, 50, 55)),
        public_welfare=rng.random() < 0.15,
    )


def random_city(seed: int, workers: int, orders: int) -> tuple[list[WorkerProfile], list[JobOrderProfile]]:
    """Seeded population; worker ids are shuffled so that row order and id order differ."""
    rng = random.Random(seed)
    ids = list(range(1, workers + 1))
    rng.shuffle(ids)
    return (
        [random_worker(rng, i) for i in ids],
        [random_order(rng, 1000 + j) for j in range(orders)],
    )


@st.composite
def cities(
    draw: st.DrawFn, max_workers: int = 40, max_orders: int = 8
) -> tuple[list[WorkerProfile], list[JobOrderProfile]]:
    """Hypothesis strategy: a small random city (seeded generator driven by hypothesis' data)."""
    seed = draw(st.integers(0, 2**32 - 1))
    n_workers = draw(st.integers(0, max_workers))
    n_orders = draw(st.integers(1, max_orders))
    workers, orders = random_city(seed, n_workers, n_orders)
    # Duplicated profiles under other ids exercise the tie-break.
    copies = draw(st.integers(0, min(3, n_workers)))
    for i in range(copies):
        src = workers[i]
        workers.append(
            WorkerProfile(
                id=10_000 + i,
                region_code=src.region_code,
                birth_date=src.birth_date,
                status=src.status,
                skills=src.skills,
                certificates=src.certificates,
                desired_occupations=src.desired_occupations,
                mobility=src.mobility,
                expected_wage=src.expected_wage,
                poverty_registered=src.poverty_registered,
                disability=src.disability,
            )
        )
    return workers, orders
