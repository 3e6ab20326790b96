"""Checks of the editable data in config/ and of the loaders that read it."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import config
from config import (
    load_fair_settings,
    load_occupations,
    load_regions,
    load_routes,
    load_scoring,
    parse_fair_settings,
    parse_occupations,
    parse_regions,
    parse_routes,
    parse_scoring,
)

CATEGORIES = {
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
}
PARENT_LEVEL = {"city": "province", "county": "city", "township": "county", "village": "township"}


# ------------------------------------------------------------------------------------------------ builders


def toml_value(value: Any) -> str:
    """TOML text of a str, bool, number, inline table or list of those (JSON spelling is valid TOML for the
    scalars and lists)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def make_occupation(**overrides: Any) -> dict[str, Any]:
    occupation: dict[str, Any] = {
        "code": "ISCO-9999-01",
        "name_zh": "测试工",
        "name_en": "Test worker",
        "category": "other",
        "synonyms": ["测试员"],
        "skills": ["测试"],
        "certificates": [],
        "public_welfare": False,
    }
    occupation.update(overrides)
    return occupation


def occupations_toml(*occupations: dict[str, Any]) -> str:
    blocks = []
    for occ in occupations:
        lines = ["[[occupation]]"] + [
            f"{key} = {toml_value(value)}" for key, value in occ.items() if value is not None
        ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def regions_csv(*rows: str) -> str:
    return "code,parent_code,level,name_zh,name_en\n" + "\n".join(rows) + "\n"


GOOD_REGIONS = (
    "410000,,province,河南省,Henan",
    "410900,410000,city,濮阳市,Puyang",
    "410923,410900,county,南乐县,Nanle County",
    "410923201,410923,township,杨村乡,Yangcun Township",
    "410923201001,410923201,village,吴村,Wucun",
)

GOOD_SCORING = """
[weights]
occupation = 0.35
certificates = 0.15
distance = 0.15
wage = 0.15
wish = 0.10
training = 0.05
priority = 0.05
[distance]
village = 1.0
township = 1.0
county = 0.9
city = 0.75
province = 0.55
national = 0.35
[fuzzy]
cutoff = 85
[age]
min_working_age = 16
max_working_age = 60
[ranking]
default_k = 50
min_score = 0.2
[training_needs]
qualified_threshold = 0.6
"""

GOOD_ROUTES = """
[[route]]
key = "workshop"
name_zh = "扶贫车间"
name_en = "Poverty-alleviation workshops"
description = "Village factories."
"""

GOOD_FAIRS = """
[[kind]]
key = "online"
name_zh = "网络招聘会"
name_en = "Online job fair"
[shortlist]
days_before = 7
per_order = 20
max_invitations_per_worker = 3
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------- occupations


@pytest.fixture(scope="module")
def occupations() -> list[dict[str, Any]]:
    return load_occupations()


@pytest.fixture(scope="module")
def by_name(occupations: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {o["name_zh"]: o for o in occupations}


def test_at_least_160_occupations(occupations: list[dict[str, Any]]) -> None:
    assert len(occupations) >= 160


def test_occupation_codes_and_names_are_unique(occupations: list[dict[str, Any]]) -> None:
    codes = Counter(o["code"] for o in occupations)
    names = Counter(o["name_zh"] for o in occupations)
    assert [c for c, n in codes.items() if n > 1] == []
    assert [c for c, n in names.items() if n > 1] == []


def test_synonyms_are_unique_and_never_an_occupation_name(occupations: list[dict[str, Any]]) -> None:
    names = {o["name_zh"] for o in occupations}
    synonyms = Counter(s for o in occupations for s in o["synonyms"])
    assert [s for s, n in synonyms.items() if n > 1] == []
    assert sorted(set(synonyms) & names) == []


def test_every_occupation_is_complete(occupations: list[dict[str, Any]]) -> None:
    for occ in occupations:
        assert occ["category"] in CATEGORIES, occ["name_zh"]
        assert occ["name_en"] and occ["skills"], occ["name_zh"]
        assert occ["public_welfare"] == (occ["category"] == "public_welfare"), occ["name_zh"]


def test_every_category_is_used(occupations: list[dict[str, Any]]) -> None:
    assert {o["category"] for o in occupations} == CATEGORIES


@pytest.mark.parametrize(
    ("name", "synonym"),
    [
        ("焊工", "电焊工"),
        ("焊工", "电焊"),
        ("焊工", "氩弧焊工"),
        ("母婴护理员", "月嫂"),
        ("美发师", "理发师"),
        ("美发师", "美发"),
        ("中式烹调师", "厨师"),
        ("中式烹调师", "烹饪"),
        ("食用菌种植工", "蘑菇种植"),
    ],
)
def test_required_synonym(by_name: dict[str, dict[str, Any]], name: str, synonym: str) -> None:
    assert synonym in by_name[name]["synonyms"]


@pytest.mark.parametrize(
    "term",
    [
        "钢筋工",
        "砌筑工",
        "木工",
        "架子工",
        "混凝土工",
        "抹灰工",
        "油漆工",
        "电工",
        "水暖工",
        "塔吊司机",
        "缝纫工",
        "服装制版师",
        "电子装配工",
        "注塑工",
        "机床操作工",
        "数控车工",
        "钳工",
        "质检员",
        "普工",
        "食品加工工",
        "屠宰加工工",
        "速冻食品",
        "面点",
        "服务员",
        "厨工",
        "西式面点师",
        "美容师",
        "美甲",
        "育婴员",
        "养老护理员",
        "护工",
        "医疗护理员",
        "家政服务员",
        "保洁",
        "快递员",
        "仓库管理员",
        "叉车司机",
        "货车司机",
        "网约车司机",
        "配送员",
        "装卸工",
        "葡萄种植",
        "蔬菜种植",
        "大棚",
        "畜禽养殖工",
        "农机驾驶操作员",
        "保安员",
        "保洁员",
        "环卫工",
        "交通协管员",
        "公共环境保洁员",
        "治安巡逻员",
        "绿化养护员",
        "农村公路养护员",
        "村级就业协管员",
        "营业员",
        "电商客服",
        "直播销售员",
        "收银员",
        "化工操作工",
        "采油工",
        "高尔夫球杆套缝制工",
        "羽毛球制作工",
        "假发加工工",
        "手工编织",
        "电子商务师",
        "计算机操作员",
    ],
)
def test_labour_market_term_is_known(occupations: list[dict[str, Any]], term: str) -> None:
    known = {o["name_zh"] for o in occupations} | {s for o in occupations for s in o["synonyms"]}
    assert term in known


def test_public_welfare_post_types(by_name: dict[str, dict[str, Any]]) -> None:
    for name in (
        "交通协管员",
        "公共环境保洁员",
        "治安巡逻员",
        "绿化养护员",
        "农村公路养护员",
        "村级就业协管员",
    ):
        assert by_name[name]["public_welfare"] is True
    assert by_name["保洁员"]["public_welfare"] is False


# ------------------------------------------------------------------------------------------------- regions


@pytest.fixture(scope="module")
def regions() -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in load_regions()}


def children(regions: dict[str, dict[str, Any]], code: str) -> list[dict[str, Any]]:
    return [r for r in regions.values() if r["parent_code"] == code]


def child_named(regions: dict[str, dict[str, Any]], code: str, name: str) -> dict[str, Any]:
    matches = [r for r in children(regions, code) if r["name_zh"] == name]
    assert len(matches) == 1, f"{name} under {code}: {matches}"
    return matches[0]


def test_region_codes_unique_and_loader_keeps_every_row() -> None:
    rows = load_regions()
    assert len({r["code"] for r in rows}) == len(rows)


def test_every_parent_exists_one_level_up(regions: dict[str, dict[str, Any]]) -> None:
    for region in regions.values():
        if region["level"] == "province":
            assert region["parent_code"] is None, region
            continue
        parent = regions[region["parent_code"]]
        assert parent["level"] == PARENT_LEVEL[region["level"]], region
        shared = {"city": 2, "county": 4, "township": 6, "village": 9}[region["level"]]
        assert region["code"][:shared] == parent["code"][:shared], region


def test_code_lengths(regions: dict[str, dict[str, Any]]) -> None:
    length = {"province": 6, "city": 6, "county": 6, "township": 9, "village": 12}
    assert all(len(code) == length[r["level"]] and code.isdigit() for code, r in regions.items())


def test_all_31_mainland_provinces_with_capital(regions: dict[str, dict[str, Any]]) -> None:
    provinces = [r for r in regions.values() if r["level"] == "province"]
    assert len(provinces) == 31
    for province in provinces:
        assert children(regions, province["code"]), province["name_zh"]


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("320000", "江苏省"),
        ("310000", "上海市"),
        ("440000", "广东省"),
        ("110000", "北京市"),
        ("120000", "天津市"),
        ("130000", "河北省"),
        ("330000", "浙江省"),
        ("370000", "山东省"),
        ("410000", "河南省"),
    ],
)
def test_partner_province(regions: dict[str, dict[str, Any]], code: str, name: str) -> None:
    assert regions[code]["name_zh"] == name
    assert regions[code]["level"] == "province"


@pytest.mark.parametrize(
    ("code", "parent", "name"),
    [
        ("320500", "320000", "苏州市"),
        ("320200", "320000", "无锡市"),
        ("320100", "320000", "南京市"),
        ("320583", "320500", "昆山市"),
        ("320506", "320500", "吴中区"),
        ("440100", "440000", "广州市"),
        ("440300", "440000", "深圳市"),
        ("441900", "440000", "东莞市"),
        ("440600", "440000", "佛山市"),
        ("310100", "310000", "市辖区"),
        ("310115", "310100", "浦东新区"),
        ("310112", "310100", "闵行区"),
        ("310114", "310100", "嘉定区"),
        ("310118", "310100", "青浦区"),
        ("110100", "110000", "市辖区"),
        ("120100", "120000", "市辖区"),
        ("410100", "410000", "郑州市"),
        ("410900", "410000", "濮阳市"),
    ],
)
def test_known_region(regions: dict[str, dict[str, Any]], code: str, parent: str, name: str) -> None:
    assert (regions[code]["parent_code"], regions[code]["name_zh"]) == (parent, name)


PUYANG_COUNTIES = {
    "410902": "华龙区",
    "410922": "清丰县",
    "410923": "南乐县",
    "410926": "范县",
    "410927": "台前县",
    "410928": "濮阳县",
}


def test_puyang_counties_each_with_at_least_six_townships(regions: dict[str, dict[str, Any]]) -> None:
    assert {r["code"]: r["name_zh"] for r in children(regions, "410900")} == PUYANG_COUNTIES
    for code in PUYANG_COUNTIES:
        assert len(children(regions, code)) >= 6, code


@pytest.mark.parametrize(
    ("township", "county"),
    [
        ("杨村乡", "410923"),
        ("高堡乡", "410922"),
        ("鲁河镇", "410928"),
        ("海通乡", "410928"),
        ("胡状镇", "410928"),
        ("夹河乡", "410927"),
        ("侯庙镇", "410927"),
        ("颜村铺乡", "410926"),
    ],
)
def test_article_township(regions: dict[str, dict[str, Any]], township: str, county: str) -> None:
    found = child_named(regions, county, township)
    assert found["level"] == "township"


def test_every_puyang_township_has_three_to_six_villages(regions: dict[str, dict[str, Any]]) -> None:
    townships = [r for r in regions.values() if r["level"] == "township" and r["code"].startswith("4109")]
    assert len(townships) >= 6 * 6
    for township in townships:
        assert 3 <= len(children(regions, township["code"])) <= 6, township["name_zh"]


def test_wucun_under_yangcun(regions: dict[str, dict[str, Any]]) -> None:
    yangcun = child_named(regions, "410923", "杨村乡")
    village = child_named(regions, yangcun["code"], "吴村")
    assert village["level"] == "village" and len(village["code"]) == 12


# ------------------------------------------------------------------------------- scoring, routes and fairs


def test_scoring_weights_positive() -> None:
    weights = load_scoring()["weights"]
    assert set(weights) == {"occupation", "certificates", "distance", "wage", "wish", "training", "priority"}
    assert all(isinstance(w, int | float) and w > 0 for w in weights.values())


def test_distance_scores_never_grow_with_distance() -> None:
    distance = load_scoring()["distance"]
    values = [distance[k] for k in ("village", "township", "county", "city", "province", "national")]
    assert values == sorted(values, reverse=True)
    assert all(0 <= v <= 1 for v in values)


def test_scoring_sections() -> None:
    scoring = load_scoring()
    assert scoring["fuzzy"]["cutoff"] == 85
    assert scoring["age"] == {"min_working_age": 16, "max_working_age": 60}
    assert scoring["ranking"]["default_k"] == 50
    assert 0 < scoring["training_needs"]["qualified_threshold"] < 1


def test_six_routes() -> None:
    keys = [r["key"] for r in load_routes()]
    assert keys == [
        "out_of_province",
        "local_enterprise",
        "workshop",
        "public_welfare",
        "self_employment",
        "flexible",
    ]
    assert all(r["name_zh"] and r["name_en"] and r["description"] for r in load_routes())


def test_fair_kinds_and_shortlist() -> None:
    settings_ = load_fair_settings()
    assert [k["key"] for k in settings_["kinds"]] == [
        "spring_breeze",
        "poverty_alleviation",
        "returnee",
        "labour_cooperation",
        "online",
    ]
    assert settings_["shortlist"] == {"days_before": 7, "per_order": 20, "max_invitations_per_worker": 3}


def test_loaders_are_cached() -> None:
    assert load_occupations() is load_occupations()
    assert load_regions() is load_regions()
    assert load_scoring() is load_scoring()


def test_data_dir_is_the_config_package() -> None:
    assert (config.DATA_DIR / "occupations.toml").is_file()
    assert Path(config.__file__).resolve().parent == config.DATA_DIR


def test_config_imports_neither_matcher_nor_webapp() -> None:
    code = (
        "import sys, config; config.load_occupations(); config.load_regions(); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('matcher', 'webapp')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=config.DATA_DIR.parent)


# ---------------------------------------------------------------------------------------- broken files


def test_good_minimal_files_parse(tmp_path: Path) -> None:
    occ = parse_occupations(write(tmp_path, "occupations.toml", occupations_toml(make_occupation())))
    assert occ == [{**make_occupation(), "code_2022": None, "related": []}]
    regions = parse_regions(write(tmp_path, "regions.csv", regions_csv(*GOOD_REGIONS)))
    assert regions[0] == {
        "code": "410000",
        "parent_code": None,
        "level": "province",
        "name_zh": "河南省",
        "name_en": "Henan",
    }
    assert parse_scoring(write(tmp_path, "scoring.toml", GOOD_SCORING))["weights"]["wish"] == 0.10
    assert parse_routes(write(tmp_path, "routes.toml", GOOD_ROUTES))[0]["key"] == "workshop"
    assert parse_fair_settings(write(tmp_path, "fairs.toml", GOOD_FAIRS))["kinds"][0]["key"] == "online"


BROKEN_OCCUPATIONS = [
    pytest.param(
        (make_occupation(), make_occupation(name_zh="另一工", synonyms=[])),
        "duplicate code 'ISCO-9999-01'",
        id="duplicate-code",
    ),
    pytest.param(
        (make_occupation(), make_occupation(code="ISCO-9999-02", synonyms=[])),
        "duplicate name_zh",
        id="duplicate-name",
    ),
    pytest.param(
        (make_occupation(), make_occupation(code="ISCO-9999-02", name_zh="另一工")),
        "synonym clash: '测试员' is also a synonym of 测试工",
        id="synonym-twice",
    ),
    pytest.param(
        (make_occupation(), make_occupation(code="ISCO-9999-02", name_zh="另一工", synonyms=["测试工"])),
        "synonym clash: '测试工' is the name of occupation 测试工",
        id="synonym-is-other-name",
    ),
    pytest.param((make_occupation(category="mining"),), "unknown category 'mining'", id="category"),
    pytest.param((make_occupation(code="6-25"),), "code '6-25' is neither", id="code-format"),
    pytest.param(
        (make_occupation(public_welfare=True),), "public_welfare must be true exactly", id="pw-flag"
    ),
    pytest.param(
        (make_occupation(public_welfare="yes"),), "public_welfare must be true or false", id="pw-type"
    ),
    pytest.param((make_occupation(synonyms="电焊"),), "synonyms must be a list", id="synonyms-not-list"),
    pytest.param((make_occupation(skills=["a", " A "]),), "skills lists 'A' twice", id="skill-twice"),
    pytest.param((make_occupation(name_en=""),), "name_en must be a non-empty string", id="empty-name"),
    pytest.param((make_occupation(level=3),), "unknown key level", id="unknown-key"),
]


@pytest.mark.parametrize(("entries", "problem"), BROKEN_OCCUPATIONS)
def test_broken_occupations_rejected(
    tmp_path: Path, entries: tuple[dict[str, Any], ...], problem: str
) -> None:
    path = write(tmp_path, "occupations.toml", occupations_toml(*entries))
    with pytest.raises(ValueError, match="occupations.toml") as excinfo:
        parse_occupations(path)
    assert problem in str(excinfo.value)


def test_missing_occupation_field_rejected(tmp_path: Path) -> None:
    occ = make_occupation()
    del occ["skills"]
    with pytest.raises(ValueError, match=r"occupations\.toml: occupation #1 \(测试工\): missing skills"):
        parse_occupations(write(tmp_path, "occupations.toml", occupations_toml(occ)))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param("", "expected one or more [[occupation]] tables", id="empty"),
        pytest.param("[[occupation]\n", "not valid TOML", id="syntax"),
        pytest.param("title = 'x'\n", "unknown top-level key title", id="top-level"),
    ],
)
def test_broken_occupation_file_rejected(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(ValueError, match="occupations.toml") as excinfo:
        parse_occupations(write(tmp_path, "occupations.toml", text))
    assert problem in str(excinfo.value)


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_any_cross_synonym_in_the_real_taxonomy_is_caught(data: st.DataObject) -> None:
    """Giving one real occupation another's name or synonym always breaks the file, and says so."""
    real = load_occupations()
    index = data.draw(st.integers(0, len(real) - 1), label="edited occupation")
    other = data.draw(st.integers(0, len(real) - 1).filter(lambda i: i != index), label="other occupation")
    taken = data.draw(st.sampled_from([real[other]["name_zh"], *real[other]["synonyms"]]), label="clash")
    edited = [dict(o) for o in real]
    edited[index]["synonyms"] = [*edited[index]["synonyms"], taken]
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), "occupations.toml", occupations_toml(*edited))
        with pytest.raises(ValueError, match="synonym clash") as excinfo:
            parse_occupations(path)
    assert taken in str(excinfo.value)


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        pytest.param(
            (*GOOD_REGIONS, "410923201001,410923201,village,又一村,Youyicun"),
            "duplicate code 410923201001",
            id="duplicate-code",
        ),
        pytest.param(
            (*GOOD_REGIONS, "410923202,410929,township,某乡,Mou Township"),
            "unknown parent 410929",
            id="parent",
        ),
        pytest.param(
            (*GOOD_REGIONS, "410923202,410923,town,某乡,Mou Township"), "unknown level 'town'", id="level"
        ),
        pytest.param(
            (*GOOD_REGIONS, "410923201002,410923,village,某村,Moucun"),
            "a village must hang under a township",
            id="skipped-level",
        ),
        pytest.param(
            (*GOOD_REGIONS, "41092320,410923,township,某乡,Mou Township"),
            "a township code must be 9 digits",
            id="code-length",
        ),
        pytest.param(
            (*GOOD_REGIONS, "410922201,410923,township,某乡,Mou Township"),
            "does not start with its parent's prefix 410923",
            id="prefix",
        ),
        pytest.param(
            (*GOOD_REGIONS, "410923201002,410923201,village,吴村,Wucun"),
            "name 吴村 also used by sibling 410923201001",
            id="sibling-name",
        ),
        pytest.param(
            ("410000,110000,province,河南省,Henan",), "a province has no parent_code", id="root-parent"
        ),
        pytest.param(
            (*GOOD_REGIONS, "410923202,,township,某乡,Mou"), "a township needs a parent_code", id="orphan"
        ),
        pytest.param((*GOOD_REGIONS, "410923202,410923,township,某乡"), "expected 5 columns", id="columns"),
    ],
)
def test_broken_regions_rejected(tmp_path: Path, rows: tuple[str, ...], problem: str) -> None:
    path = write(tmp_path, "regions.csv", regions_csv(*rows))
    with pytest.raises(ValueError, match="regions.csv") as excinfo:
        parse_regions(path)
    assert problem in str(excinfo.value)


