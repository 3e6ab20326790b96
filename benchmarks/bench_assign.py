"""Benchmark ``matcher.assign`` on seeded synthetic instances; baseline: scipy's LAPJV on the small one.

Run as ``.venv/bin/python benchmarks/bench_assign.py``. Each job order gets ``EDGES_PER_ORDER`` distinct random
candidate workers with uniform random scores (rounded to 6 decimals, the flow's precision, so that every solver
optimises the same numbers) and a random headcount in 1–30. The small instance is also solved
by ``scipy.sparse.csgraph.min_weight_full_bipartite_matching`` with every order expanded into one column per
post plus one "stay unplaced" column per worker; its total must equal ``optimal``'s (only the solver call is
timed, not building its graph). Timings are the best of ``REPEATS`` runs on the small instance and of 2 on the
large one. The figures are printed and merged into ``benchmarks/results/latest.json``.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np
import scipy
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matcher.assign import SCORE_SCALE, assign, blocking_pairs  # noqa: E402

SEED = 20191230
EDGES_PER_ORDER = 50
MAX_HEADCOUNT = 30
REPEATS = 7
RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"

T = TypeVar("T")


def make_instance(
    n_workers: int, n_orders: int, seed: int
) -> tuple[dict[tuple[int, int], float], dict[int, int]]:
    """Seeded instance: ``EDGES_PER_ORDER`` distinct candidates per order, scores U[0, 1), headcount 1–30."""
    rng = np.random.default_rng(seed)
    per_order = min(EDGES_PER_ORDER, n_workers)
    workers = np.stack([rng.choice(n_workers, per_order, replace=False) for _ in range(n_orders)]) + 1
    orders = np.repeat(np.arange(1, n_orders + 1), per_order)
    scores = rng.random(orders.size).round(6)
    pairs = zip(workers.ravel().tolist(), orders.tolist(), strict=True)
    capacity = dict(
        zip(range(1, n_orders + 1), rng.integers(1, MAX_HEADCOUNT + 1, n_orders).tolist(), strict=True)
    )
    return dict(zip(pairs, scores.tolist(), strict=True)), capacity


def best_of(repeats: int, run: Callable[[], T]) -> tuple[float, T]:
    """Fastest wall time of ``repeats`` calls, and the last call's result."""
    best = float("inf")
    result: T | None = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - t0)
    assert result is not None
    return best, result


def lapjv_graph(scores: Mapping[tuple[int, int], float], capacity: Mapping[int, int]) -> csr_array:
    """Workers × (one column per post, then one "unplaced" column per worker), for scipy's sparse LAPJV.

    Weights are ``2 - score`` on a post and ``2`` on the worker's own "unplaced" column (all positive, so no
    explicit zeros). Every worker is matched, and the minimum weight is ``2 · workers − maximum total score``.
    """
    worker_ids = sorted({w for w, _ in scores})
    row_of = {w: i for i, w in enumerate(worker_ids)}
    first_slot: dict[int, int] = {}
    n_slots = 0
    for order_id, headcount in capacity.items():
        first_slot[order_id] = n_slots
        n_slots += headcount
    rows: list[int] = []
    cols: list[int] = []
    weights: list[float] = []
    for (w, o), s in scores.items():
        base = first_slot[o]
        for slot in range(base, base + capacity[o]):
            rows.append(row_of[w])
            cols.append(slot)
            weights.append(2.0 - s)
    n = len(worker_ids)
    rows.extend(range(n))
    cols.extend(range(n_slots, n_slots + n))
    weights.extend([2.0] * n)
    return csr_array((weights, (rows, cols)), shape=(n, n_slots + n))


def lapjv_total(graph: csr_array) -> float:
    """Maximum total score from the slot graph of :func:`lapjv_graph`."""
    row_ind, col_ind = min_weight_full_bipartite_matching(graph)
    n_workers: int = graph.shape[0]
    return 2.0 * n_workers - float(graph[row_ind, col_ind].sum())


def merge_results(updates: Mapping[str, object]) -> None:
    """Update ``RESULTS`` with ``updates``, keeping other benchmarks' keys; replace the file atomically."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, object] = {}
    if RESULTS.exists():
        data = json.loads(RESULTS.read_text(encoding="utf-8"))
    data.update(updates)
    fd, tmp = tempfile.mkstemp(dir=RESULTS.parent, prefix=".latest-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=2, sort_keys=True)
        out.write("\n")
    os.replace(tmp, RESULTS)


def main() -> None:
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"{os.cpu_count()} CPUs, seed {SEED}"
    )
    rows: list[tuple[str, int, int, int, float, float, int]] = []
    figures: dict[str, object] = {}
    ratio = 0.0
    for label, n_workers, n_orders in (("small", 2_000, 200), ("large", 100_000, 5_000)):
        scores, capacity = make_instance(n_workers, n_orders, SEED)
        repeats = REPEATS if label == "small" else 2
        t_opt, optimal = best_of(repeats, partial(assign, scores, capacity, method="optimal"))
        t_st, stable = best_of(repeats, partial(assign, scores, capacity, method="stable"))
        if blocking_pairs(stable, scores, capacity):
            raise SystemExit(f"{label}: stable assignment has blocking pairs")
        if optimal.total_score + len(optimal) / SCORE_SCALE < stable.total_score:
            raise SystemExit(f"{label}: optimal total below stable total")
        print(f"{label}: {len(scores):,} edges, {sum(capacity.values()):,} posts")
        for name, seconds, result in (("optimal", t_opt, optimal), ("stable", t_st, stable)):
            rows.append(
                (
                    f"{label} {name}",
                    n_workers,
                    n_orders,
                    len(scores),
                    seconds,
                    result.total_score,
                    len(result),
                )
            )
        if label == "small":
            graph = lapjv_graph(scores, capacity)  # built outside the timing: only the solver is timed
            t_lap, lap_total = best_of(REPEATS, partial(lapjv_total, graph))
            if abs(lap_total - optimal.total_score) > len(optimal) / SCORE_SCALE + 1e-6:
                raise SystemExit(f"LAPJV total {lap_total} differs from optimal {optimal.total_score}")
            rows.append(("small scipy LAPJV (slots)", n_workers, n_orders, graph.nnz, t_lap, lap_total, -1))
            ratio = t_lap / t_opt
            figures.update(
                assign_small_optimal_s=round(t_opt, 4),
                assign_small_stable_s=round(t_st, 4),
                assign_small_lapjv_s=round(t_lap, 4),
            )
        else:
            figures.update(
                assign_optimal_s=round(t_opt, 4), assign_stable_s=round(t_st, 4), assign_edges=len(scores)
            )

    header = f"{'case':<28}{'workers':>9}{'orders':>8}{'edges':>9}{'seconds':>10}{'total':>13}{'placed':>9}"
    print(header)
    print("-" * len(header))
    for case, n_w, n_o, n_e, seconds, total, placed in rows:
        placed_text = "" if placed < 0 else str(placed)
        print(f"{case:<28}{n_w:>9,}{n_o:>8,}{n_e:>9,}{seconds:>10.3f}{total:>13.3f}{placed_text:>9}")
    print(f"scipy LAPJV / optimal on the small instance: {ratio:.1f}x")
    merge_results(figures)
    print(f"merged into {RESULTS}")


if __name__ == "__main__":
    main()
