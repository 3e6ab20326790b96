"""Editable data of Liudan (六单) and the small loaders that read it.

The bureau edits the files beside this module; code reads them only through these functions:

=========================  ==============================================================================
``occupations.toml``       occupation taxonomy: code, names, synonyms, skills, certificates
``regions.csv``            GB/T 2260 region tree: province › city › county › township › village
``scoring.toml``           weights and other knobs of the matching engine
``routes.toml``            employment routes (六个一批)
``fairs.toml``             kinds of recruitment fair and pre-fair shortlist defaults
``security.toml``          retention periods, login throttling and upload limits
``subsidies.toml``         training subsidy standards per occupation (政府统一买单) and course rules
``households.toml``        防返贫 monitoring categories, risk flags and visit reminders (四不摘)
=========================  ==============================================================================

Each ``parse_*`` function reads one file from any path, checks it and returns plain lists and dicts; any problem
raises :class:`ValueError` naming the file, the entry and what is wrong. Each ``load_*`` function parses the
file shipped in :data:`DATA_DIR` once per process (``functools.cache``): treat what it returns as read-only.

This package uses only the standard library and imports neither ``matcher`` nor ``webapp``.

Example:
    >>> welder = next(o for o in load_occupations() if o["name_zh"] == "焊工")
    >>> "电焊工" in welder["synonyms"]
    True
    >>> load_scoring()["weights"]["occupation"]
    0.35
"""

from __future__ import annotations

import csv
import functools
import math
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "DATA_DIR",
    "OCCUPATION_CATEGORIES",
    "REGION_LEVELS",
    "SCORE_COMPONENTS",
    "DISTANCE_LEVELS",
    "CERTIFICATE_SCHEMES",
    "load_certificates",
    "load_occupations",
    "load_regions",
    "load_scoring",
    "load_routes",
    "load_fair_settings",
    "load_hard_to_employ",
    "load_followup_settings",
    "load_statistics_settings",
    "load_subsidies",
    "parse_certificates",
    "parse_occupations",
    "parse_regions",
    "parse_scoring",
    "parse_routes",
    "parse_fair_settings",
    "parse_hard_to_employ",
    "parse_security_settings",
    "load_security_settings",
    "parse_subsidies",
    "parse_household_settings",
    "load_household_settings",
]

#: Folder holding the editable data files.
DATA_DIR: Path = Path(__file__).resolve().parent

#: Allowed values of an occupation's ``category``.
OCCUPATION_CATEGORIES: tuple[str, ...] = (
    "building",
    "manufacturing",
    "sewing",
    "food_processing",
    "catering",
    "beauty",
    "domestic_care",
    "logistics",
    "agriculture",
    "security",
    "cleaning",
    "public_welfare",
    "retail",
    "energy_chemical",
    "office_it",
    "other",
)

#: Region levels from the root down; each level's parent has the level just before it.
REGION_LEVELS: tuple[str, ...] = ("province", "city", "county", "township", "village")

#: Score components named in ``[weights]`` of ``scoring.toml``.
SCORE_COMPONENTS: tuple[str, ...] = (
    "occupation",
    "certificates",
    "distance",
    "wage",
    "wish",
    "training",
    "priority",
)

#: Keys of ``[distance]`` in ``scoring.toml``, nearest first (the worker mobility levels).
DISTANCE_LEVELS: tuple[str, ...] = ("village", "township", "county", "city", "province", "national")

_OCCUPATION_FIELDS = (
    "code",
    "name_zh",
    "name_en",
    "category",
    "synonyms",
    "skills",
    "certificates",
    "public_welfare",
)
#: Fields an occupation may leave out.
_OCCUPATION_OPTIONAL = ("related", "code_2022")
_OCCUPATION_CODE = re.compile(r"\d-\d{2}-\d{2}-\d{2}|ISCO-\d{4}(-\d{2})?")
_REGION_HEADER = ["code", "parent_code", "level", "name_zh", "name_en"]
_REGION_CODE_LENGTH = {"province": 6, "city": 6, "county": 6, "township": 9, "village": 12}
# how many leading digits a region shares with its parent's code
_REGION_PREFIX = {"city": 2, "county": 4, "township": 6, "village": 9}
_KEY = re.compile(r"[a-z][a-z0-9_]*")


def _fail(path: Path, where: str, problem: str) -> ValueError:
    return ValueError(f"{path.name}: {where}: {problem}")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ValueError(f"{path.name}: file not found at {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path.name}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path.name}: not UTF-8 text: {exc}") from None


def _check_keys(path: Path, where: str, table: Mapping[str, Any], required: tuple[str, ...]) -> None:
    missing = [k for k in required if k not in table]
    if missing:
        raise _fail(path, where, f"missing {', '.join(missing)}")
    unknown = [k for k in table if k not in required]
    if unknown:
        raise _fail(path, where, f"unknown key {', '.join(unknown)} (allowed: {', '.join(required)})")


def _text(path: Path, where: str, table: Mapping[str, Any], key: str) -> str:
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, where, f"{key} must be a non-empty string, got {value!r}")
    return value.strip()


def _text_list(path: Path, where: str, table: Mapping[str, Any], key: str) -> list[str]:
    value = table[key]
    if not isinstance(value, list):
        raise _fail(path, where, f"{key} must be a list of strings, got {value!r}")
    out: list[str] = []
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise _fail(path, where, f"{key} must hold non-empty strings, got {item!r}")
        text = item.strip()
        if text.casefold() in seen:
            raise _fail(path, where, f"{key} lists {text!r} twice")
        seen.add(text.casefold())
        out.append(text)
    return out


