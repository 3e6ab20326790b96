"""Reference data from ``config/``: the occupation taxonomy, the region tree, scoring and routes.

Loaded once per process and turned into the engine's objects; the region tree is also mirrored into the
``region`` table (``sync_regions``) so that queries can join on it.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

import config
import matcher
from webapp.models import Region
from webapp.services.scope import within


@cache
def taxonomy() -> matcher.Taxonomy:
    return matcher.Taxonomy.from_records(config.load_occupations(), certificates=config.load_certificates())


@cache
def region_tree() -> matcher.RegionTree:
    return matcher.RegionTree.from_records(config.load_regions())


@cache
def scoring() -> matcher.ScoringConfig:
    return matcher.ScoringConfig.from_dict(config.load_scoring())


@cache
def routes() -> dict[str, dict[str, str]]:
    return {r["key"]: r for r in config.load_routes()}


@cache
def hard_to_employ_types() -> dict[str, dict[str, str]]:
    """``{key: {"name_zh", "name_en", ...}}`` of the 就业困难人员 sub-types (``config/eligibility.toml``)."""
    return {t["key"]: t for t in config.load_hard_to_employ()}


@cache
def public_welfare_occupations() -> frozenset[str]:
    """Codes of the occupations that exist only as public-welfare posts (公益性岗位)."""
    return frozenset(o["code"] for o in config.load_occupations() if o["public_welfare"])


@cache
def region_names() -> dict[str, str]:
    return {r["code"]: r["name_zh"] for r in config.load_regions()}


def match_context(today: date | None = None) -> matcher.MatchContext:
    return matcher.MatchContext(taxonomy(), region_tree(), scoring(), today or date.today())


def occupation_name(code: str | None) -> str:
    if not code:
        return ""
    try:
        return taxonomy().name(code)
    except KeyError:
        return code


def is_unclassified(code: str | None) -> bool:
    """Whether a stored occupation is text kept as typed rather than a catalogue code (shown as 待归类)."""
    return bool(code) and code not in taxonomy()


def region_name(code: str | None, *, full: bool = False) -> str:
    """A region's Chinese name; ``full`` gives the path below the province, e.g. 濮阳市南乐县杨村乡吴村."""
    if not code:
        return ""
    names = region_names()
    if not full:
        return names.get(code, code)
    parts: list[str] = []
    parents = _parents()
    node: str | None = code
    while node:
        parts.append(names.get(node, node))
        node = parents.get(node)
    parts.reverse()
    return "".join(parts[1:] if len(parts) > 2 else parts)


@cache
def _parents() -> dict[str, str | None]:
    return {r["code"]: r["parent_code"] for r in config.load_regions()}


def occupation_options() -> list[tuple[str, str]]:
    """``(code, Chinese name)`` of every occupation in taxonomy order, for pick lists on the pages."""
    return [(occ.code, occ.name_zh) for occ in taxonomy().occupations]


def route_options() -> list[tuple[str, str]]:
    """``(key, Chinese name)`` of the employment routes, in the order of ``config/``."""
    return [(key, route["name_zh"]) for key, route in routes().items()]


def region_options(within_code: str | None = None) -> list[tuple[str, str]]:
    """``(code, full Chinese name)`` of every region (or of those at or below ``within_code``), by code."""
    return [
        (code, region_name(code, full=True))
        for code in sorted(region_names())
        if within_code is None or within(code, within_code)
    ]


def sync_regions(session: Session) -> int:
    """Insert or update the region table from ``config/regions.csv``; returns rows written. Commits."""
    existing = {r.code: r for r in session.scalars(select(Region))}
    written = 0
    # parents first so that foreign keys hold on PostgreSQL
    order = {"province": 0, "city": 1, "county": 2, "township": 3, "village": 4}
    for rec in sorted(config.load_regions(), key=lambda r: (order[r["level"]], r["code"])):
        row = existing.get(rec["code"])
        values = {
            "parent_code": rec["parent_code"],
            "level": rec["level"],
            "name_zh": rec["name_zh"],
            "name_en": rec["name_en"],
        }
        if row is None:
            session.add(Region(code=rec["code"], **values))
            written += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            written += 1
        if written and written % 500 == 0:
            session.flush()
    session.commit()
    return written
