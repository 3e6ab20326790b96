"""The v1 reference definitions: hard constraints, score components and the ranking they imply.

These functions are the *meaning* of a match, written pair by pair for clarity. The fast engine
(:mod:`matcher.rank`) computes exactly the same numbers vectorised; tests hold the two together.

**Hard constraints** (:func:`check_constraints`), in this order: the worker is ``seeking``; their age on
``ctx.today`` (from ``birth_date``; unknown age fails) lies within both the legal working age and the order's
``age_min``/``age_max``; a public-welfare post (``order.public_welfare``) only takes registered-poor or disabled
workers; the closest region level shared by home and place of work is within the worker's ``mobility``.

**Components**, each in [0, 1], with ``O``/``K``/``R``/``D`` and the worker's term sets from
:mod:`matcher.profile`:

- ``occupation`` = max(code fit, keyword fit). Code fit is the first largest of: 1 if ``O`` is in the worker's
  experience (skills, certificates and the occupation a certificate belongs to, occupations with years); the
  largest similarity of an occupation related to ``O`` that is in the experience; ``wish_only_fit`` if ``O`` is
  among the wishes; ``trained_fit`` if ``O`` is among the completed courses; ``same_category_fit`` if one of
  the worker's occupations shares ``O``'s category; else 0. Keyword fit: share of ``K`` found in the experience
  (0 when ``K`` is empty).
- ``certificates``: share of ``R`` held (1 for every ranked worker, see below); with nothing required, 1 if one
  of ``D`` is held (or ``D`` is empty), else ``not_required_missing``.
- ``distance``: ``scoring.distance`` of the closest shared region level.
- ``wage``: with ``M`` = ``wage_max`` (else ``wage_min``) and expected wage ``e``: 1 if either is unknown or
  ``e ≤ M``, else ``max(0, 1 − (e − M) / M)`` (0 at twice ``M``).
- ``wish``: ``max(0, 1 − wish_step × i)`` for the first position ``i`` of ``O`` among the wishes, 0 if not
  wished, ``no_wish`` if the worker stated no wishes.
- ``training``: 1 if ``O`` is among the completed training, else 0.
- ``priority``: 1 for a registered-poor (建档立卡) worker, else 0 (bounded by its weight).

``score`` = Σ weight × component / Σ weight, summed in :data:`~matcher.settings.COMPONENTS` order.

**Eligibility.** Every certificate of ``R`` (those the order names and those the law requires for ``O``) is a
hard requirement, met by a held certificate or one covering it (:func:`is_certified`).

**Ranking** (:func:`reference_rank`): candidates are the *relevant* workers (one of their terms is one of the
order's keys, see :func:`is_relevant`) that pass the constraints, are certified and score at least
``min_score``; sorted by score descending, then years of experience in ``O`` descending, then worker id
ascending. :func:`reference_near_misses` lists, the same way, the relevant workers who pass the constraints but
lack a required certificate (差证).

Example:
    >>> from matcher.regions import RegionTree
    >>> from matcher.settings import ScoringConfig
    >>> from matcher.taxonomy import Taxonomy
    >>> from datetime import date
    >>> tax = Taxonomy.from_records([{"code": "W", "name_zh": "焊工", "synonyms": ["电焊工"],
    ...                               "certificates": ["焊工证"]}])
    >>> ctx = MatchContext(tax, RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
    >>> welder = WorkerProfile(id=1, region_code="410923201001", birth_date=date(1990, 5, 1),
    ...                        certificates=("焊工证",), desired_occupations=("电焊工",), mobility="national")
    >>> order = JobOrderProfile(id=7, occupation="焊工", region_code="320500", wage_max=7000)
    >>> m = score_pair(order, welder, ctx)
    >>> round(m.score, 4), m.reasons[:2]
    (0.8025, ('工种对口：焊工', '持有焊工证'))
    >>> check_constraints(order, WorkerProfile(id=2, region_code="410923", birth_date=date(1990, 1, 1)), ctx)
    '不愿跨省'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from matcher.explain import (
    NO_WISHES,
    NOT_WISHED,
    OCC_CATEGORY,
    OCC_DIRECT,
    OCC_KEYWORD,
    OCC_NONE,
    OCC_RELATED,
    OCC_TRAINED,
    WAGE_BELOW,
    WAGE_OK,
    WAGE_UNKNOWN,
    Evidence,
    mobility_refusal,
    reasons,
)
from matcher.profile import OrderTerms, WorkerTerms, age_on, resolve_order, resolve_worker
from matcher.regions import common_level_index
from matcher.settings import COMPONENTS, MatchContext
from matcher.types import MOBILITY_LEVELS, JobOrderProfile, Match, WorkerProfile

__all__ = [
    "NearMiss",
    "age_bounds",
    "check_constraints",
    "code_fit",
    "is_certified",
    "is_relevant",
    "mobility_index",
    "order_wage",
    "reference_near_misses",
    "reference_rank",
    "reference_recommend",
    "score_pair",
    "score_terms",
]

_NO_AGE_LIMIT_HIGH = 10_000


def mobility_index(mobility: str) -> int:
    """Index of a mobility level in ``MOBILITY_LEVELS``; :class:`ValueError` for anything else.

    Example:
        >>> mobility_index("county"), mobility_index("national")
        (2, 5)
    """
    try:
        return MOBILITY_LEVELS.index(mobility)
    except ValueError:
        raise ValueError(f"unknown mobility {mobility!r}; expected one of {MOBILITY_LEVELS}") from None


def age_bounds(order: JobOrderProfile, ctx: MatchContext) -> tuple[int, int]:
    """The inclusive age range an order accepts: its own limits within the legal working age.

    Example:
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> from datetime import date
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 1, 1))
        >>> age_bounds(JobOrderProfile(id=1, occupation="", region_code="", age_max=45), ctx)
        (16, 45)
    """
    cfg = ctx.scoring
    low = cfg.min_working_age if order.age_min is None else max(cfg.min_working_age, order.age_min)
    high = cfg.max_working_age if order.age_max is None else min(cfg.max_working_age, order.age_max)
    return low, high


def order_wage(order: JobOrderProfile) -> float | None:
    """The wage an expectation is held against: ``wage_max``, else ``wage_min``; ``None`` if unknown or ≤ 0.

    Example:
        >>> order_wage(JobOrderProfile(id=1, occupation="", region_code="", wage_min=3000))
        3000.0
    """
    wage = order.wage_max if order.wage_max is not None else order.wage_min
    return float(wage) if wage is not None and wage > 0 else None


def check_constraints(order: JobOrderProfile, worker: WorkerProfile, ctx: MatchContext) -> str | None:
    """``None`` if the hard constraints allow the pair, else a short Chinese reason why not.

    Example:
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> from datetime import date
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
        >>> order = JobOrderProfile(id=1, occupation="保洁员", region_code="410923", public_welfare=True)
        >>> check_constraints(order, WorkerProfile(id=1, region_code="410923", birth_date=date(1980, 1, 1)), ctx)
        '公益性岗位仅限建档立卡或残疾人员'
    """
    if worker.status != "seeking":
        return "非求职状态"
    age = age_on(worker.birth_date, ctx.today)
    if age is None:
        return "年龄未知"
    low, high = age_bounds(order, ctx)
    if not low <= age <= high:
        return "年龄不符"
    if order.public_welfare and not (worker.poverty_registered or worker.disability):
        return "公益性岗位仅限建档立卡或残疾人员"
    level = common_level_index(ctx.regions.path(worker.region_code), ctx.regions.path(order.region_code))
    if level > mobility_index(worker.mobility):
        return mobility_refusal(level)
    return None


def is_relevant(order: JobOrderProfile, worker: WorkerProfile, ctx: MatchContext) -> bool:
    """Whether the worker is a candidate for the order at all: one of their skill, certificate, wish or training
    terms is the order's occupation, one of its skills or one of its required certificates.

    Example:
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> from datetime import date
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 1, 1))
        >>> is_relevant(JobOrderProfile(id=1, occupation="厨师", region_code=""),
        ...             WorkerProfile(id=1, region_code="", desired_occupations=("厨师",)), ctx)
        True
    """
    return not resolve_order(order, ctx).keys.isdisjoint(resolve_worker(worker, ctx).all_terms)


def is_certified(ot: OrderTerms, wt: WorkerTerms) -> bool:
    """Whether the worker holds (or holds a certificate covering) every certificate the order requires.

    Example:
        >>> e = frozenset()
        >>> is_certified(OrderTerms("o:W", None, (), ("c:weld",), ()), WorkerTerms(e, (), e, e, e, e))
        False
    """
    return all(t in wt.certificates for t in ot.required)


def code_fit(ot: OrderTerms, wt: WorkerTerms, ctx: MatchContext) -> tuple[float, int, str | None]:
    """The code part of the occupation fit, which kind of evidence carried it, and the related occupation when
    that was it (see the module docstring; the first largest wins).

    Example:
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> from datetime import date
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 1, 1))
        >>> e = frozenset()
        >>> ot = OrderTerms("o:A", None, (), (), (), related=(("o:B", 0.8),))
        >>> code_fit(ot, WorkerTerms(frozenset({"o:B"}), (), e, frozenset({"o:A"}), e, e), ctx)
        (0.8, 4, 'o:B')
    """
    cfg = ctx.scoring
    occ = ot.occupation
    fit, kind, related = 0.0, OCC_NONE, None
    if occ is not None and occ in wt.experience:
        return 1.0, OCC_DIRECT, None
    for term, similarity in ot.related:
        if term in wt.experience and similarity > fit:
            fit, kind, related = similarity, OCC_RELATED, term
    for present, value, what in (
        (occ is not None and occ in wt.wishes, cfg.wish_only_fit, OCC_NONE),
        (occ is not None and occ in wt.training, cfg.trained_fit, OCC_TRAINED),
        (ot.category is not None and ot.category in wt.categories, cfg.same_category_fit, OCC_CATEGORY),
    ):
        if present and value > fit:
            fit, kind, related = value, what, None
    return fit, kind, related


def score_terms(
    order: JobOrderProfile, worker: WorkerProfile, ot: OrderTerms, wt: WorkerTerms, ctx: MatchContext
) -> Match:
    """Score an allowed pair whose terms are already resolved (constraints are *not* checked here).

    Example:
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> from datetime import date
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 1, 1))
        >>> o = JobOrderProfile(id=1, occupation="厨师", region_code="410923")
        >>> w = WorkerProfile(id=2, region_code="410923", skills=("厨师",))
        >>> score_terms(o, w, resolve_order(o, ctx), resolve_worker(w, ctx), ctx).breakdown["occupation"]
        1.0
    """
    cfg = ctx.scoring
    occ = ot.occupation
    # occupation
    fit, kind, related = code_fit(ot, wt, ctx)
    matched = [t for t in ot.skills if t in wt.experience]
    keyword_fit = len(matched) / len(ot.skills) if ot.skills else 0.0
    if kind != OCC_DIRECT and keyword_fit > 0.0 and keyword_fit >= fit:
        kind, related = OCC_KEYWORD, None
    occupation = max(fit, keyword_fit)
    # certificates
    held: str | None = None
    missing: str | None = None
    if ot.required:
        held_terms = [t for t in ot.required if t in wt.certificates]
        certificates = len(held_terms) / len(ot.required)
        held = held_terms[0] if held_terms else None
        missing = next((t for t in ot.required if t not in wt.certificates), None)
    elif ot.usual_certificates:
        held = next((t for t in ot.usual_certificates if t in wt.certificates), None)
        certificates = 1.0 if held is not None else cfg.not_required_missing
    else:
        certificates = 1.0
    # distance
    level = common_level_index(ctx.regions.path(worker.region_code), ctx.regions.path(order.region_code))
    distance = cfg.distance_vector[level]
    # wage
    bound = order_wage(order)
    expected = float(worker.expected_wage) if worker.expected_wage is not None else None
    if bound is None or expected is None:
        wage, wage_flag = 1.0, WAGE_UNKNOWN
    elif expected <= bound:
        wage, wage_flag = 1.0, WAGE_OK
    else:
        wage, wage_flag = max(0.0, 1.0 - (expected - bound) / bound), WAGE_BELOW
    # wish
    if not wt.wishes:
        wish, position = cfg.no_wish, NO_WISHES
    elif occ is not None and occ in wt.wishes:
        position = wt.wishes.index(occ)
        wish = cfg.wish_value(position)
    else:
        wish, position = 0.0, NOT_WISHED
    trained = occ is not None and occ in wt.training
    training = 1.0 if trained else 0.0
    priority = 1.0 if worker.poverty_registered else 0.0

    values = (occupation, certificates, distance, wage, wish, training, priority)
    total = 0.0
    for weight, value in zip(cfg.weight_vector, values, strict=True):
        total += weight * value
    score = total / cfg.total_weight
    evidence = Evidence(
        occupation=occ,
        occupation_kind=kind,
        keyword=matched[0] if matched else None,
        held=held,
        missing=missing,
        level=level,
        wish=position,
        wage=wage_flag,
        trained=trained,
        poverty=worker.poverty_registered,
        related=related,
        years=wt.years_in(occ),
        via=wt.note(occ) if kind == OCC_DIRECT else None,
    )
    return Match(
        job_order_id=order.id,
        worker_id=worker.id,
        score=score,
        breakdown=dict(zip(COMPONENTS, values, strict=True)),
        reasons=reasons(evidence, ctx.taxonomy),
    )


def score_pair(order: JobOrderProfile, worker: WorkerProfile, ctx: MatchContext) -> Match | None:
    """The v1 reference score of one pair, with breakdown and reasons; ``None`` when a hard constraint fails.

    The pair is scored whether or not the worker is relevant (:func:`is_relevant`); rankings only list relevant
    workers. ``rank`` is 0 (unranked).

    Example:
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> from datetime import date
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
        >>> o = JobOrderProfile(id=1, occupation="厨师", region_code="410923")
        >>> score_pair(o, WorkerProfile(id=2, region_code="410923", status="employed"), ctx) is None
        True
    """
    if check_constraints(order, worker, ctx) is not None:
        return None
    return score_terms(order, worker, resolve_order(order, ctx), resolve_worker(worker, ctx), ctx)


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A worker who fits an order but lacks a certificate it requires (差证): the match as if allowed, and the
    missing certificate terms in the order's order.

    Example:
        >>> NearMiss(Match(1, 2, 0.5), ("c:weld",)).missing
        ('c:weld',)
    """

    match: Match
    missing: tuple[str, ...]


