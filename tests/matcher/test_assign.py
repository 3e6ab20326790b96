"""Tests for ``matcher.assign``: headcount and single placement, exact optimum, stability, reasons, bad input."""

from __future__ import annotations

import copy
import dataclasses
import doctest
import importlib
import math
import random
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matcher.assign import SCORE_SCALE, Assignment, assign, blocking_pairs

# By module path: the package re-exports the function `assign`, which shadows the submodule attribute.
ASSIGN_MODULE = importlib.import_module("matcher.assign")

Scores = dict[tuple[int, int], float]
Capacity = dict[int, int]
Prefs = dict[int, list[int]]

# The classic instance where the two methods differ: stable gives worker 1 their favourite, optimal does not.
CLASSIC: Scores = {(1, 10): 0.9, (1, 20): 0.8, (2, 10): 0.85, (2, 20): 0.1}
CLASSIC_CAPACITY: Capacity = {10: 1, 20: 1}

# Rounding scores to integers for the flow may cost up to half a unit per placed pair on each side.
ROUNDING = 1.0 / SCORE_SCALE


# --- builders and strategies ---------------------------------------------------------------------------------


def make_scores(rows: Mapping[int, Mapping[int, float]]) -> Scores:
    """``{worker: {order: score}}`` → the ``{(worker, order): score}`` that ``assign`` takes."""
    return {(w, o): s for w, orders in rows.items() for o, s in orders.items()}


# Few distinct values make ties common; arbitrary floats exercise the rounding.
score_values = st.one_of(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]), st.floats(0.0, 1.0))


@st.composite
def instances(
    draw: st.DrawFn, max_workers: int = 6, max_orders: int = 3, max_headcount: int = 3
) -> tuple[Scores, Capacity]:
    """Random instances with arbitrary (also negative) ids, zero headcounts and sparse allowed pairs."""
    ids = st.integers(-50, 50)
    workers = draw(st.lists(ids, min_size=0, max_size=max_workers, unique=True))
    orders = draw(st.lists(ids, min_size=1, max_size=max_orders, unique=True))
    capacity = {o: draw(st.integers(0, max_headcount)) for o in orders}
    scores = {(w, o): draw(score_values) for w in workers for o in orders if draw(st.booleans())}
    return scores, capacity


@st.composite
def instances_with_prefs(draw: st.DrawFn) -> tuple[Scores, Capacity, Prefs]:
    """Instances plus preference lists for some workers: any orders (allowed or not) in any order."""
    scores, capacity = draw(instances())
    orders = sorted(capacity)
    prefs: Prefs = {}
    for w in sorted({w for w, _ in scores}):
        if draw(st.booleans()):
            prefs[w] = draw(
                st.permutations(orders).flatmap(lambda p: st.integers(0, len(p)).map(lambda k: p[:k]))
            )
    prefs[999] = orders  # a worker without allowed pairs: ignored
    return scores, capacity, prefs


# --- independent references ------------------------------------------------------------------------------------


def brute_force_best(scores: Scores, capacity: Capacity) -> float:
    """Maximum total score by enumerating every assignment (each worker: one allowed order or none)."""
    workers = sorted({w for w, _ in scores})
    options = {w: [o for (v, o) in scores if v == w] for w in workers}
    best = 0.0

    def walk(i: int, left: dict[int, int], total: float) -> None:
        nonlocal best
        if i == len(workers):
            best = max(best, total)
            return
        w = workers[i]
        walk(i + 1, left, total)
        for o in options[w]:
            if left[o] > 0:
                left[o] -= 1
                walk(i + 1, left, total + scores[w, o])
                left[o] += 1

    walk(0, dict(capacity), 0.0)
    return best


def slots_best(scores: Scores, capacity: Capacity) -> float:
    """Maximum total via scipy's Hungarian method, one column per post (forbidden pairs weigh 0)."""
    workers = sorted({w for w, _ in scores})
    slots = [o for o in sorted(capacity) for _ in range(capacity[o])]
    if not workers or not slots:
        return 0.0
    weight = np.array([[scores.get((w, o), 0.0) for o in slots] for w in workers])
    rows, cols = linear_sum_assignment(weight, maximize=True)
    return float(weight[rows, cols].sum())


