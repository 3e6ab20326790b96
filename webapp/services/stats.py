"""Statistics by region: the figures the province judges the bureau on, and their weekly trend.

Definitions (all within the region, i.e. workers whose home is at or below it):

- **registered-poor labour force** (建档立卡贫困劳动力): workers flagged ``poverty_registered``;
- **employed**: those with an active placement or with status ``employed``; **employment rate** = employed /
  labour force;
- **trained**: those with a completed training (``completed_training`` not empty, or a completed enrolment of
  the training feature); **training rate** = trained / labour force;
- **placements** in the period: placements whose start date lies in it, by employment route and by destination:
  ``local`` (in the worker's home county), ``in_province`` (elsewhere in the home province) and
  ``out_of_province``;
- **fairs**: fairs organised at or below the region in the period, their job orders, check-ins and hires;
- **unmet demand**: open posts (headcount − filled) of open job orders, by occupation;
- **follow-ups**: visits due in the period: made, overdue, and those that found the worker had left;
- **trend**: the weekly snapshots (``take_snapshots``, run by the scheduler) of the region.

Each region's figures come with those of its children one level down (city → counties, county → townships,
township → villages), ranked by employment rate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import String, case, cast, exists, func, or_, select
from sqlalchemy.orm import Session

import config
from webapp import policy
from webapp.errors import NotFound
from webapp.models import JobOrder, Placement, Worker
from webapp.models.fairs import Fair, FairCheckIn, FairJobOrder, FairOutcome
from webapp.models.followups import FollowUp, StatsSnapshot
from webapp.models.training import Enrolment
from webapp.services import reference, transaction
from webapp.services.followups import overdue_cutoff
from webapp.services.scope import Actor, region_level, region_prefix

DESTINATIONS = ("local", "in_province", "out_of_province")
DESTINATION_NAMES = {"local": "本县", "in_province": "省内县外", "out_of_province": "省外"}
REST = "_rest"  # workers registered at the region itself, not in any child


@cache
def settings() -> dict[str, Any]:
    return dict(config.load_statistics_settings())


def home_region() -> str:
    return str(settings()["home_region"])


@cache
def _children_index() -> dict[str, list[str]]:
    children: dict[str, list[str]] = defaultdict(list)
    for rec in config.load_regions():
        if rec["parent_code"]:
            children[rec["parent_code"]].append(rec["code"])
    return {k: sorted(v) for k, v in children.items()}


def children_of(code: str) -> list[str]:
    return list(_children_index().get(code, []))


@cache
def _parent_index() -> dict[str, str | None]:
    return {rec["code"]: rec["parent_code"] for rec in config.load_regions()}


def parent_of(code: str) -> str | None:
    """The region one level up in the tree (``None`` for a province or an unknown code)."""
    return _parent_index().get(code)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class Figures:
    """The registered-poor figures of one region."""

    code: str
    name: str
    labour_force: int = 0
    employed: int = 0
    trained: int = 0
    seeking: int = 0
    rank: int | None = None

    @property
    def employment_rate(self) -> float | None:
        return _rate(self.employed, self.labour_force)

    @property
    def training_rate(self) -> float | None:
        return _rate(self.trained, self.labour_force)

    def to_dict(self) -> dict[str, Any]:
        return {
            "region_code": self.code,
            "region_name": self.name,
            "labour_force": self.labour_force,
            "employed": self.employed,
            "employment_rate": self.employment_rate,
            "trained": self.trained,
            "training_rate": self.training_rate,
            "seeking": self.seeking,
            "rank": self.rank,
        }


@dataclass(frozen=True)
class TrendPoint:
    taken_on: date
    labour_force: int
    employed: int
    trained: int
    placements: int

    @property
    def employment_rate(self) -> float | None:
        return _rate(self.employed, self.labour_force)

    @property
    def training_rate(self) -> float | None:
        return _rate(self.trained, self.labour_force)

    def to_dict(self) -> dict[str, Any]:
        return {
            "taken_on": self.taken_on.isoformat(),
            "labour_force": self.labour_force,
            "employed": self.employed,
            "employment_rate": self.employment_rate,
            "trained": self.trained,
            "training_rate": self.training_rate,
            "placements": self.placements,
        }


@dataclass(frozen=True)
class Dashboard:
    region: Figures
    level: str
    child_level: str | None
    children: list[Figures]
    date_from: date
    date_to: date
    placements_total: int
    placements_poor: int
    by_route: list[dict[str, Any]]
    by_destination: list[dict[str, Any]]
    fairs: dict[str, Any]
    unmet_demand: list[dict[str, Any]]
    follow_ups: dict[str, int]
    trend: list[TrendPoint] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "region": self.region.to_dict(),
            "level": self.level,
            "child_level": self.child_level,
            "children": [c.to_dict() for c in self.children],
            "period": {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()},
            "placements": {
                "total": self.placements_total,
                "registered_poor": self.placements_poor,
                "by_route": self.by_route,
                "by_destination": self.by_destination,
            },
            "fairs": self.fairs,
            "unmet_demand": self.unmet_demand,
            "follow_ups": self.follow_ups,
            "trend": [p.to_dict() for p in self.trend],
        }


# --- the counts -------------------------------------------------------------------------------------------


def _trained_clause() -> Any:
    listed = func.coalesce(cast(Worker.completed_training, String), "[]").not_in(("[]", "null", ""))
    completed = exists().where(Enrolment.worker_id == Worker.id, Enrolment.status == "completed")
    return or_(listed, completed)


def _employed_clause() -> Any:
    active = exists().where(Placement.worker_id == Worker.id, Placement.status == "active")
    return or_(Worker.status == "employed", active)


def _count(cond: Any) -> Any:
    return func.sum(case((cond, 1), else_=0))


def tally(session: Session, region_code: str) -> dict[str, tuple[int, int, int, int]]:
    """``home region code → (labour force, employed, trained, seeking)`` of registered-poor workers."""
    employed = _employed_clause()
    rows = session.execute(
        select(
            Worker.region_code,
            func.count(Worker.id),
            _count(employed),
            _count(_trained_clause()),
            _count(Worker.status == "seeking"),
        )
        .where(Worker.poverty_registered.is_(True), Worker.region_code.startswith(region_prefix(region_code)))
        .group_by(Worker.region_code)
    )
    return {code: (int(n), int(e or 0), int(t or 0), int(s or 0)) for code, n, e, t, s in rows}


def _child_key(code: str, children: Iterable[str]) -> str:
    for child in children:
        if code.startswith(region_prefix(child)):
            return child
    return REST


def _roll_up(counts: dict[str, tuple[int, int, int, int]], region_code: str) -> tuple[Figures, list[Figures]]:
    children = children_of(region_code)
    sums: dict[str, list[int]] = {c: [0, 0, 0, 0] for c in children}
    total = [0, 0, 0, 0]
    for code, values in counts.items():
        key = _child_key(code, children)
        bucket = sums.setdefault(key, [0, 0, 0, 0])
        for i, v in enumerate(values):
            bucket[i] += v
            total[i] += v
    figures = [
        Figures(
            key,
            reference.region_name(key) if key != REST else "直属（未细分到下级）",
            *values,
        )
        for key, values in sums.items()
        if key != REST or values[0]
    ]
    ranked = sorted(
        (f for f in figures if f.labour_force),
        key=lambda f: (-(f.employment_rate or 0.0), -f.labour_force, f.code),
    )
    ranks = {f.code: number for number, f in enumerate(ranked, start=1)}
    ordered = [replace(f, rank=ranks[f.code]) for f in ranked] + [f for f in figures if not f.labour_force]
    region = Figures(region_code, reference.region_name(region_code, full=True), *total)
    return region, ordered


def _placements(
    session: Session, region_code: str, date_from: date, date_to: date
) -> tuple[int, int, list[dict[str, Any]], list[dict[str, Any]]]:
    rows = session.execute(
        select(
            Placement.route,
            Worker.region_code,
            Placement.region_code,
            Worker.poverty_registered,
            func.count(Placement.id),
        )
        .join(Worker, Placement.worker_id == Worker.id)
        .where(
            Worker.region_code.startswith(region_prefix(region_code)),
            Placement.start_date >= date_from,
            Placement.start_date <= date_to,
        )
        .group_by(Placement.route, Worker.region_code, Placement.region_code, Worker.poverty_registered)
    )
    routes: dict[str, list[int]] = {key: [0, 0] for key in reference.routes()}
    places: dict[str, list[int]] = {key: [0, 0] for key in DESTINATIONS}
    total = poor = 0
    for route, home, work, poverty, n in rows:
        n = int(n)
        total += n
        poor += n if poverty else 0
        for bucket in (routes.setdefault(route, [0, 0]), places[destination(home, work)]):
            bucket[0] += n
            bucket[1] += n if poverty else 0
    names = reference.routes()
    by_route = [
        {
            "route": key,
            "name": names[key]["name_zh"] if key in names else key,
            "placements": v[0],
            "registered_poor": v[1],
        }
        for key, v in routes.items()
    ]
    by_destination = [
        {"destination": key, "name": DESTINATION_NAMES[key], "placements": v[0], "registered_poor": v[1]}
        for key, v in places.items()
    ]
    return total, poor, by_route, by_destination


def destination(home: str, work: str) -> str:
    """Where a job is, seen from the worker's home.

    >>> destination("410923201001", "410923"), destination("410923201001", "410900"), destination("410923", "320500")
    ('local', 'in_province', 'out_of_province')
    """
    if work.startswith(home[:6]):
        return "local"
    if work[:2] == home[:2]:
        return "in_province"
    return "out_of_province"


def _fairs(session: Session, region_code: str, date_from: date, date_to: date, today: date) -> dict[str, Any]:
    fairs = session.execute(
        select(Fair.id, Fair.kind, Fair.date).where(
            Fair.region_code.startswith(region_prefix(region_code)),
            Fair.status != "cancelled",
            Fair.date >= date_from,
            Fair.date <= date_to,
        )
    ).all()
    kind_of = {fid: kind for fid, kind, day in fairs if day <= today}
    names = {k["key"]: k["name_zh"] for k in config.load_fair_settings()["kinds"]}
    names.update({kind: kind for kind in kind_of.values() if kind not in names})
    empty = {"held": 0, "job_orders": 0, "check_ins": 0, "hired": 0}
    per_kind = {key: {"kind": key, "name": name, **empty} for key, name in names.items()}
    totals: dict[str, Any] = {**empty, "held": len(kind_of), "planned": len(fairs) - len(kind_of)}
    for kind in kind_of.values():
        per_kind[kind]["held"] += 1
    held = list(kind_of)
    if held:
        queries = (
            ("job_orders", FairJobOrder.fair_id, select(FairJobOrder.fair_id, func.count(FairJobOrder.id))),
            ("check_ins", FairCheckIn.fair_id, select(FairCheckIn.fair_id, func.count(FairCheckIn.id))),
            (
                "hired",
                FairOutcome.fair_id,
                select(FairOutcome.fair_id, func.count(FairOutcome.id)).where(FairOutcome.outcome == "hired"),
            ),
        )
        for key, column, stmt in queries:
            for fid, n in session.execute(stmt.where(column.in_(held)).group_by(column)):
                totals[key] += int(n)
                per_kind[kind_of[fid]][key] += int(n)
    totals["by_kind"] = list(per_kind.values())
    return totals


def _unmet_demand(session: Session, actor: Actor, limit: int) -> list[dict[str, Any]]:
    open_posts = func.sum(JobOrder.headcount - JobOrder.filled)
    rows = session.execute(
        select(JobOrder.occupation_code, func.count(JobOrder.id), open_posts)
        .where(policy.filter_for(actor, JobOrder), JobOrder.status == "open")
        .group_by(JobOrder.occupation_code)
        .order_by(open_posts.desc(), JobOrder.occupation_code)
        .limit(limit)
    )
    return [
        {
            "occupation": code,
            "occupation_name": reference.occupation_name(code),
            "job_orders": int(orders),
            "open_posts": int(posts or 0),
        }
        for code, orders, posts in rows
    ]


def _follow_ups(
    session: Session, region_code: str, date_from: date, date_to: date, today: date
) -> dict[str, int]:
    cutoff = overdue_cutoff(today)
    row = session.execute(
        select(
            func.count(FollowUp.id),
            _count(FollowUp.status == "done"),
            _count((FollowUp.status == "scheduled") & (FollowUp.due_on < cutoff)),
            _count(FollowUp.outcome == "left"),
        )
        .join(Worker, FollowUp.worker_id == Worker.id)
        .where(
            Worker.region_code.startswith(region_prefix(region_code)),
            FollowUp.status != "cancelled",
            FollowUp.due_on >= date_from,
            FollowUp.due_on <= min(date_to, today),
        )
    ).one()
    return {
        "due": int(row[0]),
        "done": int(row[1] or 0),
        "overdue": int(row[2] or 0),
        "left": int(row[3] or 0),
    }


def trend(session: Session, region_code: str, *, weeks: int | None = None) -> list[TrendPoint]:
    """The region's latest weekly snapshots, oldest first."""
    rows = session.scalars(
        select(StatsSnapshot)
        .where(StatsSnapshot.region_code == region_code)
        .order_by(StatsSnapshot.taken_on.desc())
        .limit(weeks or int(settings()["trend_weeks"]))
    ).all()
    return [
        TrendPoint(s.taken_on, s.labour_force, s.employed, s.trained, s.placements) for s in reversed(rows)
    ]