def _top(
    matches: list[Match], k: int, *, by_worker: bool, years: dict[int, int] | None = None
) -> list[Match]:
    if by_worker:
        seniority = years or {}
        matches.sort(key=lambda m: (-m.score, -seniority.get(m.worker_id, 0), m.worker_id))
    else:
        matches.sort(key=lambda m: (-m.score, m.job_order_id))
    return [
        Match(m.job_order_id, m.worker_id, m.score, m.breakdown, m.reasons, rank)
        for rank, m in enumerate(matches[:k], start=1)
    ]


def reference_rank(
    order: JobOrderProfile,
    workers: Iterable[WorkerProfile],
    ctx: MatchContext,
    *,
    k: int | None = None,
    min_score: float | None = None,
) -> list[Match]:
    """The v1 ranking of ``workers`` for one order, pair by pair (slow; for tests and tiny data). ``k`` and
    ``min_score`` default to the scoring settings.

    Example:
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> from datetime import date
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
        >>> o = JobOrderProfile(id=1, occupation="厨师", region_code="410923")
        >>> ws = [WorkerProfile(id=i, region_code="410923", birth_date=date(1990, 1, 1), skills=("厨师",))
        ...       for i in (2, 1)]
        >>> [(m.worker_id, m.rank) for m in reference_rank(o, ws, ctx)]
        [(1, 1), (2, 2)]
    """
    return [m for m, _ in _reference_pairs(order, workers, ctx, k=k, min_score=min_score, certified=True)]