def reference_deferred_acceptance(
    scores: Scores, capacity: Capacity, prefs: Prefs | None = None
) -> dict[int, int]:
    """Textbook worker-proposing deferred acceptance with the documented tie-breaks, written for clarity."""
    prefs = prefs or {}
    workers = sorted({w for w, _ in scores})
    wishes: dict[int, list[int]] = {}
    for w in workers:
        ranked = sorted((-s, o) for (v, o), s in scores.items() if v == w)
        allowed = [o for _, o in ranked]
        wishes[w] = [o for o in prefs[w] if o in allowed] if w in prefs else allowed
    held: dict[int, list[int]] = {o: [] for o in capacity}
    proposed = dict.fromkeys(workers, 0)
    free = list(workers)
    while free:
        w = free.pop(0)
        if proposed[w] == len(wishes[w]):
            continue
        o = wishes[w][proposed[w]]
        proposed[w] += 1
        held[o].append(w)
        held[o] = [v for _, v in sorted((-scores[v, o], v) for v in held[o])]
        if len(held[o]) > capacity[o]:
            free.append(held[o].pop())
    return {w: o for o, ws in held.items() for w in ws}


def reference_blocking_pairs(
    placements: Mapping[int, int], scores: Scores, capacity: Capacity, prefs: Prefs | None = None
) -> list[tuple[int, int]]:
    """Blocking pairs straight from the definition, pair by pair."""
    prefs = prefs or {}
    found = []
    for (w, o), s in scores.items():
        current = placements.get(w)
        if current == o:
            continue
        if w in prefs:
            wished = prefs[w]
            worker_wants = o in wished and (
                current is None or current not in wished or wished.index(o) < wished.index(current)
            )
        else:
            worker_wants = current is None or s > scores[w, current]
        admitted = [scores[v, o] for v, p in placements.items() if p == o]
        order_wants = len(admitted) < capacity[o] or any(s > a for a in admitted)
        if worker_wants and order_wants:
            found.append((w, o))
    return sorted(found)


def check_invariants(result: Assignment, scores: Scores, capacity: Capacity) -> None:
    """What every assignment must satisfy, whatever the method."""
    assert dict(result) == dict(result.placements)
    assert len(result) == len(result.placements)
    assert list(result) == sorted(result.placements)
    for w, o in result.items():
        assert (w, o) in scores, f"worker {w} placed on disallowed order {o}"
    filled = Counter(result.values())
    for o, n in filled.items():
        assert n <= capacity[o], f"order {o} over headcount"
    assert dict(result.unfilled) == {o: c - filled[o] for o, c in sorted(capacity.items()) if c > filled[o]}
    assert result.total_score == pytest.approx(math.fsum(scores[w, o] for w, o in result.items()), abs=1e-12)
    workers = {w for w, _ in scores}
    assert set(result.unplaced) == workers - set(result)
    assert all(isinstance(reason, str) and reason for reason in result.unplaced.values())


# --- invariants and correctness --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["optimal", "stable"])
@settings(max_examples=150, deadline=None)
@given(instance=instances())
def test_headcount_and_single_placement_hold(method: str, instance: tuple[Scores, Capacity]) -> None:
    scores, capacity = instance
    check_invariants(assign(scores, capacity, method=method), scores, capacity)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(instance=instances())
def test_optimal_equals_brute_force(instance: tuple[Scores, Capacity]) -> None:
    scores, capacity = instance
    result = assign(scores, capacity)
    best = brute_force_best(scores, capacity)
    assert result.total_score <= best + 1e-9
    assert result.total_score >= best - 6 * ROUNDING


@settings(max_examples=40, deadline=None)
@given(instance=instances(max_workers=30, max_orders=8, max_headcount=4))
def test_optimal_equals_hungarian_on_larger_instances(instance: tuple[Scores, Capacity]) -> None:
    scores, capacity = instance
    result = assign(scores, capacity)
    check_invariants(result, scores, capacity)
    assert result.total_score == pytest.approx(slots_best(scores, capacity), abs=30 * ROUNDING)


def test_optimal_fills_free_posts_even_with_zero_scores() -> None:
    scores = make_scores({1: {10: 0.0}, 2: {10: 1e-9, 20: 0.0}, 3: {20: 0.5}})
    result = assign(scores, {10: 2, 20: 1})
    assert dict(result) == {1: 10, 2: 10, 3: 20}
    assert dict(result.unfilled) == {}


