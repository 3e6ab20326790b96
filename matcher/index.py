"""Immutable indexes for the fast engine: workers (for ranking them per order) and orders (for recommending them
per worker).

Building an index resolves every profile's texts to terms once (:mod:`matcher.profile`; each distinct text is
normalised and fuzzy-matched once, cached by the taxonomy) and stores:

- per-row arrays: id, eligibility, age on ``ctx.today``, mobility, region path keys (interned), expected wage,
  flags;
- posting lists (inverted index) from each term to the sorted rows holding it, one per source (any term,
  experience, certificates, completed training, wishes with their position, desired training) and per
  occupation category.

**Incremental updates.** Indexes never change. ``index.with_worker(w)`` returns a new index in which ``w`` is
added, or replaces the worker with the same id; ``index.without_worker(id)`` returns one without it. Only the
changed worker's texts are resolved; the per-row arrays and the touched posting lists are copied with the row
appended (the old row, if any, is only marked dead), untouched posting lists are shared — milliseconds at
city scale (see ``update_ms`` in ``benchmarks/results/latest.json``), against seconds for a rebuild. After very many edits, ``index.compacted()`` drops dead rows (no text is
resolved again). ``OrderIndex`` has the same trio: ``with_order``, ``without_order``, ``compacted``.

Example:
    >>> from datetime import date
    >>> from matcher.regions import RegionTree
    >>> from matcher.settings import ScoringConfig
    >>> from matcher.taxonomy import Taxonomy
    >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
    >>> index = build_worker_index([WorkerProfile(id=1, region_code="410923", skills=("厨师",))], ctx)
    >>> index = index.with_worker(WorkerProfile(id=2, region_code="410923", skills=("厨师",)))
    >>> len(index), len(index.without_worker(1))
    (2, 1)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from matcher.profile import OrderTerms, WorkerTerms, age_on, resolve_order, resolve_worker
from matcher.regions import RegionPath
from matcher.score import age_bounds, mobility_index, order_wage
from matcher.settings import MatchContext
from matcher.types import JobOrderProfile, WorkerProfile

__all__ = ["OrderIndex", "WorkerIndex", "build_order_index", "build_worker_index"]

Rows = npt.NDArray[np.int32]
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

#: Region key id meaning "no key at this level" for workers, and for orders (never equal to each other).
WORKER_NO_KEY = -1
ORDER_NO_KEY = -2

A = TypeVar("A", bound="np.ndarray[Any, Any]")

_EMPTY_ROWS: Rows = np.zeros(0, dtype=np.int32)


def _frozen(array: A) -> A:
    array.setflags(write=False)
    return array


def _rows(values: list[int]) -> Rows:
    out = np.array(values, dtype=np.int32)
    out.setflags(write=False)
    return out


def _intern_path(path: RegionPath, keys: dict[str, int], *, missing: int, grow: bool) -> list[int]:
    out: list[int] = []
    for key in path:
        if key is None:
            out.append(missing)
        elif key in keys:
            out.append(keys[key])
        elif grow:
            keys[key] = len(keys)
            out.append(keys[key])
        else:
            out.append(missing)
    return out


@dataclass(slots=True)
class _WorkerRows:
    """Column-wise accumulation of worker rows, turned into an index at the end."""

    ctx: MatchContext
    region_keys: dict[str, int]
    ids: list[int]
    eligible: list[bool]
    alive: list[bool]
    age: list[int]
    mobility: list[int]
    region: list[list[int]]
    wage: list[float]
    poverty: list[bool]
    welfare_ok: list[bool]
    has_wishes: list[bool]
    post_any: dict[str, list[int]]
    post_experience: dict[str, list[int]]
    post_certificates: dict[str, list[int]]
    post_training: dict[str, list[int]]
    post_desired: dict[str, list[int]]
    post_category: dict[str, list[int]]
    post_wish: dict[str, tuple[list[int], list[int], list[float]]]
    post_years: dict[str, tuple[list[int], list[int]]]
    post_noted: dict[str, list[int]]

    @classmethod
    def empty(cls, ctx: MatchContext, region_keys: dict[str, int]) -> _WorkerRows:
        return cls(
            ctx=ctx,
            region_keys=region_keys,
            ids=[],
            eligible=[],
            alive=[],
            age=[],
            mobility=[],
            region=[],
            wage=[],
            poverty=[],
            welfare_ok=[],
            has_wishes=[],
            post_any={},
            post_experience={},
            post_certificates={},
            post_training={},
            post_desired={},
            post_category={},
            post_wish={},
            post_years={},
            post_noted={},
        )

    def add(self, row: int, worker: WorkerProfile, terms: WorkerTerms) -> None:
        ctx = self.ctx
        cfg = ctx.scoring
        age = age_on(worker.birth_date, ctx.today)
        mobility = mobility_index(worker.mobility)
        self.ids.append(worker.id)
        self.alive.append(True)
        self.eligible.append(
            worker.status == "seeking"
            and age is not None
            and cfg.min_working_age <= age <= cfg.max_working_age
        )
        self.age.append(-1 if age is None else max(-1, min(age, 32767)))
        self.mobility.append(mobility)
        self.region.append(
            _intern_path(
                ctx.regions.path(worker.region_code), self.region_keys, missing=WORKER_NO_KEY, grow=True
            )
        )
        self.wage.append(math.nan if worker.expected_wage is None else float(worker.expected_wage))
        self.poverty.append(worker.poverty_registered)
        self.welfare_ok.append(worker.poverty_registered or worker.disability)
        self.has_wishes.append(bool(terms.wishes))
        for source, term_set in (
            (self.post_any, terms.all_terms),
            (self.post_experience, terms.experience),
            (self.post_certificates, terms.certificates),
            (self.post_training, terms.training),
            (self.post_desired, terms.desired_training),
            (self.post_category, terms.categories),
        ):
            for term in term_set:
                source.setdefault(term, []).append(row)
        for position, term in enumerate(terms.wishes):
            rows, positions, values = self.post_wish.setdefault(term, ([], [], []))
            rows.append(row)
            positions.append(position)
            values.append(cfg.wish_value(position))
        for term, years in terms.years:
            if years > 0:
                year_rows, counts = self.post_years.setdefault(term, ([], []))
                year_rows.append(row)
                counts.append(years)
        for term, _ in terms.via:
            self.post_noted.setdefault(term, []).append(row)


@dataclass(frozen=True, eq=False)
class WorkerIndex:
    """Workers prepared for ranking against job orders; build with :func:`build_worker_index`.

    Rows are append-only: ``profiles[row]`` and ``terms[row]`` describe row ``row`` (dead rows included);
    ``rows`` maps each live worker id to its row.
    """

    ctx: MatchContext
    profiles: tuple[WorkerProfile, ...]
    terms: tuple[WorkerTerms, ...]
    rows: Mapping[int, int]
    ids: Ints
    alive: Bools
    eligible: Bools
    age: npt.NDArray[np.int16]
    mobility: npt.NDArray[np.int8]
    region: npt.NDArray[np.int32]  # shape (5, rows): interned key per tree level
    region_keys: Mapping[str, int]
    wage: Floats
    poverty: Bools
    welfare_ok: Bools
    has_wishes: Bools
    post_any: Mapping[str, Rows]
    post_experience: Mapping[str, Rows]
    post_certificates: Mapping[str, Rows]
    post_training: Mapping[str, Rows]
    post_desired: Mapping[str, Rows]
    post_category: Mapping[str, Rows]
    post_wish: Mapping[str, tuple[Rows, Rows, Floats]]
    post_years: Mapping[str, tuple[Rows, Rows]]  # occupation term → rows with years > 0, and the years
    post_noted: Mapping[str, Rows]  # experience term → rows that typed it with a typo (see WorkerTerms.via)
    #: Memos of the ranking (reasons by evidence), kept across calls and shared by the versions of an index:
    #: they depend on the taxonomy only, never on the rows.
    memos: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        """Number of live workers."""
        return len(self.rows)

    def __contains__(self, worker_id: object) -> bool:
        return worker_id in self.rows

    def worker(self, worker_id: int) -> WorkerProfile:
        """The live profile with this id; :class:`KeyError` if none.

        Example:
            >>> _example_index().worker(1).skills
            ('厨师',)
        """
        return self.profiles[self.rows[worker_id]]

    @property
    def dead_rows(self) -> int:
        """Rows left behind by edits and removals (see :meth:`compacted`)."""
        return len(self.profiles) - len(self.rows)

    def with_worker(self, worker: WorkerProfile) -> WorkerIndex:
        """A new index with ``worker`` added, or replacing the live worker with the same id.

        Example:
            >>> idx = _example_index().with_worker(WorkerProfile(id=1, region_code="410923", skills=("焊工",)))
            >>> idx.worker(1).skills, idx.dead_rows
            (('焊工',), 1)
        """
        base = self.without_worker(worker.id) if worker.id in self.rows else self
        return base._append([worker], [resolve_worker(worker, self.ctx)])

    def without_worker(self, worker_id: int) -> WorkerIndex:
        """A new index without the worker ``worker_id``; :class:`KeyError` if it is not in the index.

        Example:
            >>> 1 in _example_index().without_worker(1)
            False
        """
        row = self.rows[worker_id]
        rows = dict(self.rows)
        del rows[worker_id]
        alive = self.alive.copy()
        alive[row] = False
        eligible = self.eligible.copy()
        eligible[row] = False
        return replace(self, rows=rows, alive=_frozen(alive), eligible=_frozen(eligible))

    def compacted(self) -> WorkerIndex:
        """The same live workers without dead rows (terms are reused, not resolved again).

        Example:
            >>> _example_index().without_worker(1).compacted().dead_rows
            0
        """
        live = sorted(self.rows.values())
        return _build_workers([self.profiles[r] for r in live], [self.terms[r] for r in live], self.ctx)

    def _append(self, workers: Sequence[WorkerProfile], terms: Sequence[WorkerTerms]) -> WorkerIndex:
        start = len(self.profiles)
        region_keys = dict(self.region_keys)
        acc = _WorkerRows.empty(self.ctx, region_keys)
        for offset, (worker, wt) in enumerate(zip(workers, terms, strict=True)):
            acc.add(start + offset, worker, wt)
        rows = dict(self.rows)
        for offset, worker in enumerate(workers):
            if worker.id in rows:
                raise ValueError(f"duplicate worker id {worker.id}")
            rows[worker.id] = start + offset

        def cat(old: A, new: list[int] | list[float] | list[bool]) -> A:
            return _frozen(np.concatenate([old, np.array(new, dtype=old.dtype)]))  # type: ignore[return-value]

        def merge(old: Mapping[str, Rows], new: dict[str, list[int]]) -> dict[str, Rows]:
            out = dict(old)
            for term, added in new.items():
                out[term] = _frozen(
                    np.concatenate([out.get(term, _EMPTY_ROWS), np.array(added, dtype=np.int32)])
                )
            return out

        wish = dict(self.post_wish)
        for term, (r, p, v) in acc.post_wish.items():
            if term in wish:
                r0, p0, v0 = wish[term]
                wish[term] = (
                    _frozen(np.concatenate([r0, np.array(r, dtype=np.int32)])),
                    _frozen(np.concatenate([p0, np.array(p, dtype=np.int32)])),
                    _frozen(np.concatenate([v0, np.array(v, dtype=np.float64)])),
                )
            else:
                wish[term] = (_rows(r), _rows(p), _frozen(np.array(v, dtype=np.float64)))
        years = dict(self.post_years)
        for term, (r, n) in acc.post_years.items():
            r0, n0 = years.get(term, (_EMPTY_ROWS, _EMPTY_ROWS))
            years[term] = (
                _frozen(np.concatenate([r0, np.array(r, dtype=np.int32)])),
                _frozen(np.concatenate([n0, np.array(n, dtype=np.int32)])),
            )
        region = np.array(acc.region, dtype=np.int32).reshape(-1, 5).T
        return replace(
            self,
            profiles=(*self.profiles, *workers),
            terms=(*self.terms, *terms),
            rows=rows,
            ids=cat(self.ids, acc.ids),
            alive=cat(self.alive, acc.alive),
            eligible=cat(self.eligible, acc.eligible),
            age=cat(self.age, acc.age),
            mobility=cat(self.mobility, acc.mobility),
            region=_frozen(np.concatenate([self.region, region], axis=1)),
            region_keys=region_keys,
            wage=cat(self.wage, acc.wage),
            poverty=cat(self.poverty, acc.poverty),
            welfare_ok=cat(self.welfare_ok, acc.welfare_ok),
            has_wishes=cat(self.has_wishes, acc.has_wishes),
            post_any=merge(self.post_any, acc.post_any),
            post_experience=merge(self.post_experience, acc.post_experience),
            post_certificates=merge(self.post_certificates, acc.post_certificates),
            post_training=merge(self.post_training, acc.post_training),
            post_desired=merge(self.post_desired, acc.post_desired),
            post_category=merge(self.post_category, acc.post_category),
            post_wish=wish,
            post_years=years,
            post_noted=merge(self.post_noted, acc.post_noted),
        )


def _build_workers(
    workers: Sequence[WorkerProfile], terms: Sequence[WorkerTerms], ctx: MatchContext
) -> WorkerIndex:
    region_keys: dict[str, int] = {}
    acc = _WorkerRows.empty(ctx, region_keys)
    rows: dict[int, int] = {}
    for row, (worker, wt) in enumerate(zip(workers, terms, strict=True)):
        if worker.id in rows:
            raise ValueError(f"duplicate worker id {worker.id}")
        rows[worker.id] = row
        acc.add(row, worker, wt)

    def arr(values: list[int] | list[float] | list[bool], dtype: type[np.generic]) -> Any:
        return _frozen(np.array(values, dtype=dtype))

    def post(lists: dict[str, list[int]]) -> dict[str, Rows]:
        return {term: _rows(r) for term, r in lists.items()}

    return WorkerIndex(
        ctx=ctx,
        profiles=tuple(workers),
        terms=tuple(terms),
        rows=rows,
        ids=arr(acc.ids, np.int64),
        alive=arr(acc.alive, np.bool_),
        eligible=arr(acc.eligible, np.bool_),
        age=arr(acc.age, np.int16),
        mobility=arr(acc.mobility, np.int8),
        region=_frozen(np.array(acc.region, dtype=np.int32).reshape(-1, 5).T.copy()),
        region_keys=region_keys,
        wage=arr(acc.wage, np.float64),
        poverty=arr(acc.poverty, np.bool_),
        welfare_ok=arr(acc.welfare_ok, np.bool_),
        has_wishes=arr(acc.has_wishes, np.bool_),
        post_any=post(acc.post_any),
        post_experience=post(acc.post_experience),
        post_certificates=post(acc.post_certificates),
        post_training=post(acc.post_training),
        post_desired=post(acc.post_desired),
        post_category=post(acc.post_category),
        post_wish={
            term: (_rows(r), _rows(p), _frozen(np.array(v, dtype=np.float64)))
            for term, (r, p, v) in acc.post_wish.items()
        },
        post_years={term: (_rows(r), _rows(n)) for term, (r, n) in acc.post_years.items()},
        post_noted=post(acc.post_noted),
    )


def build_worker_index(workers: Iterable[WorkerProfile], ctx: MatchContext) -> WorkerIndex:
    """Index workers for :func:`matcher.rank` / :func:`matcher.rank_batch` (ids must be unique).

    Example:
        >>> from datetime import date
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
        >>> len(build_worker_index([WorkerProfile(id=1, region_code="410923")], ctx))
        1
    """
    profiles = list(workers)
    return _build_workers(profiles, [resolve_worker(w, ctx) for w in profiles], ctx)


# -- orders ----------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _OrderRows:
    ctx: MatchContext
    term_ids: dict[str, int]
    category_ids: dict[str, int]
    region_keys: dict[str, int]
    ids: list[int]
    occupation: list[int]
    category: list[int]
    skills: list[list[int]]
    required: list[list[int]]
    usual: list[list[int]]
    region: list[list[int]]
    low: list[int]
    high: list[int]
    wage: list[float]
    public_welfare: list[bool]
    post_key: dict[str, list[int]]

    @classmethod
    def empty(
        cls,
        ctx: MatchContext,
        term_ids: dict[str, int],
        category_ids: dict[str, int],
        region_keys: dict[str, int],
    ) -> _OrderRows:
        return cls(
            ctx=ctx,
            term_ids=term_ids,
            category_ids=category_ids,
            region_keys=region_keys,
            ids=[],
            occupation=[],
            category=[],
            skills=[],
            required=[],
            usual=[],
            region=[],
            low=[],
            high=[],
            wage=[],
            public_welfare=[],
            post_key={},
        )

    def _id(self, term: str) -> int:
        if term not in self.term_ids:
            self.term_ids[term] = len(self.term_ids)
        return self.term_ids[term]

    def add(self, row: int, order: JobOrderProfile, terms: OrderTerms) -> None:
        ctx = self.ctx
        low, high = age_bounds(order, ctx)
        wage = order_wage(order)
        self.ids.append(order.id)
        self.occupation.append(-1 if terms.occupation is None else self._id(terms.occupation))
        if terms.category is None:
            self.category.append(-1)
        else:
            self.category.append(self.category_ids.setdefault(terms.category, len(self.category_ids)))
        self.skills.append([self._id(t) for t in terms.skills])
        self.required.append([self._id(t) for t in terms.required])
        self.usual.append([self._id(t) for t in terms.usual_certificates])
        self.region.append(
            _intern_path(
                ctx.regions.path(order.region_code), self.region_keys, missing=ORDER_NO_KEY, grow=True
            )
        )
        self.low.append(low)
        self.high.append(high)
        self.wage.append(math.nan if wage is None else wage)
        self.public_welfare.append(order.public_welfare)
        for term in terms.keys:
            self.post_key.setdefault(term, []).append(row)


def _flat(lists: list[list[int]]) -> tuple[Ints, Rows]:
    ptr = np.zeros(len(lists) + 1, dtype=np.int64)
    if lists:
        ptr[1:] = np.cumsum([len(x) for x in lists])
    idx = np.array([t for x in lists for t in x], dtype=np.int32)
    return ptr, idx


@dataclass(frozen=True, eq=False)
class OrderIndex:
    """Job orders prepared for :func:`matcher.recommend`; build with :func:`build_order_index`.

    Per row: occupation term id, category id, skill / required / usual certificate term ids as flat
    ``(ptr, idx)`` lists, region keys, accepted age range, reference wage, public-welfare flag; plus postings
    from each key term to the orders it makes a worker a candidate for.
    """

    ctx: MatchContext
    profiles: tuple[JobOrderProfile, ...]
    terms: tuple[OrderTerms, ...]
    rows: Mapping[int, int]
    ids: Ints
    alive: Bools
    term_ids: Mapping[str, int]
    category_ids: Mapping[str, int]
    region_keys: Mapping[str, int]
    occupation: Rows
    category: Rows
    skills: tuple[Ints, Rows]
    required: tuple[Ints, Rows]
    usual: tuple[Ints, Rows]
    region: npt.NDArray[np.int32]  # shape (rows, 5)
    low: Ints
    high: Ints
    wage: Floats
    public_welfare: Bools
    post_key: Mapping[str, Rows]

    def __len__(self) -> int:
        """Number of live orders."""
        return len(self.rows)

    def __contains__(self, order_id: object) -> bool:
        return order_id in self.rows

    def order(self, order_id: int) -> JobOrderProfile:
        """The live order with this id; :class:`KeyError` if none."""
        return self.profiles[self.rows[order_id]]

    @property
    def dead_rows(self) -> int:
        """Rows left behind by edits and removals (see :meth:`compacted`)."""
        return len(self.profiles) - len(self.rows)

    def with_order(self, order: JobOrderProfile) -> OrderIndex:
        """A new index with ``order`` added, or replacing the live order with the same id.

        Example:
            >>> from datetime import date
            >>> from matcher.regions import RegionTree
            >>> from matcher.settings import ScoringConfig
            >>> from matcher.taxonomy import Taxonomy
            >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
            >>> idx = build_order_index([], ctx).with_order(JobOrderProfile(id=5, occupation="厨师", region_code=""))
            >>> len(idx), len(idx.without_order(5))
            (1, 0)
        """
        base = self.without_order(order.id) if order.id in self.rows else self
        return base._append([order], [resolve_order(order, self.ctx)])

    def without_order(self, order_id: int) -> OrderIndex:
        """A new index without order ``order_id``; :class:`KeyError` if it is not in the index."""
        row = self.rows[order_id]
        rows = dict(self.rows)
        del rows[order_id]
        alive = self.alive.copy()
        alive[row] = False
        return replace(self, rows=rows, alive=_frozen(alive))

    def compacted(self) -> OrderIndex:
        """The same live orders without dead rows (terms are reused, not resolved again)."""
        live = sorted(self.rows.values())
        return _build_orders([self.profiles[r] for r in live], [self.terms[r] for r in live], self.ctx)

    def _append(self, orders: Sequence[JobOrderProfile], terms: Sequence[OrderTerms]) -> OrderIndex:
        start = len(self.profiles)
        acc = _OrderRows.empty(self.ctx, dict(self.term_ids), dict(self.category_ids), dict(self.region_keys))
        rows = dict(self.rows)
        for offset, (order, ot) in enumerate(zip(orders, terms, strict=True)):
            if order.id in rows:
                raise ValueError(f"duplicate job order id {order.id}")
            rows[order.id] = start + offset
            acc.add(start + offset, order, ot)

        def cat(old: A, new: list[int] | list[float] | list[bool]) -> A:
            return _frozen(np.concatenate([old, np.array(new, dtype=old.dtype)]))  # type: ignore[return-value]

        def flat(old: tuple[Ints, Rows], new: list[list[int]]) -> tuple[Ints, Rows]:
            ptr, idx = _flat(new)
            return (
                _frozen(np.concatenate([old[0], ptr[1:] + old[0][-1]])),
                _frozen(np.concatenate([old[1], idx])),
            )

        post = dict(self.post_key)
        for term, added in acc.post_key.items():
            post[term] = _frozen(
                np.concatenate([post.get(term, _EMPTY_ROWS), np.array(added, dtype=np.int32)])
            )
        return replace(
            self,
            profiles=(*self.profiles, *orders),
            terms=(*self.terms, *terms),
            rows=rows,
            ids=cat(self.ids, acc.ids),
            alive=cat(self.alive, [True] * len(orders)),
            term_ids=acc.term_ids,
            category_ids=acc.category_ids,
            region_keys=acc.region_keys,
            occupation=cat(self.occupation, acc.occupation),
            category=cat(self.category, acc.category),
            skills=flat(self.skills, acc.skills),
            required=flat(self.required, acc.required),
            usual=flat(self.usual, acc.usual),
            region=_frozen(
                np.concatenate([self.region, np.array(acc.region, dtype=np.int32).reshape(-1, 5)])
            ),
            low=cat(self.low, acc.low),
            high=cat(self.high, acc.high),
            wage=cat(self.wage, acc.wage),
            public_welfare=cat(self.public_welfare, acc.public_welfare),
            post_key=post,
        )


def _build_orders(
    orders: Sequence[JobOrderProfile], terms: Sequence[OrderTerms], ctx: MatchContext
) -> OrderIndex:
    acc = _OrderRows.empty(ctx, {}, {}, {})
    rows: dict[int, int] = {}
    for row, (order, ot) in enumerate(zip(orders, terms, strict=True)):
        if order.id in rows:
            raise ValueError(f"duplicate job order id {order.id}")
        rows[order.id] = row
        acc.add(row, order, ot)
    return OrderIndex(
        ctx=ctx,
        profiles=tuple(orders),
        terms=tuple(terms),
        rows=rows,
        ids=np.array(acc.ids, dtype=np.int64),
        alive=np.ones(len(orders), dtype=np.bool_),
        term_ids=acc.term_ids,
        category_ids=acc.category_ids,
        region_keys=acc.region_keys,
        occupation=np.array(acc.occupation, dtype=np.int32),
        category=np.array(acc.category, dtype=np.int32),
        skills=_flat(acc.skills),
        required=_flat(acc.required),
        usual=_flat(acc.usual),
        region=np.array(acc.region, dtype=np.int32).reshape(-1, 5),
        low=np.array(acc.low, dtype=np.int64),
        high=np.array(acc.high, dtype=np.int64),
        wage=np.array(acc.wage, dtype=np.float64),
        public_welfare=np.array(acc.public_welfare, dtype=np.bool_),
        post_key={term: _rows(r) for term, r in acc.post_key.items()},
    )


def build_order_index(orders: Iterable[JobOrderProfile], ctx: MatchContext) -> OrderIndex:
    """Index job orders for :func:`matcher.recommend` (ids must be unique).

    Example:
        >>> from datetime import date
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
        >>> len(build_order_index([JobOrderProfile(id=1, occupation="厨师", region_code="410923")], ctx))
        1
    """
    profiles = list(orders)
    return _build_orders(profiles, [resolve_order(o, ctx) for o in profiles], ctx)


def _example_index() -> WorkerIndex:
    """A one-worker index for the examples above."""
    from datetime import date

    from matcher.regions import RegionTree
    from matcher.settings import ScoringConfig
    from matcher.taxonomy import Taxonomy

    ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
    return build_worker_index([WorkerProfile(id=1, region_code="410923", skills=("厨师",))], ctx)