def _number(path: Path, where: str, key: str, value: Any, *, integer: bool = False) -> float:
    """``value`` if it is a finite number (a whole number when ``integer``); booleans are not numbers."""
    ok = isinstance(value, int) if integer else isinstance(value, int | float)
    if isinstance(value, bool) or not ok or not math.isfinite(value):
        kind = "a whole number" if integer else "a number"
        raise _fail(path, where, f"{key} must be {kind}, got {value!r}")
    return float(value) if isinstance(value, float) else int(value)


def _check_top_level(path: Path, data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = [k for k in data if k not in allowed]
    if unknown:
        raise _fail(
            path, "file", f"unknown top-level key {', '.join(unknown)} (allowed: {', '.join(allowed)})"
        )


def _array_of_tables(path: Path, data: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    entries = data.get(name)
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise _fail(path, "file", f"expected one or more [[{name}]] tables")
    return entries


# --------------------------------------------------------------------------------------------- occupations


def parse_occupations(path: str | Path) -> list[dict[str, Any]]:
    """Read and check an occupation taxonomy file; return one dict per occupation, in file order.

    Each dict has the keys ``code``, ``name_zh``, ``name_en``, ``category``, ``synonyms``, ``skills``,
    ``certificates`` (lists of str) and ``public_welfare`` (bool). Codes and Chinese names are unique; a
    synonym appears once in the whole file and never equals an occupation's Chinese name (compared after
    trimming and case-folding).

    Example:
        >>> occ = parse_occupations(DATA_DIR / "occupations.toml")
        >>> next(o["code"] for o in occ if "月嫂" in o["synonyms"]) == next(
        ...     o["code"] for o in occ if o["name_zh"] == "母婴护理员")
        True
    """
    path = Path(path)
    data = _read_toml(path)
    _check_top_level(path, data, ("occupation",))
    occupations: list[dict[str, Any]] = []
    for number, entry in enumerate(_array_of_tables(path, data, "occupation"), start=1):
        label = entry.get("name_zh") or entry.get("code") or "?"
        where = f"occupation #{number} ({label})"
        _check_keys(
            path, where, {k: v for k, v in entry.items() if k not in _OCCUPATION_OPTIONAL}, _OCCUPATION_FIELDS
        )
        code = _text(path, where, entry, "code")
        code_2022 = _text(path, where, entry, "code_2022") if "code_2022" in entry else None
        if code_2022 is not None and not _OCCUPATION_CODE.fullmatch(code_2022):
            raise _fail(path, where, f"code_2022 {code_2022!r} is not like '4-03-02-01'")
        if not _OCCUPATION_CODE.fullmatch(code):
            raise _fail(path, where, f"code {code!r} is neither like '4-03-02-01' nor like 'ISCO-9112-01'")
        category = _text(path, where, entry, "category")
        if category not in OCCUPATION_CATEGORIES:
            raise _fail(
                path, where, f"unknown category {category!r} (allowed: {', '.join(OCCUPATION_CATEGORIES)})"
            )
        public_welfare = entry["public_welfare"]
        if not isinstance(public_welfare, bool):
            raise _fail(path, where, f"public_welfare must be true or false, got {public_welfare!r}")
        if public_welfare != (category == "public_welfare"):
            raise _fail(path, where, "public_welfare must be true exactly when category is 'public_welfare'")
        occupations.append(
            {
                "code": code,
                "name_zh": _text(path, where, entry, "name_zh"),
                "name_en": _text(path, where, entry, "name_en"),
                "category": category,
                "synonyms": _text_list(path, where, entry, "synonyms"),
                "skills": _text_list(path, where, entry, "skills"),
                "certificates": _text_list(path, where, entry, "certificates"),
                "public_welfare": public_welfare,
                "code_2022": code_2022,
                "related": _related(path, where, entry.get("related", [])),
            }
        )
    _check_occupation_uniqueness(path, occupations)
    _check_related(path, occupations)
    return occupations


def _related(path: Path, where: str, value: Any) -> list[dict[str, Any]]:
    """``related = [{ name = "保育员", similarity = 0.8 }, …]``: names and similarities in (0, 1]."""
    if not isinstance(value, list):
        raise _fail(path, where, f"related must be a list of {{ name, similarity }} tables, got {value!r}")
    out: list[dict[str, Any]] = []
    for item in value:
        if not isinstance(item, dict):
            raise _fail(path, where, f"related must hold {{ name, similarity }} tables, got {item!r}")
        _check_keys(path, f"{where} related", item, ("name", "similarity"))
        name = _text(path, f"{where} related", item, "name")
        similarity = _number(path, f"{where} related {name}", "similarity", item["similarity"])
        if not 0 < similarity <= 1:
            raise _fail(path, f"{where} related {name}", f"similarity must be in (0, 1], got {similarity!r}")
        out.append({"name": name, "similarity": float(similarity)})
    return out


def _check_related(path: Path, occupations: list[dict[str, Any]]) -> None:
    names = {occ["name_zh"] for occ in occupations}
    for number, occ in enumerate(occupations, start=1):
        where = f"occupation #{number} ({occ['name_zh']})"
        seen: set[str] = set()
        for rel in occ["related"]:
            if rel["name"] not in names:
                raise _fail(path, f"{where} related", f"unknown occupation {rel['name']!r} (use a name_zh)")
            if rel["name"] == occ["name_zh"]:
                raise _fail(path, f"{where} related", "an occupation cannot be related to itself")
            if rel["name"] in seen:
                raise _fail(path, f"{where} related", f"{rel['name']!r} is listed twice")
            seen.add(rel["name"])


# -------------------------------------------------------------------------------------------- certificates

#: Issuing schemes of the certificate catalogue (see ``certificates.toml``).
CERTIFICATE_SCHEMES: tuple[str, ...] = (
    "special_operations",
    "construction",
    "special_equipment",
    "driving",
    "health",
    "security",
    "skill",
)
_CERTIFICATE_FIELDS = ("id", "name", "scheme", "code", "card_names", "aliases", "covers", "required_for")
_CERTIFICATE_CODE = re.compile(r"[A-Z][0-9]?")


def _fold(text: str) -> str:
    """Width, case, spaces and punctuation folded (the engine also folds traditional characters)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def parse_certificates(path: str | Path, occupation_names: Iterable[str]) -> list[dict[str, Any]]:
    """Read and check the certificate catalogue; return one dict per certificate, in file order, with the keys of
    ``certificates.toml`` (lists of str for the list fields). ``occupation_names`` are the known occupations
    (``name_zh``) that ``required_for`` may name.

    Checked: ids are unique keys; the scheme is known; a code is like ``N1``/``B2``/``T`` and unique within its
    scheme; names, card names and aliases are unique across the file (after folding width, case and
    punctuation); ``covers`` names other known ids; ``required_for`` names known occupations and is
    empty for ``skill`` certificates.

    Example:
        >>> certs = parse_certificates(DATA_DIR / "certificates.toml", [o["name_zh"] for o in load_occupations()])
        >>> a2 = next(c for c in certs if c["code"] == "A2")
        >>> "drive_b2" in a2["covers"]
        True
    """
    path = Path(path)
    known = set(occupation_names)
    data = _read_toml(path)
    _check_top_level(path, data, ("certificate",))
    out: list[dict[str, Any]] = []
    ids: dict[str, int] = {}
    names: dict[str, str] = {}
    codes: dict[tuple[str, str], str] = {}
    for number, entry in enumerate(_array_of_tables(path, data, "certificate"), start=1):
        where = f"certificate #{number} ({entry.get('id') or entry.get('name') or '?'})"
        _check_keys(path, where, entry, _CERTIFICATE_FIELDS)
        cid = _text(path, where, entry, "id")
        if not _KEY.fullmatch(cid):
            raise _fail(path, where, f"id {cid!r} must be lower-case letters, digits and '_'")
        if cid in ids:
            raise _fail(path, where, f"duplicate id {cid!r}, already certificate #{ids[cid]}")
        ids[cid] = number
        scheme = _text(path, where, entry, "scheme")
        if scheme not in CERTIFICATE_SCHEMES:
            raise _fail(path, where, f"unknown scheme {scheme!r} (allowed: {', '.join(CERTIFICATE_SCHEMES)})")
        code = entry["code"]
        if not isinstance(code, str) or (code and not _CERTIFICATE_CODE.fullmatch(code)):
            raise _fail(path, where, f"code must be '' or like 'N1', 'B2', 'T', got {code!r}")
        if code:
            if (scheme, code) in codes:
                raise _fail(
                    path, where, f"code {code!r} of scheme {scheme} is already {codes[(scheme, code)]}"
                )
            codes[(scheme, code)] = cid
        record = {
            "id": cid,
            "name": _text(path, where, entry, "name"),
            "scheme": scheme,
            "code": code,
            "card_names": _text_list(path, where, entry, "card_names"),
            "aliases": _text_list(path, where, entry, "aliases"),
            "covers": _text_list(path, where, entry, "covers"),
            "required_for": _text_list(path, where, entry, "required_for"),
        }
        for text in (record["name"], *record["card_names"], *record["aliases"]):
            key = _fold(text)
            if not key:
                raise _fail(path, where, f"name {text!r} has nothing left after folding punctuation")
            if key in names:
                raise _fail(path, where, f"name clash: {text!r} is also a name of {names[key]}")
            names[key] = cid
        for occupation in record["required_for"]:
            if occupation not in known:
                raise _fail(
                    path, f"{where} required_for", f"unknown occupation {occupation!r} (use a name_zh)"
                )
        if scheme == "skill" and record["required_for"]:
            raise _fail(path, f"{where} required_for", "a skill certificate is never legally required")
        out.append(record)
    for number, record in enumerate(out, start=1):
        where = f"certificate #{number} ({record['id']})"
        for covered in record["covers"]:
            if covered not in ids:
                raise _fail(path, f"{where} covers", f"unknown certificate id {covered!r}")
            if covered == record["id"]:
                raise _fail(path, f"{where} covers", "a certificate cannot cover itself")
    return out


def _check_occupation_uniqueness(path: Path, occupations: list[dict[str, Any]]) -> None:
    codes: dict[str, str] = {}
    names: dict[str, str] = {}  # folded name -> name
    for number, occ in enumerate(occupations, start=1):
        where = f"occupation #{number} ({occ['name_zh']})"
        if occ["code"] in codes:
            raise _fail(path, where, f"duplicate code {occ['code']!r}, already used by {codes[occ['code']]}")
        codes[occ["code"]] = occ["name_zh"]
        folded = occ["name_zh"].casefold()
        if folded in names:
            raise _fail(path, where, f"duplicate name_zh {occ['name_zh']!r}")
        names[folded] = occ["name_zh"]
    synonyms: dict[str, str] = {}  # folded synonym -> owning occupation
    for number, occ in enumerate(occupations, start=1):
        where = f"occupation #{number} ({occ['name_zh']})"
        for synonym in occ["synonyms"]:
            folded = synonym.casefold()
            if folded in names:
                owner = names[folded]
                whose = "its own name" if owner == occ["name_zh"] else f"the name of occupation {owner}"
                raise _fail(path, where, f"synonym clash: {synonym!r} is {whose}")
            if folded in synonyms:
                raise _fail(
                    path, where, f"synonym clash: {synonym!r} is also a synonym of {synonyms[folded]}"
                )
            synonyms[folded] = occ["name_zh"]


# ------------------------------------------------------------------------------------------------- regions


def parse_regions(path: str | Path) -> list[dict[str, Any]]:
    """Read and check a region tree CSV; return one dict per region, in file order.

    Each dict has ``code``, ``parent_code`` (``None`` for provinces), ``level`` (one of :data:`REGION_LEVELS`),
    ``name_zh`` and ``name_en``. Codes are unique digits of the level's length (6 for province, city and county,
    9 for township, 12 for village) and start with the parent's prefix; every parent exists and has the level
    just above; siblings have distinct Chinese names.

    Example:
        >>> regions = {r["code"]: r for r in parse_regions(DATA_DIR / "regions.csv")}
        >>> regions["410923"]["name_zh"], regions["410923"]["parent_code"]
        ('南乐县', '410900')
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except FileNotFoundError:
        raise ValueError(f"{path.name}: file not found at {path}") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path.name}: not UTF-8 text: {exc}") from None
    if not rows or [c.strip() for c in rows[0]] != _REGION_HEADER:
        raise _fail(path, "line 1", f"header must be {','.join(_REGION_HEADER)}")
    regions: list[dict[str, Any]] = []
    line_of: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(_REGION_HEADER):
            raise _fail(path, f"line {line}", f"expected {len(_REGION_HEADER)} columns, got {len(row)}")
        code, parent_code, level, name_zh, name_en = (cell.strip() for cell in row)
        where = f"line {line} (region {code or '?'} {name_zh})"
        if level not in REGION_LEVELS:
            raise _fail(path, where, f"unknown level {level!r} (allowed: {', '.join(REGION_LEVELS)})")
        if not code.isdigit() or len(code) != _REGION_CODE_LENGTH[level]:
            raise _fail(
                path, where, f"a {level} code must be {_REGION_CODE_LENGTH[level]} digits, got {code!r}"
            )
        if level == "province" and not code.endswith("0000"):
            raise _fail(path, where, f"a province code ends in 0000, got {code!r}")
        if level == "city" and (not code.endswith("00") or code.endswith("0000")):
            raise _fail(path, where, f"a city code ends in 00 (but not 0000), got {code!r}")
        if level == "county" and code.endswith("00"):
            raise _fail(path, where, f"a county code does not end in 00, got {code!r}")
        if code in line_of:
            raise _fail(path, where, f"duplicate code {code}, first on line {line_of[code]}")
        if not name_zh or not name_en:
            raise _fail(path, where, "name_zh and name_en must not be empty")
        if level == "province":
            if parent_code:
                raise _fail(path, where, f"a province has no parent_code, got {parent_code!r}")
        elif not parent_code:
            raise _fail(path, where, f"a {level} needs a parent_code")
        line_of[code] = line
        regions.append(
            {
                "code": code,
                "parent_code": parent_code or None,
                "level": level,
                "name_zh": name_zh,
                "name_en": name_en,
            }
        )
    if not regions:
        raise _fail(path, "file", "no regions")
    by_code = {r["code"]: r for r in regions}
    sibling_names: dict[tuple[str | None, str], str] = {}
    for region in regions:
        where = f"line {line_of[region['code']]} (region {region['code']} {region['name_zh']})"
        parent_code = region["parent_code"]
        if parent_code is not None:
            parent = by_code.get(parent_code)
            if parent is None:
                raise _fail(path, where, f"unknown parent {parent_code}")
            expected = REGION_LEVELS[REGION_LEVELS.index(region["level"]) - 1]
            if parent["level"] != expected:
                raise _fail(
                    path,
                    where,
                    f"a {region['level']} must hang under a {expected}, "
                    f"but parent {parent_code} is a {parent['level']}",
                )
            prefix = _REGION_PREFIX[region["level"]]
            if region["code"][:prefix] != parent_code[:prefix]:
                raise _fail(
                    path, where, f"code does not start with its parent's prefix {parent_code[:prefix]}"
                )
        key = (parent_code, region["name_zh"])
        if key in sibling_names:
            raise _fail(path, where, f"name {region['name_zh']} also used by sibling {sibling_names[key]}")
        sibling_names[key] = region["code"]
    return regions