@settings(max_examples=150, deadline=None)
@given(instance=instances())
def test_optimal_total_at_least_stable(instance: tuple[Scores, Capacity]) -> None:
    scores, capacity = instance
    optimal = assign(scores, capacity, method="optimal")
    stable = assign(scores, capacity, method="stable")
    assert optimal.total_score >= stable.total_score - 6 * ROUNDING


def test_classic_instance() -> None:
    optimal = assign(CLASSIC, CLASSIC_CAPACITY)
    stable = assign(CLASSIC, CLASSIC_CAPACITY, method="stable")
    assert dict(optimal) == {1: 20, 2: 10}
    assert optimal.total_score == pytest.approx(1.65)
    assert dict(stable) == {1: 10, 2: 20}
    assert stable.total_score == pytest.approx(1.0)
    assert blocking_pairs(optimal, CLASSIC, CLASSIC_CAPACITY) == [(1, 10)]
    assert blocking_pairs(stable, CLASSIC, CLASSIC_CAPACITY) == []
    assert optimal.method == "optimal" and stable.method == "stable"


@settings(max_examples=200, deadline=None)
@given(instance=instances())
def test_stable_has_no_blocking_pair_and_is_worker_optimal(instance: tuple[Scores, Capacity]) -> None:
    scores, capacity = instance
    result = assign(scores, capacity, method="stable")
    assert blocking_pairs(result, scores, capacity) == []
    # Worker-optimal stable assignment under the id tie-breaks is unique: it must equal the textbook one.
    assert dict(result) == reference_deferred_acceptance(scores, capacity)


def test_stable_breaks_ties_by_lower_ids() -> None:
    scores = make_scores({7: {10: 0.5, 20: 0.5}, 3: {10: 0.5}, 5: {10: 0.5}})
    result = assign(scores, {10: 1, 20: 1}, method="stable")
    # Order 10 prefers worker 3 (lowest id among equals); worker 7 ranks 10 before 20 (lower order id).
    assert dict(result) == {3: 10, 7: 20}
    assert set(result.unplaced) == {5}


# --- worker preferences ----------------------------------------------------------------------------------------


def test_worker_prefs_override_scores() -> None:
    result = assign(CLASSIC, CLASSIC_CAPACITY, method="stable", worker_prefs={1: [20, 10]})
    assert dict(result) == {1: 20, 2: 10}
    assert blocking_pairs(result, CLASSIC, CLASSIC_CAPACITY, worker_prefs={1: [20, 10]}) == []
    # Under score ranking, worker 1 and order 10 would both rather have each other.
    assert blocking_pairs(result, CLASSIC, CLASSIC_CAPACITY) == [(1, 10)]


def test_worker_never_placed_outside_their_list() -> None:
    result = assign(CLASSIC, CLASSIC_CAPACITY, method="stable", worker_prefs={2: [20]})
    assert dict(result) == {1: 10, 2: 20}
    result = assign(CLASSIC, {10: 1, 20: 0}, method="stable", worker_prefs={1: [20], 2: [30]})
    assert dict(result) == {}
    assert result.unplaced[2] == "意向岗位中没有可选岗位（岗位 #10、#20 未列入本人意向）"


@settings(max_examples=200, deadline=None)
@given(instance=instances_with_prefs())
def test_worker_prefs_honoured(instance: tuple[Scores, Capacity, Prefs]) -> None:
    scores, capacity, prefs = instance
    result = assign(scores, capacity, method="stable", worker_prefs=prefs)
    check_invariants(result, scores, capacity)
    for w, o in result.items():
        if w in prefs:
            assert o in prefs[w]
    assert blocking_pairs(result, scores, capacity, worker_prefs=prefs) == []
    assert dict(result) == reference_deferred_acceptance(scores, capacity, prefs)


