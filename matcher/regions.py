"""The region tree (GB/T 2260 codes: province › city › county › township › village) and distances along it.

Every code is turned into a **path**: five keys, one per tree level (``None`` where the code has no such level).
Codes in the tree take their path from their ancestors; codes not in the tree fall back to their GB/T prefixes
(2 digits province, 4 city, 6 county, 9 township, 12 village, zero segments meaning "no such level"), grafted
onto the deepest prefix that the tree knows. Keys are canonical codes (``410000``, ``410900``, ``410923``,
``410923201``, ``410923201001``), so ``410923`` and ``410923000000`` are the same county.

Example:
    >>> tree = RegionTree.from_records([
    ...     {"code": "410000", "parent_code": None, "level": "province", "name_zh": "河南省"},
    ...     {"code": "410900", "parent_code": "410000", "level": "city", "name_zh": "濮阳市"},
    ...     {"code": "410923", "parent_code": "410900", "level": "county", "name_zh": "南乐县"},
    ... ])
    >>> tree.common_level("410923201001", "410923202003"), tree.common_level("410923", "320500")
    ('county', 'national')
    >>> tree.within("410923201001", "410900")
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from matcher.types import MOBILITY_LEVELS

__all__ = ["TREE_LEVELS", "Region", "RegionPath", "RegionTree", "canonical_code", "common_level_index"]

#: Levels of the tree, shallowest first.
TREE_LEVELS: tuple[str, ...] = ("province", "city", "county", "township", "village")

#: One key per tree level, shallowest first; ``None`` where the code has no such level.
RegionPath = tuple[str | None, str | None, str | None, str | None, str | None]

_SEGMENTS = ((0, 2), (2, 4), (4, 6), (6, 9), (9, 12))
_EMPTY_PATH: RegionPath = (None, None, None, None, None)


@dataclass(frozen=True, slots=True)
class Region:
    """One node of the tree.

    Example:
        >>> Region("410923", "410900", "county", "南乐县").level
        'county'
    """

    code: str
    parent_code: str | None
    level: str
    name_zh: str
    name_en: str = ""


def _key(digits: str, depth: int) -> str:
    """Canonical code of the ancestor at tree level ``depth`` (0 = province) of a 12-digit string."""
    end = _SEGMENTS[depth][1]
    return digits[:end].ljust(6, "0")


def canonical_code(code: str) -> str:
    """The canonical form of a GB/T code: its deepest non-zero level, padded to at least 6 digits; non-numeric
    codes are returned stripped.

    Example:
        >>> canonical_code("410923000000"), canonical_code("41"), canonical_code("410923201")
        ('410923', '410000', '410923201')
    """
    code = code.strip()
    if not code.isdigit() or len(code) > 12:
        return code
    digits = code.ljust(12, "0")
    deepest = -1
    for depth, (a, b) in enumerate(_SEGMENTS):
        if digits[a:b].strip("0"):
            deepest = depth
    if deepest < 0:
        return code
    return _key(digits, deepest)


def _prefix_path(code: str) -> RegionPath:
    if not code.isdigit() or len(code) > 12:
        return _EMPTY_PATH
    digits = code.ljust(12, "0")
    keys: list[str | None] = []
    for depth, (a, b) in enumerate(_SEGMENTS):
        keys.append(_key(digits, depth) if digits[a:b].strip("0") else None)
    return (keys[0], keys[1], keys[2], keys[3], keys[4])


class RegionTree:
    """The region tree with path, containment and distance queries (immutable; paths are memoised).

    Build it with :meth:`from_records`.
    """

    __slots__ = ("_by_code", "_by_canonical", "_paths", "regions")

    def __init__(self, regions: Iterable[Region]) -> None:
        self.regions: tuple[Region, ...] = tuple(regions)
        self._by_code: dict[str, Region] = {}
        self._by_canonical: dict[str, Region] = {}
        for region in self.regions:
            if region.level not in TREE_LEVELS:
                raise ValueError(f"region {region.code}: unknown level {region.level!r}")
            if region.code in self._by_code:
                raise ValueError(f"duplicate region code {region.code!r}")
            self._by_code[region.code] = region
            self._by_canonical.setdefault(canonical_code(region.code), region)
        for region in self.regions:
            if region.parent_code is not None and region.parent_code not in self._by_code:
                raise ValueError(f"region {region.code}: unknown parent {region.parent_code!r}")
        self._paths: dict[str, RegionPath] = {}

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> RegionTree:
        """Build from plain records ``{code, parent_code, level, name_zh, name_en}`` (as ``config.load_regions()``
        returns them; ``parent_code`` is ``None`` or empty for roots).

        Example:
            >>> len(RegionTree.from_records([{"code": "320000", "parent_code": None, "level": "province",
            ...                               "name_zh": "江苏省"}]))
            1
        """
        regions = [
            Region(
                code=str(rec["code"]).strip(),
                parent_code=(str(rec["parent_code"]).strip() or None) if rec.get("parent_code") else None,
                level=str(rec["level"]).strip(),
                name_zh=str(rec.get("name_zh") or rec["code"]),
                name_en=str(rec.get("name_en") or ""),
            )
            for rec in records
        ]
        return cls(regions)

    def __len__(self) -> int:
        return len(self.regions)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self._lookup(code) is not None

    def _lookup(self, code: str) -> Region | None:
        code = code.strip()
        return self._by_code.get(code) or self._by_canonical.get(canonical_code(code))

    def _tree_path(self, region: Region) -> RegionPath:
        keys: list[str | None] = [None] * len(TREE_LEVELS)
        node: Region | None = region
        seen = 0
        while node is not None and seen <= len(TREE_LEVELS) * 4:
            depth = TREE_LEVELS.index(node.level)
            if keys[depth] is None:
                keys[depth] = canonical_code(node.code)
            node = self._by_code.get(node.parent_code) if node.parent_code else None
            seen += 1
        return (keys[0], keys[1], keys[2], keys[3], keys[4])

    def path(self, code: str) -> RegionPath:
        """The five level keys of ``code`` (see the module docstring).

        Example:
            >>> RegionTree([]).path("410923201001")
            ('410000', '410900', '410923', '410923201', '410923201001')
        """
        cached = self._paths.get(code)
        if cached is not None:
            return cached
        result = self._compute_path(code)
        self._paths[code] = result
        return result

    def _compute_path(self, code: str) -> RegionPath:
        stripped = code.strip()
        region = self._lookup(stripped)
        if region is not None:
            return self._tree_path(region)
        prefix = _prefix_path(stripped)
        if prefix == _EMPTY_PATH:
            # Not a GB/T code and not in the tree: a place of its own, sharing every level only with itself.
            own = stripped or None
            return (own, own, own, own, own)
        for depth in range(len(TREE_LEVELS) - 1, -1, -1):
            key = prefix[depth]
            anchor = self._lookup(key) if key is not None else None
            if anchor is not None:
                tree = self._tree_path(anchor)
                keys = [tree[d] if d <= depth else prefix[d] for d in range(len(TREE_LEVELS))]
                return (keys[0], keys[1], keys[2], keys[3], keys[4])
        return prefix

    def level(self, code: str) -> str | None:
        """The tree level of ``code`` (its deepest known level), or ``None`` for a code with no level.

        Example:
            >>> RegionTree([]).level("410923201"), RegionTree([]).level("")
            ('township', None)
        """
        path = self.path(code)
        for depth in range(len(TREE_LEVELS) - 1, -1, -1):
            if path[depth] is not None:
                return TREE_LEVELS[depth]
        return None

    def common_level(self, a: str, b: str) -> str:
        """The closest level (one of ``MOBILITY_LEVELS``) that places ``a`` and ``b`` share: same village →
        ``"village"``, same township → ``"township"`` … different provinces → ``"national"``.

        Example:
            >>> tree = RegionTree([])
            >>> tree.common_level("410923201001", "410923201001"), tree.common_level("410923", "410922")
            ('village', 'city')
        """
        return MOBILITY_LEVELS[common_level_index(self.path(a), self.path(b))]

    def within(self, code: str, ancestor: str) -> bool:
        """Whether ``code`` lies at or below ``ancestor``.

        Example:
            >>> RegionTree([]).within("410923201001", "410923"), RegionTree([]).within("410923", "410923201")
            (True, False)
        """
        inner, outer = self.path(code), self.path(ancestor)
        if outer == _EMPTY_PATH:
            return False
        return all(o is None or o == i for o, i in zip(outer, inner, strict=True))

    def county_of(self, code: str) -> str:
        """The county key of ``code``, or the code's own canonical form when it has no county level (a
        province or a city).

        Example:
            >>> RegionTree([]).county_of("410923201001"), RegionTree([]).county_of("320000")
            ('410923', '320000')
        """
        county = self.path(code)[TREE_LEVELS.index("county")]
        return county if county is not None else canonical_code(code)

    def name(self, code: str) -> str:
        """The Chinese name of a region in the tree, else the code itself.

        Example:
            >>> RegionTree([Region("410923", None, "county", "南乐县")]).name("410923")
            '南乐县'
        """
        region = self._lookup(code)
        return region.name_zh if region is not None else code


def common_level_index(a: RegionPath, b: RegionPath) -> int:
    """Index into ``MOBILITY_LEVELS`` of the closest shared level of two paths (5 = national).

    Example:
        >>> p = RegionTree([]).path
        >>> common_level_index(p("410923201001"), p("410923201002"))
        1
    """
    nearest = len(MOBILITY_LEVELS) - 1
    for depth in range(len(TREE_LEVELS)):
        ka, kb = a[depth], b[depth]
        if ka is None or ka != kb:
            break
        nearest = len(TREE_LEVELS) - 1 - depth
    return nearest
