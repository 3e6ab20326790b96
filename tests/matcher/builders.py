"""Small inline reference data and builders for the matcher tests (no files, no database).

``make_worker(**overrides)`` gives a seeking, certified welder from 南乐县杨村乡吴村 who will go anywhere;
``make_order(**overrides)`` a welding order in 苏州 (Jiangsu). ``make_ctx()`` bundles the inline taxonomy,
region tree and default scoring on a fixed day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from matcher import JobOrderProfile, MatchContext, RegionTree, ScoringConfig, Taxonomy, WorkerProfile

TODAY = date(2019, 12, 17)

WELDER = "6-18-02-04"
HAIRDRESSER = "4-10-03-02"
MATERNITY = "ISCO-5322-01"
NANNY = "4-10-01-02"
COOK = "4-03-02-01"
ELECTRICIAN = "6-31-01-03"
CLEANER = "ISCO-9112-01"
GUARD = "4-07-05-01"
SEWER = "6-05-01-01"

OCCUPATIONS: list[dict[str, Any]] = [
    {
        "code": WELDER,
        "name_zh": "焊工",
        "name_en": "Welder",
        "category": "building",
        "synonyms": ["电焊工", "电焊", "氩弧焊工"],
        "skills": ["氩弧焊", "二氧化碳保护焊", "火焰切割"],
        "certificates": ["焊工证", "特种作业操作证（焊接与热切割作业）"],
        "public_welfare": False,
    },
    {
        "code": HAIRDRESSER,
        "name_zh": "美发师",
        "name_en": "Hairdresser",
        "category": "beauty",
        "synonyms": ["理发师", "美发"],
        "skills": ["剪发", "烫染"],
        "certificates": ["美发师证"],
    },
    {
        "code": MATERNITY,
        "name_zh": "母婴护理员",
        "name_en": "Maternity nurse",
        "category": "domestic_care",
        "synonyms": ["月嫂", "母婴护理"],
        "skills": ["新生儿护理", "产妇护理"],
        "certificates": ["母婴护理员证"],
    },
    {
        "code": NANNY,
        "name_zh": "育婴员",
        "name_en": "Nanny",
        "category": "domestic_care",
        "synonyms": ["育婴师"],
        "skills": ["婴儿护理"],
        "certificates": [],
    },
    {
        "code": COOK,
        "name_zh": "中式烹调师",
        "name_en": "Chinese cook",
        "category": "catering",
        "synonyms": ["厨师", "烹饪"],
        "skills": ["切配", "炒菜"],
        "certificates": ["中式烹调师证"],
    },
    {
        "code": ELECTRICIAN,
        "name_zh": "电工",
        "name_en": "Electrician",
        "category": "building",
        "synonyms": ["维修电工"],
        "skills": ["低压电工作业", "看图纸"],
        "certificates": ["低压电工证"],
    },
    {
        "code": CLEANER,
        "name_zh": "保洁员",
        "name_en": "Cleaner",
        "category": "public_welfare",
        "synonyms": ["清洁工"],
        "skills": ["清扫"],
        "certificates": [],
        "public_welfare": True,
    },
    {
        "code": GUARD,
        "name_zh": "保安员",
        "name_en": "Security guard",
        "category": "security",
        "synonyms": ["保安"],
        "skills": ["巡逻"],
        "certificates": ["保安员证"],
    },
    {
        "code": SEWER,
        "name_zh": "缝纫工",
        "name_en": "Sewing machinist",
        "category": "sewing",
        "synonyms": ["缝纫"],
        "skills": ["平缝机", "看图纸"],
        "certificates": [],
    },
]

WUCUN = "410923201001"  # 南乐县杨村乡吴村
XICUN = "410923201002"  # 南乐县杨村乡西村 (same township)
YANGCUN = "410923201"
NANLE = "410923"
GAOBAO_VILLAGE = "410922101001"  # 清丰县高堡乡 (other county, same city)
QINGFENG = "410922"
PUYANG = "410900"
ZHENGZHOU = "410100"  # same province, other city
JIANGSU = "320000"
SUZHOU = "320500"
SHANGHAI = "310000"

REGIONS: list[dict[str, Any]] = [
    {"code": "410000", "parent_code": None, "level": "province", "name_zh": "河南省", "name_en": "Henan"},
    {"code": PUYANG, "parent_code": "410000", "level": "city", "name_zh": "濮阳市", "name_en": "Puyang"},
    {
        "code": ZHENGZHOU,
        "parent_code": "410000",
        "level": "city",
        "name_zh": "郑州市",
        "name_en": "Zhengzhou",
    },
    {"code": NANLE, "parent_code": PUYANG, "level": "county", "name_zh": "南乐县", "name_en": "Nanle"},
    {"code": QINGFENG, "parent_code": PUYANG, "level": "county", "name_zh": "清丰县", "name_en": "Qingfeng"},
    {"code": YANGCUN, "parent_code": NANLE, "level": "township", "name_zh": "杨村乡", "name_en": "Yangcun"},
    {
        "code": "410922101",
        "parent_code": QINGFENG,
        "level": "township",
        "name_zh": "高堡乡",
        "name_en": "Gaobao",
    },
    {"code": WUCUN, "parent_code": YANGCUN, "level": "village", "name_zh": "吴村", "name_en": "Wucun"},
    {"code": XICUN, "parent_code": YANGCUN, "level": "village", "name_zh": "西村", "name_en": "Xicun"},
    {
        "code": GAOBAO_VILLAGE,
        "parent_code": "410922101",
        "level": "village",
        "name_zh": "高堡村",
        "name_en": "",
    },
    {"code": JIANGSU, "parent_code": None, "level": "province", "name_zh": "江苏省", "name_en": "Jiangsu"},
    {"code": SUZHOU, "parent_code": JIANGSU, "level": "city", "name_zh": "苏州市", "name_en": "Suzhou"},
    {"code": SHANGHAI, "parent_code": None, "level": "province", "name_zh": "上海市", "name_en": "Shanghai"},
]

TAXONOMY = Taxonomy.from_records(OCCUPATIONS)

CHILDCARE = "4-10-01-03"
TRUCKER = "4-02-02-03"
#: The inline occupations with the vocabulary v2 adds: related occupations, two more trades.
OCCUPATIONS_V2: list[dict[str, Any]] = [
    {**o, "related": related}
    for o, related in zip(
        OCCUPATIONS,
        [
            [{"name": "电工", "similarity": 0.5}],  # 焊工
            [],  # 美发师
            [{"name": "育婴员", "similarity": 0.75}],  # 母婴护理员
            [{"name": "保育员", "similarity": 0.8}, {"name": "母婴护理员", "similarity": 0.8}],  # 育婴员
            [],  # 厨师
            [{"name": "焊工", "similarity": 0.5}],  # 电工
            [],  # 保洁员
            [],  # 保安员
            [],  # 缝纫工
        ],
        strict=True,
    )
] + [
    {
        "code": CHILDCARE,
        "name_zh": "保育员",
        "category": "domestic_care",
        "synonyms": ["幼儿园保育员"],
        "related": [{"name": "育婴员", "similarity": 0.8}],
    },
    {"code": TRUCKER, "name_zh": "货车司机", "category": "logistics", "synonyms": ["大车司机", "货车师傅"]},
]
#: A small certificate catalogue: required licences, card names, codes and classes that cover others.
CERTIFICATES_V2: list[dict[str, Any]] = [
    {
        "id": "weld",
        "name": "特种作业操作证（焊接与热切割作业）",
        "scheme": "special_operations",
        "aliases": ["焊工证", "电焊证"],
        "required_for": ["焊工"],
    },
    {
        "id": "elec_low",
        "name": "特种作业操作证（低压电工作业）",
        "scheme": "special_operations",
        "aliases": ["低压电工证", "电工证"],
        "required_for": ["电工"],
    },
    {
        "id": "elec_high",
        "name": "特种作业操作证（高压电工作业）",
        "scheme": "special_operations",
        "aliases": ["高压证"],
        "covers": ["elec_low"],
    },
    {
        "id": "guard",
        "name": "保安员证",
        "scheme": "security",
        "aliases": ["保安证"],
        "required_for": ["保安员"],
    },
    {
        "id": "drive_a2",
        "name": "机动车驾驶证（A2）",
        "scheme": "driving",
        "code": "A2",
        "aliases": ["A照"],
        "covers": ["drive_b2"],
    },
    {
        "id": "drive_b2",
        "name": "机动车驾驶证（B2）",
        "scheme": "driving",
        "code": "B2",
        "aliases": ["大车本"],
        "covers": ["drive_c1"],
        "required_for": ["货车司机"],
    },
    {
        "id": "drive_c1",
        "name": "机动车驾驶证（C1）",
        "scheme": "driving",
        "code": "C1",
        "aliases": ["驾驶证"],
    },
    {
        "id": "forklift",
        "name": "特种设备作业人员证（N1 叉车司机）",
        "scheme": "special_equipment",
        "code": "N1",
        "aliases": ["叉车证"],
    },
]
TAXONOMY_V2 = Taxonomy.from_records(OCCUPATIONS_V2, certificates=CERTIFICATES_V2)
REGION_TREE = RegionTree.from_records(REGIONS)
SCORING = ScoringConfig.from_dict({})


def make_ctx(**overrides: Any) -> MatchContext:
    """The inline reference data on ``TODAY``; override ``taxonomy``, ``regions``, ``scoring`` or ``today``."""
    values: dict[str, Any] = {
        "taxonomy": TAXONOMY,
        "regions": REGION_TREE,
        "scoring": SCORING,
        "today": TODAY,
    }
    values.update(overrides)
    return MatchContext(**values)


def make_worker(**overrides: Any) -> WorkerProfile:
    """赵晓权: a seeking, certified, registered-poor welder from 吴村 who will go anywhere."""
    values: dict[str, Any] = {
        "id": 1,
        "region_code": WUCUN,
        "birth_date": date(1985, 3, 3),
        "sex": "M",
        "skills": ("电焊",),
        "certificates": ("焊工证",),
        "desired_occupations": ("焊工",),
        "mobility": "national",
        "expected_wage": 6000,
        "poverty_registered": True,
    }
    values.update(overrides)
    return WorkerProfile(**values)


def make_order(**overrides: Any) -> JobOrderProfile:
    """A welding order on a building site in 苏州, 5,000–7,000 yuan a month."""
    values: dict[str, Any] = {
        "id": 100,
        "occupation": "焊工",
        "region_code": SUZHOU,
        "title": "钢结构电焊工",
        "skills": (),
        "certificates_required": (),
        "headcount": 5,
        "wage_min": 5000,
        "wage_max": 7000,
    }
    values.update(overrides)
    return JobOrderProfile(**values)
