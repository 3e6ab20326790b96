"""Keeping ranked matches current at city scale.

- ``worker_index`` keeps one engine index per (database, scope) in this process and brings it up to date
  incrementally from ``worker.updated_at``: a new or edited worker is re-indexed alone, never the whole city.
- ``rerank_order`` ranks one job order the moment it is saved and stores its Match rows.
- ``rerank_changed`` is the nightly batch: the orders and workers changed since their last ranking, with
  Match rows written in bulk (no row-by-row ORM inserts); ``rerank_all`` re-ranks every open order.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, select, true, update
from sqlalchemy.orm import Session

import matcher
from webapp.models import JobOrder, Match, Worker, utcnow
from webapp.services import reference, transaction

#: Stored matches per order; states past "proposed" are kept across re-ranks (staff acted on them).
STORED_K = 50
KEPT_STATES_EXCLUDED = ("proposed",)

_WORKER_COLUMNS = (
    Worker.id,
    Worker.region_code,
    Worker.birth_date,
    Worker.sex,
    Worker.status,
    Worker.verified,
    Worker.skills,
    Worker.certificates,
    Worker.desired_occupations,
    Worker.desired_training,
    Worker.completed_training,
    Worker.experience_years,
    Worker.mobility,
    Worker.expected_wage,
    Worker.poverty_registered,
    Worker.disability,
    Worker.updated_at,
)


def profile_from_row(row: Any) -> matcher.WorkerProfile:
    """A worker profile from a row of ``_WORKER_COLUMNS`` (or a Worker); unverified workers are not matched."""
    return matcher.WorkerProfile(
        id=row.id,
        region_code=row.region_code,
        birth_date=row.birth_date,
        sex=row.sex,
        status=row.status if row.verified else "unverified",
        skills=tuple(row.skills or ()),
        certificates=tuple(row.certificates or ()),
        desired_occupations=tuple(row.desired_occupations or ()),
        desired_training=tuple(row.desired_training or ()),
        completed_training=tuple(row.completed_training or ()),
        experience_years=tuple(
            (str(e["occupation"]), int(e.get("years") or 0))
            for e in (row.experience_years or ())
            if "occupation" in e
        ),
        mobility=row.mobility,
        expected_wage=row.expected_wage,
        poverty_registered=row.poverty_registered,
        disability=row.disability,
    )


def order_profile(order: JobOrder) -> matcher.JobOrderProfile:
    return matcher.JobOrderProfile(
        id=order.id,
        occupation=order.occupation_code,
        region_code=order.region_code,
        title=order.title,
        skills=tuple(order.skills or ()),
        certificates_required=tuple(order.certificates_required or ()),
        headcount=max(order.headcount - order.filled, 0),
        wage_min=order.wage_min,
        wage_max=order.wage_max,
        age_min=order.age_min,
        age_max=order.age_max,
        public_welfare=order.public_welfare,
        employer_id=order.employer_id,
    )


@dataclass
class _Cached:
    index: matcher.WorkerIndex
    day: date
    stamp: datetime | None  # newest updated_at seen
    known: set[int] = field(default_factory=set)  # every worker id in scope, eligible or not


_cache: dict[tuple[str, str, bool], _Cached] = {}
_lock = threading.Lock()


def _scope_clause(prefix: str, consenting_only: bool) -> ColumnElement[bool]:
    clause: ColumnElement[bool] = true()
    if prefix:
        clause = Worker.region_code.startswith(prefix)
    if consenting_only:
        clause = clause & Worker.consent_to_share.is_(True)
    return clause


def worker_index(
    session: Session, *, scope_prefix: str = "", consenting_only: bool = False, today: date | None = None
) -> matcher.WorkerIndex:
    """The engine index of the workers in scope (region code prefix; '' = all), current to the last write.

    Workers of every status are indexed (the engine skips those not seeking), so a status change is an edit,
    not a rebuild. A deleted worker or a new day (ages change) rebuilds.
    """
    today = today or date.today()
    key = (session.get_bind().url.render_as_string(hide_password=True), scope_prefix, consenting_only)
    where = _scope_clause(scope_prefix, consenting_only)
    with _lock:
        cached = _cache.get(key)
        count, newest = session.execute(
            select(func.count(Worker.id), func.max(Worker.updated_at)).where(where)
        ).one()
        if cached is not None and cached.day == today:
            if newest == cached.stamp and count == len(cached.known):
                return cached.index
            changed = session.execute(
                select(*_WORKER_COLUMNS).where(where, Worker.updated_at >= cached.stamp)
                if cached.stamp is not None
                else select(*_WORKER_COLUMNS).where(where)
            ).all()
            added = {row.id for row in changed} - cached.known
            if count == len(cached.known) + len(added):
                index = cached.index
                for row in changed:
                    index = index.with_worker(profile_from_row(row))
                if index.dead_rows > max(1000, len(index) // 4):
                    index = index.compacted()
                cached.index, cached.stamp = index, newest
                cached.known |= added
                return index
        rows = session.execute(select(*_WORKER_COLUMNS).where(where)).all()
        index = matcher.build_worker_index(
            [profile_from_row(r) for r in rows], reference.match_context(today)
        )
        _cache[key] = _Cached(index, today, newest, {r.id for r in rows})
        return index


def forget_indexes() -> None:
    """Drop every cached index (tests that rebuild the database call this)."""
    with _lock:
        _cache.clear()


# --- stored matches ------------------------------------------------------------------------------------------


def _write_matches(session: Session, ranked: dict[int, list[matcher.Match]], now: datetime) -> int:
    """Replace the proposed Match rows of these orders; rows staff acted on keep their state, get new scores."""
    if not ranked:
        return 0
    order_ids = list(ranked)
    kept = {
        (r.job_order_id, r.worker_id): r.id
        for r in session.execute(
            select(Match.id, Match.job_order_id, Match.worker_id).where(
                Match.job_order_id.in_(order_ids), Match.state.not_in(KEPT_STATES_EXCLUDED)
            )
        )
    }
    session.execute(
        delete(Match).where(Match.job_order_id.in_(order_ids), Match.state.in_(KEPT_STATES_EXCLUDED))
    )
    new_rows: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for matches in ranked.values():
        for m in matches:
            values = {
                "score": m.score,
                "rank": m.rank,
                "breakdown": dict(m.breakdown),
                "reasons": list(m.reasons),
                "computed_at": now,
            }
            row_id = kept.get((m.job_order_id, m.worker_id))
            if row_id is None:
                new_rows.append(
                    {"job_order_id": m.job_order_id, "worker_id": m.worker_id, "state": "proposed", **values}
                )
            else:
                updates.append({"id": row_id, **values})
    for chunk in _chunks(new_rows, 5000):
        session.execute(insert(Match), chunk)
    if updates:
        session.execute(update(Match), updates)
    session.execute(
        update(JobOrder)
        .where(JobOrder.id.in_(order_ids))
        .values(ranked_at=now, updated_at=JobOrder.updated_at)
    )
    return len(new_rows) + len(updates)


def _chunks(rows: Sequence[dict[str, Any]], size: int) -> Iterable[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def rerank_order(session: Session, order_id: int, *, today: date | None = None) -> list[matcher.Match]:
    """Rank one job order against every worker and store its top matches; returns them. Commits."""
    order = session.get(JobOrder, order_id)
    if order is None or order.status != "open":
        return []
    index = worker_index(session, today=today)
    matches = matcher.rank(index, order_profile(order), k=STORED_K)
    with transaction(session):
        _write_matches(session, {order.id: matches}, utcnow())
    return matches


def rerank_orders(
    session: Session, orders: Sequence[JobOrder], *, today: date | None = None
) -> dict[str, int]:
    index = worker_index(session, today=today)
    ranked = matcher.rank_batch(index, [order_profile(o) for o in orders], k=STORED_K)
    with transaction(session):
        written = _write_matches(session, ranked, utcnow())
    return {"orders": len(ranked), "matches": written}


def rerank_all(session: Session, *, today: date | None = None) -> dict[str, int]:
    """Re-rank every open job order (the full batch)."""
    orders = list(session.scalars(select(JobOrder).where(JobOrder.status == "open").order_by(JobOrder.id)))
    counts = rerank_orders(session, orders, today=today)
    _mark_workers_ranked(session, None)
    return counts


def rerank_changed(session: Session, *, today: date | None = None) -> dict[str, int]:
    """The nightly batch: orders changed since their last ranking, plus every open order that a changed
    worker now enters (or leaves) the top matches of. Returns counts for the scheduler's log line."""
    today = today or date.today()
    stale = JobOrder.ranked_at.is_(None) | (JobOrder.updated_at > JobOrder.ranked_at)
    changed_orders = set(session.scalars(select(JobOrder.id).where(JobOrder.status == "open", stale)))
    changed_workers = list(
        session.scalars(
            select(Worker).where(Worker.ranked_at.is_(None) | (Worker.updated_at > Worker.ranked_at))
        )
    )
    affected = set(changed_orders)
    if changed_workers:
        open_orders = list(session.scalars(select(JobOrder).where(JobOrder.status == "open")))
        order_index = matcher.build_order_index(
            [order_profile(o) for o in open_orders], reference.match_context(today)
        )
        for worker in changed_workers:
            # every order the worker is now relevant to, and every order that stored them before
            for m in matcher.recommend(order_index, profile_from_row(worker), k=len(open_orders) or 1):
                affected.add(m.job_order_id)
        affected |= set(
            session.scalars(
                select(Match.job_order_id).where(Match.worker_id.in_([w.id for w in changed_workers]))
            )
        )
    orders = list(
        session.scalars(select(JobOrder).where(JobOrder.id.in_(affected), JobOrder.status == "open"))
    )
    counts = rerank_orders(session, orders, today=today) if orders else {"orders": 0, "matches": 0}
    _mark_workers_ranked(session, [w.id for w in changed_workers])
    return {"changed_orders": len(changed_orders), "changed_workers": len(changed_workers), **counts}


def _mark_workers_ranked(session: Session, worker_ids: list[int] | None) -> None:
    stmt = update(Worker).values(ranked_at=utcnow(), updated_at=Worker.updated_at)
    if worker_ids is not None:
        if not worker_ids:
            return
        stmt = stmt.where(Worker.id.in_(worker_ids))
    with transaction(session):
        session.execute(stmt)