def reference_near_misses(
    order: JobOrderProfile,
    workers: Iterable[WorkerProfile],
    ctx: MatchContext,
    *,
    k: int | None = None,
    min_score: float | None = None,
) -> list[NearMiss]:
    """The relevant workers who pass the hard constraints but lack a required certificate (差证), ranked like
    :func:`reference_rank`, with the missing certificates (slow; for tests and tiny data).

    Example:
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> from datetime import date
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
        >>> o = JobOrderProfile(id=1, occupation="叉车司机", region_code="410923", certificates_required=("叉车证",))
        >>> w = WorkerProfile(id=2, region_code="410923", birth_date=date(1990, 1, 1), skills=("叉车司机",))
        >>> [(n.match.worker_id, n.missing) for n in reference_near_misses(o, [w], ctx)]
        [(2, ('t:叉车证',))]
    """
    required = resolve_order(order, ctx).required
    pairs = _reference_pairs(order, workers, ctx, k=k, min_score=min_score, certified=False)
    return [NearMiss(m, tuple(t for t in required if t not in wt.certificates)) for m, wt in pairs]


def _reference_pairs(
    order: JobOrderProfile,
    workers: Iterable[WorkerProfile],
    ctx: MatchContext,
    *,
    k: int | None,
    min_score: float | None,
    certified: bool,
) -> list[tuple[Match, WorkerTerms]]:
    cfg = ctx.scoring
    k = cfg.default_k if k is None else k
    floor = cfg.min_score if min_score is None else min_score
    ot = resolve_order(order, ctx)
    keys = ot.keys
    found: list[Match] = []
    terms: dict[int, WorkerTerms] = {}
    for worker in workers:
        wt = resolve_worker(worker, ctx)
        if keys.isdisjoint(wt.all_terms) or check_constraints(order, worker, ctx) is not None:
            continue
        if is_certified(ot, wt) != certified:
            continue
        match = score_terms(order, worker, ot, wt, ctx)
        if match.score >= floor:
            found.append(match)
            terms[worker.id] = wt
    years = {wid: wt.years_in(ot.occupation) for wid, wt in terms.items()}
    return [(m, terms[m.worker_id]) for m in _top(found, k, by_worker=True, years=years)]