# --- reasons for unplaced workers ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["optimal", "stable"])
@settings(max_examples=150, deadline=None)
@given(instance=instances())
def test_every_unplaced_worker_gets_a_specific_reason(method: str, instance: tuple[Scores, Capacity]) -> None:
    scores, capacity = instance
    result = assign(scores, capacity, method=method)  # type: ignore[arg-type]
    filled = Counter(result.values())
    for w, reason in result.unplaced.items():
        options = sorted((-s, o) for (v, o), s in scores.items() if v == w and capacity[o] > 0)
        if not options:
            assert reason.startswith("可选岗位名额均为 0")
            continue
        for _, o in options:  # nothing open was left to them ...
            assert filled[o] == capacity[o]
        best = options[0][1]
        lowest = min(scores[v, best] for v, o in result.items() if o == best)
        assert scores[w, best] <= lowest + ROUNDING  # ... and they were outranked where it mattered most
        assert f"#{best}" in reason
        assert f"{lowest:.3f}" in reason or f"{lowest:.6f}" in reason


@pytest.mark.parametrize(
    ("method", "scores", "capacity", "worker", "reason"),
    [
        pytest.param(
            "optimal",
            {(1, 10): 0.8, (2, 10): 0.6},
            {10: 1},
            2,
            "唯一可选岗位 #10 已满员（1 人），且得分低于已录用人员：录用最低分 0.800，本人 0.600",
            id="single-order-lower",
        ),
        pytest.param(
            "stable",
            {(1, 10): 0.9, (2, 10): 0.7, (2, 20): 0.4, (3, 20): 0.5},
            {10: 1, 20: 1},
            2,
            "可选的 2 个岗位均已满员，且得分低于已录用人员：最佳岗位 #10（1 人）录用最低分 0.900，本人 0.700",
            id="best-of-several",
        ),
        pytest.param(
            "stable",
            {(1, 10): 0.5, (2, 10): 0.5},
            {10: 1},
            2,
            "唯一可选岗位 #10 已满员（1 人）：录用最低分 0.500，与本人同分，按人员编号先后录用",
            id="tie-by-id",
        ),
        pytest.param(
            "optimal",
            {(1, 10): 0.5, (2, 10): 0.5},
            {10: 1},
            2,
            "唯一可选岗位 #10 已满员（1 人）：录用最低分 0.500，与本人同分，按总分最优方案录用他人",
            id="tie-optimal",
        ),
        pytest.param(
            "optimal",
            {(1, 10): 0.6, (2, 10): 0.5999, (2, 20): 0.9},
            {10: 1, 20: 0},
            2,
            "唯一可选岗位 #10 已满员（1 人），且得分低于已录用人员：录用最低分 0.600000，本人 0.599900"
            "；另有 1 个可选岗位名额为 0",
            id="close-scores-and-zero-headcount",
        ),
        pytest.param(
            "stable",
            {(1, 10): 0.6, (1, 20): 0.3},
            {10: 0, 20: 0},
            1,
            "可选岗位名额均为 0（岗位 #10、#20）",
            id="all-zero-headcount",
        ),
    ],
)
def test_reason_texts(method: str, scores: Scores, capacity: Capacity, worker: int, reason: str) -> None:
    assert assign(scores, capacity, method=method).unplaced[worker] == reason  # type: ignore[arg-type]


def test_scores_equal_after_rounding_count_as_a_tie() -> None:
    # 0.6000004 and 0.6 are the same integer cost: either worker may get the post, the other reads "同分".
    result = assign({(1, 10): 0.6000004, (2, 10): 0.6}, {10: 1})
    assert len(result) == 1
    assert list(result.unplaced.values()) == [
        "唯一可选岗位 #10 已满员（1 人）：录用最低分 0.600，与本人同分，按总分最优方案录用他人"
    ]


def test_reason_names_first_choice_and_unlisted_orders() -> None:
    scores = make_scores({1: {10: 0.9}, 3: {20: 0.9}, 2: {10: 0.3, 20: 0.2, 30: 0.1}})
    result = assign(scores, {10: 1, 20: 1, 30: 1}, method="stable", worker_prefs={2: [20, 10]})
    assert dict(result) == {1: 10, 3: 20}
    assert result.unplaced[2] == (
        "可选的 2 个岗位均已满员，且得分低于已录用人员：首选岗位 #20（1 人）录用最低分 0.900，本人 0.200"
        "；另有 1 个可选岗位未列入本人意向"
    )


