"""The fast engine: ranking workers per job order and job orders per worker, vectorised over candidates.

Meaning is exactly that of :mod:`matcher.score` (same components, same float operations in the same order, so
scores are bit-for-bit equal); only the way of computing differs:

1. orders are grouped by their resolved terms (same occupation, skills and certificates); candidates of a group
   are the union of the posting lists of its key terms, cut to workers that are alive, seeking and of legal
   working age — never a loop over every worker;
2. the order-independent components (occupation, certificates, wish, training, priority) are computed once per
   group as arrays over the candidates; the order-dependent ones (distance and mobility from interned region
   keys, age limits, wage, public-welfare eligibility) as ``orders × candidates`` arrays;
3. the top k per order are picked with ``argpartition`` and sorted by score descending, then worker id
   ascending; breakdowns and reasons are built for those k only (reasons memoised on their evidence).

Example:
    >>> from datetime import date
    >>> from matcher.regions import RegionTree
    >>> from matcher.settings import ScoringConfig
    >>> from matcher.taxonomy import Taxonomy
    >>> from matcher import JobOrderProfile, MatchContext, WorkerProfile, build_worker_index
    >>> tax = Taxonomy.from_records([{"code": "W", "name_zh": "焊工", "synonyms": ["电焊工"]},
    ...                              {"code": "H", "name_zh": "美发师"}])
    >>> ctx = MatchContext(tax, RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
    >>> workers = [WorkerProfile(id=i, region_code="410923201001", birth_date=date(1990, 1, 1), skills=(s,))
    ...            for i, s in ((1, "美发"), (2, "电焊工"), (3, "焊工"))]
    >>> index = build_worker_index(workers, ctx)
    >>> [(m.worker_id, m.rank) for m in rank(index, JobOrderProfile(id=9, occupation="焊工",
    ...                                                               region_code="410923"))]
    [(2, 1), (3, 2)]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.explain import (
    NO_WISHES,
    NOT_WISHED,
    OCC_CATEGORY,
    OCC_DIRECT,
    OCC_KEYWORD,
    OCC_NONE,
    WAGE_BELOW,
    WAGE_OK,
    WAGE_UNKNOWN,
    Evidence,
    reasons,
)
from matcher.index import ORDER_NO_KEY, WORKER_NO_KEY, OrderIndex, WorkerIndex
from matcher.profile import OrderTerms, age_on, resolve_order, resolve_worker
from matcher.regions import TREE_LEVELS
from matcher.score import age_bounds, mobility_index, order_wage, score_terms
from matcher.settings import COMPONENTS
from matcher.types import MOBILITY_LEVELS, JobOrderProfile, Match, WorkerProfile

__all__ = ["rank", "rank_batch", "recommend"]

Rows = npt.NDArray[np.int32]
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

_NATIONAL = len(MOBILITY_LEVELS) - 1
_DEPTHS = len(TREE_LEVELS)
#: Largest ``orders × candidates`` block computed at once (keeps temporaries small and in cache).
_BLOCK = 1 << 18


def _member(postings: Rows | None, rows: Rows) -> Bools:
    """For each of ``rows``, whether it is in the sorted posting list."""
    if postings is None or postings.size == 0 or rows.size == 0:
        return np.zeros(rows.size, dtype=np.bool_)
    at = np.searchsorted(postings, rows)
    np.minimum(at, postings.size - 1, out=at)
    return np.asarray(postings[at] == rows)


@dataclass(frozen=True, slots=True)
class Group:
    """Arrays over the candidates of all orders sharing one occupation term ``occupation``.

    ``terms`` lists every key term of the group's orders; ``experience``/``certified``/``holds`` are
    ``(terms, candidates)`` masks: the candidate has the term in their experience / their certificates / any of
    their terms (``*_f``: the same as 0/1 floats, for matrix products). The other arrays are per candidate and
    depend only on the occupation, or copy the index's per-worker arrays for the candidates.
    """

    occupation: str | None
    cands: Rows
    terms: tuple[str, ...]
    experience: Bools
    certified: Bools
    experience_f: Floats
    certified_f: Floats
    holds_f: Floats
    age: npt.NDArray[np.int16]
    mobility: npt.NDArray[np.int8]
    welfare_ok: Bools
    wage: Floats
    code_fit: Floats
    code_kind: Ints
    usual_certificates: Floats
    usual_held: Ints
    wish: Floats
    position: Ints
    training: Floats
    trained: Bools
    priority: Floats


def _group(index: WorkerIndex, occupation: str | None, members: Sequence[OrderTerms]) -> Group:
    cfg = index.ctx.scoring
    terms = sorted({t for ot in members for t in ot.keys})
    lists = [index.post_any[t] for t in terms if t in index.post_any]
    if not lists:
        cands: Rows = np.zeros(0, dtype=np.int32)
    elif len(lists) == 1:
        cands = lists[0]
    else:
        cands = np.unique(np.concatenate(lists))
    cands = cands[index.eligible[cands]]
    n = cands.size
    occ = occupation

    def masks(postings: Mapping[str, Rows]) -> Bools:
        out = np.zeros((len(terms), n), dtype=np.bool_)
        for i, term in enumerate(terms):
            out[i] = _member(postings.get(term), cands)
        return out

    # occupation (code part)
    in_experience = _member(index.post_experience.get(occ) if occ is not None else None, cands)
    wish_post = index.post_wish.get(occ) if occ is not None else None
    if wish_post is not None and n:
        w_rows, w_pos, w_val = wish_post
        at = np.minimum(np.searchsorted(w_rows, cands), w_rows.size - 1)
        in_wishes = w_rows[at] == cands
        wish_value = np.where(in_wishes, w_val[at], 0.0)
        wish_position = np.where(in_wishes, w_pos[at], NOT_WISHED).astype(np.int64)
    else:
        in_wishes = np.zeros(n, dtype=np.bool_)
        wish_value = np.zeros(n, dtype=np.float64)
        wish_position = np.full(n, NOT_WISHED, dtype=np.int64)
    category = members[0].category
    in_category = _member(index.post_category.get(category) if category is not None else None, cands)
    code_fit = np.where(
        in_experience,
        1.0,
        np.where(in_wishes, cfg.wish_only_fit, np.where(in_category, cfg.same_category_fit, 0.0)),
    )
    code_kind = np.where(
        in_experience,
        OCC_DIRECT,
        np.where(in_wishes, OCC_NONE, np.where(in_category, OCC_CATEGORY, OCC_NONE)),
    )
    # certificates when the order requires none: the occupation's usual ones
    usual = next((ot.usual_certificates for ot in members if ot.usual_certificates), ())
    usual_held = np.full(n, -1, dtype=np.int64)
    for i, term in enumerate(usual):
        hit = _member(index.post_certificates.get(term), cands)
        usual_held[(usual_held < 0) & hit] = i
    usual_value = (
        np.where(usual_held >= 0, 1.0, cfg.not_required_missing) if usual else np.ones(n, dtype=np.float64)
    )
    has_wishes = index.has_wishes[cands]
    trained = _member(index.post_training.get(occ) if occ is not None else None, cands)
    experience = masks(index.post_experience)
    certified = masks(index.post_certificates)
    return Group(
        occupation=occ,
        cands=cands,
        terms=tuple(terms),
        experience=experience,
        certified=certified,
        experience_f=experience.astype(np.float64),
        certified_f=certified.astype(np.float64),
        holds_f=masks(index.post_any).astype(np.float64),
        age=index.age[cands],
        mobility=index.mobility[cands],
        welfare_ok=index.welfare_ok[cands],
        wage=index.wage[cands],
        code_fit=code_fit,
        code_kind=code_kind.astype(np.int64),
        usual_certificates=usual_value,
        usual_held=usual_held,
        wish=np.where(has_wishes, wish_value, cfg.no_wish),
        position=np.where(has_wishes, wish_position, NO_WISHES).astype(np.int64),
        training=trained.astype(np.float64),
        trained=trained,
        priority=index.poverty[cands].astype(np.float64),
    )


@dataclass(frozen=True, slots=True)
class Block:
    """The allowed (relevant and passing the hard constraints) pairs of some orders of a group, as flat arrays
    ordered by order then candidate: entry ``i`` pairs ``orders[order[i]]`` with candidate ``cand[i]`` (an index
    into ``group.cands``); entries of order ``j`` are ``starts[j]:starts[j + 1]``. The score floor is applied by
    the caller."""

    orders: Sequence[JobOrderProfile]
    terms: Sequence[OrderTerms]
    starts: Ints
    order: Ints
    cand: Ints
    occupation: Floats
    certificates: Floats
    distance: Floats
    wage: Floats
    wish: Floats
    training: Floats
    priority: Floats
    score: Floats
    kind: Ints
    level: npt.NDArray[np.int8]
    wage_flag: npt.NDArray[np.int8]


def _order_keys(index: WorkerIndex, orders: Sequence[JobOrderProfile]) -> npt.NDArray[np.int32]:
    keys = np.full((len(orders), _DEPTHS), ORDER_NO_KEY, dtype=np.int32)
    paths = index.ctx.regions.path
    for j, order in enumerate(orders):
        for depth, key in enumerate(paths(order.region_code)):
            if key is not None:
                keys[j, depth] = index.region_keys.get(key, ORDER_NO_KEY)
    return keys


def levels(index: WorkerIndex, rows: Rows, orders: Sequence[JobOrderProfile]) -> npt.NDArray[np.int8]:
    """Closest shared region level (index into ``MOBILITY_LEVELS``) of each order and worker row, shape
    ``(orders, rows)``."""
    keys = _order_keys(index, orders)
    region = index.region[:, rows]
    level = np.full((len(orders), rows.size), _NATIONAL, dtype=np.int8)
    same = np.ones((len(orders), rows.size), dtype=np.bool_)
    for depth in range(_DEPTHS):
        same &= region[depth][None, :] == keys[:, depth][:, None]
        level[same] = _DEPTHS - 1 - depth
    return level


def _selector(group: Group, lists: Sequence[Sequence[str]]) -> tuple[Floats, Floats]:
    """A ``(orders, group terms)`` 0/1 matrix selecting each order's listed terms, and the list sizes."""
    position = {t: i for i, t in enumerate(group.terms)}
    pick = np.zeros((len(lists), len(group.terms)), dtype=np.float64)
    for j, listed in enumerate(lists):
        pick[j, [position[t] for t in listed]] = 1.0
    return pick, np.array([float(len(x)) for x in lists], dtype=np.float64)