# ------------------------------------------------------------------------------------------------- scoring

_SCORING_SECTIONS: dict[str, tuple[str, ...]] = {
    "weights": SCORE_COMPONENTS,
    "distance": DISTANCE_LEVELS,
    "fuzzy": ("cutoff",),
    "age": ("min_working_age", "max_working_age"),
    "ranking": ("default_k", "min_score"),
    "training_needs": ("qualified_threshold",),
}


def parse_scoring(path: str | Path) -> dict[str, Any]:
    """Read and check the engine knobs; return ``{section: {key: number}}`` as in the file.

    Weights are positive numbers; distance scores lie in [0, 1] and never increase from ``village`` to
    ``national``; ``fuzzy.cutoff`` lies in [0, 100]; working ages are whole numbers with min < max;
    ``ranking.default_k`` is a whole number >= 1; ``min_score`` and ``qualified_threshold`` lie in [0, 1].

    Example:
        >>> s = parse_scoring(DATA_DIR / "scoring.toml")
        >>> s["distance"]["county"] >= s["distance"]["national"]
        True
    """
    path = Path(path)
    data = _read_toml(path)
    _check_keys(path, "file", data, tuple(_SCORING_SECTIONS))
    out: dict[str, dict[str, Any]] = {}
    for section, keys in _SCORING_SECTIONS.items():
        table = data[section]
        if not isinstance(table, dict):
            raise _fail(path, f"[{section}]", "must be a table")
        _check_keys(path, f"[{section}]", table, keys)
        out[section] = dict(table)

    for name, value in out["weights"].items():
        _number(path, "[weights]", f"weight {name}", value)
        if value <= 0:
            raise _fail(path, "[weights]", f"weight {name} must be a positive number, got {value!r}")
    previous: tuple[str, float] | None = None
    for level in DISTANCE_LEVELS:
        value = _number(path, "[distance]", level, out["distance"][level])
        if not 0 <= value <= 1:
            raise _fail(path, "[distance]", f"{level} must lie in [0, 1], got {value!r}")
        if previous is not None and value > previous[1]:
            raise _fail(
                path, "[distance]", f"{level} ({value}) must not exceed {previous[0]} ({previous[1]})"
            )
        previous = (level, value)
    cutoff = _number(path, "[fuzzy]", "cutoff", out["fuzzy"]["cutoff"])
    if not 0 <= cutoff <= 100:
        raise _fail(path, "[fuzzy]", f"cutoff must lie in [0, 100], got {cutoff!r}")
    low = _number(path, "[age]", "min_working_age", out["age"]["min_working_age"], integer=True)
    high = _number(path, "[age]", "max_working_age", out["age"]["max_working_age"], integer=True)
    if not 0 <= low < high:
        raise _fail(path, "[age]", f"need 0 <= min_working_age < max_working_age, got {low} and {high}")
    k = _number(path, "[ranking]", "default_k", out["ranking"]["default_k"], integer=True)
    if k < 1:
        raise _fail(path, "[ranking]", f"default_k must be at least 1, got {k}")
    for section, key in (("ranking", "min_score"), ("training_needs", "qualified_threshold")):
        value = _number(path, f"[{section}]", key, out[section][key])
        if not 0 <= value <= 1:
            raise _fail(path, f"[{section}]", f"{key} must lie in [0, 1], got {value!r}")
    return out