# --- determinism, purity, the result type ----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["optimal", "stable"])
@settings(max_examples=100, deadline=None)
@given(instance=instances(max_workers=12, max_orders=4), seed=st.integers(0, 2**32 - 1))
def test_deterministic_whatever_the_insertion_order(
    method: str, instance: tuple[Scores, Capacity], seed: int
) -> None:
    scores, capacity = instance
    first = assign(scores, capacity, method=method)  # type: ignore[arg-type]
    rng = random.Random(seed)
    shuffled_scores = dict(rng.sample(list(scores.items()), len(scores)))
    shuffled_capacity = dict(rng.sample(list(capacity.items()), len(capacity)))
    again = assign(shuffled_scores, shuffled_capacity, method=method)  # type: ignore[arg-type]
    assert again == first
    assert dict(again.unplaced) == dict(first.unplaced)


@pytest.mark.parametrize("method", ["optimal", "stable"])
@settings(max_examples=50, deadline=None)
@given(instance=instances_with_prefs())
def test_inputs_never_mutated(method: str, instance: tuple[Scores, Capacity, Prefs]) -> None:
    scores, capacity, prefs = instance
    before = copy.deepcopy((scores, capacity, prefs))
    result = assign(scores, capacity, method=method, worker_prefs=prefs if method == "stable" else None)  # type: ignore[arg-type]
    blocking_pairs(result, scores, capacity, worker_prefs=prefs)
    assert (scores, capacity, prefs) == before
    assert list(scores) == list(before[0])


def test_assignment_is_a_frozen_read_only_mapping() -> None:
    placements = {2: 10, 1: 20}
    result = Assignment(placements, total_score=1.0, unfilled={20: 1}, unplaced={3: "原因"})
    placements[5] = 30
    assert dict(result) == {1: 20, 2: 10}
    assert list(result) == [1, 2]
    assert result[2] == 10 and 2 in result and 5 not in result and result.get(5) is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.total_score = 2.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.placements[5] = 30  # type: ignore[index]
    with pytest.raises(TypeError):
        result.unplaced[4] = "x"  # type: ignore[index]


def test_empty_input() -> None:
    result = assign({}, {10: 2, 20: 0})
    assert dict(result) == {} and result.total_score == 0.0
    assert dict(result.unfilled) == {10: 2} and dict(result.unplaced) == {}
    assert dict(assign({}, {}, method="stable")) == {}
    assert blocking_pairs({}, {(1, 10): 0.5}, {10: 1}) == [(1, 10)]


def test_knobs_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        assign(CLASSIC, CLASSIC_CAPACITY, "stable")  # type: ignore[call-arg]


# --- blocking_pairs ---------------------------------------------------------------------------------------------


def test_blocking_pairs_ignores_ties_and_counts_free_posts() -> None:
    scores = make_scores({1: {10: 0.5, 20: 0.5}, 2: {10: 0.5}, 3: {20: 0.7, 30: 0.9}})
    capacity = {10: 1, 20: 1, 30: 1}
    # 2 and 10 tie with the admitted worker 1; worker 3 prefers 30, which has a free post.
    assert blocking_pairs({1: 10, 3: 20}, scores, capacity) == [(3, 30)]
    assert blocking_pairs({1: 10, 3: 30}, scores, capacity) == []


@settings(max_examples=200, deadline=None)
@given(instance=instances_with_prefs(), seed=st.integers(0, 2**32 - 1), use_prefs=st.booleans())
def test_blocking_pairs_match_the_definition(
    instance: tuple[Scores, Capacity, Prefs], seed: int, use_prefs: bool
) -> None:
    scores, capacity, prefs = instance
    rng = random.Random(seed)
    # A random feasible assignment, its entries in random order.
    room = dict(capacity)
    placements: dict[int, int] = {}
    for w in rng.sample(sorted({w for w, _ in scores}), len({w for w, _ in scores})):
        choices = [o for (v, o) in scores if v == w and room[o] > 0] + [None]
        o = rng.choice(choices)
        if o is not None:
            room[o] -= 1
            placements[w] = o
    chosen_prefs = prefs if use_prefs else None
    expected = reference_blocking_pairs(placements, scores, capacity, chosen_prefs)
    assert blocking_pairs(placements, scores, capacity, worker_prefs=chosen_prefs) == expected


def test_blocking_pairs_when_placed_outside_own_list() -> None:
    # Worker 1 sits on order 10, which they did not list; order 20 (listed) has a free post.
    assert blocking_pairs({1: 10}, CLASSIC, CLASSIC_CAPACITY, worker_prefs={1: [20]}) == [(1, 20), (2, 20)]
    assert blocking_pairs({1: 10, 2: 20}, CLASSIC, CLASSIC_CAPACITY, worker_prefs={1: [20]}) == [(1, 20)]


