"""Benchmark the matching engine on a seeded synthetic city; baseline: rapidfuzz ``cdist`` over all pairs.

Run as ``.venv/bin/python benchmarks/bench_rank.py [--workers N] [--orders M] [--seed S] [--province]``.

The city uses the real taxonomy, region tree and scoring settings from ``config/``. Workers live in the Puyang
villages of the region tree (plus villages derived from its townships by code); each has a main occupation drawn
with Zipf-like popularity, 1–3 skill texts taken from its names, synonyms and keywords (some typed with spaces,
full-width letters or an extra word, some free text the taxonomy does not know), maybe a certificate, wishes,
training, mobility, expected wage, status and age. Orders are placed in Puyang (two thirds) or in cities of
partner provinces, with skills, required certificates, wages and age limits drawn alike.

Measured in one run:

- ``index_build_s`` — resolving every text and building the worker index (not part of the ranking targets);
- ``batch_s`` / ``batch_cpu_s`` — ``rank_batch`` top-50 for every order, wall and process CPU time (best of 3);
- ``single_order_ms`` — median latency of ``rank`` for one order (200 random orders);
- ``recommend_ms`` — median latency of ``recommend`` for one worker (200 random workers);
- ``peak_mib`` — peak resident memory of the process (``getrusage`` maxrss);
- ``naive_batch_s`` — ``rapidfuzz.process.cdist(token_set_ratio)`` of order texts against all worker texts on all
  cores, timed on a slice of orders and scaled to the full batch; ``speedup`` = naive / engine.

Figures are printed and merged into ``benchmarks/results/latest.json`` (``--province`` runs, 1,000,000 workers
× 50,000 orders, go under the key ``province``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import rapidfuzz
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import config  # noqa: E402
from matcher import (  # noqa: E402
    MOBILITY_LEVELS,
    JobOrderProfile,
    MatchContext,
    RegionTree,
    ScoringConfig,
    Taxonomy,
    WorkerProfile,
    build_order_index,
    build_worker_index,
    rank,
    rank_batch,
    recommend,
)

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
TODAY = date(2019, 12, 17)
PUYANG = "4109"
PARTNERS = ("32", "31", "44", "11", "12", "13", "33", "37")  # 江苏 上海 广东 北京 天津 河北 浙江 山东
NOISE = ("能吃苦", "有经验", "会开车", "肯学", "身体好", "服从安排", "手巧")
MOBILITY_WEIGHTS = (0.10, 0.15, 0.30, 0.15, 0.10, 0.20)
STATUS_WEIGHTS = {"seeking": 0.85, "in_training": 0.05, "employed": 0.08, "unavailable": 0.02}
TARGETS = {"batch_s": 1.2, "single_order_ms": 1.0, "peak_mib": 2048.0, "speedup": 50.0}


def _variant(rng: random.Random, text: str) -> str:
    """How people type: as is, with spaces, full-width, or with an extra word."""
    roll = rng.random()
    if roll < 0.75:
        return text
    if roll < 0.85:
        return " ".join(text)
    if roll < 0.92:
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text) + " "
    return text + rng.choice(("师傅", "工作", "经验"))


class City:
    """The reference data and the synthetic population."""

    def __init__(self, seed: int) -> None:
        self.occupations = config.load_occupations()
        self.regions = config.load_regions()
        self.ctx = MatchContext(
            Taxonomy.from_records(self.occupations, certificates=config.load_certificates()),
            RegionTree.from_records(self.regions),
            ScoringConfig.from_dict(config.load_scoring()),
            TODAY,
        )
        self.rng = random.Random(seed)
        # experience years come from their own stream so the rest of the city is the same as before they existed
        self.years_rng = random.Random(seed + 2)
        ranks = np.arange(1, len(self.occupations) + 1, dtype=np.float64)
        order = list(range(len(self.occupations)))
        random.Random(seed + 1).shuffle(order)
        weights = 1.0 / ranks**0.8
        self.popularity = [float(weights[order.index(i)]) for i in range(len(self.occupations))]
        townships = [
            r["code"] for r in self.regions if r["level"] == "township" and r["code"].startswith(PUYANG)
        ]
        villages = [
            r["code"] for r in self.regions if r["level"] == "village" and r["code"].startswith(PUYANG)
        ]
        villages += [f"{t}{n:03d}" for t in townships for n in range(200, 230)]  # not in the tree: by prefix
        self.homes = villages
        local = [r["code"] for r in self.regions if r["code"].startswith(PUYANG) and r["level"] != "city"]
        partner = [
            r["code"]
            for r in self.regions
            if r["code"][:2] in PARTNERS and r["level"] in ("city", "province")
        ]
        self.local_sites, self.partner_sites = local, partner

    def _occupation(self) -> dict[str, Any]:
        return self.rng.choices(self.occupations, weights=self.popularity)[0]

    def worker(self, worker_id: int) -> WorkerProfile:
        rng = self.rng
        main = self._occupation()
        other = self._occupation()
        names = [main["name_zh"], *main["synonyms"], *main["skills"]]
        skills = [_variant(rng, rng.choice(names)) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.3:
            skills.append(rng.choice(NOISE))
        if rng.random() < 0.3:
            skills.append(_variant(rng, rng.choice([other["name_zh"], *other["skills"]])))
        certificates = (
            [rng.choice(main["certificates"])] if main["certificates"] and rng.random() < 0.35 else []
        )
        wishes = [main["name_zh"]] if rng.random() < 0.7 else []
        wishes += [_variant(rng, self._occupation()["name_zh"]) for _ in range(rng.randint(0, 2))]
        age_days = rng.randint(14 * 365, 66 * 365)
        return WorkerProfile(
            id=worker_id,
            region_code=rng.choice(self.homes),
            birth_date=TODAY - timedelta(days=age_days),
            sex=rng.choice("MF"),
            status=rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0],
            skills=tuple(skills),
            certificates=tuple(certificates),
            desired_occupations=tuple(wishes),
            desired_training=(self._occupation()["name_zh"],) if rng.random() < 0.15 else (),
            completed_training=(main["name_zh"],) if rng.random() < 0.2 else (),
            mobility=rng.choices(MOBILITY_LEVELS, weights=MOBILITY_WEIGHTS)[0],
            expected_wage=None if rng.random() < 0.1 else rng.randrange(2500, 9001, 100),
            poverty_registered=rng.random() < 0.3,
            disability=rng.random() < 0.03,
            experience_years=((main["name_zh"], self.years_rng.randint(1, 20)),)
            if self.years_rng.random() < 0.5
            else (),
        )

    def order(self, order_id: int) -> JobOrderProfile:
        rng = self.rng
        occ = self._occupation()
        wage_min = rng.randrange(2500, 6001, 100)
        local = rng.random() < 0.65
        return JobOrderProfile(
            id=order_id,
            occupation=occ["code"] if rng.random() < 0.8 else occ["name_zh"],
            region_code=rng.choice(self.local_sites if local else self.partner_sites),
            title=occ["name_zh"],
            skills=tuple(rng.sample(occ["skills"], k=min(len(occ["skills"]), rng.randint(0, 2)))),
            certificates_required=(rng.choice(occ["certificates"]),)
            if occ["certificates"] and rng.random() < 0.3
            else (),
            headcount=rng.randint(1, 30),
            wage_min=wage_min,
            wage_max=wage_min + rng.randrange(500, 3001, 100),
            age_min=18 if rng.random() < 0.3 else None,
            age_max=rng.choice((45, 50, 55)) if rng.random() < 0.3 else None,
            public_welfare=bool(occ.get("public_welfare")),
        )


def worker_text(w: WorkerProfile) -> str:
    return " ".join((*w.skills, *w.certificates, *w.desired_occupations))


def order_text(o: JobOrderProfile, tax: Taxonomy) -> str:
    name = tax.name(o.occupation) if o.occupation in tax else o.occupation
    return " ".join((name, *o.skills, *o.certificates_required))


def naive_baseline(
    orders: Sequence[JobOrderProfile], workers: Sequence[WorkerProfile], tax: Taxonomy, budget_s: float
) -> tuple[float, int]:
    """All-pairs ``cdist(token_set_ratio)`` on a slice of orders (all cores), scaled to every order."""
    choices = [worker_text(w) for w in workers]
    queries = [order_text(o, tax) for o in orders]
    probe = min(len(queries), 3)
    t0 = time.perf_counter()
    process.cdist(queries[:probe], choices, scorer=fuzz.token_set_ratio, dtype=np.uint8, workers=-1)
    per_order = (time.perf_counter() - t0) / probe
    size = int(min(len(queries), max(probe, budget_s / max(per_order, 1e-9))))
    t0 = time.perf_counter()
    process.cdist(queries[:size], choices, scorer=fuzz.token_set_ratio, dtype=np.uint8, workers=-1)
    elapsed = time.perf_counter() - t0
    return elapsed / size * len(queries), size


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def merge_results(updates: Mapping[str, object], key: str | None) -> None:
    """Merge ``updates`` (under ``key`` if given) into ``RESULTS``, keeping other benchmarks' keys."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, object] = {}
    if RESULTS.exists():
        data = json.loads(RESULTS.read_text(encoding="utf-8"))
    if key is None:
        data.update(updates)
    else:
        data[key] = dict(updates)
    fd, tmp = tempfile.mkstemp(dir=RESULTS.parent, prefix=".latest-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=2, sort_keys=True)
        out.write("\n")
    os.replace(tmp, RESULTS)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=20191217)
    parser.add_argument("--province", action="store_true", help="1,000,000 workers × 50,000 orders")
    parser.add_argument("--naive-budget", type=float, default=8.0, help="seconds to spend on the naive slice")
    args = parser.parse_args(argv)
    n_workers, n_orders = (1_000_000, 50_000) if args.province else (args.workers, args.orders)
    machine = (
        f"{platform.machine()} {platform.system()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"numpy {np.__version__}, rapidfuzz {rapidfuzz.__version__}"
    )
    print(machine)
    print(f"synthetic city: {n_workers:,} workers × {n_orders:,} orders, seed {args.seed}")

    t0 = time.perf_counter()
    city = City(args.seed)
    workers = [city.worker(i) for i in range(1, n_workers + 1)]
    orders = [city.order(100_000_000 + j) for j in range(n_orders)]
    print(f"generated in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    index = build_worker_index(workers, city.ctx)
    build_s = time.perf_counter() - t0
    print(f"worker index built in {build_s:.2f} s (every distinct text resolved once)")

    batch_s = batch_cpu_s = float("inf")
    listed = 0
    for _ in range(3):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        result = rank_batch(index, orders, k=50)
        batch_s = min(batch_s, time.perf_counter() - t0)
        batch_cpu_s = min(batch_cpu_s, time.process_time() - c0)
        listed = sum(len(v) for v in result.values())
        del result
    print(f"rank_batch top-50: {batch_s:.3f} s wall, {batch_cpu_s:.3f} s CPU ({listed:,} matches listed)")

    rng = random.Random(args.seed)
    sample = rng.sample(orders, min(200, len(orders)))
    times = []
    for order in sample:
        t0 = time.perf_counter()
        rank(index, order, k=50)
        times.append((time.perf_counter() - t0) * 1000)
    single_ms = statistics.median(times)
    print(
        f"rank one order: median {single_ms:.3f} ms, p95 {sorted(times)[int(0.95 * len(times)) - 1]:.3f} ms"
    )

    t0 = time.perf_counter()
    order_index = build_order_index(orders, city.ctx)
    order_build_s = time.perf_counter() - t0
    times = []
    for worker in rng.sample(workers, min(200, len(workers))):
        t0 = time.perf_counter()
        recommend(order_index, worker, k=20)
        times.append((time.perf_counter() - t0) * 1000)
    recommend_ms = statistics.median(times)
    print(f"order index built in {order_build_s:.2f} s; recommend one worker: median {recommend_ms:.3f} ms")

    t0 = time.perf_counter()
    updated = index.with_worker(workers[0]).without_worker(workers[1].id)
    update_ms = (time.perf_counter() - t0) * 1000 / 2
    print(f"incremental update: {update_ms:.2f} ms per worker ({len(updated):,} live workers)")

    naive_s, probed = naive_baseline(orders, workers, city.ctx.taxonomy, args.naive_budget)
    speedup = naive_s / batch_s
    print(
        f"naive cdist(token_set_ratio), all cores: {naive_s:.1f} s for the full batch (from {probed} orders)"
    )
    memory = peak_mib()
    print(f"peak memory: {memory:.0f} MiB")

    load = os.getloadavg()[0]
    print(f"load average (1 min) at the end: {load:.2f} on {os.cpu_count()} CPUs")
    figures: dict[str, object] = {
        "workers": n_workers,
        "orders": n_orders,
        "seed": args.seed,
        "index_build_s": round(build_s, 3),
        "batch_s": round(batch_s, 4),
        "batch_cpu_s": round(batch_cpu_s, 4),
        "single_order_ms": round(single_ms, 4),
        "recommend_ms": round(recommend_ms, 4),
        "update_ms": round(update_ms, 3),
        "peak_mib": round(memory, 1),
        "naive_batch_s": round(naive_s, 2),
        "naive_orders_timed": probed,
        "speedup": round(speedup, 1),
        "machine": f"{machine}; load average {load:.2f} (other work on the machine inflates wall times)",
    }
    print()
    if args.province:
        print("(the targets below are for the city run: 100,000 × 5,000)")
    print(f"{'figure':<18}{'value':>12}{'target':>12}")
    for key, target in TARGETS.items():
        value = float(figures[key])  # type: ignore[arg-type]
        ok = value >= target if key == "speedup" else value <= target
        print(f"{key:<18}{value:>12.3f}{target:>12.1f}  {'ok' if ok else 'MISSED'}")
    merge_results(figures, "province" if args.province else None)
    print(f"merged into {RESULTS}")


if __name__ == "__main__":
    main()