# ------------------------------------------------------------------------------------- routes and fairs


def _keyed_entries(
    path: Path, data: Mapping[str, Any], name: str, fields: tuple[str, ...]
) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, entry in enumerate(_array_of_tables(path, data, name), start=1):
        where = f"{name} #{number} ({entry.get('key', '?')})"
        _check_keys(path, where, entry, fields)
        item = {field: _text(path, where, entry, field) for field in fields}
        if not _KEY.fullmatch(item["key"]):
            raise _fail(path, where, f"key {item['key']!r} must be lower-case letters, digits and '_'")
        if item["key"] in seen:
            raise _fail(path, where, f"duplicate key {item['key']!r}")
        seen.add(item["key"])
        entries.append(item)
    return entries


def parse_routes(path: str | Path) -> list[dict[str, Any]]:
    """Read and check the employment routes; return dicts with ``key``, ``name_zh``, ``name_en``, ``description``.

    Example:
        >>> [r["key"] for r in parse_routes(DATA_DIR / "routes.toml")][:2]
        ['out_of_province', 'local_enterprise']
    """
    path = Path(path)
    data = _read_toml(path)
    _check_top_level(path, data, ("route",))
    return _keyed_entries(path, data, "route", ("key", "name_zh", "name_en", "description"))


def parse_hard_to_employ(path: str | Path) -> list[dict[str, Any]]:
    """Read and check the sub-types of 就业困难人员; return dicts with ``key``, ``name_zh``, ``name_en``,
    ``description``.

    Example:
        >>> [t["key"] for t in parse_hard_to_employ(DATA_DIR / "eligibility.toml")][:2]
        ['older_unemployed', 'long_term_unemployed']
    """
    path = Path(path)
    data = _read_toml(path)
    _check_top_level(path, data, ("hard_to_employ",))
    return _keyed_entries(path, data, "hard_to_employ", ("key", "name_zh", "name_en", "description"))