def _block(
    index: WorkerIndex, group: Group, orders: Sequence[JobOrderProfile], terms: Sequence[OrderTerms]
) -> Block:
    ctx = index.ctx
    cfg = ctx.scoring
    cands = group.cands
    g = len(orders)
    # hard constraints and relevance on the (orders × candidates) grid, in small dtypes
    keys, _ = _selector(group, [sorted(ot.keys) for ot in terms])
    allowed = (keys @ group.holds_f) > 0.0
    level = levels(index, cands, orders)
    allowed &= level <= group.mobility[None, :]
    bounds = np.array([age_bounds(order, ctx) for order in orders], dtype=np.int16).reshape(g, 2)
    allowed &= (group.age[None, :] >= bounds[:, :1]) & (group.age[None, :] <= bounds[:, 1:])
    welfare = np.array([o.public_welfare for o in orders], dtype=np.bool_)
    if welfare.any():
        allowed &= ~welfare[:, None] | group.welfare_ok[None, :]
    order_of, cand = np.nonzero(allowed)
    order_of = order_of.astype(np.int64)
    cand = cand.astype(np.int64)
    starts = np.searchsorted(order_of, np.arange(g + 1))
    # components of the allowed pairs only
    skills, n_skills = _selector(group, [ot.skills for ot in terms])
    code_fit = group.code_fit[cand]
    if n_skills.any():
        counts = (skills @ group.experience_f)[order_of, cand]
        n = n_skills[order_of]
        with np.errstate(invalid="ignore", divide="ignore"):
            keyword_fit = np.where(n > 0, counts / n, 0.0)
    else:
        keyword_fit = np.zeros(cand.size, dtype=np.float64)
    occupation = np.maximum(code_fit, keyword_fit)
    base_kind = group.code_kind[cand]
    kind = np.where(
        (base_kind != OCC_DIRECT) & (keyword_fit > 0.0) & (keyword_fit >= code_fit), OCC_KEYWORD, base_kind
    )
    required, n_required = _selector(group, [ot.required for ot in terms])
    if n_required.any():
        counts = (required @ group.certified_f)[order_of, cand]
        n = n_required[order_of]
        with np.errstate(invalid="ignore", divide="ignore"):
            certificates = np.where(n > 0, counts / n, group.usual_certificates[cand])
    else:
        certificates = group.usual_certificates[cand]
    pair_level = level[order_of, cand]
    distance = np.asarray(cfg.distance_vector, dtype=np.float64)[pair_level]
    bound = np.array([np.nan if (m := order_wage(o)) is None else m for o in orders], dtype=np.float64)[
        order_of
    ]
    expected = group.wage[cand]
    unknown = np.isnan(bound) | np.isnan(expected)
    within = expected <= bound
    with np.errstate(invalid="ignore", divide="ignore"):
        wage = np.where(unknown | within, 1.0, np.maximum(0.0, 1.0 - (expected - bound) / bound))
    wage_flag = np.where(unknown, WAGE_UNKNOWN, np.where(within, WAGE_OK, WAGE_BELOW)).astype(np.int8)
    wish = group.wish[cand]
    training = group.training[cand]
    priority = group.priority[cand]
    # weighted sum, in COMPONENTS order, exactly as matcher.score does it
    w = cfg.weight_vector
    score = w[0] * occupation
    score = score + w[1] * certificates
    score = score + w[2] * distance
    score = score + w[3] * wage
    score = score + w[4] * wish
    score = score + w[5] * training
    score = score + w[6] * priority
    score = score / cfg.total_weight
    return Block(
        orders=orders,
        terms=terms,
        starts=starts.astype(np.int64),
        order=order_of,
        cand=cand,
        occupation=occupation,
        certificates=certificates,
        distance=distance,
        wage=wage,
        wish=wish,
        training=training,
        priority=priority,
        score=score,
        kind=kind.astype(np.int64),
        level=pair_level,
        wage_flag=wage_flag,
    )


