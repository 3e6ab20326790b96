"""Training gaps: the demand no qualified seeking worker meets, by occupation and county — the trainers' order
book (培训机构接单).

Orders are grouped by (occupation, county of the place of work; for a place outside any county — a partner
province or city — the order's own region code). For each group:

- ``demand`` — the sum of the orders' open headcount;
- ``qualified_supply`` — distinct workers that are relevant to, allowed by the hard constraints for, hold the
  required certificates of, and score at least ``threshold`` (default ``scoring.qualified_threshold``) on at least one order of the group — exactly
  those a ranking with ``min_score=threshold`` would list;
- ``gap`` — ``max(demand − qualified_supply, 0)``;
- ``wished_by`` — workers (any status) whose desired occupations or desired training resolve to the occupation
  and who would go as far as the place of work of at least one order of the group (their mobility);
- ``near_miss`` — workers relevant to and allowed for an order of the group, not qualified, who would reach the
  threshold if they held the required certificates and the occupation's skills (occupation and certificate
  components at 1): the people a short course would qualify.

Sorted by gap descending, then demand descending, occupation and region code ascending.

Example:
    >>> from datetime import date
    >>> from matcher.regions import RegionTree
    >>> from matcher.settings import ScoringConfig
    >>> from matcher.taxonomy import Taxonomy
    >>> ctx = MatchContext(Taxonomy.from_records([{"code": "W", "name_zh": "焊工"}]), RegionTree([]),
    ...                    ScoringConfig.from_dict({}), date(2019, 12, 17))
    >>> orders = [JobOrderProfile(id=1, occupation="焊工", region_code="410923201", headcount=3)]
    >>> workers = [WorkerProfile(id=1, region_code="410923201001", birth_date=date(1990, 1, 1), skills=("焊工",)),
    ...            WorkerProfile(id=2, region_code="410923", birth_date=date(1990, 1, 1), desired_training=("焊工",))]
    >>> g = training_gaps(orders, workers, ctx)[0]
    >>> (g.occupation, g.region_code, g.demand, g.qualified_supply, g.gap, g.wished_by)
    ('W', '410923', 3, 1, 2, 1)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from matcher.index import build_worker_index
from matcher.profile import resolve_order
from matcher.rank import blocks, levels
from matcher.settings import MatchContext
from matcher.taxonomy import LITERAL, OCC
from matcher.types import JobOrderProfile, WorkerProfile

__all__ = ["TrainingGap", "training_gaps"]


@dataclass(frozen=True, slots=True)
class TrainingGap:
    """Unmet demand for one occupation in one county (see the module docstring).

    ``occupation`` is the taxonomy code (or, for an occupation not in the taxonomy, its normalised text);
    worker and order id tuples are sorted ascending.

    Example:
        >>> TrainingGap("W", "焊工", "410923", demand=5, qualified_supply=2, gap=3, wished_by=1).gap
        3
    """

    occupation: str
    occupation_name: str
    region_code: str
    demand: int
    qualified_supply: int
    gap: int
    wished_by: int
    wished_by_ids: tuple[int, ...] = ()
    near_miss: tuple[int, ...] = ()
    order_ids: tuple[int, ...] = ()


def _occupation_label(term: str) -> str:
    for prefix in (OCC, LITERAL):
        if term.startswith(prefix):
            return term[len(prefix) :]
    return term.split(":", 1)[-1]


def training_gaps(
    orders: Iterable[JobOrderProfile],
    workers: Iterable[WorkerProfile],
    ctx: MatchContext,
    *,
    threshold: float | None = None,
) -> list[TrainingGap]:
    """Demand, qualified supply, gap, wishes and near misses per (occupation, county), largest gap first.

    Example:
        >>> from datetime import date
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
        >>> [(g.occupation, g.gap) for g in training_gaps(
        ...     [JobOrderProfile(id=1, occupation="月嫂", region_code="410922", headcount=2)], [], ctx)]
        [('月嫂', 2)]
    """
    cfg = ctx.scoring
    floor = cfg.qualified_threshold if threshold is None else threshold
    order_list = list(orders)
    index = build_worker_index(workers, ctx)

    keys: dict[int, tuple[str, str]] = {}
    groups: dict[tuple[str, str], list[JobOrderProfile]] = {}
    for order in order_list:
        term = resolve_order(order, ctx).occupation
        if term is None:
            continue
        key = (term, ctx.regions.county_of(order.region_code))
        keys[order.id] = key
        groups.setdefault(key, []).append(order)

    qualified: dict[tuple[str, str], set[int]] = {key: set() for key in groups}
    near: dict[tuple[str, str], set[int]] = {key: set() for key in groups}
    w = cfg.weight_vector
    distances = np.asarray(cfg.distance_vector, dtype=np.float64)
    for group, block in blocks(index, [o for o in order_list if o.id in keys]):
        if block.score.size == 0:
            continue
        _, _, distance, wage, wish, training, priority = block.components(group, distances, slice(None))
        hypothetical = (w[0] * 1.0 + w[1] * 1.0) + w[2] * distance
        hypothetical = hypothetical + w[3] * wage
        hypothetical = hypothetical + w[4] * wish
        hypothetical = hypothetical + w[5] * training
        hypothetical = hypothetical + w[6] * priority
        hypothetical = hypothetical / cfg.total_weight
        good = (block.score >= floor) & block.complete  # a licence the law requires is never optional
        close = ~good & (hypothetical >= floor)
        rows = group.cands[block.cand]
        for j, order in enumerate(block.orders):
            key = keys[order.id]
            part = slice(int(block.starts[j]), int(block.starts[j + 1]))
            qualified[key].update(rows[part][good[part]].tolist())
            near[key].update(rows[part][close[part]].tolist())

    out: list[TrainingGap] = []
    for key, members in groups.items():
        term, county = key
        wish_rows = index.post_wish.get(term)
        lists = [index.post_desired.get(term, np.zeros(0, dtype=np.int32))]
        if wish_rows is not None:
            lists.append(wish_rows[0])
        rows = np.unique(np.concatenate(lists)).astype(np.int32)
        rows = rows[index.alive[rows]]
        reach = (levels(index, rows, members) <= index.mobility[rows][None, :]).any(axis=0)
        wishers = sorted(int(i) for i in index.ids[rows[reach]].tolist())
        demand = sum(max(o.headcount, 0) for o in members)
        supply = len(qualified[key])
        near_rows = near[key] - qualified[key]
        out.append(
            TrainingGap(
                occupation=_occupation_label(term),
                occupation_name=ctx.taxonomy.display(term),
                region_code=county,
                demand=demand,
                qualified_supply=supply,
                gap=max(demand - supply, 0),
                wished_by=len(wishers),
                wished_by_ids=tuple(wishers),
                near_miss=tuple(sorted(int(index.ids[r]) for r in near_rows)),
                order_ids=tuple(sorted(o.id for o in members)),
            )
        )
    out.sort(key=lambda g: (-g.gap, -g.demand, g.occupation, g.region_code))
    return out
