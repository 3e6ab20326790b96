"""Assignment under headcount: place each worker at most once, fill each job order at most to its headcount.

Two methods share one input shape. ``scores`` maps an allowed ``(worker_id, order_id)`` pair to its match score
in [0, 1] (pairs that failed a hard constraint are simply absent); ``capacity`` maps every ``order_id`` to its
open headcount.

- ``optimal`` maximises the total score exactly, as a min-cost flow (OR-tools ``SimpleMinCostFlow``).
- ``stable`` runs worker-proposing deferred acceptance: no worker and order would both rather have each other.

Example (the classic case where the two methods differ):
    >>> scores = {(1, 10): 0.9, (1, 20): 0.8, (2, 10): 0.85, (2, 20): 0.1}
    >>> dict(assign(scores, {10: 1, 20: 1}))
    {1: 20, 2: 10}
    >>> dict(assign(scores, {10: 1, 20: 1}, method="stable"))
    {1: 10, 2: 20}
"""

from __future__ import annotations

import heapq
import math
import operator
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

__all__ = ["SCORE_SCALE", "Assignment", "Method", "assign", "blocking_pairs"]

#: Scores are scaled by this factor and rounded to integers for the min-cost flow. ``optimal`` therefore
#: maximises the sum of rounded scores: its true total is within ``1e-6`` × (placements) of the real optimum,
#: and pairs whose scores differ by less than about ``1e-6`` count as ties.
SCORE_SCALE: Final = 10**6

Method = Literal["optimal", "stable"]
_METHODS: Final = ("optimal", "stable")

#: Two scores closer than this are reported as equal in the reasons for unplaced workers.
_TIE: Final = 1.0 / SCORE_SCALE

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Assignment(Mapping[int, int]):
    """The result of :func:`assign`: a read-only mapping ``{worker_id: order_id}`` plus what was left over.

    ``total_score`` is the sum of the placed pairs' scores; ``unfilled`` maps each order with open posts left to
    how many; ``unplaced`` maps each worker who had an allowed pair but got no order to a short Chinese reason.
    All three mappings iterate in ascending id order.

    Example:
        >>> a = assign({(1, 10): 0.8, (2, 10): 0.6}, {10: 1})
        >>> a[1], len(a), a.total_score, dict(a.unfilled)
        (10, 1, 0.8, {})
        >>> a.unplaced[2]
        '唯一可选岗位 #10 已满员（1 人），且得分低于已录用人员：录用最低分 0.800，本人 0.600'
    """

    placements: Mapping[int, int]
    total_score: float = 0.0
    unfilled: Mapping[int, int] = field(default_factory=dict)
    unplaced: Mapping[int, str] = field(default_factory=dict)
    method: str = "optimal"

    def __post_init__(self) -> None:
        # Own read-only copies, so that neither the caller nor anyone holding the result can change it.
        for name in ("placements", "unfilled", "unplaced"):
            value: Mapping[int, object] = getattr(self, name)
            object.__setattr__(self, name, MappingProxyType(dict(sorted(value.items()))))

    def __getitem__(self, worker_id: int) -> int:
        return self.placements[worker_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self.placements)

    def __len__(self) -> int:
        return len(self.placements)


@dataclass(frozen=True, slots=True)
class _Instance:
    """Validated input as arrays. Edges are sorted by worker, then score descending, then order id."""

    worker_ids: IntArray  # sorted; index = worker index
    order_ids: IntArray  # sorted; index = order index
    capacity: IntArray  # per order index
    edge_w: IntArray  # worker index per edge
    edge_o: IntArray  # order index per edge
    edge_s: FloatArray  # score per edge
    start: IntArray  # edges of worker i are start[i]:start[i + 1]