# --- the dashboard ----------------------------------------------------------------------------------------


def default_region(actor: Actor) -> str:
    return actor.region_code or home_region()


def check_region(actor: Actor, region_code: str) -> None:
    """Staff see their region and below; admins see all (404 otherwise, as for records)."""
    policy.require(actor, "read", "stats", message="仅限人社部门工作人员")
    if not policy.can(actor, "read", policy.Subject("stats", region_code=region_code)):
        raise NotFound("该地区不在您的管辖范围内")


def default_period(today: date) -> tuple[date, date]:
    """From the first of January to today."""
    return date(today.year, 1, 1), today


def dashboard(
    session: Session,
    actor: Actor,
    *,
    region_code: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    today: date | None = None,
) -> Dashboard:
    """All the figures of a region for a period (defaults: the actor's region, this year to date)."""
    today = today or date.today()
    code = region_code or default_region(actor)
    check_region(actor, code)
    start, end = default_period(today)
    date_from, date_to = date_from or start, date_to or end
    region, children = _roll_up(tally(session, code), code)
    total, poor, by_route, by_destination = _placements(session, code, date_from, date_to)
    level = region_level(code)
    child_codes = children_of(code)
    return Dashboard(
        region=region,
        level=level,
        child_level=region_level(child_codes[0]) if child_codes else None,
        children=children,
        date_from=date_from,
        date_to=date_to,
        placements_total=total,
        placements_poor=poor,
        by_route=by_route,
        by_destination=by_destination,
        fairs=_fairs(session, code, date_from, date_to, today),
        unmet_demand=_unmet_demand(session, actor, int(settings()["top_occupations"])),
        follow_ups=_follow_ups(session, code, date_from, date_to, today),
        trend=trend(session, code),
    )