def test_regions_header_checked(tmp_path: Path) -> None:
    path = write(
        tmp_path, "regions.csv", "code,parent,level,name_zh,name_en\n410000,,province,河南省,Henan\n"
    )
    with pytest.raises(ValueError, match=r"regions\.csv: line 1: header must be"):
        parse_regions(path)


def test_region_parent_may_come_later_in_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "regions.csv", regions_csv(*reversed(GOOD_REGIONS)))
    assert len(parse_regions(path)) == len(GOOD_REGIONS)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        pytest.param("wish = 0.10", "wish = 0", "weight wish must be a positive number", id="zero-weight"),
        pytest.param(
            "wish = 0.10", "wish = -1", "weight wish must be a positive number", id="negative-weight"
        ),
        pytest.param("wish = 0.10", 'wish = "high"', "weight wish must be a number", id="text-weight"),
        pytest.param("wish = 0.10", "wish = true", "weight wish must be a number", id="bool-weight"),
        pytest.param("wish = 0.10\n", "", "[weights]: missing wish", id="missing-weight"),
        pytest.param("wish = 0.10", "wish = 0.1\nluck = 0.2", "unknown key luck", id="unknown-weight"),
        pytest.param(
            "national = 0.35", "national = 0.95", "national (0.95) must not exceed", id="distance-order"
        ),
        pytest.param("village = 1.0", "village = 1.5", "village must lie in [0, 1]", id="distance-range"),
        pytest.param("cutoff = 85", "cutoff = 185", "cutoff must lie in [0, 100]", id="cutoff"),
        pytest.param(
            "max_working_age = 60", "max_working_age = 15", "min_working_age < max_working_age", id="age"
        ),
        pytest.param(
            "max_working_age = 60", "max_working_age = 60.5", "must be a whole number", id="age-int"
        ),
        pytest.param("default_k = 50", "default_k = 0", "default_k must be at least 1", id="k"),
        pytest.param("min_score = 0.2", "min_score = 2", "min_score must lie in [0, 1]", id="min-score"),
        pytest.param("[fuzzy]\ncutoff = 85\n", "", "missing fuzzy", id="missing-section"),
    ],
)
def test_broken_scoring_rejected(tmp_path: Path, old: str, new: str, problem: str) -> None:
    assert old in GOOD_SCORING
    path = write(tmp_path, "scoring.toml", GOOD_SCORING.replace(old, new))
    with pytest.raises(ValueError, match="scoring.toml") as excinfo:
        parse_scoring(path)
    assert problem in str(excinfo.value)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param(GOOD_ROUTES + GOOD_ROUTES, "duplicate key 'workshop'", id="duplicate"),
        pytest.param(GOOD_ROUTES.replace('"workshop"', '"Work Shop"'), "must be lower-case", id="key-format"),
        pytest.param(
            GOOD_ROUTES.replace('description = "Village factories."\n', ""), "missing description", id="field"
        ),
        pytest.param("", "expected one or more [[route]] tables", id="empty"),
    ],
)
def test_broken_routes_rejected(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(ValueError, match="routes.toml") as excinfo:
        parse_routes(write(tmp_path, "routes.toml", text))
    assert problem in str(excinfo.value)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        pytest.param("per_order = 20", "per_order = 0", "per_order must be at least 1", id="per-order"),
        pytest.param("days_before = 7", "days_before = 7.5", "days_before must be a whole number", id="days"),
        pytest.param(
            "max_invitations_per_worker = 3\n", "", "missing max_invitations_per_worker", id="missing"
        ),
        pytest.param('key = "online"', 'key = ""', "key must be a non-empty string", id="empty-key"),
    ],
)
def test_broken_fairs_rejected(tmp_path: Path, old: str, new: str, problem: str) -> None:
    assert old in GOOD_FAIRS
    with pytest.raises(ValueError, match="fairs.toml") as excinfo:
        parse_fair_settings(write(tmp_path, "fairs.toml", GOOD_FAIRS.replace(old, new)))
    assert problem in str(excinfo.value)


def test_missing_file_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"scoring\.toml: file not found"):
        parse_scoring(tmp_path / "scoring.toml")
