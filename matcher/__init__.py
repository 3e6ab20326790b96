"""六单 Liudan matching engine: pure Python, frozen dataclasses in, ranked and explained matches out.

Reference data comes in as plain records (the engine never reads files): build a :class:`Taxonomy`, a
:class:`RegionTree` and a :class:`ScoringConfig`, bundle them with the day ages are computed on in a
:class:`MatchContext`, then

- :func:`score_pair` / :func:`check_constraints` — the v1 reference definition of one pair;
- :func:`build_worker_index` + :func:`rank` / :func:`rank_batch` — the best workers per job order;
- :func:`build_order_index` + :func:`recommend` — the best job orders per worker;
- :func:`training_gaps` — unmet demand by occupation and county;
- :func:`assign` — placements under headcount (optimal or stable).

Example:
    >>> from datetime import date
    >>> tax = Taxonomy.from_records([{"code": "6-25-01", "name_zh": "焊工", "synonyms": ["电焊工"],
    ...                               "certificates": ["焊工证"]}])
    >>> ctx = MatchContext(tax, RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
    >>> index = build_worker_index([WorkerProfile(id=1, region_code="410923201001", birth_date=date(1990, 5, 1),
    ...                                           certificates=("焊工证",), mobility="national")], ctx)
    >>> [m.reasons[:2] for m in rank(index, JobOrderProfile(id=7, occupation="电焊工", region_code="320500"))]
    [('工种对口：焊工', '持有焊工证')]
"""

from __future__ import annotations

from matcher.explain import Evidence, reason_component, reasons
from matcher.gaps import TrainingGap, training_gaps
from matcher.index import OrderIndex, WorkerIndex, build_order_index, build_worker_index
from matcher.normalize import normalize_text
from matcher.profile import OrderTerms, WorkerTerms, age_on, resolve_order, resolve_worker
from matcher.rank import near_misses, near_misses_batch, rank, rank_batch, recommend
from matcher.regions import TREE_LEVELS, Region, RegionTree, canonical_code
from matcher.score import (
    NearMiss,
    check_constraints,
    is_certified,
    is_relevant,
    reference_near_misses,
    reference_rank,
    reference_recommend,
    score_pair,
)
from matcher.settings import COMPONENTS, DEFAULT_SCORING, MatchContext, ScoringConfig
from matcher.taxonomy import Certificate, Occupation, Resolution, Taxonomy
from matcher.types import MOBILITY_LEVELS, WORKER_STATUSES, JobOrderProfile, Match, WorkerProfile

__all__ = [
    "COMPONENTS",
    "DEFAULT_SCORING",
    "MOBILITY_LEVELS",
    "TREE_LEVELS",
    "WORKER_STATUSES",
    "Assignment",
    "Certificate",
    "Evidence",
    "JobOrderProfile",
    "Match",
    "MatchContext",
    "NearMiss",
    "Occupation",
    "OrderIndex",
    "OrderTerms",
    "Region",
    "RegionTree",
    "Resolution",
    "ScoringConfig",
    "Taxonomy",
    "TrainingGap",
    "WorkerIndex",
    "WorkerProfile",
    "WorkerTerms",
    "age_on",
    "assign",
    "build_order_index",
    "build_worker_index",
    "canonical_code",
    "check_constraints",
    "is_certified",
    "is_relevant",
    "near_misses",
    "near_misses_batch",
    "normalize_text",
    "rank",
    "rank_batch",
    "reason_component",
    "reasons",
    "recommend",
    "reference_near_misses",
    "reference_rank",
    "reference_recommend",
    "resolve_order",
    "resolve_worker",
    "score_pair",
    "training_gaps",
]

from matcher.assign import Assignment, assign  # noqa: E402  (owned separately; kept last on purpose)
