"""Ranked, explained matches between job orders and workers, computed by ``matcher``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import matcher
from webapp import policy
from webapp.models import JobOrder, Worker
from webapp.services import audit, ranking, reference, transaction
from webapp.services.job_orders import get_job_order
from webapp.services.scope import Actor
from webapp.services.validation import mask_name, mask_phone
from webapp.services.workers import age_on, get_worker

OPEN_STATUSES = ("open",)


worker_profile = ranking.profile_from_row
job_order_profile = ranking.order_profile


@dataclass(frozen=True)
class RankedWorker:
    match: matcher.Match
    worker: Worker


@dataclass(frozen=True)
class RankedOrder:
    match: matcher.Match
    order: JobOrder


def _index_for(session: Session, actor: Actor, today: date | None) -> matcher.WorkerIndex:
    """The cached index of the workers this actor may be offered (the registry's ``propose`` rule)."""
    prefix, consenting_only = policy.proposal_scope(actor)
    return ranking.worker_index(session, scope_prefix=prefix, consenting_only=consenting_only, today=today)


def matches_for_order(
    session: Session, actor: Actor, order_id: int, *, limit: int = 50, today: date | None = None
) -> tuple[JobOrder, list[RankedWorker]]:
    """The best workers for a job order, within what the actor may see, best first.

    Staff see workers of their own region only; an employer sees consenting candidates for its own orders.
    """
    order = policy.require(actor, "match", get_job_order(session, actor, order_id))
    index = _index_for(session, actor, today)
    ranked = matcher.rank(index, job_order_profile(order), k=limit)
    workers = {
        w.id: w for w in session.scalars(select(Worker).where(Worker.id.in_([m.worker_id for m in ranked])))
    }
    return order, [RankedWorker(m, workers[m.worker_id]) for m in ranked]


def recommendations_for_worker(
    session: Session, actor: Actor, worker_id: int, *, limit: int = 20, today: date | None = None
) -> tuple[Worker, list[RankedOrder]]:
    """Open job orders that suit a worker, best first."""
    worker = get_worker(session, actor, worker_id)
    orders = list(
        session.scalars(
            select(JobOrder).where(JobOrder.status.in_(OPEN_STATUSES), policy.filter_for(actor, JobOrder))
        )
    )
    by_id = {o.id: o for o in orders}
    ctx = reference.match_context(today)
    index = matcher.build_order_index([job_order_profile(o) for o in orders], ctx)
    ranked = matcher.recommend(index, worker_profile(worker), k=limit)
    return worker, [RankedOrder(m, by_id[m.job_order_id]) for m in ranked]


@dataclass(frozen=True)
class Explained:
    """A match's score, breakdown and reasons as one viewer may see them."""

    score: float
    breakdown: dict[str, float]
    reasons: tuple[str, ...]


def explained_for(
    actor: Actor, worker: Worker, score: float, breakdown: Mapping[str, float], reasons: Sequence[str]
) -> Explained:
    """What the engine said about a worker, without the components the registry hides from ``actor`` (an employer
    and the registered-poor ``priority``): not in the breakdown, not in the reasons, and not in the score either,
    which is computed as if the component did not exist (the weights are public: a total including it would
    betray it)."""
    hidden = policy.hidden_components(actor, worker)
    if not hidden:
        return Explained(score, dict(breakdown), tuple(reasons))
    return Explained(
        reference.scoring().score_without(breakdown, hidden),
        {k: v for k, v in breakdown.items() if k not in hidden},
        tuple(r for r in reasons if matcher.reason_component(r) not in hidden),
    )


@dataclass(frozen=True)
class Candidate:
    """One ranked worker as the viewer may see them on a match page.

    Staff see the name, a masked phone (the full one through the audited reveal) and everything the engine
    said. Employers are offered consenting workers only (the registry's ``propose`` rule) and never see the ID
    number, registered-poor or disability status, nor the priority component (see :func:`explained_for`); their
    ranks follow the score they are shown.
    """

    worker_id: int
    rank: int
    score: float
    name: str
    age: int
    sex: str
    region_name: str
    phone: str
    breakdown: Mapping[str, float]
    reasons: tuple[str, ...]
    staff_view: bool


def candidate_view(ranked: RankedWorker, actor: Actor, today: date) -> Candidate:
    worker, match = ranked.worker, ranked.match
    shown = explained_for(actor, worker, match.score, match.breakdown, match.reasons)
    revealable = policy.can(actor, "reveal", worker)  # staff: masked here, in full through the audited reveal
    if revealable:
        phone = mask_phone(worker.phone)
    else:
        phone = worker.phone if policy.sees(actor, "phone", worker) else ""
    return Candidate(
        worker_id=worker.id,
        rank=match.rank,
        score=shown.score,
        name=worker.name if policy.can(actor, "propose", worker) else mask_name(worker.name),
        age=age_on(worker.birth_date, today),
        sex=worker.sex,
        region_name=reference.region_name(worker.region_code, full=True),
        phone=phone,
        breakdown=shown.breakdown,
        reasons=shown.reasons,
        staff_view=revealable,
    )


def reranked(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Candidates in the order of the scores shown, ranked 1, 2, … (ties keep the engine's order)."""
    ordered = sorted(candidates, key=lambda c: (-c.score, c.rank))
    return [replace(c, rank=n) for n, c in enumerate(ordered, start=1)]


@dataclass(frozen=True)
class NearMissCandidate:
    """A worker who fits an order but lacks a licence it requires (差证): shown like a candidate, with the
    missing certificates' names — the people a course could qualify."""

    candidate: Candidate
    missing: tuple[str, ...]


def near_misses_for_order(
    session: Session, actor: Actor, order_id: int, *, limit: int = 20, today: date | None = None
) -> list[NearMissCandidate]:
    """Workers the law keeps off the ranking of an order for want of a licence, best first, as the actor may
    see them (same scope and masking as :func:`candidates_for_order`)."""
    today = today or date.today()
    order = policy.require(actor, "match", get_job_order(session, actor, order_id))
    found = matcher.near_misses(_index_for(session, actor, today), job_order_profile(order), k=limit)
    ids = [n.match.worker_id for n in found]
    workers = {w.id: w for w in session.scalars(select(Worker).where(Worker.id.in_(ids)))}
    display = reference.taxonomy().display
    shown = [
        NearMissCandidate(
            candidate_view(RankedWorker(n.match, workers[n.match.worker_id]), actor, today),
            tuple(display(t) for t in n.missing),
        )
        for n in found
    ]
    _audit_full_phones(session, actor, order, [n.candidate for n in shown])
    return shown


def near_miss_to_dict(n: NearMissCandidate) -> dict[str, Any]:
    return {**candidate_to_dict(n.candidate), "missing_certificates": list(n.missing)}


def candidates_for_order(
    session: Session, actor: Actor, order_id: int, *, limit: int = 50, today: date | None = None
) -> tuple[JobOrder, list[Candidate]]:
    """:func:`matches_for_order` as the actor may see it (see :class:`Candidate`), best first."""
    today = today or date.today()
    order, ranked = matches_for_order(session, actor, order_id, limit=limit, today=today)
    candidates = reranked([candidate_view(r, actor, today) for r in ranked])
    _audit_full_phones(session, actor, order, candidates)
    return order, candidates


def _audit_full_phones(
    session: Session, actor: Actor, order: JobOrder, candidates: Sequence[Candidate]
) -> None:
    """An employer sees consenting candidates' phones in full: one audited read per worker shown."""
    shown = [c.worker_id for c in candidates if c.phone and not c.staff_view]
    if shown:
        with transaction(session):
            for worker_id in shown:
                audit.record(
                    session, actor, "view", "worker", worker_id, field="phone", job_order_id=order.id
                )


def candidate_to_dict(c: Candidate) -> dict[str, Any]:
    return {
        "worker_id": c.worker_id,
        "rank": c.rank,
        "score": round(c.score, 4),
        "breakdown": {k: round(v, 4) for k, v in c.breakdown.items()},
        "reasons": list(c.reasons),
    }


def match_to_dict(match: matcher.Match, *, side: str) -> dict[str, Any]:
    key = "worker_id" if side == "worker" else "job_order_id"
    return {
        key: match.worker_id if side == "worker" else match.job_order_id,
        "rank": match.rank,
        "score": round(match.score, 4),
        "breakdown": {k: round(v, 4) for k, v in match.breakdown.items()},
        "reasons": list(match.reasons),
    }