@pytest.mark.parametrize(
    ("placements", "message"),
    [
        pytest.param({1: 20}, "not an allowed pair", id="disallowed"),
        pytest.param({1: 30}, "not an allowed pair", id="unknown-order"),
        pytest.param({1: 10, 2: 10}, "headcount is 1", id="over-headcount"),
    ],
)
def test_blocking_pairs_rejects_impossible_assignments(placements: dict[int, int], message: str) -> None:
    scores = make_scores({1: {10: 0.5}, 2: {10: 0.4}})
    with pytest.raises(ValueError, match=message):
        blocking_pairs(placements, scores, {10: 1, 20: 1})


# --- bad input --------------------------------------------------------------------------------------------------


def _call(
    scores: object, capacity: object, method: str = "optimal", worker_prefs: object = None
) -> Assignment:
    return assign(scores, capacity, method=method, worker_prefs=worker_prefs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("scores", "capacity", "method", "worker_prefs", "message"),
    [
        pytest.param(
            {(1, 10): 0.5}, {10: -1}, "optimal", None, r"headcount of order 10 is -1", id="negative-capacity"
        ),
        pytest.param(
            {(1, 10): 0.5}, {10: 1.5}, "optimal", None, r"must be an integer", id="fractional-capacity"
        ),
        pytest.param({(1, 10): 0.5}, {10: True}, "optimal", None, r"must be an integer", id="bool-capacity"),
        pytest.param({(1, 10): 1.5}, {10: 1}, "optimal", None, r"\[0, 1\]", id="score-above-one"),
        pytest.param({(1, 10): -0.1}, {10: 1}, "stable", None, r"\[0, 1\]", id="negative-score"),
        pytest.param({(1, 10): math.nan}, {10: 1}, "optimal", None, r"\[0, 1\]", id="nan-score"),
        pytest.param({(1, 10): "0.5"}, {10: 1}, "optimal", None, r"numbers in \[0, 1\]", id="text-score"),
        pytest.param({(1, 10): None}, {10: 1}, "optimal", None, r"numbers in \[0, 1\]", id="none-score"),
        pytest.param(
            {(1, 20): 0.5}, {10: 1}, "optimal", None, r"order 20\) names an order missing", id="no-capacity"
        ),
        pytest.param({(1,): 0.5}, {10: 1}, "optimal", None, r"\(worker_id, order_id\)", id="short-key"),
        pytest.param({("a", 10): 0.5}, {10: 1}, "optimal", None, r"\(worker_id, order_id\)", id="text-id"),
        pytest.param(
            {(1, 10): 0.5}, {"10": 1}, "optimal", None, r"order ids must be integers", id="text-order"
        ),
        pytest.param(
            {(1, 10): 0.5}, {10: 1}, "greedy", None, r"unknown assignment method 'greedy'", id="method"
        ),
        pytest.param(
            {(1, 10): 0.5}, {10: 1}, "optimal", {1: [10]}, r"only applies to method='stable'", id="prefs"
        ),
        pytest.param(
            {(1, 10): 0.5}, {10: 1}, "stable", {1: [10, 10]}, r"more than once", id="prefs-duplicate"
        ),
        pytest.param({(1, 10): 0.5}, {10: 1}, "stable", {1: {10}}, r"list of order ids", id="prefs-set"),
        pytest.param(
            {(1, 10): 0.5}, {10: 1}, "stable", {"1": [10]}, r"integer worker ids", id="prefs-text-id"
        ),
    ],
)
def test_bad_input_raises_value_error(
    scores: object, capacity: object, method: str, worker_prefs: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        _call(scores, capacity, method, worker_prefs)


def test_docstring_examples() -> None:
    outcome = doctest.testmod(ASSIGN_MODULE, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert outcome.attempted >= 10
    assert outcome.failed == 0


def test_preference_lists_accept_any_sequence() -> None:
    prefs: dict[int, Sequence[int]] = {1: (20, 10)}
    assert dict(assign(CLASSIC, CLASSIC_CAPACITY, method="stable", worker_prefs=prefs)) == {1: 20, 2: 10}