_SHORTLIST_KEYS = ("days_before", "per_order", "max_invitations_per_worker")


def parse_fair_settings(path: str | Path) -> dict[str, Any]:
    """Read and check the fair settings; return ``{"kinds": [...], "shortlist": {...}}``.

    ``kinds`` holds dicts with ``key``, ``name_zh`` and ``name_en``; ``shortlist`` holds the whole numbers
    ``days_before`` (>= 0), ``per_order`` and ``max_invitations_per_worker`` (>= 1).

    Example:
        >>> parse_fair_settings(DATA_DIR / "fairs.toml")["shortlist"]["days_before"]
        7
    """
    path = Path(path)
    data = _read_toml(path)
    _check_top_level(path, data, ("kind", "shortlist"))
    kinds = _keyed_entries(path, data, "kind", ("key", "name_zh", "name_en"))
    table = data.get("shortlist")
    if not isinstance(table, dict):
        raise _fail(path, "file", "expected a [shortlist] table")
    _check_keys(path, "[shortlist]", table, _SHORTLIST_KEYS)
    shortlist: dict[str, int] = {}
    for key in _SHORTLIST_KEYS:
        value = int(_number(path, "[shortlist]", key, table[key], integer=True))
        minimum = 0 if key == "days_before" else 1
        if value < minimum:
            raise _fail(path, "[shortlist]", f"{key} must be at least {minimum}, got {value}")
        shortlist[key] = value
    return {"kinds": kinds, "shortlist": shortlist}


