"""The engine on the bureau's real reference data (config/): the article's people and places."""

from __future__ import annotations

from datetime import date

import pytest

import config
from matcher import (
    JobOrderProfile,
    MatchContext,
    RegionTree,
    ScoringConfig,
    Taxonomy,
    WorkerProfile,
    build_order_index,
    build_worker_index,
    rank,
    recommend,
    reference_rank,
)


@pytest.fixture(scope="module")
def ctx() -> MatchContext:
    return MatchContext(
        Taxonomy.from_records(config.load_occupations()),
        RegionTree.from_records(config.load_regions()),
        ScoringConfig.from_dict(config.load_scoring()),
        date(2019, 12, 17),
    )


@pytest.mark.parametrize(
    ("a", "b"), [("月嫂", "母婴护理员"), ("电焊工", "焊工"), ("厨师", "中式烹调师"), ("理发", "美发师")]
)
def test_synonyms_resolve_to_one_occupation(ctx: MatchContext, a: str, b: str) -> None:
    code = ctx.taxonomy.resolve(a)
    assert code is not None and code == ctx.taxonomy.resolve(b)


def test_shared_certificates_prove_no_trade(ctx: MatchContext) -> None:
    assert len(ctx.taxonomy.owners(ctx.taxonomy.term("健康证", kind="cert") or "")) > 1
    cook = JobOrderProfile(id=1, occupation="厨师", region_code="410923", certificates_required=())
    only_health = WorkerProfile(
        id=1, region_code="410923201001", birth_date=date(1980, 1, 1), certificates=("健康证",)
    )
    assert rank(build_worker_index([only_health], ctx), cook, min_score=0.0) == []


def test_the_articles_people(ctx: MatchContext) -> None:
    zhao = WorkerProfile(  # 赵晓权, 南乐县杨村乡吴村: certified welder, works anywhere
        id=1,
        region_code="410923201001",
        birth_date=date(1984, 6, 1),
        skills=("电焊",),
        certificates=("电焊工证",),
        desired_occupations=("焊工",),
        completed_training=("电焊",),
        mobility="national",
        expected_wage=6000,
        poverty_registered=True,
    )
    li = WorkerProfile(  # 李国旗, 濮阳县鲁河镇, 36: hairdresser, registered poor, stays in the county
        id=2,
        region_code="410928107",
        birth_date=date(1983, 3, 1),
        skills=("理发",),
        desired_occupations=("美发师",),
        completed_training=("美发",),
        mobility="county",
        poverty_registered=True,
    )
    li_welder = WorkerProfile(  # a county-bound welder: never offered Jiangsu
        id=3,
        region_code="410923201006",
        birth_date=date(1990, 1, 1),
        skills=("焊工",),
        mobility="county",
    )
    workers = [zhao, li, li_welder]
    index = build_worker_index(workers, ctx)
    jiangsu = JobOrderProfile(
        id=10,
        occupation="焊工",
        region_code="320583",
        certificates_required=("焊工证",),
        wage_min=5000,
        wage_max=7000,
    )
    ranked = rank(index, jiangsu, min_score=0.0)
    assert [m.worker_id for m in ranked] == [1]
    assert {
        "工种对口：焊工",
        "持有焊工证",
        "期望工种第一志愿",
        "愿意跨省",
        "工资符合期望",
        "建档立卡优先",
    } <= set(ranked[0].reasons)
    assert ranked == reference_rank(jiangsu, workers, ctx, min_score=0.0)
    barber = JobOrderProfile(id=11, occupation="理发师", region_code="410928")
    assert [m.worker_id for m in rank(index, barber, min_score=0.0)] == [2]
    orders = build_order_index(
        [jiangsu, barber, JobOrderProfile(id=12, occupation="焊工", region_code="410923")], ctx
    )
    assert [m.job_order_id for m in recommend(orders, li_welder)] == [12]
    assert [m.job_order_id for m in recommend(orders, zhao)] == [12, 10]


@pytest.mark.parametrize(
    ("typed", "occupation"),
    [
        ("美发师证", "美发师"),
        ("电工证", "电工"),
        ("厨师证", "中式烹调师"),
        ("月嫂证", "母婴护理员"),
        ("焊工证", "焊工"),
    ],
)
def test_colloquial_certificate_names_count_as_the_formal_certificate(
    ctx: MatchContext, typed: str, occupation: str
) -> None:
    """Workers write 美发师证; the taxonomy lists 美发师职业技能等级证书. Both engines must see the same holding."""
    formal = ctx.taxonomy.occupation(ctx.taxonomy.resolve(occupation) or "").certificates[0]
    order = JobOrderProfile(
        id=1, occupation=occupation, region_code="410923", certificates_required=(formal,)
    )
    worker = WorkerProfile(
        id=1,
        region_code="410923201001",
        birth_date=date(1985, 1, 1),
        certificates=(typed,),
        mobility="county",
    )
    [match] = rank(build_worker_index([worker], ctx), order, min_score=0.0)
    assert match.breakdown["certificates"] == 1.0
    assert [(m.worker_id, m.score) for m in reference_rank(order, [worker], ctx, k=5)] == [(1, match.score)]
