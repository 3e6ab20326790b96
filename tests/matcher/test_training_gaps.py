"""Training gaps: demand, qualified supply, wishes and near misses per occupation and county."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings

from matcher import (
    JobOrderProfile,
    MatchContext,
    TrainingGap,
    WorkerProfile,
    check_constraints,
    is_relevant,
    resolve_order,
    resolve_worker,
    score_pair,
    training_gaps,
)
from matcher.score import is_certified, score_terms
from tests.matcher.builders import (
    COOK,
    GAOBAO_VILLAGE,
    NANLE,
    QINGFENG,
    SUZHOU,
    WELDER,
    WUCUN,
    make_ctx,
    make_order,
    make_worker,
)
from tests.matcher.random_city import cities

CTX = make_ctx()


def reference_gaps(
    orders: list[JobOrderProfile], workers: list[WorkerProfile], ctx: MatchContext, threshold: float
) -> list[TrainingGap]:
    """The module docstring's definitions, pair by pair."""
    groups: dict[tuple[str, str], list[JobOrderProfile]] = defaultdict(list)
    for order in orders:
        term = resolve_order(order, ctx).occupation
        if term is not None:
            groups[(term, ctx.regions.county_of(order.region_code))].append(order)
    cfg = ctx.scoring
    out = []
    for (term, county), members in groups.items():
        qualified: set[int] = set()
        near: set[int] = set()
        wishers: set[int] = set()
        for worker in workers:
            wt = resolve_worker(worker, ctx)
            if term in wt.wishes or term in wt.desired_training:
                reach = [ctx.regions.common_level(worker.region_code, o.region_code) for o in members]
                levels = ("village", "township", "county", "city", "province", "national")
                if any(levels.index(r) <= levels.index(worker.mobility) for r in reach):
                    wishers.add(worker.id)
            for order in members:
                if not is_relevant(order, worker, ctx):
                    continue
                match = score_pair(order, worker, ctx)
                if match is None:
                    continue
                certified = is_certified(resolve_order(order, ctx), resolve_worker(worker, ctx))
                good = match.score >= threshold and certified
                if good:
                    qualified.add(worker.id)
                b = dict(match.breakdown)
                values = [1.0, 1.0] + [b[c] for c in ("distance", "wage", "wish", "training", "priority")]
                total = 0.0
                for w, v in zip(cfg.weight_vector, values, strict=True):
                    total += w * v
                if not good and total / cfg.total_weight >= threshold:
                    near.add(worker.id)
        demand = sum(max(o.headcount, 0) for o in members)
        out.append(
            TrainingGap(
                occupation=term.split(":", 1)[1],
                occupation_name=ctx.taxonomy.display(term),
                region_code=county,
                demand=demand,
                qualified_supply=len(qualified),
                gap=max(demand - len(qualified), 0),
                wished_by=len(wishers),
                wished_by_ids=tuple(sorted(wishers)),
                near_miss=tuple(sorted(near - qualified)),
                order_ids=tuple(sorted(o.id for o in members)),
            )
        )
    out.sort(key=lambda g: (-g.gap, -g.demand, g.occupation, g.region_code))
    return out


def test_gaps_by_occupation_and_county() -> None:
    orders = [
        make_order(id=1, occupation="焊工", region_code="410923201", headcount=3),
        make_order(id=2, occupation="电焊工", region_code=WUCUN, headcount=2),  # same group: 南乐县 welders
        make_order(id=3, occupation="焊工", region_code=SUZHOU, headcount=10),
        make_order(id=4, occupation="厨师", region_code=GAOBAO_VILLAGE, headcount=1),
    ]
    workers = [
        make_worker(id=1, mobility="county"),  # qualified for 南乐县 only
        make_worker(id=2, mobility="national"),  # qualified for both
        make_worker(id=3, status="employed"),  # not supply
        make_worker(id=4, skills=(), certificates=(), desired_occupations=(), desired_training=("焊工",)),
        make_worker(
            id=5, skills=("厨师",), desired_occupations=("厨师",), region_code=QINGFENG, mobility="county"
        ),
    ]
    gaps = training_gaps(orders, workers, CTX)
    assert [(g.occupation, g.region_code) for g in gaps] == [
        (WELDER, SUZHOU),
        (WELDER, NANLE),
        (COOK, QINGFENG),
    ]
    suzhou, nanle, qingfeng = gaps
    assert (suzhou.demand, suzhou.qualified_supply, suzhou.gap) == (10, 1, 9)
    assert (nanle.demand, nanle.qualified_supply, nanle.gap) == (5, 2, 3)
    assert nanle.order_ids == (1, 2)
    assert (qingfeng.demand, qingfeng.qualified_supply, qingfeng.gap) == (1, 1, 0)
    assert nanle.wished_by_ids == (1, 2, 3, 4)  # wishes and desired training, any status
    assert suzhou.wished_by_ids == (2, 3, 4)  # worker 1 will not leave the county for Jiangsu
    assert nanle.occupation_name == "焊工"


def test_near_misses_lack_the_certificate_or_the_skill() -> None:
    order = make_order(id=1, region_code=NANLE, certificates_required=("焊工证",), skills=("电焊",))
    workers = [
        make_worker(id=1),  # qualified
        # wants it but lacks certificate and skill, and expects more than the order pays: just below 0.6
        make_worker(id=2, certificates=(), skills=(), desired_occupations=("焊工",), expected_wage=12000),
        # the same, but will not leave their county in Jiangsu: not a near miss
        make_worker(
            id=3,
            certificates=(),
            skills=(),
            desired_occupations=("焊工",),
            expected_wage=12000,
            region_code=SUZHOU,
            mobility="county",
        ),
        # wants it, far below the threshold even with certificate and skill
        make_worker(
            id=4,
            certificates=(),
            skills=(),
            desired_occupations=("美发师", "厨师", "月嫂", "育婴员", "焊工"),
            expected_wage=30000,
            mobility="national",
            poverty_registered=False,
            region_code=SUZHOU,
        ),
    ]
    (gap,) = training_gaps([order], workers, CTX)
    assert gap.qualified_supply == 1
    assert gap.near_miss == (2,)
    assert training_gaps([order], workers, CTX, threshold=0.99)[0].qualified_supply == 0


def test_threshold_defaults_to_the_settings() -> None:
    orders = [make_order(id=1, region_code=NANLE)]
    workers = [make_worker(id=1)]
    assert training_gaps(orders, workers, CTX) == training_gaps(orders, workers, CTX, threshold=0.6)
    assert reference_gaps(orders, workers, CTX, 0.6) == training_gaps(orders, workers, CTX)


@settings(max_examples=40, deadline=None)
@given(cities(max_workers=30, max_orders=10))
def test_gaps_equal_the_pairwise_definition(city: tuple[list[WorkerProfile], list[JobOrderProfile]]) -> None:
    workers, orders = city
    for threshold in (0.45, 0.6):
        assert training_gaps(orders, workers, CTX, threshold=threshold) == reference_gaps(
            orders, workers, CTX, threshold
        )


def test_score_terms_matches_score_pair() -> None:
    order, worker = make_order(), make_worker()
    direct = score_terms(order, worker, resolve_order(order, CTX), resolve_worker(worker, CTX), CTX)
    assert direct == score_pair(order, worker, CTX)
    assert check_constraints(order, worker, CTX) is None