# ----------------------------------------------------------------------------------------------- subsidies

_SUBSIDY_KEYS = ("yuan_per_trainee", "require_certificate", "employed_within_days")


def _subsidy_rule(path: Path, where: str, table: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    _check_keys(path, where, table, keys)
    yuan = int(_number(path, where, "yuan_per_trainee", table["yuan_per_trainee"], integer=True))
    if yuan <= 0:
        raise _fail(path, where, f"yuan_per_trainee must be a positive whole number, got {yuan}")
    certificate = table["require_certificate"]
    if not isinstance(certificate, bool):
        raise _fail(path, where, f"require_certificate must be true or false, got {certificate!r}")
    days = int(_number(path, where, "employed_within_days", table["employed_within_days"], integer=True))
    if days < 0:
        raise _fail(path, where, f"employed_within_days must be 0 or more, got {days}")
    return {"yuan_per_trainee": yuan, "require_certificate": certificate, "employed_within_days": days}


#: ``[course_rules]`` of ``subsidies.toml`` when the file has none: 80% attendance for 结业.
DEFAULT_COURSE_RULES: dict[str, Any] = {"attendance_threshold": 0.8}


def _course_rules(path: Path, data: Mapping[str, Any]) -> dict[str, Any]:
    table = data.get("course_rules", DEFAULT_COURSE_RULES)
    if not isinstance(table, dict):
        raise _fail(path, "[course_rules]", "must be a table")
    _check_keys(path, "[course_rules]", table, ("attendance_threshold",))
    share = _number(path, "[course_rules]", "attendance_threshold", table["attendance_threshold"])
    if not 0 < share <= 1:
        raise _fail(path, "[course_rules]", f"attendance_threshold must be in (0, 1], got {share}")
    return {"attendance_threshold": float(share)}


def parse_subsidies(path: str | Path) -> dict[str, Any]:
    """Read and check the training subsidy standards; return ``{"default": rule | None, "standards": [...],
    "course_rules": {"attendance_threshold": share}}``.

    A rule is ``{"yuan_per_trainee": int > 0, "require_certificate": bool, "employed_within_days": int >= 0}``
    (0 days: employment not required); each standard is a rule with its ``occupation`` (a Chinese name, unique
    in the file; the web application checks it against the taxonomy). ``course_rules`` (``[course_rules]``,
    optional) holds the share of course days a trainee must attend for 结业, in (0, 1].

    Example:
        >>> subsidies = parse_subsidies(DATA_DIR / "subsidies.toml")
        >>> welder = next(s for s in subsidies["standards"] if s["occupation"] == "焊工")
        >>> welder["require_certificate"], welder["employed_within_days"] > 0
        (True, True)
    """
    path = Path(path)
    data = _read_toml(path)
    _check_top_level(path, data, ("default", "standard", "course_rules"))
    default = None
    if "default" in data:
        if not isinstance(data["default"], dict):
            raise _fail(path, "[default]", "must be a table")
        default = _subsidy_rule(path, "[default]", data["default"], _SUBSIDY_KEYS)
    standards: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, entry in enumerate(_array_of_tables(path, data, "standard"), start=1):
        where = f"standard #{number} ({entry.get('occupation', '?')})"
        rule = _subsidy_rule(path, where, entry, ("occupation", *_SUBSIDY_KEYS))
        occupation = _text(path, where, entry, "occupation")
        if occupation.casefold() in seen:
            raise _fail(
                path, where, f"occupation {occupation!r} already has standard #{seen[occupation.casefold()]}"
            )
        seen[occupation.casefold()] = number
        standards.append({"occupation": occupation, **rule})
    return {"default": default, "standards": standards, "course_rules": _course_rules(path, data)}


# ----------------------------------------------------------------------------------- follow-ups and stats

_AFTER = re.compile(r"([1-9]\d{0,3})([dwm])")
_AFTER_UNITS = {"d": "day", "w": "week", "m": "month"}
_APPROX_DAYS = {"day": 1, "week": 7, "month": 30}
_REMINDER_KEYS = ("days_before", "overdue_after_days")


def parse_followup_settings(path: str | Path) -> dict[str, Any]:
    """Read and check the follow-up visit schedule; return ``{"visits": [...], "reminders": {...}}``.

    ``visits`` holds dicts with ``key``, ``name_zh``, ``name_en``, ``after`` (as written), ``count`` (a whole
    number >= 1) and ``unit`` (``day``, ``week`` or ``month``), strictly later one after another; ``reminders``
    holds the whole numbers ``days_before`` and ``overdue_after_days`` (>= 0).

    Example:
        >>> s = parse_followup_settings(DATA_DIR / "followups.toml")
        >>> [(v["count"], v["unit"]) for v in s["visits"]]
        [(1, 'week'), (1, 'month'), (3, 'month'), (6, 'month')]
    """
    path = Path(path)
    data = _read_toml(path)
    _check_top_level(path, data, ("visit", "reminders"))
    visits = _keyed_entries(path, data, "visit", ("key", "name_zh", "name_en", "after"))
    previous: tuple[str, int] | None = None
    for number, visit in enumerate(visits, start=1):
        where = f"visit #{number} ({visit['key']})"
        found = _AFTER.fullmatch(visit["after"].replace(" ", ""))
        if found is None:
            raise _fail(path, where, f"after must be like '10d', '1w' or '3m', got {visit['after']!r}")
        visit["count"] = int(found.group(1))
        visit["unit"] = _AFTER_UNITS[found.group(2)]
        days = visit["count"] * _APPROX_DAYS[visit["unit"]]
        if previous is not None and days <= previous[1]:
            raise _fail(path, where, f"must come after visit {previous[0]} ({visit['after']} is not later)")
        previous = (visit["key"], days)
    table = data.get("reminders")
    if not isinstance(table, dict):
        raise _fail(path, "file", "expected a [reminders] table")
    _check_keys(path, "[reminders]", table, _REMINDER_KEYS)
    reminders: dict[str, int] = {}
    for key in _REMINDER_KEYS:
        value = int(_number(path, "[reminders]", key, table[key], integer=True))
        if value < 0:
            raise _fail(path, "[reminders]", f"{key} must be at least 0, got {value}")
        reminders[key] = value
    return {"visits": visits, "reminders": reminders}


def parse_household_settings(path: str | Path) -> dict[str, Any]:
    """Read and check the 防返贫 monitoring settings; return ``{"categories": [...], "risks": [...],
    "reminders": {"days_before": int}}``.

    Categories are dicts with ``key``, ``name_zh``, ``name_en`` and ``visit_every_days`` (a whole number >= 1);
    risks are dicts with ``key``, ``name_zh`` and ``name_en``.

    Example:
        >>> s = parse_household_settings(DATA_DIR / "households.toml")
        >>> [c["name_zh"] for c in s["categories"]]
        ['脱贫不稳定户', '边缘易致贫户', '突发严重困难户']
    """
    path = Path(path)
    data = _read_toml(path)
    _check_top_level(path, data, ("category", "risk", "reminders"))
    raw = {
        entry.get("key"): entry.get("visit_every_days") for entry in _array_of_tables(path, data, "category")
    }
    stripped = {
        "category": [{k: v for k, v in e.items() if k != "visit_every_days"} for e in data["category"]]
    }
    categories = _keyed_entries(path, stripped, "category", ("key", "name_zh", "name_en"))
    for number, category in enumerate(categories, start=1):
        where = f"category #{number} ({category['key']})"
        if raw.get(category["key"]) is None:
            raise _fail(path, where, "missing visit_every_days")
        days = int(_number(path, where, "visit_every_days", raw[category["key"]], integer=True))
        if days < 1:
            raise _fail(path, where, f"visit_every_days must be at least 1, got {days}")
        category["visit_every_days"] = days
    risks = _keyed_entries(path, data, "risk", ("key", "name_zh", "name_en"))
    table = data.get("reminders")
    if not isinstance(table, dict):
        raise _fail(path, "file", "expected a [reminders] table")
    _check_keys(path, "[reminders]", table, ("days_before",))
    days_before = int(_number(path, "[reminders]", "days_before", table["days_before"], integer=True))
    if days_before < 0:
        raise _fail(path, "[reminders]", f"days_before must be at least 0, got {days_before}")
    return {"categories": categories, "risks": risks, "reminders": {"days_before": days_before}}


_STATISTICS_KEYS = ("home_region", "trend_weeks", "top_occupations")


def parse_statistics_settings(path: str | Path) -> dict[str, Any]:
    """Read and check the dashboard settings; return ``{"home_region", "trend_weeks", "top_occupations"}``.

    ``home_region`` is a 6-digit region code; the two counts are whole numbers >= 1.

    Example:
        >>> parse_statistics_settings(DATA_DIR / "statistics.toml")["home_region"]
        '410900'
    """
    path = Path(path)
    data = _read_toml(path)
    _check_keys(path, "file", data, _STATISTICS_KEYS)
    home = _text(path, "file", data, "home_region")
    if not (home.isdigit() and len(home) == 6):
        raise _fail(path, "file", f"home_region must be a 6-digit region code, got {home!r}")
    out: dict[str, Any] = {"home_region": home}
    for key in ("trend_weeks", "top_occupations"):
        value = int(_number(path, "file", key, data[key], integer=True))
        if value < 1:
            raise _fail(path, "file", f"{key} must be at least 1, got {value}")
        out[key] = value
    return out


def parse_approval_settings(path: str | Path) -> dict[str, Any]:
    """Read and check the review settings; return ``{"auto_approve_regions": [code, ...]}``.

    Example:
        >>> parse_approval_settings(DATA_DIR / "approval.toml")
        {'auto_approve_regions': []}
    """
    path = Path(path)
    data = _read_toml(path)
    _check_top_level(path, data, ("job_orders",))
    table = data.get("job_orders")
    if not isinstance(table, dict):
        raise _fail(path, "file", "missing [job_orders]")
    _check_keys(path, "[job_orders]", table, ("auto_approve_regions",))
    codes = table["auto_approve_regions"]
    if not isinstance(codes, list) or not all(isinstance(c, str) and c.isdigit() for c in codes):
        raise _fail(path, "[job_orders]", "auto_approve_regions must be a list of region codes (digits)")
    bad = [c for c in codes if len(c) not in (6, 9, 12)]
    if bad:
        raise _fail(path, "[job_orders]", f"not a region code: {', '.join(bad)}")
    return {"auto_approve_regions": list(codes)}


# ------------------------------------------------------------------------------------------------- loaders


@functools.cache
def load_occupations() -> list[dict[str, Any]]:
    """The shipped occupation taxonomy (``occupations.toml``); see :func:`parse_occupations`."""
    return parse_occupations(DATA_DIR / "occupations.toml")


@functools.cache
def load_certificates() -> list[dict[str, Any]]:
    """The shipped certificate catalogue (``certificates.toml``); see :func:`parse_certificates`."""
    return parse_certificates(DATA_DIR / "certificates.toml", [o["name_zh"] for o in load_occupations()])


@functools.cache
def load_regions() -> list[dict[str, Any]]:
    """The shipped region tree (``regions.csv``); see :func:`parse_regions`."""
    return parse_regions(DATA_DIR / "regions.csv")


@functools.cache
def load_scoring() -> dict[str, Any]:
    """The shipped engine knobs (``scoring.toml``); see :func:`parse_scoring`."""
    return parse_scoring(DATA_DIR / "scoring.toml")


@functools.cache
def load_routes() -> list[dict[str, Any]]:
    """The shipped employment routes (``routes.toml``); see :func:`parse_routes`."""
    return parse_routes(DATA_DIR / "routes.toml")


@functools.cache
def load_hard_to_employ() -> list[dict[str, Any]]:
    """The shipped sub-types of 就业困难人员 (``eligibility.toml``); see :func:`parse_hard_to_employ`."""
    return parse_hard_to_employ(DATA_DIR / "eligibility.toml")


@functools.cache
def load_fair_settings() -> dict[str, Any]:
    """The shipped fair kinds and shortlist defaults (``fairs.toml``); see :func:`parse_fair_settings`."""
    return parse_fair_settings(DATA_DIR / "fairs.toml")


@functools.cache
def load_subsidies() -> dict[str, Any]:
    """The shipped training subsidy standards (``subsidies.toml``); see :func:`parse_subsidies`."""
    return parse_subsidies(DATA_DIR / "subsidies.toml")


@functools.cache
def load_household_settings() -> dict[str, Any]:
    """The shipped 防返贫 monitoring settings (``households.toml``); see :func:`parse_household_settings`."""
    return parse_household_settings(DATA_DIR / "households.toml")


@functools.cache
def load_followup_settings() -> dict[str, Any]:
    """The shipped follow-up schedule (``followups.toml``); see :func:`parse_followup_settings`."""
    return parse_followup_settings(DATA_DIR / "followups.toml")


@functools.cache
def load_approval_settings() -> dict[str, Any]:
    """The shipped review settings (``approval.toml``); see :func:`parse_approval_settings`."""
    return parse_approval_settings(DATA_DIR / "approval.toml")


@functools.cache
def load_statistics_settings() -> dict[str, Any]:
    """The shipped dashboard settings (``statistics.toml``); see :func:`parse_statistics_settings`."""
    return parse_statistics_settings(DATA_DIR / "statistics.toml")


# ------------------------------------------------------------------------------------------------ security

_SECURITY_SECTIONS: dict[str, tuple[str, ...]] = {
    "retention": ("login_attempts_days", "login_sessions_days", "audit_log_days", "inactive_worker_days"),
    "login_throttle": (
        "window_seconds",
        "free_failures_per_user_address",
        "free_failures_per_address",
        "first_delay_seconds",
        "max_delay_seconds",
    ),
    "uploads": ("max_bytes", "max_unpacked_bytes", "max_ratio", "max_members", "max_rows", "max_cols"),
    "sessions": ("idle_minutes", "absolute_hours", "remember_days"),
    "scheduler": ("abandoned_after_minutes",),
}
#: Upper bounds a setting may not pass (a remember-me cookie lives at most 30 days).
_SECURITY_MAXIMA = {("sessions", "remember_days"): 30}


def parse_security_settings(path: str | Path) -> dict[str, dict[str, int]]:
    """Read and check retention periods, login throttling and upload limits; ``{section: {key: int}}``.

    Every value is a whole number >= 1.

    Example:
        >>> s = parse_security_settings(DATA_DIR / "security.toml")
        >>> t = s["login_throttle"]
        >>> t["free_failures_per_user_address"] <= t["free_failures_per_address"], s["sessions"]["remember_days"]
        (True, 30)
    """
    path = Path(path)
    data = _read_toml(path)
    _check_keys(path, "file", data, tuple(_SECURITY_SECTIONS))
    out: dict[str, dict[str, int]] = {}
    for section, keys in _SECURITY_SECTIONS.items():
        table = data[section]
        if not isinstance(table, dict):
            raise _fail(path, f"[{section}]", "must be a table")
        _check_keys(path, f"[{section}]", table, keys)
        values: dict[str, int] = {}
        for key in keys:
            value = int(_number(path, f"[{section}]", key, table[key], integer=True))
            if value < 1:
                raise _fail(path, f"[{section}]", f"{key} must be at least 1, got {value}")
            maximum = _SECURITY_MAXIMA.get((section, key))
            if maximum is not None and value > maximum:
                raise _fail(path, f"[{section}]", f"{key} must be at most {maximum}, got {value}")
            values[key] = value
        out[section] = values
    return out


@functools.cache
def load_security_settings() -> dict[str, dict[str, int]]:
    """The shipped security settings (``security.toml``); see :func:`parse_security_settings`."""
    return parse_security_settings(DATA_DIR / "security.toml")
