"""Plain, frozen inputs and outputs of the matching engine.

The web application turns its database rows into these dataclasses; the engine never sees Flask or SQLAlchemy.
Text fields hold what people typed (normalised by the engine); occupation fields may hold a taxonomy code,
a name or a synonym.

Example:
    >>> w = WorkerProfile(id=1, region_code="410923201001", birth_date=date(1990, 5, 1), sex="M",
    ...                   skills=("电焊",), certificates=("焊工证",), desired_occupations=("焊工",))
    >>> w.status
    'seeking'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

#: How far from home a worker will go, nearest first. A worker's mobility is the widest region level in which
#: they accept work: ``county`` means "anywhere in my county, never outside it".
MOBILITY_LEVELS: tuple[str, ...] = ("village", "township", "county", "city", "province", "national")

#: Worker statuses; only ``seeking`` workers are matched.
WORKER_STATUSES: tuple[str, ...] = ("seeking", "in_training", "employed", "unavailable")


@dataclass(frozen=True, slots=True)
class WorkerProfile:
    """One registered worker (群众点单) as the engine sees them.

    ``experience_years`` pairs an occupation the worker has practised with the years of it (0 when not said);
    it is experience (full occupation fit), while ``completed_training`` is a course only (partial fit).
    """

    id: int
    region_code: str
    birth_date: date | None = None
    sex: str | None = None  # "M" | "F"
    status: str = "seeking"
    skills: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    desired_occupations: tuple[str, ...] = ()  # in order of wish, first = most wanted
    desired_training: tuple[str, ...] = ()
    completed_training: tuple[str, ...] = ()  # occupations of courses completed (training, not experience)
    experience_years: tuple[tuple[str, int], ...] = ()  # (occupation as typed, whole years worked in it)
    mobility: str = "county"
    expected_wage: int | None = None  # yuan/month
    poverty_registered: bool = False
    disability: bool = False


@dataclass(frozen=True, slots=True)
class JobOrderProfile:
    """One employer's job order (企业下单) as the engine sees it."""

    id: int
    occupation: str
    region_code: str  # place of work
    title: str = ""
    skills: tuple[str, ...] = ()
    certificates_required: tuple[str, ...] = ()
    headcount: int = 1
    wage_min: int | None = None
    wage_max: int | None = None
    age_min: int | None = None
    age_max: int | None = None
    public_welfare: bool = False
    employer_id: int | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """A scored (job order, worker) pair with its explanation.

    ``breakdown`` maps each score component to its value in [0, 1] before weighting; ``score`` is the weighted
    sum divided by the sum of weights, also in [0, 1]. ``reasons`` are short Chinese phrases for people.
    """

    job_order_id: int
    worker_id: int
    score: float
    breakdown: Mapping[str, float] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    rank: int = 0
