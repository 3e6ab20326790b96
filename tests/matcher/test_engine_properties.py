"""Invariants of the engine on random cities (hypothesis): scores in [0, 1], rankings consistent with scores,
hard constraints never violated, the fast engine equal to the v1 reference."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from matcher import (
    JobOrderProfile,
    WorkerProfile,
    build_order_index,
    build_worker_index,
    check_constraints,
    is_relevant,
    rank_batch,
    recommend,
    reference_rank,
    reference_recommend,
    score_pair,
)
from tests.matcher.builders import make_ctx
from tests.matcher.random_city import cities

CTX = make_ctx()
City = tuple[list[WorkerProfile], list[JobOrderProfile]]
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(cities())
def test_scores_and_components_are_in_unit_interval(city: City) -> None:
    workers, orders = city
    for order in orders:
        for worker in workers:
            match = score_pair(order, worker, CTX)
            if match is None:
                assert check_constraints(order, worker, CTX) is not None
                continue
            assert 0.0 <= match.score <= 1.0
            assert all(0.0 <= v <= 1.0 for v in match.breakdown.values())
            assert match.reasons  # at least the distance phrase


@PROPERTY
@given(cities())
def test_rankings_are_ordered_and_respect_hard_constraints(city: City) -> None:
    workers, orders = city
    by_id = {w.id: w for w in workers}
    batch = rank_batch(build_worker_index(workers, CTX), orders, k=10, min_score=0.0)
    for order in orders:
        ranked = batch[order.id]
        assert [m.rank for m in ranked] == list(range(1, len(ranked) + 1))
        keys = [(-m.score, m.worker_id) for m in ranked]
        assert keys == sorted(keys)
        assert len({m.worker_id for m in ranked}) == len(ranked)
        for match in ranked:
            worker = by_id[match.worker_id]
            assert match.job_order_id == order.id
            assert check_constraints(order, worker, CTX) is None
            assert is_relevant(order, worker, CTX)
            assert worker.status == "seeking"
        # nobody left out scores better than the last one listed
        if len(ranked) == 10:
            last = (-ranked[-1].score, ranked[-1].worker_id)
            listed = {m.worker_id for m in ranked}
            for worker in workers:
                if worker.id in listed or not is_relevant(order, worker, CTX):
                    continue
                other = score_pair(order, worker, CTX)
                if other is not None:
                    assert (-other.score, worker.id) > last


@PROPERTY
@given(cities())
def test_fast_rank_equals_reference(city: City) -> None:
    workers, orders = city
    batch = rank_batch(build_worker_index(workers, CTX), orders, k=7, min_score=0.1)
    for order in orders:
        slow = reference_rank(order, workers, CTX, k=7, min_score=0.1)
        fast = batch[order.id]
        assert [(m.worker_id, m.rank) for m in fast] == [(m.worker_id, m.rank) for m in slow]
        for f, s in zip(fast, slow, strict=True):
            assert abs(f.score - s.score) <= 1e-9
            assert all(abs(f.breakdown[c] - s.breakdown[c]) <= 1e-9 for c in s.breakdown)
            assert f.reasons == s.reasons


@PROPERTY
@given(cities(max_workers=12, max_orders=30))
def test_fast_recommend_equals_reference(city: City) -> None:
    workers, orders = city
    index = build_order_index(orders, CTX)
    for worker in workers:
        slow = reference_recommend(worker, orders, CTX, k=5, min_score=0.0)
        fast = recommend(index, worker, k=5, min_score=0.0)
        assert [(m.job_order_id, m.rank) for m in fast] == [(m.job_order_id, m.rank) for m in slow]
        for f, s in zip(fast, slow, strict=True):
            assert abs(f.score - s.score) <= 1e-9
            assert f.breakdown == s.breakdown
            assert f.reasons == s.reasons


@PROPERTY
@given(cities(max_workers=20, max_orders=4))
def test_incremental_index_equals_rebuild(city: City) -> None:
    workers, orders = city
    index = build_worker_index([], CTX)
    for worker in workers:
        index = index.with_worker(worker)
    for worker in workers[::3]:
        index = index.without_worker(worker.id)
    kept = [w for i, w in enumerate(workers) if i % 3]
    rebuilt = build_worker_index(kept, CTX)
    assert rank_batch(index, orders, min_score=0.0) == rank_batch(rebuilt, orders, min_score=0.0)