def snapshot_regions() -> list[str]:
    """The home region and every county and township below it."""
    home = home_region()
    out = [home]
    for county in children_of(home):
        out.append(county)
        out.extend(children_of(county))
    return out


def take_snapshots(session: Session, *, today: date | None = None) -> dict[str, int]:
    """The weekly snapshot: today's figures of every region of :func:`snapshot_regions` (taken again the same
    day, it replaces that day's rows)."""
    today = today or date.today()
    home = home_region()
    counts = tally(session, home)
    week_start = today - timedelta(days=6)
    placed = session.execute(
        select(Worker.region_code, func.count(Placement.id))
        .join(Worker, Placement.worker_id == Worker.id)
        .where(
            Worker.region_code.startswith(region_prefix(home)),
            Worker.poverty_registered.is_(True),
            Placement.start_date >= week_start,
            Placement.start_date <= today,
        )
        .group_by(Worker.region_code)
    ).all()
    regions = snapshot_regions()
    with transaction(session):
        existing = {
            s.region_code: s
            for s in session.scalars(select(StatsSnapshot).where(StatsSnapshot.taken_on == today))
        }
        written = 0
        for code in regions:
            prefix = region_prefix(code)
            sums = [0, 0, 0, 0]
            for home_code, values in counts.items():
                if home_code.startswith(prefix):
                    for i, v in enumerate(values):
                        sums[i] += v
            placements = sum(int(n) for home_code, n in placed if home_code.startswith(prefix))
            row = existing.get(code) or StatsSnapshot(region_code=code, taken_on=today)
            row.labour_force, row.employed, row.trained, row.seeking = sums
            row.placements = placements
            session.add(row)
            written += 1
    return {"regions": written, "labour_force": sum(v[0] for v in counts.values())}
