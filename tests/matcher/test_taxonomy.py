"""Text normalisation and the taxonomy's text → term resolution."""

from __future__ import annotations

import pytest

from matcher import Taxonomy, normalize_text
from tests.matcher.builders import COOK, HAIRDRESSER, MATERNITY, OCCUPATIONS, TAXONOMY, WELDER


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("焊工", "焊工"),
        (" 焊 工 ", "焊工"),
        ("ＣＡＤ制图", "cad制图"),
        ("AutoCAD", "autocad"),
        ("特种作业操作证（焊接与热切割作业）", "特种作业操作证焊接与热切割作业"),
        ("月嫂。", "月嫂"),
        ("C++", "c++"),
        ("\u3000美发\t", "美发"),
        ("", ""),
    ],
)
def test_normalize_text(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("焊工", WELDER),
        ("电焊工", WELDER),  # synonym
        ("电焊", WELDER),
        ("ＷＥＬＤＥＲ", WELDER),  # English name, full-width
        (WELDER, WELDER),  # code
        ("月嫂", MATERNITY),
        ("母婴护理员", MATERNITY),
        ("母 婴 护 理 员", MATERNITY),
        ("美发师父", HAIRDRESSER),  # fuzzy (ratio ≥ 85)
        ("美发师傅", HAIRDRESSER),  # filler stripped
        ("美发", HAIRDRESSER),
        ("厨师", COOK),
        ("焊工证", WELDER),  # a certificate owned by one occupation
        ("氩弧焊", WELDER),  # a skill keyword owned by one occupation
    ],
)
def test_resolve_names_synonyms_codes_and_fuzzy(text: str, code: str) -> None:
    assert TAXONOMY.resolve(text) == code


@pytest.mark.parametrize("text", ["程序员", "", "  ", "焊", "看图纸"])
def test_resolve_unknown_short_or_shared_text_is_none(text: str) -> None:
    assert TAXONOMY.resolve(text) is None


def test_terms_by_kind() -> None:
    assert TAXONOMY.term("电焊") == "o:" + WELDER
    assert TAXONOMY.term("氩弧焊") == "k:氩弧焊"
    assert TAXONOMY.term("看图纸") == "k:看图纸"  # shared keyword: stays a keyword
    assert TAXONOMY.term("电焊工证", kind="cert") == "c:焊工证"  # fuzzy against certificate names first
    assert (
        TAXONOMY.term("特种作业操作证(焊接与热切割作业)", kind="cert") == "c:特种作业操作证焊接与热切割作业"
    )
    assert TAXONOMY.term("会开拖拉机") == "t:会开拖拉机"
    assert TAXONOMY.term("") is None


def test_fuzzy_cutoff_is_respected() -> None:
    assert TAXONOMY.resolve("美发师父", cutoff=95) is None
    assert TAXONOMY.resolve("美发师父", cutoff=85) == HAIRDRESSER


def test_names_categories_owners_and_display() -> None:
    assert TAXONOMY.name(WELDER) == "焊工"
    assert TAXONOMY.category(MATERNITY) == "domestic_care"
    assert TAXONOMY.owners("c:焊工证") == ("o:" + WELDER,)
    assert TAXONOMY.display("c:特种作业操作证焊接与热切割作业") == "特种作业操作证（焊接与热切割作业）"
    assert TAXONOMY.display("t:会开拖拉机") == "会开拖拉机"
    assert WELDER in TAXONOMY and "nope" not in TAXONOMY
    assert len(TAXONOMY) == len(OCCUPATIONS)
    with pytest.raises(KeyError):
        TAXONOMY.name("nope")


def test_occupation_names_take_precedence_over_certificates_and_keywords() -> None:
    tax = Taxonomy.from_records(
        [
            {"code": "A", "name_zh": "甲", "skills": ["乙工"], "certificates": ["丙证"]},
            {"code": "B", "name_zh": "乙工", "certificates": ["甲"]},
        ]
    )
    assert tax.term("乙工") == "o:B"
    assert tax.term("甲", kind="cert") == "o:A"


@pytest.mark.parametrize(
    "records",
    [
        [{"code": "A", "name_zh": "甲"}, {"code": "A", "name_zh": "乙"}],
        [{"code": " ", "name_zh": "甲"}],
        [{"code": "A", "name_zh": "甲", "synonyms": "乙"}],
    ],
)
def test_bad_records_are_refused(records: list[dict[str, object]]) -> None:
    with pytest.raises(ValueError):
        Taxonomy.from_records(records)


def test_resolution_is_cached_and_deterministic() -> None:
    tax = Taxonomy.from_records(OCCUPATIONS)
    first = [tax.term(t) for t in ("美发师傅", "电焊", "x")]
    assert [tax.term(t) for t in ("美发师傅", "电焊", "x")] == first
    assert [Taxonomy.from_records(OCCUPATIONS).term(t) for t in ("美发师傅", "电焊", "x")] == first
