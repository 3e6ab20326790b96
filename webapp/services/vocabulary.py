"""Occupations typed outside the catalogue (待归类): which texts, how often, and the nearest catalogue entries, so
that staff can extend ``config/occupations.toml`` (a synonym, or a new occupation)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp import policy
from webapp.models import JobOrder, Worker
from webapp.services import reference
from webapp.services.scope import Actor


@dataclass(frozen=True)
class UnclassifiedTerm:
    """One text no catalogue entry matched: job orders carrying it as their occupation, workers naming it as a
    wish, a practised occupation or a course, and the closest catalogue occupations ``(code, name, score)``."""

    text: str
    orders: int
    workers: int
    nearest: tuple[tuple[str, str, float], ...]

    @property
    def total(self) -> int:
        return self.orders + self.workers


def _worker_texts(row: Worker) -> Iterable[str]:
    yield from row.desired_occupations or ()
    yield from row.desired_training or ()
    yield from row.completed_training or ()
    for entry in row.experience_years or ():
        if isinstance(entry, dict) and isinstance(entry.get("occupation"), str):
            yield entry["occupation"]


def unclassified_terms(session: Session, actor: Actor, *, limit: int = 200) -> list[UnclassifiedTerm]:
    """Unclassified occupation texts in the actor's job orders and region's workers, most used first (then by
    text). Staff only (the registry's ``vocabulary`` rule)."""
    policy.require(actor, "read", "vocabulary")
    taxonomy = reference.taxonomy()
    cutoff = reference.scoring().fuzzy_cutoff
    orders: dict[str, int] = {}
    for code in session.scalars(select(JobOrder.occupation_code).where(policy.filter_for(actor, JobOrder))):
        if reference.is_unclassified(code):
            orders[code] = orders.get(code, 0) + 1
    workers: dict[str, int] = {}
    for worker in session.scalars(select(Worker).where(policy.filter_for(actor, Worker))):
        texts = {
            text.strip()
            for text in _worker_texts(worker)
            if text.strip()
            and taxonomy.resolution(text, kind="occupation", cutoff=cutoff).method == "literal"
        }
        for text in texts:
            workers[text] = workers.get(text, 0) + 1
    found = [
        UnclassifiedTerm(
            text, orders.get(text, 0), workers.get(text, 0), tuple(taxonomy.nearest(text, limit=3))
        )
        for text in set(orders) | set(workers)
    ]
    found.sort(key=lambda t: (-t.total, t.text))
    return found[:limit]
