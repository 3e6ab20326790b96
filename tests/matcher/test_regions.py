"""The region tree: paths, common levels (with GB/T prefix fallback), containment, counties."""

from __future__ import annotations

import pytest

from matcher import RegionTree, canonical_code
from tests.matcher.builders import (
    GAOBAO_VILLAGE,
    JIANGSU,
    NANLE,
    PUYANG,
    QINGFENG,
    REGION_TREE,
    SHANGHAI,
    SUZHOU,
    WUCUN,
    XICUN,
    YANGCUN,
    ZHENGZHOU,
)


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        (WUCUN, WUCUN, "village"),
        (WUCUN, XICUN, "township"),
        (WUCUN, YANGCUN, "township"),
        (WUCUN, "410923202001", "county"),  # another township of 南乐县, not in the tree: prefix fallback
        (WUCUN, NANLE, "county"),
        (WUCUN, GAOBAO_VILLAGE, "city"),
        (WUCUN, QINGFENG, "city"),
        (WUCUN, PUYANG, "city"),
        (WUCUN, ZHENGZHOU, "province"),
        (WUCUN, "411000", "province"),  # 许昌市, not in the tree
        (WUCUN, SUZHOU, "national"),
        (WUCUN, JIANGSU, "national"),
        (WUCUN, SHANGHAI, "national"),
        ("410923000000", NANLE, "county"),  # 12-digit padding of a county code
        ("320583", SUZHOU, "city"),  # 昆山市 below 苏州 by prefix
        ("", WUCUN, "national"),
        ("abc", "abc", "village"),
        ("abc", "abd", "national"),
    ],
)
def test_common_level(a: str, b: str, level: str) -> None:
    assert REGION_TREE.common_level(a, b) == level
    assert REGION_TREE.common_level(b, a) == level


def test_tree_parents_win_over_prefixes() -> None:
    # A development zone whose code does not follow its parent's prefix.
    tree = RegionTree.from_records(
        [
            {"code": "410000", "parent_code": None, "level": "province", "name_zh": "河南省"},
            {"code": "410900", "parent_code": "410000", "level": "city", "name_zh": "濮阳市"},
            {"code": "410971", "parent_code": "410900", "level": "county", "name_zh": "濮阳经开区"},
            {"code": "419001", "parent_code": "410900", "level": "county", "name_zh": "示范区"},
        ]
    )
    assert tree.common_level("419001", "410971") == "city"
    assert tree.within("419001", "410900")
    assert RegionTree([]).common_level("419001", "410971") == "province"


@pytest.mark.parametrize(
    ("code", "ancestor", "expected"),
    [
        (WUCUN, NANLE, True),
        (WUCUN, PUYANG, True),
        (WUCUN, "410000", True),
        (WUCUN, WUCUN, True),
        (NANLE, WUCUN, False),
        (WUCUN, QINGFENG, False),
        (SUZHOU, JIANGSU, True),
        ("410923202001", NANLE, True),
        (WUCUN, "", False),
    ],
)
def test_within(code: str, ancestor: str, expected: bool) -> None:
    assert REGION_TREE.within(code, ancestor) is expected


@pytest.mark.parametrize(
    ("code", "county"),
    [
        (WUCUN, NANLE),
        (NANLE, NANLE),
        (YANGCUN, NANLE),
        (SUZHOU, SUZHOU),
        (JIANGSU, JIANGSU),
        ("320583", "320583"),
    ],
)
def test_county_of(code: str, county: str) -> None:
    assert REGION_TREE.county_of(code) == county


def test_levels_names_and_canonical_codes() -> None:
    assert REGION_TREE.level(WUCUN) == "village"
    assert REGION_TREE.level(JIANGSU) == "province"
    assert REGION_TREE.name(NANLE) == "南乐县"
    assert REGION_TREE.name("999999") == "999999"
    assert canonical_code("410923000000") == "410923"
    assert canonical_code("41") == "410000"
    assert NANLE in REGION_TREE and "999999" not in REGION_TREE


@pytest.mark.parametrize(
    "records",
    [
        [{"code": "1", "parent_code": None, "level": "planet", "name_zh": "x"}],
        [{"code": "1", "parent_code": "2", "level": "province", "name_zh": "x"}],
        [
            {"code": "1", "parent_code": None, "level": "province", "name_zh": "x"},
            {"code": "1", "parent_code": None, "level": "province", "name_zh": "y"},
        ],
    ],
)
def test_bad_trees_are_refused(records: list[dict[str, object]]) -> None:
    with pytest.raises(ValueError):
        RegionTree.from_records(records)