def assign(
    scores: Mapping[tuple[int, int], float],
    capacity: Mapping[int, int],
    *,
    method: Method = "optimal",
    worker_prefs: Mapping[int, Sequence[int]] | None = None,
) -> Assignment:
    """Place workers on job orders without exceeding any headcount; each worker at most once.

    ``scores`` maps each allowed ``(worker_id, order_id)`` pair to a score in [0, 1]; ``capacity`` maps every
    order id that occurs in ``scores`` (and possibly others) to its headcount, an integer ≥ 0.

    ``method="optimal"`` maximises the total score (min-cost flow on integer costs, scores scaled by
    :data:`SCORE_SCALE`). Among solutions whose totals agree to within that precision, the one returned is fixed
    by the input's content alone (pairs are fed to the solver in (worker id, score, order id) order, whatever
    the mapping's insertion order). A worker is left unplaced only if every order open to them is full.

    ``method="stable"`` is worker-proposing deferred acceptance. A worker ranks orders by ``worker_prefs[worker]``
    (orders listed without an allowed pair are skipped, allowed orders not listed are never taken) or, for
    workers without an entry, by score (ties: lower order id first). Orders rank workers by score (ties: lower
    worker id first). The result is the worker-optimal stable assignment: :func:`blocking_pairs` finds none.

    Raises ``ValueError`` for an unknown method, a score outside [0, 1], a negative or non-integer headcount,
    a pair whose order is missing from ``capacity``, an order listed twice in one worker's preferences, or
    ``worker_prefs`` with ``method="optimal"``. The inputs are never modified.

    Example:
        >>> scores = {(1, 10): 0.9, (2, 10): 0.7, (2, 20): 0.4, (3, 20): 0.5}
        >>> a = assign(scores, {10: 1, 20: 1})
        >>> dict(a), round(a.total_score, 3)
        ({1: 10, 3: 20}, 1.4)
        >>> print(a.unplaced[2])
        可选的 2 个岗位均已满员，且得分低于已录用人员：最佳岗位 #10（1 人）录用最低分 0.900，本人 0.700
        >>> two = {(1, 10): 0.9, (1, 20): 0.8, (2, 10): 0.85, (2, 20): 0.1}
        >>> dict(assign(two, {10: 1, 20: 1}, method="stable", worker_prefs={1: [20, 10]}))
        {1: 20, 2: 10}
    """
    if method not in _METHODS:
        raise ValueError(f"unknown assignment method {method!r}; expected one of {', '.join(_METHODS)}")
    if worker_prefs is not None and method != "stable":
        raise ValueError("worker_prefs only applies to method='stable'; 'optimal' maximises the total score")
    inst = _prepare(scores, capacity)
    prefs = _preference_lists(inst, worker_prefs)
    chosen = _solve_optimal(inst) if method == "optimal" else _solve_stable(inst, prefs)
    return _result(inst, chosen, prefs, method)