def blocks(index: WorkerIndex, orders: Iterable[JobOrderProfile]) -> Iterator[tuple[Group, Block]]:
    """Scored blocks of orders, grouped by occupation term (groups in first-seen order)."""
    groups: dict[str | None, list[tuple[JobOrderProfile, OrderTerms]]] = {}
    for order in orders:
        ot = resolve_order(order, index.ctx)
        groups.setdefault(ot.occupation, []).append((order, ot))
    for occupation, members in groups.items():
        group = _group(index, occupation, [ot for _, ot in members])
        step = max(1, _BLOCK // max(1, group.cands.size))
        for start in range(0, len(members), step):
            part = members[start : start + step]
            yield group, _block(index, group, [o for o, _ in part], [ot for _, ot in part])


def _top(scores: Floats, ids: Ints, k: int) -> Ints:
    """Positions of the best ``k`` entries: score descending, then id ascending."""
    valid = np.arange(scores.size)
    if valid.size > k:
        cut = scores[np.argpartition(-scores, k - 1)[:k]].min()
        above = valid[scores > cut]
        ties = valid[scores == cut]
        need = k - above.size
        if ties.size > need:
            ties = ties[np.argsort(ids[ties], kind="stable")[:need]]
        valid = np.concatenate([above, ties])
    return valid[np.lexsort((ids[valid], -scores[valid]))]


def _first(group: Group, masks: Bools, listed: Sequence[str], cands: Ints, *, want: bool = True) -> Ints:
    """For each candidate, the position in ``listed`` of the first term whose mask is ``want`` (−1: none)."""
    if not listed or cands.size == 0:
        return np.full(cands.size, -1, dtype=np.int64)
    position = {t: i for i, t in enumerate(group.terms)}
    rows = masks[[position[t] for t in listed]][:, cands] == want
    return np.where(rows.any(axis=0), np.argmax(rows, axis=0), -1).astype(np.int64)


#: Reasons by (order terms id, evidence as small ints); see :func:`_matches`.
Memo = dict[tuple[int, ...], tuple[str, ...]]


def _matches(
    index: WorkerIndex,
    group: Group,
    block: Block,
    picked: Ints,
    memo: Memo,
    contexts: dict[OrderTerms, int],
    j: int,
) -> list[Match]:
    """Matches for entries ``picked`` of the block (all of order ``j``), in that order, ranked from 1.

    Reasons are memoised across orders with the same resolved terms (``contexts`` numbers them).
    """
    ot = block.terms[j]
    context = contexts.setdefault(ot, len(contexts))
    cands = block.cand[picked]
    rows = group.cands[cands]
    keyword = _first(group, group.experience, ot.skills, cands)
    if ot.required:
        held = _first(group, group.certified, ot.required, cands)
        missing = _first(group, group.certified, ot.required, cands, want=False)
        certs = ot.required
    else:
        held = group.usual_held[cands]
        missing = np.full(cands.size, -1, dtype=np.int64)
        certs = ot.usual_certificates
    fields = (
        block.kind[picked],
        keyword + 1,
        held + 1,
        missing + 1,
        block.level[picked],
        group.position[cands] + 2,
        block.wage_flag[picked],
        group.trained[cands],
        index.poverty[rows],
    )
    taxonomy = index.ctx.taxonomy
    occupation = ot.occupation
    skills, required = ot.skills, ot.required
    order_id = block.orders[j].id
    values = zip(
        block.occupation[picked].tolist(),
        block.certificates[picked].tolist(),
        block.distance[picked].tolist(),
        block.wage[picked].tolist(),
        block.wish[picked].tolist(),
        block.training[picked].tolist(),
        block.priority[picked].tolist(),
        strict=True,
    )
    out: list[Match] = []
    for r, (
        worker_id,
        score,
        (o, c, d, wg, ws, t, p),
        (kind, kw, h, m, level, position, wage, trained, poor),
    ) in enumerate(
        zip(
            index.ids[rows].tolist(),
            block.score[picked].tolist(),
            values,
            zip(*(f.tolist() for f in fields), strict=True),
            strict=True,
        ),
        start=1,
    ):
        key = (context, kind, kw, h, m, level, position, wage, trained, poor)
        words = memo.get(key)
        if words is None:
            ev = Evidence(
                occupation,
                kind,
                skills[kw - 1] if kw > 0 else None,
                certs[h - 1] if h > 0 else None,
                required[m - 1] if m > 0 else None,
                level,
                position - 2,
                wage,
                trained,
                poor,
            )
            words = memo[key] = reasons(ev, taxonomy)
        breakdown = {
            "occupation": o,
            "certificates": c,
            "distance": d,
            "wage": wg,
            "wish": ws,
            "training": t,
            "priority": p,
        }
        out.append(Match(order_id, worker_id, score, breakdown, words, r))
    return out


def rank_batch(
    index: WorkerIndex,
    orders: Iterable[JobOrderProfile],
    *,
    k: int | None = None,
    min_score: float | None = None,
) -> dict[int, list[Match]]:
    """The best ``k`` workers for each job order, ``{order_id: [Match, …]}`` with rank 1 = best.

    Only relevant workers (see :func:`matcher.is_relevant`) that pass the hard constraints and score at least
    ``min_score`` are listed, by score descending then worker id ascending. ``k`` and ``min_score`` default
    to the scoring settings (50 and 0.2). Order ids must be unique.

    Example:
        >>> from datetime import date
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> from matcher import JobOrderProfile, MatchContext, WorkerProfile, build_worker_index
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
        >>> index = build_worker_index([WorkerProfile(id=1, region_code="410923", birth_date=date(1990, 1, 1),
        ...                                          skills=("厨师",))], ctx)
        >>> out = rank_batch(index, [JobOrderProfile(id=5, occupation="厨师", region_code="410923"),
        ...                          JobOrderProfile(id=6, occupation="保安", region_code="410923")])
        >>> {order_id: [m.worker_id for m in ms] for order_id, ms in out.items()}
        {5: [1], 6: []}
    """
    cfg = index.ctx.scoring
    k = cfg.default_k if k is None else k
    if k < 0:
        raise ValueError("k must be ≥ 0")
    floor = cfg.min_score if min_score is None else min_score
    order_list = list(orders)
    result: dict[int, list[Match]] = {}
    for order in order_list:
        if order.id in result:
            raise ValueError(f"duplicate job order id {order.id}")
        result[order.id] = []
    if k == 0:
        return result
    memo: Memo = {}
    contexts: dict[OrderTerms, int] = {}
    for group, block in blocks(index, order_list):
        keep = np.flatnonzero(block.score >= floor)
        if keep.size == 0:
            continue
        ids = index.ids[group.cands[block.cand[keep]]]
        scores = block.score[keep]
        bounds = np.searchsorted(block.order[keep], np.arange(len(block.orders) + 1))
        for j, order in enumerate(block.orders):
            lo, hi = int(bounds[j]), int(bounds[j + 1])
            if lo == hi:
                continue
            chosen = _top(scores[lo:hi], ids[lo:hi], k) + lo
            result[order.id] = _matches(index, group, block, keep[chosen], memo, contexts, j)
    return result


def rank(
    index: WorkerIndex, order: JobOrderProfile, *, k: int | None = None, min_score: float | None = None
) -> list[Match]:
    """The best ``k`` workers for one job order (rank 1 = best); see :func:`rank_batch`.

    Example:
        >>> from datetime import date
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> from matcher import JobOrderProfile, MatchContext, WorkerProfile, build_worker_index
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
        >>> index = build_worker_index([WorkerProfile(id=1, region_code="410923", birth_date=date(1990, 1, 1),
        ...                                          skills=("厨师",))], ctx)
        >>> rank(index, JobOrderProfile(id=5, occupation="厨师", region_code="410923"))[0].reasons
        ('工种对口：厨师', '本县就业')
    """
    return rank_batch(index, [order], k=k, min_score=min_score)[order.id]


# -- worker side -------------------------------------------------------------------------------------------------


def _segment_counts(ptr: Ints, idx: Rows, indicator: Bools, rows: Rows) -> Floats:
    """For each order row, how many of its listed term ids are set in ``indicator``."""
    if idx.size == 0:
        return np.zeros(rows.size, dtype=np.float64)
    cum: Ints = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(indicator[idx], dtype=np.int64)])
    counts: Ints = cum[ptr[rows + 1]] - cum[ptr[rows]]
    return counts.astype(np.float64)


