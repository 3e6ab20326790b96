"""The fast engine (indexes, rank, rank_batch, recommend) against the v1 reference definitions."""

from __future__ import annotations

import dataclasses
import doctest
import importlib
from collections.abc import Sequence

import pytest

from matcher import (
    Match,
    build_order_index,
    build_worker_index,
    rank,
    rank_batch,
    recommend,
    reference_rank,
    reference_recommend,
)
from tests.matcher.builders import JIANGSU, NANLE, SUZHOU, WUCUN, make_ctx, make_order, make_worker
from tests.matcher.random_city import random_city

CTX = make_ctx()


def assert_same(fast: Sequence[Match], slow: Sequence[Match]) -> None:
    """Same pairs in the same order with the same ranks, scores (to 1e-9), breakdowns and reasons."""
    assert [(m.job_order_id, m.worker_id, m.rank) for m in fast] == [
        (m.job_order_id, m.worker_id, m.rank) for m in slow
    ]
    for f, s in zip(fast, slow, strict=True):
        assert abs(f.score - s.score) <= 1e-9
        assert f.breakdown.keys() == s.breakdown.keys()
        assert all(abs(f.breakdown[c] - s.breakdown[c]) <= 1e-9 for c in f.breakdown)
        assert f.reasons == s.reasons


def test_rank_equals_reference_on_a_seeded_city() -> None:
    workers, orders = random_city(7, 600, 60)
    index = build_worker_index(workers, CTX)
    batch = rank_batch(index, orders, k=25, min_score=0.0)
    assert set(batch) == {o.id for o in orders}
    assert sum(len(v) for v in batch.values()) > 200
    for order in orders:
        expected = reference_rank(order, workers, CTX, k=25, min_score=0.0)
        assert_same(batch[order.id], expected)
        assert_same(rank(index, order, k=25, min_score=0.0), expected)


def test_recommend_equals_reference_on_a_seeded_city() -> None:
    workers, orders = random_city(11, 120, 300)
    index = build_order_index(orders, CTX)
    seen = 0
    for worker in workers:
        expected = reference_recommend(worker, orders, CTX, k=10, min_score=0.0)
        assert_same(recommend(index, worker, k=10, min_score=0.0), expected)
        seen += len(expected)
    assert seen > 100


def test_defaults_come_from_the_settings() -> None:
    workers, orders = random_city(3, 300, 10)
    index = build_worker_index(workers, CTX)
    for order in orders:
        fast = rank(index, order)
        assert_same(fast, reference_rank(order, workers, CTX))
        assert all(m.score >= CTX.scoring.min_score for m in fast)


def test_ties_break_by_worker_id_even_at_the_cut() -> None:
    twins = [make_worker(id=i) for i in (9, 3, 7, 5, 1)]
    index = build_worker_index(twins, CTX)
    assert [m.worker_id for m in rank(index, make_order(), k=3)] == [1, 3, 5]
    assert [m.rank for m in rank(index, make_order(), k=3)] == [1, 2, 3]
    orders = [make_order(id=i) for i in (30, 10, 20)]
    assert [m.job_order_id for m in recommend(build_order_index(orders, CTX), make_worker(), k=2)] == [10, 20]


def test_k_and_min_score() -> None:
    workers = [make_worker(id=i, expected_wage=5000 + 1000 * i) for i in range(1, 9)]
    index = build_worker_index(workers, CTX)
    order = make_order(wage_max=6000)
    everyone = rank(index, order, k=100, min_score=0.0)
    assert len(everyone) == 8
    assert [m.worker_id for m in everyone] == list(range(1, 9))
    assert len(rank(index, order, k=3)) == 3
    assert rank(index, order, k=0) == []
    cut = everyone[4].score
    assert [m.worker_id for m in rank(index, order, k=100, min_score=cut)] == [1, 2, 3, 4, 5]
    with pytest.raises(ValueError):
        rank(index, order, k=-1)


def test_county_bound_worker_never_ranked_for_jiangsu() -> None:
    stay = make_worker(id=1, mobility="county")
    go = make_worker(id=2, mobility="national")
    index = build_worker_index([stay, go], CTX)
    for region in (JIANGSU, SUZHOU):
        assert [m.worker_id for m in rank(index, make_order(region_code=region), min_score=0.0)] == [2]
    assert [m.worker_id for m in rank(index, make_order(region_code=NANLE), min_score=0.0)] == [1, 2]
    orders = build_order_index(
        [make_order(id=1, region_code=SUZHOU), make_order(id=2, region_code=NANLE)], CTX
    )
    assert [m.job_order_id for m in recommend(orders, stay, min_score=0.0)] == [2]


def test_irrelevant_and_ineligible_workers_are_not_returned() -> None:
    workers = [
        make_worker(id=1),
        make_worker(id=2, skills=("美发",), certificates=(), desired_occupations=("美发师",)),
        make_worker(id=3, status="employed"),
        make_worker(id=4, birth_date=None),
    ]
    index = build_worker_index(workers, CTX)
    assert [m.worker_id for m in rank(index, make_order(), min_score=0.0)] == [1]
    assert rank(index, make_order(occupation="主播"), min_score=0.0) == []


