"""The fast engine: ranking workers per job order and job orders per worker, vectorised over candidates.

Meaning is exactly that of :mod:`matcher.score` (same components, same float operations in the same order, so
scores are bit-for-bit equal); only the way of computing differs:

1. orders are grouped by occupation; a group's candidates are the union of the posting lists of its orders'
   key terms (occupation, skills, required certificates), cut to workers that are alive, seeking and of legal
   working age — never a loop over every worker. Which of the group's terms each candidate has is packed into
   64-bit sets, so relevance and skill/certificate overlaps per order are a few bitwise operations;
2. hard constraints (relevance, mobility against the closest shared region level from interned keys, age
   limits, public-welfare eligibility) are evaluated on the ``orders × candidates`` grid in small dtypes; the
   components and the score are then computed for the allowed pairs only, as flat arrays;
3. the top k per order are picked with ``np.partition`` and sorted by score descending, then worker id
   ascending; breakdowns and reasons are built for those k only (reasons memoised on their evidence). The
   cyclic garbage collector is paused while the matches are created (they hold no cycles).

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

import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt

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
    reasons,
)
from matcher.index import ORDER_NO_KEY, WORKER_NO_KEY, OrderIndex, WorkerIndex
from matcher.profile import OrderTerms, age_on, resolve_order, resolve_worker
from matcher.regions import TREE_LEVELS
from matcher.score import NearMiss, age_bounds, mobility_index, order_wage, score_terms
from matcher.score import code_fit as code_fit_of
from matcher.settings import COMPONENTS
from matcher.taxonomy import Taxonomy
from matcher.types import MOBILITY_LEVELS, JobOrderProfile, Match, WorkerProfile

__all__ = ["near_misses", "near_misses_batch", "rank", "rank_batch", "recommend"]

Rows = npt.NDArray[np.int32]
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

_NATIONAL = len(MOBILITY_LEVELS) - 1
_DEPTHS = len(TREE_LEVELS)
#: Reasons kept in an index's memo before it starts afresh (each is a short tuple of shared strings).
_MEMO_LIMIT = 200_000
#: Largest ``orders × candidates`` block computed at once (keeps temporaries small and in cache).
_BLOCK = 1 << 17


class _Membership:
    """For a fixed set of rows, which of them are in a posting list: by binary search when the list is long
    compared with the rows, else by marking the list in a scratch mask (reset after each use)."""

    def __init__(self, size: int, rows: Rows) -> None:
        self.rows = rows
        self.scratch = np.zeros(size, dtype=np.bool_)

    def __call__(self, postings: Rows | None) -> Bools:
        rows = self.rows
        if postings is None or postings.size == 0 or rows.size == 0:
            return np.zeros(rows.size, dtype=np.bool_)
        if postings.size > 4 * rows.size:
            at = np.searchsorted(postings, rows)
            np.minimum(at, postings.size - 1, out=at)
            return np.asarray(postings[at] == rows)
        self.scratch[postings] = True
        found = self.scratch[rows]
        self.scratch[postings] = False
        return found


@dataclass(frozen=True, slots=True)
class Group:
    """Arrays over the candidates of all orders sharing one occupation term ``occupation``.

    ``terms`` lists every key term of the group's orders; ``experience``/``certified`` are ``(terms,
    candidates)`` masks: the candidate has the term in their experience / their certificates (filled in for the
    terms some order lists as a skill / requires as a certificate). The same sets, and "any of their terms"
    (``holds``), are also packed as bits: ``*_bits[w, c]`` holds terms ``64w … 64w + 63``.
    The other arrays are per candidate and depend only on the occupation, or copy the index's per-worker arrays
    for the candidates.
    """

    occupation: str | None
    cands: Rows
    terms: tuple[str, ...]
    experience: Bools
    certified: Bools
    experience_bits: npt.NDArray[np.uint64]
    certified_bits: npt.NDArray[np.uint64]
    holds_bits: npt.NDArray[np.uint64]
    age: npt.NDArray[np.int16]
    mobility: npt.NDArray[np.int8]
    welfare_ok: Bools
    code_fit: Floats
    code_kind: Ints
    related_at: Ints  # index into ``related`` of the related occupation that carried the fit, else −1
    related: tuple[str, ...]
    years: Ints  # years of experience in the group's occupation
    noted: Bools  # the candidate typed the group's occupation with a typo (the reasons say how it was read)
    usual_certificates: Floats
    usual_held: Ints
    wish: Floats
    position: Ints
    training: Floats
    trained: Bools
    priority: Floats
    poverty: Bools
    position_of: Mapping[str, int]  # group term → its index in ``terms``
    expected_wage: Floats  # expected wage, -inf when unknown
    provinces: frozenset[int]  # interned province keys of the candidates' homes
    national: Ints  # candidates who will work anywhere (the only ones a far order can take)
    weighted_usual_certificates: Floats  # weight × usual_certificates
    weighted_rest: tuple[Floats, Floats, Floats]  # weight × wish, training, priority


def _pack(masks: Bools) -> npt.NDArray[np.uint64]:
    """``(terms, n)`` booleans → ``(words, n)`` bit sets, term ``i`` at bit ``i % 64`` of word ``i // 64``."""
    words = max(1, -(-masks.shape[0] // 64))
    out = np.zeros((words, masks.shape[1]), dtype=np.uint64)
    for i in range(masks.shape[0]):
        out[i // 64] |= masks[i].astype(np.uint64) << np.uint64(i % 64)
    return out


def _group(index: WorkerIndex, occupation: str | None, members: Sequence[OrderTerms]) -> Group:
    cfg = index.ctx.scoring
    keys = {t for ot in members for t in ot.keys}
    terms = sorted(keys | {t for ot in members for t in ot.required})
    lists = [index.post_any[t] for t in sorted(keys) if t in index.post_any]
    if not lists:
        cands: Rows = np.zeros(0, dtype=np.int32)
    elif len(lists) == 1:
        cands = lists[0][index.eligible[lists[0]]]
    else:
        mark = np.zeros(index.eligible.size, dtype=np.bool_)
        for postings in lists:
            mark[postings] = True
        cands = np.flatnonzero(mark & index.eligible).astype(np.int32)
    n = cands.size
    occ = occupation
    member = _Membership(index.eligible.size, cands)

    def masks(postings: Mapping[str, Rows], wanted: Iterable[str] | None = None) -> Bools:
        """Rows for the group's terms (only the ``wanted`` ones filled in; the others are never read)."""
        out = np.zeros((len(terms), n), dtype=np.bool_)
        chosen = set(terms if wanted is None else wanted)
        for i, term in enumerate(terms):
            if term in chosen:
                out[i] = member(postings.get(term))
        return out

    # occupation (code part)
    in_experience = member(index.post_experience.get(occ) if occ is not None else None)
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
    in_category = member(index.post_category.get(category) if category is not None else None)
    trained = member(index.post_training.get(occ) if occ is not None else None)
    # the code fit, as matcher.score.code_fit: the first largest of related, wish, course, category; 1 for experience
    related = members[0].related
    fit = np.zeros(n, dtype=np.float64)
    code_kind = np.full(n, OCC_NONE, dtype=np.int64)
    related_at = np.full(n, -1, dtype=np.int64)
    for i, (term, similarity) in enumerate(related):
        better = member(index.post_experience.get(term)) & (similarity > fit)
        fit[better], code_kind[better], related_at[better] = similarity, OCC_RELATED, i
    for present, value, what in (
        (in_wishes, cfg.wish_only_fit, OCC_NONE),
        (trained, cfg.trained_fit, OCC_TRAINED),
        (in_category, cfg.same_category_fit, OCC_CATEGORY),
    ):
        better = present & (value > fit)
        fit[better], code_kind[better], related_at[better] = value, what, -1
    code_fit = np.where(in_experience, 1.0, fit)
    code_kind = np.where(in_experience, OCC_DIRECT, code_kind)
    related_at = np.where(in_experience, -1, related_at)
    years = np.zeros(n, dtype=np.int64)
    year_post = index.post_years.get(occ) if occ is not None else None
    if year_post is not None and n:
        y_rows, y_count = year_post
        at_year = np.minimum(np.searchsorted(y_rows, cands), y_rows.size - 1)
        years = np.where(y_rows[at_year] == cands, y_count[at_year], 0).astype(np.int64)
    # certificates when the order requires none: the occupation's usual ones
    usual = next((ot.usual_certificates for ot in members if ot.usual_certificates), ())
    usual_held = np.full(n, -1, dtype=np.int64)
    for i, term in enumerate(usual):
        hit = member(index.post_certificates.get(term))
        usual_held[(usual_held < 0) & hit] = i
    usual_value = (
        np.where(usual_held >= 0, 1.0, cfg.not_required_missing) if usual else np.ones(n, dtype=np.float64)
    )
    has_wishes = index.has_wishes[cands]
    wish = np.where(has_wishes, wish_value, cfg.no_wish)
    training = trained.astype(np.float64)
    priority = index.poverty[cands].astype(np.float64)
    w = cfg.weight_vector
    experience = masks(index.post_experience, (t for ot in members for t in ot.skills))
    certified = masks(index.post_certificates, (t for ot in members for t in ot.required))
    return Group(
        occupation=occ,
        cands=cands,
        terms=tuple(terms),
        experience=experience,
        certified=certified,
        experience_bits=_pack(experience),
        certified_bits=_pack(certified),
        holds_bits=_pack(masks(index.post_any)),
        age=index.age[cands],
        mobility=index.mobility[cands],
        welfare_ok=index.welfare_ok[cands],
        code_fit=code_fit,
        code_kind=code_kind.astype(np.int64),
        related_at=related_at,
        related=tuple(t for t, _ in related),
        years=years,
        noted=member(index.post_noted.get(occ) if occ is not None else None),
        usual_certificates=usual_value,
        usual_held=usual_held,
        wish=wish,
        position=np.where(has_wishes, wish_position, NO_WISHES).astype(np.int64),
        training=training,
        trained=trained,
        priority=priority,
        poverty=index.poverty[cands],
        position_of={t: i for i, t in enumerate(terms)},
        expected_wage=np.nan_to_num(index.wage[cands], nan=-np.inf),
        provinces=frozenset(np.unique(index.region[0, cands]).tolist()),
        national=np.flatnonzero(index.mobility[cands] == _NATIONAL),
        weighted_usual_certificates=np.multiply(usual_value, w[1]),
        weighted_rest=(np.multiply(wish, w[4]), np.multiply(training, w[5]), np.multiply(priority, w[6])),
    )


@dataclass(frozen=True, slots=True)
class Block:
    """The allowed (relevant and passing the hard constraints) pairs of some orders of a group, as flat arrays
    ordered by order then candidate: entry ``i`` pairs ``orders[order[i]]`` with candidate ``cand[i]`` (an index
    into ``group.cands``); entries of order ``j`` are ``starts[j]:starts[j + 1]``. Only what the score needs is
    kept per pair; :meth:`components` rebuilds all seven for chosen entries. The score floor is applied by the
    caller."""

    orders: Sequence[JobOrderProfile]
    terms: Sequence[OrderTerms]
    starts: Ints
    order: Ints
    cand: Ints
    occupation: Floats
    keyword_fit: Floats
    certificates: Floats
    level: npt.NDArray[np.int8]
    wage: Floats
    score: Floats
    complete: Bools  # the worker holds every certificate the order requires

    def components(self, group: Group, distances: Floats, entries: Ints | slice) -> tuple[Floats, ...]:
        """The seven component arrays (``COMPONENTS`` order) of ``entries``; ``distances`` is the settings'
        distance table by level."""
        cand = self.cand[entries]
        return (
            self.occupation[entries],
            self.certificates[entries],
            distances[self.level[entries]],
            self.wage[entries],
            group.wish[cand],
            group.training[cand],
            group.priority[cand],
        )


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
    shared = np.zeros((len(orders), rows.size), dtype=np.int8)  # leading levels with equal keys
    same = np.ones((len(orders), rows.size), dtype=np.bool_)
    for depth in range(_DEPTHS):
        same &= region[depth][None, :] == keys[:, depth][:, None]
        shared += same
    return np.subtract(_NATIONAL, shared, dtype=np.int8)


def _selector(group: Group, lists: Sequence[Iterable[str]]) -> tuple[npt.NDArray[np.uint64], Floats]:
    """Each order's listed terms as ``(orders, words)`` bit sets over the group's terms, and the list sizes."""
    position = group.position_of
    words = max(1, -(-len(group.terms) // 64))
    bits = np.zeros((len(lists), words), dtype=np.uint64)
    sizes = np.zeros(len(lists), dtype=np.float64)
    for j, listed in enumerate(lists):
        for term in listed:
            i = position[term]
            bits[j, i // 64] |= np.uint64(1 << (i % 64))
            sizes[j] += 1.0
    return bits, sizes


def _overlap(
    sets: npt.NDArray[np.uint64], wanted: npt.NDArray[np.uint64], order_of: Ints, cand: Ints
) -> Floats:
    """For each (order, candidate) pair, how many of the order's wanted terms the candidate's set has."""
    count = np.zeros(cand.size, dtype=np.int64)
    for w in range(sets.shape[0]):
        count += np.bitwise_count(sets[w][cand] & wanted[order_of, w])
    return count.astype(np.float64)


def _block(
    index: WorkerIndex,
    group: Group,
    orders: Sequence[JobOrderProfile],
    terms: Sequence[OrderTerms],
    *,
    far: bool,
    certified: bool | None,
) -> Block:
    """Score ``orders`` of ``group``. ``far`` orders lie in a province where no candidate lives: the closest
    shared level is "national" for everyone, so only candidates who will go anywhere are looked at. ``certified``
    keeps only the pairs in which the worker holds every required certificate (``True``), only those in which
    one is missing (``False``), or all (``None``)."""
    ctx = index.ctx
    cfg = ctx.scoring
    g = len(orders)
    # hard constraints and relevance on the (orders × candidates) grid, in small dtypes
    at: Ints | slice = group.national if far else slice(None)
    holds, age, welfare_ok = group.holds_bits[:, at], group.age[at], group.welfare_ok[at]
    keys, _ = _selector(group, [ot.keys for ot in terms])
    allowed = np.zeros((g, age.size), dtype=np.bool_)
    for word in range(keys.shape[1]):
        allowed |= (holds[word][None, :] & keys[:, word][:, None]) != 0
    if not far:
        level = levels(index, group.cands, orders)
        allowed &= level <= group.mobility[None, :]
    bounds = np.array([age_bounds(order, ctx) for order in orders], dtype=np.int16).reshape(g, 2)
    allowed &= (age[None, :] >= bounds[:, :1]) & (age[None, :] <= bounds[:, 1:])
    welfare = np.array([o.public_welfare for o in orders], dtype=np.bool_)
    if welfare.any():
        allowed &= ~welfare[:, None] | welfare_ok[None, :]
    order_of, cand = np.nonzero(allowed)
    if far:
        cand = group.national[cand]
        pair_level = np.full(cand.size, _NATIONAL, dtype=np.int8)
    else:
        pair_level = level[order_of, cand]
    required, n_required = _selector(group, [ot.required for ot in terms])
    if n_required.any():
        complete = _overlap(group.certified_bits, required, order_of, cand) == n_required[order_of]
        if certified is not None:
            keep = complete if certified else ~complete
            order_of, cand, pair_level, complete = (
                order_of[keep],
                cand[keep],
                pair_level[keep],
                complete[keep],
            )
    else:
        complete = np.ones(cand.size, dtype=np.bool_)
        if certified is False:
            order_of, cand, pair_level, complete = order_of[:0], cand[:0], pair_level[:0], complete[:0]
    starts = np.searchsorted(order_of, np.arange(g + 1))
    # components of the allowed pairs only, each weighted term added in COMPONENTS order, exactly as
    # matcher.score does it (a weight times a value looked up from a pre-multiplied table is the same double)
    w = cfg.weight_vector
    skills, n_skills = _selector(group, [ot.skills for ot in terms])
    code_fit = group.code_fit[cand]
    if n_skills.any():
        # The keyword fit only matters where the code fit is below 1 (left at 0 elsewhere: never read).
        keyword_fit = np.zeros(cand.size, dtype=np.float64)
        open_ = np.flatnonzero(code_fit < 1.0)
        order_open = order_of[open_]
        n = n_skills[order_open]
        with np.errstate(invalid="ignore", divide="ignore"):
            keyword_fit[open_] = np.where(
                n > 0, _overlap(group.experience_bits, skills, order_open, cand[open_]) / n, 0.0
            )
        occupation = np.maximum(code_fit, keyword_fit)
    else:
        keyword_fit = np.zeros(cand.size, dtype=np.float64)
        occupation = code_fit
    score = np.multiply(occupation, w[0])
    if n_required.any():
        n = n_required[order_of]
        with np.errstate(invalid="ignore", divide="ignore"):
            certificates = np.where(
                n > 0,
                _overlap(group.certified_bits, required, order_of, cand) / n,
                group.usual_certificates[cand],
            )
        score += np.multiply(certificates, w[1])
    else:
        certificates = group.usual_certificates[cand]
        score += group.weighted_usual_certificates[cand]
    score += np.multiply(w[2], cfg.distance_vector)[pair_level]
    # wage: unknown expectations count as -inf, unknown order wages as +inf (both mean "fits")
    bound = np.array([np.inf if (m := order_wage(o)) is None else m for o in orders], dtype=np.float64)[
        order_of
    ]
    expected = group.expected_wage[cand]
    with np.errstate(invalid="ignore"):
        wage = expected - bound
        wage /= bound
        np.subtract(1.0, wage, out=wage)
        np.maximum(wage, 0.0, out=wage)
        np.copyto(wage, 1.0, where=expected <= bound)
    score += np.multiply(wage, w[3])
    score += group.weighted_rest[0][cand]
    score += group.weighted_rest[1][cand]
    score += group.weighted_rest[2][cand]
    score /= cfg.total_weight
    return Block(
        orders=orders,
        terms=terms,
        starts=starts.astype(np.int64),
        order=order_of,
        cand=cand,
        occupation=occupation,
        keyword_fit=keyword_fit,
        certificates=certificates,
        level=pair_level,
        wage=wage,
        score=score,
        complete=complete,
    )


def blocks(
    index: WorkerIndex, orders: Iterable[JobOrderProfile], *, certified: bool | None = None
) -> Iterator[tuple[Group, Block]]:
    """Scored blocks of orders, grouped by occupation term (groups in first-seen order); ``certified`` as in
    :func:`_block`."""
    groups: dict[str | None, list[tuple[JobOrderProfile, OrderTerms]]] = {}
    resolved: dict[tuple[str, tuple[str, ...], tuple[str, ...]], OrderTerms] = {}
    for order in orders:
        texts = (order.occupation, order.skills, order.certificates_required)
        ot = resolved.get(texts)
        if ot is None:
            ot = resolved[texts] = resolve_order(order, index.ctx)
        groups.setdefault(ot.occupation, []).append((order, ot))
    paths = index.ctx.regions.path
    for occupation, members in groups.items():
        group = _group(index, occupation, [ot for _, ot in members])
        near: list[tuple[JobOrderProfile, OrderTerms]] = []
        far: list[tuple[JobOrderProfile, OrderTerms]] = []
        for order, ot in members:
            province = paths(order.region_code)[0]
            key = index.region_keys.get(province, ORDER_NO_KEY) if province is not None else ORDER_NO_KEY
            (near if key in group.provinces else far).append((order, ot))
        for chunk, is_far in ((near, False), (far, True)):
            width = group.national.size if is_far else group.cands.size
            step = max(1, _BLOCK // max(1, width))
            for start in range(0, len(chunk), step):
                part = chunk[start : start + step]
                yield (
                    group,
                    _block(
                        index,
                        group,
                        [o for o, _ in part],
                        [ot for _, ot in part],
                        far=is_far,
                        certified=certified,
                    ),
                )


def _top(scores: Floats, floor: float, k: int, ids: Ints, rows: Rows, years: Ints | None = None) -> Ints:
    """Positions of the best ``k`` of ``scores`` that reach ``floor``: score descending, then ``years`` (of
    experience) descending, then worker id (``ids[rows]``) ascending."""
    cut = floor
    if scores.size > k:
        cut = max(cut, float(np.partition(scores, scores.size - k)[scores.size - k]))  # the k-th best score
    valid = np.flatnonzero(scores >= cut)  # at most k, unless several tie at the cut
    if valid.size == 0:
        return valid
    if years is None:
        best = valid[np.lexsort((ids[rows[valid]], -scores[valid]))]
    else:
        best = valid[np.lexsort((ids[rows[valid]], -years[valid], -scores[valid]))]
    return best[:k]


def _first(group: Group, masks: Bools, listed: Sequence[str], cands: Ints, *, want: bool = True) -> Ints:
    """For each candidate, the position in ``listed`` of the first term whose mask is ``want`` (−1: none)."""
    if not listed or cands.size == 0:
        return np.full(cands.size, -1, dtype=np.int64)
    rows = masks[[group.position_of[t] for t in listed]][:, cands] == want
    return np.where(rows.any(axis=0), np.argmax(rows, axis=0), -1).astype(np.int64)


#: A memo key: occupation term, wish-position radix, packed evidence, the keyword / held / missing
#: certificate terms the reasons name (0 when there is none) and the related occupation. Years and how the
#: worker's text was read only change the first reason of a direct match: see :class:`Heads`.
MemoKey = tuple[str | None, int, int, str | int | bool, str | int, str | int, str | None]


class Memo(dict[MemoKey, tuple[str, ...]]):
    """Reasons by evidence, built on first use (see :func:`_matches`)."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        super().__init__()
        self.taxonomy = taxonomy
        self.heads = Heads(taxonomy)

    def __missing__(self, key: MemoKey) -> tuple[str, ...]:
        occupation, radix, code, keyword, held, missing, related = key
        kind, level, wage, position, trained, poor = _unpack_evidence(code, radix)
        ev = Evidence(
            occupation,
            kind,
            keyword if isinstance(keyword, str) else None,
            held if isinstance(held, str) else None,
            missing if isinstance(missing, str) else None,
            level,
            position,
            wage,
            trained,
            poor,
            related,
        )
        words = self[key] = reasons(ev, self.taxonomy)
        return words


class Heads(dict[tuple[str | None, int, str | None], str]):
    """The first reason of a direct match, by (occupation, years, how the text was read), built on first use."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        super().__init__()
        self.taxonomy = taxonomy

    def __missing__(self, key: tuple[str | None, int, str | None]) -> str:
        occupation, years, via = key
        ev = Evidence(
            occupation,
            OCC_DIRECT,
            None,
            None,
            None,
            0,
            NOT_WISHED,
            WAGE_UNKNOWN,
            False,
            False,
            None,
            years,
            via,
        )
        head = self[key] = reasons(ev, self.taxonomy)[0]
        return head


def _matches(
    group: Group,
    block: Block,
    j: int,
    cands: Ints,
    kinds: Ints,
    columns: Sequence[list[Any]],
    radix: int,
    memo: Memo,
) -> list[Match]:
    """Matches of order ``j`` of the block for its chosen candidates ``cands`` (best first). ``columns`` are the
    gathered worker ids, scores, the seven components, the packed evidence (see :func:`_pack_evidence`), the
    usual certificate held (+1), the related occupation, the years and how the text was recognised.
    """
    ot = block.terms[j]
    n = cands.size
    none = [0] * n
    skills, required = ot.skills, ot.required
    keyword_kind = kinds == OCC_KEYWORD
    if skills and keyword_kind.any():
        keyword = np.where(keyword_kind, _first(group, group.experience, skills, cands) + 1, 0).tolist()
    else:
        keyword = none
    worker_ids, scores, occ, cert, dist, wage, wish, train, prio, codes, usual_held, related, years, via = (
        columns
    )
    if required:
        held = (_first(group, group.certified, required, cands) + 1).tolist()
        missing = (_first(group, group.certified, required, cands, want=False) + 1).tolist()
        certs = required
    else:
        held = usual_held
        missing = none
        certs = ot.usual_certificates
    occupation = ot.occupation
    words = [
        memo[(occupation, radix, code, kw and skills[kw - 1], h and certs[h - 1], m and required[m - 1], r)]
        for code, kw, h, m, r in zip(codes, keyword, held, missing, related, strict=True)
    ]
    heads = memo.heads
    for at in np.flatnonzero(kinds == OCC_DIRECT).tolist():
        if years[at] or via[at] is not None:
            words[at] = (heads[(occupation, years[at], via[at])], *words[at][1:])
    breakdowns = [
        {
            "occupation": o,
            "certificates": c,
            "distance": d,
            "wage": wg,
            "wish": ws,
            "training": t,
            "priority": p,
        }
        for o, c, d, wg, ws, t, p in zip(occ, cert, dist, wage, wish, train, prio, strict=True)
    ]
    return list(
        map(Match, repeat(block.orders[j].id, n), worker_ids, scores, breakdowns, words, range(1, n + 1))
    )


def _pack_evidence(
    kind: Ints, level: Ints, wage: Ints, position: Ints, trained: Bools, poor: Bools
) -> tuple[Ints, int]:
    """Pack the integer evidence of many matches into one integer each; returns the codes and the radix used for
    the wish position (which has no fixed bound)."""
    shifted = position + 2  # NO_WISHES = -2, NOT_WISHED = -1
    radix = max(64, int(shifted.max()) + 1 if shifted.size else 0)  # fixed unless someone has 62+ wishes
    code = (kind.astype(np.int64) * 8 + level) * 4 + wage
    code = ((code * radix + shifted) * 2 + trained) * 2 + poor
    return code, radix


def _unpack_evidence(code: int, radix: int) -> tuple[int, int, int, int, bool, bool]:
    """Inverse of :func:`_pack_evidence` for one code: kind, level, wage flag, wish position, trained, poor."""
    code, poor = divmod(code, 2)
    code, trained = divmod(code, 2)
    code, shifted = divmod(code, radix)
    code, wage = divmod(code, 4)
    kind, level = divmod(code, 8)
    return kind, level, wage, shifted - 2, bool(trained), bool(poor)


def _rank_blocks(
    index: WorkerIndex,
    order_list: Sequence[JobOrderProfile],
    k: int,
    floor: float,
    memo: Memo,
    result: dict[int, list[Match]],
    *,
    certified: bool = True,
) -> None:
    distances = np.asarray(index.ctx.scoring.distance_vector, dtype=np.float64)
    for group, block in blocks(index, order_list, certified=certified):
        picks: list[Ints] = []
        spans: list[tuple[int, int, int]] = []
        at = 0
        for j in range(len(block.orders)):
            lo, hi = int(block.starts[j]), int(block.starts[j + 1])
            if lo == hi:
                continue
            part = block.cand[lo:hi]
            chosen = _top(block.score[lo:hi], floor, k, index.ids, group.cands[part], group.years[part]) + lo
            if chosen.size:
                picks.append(chosen)
                spans.append((j, at, at + chosen.size))
                at += chosen.size
        if not picks:
            continue
        # gather what the matches need for all chosen entries of the block at once
        picked = np.concatenate(picks)
        cands = block.cand[picked]
        rows = group.cands[cands]
        code_fit = group.code_fit[cands]
        keyword_fit = block.keyword_fit[picked]
        base_kind = group.code_kind[cands]
        kind = np.where(
            (base_kind != OCC_DIRECT) & (keyword_fit > 0.0) & (keyword_fit >= code_fit),
            OCC_KEYWORD,
            base_kind,
        )
        related: list[str | None] = [None] * cands.size
        for at in np.flatnonzero(kind == OCC_RELATED).tolist():
            related[at] = group.related[int(group.related_at[cands[at]])]
        via: list[str | None] = [None] * cands.size
        for at in np.flatnonzero((kind == OCC_DIRECT) & group.noted[cands]).tolist():
            via[at] = index.terms[int(rows[at])].note(group.occupation)
        bound = np.array([np.nan if (m := order_wage(o)) is None else m for o in block.orders])[
            block.order[picked]
        ]
        expected = index.wage[rows]
        wage_flag = np.where(
            np.isnan(bound) | np.isnan(expected),
            WAGE_UNKNOWN,
            np.where(expected <= bound, WAGE_OK, WAGE_BELOW),
        )
        codes, radix = _pack_evidence(
            kind,
            block.level[picked].astype(np.int64),
            wage_flag.astype(np.int64),
            group.position[cands],
            group.trained[cands],
            group.poverty[cands],
        )
        columns: list[list[Any]] = [index.ids[rows].tolist(), block.score[picked].tolist()]
        columns += [component.tolist() for component in block.components(group, distances, picked)]
        columns += [codes.tolist(), (group.usual_held[cands] + 1).tolist(), related]
        columns += [group.years[cands].tolist(), via]
        for j, lo, hi in spans:
            result[block.orders[j].id] = _matches(
                group, block, j, cands[lo:hi], kind[lo:hi], [c[lo:hi] for c in columns], radix, memo
            )


def rank_batch(
    index: WorkerIndex,
    orders: Iterable[JobOrderProfile],
    *,
    k: int | None = None,
    min_score: float | None = None,
) -> dict[int, list[Match]]:
    """The best ``k`` workers for each job order, ``{order_id: [Match, …]}`` with rank 1 = best.

    Only relevant workers (see :func:`matcher.is_relevant`) that pass the hard constraints, hold every required
    certificate and score at least ``min_score`` are listed, by score descending, then years of experience in
    the order's occupation descending, then worker id ascending. ``k`` and ``min_score`` default
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
    return _ranked(index, orders, k, min_score, certified=True)


def _ranked(
    index: WorkerIndex,
    orders: Iterable[JobOrderProfile],
    k: int | None,
    min_score: float | None,
    *,
    certified: bool,
) -> dict[int, list[Match]]:
    """The top ``k`` certified (or, ``certified=False``, uncertified) workers of each order."""
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
    memo = index.memos.get("reasons")
    if not isinstance(memo, Memo) or len(memo) > _MEMO_LIMIT:
        memo = index.memos["reasons"] = Memo(index.ctx.taxonomy)
    with _collector_paused():
        _rank_blocks(index, order_list, k, floor, memo, result, certified=certified)
    return result


def near_misses_batch(
    index: WorkerIndex,
    orders: Iterable[JobOrderProfile],
    *,
    k: int | None = None,
    min_score: float | None = None,
) -> dict[int, list[NearMiss]]:
    """For each order, the best ``k`` relevant workers who pass the hard constraints but lack a required
    certificate (差证), ranked as in :func:`rank_batch`, each with the missing certificate terms; equal to
    :func:`matcher.reference_near_misses`.

    Example:
        >>> from datetime import date
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> from matcher import JobOrderProfile, MatchContext, WorkerProfile, build_worker_index
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
        >>> index = build_worker_index([WorkerProfile(id=1, region_code="410923", birth_date=date(1990, 1, 1),
        ...                                          skills=("叉车司机",))], ctx)
        >>> order = JobOrderProfile(id=5, occupation="叉车司机", region_code="410923", certificates_required=("叉车证",))
        >>> [(n.match.worker_id, n.missing) for n in near_misses_batch(index, [order])[5]]
        [(1, ('t:叉车证',))]
    """
    order_list = list(orders)
    found = _ranked(index, order_list, k, min_score, certified=False)
    out: dict[int, list[NearMiss]] = {}
    for order in order_list:
        required = resolve_order(order, index.ctx).required
        out[order.id] = [
            NearMiss(
                m, tuple(t for t in required if t not in index.terms[index.rows[m.worker_id]].certificates)
            )
            for m in found[order.id]
        ]
    return out


def near_misses(
    index: WorkerIndex, order: JobOrderProfile, *, k: int | None = None, min_score: float | None = None
) -> list[NearMiss]:
    """The near misses (差证) of one order; see :func:`near_misses_batch`.

    Example:
        >>> from datetime import date
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> from matcher import JobOrderProfile, MatchContext, build_worker_index
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
        >>> near_misses(build_worker_index([], ctx), JobOrderProfile(id=5, occupation="焊工", region_code=""))
        []
    """
    return near_misses_batch(index, [order], k=k, min_score=min_score)[order.id]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while hundreds of thousands of acyclic matches are created (it would
    otherwise rescan every live object many times over); restores the previous state."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    # the code fit depends on the order's occupation only (its related occupations and category follow from it):
    # one call of the reference definition per distinct occupation among the candidates
    code_fit = np.zeros(n, dtype=np.float64)
    for occ_id in np.unique(occ[has_occ]).tolist():
        at = occ == occ_id
        code_fit[at] = code_fit_of(index.terms[int(rows[np.argmax(at)])], wt, ctx)[0]
    k_ptr, k_idx = index.skills
    k_size = (k_ptr[rows + 1] - k_ptr[rows]).astype(np.float64)
    k_count = _segment_counts(k_ptr, k_idx, experience, rows)
    with np.errstate(invalid="ignore", divide="ignore"):
        keyword_fit = np.where(k_size > 0, k_count / k_size, 0.0)
    occupation = np.maximum(code_fit, keyword_fit)
    r_ptr, r_idx = index.required
    r_size = (r_ptr[rows + 1] - r_ptr[rows]).astype(np.float64)
    r_count = _segment_counts(r_ptr, r_idx, certs, rows)
    complete = r_count == r_size
    if not complete.all():
        keep = np.flatnonzero(complete)
        rows, level, occ, has_occ, n = rows[keep], level[keep], occ[keep], has_occ[keep], keep.size
        wish_position, wish_value, in_wishes = wish_position[keep], wish_value[keep], in_wishes[keep]
        code_fit, occupation, r_size, r_count = code_fit[keep], occupation[keep], r_size[keep], r_count[keep]
        if n == 0:
            return []
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
    training = (has_occ & trained_terms[np.where(has_occ, occ, 0)]).astype(np.float64)
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
    chosen = _top(score, floor, k, index.ids, rows)
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