def blocking_pairs(
    assignment: Mapping[int, int],
    scores: Mapping[tuple[int, int], float],
    capacity: Mapping[int, int],
    *,
    worker_prefs: Mapping[int, Sequence[int]] | None = None,
) -> list[tuple[int, int]]:
    """Return the pairs ``(worker_id, order_id)`` that would both rather have each other, sorted by ids.

    A pair blocks if it is allowed (in ``scores``) and the worker is not placed there, the worker strictly
    prefers the order to their placement (or is unplaced and finds the order acceptable), and the order has a
    free post or strictly prefers the worker to someone it admitted. Preferences are as in :func:`assign`: an
    order prefers a strictly higher score; a worker follows ``worker_prefs`` (only listed orders acceptable) or
    prefers a strictly higher score. Equal scores never block: an order indifferent between two workers would
    not rather have either. ``assignment`` may be an :class:`Assignment` or any mapping ``{worker: order}``;
    ``ValueError`` if it uses a pair missing from ``scores`` or exceeds a headcount.

    Example:
        >>> scores = {(1, 10): 0.9, (1, 20): 0.8, (2, 10): 0.85, (2, 20): 0.1}
        >>> blocking_pairs({1: 20, 2: 10}, scores, {10: 1, 20: 1})
        [(1, 10)]
        >>> blocking_pairs(assign(scores, {10: 1, 20: 1}, method="stable"), scores, {10: 1, 20: 1})
        []
    """
    inst = _prepare(scores, capacity)
    prefs = _preference_lists(inst, worker_prefs)
    n_workers, n_orders = len(inst.worker_ids), len(inst.order_ids)

    for worker_id, order_id in assignment.items():
        if (worker_id, order_id) not in scores:
            raise ValueError(
                f"assignment places worker {worker_id} on order {order_id}, which is not an allowed pair"
            )
    # Every placement is an allowed pair, hence an edge: find it by its (worker index, order index) key.
    pairs = np.array(list(assignment.items()), dtype=np.int64).reshape(-1, 2)
    edge_key = inst.edge_w * n_orders + inst.edge_o
    by_key = np.argsort(edge_key)
    placed_w = np.searchsorted(inst.worker_ids, pairs[:, 0])
    wanted = placed_w * n_orders + np.searchsorted(inst.order_ids, pairs[:, 1])
    placed = by_key[np.searchsorted(edge_key, wanted, sorter=by_key)]
    chosen = np.full(n_workers, -1, dtype=np.int64)
    chosen[placed_w] = placed
    filled = np.bincount(inst.edge_o[placed], minlength=n_orders)
    over = np.flatnonzero(filled > inst.capacity)
    if over.size:
        o = int(over[0])
        raise ValueError(
            f"assignment places {int(filled[o])} workers on order {int(inst.order_ids[o])}, "
            f"whose headcount is {int(inst.capacity[o])}"
        )
    lowest = np.full(n_orders, np.inf)
    np.minimum.at(lowest, inst.edge_o[placed], inst.edge_s[placed])

    order_wants = (filled[inst.edge_o] < inst.capacity[inst.edge_o]) | (inst.edge_s > lowest[inst.edge_o])
    current = np.full(n_workers, -np.inf)
    current[placed_w] = inst.edge_s[placed]
    worker_wants = inst.edge_s > current[inst.edge_w]
    for w, ranked in prefs.items():
        lo, hi = int(inst.start[w]), int(inst.start[w + 1])
        rank = {e: r for r, e in enumerate(ranked)}
        cut = rank.get(int(chosen[w]), len(ranked)) if chosen[w] >= 0 else len(ranked)
        worker_wants[lo:hi] = False
        for e in ranked[:cut]:
            worker_wants[e] = True
    hits = np.flatnonzero(worker_wants & order_wants)
    return sorted(
        zip(
            inst.worker_ids[inst.edge_w[hits]].tolist(),
            inst.order_ids[inst.edge_o[hits]].tolist(),
            strict=True,
        )
    )


