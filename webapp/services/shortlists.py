"""Pre-fair shortlists (邀约名单): the engine ranks every order of a fair at once, then an assignment chooses
whom to invite where.

Method (:func:`allocate_invitations`). Each order may list at most ``per_order`` workers and each worker may
be invited to at most ``max_invitations_per_worker`` booths. We run that many rounds of
``matcher.assign(method="optimal")``: in a round every worker with invitations left may take at most one more
order, every order offers its remaining places (``per_order`` minus those already chosen), and the pairs chosen
in earlier rounds are removed. Round one therefore spreads the workers over the booths so that the total fit
is as high as possible — the best fits are not all crowded onto the most attractive booth — and later rounds add
second and third booths the same way. Whoever fits at least one order (the engine ranked them for it) but gets no
invitation at all is kept with the assignment's stated reason (``Assignment.unplaced``) from the last round
they took part in.

Regenerating keeps the pinned entries (staff added or kept them by hand, or recorded a contact): they keep their
places, count against both caps, and only the rest is chosen again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import matcher
from webapp import policy
from webapp.errors import NotFound, ValidationError
from webapp.models import (
    DispatchBatch,
    DispatchMember,
    Fair,
    FairJobOrder,
    FairLeftOut,
    JobOrder,
    ShortlistEntry,
    Worker,
    utcnow,
)
from webapp.services import audit, reference, transaction
from webapp.services.fairs import away_workers, check_manage, fair_orders, get_fair, shortlist_defaults
from webapp.services.matching import explained_for, job_order_profile, worker_profile
from webapp.services.scope import Actor, region_prefix
from webapp.services.validation import Collector, parse_int, reject_unknown

__all__ = [
    "Allocation",
    "ShortlistResult",
    "allocate_invitations",
    "build_due_shortlists",
    "build_shortlists",
]

#: The engine ranks per_order × factor × (orders of the fair sharing one occupation) candidates per order for the
#: allocation to choose from (at least MIN_DEPTH).
DEPTH_FACTOR = 4
MIN_DEPTH = 50
SYSTEM = Actor(user_id=None, role="admin", username="scheduler")

Pair = tuple[int, int]  # (worker_id, order_id)


@dataclass(frozen=True)
class Allocation:
    """Chosen ``(worker, order)`` pairs (new ones only) and, for fitting workers left with no invitation at
    all, the reason why."""

    chosen: frozenset[Pair]
    left_out: Mapping[int, str]
    rounds: int


def allocate_invitations(
    scores: Mapping[Pair, float],
    places: Mapping[int, int],
    allowance: Mapping[int, int],
    *,
    invited_before: frozenset[int] = frozenset(),
) -> Allocation:
    """Choose invitations: order ``o`` gets at most ``places[o]`` new workers, worker ``w`` at most
    ``allowance.get(w, 0)`` new orders, by rounds of ``matcher.assign`` (see the module docstring).

    ``invited_before`` names workers who already hold an invitation (pinned): they are never "left out".

    Example:
        >>> scores = {(1, 10): 0.9, (1, 20): 0.8, (2, 10): 0.85, (3, 10): 0.5}
        >>> a = allocate_invitations(scores, {10: 1, 20: 1}, {1: 2, 2: 2, 3: 2})
        >>> sorted(a.chosen)
        [(1, 20), (2, 10)]
        >>> sorted(a.left_out)
        [3]
    """
    places_left = {o: max(int(n), 0) for o, n in places.items()}
    left = {w: max(int(n), 0) for w, n in allowance.items()}
    chosen: set[Pair] = set()
    reasons: dict[int, str] = {}
    got: set[int] = set(invited_before)
    rounds = 0
    while True:
        pool = {
            pair: score
            for pair, score in scores.items()
            if pair not in chosen and left.get(pair[0], 0) > 0 and places_left.get(pair[1], 0) > 0
        }
        if not pool:
            break
        rounds += 1
        result = matcher.assign(pool, {o: places_left.get(o, 0) for o in {o for _w, o in pool}})
        for worker_id, reason in result.unplaced.items():
            if worker_id not in got:
                reasons[worker_id] = reason
        if not result.placements:
            break
        for worker_id, order_id in result.items():
            chosen.add((worker_id, order_id))
            got.add(worker_id)
            left[worker_id] -= 1
            places_left[order_id] -= 1
    fitting = {w for w, _o in scores}
    left_out = {}
    for worker_id in sorted(fitting - got):
        left_out[worker_id] = reasons.get(
            worker_id, "可选岗位的邀约名额已满" if rounds else "可选岗位没有空余的邀约名额"
        )
    return Allocation(frozenset(chosen), left_out, rounds)


@dataclass
class ShortlistResult:
    fair: Fair
    per_order: int
    max_invitations_per_worker: int
    candidates: int
    invitations: int
    pinned: int
    left_out: int
    lists: dict[int, list[ShortlistEntry]] = field(default_factory=dict)


def _parse_settings(data: Mapping[str, Any], fair: Fair) -> tuple[int, int]:
    reject_unknown(data, ("per_order", "max_invitations_per_worker"))
    defaults = shortlist_defaults()
    c = Collector()
    per_order = c.field("per_order", parse_int, data.get("per_order"), minimum=1, maximum=500)
    cap = c.field(
        "max_invitations_per_worker", parse_int, data.get("max_invitations_per_worker"), minimum=1, maximum=20
    )
    c.done()
    return (
        per_order or fair.per_order or defaults["per_order"],
        cap or fair.max_invitations_per_worker or defaults["max_invitations_per_worker"],
    )


def candidate_workers(session: Session, fair: Fair) -> list[Worker]:
    """Seeking, verified workers living in the organising region (a county fair draws that county's workers,
    a city fair the city's), except those already going out with a dispatch batch."""
    dispatched = (
        select(DispatchMember.worker_id)
        .join(DispatchBatch, DispatchBatch.id == DispatchMember.batch_id)
        .where(DispatchBatch.status != "cancelled", DispatchMember.not_placed_reason == "")
    )
    return list(
        session.scalars(
            select(Worker)
            .where(
                Worker.status == "seeking",
                Worker.verified.is_(True),
                Worker.region_code.startswith(region_prefix(fair.region_code)),
                Worker.id.not_in(dispatched),
            )
            .order_by(Worker.id)
        )
    )


def build_shortlists(
    session: Session,
    actor: Actor,
    fair_id: int,
    data: Mapping[str, Any] | None = None,
    *,
    today: date | None = None,
) -> ShortlistResult:
    """(Re)build the fair's shortlists across all its open orders at once; pinned entries stay."""
    fair = get_fair(session, actor, fair_id)
    check_manage(actor, fair)
    if fair.status != "planned":
        raise ValidationError("只能为筹备中的招聘会生成邀约名单", fields={"fair_id": "招聘会已结束或已取消"})
    per_order, cap = _parse_settings(data or {}, fair)
    orders = fair_orders(session, fair.id, open_only=True)
    open_ids = {o.id for o in orders}
    workers = candidate_workers(session, fair)
    ctx = reference.match_context(today)
    index = matcher.build_worker_index([worker_profile(w) for w in workers], ctx)
    # Orders of one occupation compete for the same people: rank deep enough for all of them.
    same_trade = max(Counter(o.occupation_code for o in orders).values(), default=1)
    depth = min(max(per_order * DEPTH_FACTOR * same_trade, MIN_DEPTH), max(len(workers), 1))
    ranked = matcher.rank_batch(index, [job_order_profile(o) for o in orders], k=depth)

    with transaction(session):
        pinned = list(
            session.scalars(
                select(ShortlistEntry).where(
                    ShortlistEntry.fair_id == fair.id, ShortlistEntry.pinned.is_(True)
                )
            )
        )
        # Placed or dispatched since they were invited: off the lists, even where staff pinned them.
        away = away_workers(session, fair.id, (e.worker_id for e in pinned))
        for entry in [e for e in pinned if e.worker_id in away]:
            session.delete(entry)
        pinned = [e for e in pinned if e.worker_id not in away]
        session.execute(
            delete(ShortlistEntry).where(ShortlistEntry.fair_id == fair.id, ShortlistEntry.pinned.is_(False))
        )
        session.execute(delete(FairLeftOut).where(FairLeftOut.fair_id == fair.id))
        pinned_pairs = {(e.worker_id, e.job_order_id) for e in pinned}
        per_worker: dict[int, int] = defaultdict(int)
        per_list: dict[int, int] = defaultdict(int)
        for worker_id, order_id in pinned_pairs:
            per_worker[worker_id] += 1
            per_list[order_id] += 1
        matches = {(m.worker_id, m.job_order_id): m for ms in ranked.values() for m in ms}
        scores = {pair: m.score for pair, m in matches.items() if pair not in pinned_pairs}
        allocation = allocate_invitations(
            scores,
            {o: per_order - per_list.get(o, 0) for o in open_ids},
            {w.id: cap - per_worker.get(w.id, 0) for w in workers},
            invited_before=frozenset(per_worker),
        )
        for worker_id, order_id in sorted(allocation.chosen):
            m = matches[(worker_id, order_id)]
            session.add(
                ShortlistEntry(
                    fair_id=fair.id,
                    job_order_id=order_id,
                    worker_id=worker_id,
                    score=m.score,
                    breakdown=dict(m.breakdown),
                    reasons=list(m.reasons),
                )
            )
        for worker_id, reason in allocation.left_out.items():
            best = max(
                (m for (w, _o), m in matches.items() if w == worker_id),
                key=lambda m: (m.score, -m.job_order_id),
            )
            session.add(
                FairLeftOut(
                    fair_id=fair.id,
                    worker_id=worker_id,
                    job_order_id=best.job_order_id,
                    score=best.score,
                    reason=reason[:255],
                )
            )
        session.flush()
        lists = _rerank(session, fair.id)
        fair.shortlisted_at = utcnow()
        fair.per_order, fair.max_invitations_per_worker = per_order, cap
        audit.record(
            session,
            actor,
            "generate",
            "fair_shortlists",
            fair.id,
            invitations=len(allocation.chosen) + len(pinned_pairs),
            pinned=len(pinned_pairs),
        )
    return ShortlistResult(
        fair=fair,
        per_order=per_order,
        max_invitations_per_worker=cap,
        candidates=len(workers),
        invitations=len(allocation.chosen) + len(pinned_pairs),
        pinned=len(pinned_pairs),
        left_out=len(allocation.left_out),
        lists=lists,
    )


def _rerank(session: Session, fair_id: int) -> dict[int, list[ShortlistEntry]]:
    """Number each order's list 1, 2, … by score (then worker id); returns the lists by order id."""
    lists: dict[int, list[ShortlistEntry]] = defaultdict(list)
    for entry in session.scalars(
        select(ShortlistEntry)
        .where(ShortlistEntry.fair_id == fair_id)
        .order_by(ShortlistEntry.job_order_id, ShortlistEntry.score.desc(), ShortlistEntry.worker_id)
    ):
        lists[entry.job_order_id].append(entry)
    for entries in lists.values():
        for rank, entry in enumerate(entries, start=1):
            entry.rank = rank
    return dict(lists)


@dataclass(frozen=True)
class ShownEntry:
    """An invitation as one viewer sees it: the score, rank and reasons without the components the registry hides
    from them (an employer and the registered-poor ``priority``), ranked by the score shown."""

    entry: ShortlistEntry
    rank: int
    score: float
    reasons: tuple[str, ...]


def _breakdown(actor: Actor, entry: ShortlistEntry) -> dict[str, float]:
    """The entry's breakdown; invitations written before it was kept are scored again when a component is hidden."""
    if entry.breakdown or not policy.hidden_components(actor, entry.worker):
        return dict(entry.breakdown or {})
    pair = matcher.score_pair(
        job_order_profile(entry.job_order), worker_profile(entry.worker), reference.match_context()
    )
    return dict(pair.breakdown) if pair else {}


def shown_entries(actor: Actor, entries: list[ShortlistEntry]) -> list[ShownEntry]:
    """One order's invitations as ``actor`` may see them, best shown score first."""
    shown = []
    for e in entries:
        view = explained_for(actor, e.worker, e.score, _breakdown(actor, e), e.reasons or [])
        shown.append((e, view))
    shown.sort(key=lambda pair: (-pair[1].score, pair[0].rank, pair[0].worker_id))
    return [ShownEntry(e, n, view.score, view.reasons) for n, (e, view) in enumerate(shown, start=1)]


def _visible_entries(session: Session, actor: Actor, fair: Fair) -> dict[int, list[ShortlistEntry]]:
    """The fair's invitations this actor may read: staff those of the workers they cover, an employer those of
    its own orders (consenting workers only), per order, best first."""
    policy.require(actor, "list", ShortlistEntry, message="您无权查看邀约名单")
    stmt = (
        select(ShortlistEntry)
        .where(ShortlistEntry.fair_id == fair.id, policy.filter_for(actor, ShortlistEntry))
        .order_by(ShortlistEntry.job_order_id, ShortlistEntry.rank, ShortlistEntry.worker_id)
    )
    lists: dict[int, list[ShortlistEntry]] = defaultdict(list)
    for entry in session.scalars(stmt):
        lists[entry.job_order_id].append(entry)
    return lists


def shortlists(
    session: Session, actor: Actor, fair_id: int
) -> tuple[Fair, list[tuple[JobOrder, list[ShownEntry]]]]:
    """Each of the fair's orders the actor may read (an employer: its own) with its list as the actor may see
    it, best first."""
    fair = get_fair(session, actor, fair_id)
    lists = _visible_entries(session, actor, fair)
    orders = [o for o in fair_orders(session, fair.id) if policy.can(actor, "read", o)]
    return fair, [(o, shown_entries(actor, lists.get(o.id, []))) for o in orders]


def left_out(session: Session, actor: Actor, fair_id: int) -> list[FairLeftOut]:
    """Workers who qualified but were not invited (staff: those they cover); nothing for anyone else."""
    fair = get_fair(session, actor, fair_id)
    if not policy.can(actor, "list", FairLeftOut):
        return []
    return list(
        session.scalars(
            select(FairLeftOut)
            .where(FairLeftOut.fair_id == fair.id, policy.filter_for(actor, FairLeftOut))
            .order_by(FairLeftOut.job_order_id, FairLeftOut.score.desc(), FairLeftOut.worker_id)
        )
    )


def shortlists_to_dict(fair: Fair, lists: list[tuple[JobOrder, list[ShownEntry]]]) -> dict[str, Any]:
    """The API's answer: ``{"fair_id", "shortlists": [{"job_order_id", "workers": [...]}]}``."""
    return {
        "fair_id": fair.id,
        "shortlists": [
            {
                "job_order_id": order.id,
                "workers": [
                    {
                        "worker_id": e.entry.worker_id,
                        "rank": e.rank,
                        "score": round(e.score, 4),
                        "reasons": list(e.reasons),
                    }
                    for e in entries
                ],
            }
            for order, entries in lists
        ],
    }


# --- entries fixed by hand ------------------------------------------------------------------------------------


def _entry(session: Session, actor: Actor, entry_id: int) -> tuple[Fair, ShortlistEntry]:
    entry = session.get(ShortlistEntry, entry_id)
    if entry is None:
        raise NotFound()
    fair = get_fair(session, actor, entry.fair_id)
    policy.require(actor, "update", entry)
    return fair, entry


def set_pinned(session: Session, actor: Actor, entry_id: int, pinned: bool) -> ShortlistEntry:
    _fair, entry = _entry(session, actor, entry_id)
    with transaction(session):
        entry.pinned = pinned
        audit.record(session, actor, "pin" if pinned else "unpin", "fair_invitation", entry.id)
    return entry


def remove_entry(session: Session, actor: Actor, entry_id: int) -> None:
    fair, entry = _entry(session, actor, entry_id)
    with transaction(session):
        session.delete(entry)
        session.flush()
        _rerank(session, fair.id)
        audit.record(session, actor, "delete", "fair_invitation", entry_id, worker_id=entry.worker_id)


def add_entry(
    session: Session,
    actor: Actor,
    fair_id: int,
    job_order_id: Any,
    worker_id: Any,
    *,
    today: date | None = None,
) -> ShortlistEntry:
    """Staff put a worker on an order's list by hand (pinned). The hard constraints still apply, and so do the
    fair's caps (list size and invitations per worker)."""
    fair = get_fair(session, actor, fair_id)
    check_manage(actor, fair)
    c = Collector()
    oid = c.field("job_order_id", parse_int, job_order_id, required=True, minimum=1, maximum=2_147_483_647)
    wid = c.field("worker_id", parse_int, worker_id, required=True, minimum=1, maximum=2_147_483_647)
    c.done()
    order = session.get(JobOrder, oid)
    linked = session.scalar(
        select(FairJobOrder.id).where(FairJobOrder.fair_id == fair.id, FairJobOrder.job_order_id == oid)
    )
    if order is None or linked is None:
        raise ValidationError("该岗位不在本场招聘会中", fields={"job_order_id": "不在本场招聘会中"})
    worker = session.get(Worker, wid)
    if worker is None or not policy.can(actor, "read", worker):
        raise ValidationError("未找到该人员（或不在您的管辖范围内）", fields={"worker_id": "未找到"})
    ctx = reference.match_context(today)
    wp, op = worker_profile(worker), job_order_profile(order)
    refusal = matcher.check_constraints(op, wp, ctx)
    if refusal:
        raise ValidationError(f"不符合岗位硬性条件：{refusal}", fields={"worker_id": refusal})
    defaults = shortlist_defaults()
    per_order = fair.per_order or defaults["per_order"]
    cap = fair.max_invitations_per_worker or defaults["max_invitations_per_worker"]
    existing = list(session.scalars(select(ShortlistEntry).where(ShortlistEntry.fair_id == fair.id)))
    if any(e.job_order_id == oid and e.worker_id == wid for e in existing):
        raise ValidationError("该人员已在此岗位的邀约名单中", fields={"worker_id": "已在名单中"})
    if sum(e.job_order_id == oid for e in existing) >= per_order:
        raise ValidationError(
            f"该岗位的邀约名单已满（{per_order}人），请先移除一人", fields={"job_order_id": "名单已满"}
        )
    if sum(e.worker_id == wid for e in existing) >= cap:
        raise ValidationError(f"该人员已受邀{cap}个岗位，达到上限", fields={"worker_id": "邀约已达上限"})
    pair = matcher.score_pair(op, wp, ctx)
    with transaction(session):
        entry = ShortlistEntry(
            fair_id=fair.id,
            job_order_id=oid,
            worker_id=wid,
            score=pair.score if pair else 0.0,
            breakdown=dict(pair.breakdown) if pair else {},
            reasons=list(pair.reasons) if pair else [],
            pinned=True,
        )
        session.add(entry)
        session.execute(
            delete(FairLeftOut).where(FairLeftOut.fair_id == fair.id, FairLeftOut.worker_id == wid)
        )
        session.flush()
        _rerank(session, fair.id)
        audit.record(session, actor, "create", "fair_invitation", entry.id, worker_id=wid)
    return entry


# --- the scheduler job ------------------------------------------------------------------------------------------


def due_fairs(session: Session, *, today: date) -> list[Fair]:
    """Planned fairs within ``days_before`` days (from ``config/fairs.toml``) whose shortlists are not built."""
    days = shortlist_defaults()["days_before"]
    return list(
        session.scalars(
            select(Fair)
            .where(
                Fair.status == "planned",
                Fair.shortlisted_at.is_(None),
                Fair.date >= today,
                Fair.date <= today + timedelta(days=days),
            )
            .order_by(Fair.date, Fair.id)
        )
    )


def build_due_shortlists(session: Session, *, today: date) -> dict[str, int]:
    """Scheduler job: build the shortlists (and so the village invitation lists) of every fair that is due.

    Returns counts: fairs built, invitations written, workers left out.
    """
    counts = {"fairs": 0, "invitations": 0, "left_out": 0}
    for fair in due_fairs(session, today=today):
        result = build_shortlists(session, SYSTEM, fair.id, today=today)
        counts["fairs"] += 1
        counts["invitations"] += result.invitations
        counts["left_out"] += result.left_out
    return counts