def test_unknown_occupations_match_literally() -> None:
    worker = make_worker(id=5, skills=("直播带货",), desired_occupations=("主播",))
    index = build_worker_index([worker, make_worker(id=6)], CTX)
    order = make_order(occupation="主播", skills=("直播带货",), region_code=WUCUN)
    fast = rank(index, order, min_score=0.0)
    assert [m.worker_id for m in fast] == [5]
    assert fast[0].breakdown["occupation"] == 1.0
    assert_same(fast, reference_rank(order, [worker], CTX, min_score=0.0))


def test_rank_batch_refuses_duplicate_order_ids() -> None:
    index = build_worker_index([make_worker()], CTX)
    with pytest.raises(ValueError):
        rank_batch(index, [make_order(id=1), make_order(id=1)])


def test_duplicate_worker_ids_are_refused() -> None:
    with pytest.raises(ValueError):
        build_worker_index([make_worker(id=1), make_worker(id=1)], CTX)
    with pytest.raises(ValueError):
        build_order_index([make_order(id=1), make_order(id=1)], CTX)


# -- incremental updates ---------------------------------------------------------------------------------------


def test_worker_index_updates_equal_a_rebuild() -> None:
    workers, orders = random_city(5, 300, 25)
    half = build_worker_index(workers[:150], CTX)
    index = half
    for worker in workers[150:]:
        index = index.with_worker(worker)
    # edit 20 workers (everyone becomes a national-mobility welder), remove 20 others
    edited = {w.id: dataclasses.replace(w, skills=("电焊",), mobility="national") for w in workers[:20]}
    for worker in edited.values():
        index = index.with_worker(worker)
    removed = {w.id for w in workers[20:40]}
    for worker_id in removed:
        index = index.without_worker(worker_id)
    current = [edited.get(w.id, w) for w in workers if w.id not in removed]
    rebuilt = build_worker_index(current, CTX)
    assert len(index) == len(rebuilt) == len(current)
    assert index.dead_rows == 40
    compact = index.compacted()
    assert compact.dead_rows == 0
    for order in orders:
        expected = reference_rank(order, current, CTX, k=30, min_score=0.0)
        for idx in (index, rebuilt, compact):
            assert_same(rank(idx, order, k=30, min_score=0.0), expected)
    # the old index did not change
    assert len(half) == 150
    for order in orders[:5]:
        assert_same(
            rank(half, order, k=30, min_score=0.0),
            reference_rank(order, workers[:150], CTX, k=30, min_score=0.0),
        )


def test_without_unknown_worker_raises() -> None:
    with pytest.raises(KeyError):
        build_worker_index([], CTX).without_worker(1)
    with pytest.raises(KeyError):
        build_order_index([], CTX).without_order(1)


def test_order_index_updates_equal_a_rebuild() -> None:
    workers, orders = random_city(9, 60, 200)
    index = build_order_index(orders[:100], CTX)
    for order in orders[100:]:
        index = index.with_order(order)
    edited = {o.id: dataclasses.replace(o, occupation="焊工", region_code=WUCUN) for o in orders[:15]}
    for order in edited.values():
        index = index.with_order(order)
    removed = {o.id for o in orders[15:30]}
    for order_id in removed:
        index = index.without_order(order_id)
    current = [edited.get(o.id, o) for o in orders if o.id not in removed]
    assert len(index) == len(current) and index.dead_rows == 30
    for worker in workers:
        expected = reference_recommend(worker, current, CTX, k=15, min_score=0.0)
        assert_same(recommend(index, worker, k=15, min_score=0.0), expected)
        assert_same(recommend(index.compacted(), worker, k=15, min_score=0.0), expected)


def test_indexes_are_read_only() -> None:
    index = build_worker_index([make_worker()], CTX)
    with pytest.raises(ValueError):
        index.age[0] = 99
    with pytest.raises(dataclasses.FrozenInstanceError):
        index.ctx = CTX  # type: ignore[misc]


def test_index_lookups() -> None:
    index = build_worker_index([make_worker(id=4)], CTX)
    assert 4 in index and index.worker(4).id == 4
    orders = build_order_index([make_order(id=8)], CTX)
    assert 8 in orders and orders.order(8).id == 8


# -- documentation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "module",
    [
        "matcher",
        "matcher.normalize",
        "matcher.taxonomy",
        "matcher.regions",
        "matcher.settings",
        "matcher.profile",
        "matcher.explain",
        "matcher.score",
        "matcher.index",
        "matcher.rank",
        "matcher.gaps",
    ],
)
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_orders_far_from_every_home_equal_reference() -> None:
    # Nobody lives outside Henan: Jiangsu and Shanghai orders take only workers who will go anywhere.
    workers, orders = random_city(13, 400, 80)
    henan = [dataclasses.replace(w, region_code=(WUCUN, NANLE, "410922101001")[w.id % 3]) for w in workers]
    index = build_worker_index(henan, CTX)
    far = [o for o in orders if not o.region_code.startswith("41")]
    assert len(far) > 10
    batch = rank_batch(index, orders, k=20, min_score=0.0)
    for order in orders:
        assert_same(batch[order.id], reference_rank(order, henan, CTX, k=20, min_score=0.0))
    assert all(index.worker(m.worker_id).mobility == "national" for o in far for m in batch[o.id])
    assert sum(len(batch[o.id]) for o in far) > 20