def reference_recommend(
    worker: WorkerProfile,
    orders: Iterable[JobOrderProfile],
    ctx: MatchContext,
    *,
    k: int = 20,
    min_score: float | None = None,
) -> list[Match]:
    """The v1 ranking of ``orders`` for one worker (slow; for tests and tiny data): relevant, allowed orders
    scoring at least ``min_score``, by score descending then order id ascending.

    Example:
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> from datetime import date
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
        >>> w = WorkerProfile(id=1, region_code="410923", birth_date=date(1990, 1, 1), skills=("厨师",))
        >>> [m.job_order_id for m in reference_recommend(w, [JobOrderProfile(id=3, occupation="厨师",
        ...                                                                  region_code="410923")], ctx)]
        [3]
    """
    floor = ctx.scoring.min_score if min_score is None else min_score
    wt = resolve_worker(worker, ctx)
    terms = wt.all_terms
    found: list[Match] = []
    for order in orders:
        ot = resolve_order(order, ctx)
        if ot.keys.isdisjoint(terms) or check_constraints(order, worker, ctx) is not None:
            continue
        if not is_certified(ot, wt):
            continue
        match = score_terms(order, worker, ot, wt, ctx)
        if match.score >= floor:
            found.append(match)
    return _top(found, k, by_worker=False)