def _prepare(scores: Mapping[tuple[int, int], float], capacity: Mapping[int, int]) -> _Instance:
    """Validate ``scores`` and ``capacity`` and turn them into canonical arrays."""
    order_list: list[int] = []
    cap_list: list[int] = []
    for order_id, headcount in capacity.items():
        if isinstance(order_id, bool) or not isinstance(order_id, int | np.integer):
            raise ValueError(f"order ids must be integers, got {order_id!r}")
        if isinstance(headcount, bool) or not isinstance(headcount, int | np.integer):
            raise ValueError(f"headcount of order {order_id} must be an integer, got {headcount!r}")
        if headcount < 0:
            raise ValueError(f"headcount of order {order_id} is {headcount}; it must be ≥ 0")
        order_list.append(int(order_id))
        cap_list.append(operator.index(headcount))
    order_ids = np.array(order_list, dtype=np.int64)
    by_id = np.argsort(order_ids, kind="stable")
    order_ids = order_ids[by_id]
    caps = np.array(cap_list, dtype=np.int64)[by_id]

    n_edges = len(scores)
    if n_edges == 0:
        empty = np.zeros(0, dtype=np.int64)
        return _Instance(empty, order_ids, caps, empty, empty, np.zeros(0), np.zeros(1, dtype=np.int64))
    try:
        keys = np.array(list(scores.keys()))
    except ValueError:
        keys = np.zeros(0)
    if keys.shape != (n_edges, 2) or keys.dtype.kind not in "iu":
        bad = next((k for k in scores if not _is_id_pair(k)), None)
        raise ValueError(f"scores must be keyed by (worker_id, order_id) pairs of integers, got {bad!r}")
    keys = keys.astype(np.int64, copy=False)
    values = np.array(list(scores.values()))
    if values.dtype.kind not in "fiu":
        bad_value = next(v for v in scores.values() if isinstance(v, bool) or not isinstance(v, int | float))
        raise ValueError(f"scores must be numbers in [0, 1], got {bad_value!r}")
    values = values.astype(np.float64, copy=False)
    out_of_range = ~((values >= 0.0) & (values <= 1.0))  # also catches NaN
    if out_of_range.any():
        i = int(np.argmax(out_of_range))
        raise ValueError(
            f"score of (worker {int(keys[i, 0])}, order {int(keys[i, 1])}) is {values[i]!r}; scores must lie in [0, 1]"
        )

    edge_o = np.searchsorted(order_ids, keys[:, 1])
    known = edge_o < len(order_ids)
    known[known] = order_ids[edge_o[known]] == keys[known, 1]
    if not known.all():
        i = int(np.argmin(known))
        raise ValueError(
            f"score of (worker {int(keys[i, 0])}, order {int(keys[i, 1])}) names an order missing from capacity"
        )
    worker_ids, edge_w = np.unique(keys[:, 0], return_inverse=True)
    canonical = np.lexsort((edge_o, -values, edge_w))
    edge_w = edge_w.reshape(-1)[canonical].astype(np.int64)
    start = np.zeros(len(worker_ids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(edge_w, minlength=len(worker_ids)), out=start[1:])
    return _Instance(
        worker_ids=worker_ids.astype(np.int64),
        order_ids=order_ids,
        capacity=caps,
        edge_w=edge_w,
        edge_o=edge_o[canonical].astype(np.int64),
        edge_s=values[canonical],
        start=start,
    )


def _is_id_pair(key: object) -> bool:
    return (
        isinstance(key, tuple)
        and len(key) == 2
        and all(isinstance(part, int | np.integer) and not isinstance(part, bool) for part in key)
    )


def _preference_lists(
    inst: _Instance, worker_prefs: Mapping[int, Sequence[int]] | None
) -> dict[int, list[int]]:
    """Map worker index → its acceptable edges in preference order, for workers with an entry in the prefs."""
    if worker_prefs is None:
        return {}
    lists: dict[int, list[int]] = {}
    for worker_id, wished in worker_prefs.items():
        if isinstance(worker_id, bool) or not isinstance(worker_id, int | np.integer):
            raise ValueError(f"worker_prefs must be keyed by integer worker ids, got {worker_id!r}")
        if isinstance(wished, str) or not isinstance(wished, Sequence):
            raise ValueError(f"worker_prefs[{worker_id!r}] must be a list of order ids, got {wished!r}")
        if len(set(wished)) != len(wished):
            raise ValueError(f"worker_prefs[{worker_id!r}] lists an order more than once: {list(wished)!r}")
        w = int(np.searchsorted(inst.worker_ids, worker_id))
        if w == len(inst.worker_ids) or inst.worker_ids[w] != worker_id:
            continue  # no allowed pair: nothing to rank
        lo, hi = int(inst.start[w]), int(inst.start[w + 1])
        edge_of = dict(zip(inst.order_ids[inst.edge_o[lo:hi]].tolist(), range(lo, hi), strict=True))
        lists[w] = [edge_of[o] for o in wished if o in edge_of]
    return lists


def _solve_optimal(inst: _Instance) -> IntArray:
    """Chosen edge per worker (−1: unplaced) maximising the total rounded score."""
    n_workers, n_orders, n_edges = len(inst.worker_ids), len(inst.order_ids), len(inst.edge_w)
    chosen = np.full(n_workers, -1, dtype=np.int64)
    if n_edges == 0:
        return chosen
    # Nodes: 0 source, 1..n workers, n+1..n+m orders, n+m+1 sink. A source→sink arc lets flow bypass, so
    # a worker is routed through an order only when that pays (every score is ≥ 0).
    source, sink = 0, n_workers + n_orders + 1
    workers = np.arange(1, n_workers + 1, dtype=np.int64)
    orders = np.arange(n_workers + 1, n_workers + n_orders + 1, dtype=np.int64)
    tails = np.concatenate([np.zeros(n_workers, np.int64), inst.edge_w + 1, orders, [source]])
    heads = np.concatenate([workers, inst.edge_o + n_workers + 1, np.full(n_orders, sink), [sink]])
    caps = np.concatenate([np.ones(n_workers + n_edges, np.int64), inst.capacity, [n_workers]])
    edge_costs = -np.rint(inst.edge_s * SCORE_SCALE).astype(np.int64)
    costs = np.concatenate([np.zeros(n_workers, np.int64), edge_costs, np.zeros(n_orders + 1, np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    flow.set_nodes_supplies(np.array([source, sink]), np.array([n_workers, -n_workers]))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow solver failed with status {status}")
    used = np.flatnonzero(flow.flows(arcs[n_workers : n_workers + n_edges]) > 0)
    chosen[inst.edge_w[used]] = used

    # Pairs whose score rounds to 0 gain nothing in the flow; still fill free posts with them.
    free = inst.capacity - np.bincount(inst.edge_o[used], minlength=n_orders)
    for w in np.flatnonzero(chosen < 0).tolist():
        for e in range(int(inst.start[w]), int(inst.start[w + 1])):
            o = int(inst.edge_o[e])
            if free[o] > 0:
                free[o] -= 1
                chosen[w] = e
                break
    return chosen


def _solve_stable(inst: _Instance, prefs: dict[int, list[int]]) -> IntArray:
    """Chosen edge per worker (−1: unplaced) from worker-proposing deferred acceptance."""
    n_workers, n_edges = len(inst.worker_ids), len(inst.edge_w)
    # Proposal lists, flat: by default a worker's own edges (already best first); preference lists appended.
    proposals = list(range(n_edges))
    nxt = inst.start[:-1].tolist()
    end = inst.start[1:].tolist()
    for w, ranked in prefs.items():
        nxt[w], end[w] = len(proposals), len(proposals) + len(ranked)
        proposals.extend(ranked)
    # One global priority per edge: higher = preferred by its order (score, then lower worker id).
    by_priority = np.lexsort((-inst.edge_w, inst.edge_s))
    priority = np.empty(n_edges, dtype=np.int64)
    priority[by_priority] = np.arange(n_edges)
    priority_of = priority.tolist()
    edge_at = by_priority.tolist()
    worker_at = inst.edge_w[by_priority].tolist()
    order_of = inst.edge_o.tolist()
    room = inst.capacity.tolist()
    admitted: list[list[int]] = [[] for _ in room]  # min-heaps of priorities: worst admitted on top

    free = list(range(n_workers - 1, -1, -1))
    while free:
        w = free.pop()
        i, stop = nxt[w], end[w]
        while i < stop:
            e = proposals[i]
            i += 1
            o = order_of[e]
            heap = admitted[o]
            if len(heap) < room[o]:
                heapq.heappush(heap, priority_of[e])
                break
            if room[o] and priority_of[e] > heap[0]:
                free.append(worker_at[heapq.heapreplace(heap, priority_of[e])])
                break
        nxt[w] = i

    chosen = np.full(n_workers, -1, dtype=np.int64)
    held = np.array([p for heap in admitted for p in heap], dtype=np.int64)
    edges = np.array(edge_at, dtype=np.int64)[held] if held.size else held
    chosen[inst.edge_w[edges]] = edges
    return chosen


def _result(inst: _Instance, chosen: IntArray, prefs: dict[int, list[int]], method: str) -> Assignment:
    n_orders = len(inst.order_ids)
    placed_workers = np.flatnonzero(chosen >= 0)
    edges = chosen[placed_workers]
    filled = np.bincount(inst.edge_o[edges], minlength=n_orders)
    lowest = np.full(n_orders, np.inf)
    np.minimum.at(lowest, inst.edge_o[edges], inst.edge_s[edges])
    open_posts = inst.capacity - filled
    has_open = np.flatnonzero(open_posts > 0)

    placements = dict(
        zip(
            inst.worker_ids[placed_workers].tolist(), inst.order_ids[inst.edge_o[edges]].tolist(), strict=True
        )
    )
    unplaced: dict[int, str] = {}
    explain = _Explainer(
        inst, lowest, "按人员编号先后录用" if method == "stable" else "按总分最优方案录用他人"
    )
    for w in np.flatnonzero(chosen < 0).tolist():
        lo, hi = int(inst.start[w]), int(inst.start[w + 1])
        ranked = prefs.get(w)
        if ranked is None:
            reason = explain(list(range(lo, hi)), hi - lo, by_preference=False)
        else:
            reason = explain(ranked, hi - lo, by_preference=True, allowed=range(lo, hi))
        unplaced[int(inst.worker_ids[w])] = reason
    return Assignment(
        placements=placements,
        total_score=math.fsum(inst.edge_s[edges].tolist()),
        unfilled=dict(zip(inst.order_ids[has_open].tolist(), open_posts[has_open].tolist(), strict=True)),
        unplaced=unplaced,
        method=method,
    )


@dataclass(frozen=True, slots=True)
class _Explainer:
    """Builds the reason why an unplaced worker got none of the orders open to them.

    After either method, every order an unplaced worker would take is full, and its lowest admitted score is
    at least the worker's own (to within ``1e-6`` for ``optimal``: otherwise a swap would raise the total).
    """

    inst: _Instance
    lowest: FloatArray  # lowest admitted score per order (inf if none)
    tie_rule: str  # how equal scores were settled

    def __call__(
        self, ranked: list[int], n_allowed: int, *, by_preference: bool, allowed: range | None = None
    ) -> str:
        inst = self.inst
        if not ranked:
            wished = allowed if allowed is not None else range(0)
            return f"意向岗位中没有可选岗位（{_order_list(inst, list(wished))} 未列入本人意向）"
        open_edges = [e for e in ranked if inst.capacity[inst.edge_o[e]] > 0]
        extras = []
        if open_edges and len(open_edges) < len(ranked):
            extras.append(f"另有 {len(ranked) - len(open_edges)} 个可选岗位名额为 0")
        if by_preference and n_allowed > len(ranked):
            extras.append(f"另有 {n_allowed - len(ranked)} 个可选岗位未列入本人意向")
        tail = "".join(f"；{x}" for x in extras)
        if not open_edges:
            return f"可选岗位名额均为 0（{_order_list(inst, ranked)}）{tail}"

        best = open_edges[0]
        o = int(inst.edge_o[best])
        order_id, headcount = int(inst.order_ids[o]), int(inst.capacity[o])
        own, low = float(inst.edge_s[best]), float(self.lowest[o])
        if len(open_edges) == 1:
            head = f"唯一可选岗位 #{order_id} 已满员（{headcount} 人）"
            detail = "录用最低分"
        else:
            label = "首选岗位" if by_preference else "最佳岗位"
            head = f"可选的 {len(open_edges)} 个岗位均已满员"
            detail = f"{label} #{order_id}（{headcount} 人）录用最低分"
        if low > own + _TIE:
            low_text, own_text = _distinct(low, own)
            return f"{head}，且得分低于已录用人员：{detail} {low_text}，本人 {own_text}{tail}"
        return f"{head}：{detail} {low:.3f}，与本人同分，{self.tie_rule}{tail}"


def _order_list(inst: _Instance, edges: list[int], limit: int = 3) -> str:
    ids = [f"#{int(inst.order_ids[inst.edge_o[e]])}" for e in edges]
    shown = "、".join(ids[:limit])
    return f"岗位 {shown}" + (f" 等 {len(ids)} 个" if len(ids) > limit else "")


def _distinct(a: float, b: float) -> tuple[str, str]:
    """Format two different scores so that they read as different."""
    for digits in (3, 6):
        left, right = f"{a:.{digits}f}", f"{b:.{digits}f}"
        if left != right:
            return left, right
    return repr(a), repr(b)
