"""Ranking quality on the labelled evaluation set (:mod:`benchmarks.quality.dataset`), engine against a baseline.

Run as ``.venv/bin/python benchmarks/quality/run_quality.py`` (``make quality``). For each order the engine's top
10 (``matcher.rank`` with the shipped ``config/``) and the baseline's top 10 (rapidfuzz ``token_set_ratio`` of
the order's typed texts against each worker's typed texts, best first, worker id breaking ties) are scored:

- ``ndcg10`` — NDCG@10 with gain ``2**grade - 1`` against the ideal order of all 250 workers;
- ``precision10`` — share of the top 10 graded ≥ 2, out of ``min(10, workers graded ≥ 2)``;
- ``recall10`` — share of the grade-3 workers in the top 10, out of ``min(10, workers graded 3)``;
- ``ineligible`` — workers lacking a licence the job needs (see ``dataset.ineligible``) in any top 10 (a count).

Means per category and overall are printed and written to ``benchmarks/results/latest.json`` under ``quality``.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

import config  # noqa: E402
import matcher  # noqa: E402
from benchmarks.bench_rank import merge_results  # noqa: E402
from benchmarks.quality.dataset import CATEGORIES, Dataset, EvalOrder, EvalWorker, build  # noqa: E402

TODAY = date(2019, 12, 17)
HOME = "410923200001"  # every worker lives here and will go anywhere: only the trade decides
WORKPLACE = "410923200002"
TARGETS = {"ndcg10": 0.90, "recall10": 0.95, "ineligible": 0}

Ranker = Callable[[EvalOrder], list[int]]


def context() -> matcher.MatchContext:
    """The shipped vocabulary, regions and settings."""
    kwargs: dict[str, Any] = {}
    loader = getattr(config, "load_certificates", None)
    taxonomy_args: list[Any] = [config.load_occupations()]
    if loader is not None:
        kwargs["certificates"] = loader()
    taxonomy = matcher.Taxonomy.from_records(*taxonomy_args, **kwargs)
    return matcher.MatchContext(
        taxonomy,
        matcher.RegionTree.from_records(config.load_regions()),
        matcher.ScoringConfig.from_dict(config.load_scoring()),
        TODAY,
    )


def worker_profile(w: EvalWorker) -> matcher.WorkerProfile:
    """The engine's view of an evaluation worker (only typed texts, never the truth)."""
    values: dict[str, Any] = {
        "id": w.id,
        "region_code": HOME,
        "birth_date": date(1985, 6, 1),
        "skills": w.skills,
        "certificates": w.certificates,
        "desired_occupations": w.desired,
        "completed_training": w.completed_training,
        "mobility": "national",
    }
    if "experience_years" in {f.name for f in fields(matcher.WorkerProfile)}:
        values["experience_years"] = w.experience
    return matcher.WorkerProfile(**values)


def order_profile(o: EvalOrder) -> matcher.JobOrderProfile:
    return matcher.JobOrderProfile(
        id=o.id,
        occupation=o.occupation,
        region_code=WORKPLACE,
        certificates_required=o.certificates_required,
        skills=o.skills,
    )


def engine_ranker(ds: Dataset, ctx: matcher.MatchContext) -> Ranker:
    index = matcher.build_worker_index([worker_profile(w) for w in ds.workers], ctx)
    return lambda o: [m.worker_id for m in matcher.rank(index, order_profile(o), k=10)]


def baseline_ranker(ds: Dataset) -> Ranker:
    texts = {
        w.id: " ".join((*w.skills, *w.certificates, *w.desired, *w.completed_training)) for w in ds.workers
    }

    def ranked(o: EvalOrder) -> list[int]:
        query = " ".join((o.occupation, *o.skills, *o.certificates_required))
        scored = [(fuzz.token_set_ratio(query, text), wid) for wid, text in texts.items()]
        scored = [s for s in scored if s[0] > 0]
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [wid for _, wid in scored[:10]]

    return ranked


def _dcg(grades: Sequence[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def order_metrics(ds: Dataset, order: EvalOrder, top: Sequence[int]) -> dict[str, float]:
    grades = [ds.grades[(order.id, w.id)] for w in ds.workers]
    got = [ds.grades[(order.id, wid)] for wid in top[:10]]
    ideal = _dcg(sorted(grades, reverse=True)[:10])
    good = sum(1 for g in grades if g >= 2)
    best = sum(1 for g in grades if g == 3)
    return {
        "ndcg10": _dcg(got) / ideal if ideal > 0 else 1.0,
        "precision10": sum(1 for g in got if g >= 2) / min(10, good) if good else 1.0,
        "recall10": sum(1 for g in got if g == 3) / min(10, best) if best else 1.0,
        "ineligible": float(sum(1 for wid in top[:10] if (order.id, wid) in ds.ineligible)),
    }


def evaluate(
    ds: Dataset, ranker: Ranker, orders: Sequence[EvalOrder] | None = None
) -> dict[str, dict[str, float]]:
    """Metrics per category and ``all``: means of ndcg10/precision10/recall10, sum of ineligible."""
    chosen = list(ds.orders if orders is None else orders)
    per: dict[str, list[dict[str, float]]] = {}
    for order in chosen:
        m = order_metrics(ds, order, ranker(order))
        per.setdefault(order.category, []).append(m)
        per.setdefault("all", []).append(m)
    out: dict[str, dict[str, float]] = {}
    for cat in (*CATEGORIES, "all"):
        rows = per.get(cat)
        if not rows:
            continue
        out[cat] = {
            "orders": float(len(rows)),
            "ndcg10": round(sum(r["ndcg10"] for r in rows) / len(rows), 4),
            "precision10": round(sum(r["precision10"] for r in rows) / len(rows), 4),
            "recall10": round(sum(r["recall10"] for r in rows) / len(rows), 4),
            "ineligible": sum(r["ineligible"] for r in rows),
        }
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    ds = build()
    engine = evaluate(ds, engine_ranker(ds, context()))
    baseline = evaluate(ds, baseline_ranker(ds))
    print(f"evaluation set: {len(ds.orders)} orders × {len(ds.workers)} workers, every pair graded 0–3")
    header = f"{'category':<16}{'n':>3}  {'NDCG@10':>15}  {'P@10':>15}  {'R@10 (g3)':>15}  {'ineligible':>12}"
    print(header)
    print(
        f"{'':<19}  {'engine / base':>15}  {'engine / base':>15}  {'engine / base':>15}  {'eng / base':>12}"
    )
    for cat, e in engine.items():
        b = baseline[cat]
        print(
            f"{cat:<16}{int(e['orders']):>3}  {e['ndcg10']:>7.3f} / {b['ndcg10']:<5.3f}  "
            f"{e['precision10']:>7.3f} / {b['precision10']:<5.3f}  {e['recall10']:>7.3f} / {b['recall10']:<5.3f}  "
            f"{int(e['ineligible']):>5} / {int(b['ineligible']):<4}"
        )
    overall = engine["all"]
    print()
    for key, target in TARGETS.items():
        value = overall[key]
        ok = value <= target if key == "ineligible" else value >= target
        print(
            f"{key:<12}{value:>8.3f}  target {'≤' if key == 'ineligible' else '≥'} {target}  {'ok' if ok else 'MISSED'}"
        )
    if not args.no_write:
        merge_results({"engine": engine, "baseline_token_set_ratio": baseline, "targets": TARGETS}, "quality")
        print("merged into benchmarks/results/latest.json under 'quality'")


if __name__ == "__main__":
    main()