def recommend(
    index: OrderIndex, worker: WorkerProfile, *, k: int = 20, min_score: float | None = None
) -> list[Match]:
    """The best ``k`` job orders for one worker (rank 1 = best): relevant orders whose hard constraints the worker
    passes, scoring at least ``min_score`` (default from the settings), by score descending then order id
    ascending. Scores equal those of :func:`matcher.score_pair`.

    Example:
        >>> from datetime import date
        >>> from matcher.index import build_order_index
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> from matcher import JobOrderProfile, MatchContext, WorkerProfile, build_worker_index
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
        >>> index = build_order_index([JobOrderProfile(id=5, occupation="厨师", region_code="410923"),
        ...                            JobOrderProfile(id=6, occupation="厨师", region_code="320500")], ctx)
        >>> w = WorkerProfile(id=1, region_code="410923", birth_date=date(1990, 1, 1), skills=("厨师",))
        >>> [m.job_order_id for m in recommend(index, w)]
        [5]
    """
    ctx = index.ctx
    cfg = ctx.scoring
    floor = cfg.min_score if min_score is None else min_score
    age = age_on(worker.birth_date, ctx.today)
    mobility = mobility_index(worker.mobility)
    if (
        worker.status != "seeking"
        or age is None
        or not cfg.min_working_age <= age <= cfg.max_working_age
        or k <= 0
    ):
        return []
    wt = resolve_worker(worker, ctx)
    lists = [index.post_key[t] for t in wt.all_terms if t in index.post_key]
    if not lists:
        return []
    rows: Rows = np.unique(np.concatenate(lists)) if len(lists) > 1 else lists[0]
    rows = rows[index.alive[rows]]
    # hard constraints
    keys = np.full(_DEPTHS, WORKER_NO_KEY, dtype=np.int32)
    for depth, key in enumerate(ctx.regions.path(worker.region_code)):
        if key is not None:
            keys[depth] = index.region_keys.get(key, WORKER_NO_KEY)
    region = index.region[rows]
    level = np.full(rows.size, _NATIONAL, dtype=np.int8)
    same = np.ones(rows.size, dtype=np.bool_)
    for depth in range(_DEPTHS):
        same &= region[:, depth] == keys[depth]
        level[same] = _DEPTHS - 1 - depth
    allowed = (level <= mobility) & (index.low[rows] <= age) & (age <= index.high[rows])
    if not (worker.poverty_registered or worker.disability):
        allowed &= ~index.public_welfare[rows]
    rows, level = rows[allowed], level[allowed]
    n = rows.size
    if n == 0:
        return []
    # term indicators over the index's term ids
    size = len(index.term_ids)

    def indicator(terms: Iterable[str]) -> Bools:
        out = np.zeros(size, dtype=np.bool_)
        ids = [index.term_ids[t] for t in terms if t in index.term_ids]
        out[ids] = True
        return out

    experience = indicator(wt.experience)
    certs = indicator(wt.certificates)
    trained_terms = indicator(wt.training)
    occ = index.occupation[rows]
    has_occ = occ >= 0
    safe_occ = np.where(has_occ, occ, 0)
    in_experience = has_occ & experience[safe_occ]
    wish_position = np.full(n, NOT_WISHED, dtype=np.int64)
    wish_value = np.zeros(n, dtype=np.float64)
    for position, term in enumerate(wt.wishes):
        term_id = index.term_ids.get(term)
        if term_id is None:
            continue
        hit = (occ == term_id) & (wish_position == NOT_WISHED)
        wish_position[hit] = position
        wish_value[hit] = cfg.wish_value(position)
    in_wishes = wish_position >= 0
    category_ids = [index.category_ids[c] for c in wt.categories if c in index.category_ids]
    in_category = np.isin(index.category[rows], category_ids) & (index.category[rows] >= 0)
    code_fit = np.where(
        in_experience,
        1.0,
        np.where(in_wishes, cfg.wish_only_fit, np.where(in_category, cfg.same_category_fit, 0.0)),
    )
    k_ptr, k_idx = index.skills
    k_size = (k_ptr[rows + 1] - k_ptr[rows]).astype(np.float64)
    k_count = _segment_counts(k_ptr, k_idx, experience, rows)
    with np.errstate(invalid="ignore", divide="ignore"):
        keyword_fit = np.where(k_size > 0, k_count / k_size, 0.0)
    occupation = np.maximum(code_fit, keyword_fit)
    r_ptr, r_idx = index.required
    r_size = (r_ptr[rows + 1] - r_ptr[rows]).astype(np.float64)
    r_count = _segment_counts(r_ptr, r_idx, certs, rows)
    d_ptr, d_idx = index.usual
    d_size = d_ptr[rows + 1] - d_ptr[rows]
    d_count = _segment_counts(d_ptr, d_idx, certs, rows)
    with np.errstate(invalid="ignore", divide="ignore"):
        certificates = np.where(
            r_size > 0,
            r_count / r_size,
            np.where(d_size > 0, np.where(d_count > 0, 1.0, cfg.not_required_missing), 1.0),
        )
    distance = np.asarray(cfg.distance_vector, dtype=np.float64)[level]
    bound = index.wage[rows]
    expected = np.nan if worker.expected_wage is None else float(worker.expected_wage)
    with np.errstate(invalid="ignore", divide="ignore"):
        wage = np.where(
            np.isnan(bound) | np.isnan(expected) | (expected <= bound),
            1.0,
            np.maximum(0.0, 1.0 - (expected - bound) / bound),
        )
    wish = np.where(in_wishes, wish_value, 0.0) if wt.wishes else np.full(n, cfg.no_wish)
    training = (has_occ & trained_terms[safe_occ]).astype(np.float64)
    priority = np.full(n, 1.0 if worker.poverty_registered else 0.0)
    w = cfg.weight_vector
    score = w[0] * occupation
    score = score + w[1] * certificates
    score = score + w[2] * distance
    score = score + w[3] * wage
    score = score + w[4] * wish
    score = score + w[5] * training
    score = score + w[6] * priority
    score = score / cfg.total_weight
    score = np.where(score >= floor, score, -np.inf)
    ids = index.ids[rows]
    chosen = _top(score, ids, k)
    out: list[Match] = []
    for r, i in enumerate(chosen.tolist()):
        row = int(rows[i])
        order = index.profiles[row]
        words = score_terms(order, worker, index.terms[row], wt, ctx).reasons
        values = (occupation[i], certificates[i], distance[i], wage[i], wish[i], training[i], priority[i])
        out.append(
            Match(
                job_order_id=order.id,
                worker_id=worker.id,
                score=float(score[i]),
                breakdown={c: float(v) for c, v in zip(COMPONENTS, values, strict=True)},
                reasons=words,
                rank=r + 1,
            )
        )
    return out
