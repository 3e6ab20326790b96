"""The labelled evaluation set (``benchmarks/quality``) as a test: the shipped vocabulary never ranks a worker who
lacks a licence the job needs, and the quality targets of issue 11 hold."""

from __future__ import annotations

import pytest

from benchmarks.quality.dataset import CATEGORIES, build, grade, ineligible
from benchmarks.quality.run_quality import baseline_ranker, context, engine_ranker, evaluate

DATASET = build()


@pytest.fixture(scope="module")
def engine_figures() -> dict[str, dict[str, float]]:
    return evaluate(DATASET, engine_ranker(DATASET, context()))


def test_the_set_is_complete() -> None:
    assert len(DATASET.orders) >= 40 and len(DATASET.workers) >= 250
    assert len(DATASET.grades) == len(DATASET.orders) * len(DATASET.workers)
    assert {o.category for o in DATASET.orders} == set(CATEGORIES)
    assert set(DATASET.grades.values()) == {0, 1, 2, 3}
    assert DATASET.ineligible  # there are people the law keeps out


def test_no_ineligible_worker_in_any_top_ten(engine_figures: dict[str, dict[str, float]]) -> None:
    assert engine_figures["all"]["ineligible"] == 0


def test_hard_constraint_orders_alone() -> None:
    hard = [o for o in DATASET.orders if o.category in ("hard_constraint", "certificate")]
    figures = evaluate(DATASET, engine_ranker(DATASET, context()), hard)
    assert figures["all"]["ineligible"] == 0


def test_quality_targets(engine_figures: dict[str, dict[str, float]]) -> None:
    overall = engine_figures["all"]
    assert overall["ndcg10"] >= 0.90
    assert overall["recall10"] >= 0.95


def test_the_baseline_is_measured_the_same_way() -> None:
    figures = evaluate(DATASET, baseline_ranker(DATASET))
    assert figures["all"]["ineligible"] > 0  # the text baseline cannot know the law


def test_grades_follow_the_truth() -> None:
    order = next(o for o in DATASET.orders if o.trade == "焊工")
    welders = [w for w in DATASET.workers if w.trade == "焊工"]
    assert {grade(order, w) for w in welders} == {0, 3}
    assert all(ineligible(order, w) for w in welders if grade(order, w) == 0)
