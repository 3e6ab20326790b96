"""The v1 reference definitions: settings, hard constraints, score components, reasons."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from matcher import (
    COMPONENTS,
    Match,
    ScoringConfig,
    check_constraints,
    is_relevant,
    reference_rank,
    score_pair,
)
from tests.matcher.builders import (
    GAOBAO_VILLAGE,
    JIANGSU,
    NANLE,
    SCORING,
    SHANGHAI,
    SUZHOU,
    TODAY,
    WUCUN,
    XICUN,
    ZHENGZHOU,
    make_ctx,
    make_order,
    make_worker,
)

CTX = make_ctx()


def scored(order: Any, worker: Any) -> Match:
    match = score_pair(order, worker, CTX)
    assert match is not None, check_constraints(order, worker, CTX)
    return match


# -- settings --------------------------------------------------------------------------------------------------


def test_scoring_config_from_dict_defaults_and_overrides() -> None:
    cfg = ScoringConfig.from_dict(
        {
            "weights": {"occupation": 1, "wage": 1},
            "ranking": {"min_score": 0.3},
            "age": {"max_working_age": 65},
        }
    )
    assert cfg.weight("occupation") == 1.0 and cfg.weight("training") == 0.0
    assert cfg.total_weight == 2.0
    assert cfg.min_score == 0.3 and cfg.default_k == 50
    assert (cfg.min_working_age, cfg.max_working_age) == (16, 65)
    assert cfg.distance["national"] == 0.35
    assert SCORING.total_weight == pytest.approx(1.0)


@pytest.mark.parametrize(
    "d",
    [
        {"weights": {"occupation": -1}},
        {"weights": {"occupation": 0}},
        {"weights": {"luck": 1}},
        {"distance": {"village": 1.5}},
        {"ranking": {"min_score": 2}},
        {"age": {"min_working_age": 70}},
        {"fuzzy": {"cutoff": 101}},
        {"weights": [1, 2]},
    ],
)
def test_scoring_config_refuses_bad_settings(d: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        ScoringConfig.from_dict(d)


def test_scoring_config_is_frozen() -> None:
    with pytest.raises(AttributeError):
        SCORING.min_score = 0.5  # type: ignore[misc]
    with pytest.raises(TypeError):
        SCORING.weights["wage"] = 1.0  # type: ignore[index]


# -- hard constraints ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("worker", "order", "reason"),
    [
        ({}, {}, None),
        ({"status": "employed"}, {}, "非求职状态"),
        ({"status": "in_training"}, {}, "非求职状态"),
        ({"birth_date": None}, {}, "年龄未知"),
        ({"birth_date": date(2003, 12, 18)}, {}, "年龄不符"),  # 15 on TODAY
        ({"birth_date": date(2003, 12, 17)}, {}, None),  # 16 today
        ({"birth_date": date(1985, 3, 3)}, {"age_max": 30}, "年龄不符"),
        ({"birth_date": date(1985, 3, 3)}, {"age_min": 35}, "年龄不符"),
        ({"birth_date": date(1985, 3, 3)}, {"age_min": 34, "age_max": 34}, None),
        ({"birth_date": date(1985, 3, 3)}, {"age_max": 70}, None),
        ({"poverty_registered": False}, {"public_welfare": True}, "公益性岗位仅限建档立卡或残疾人员"),
        ({"poverty_registered": False, "disability": True}, {"public_welfare": True}, None),
        ({"poverty_registered": True}, {"public_welfare": True}, None),
        ({"mobility": "county"}, {"region_code": SUZHOU}, "不愿跨省"),
        ({"mobility": "province"}, {"region_code": JIANGSU}, "不愿跨省"),
        ({"mobility": "county"}, {"region_code": SHANGHAI}, "不愿跨省"),
        ({"mobility": "city"}, {"region_code": ZHENGZHOU}, "不愿跨市"),
        ({"mobility": "county"}, {"region_code": GAOBAO_VILLAGE}, "不愿出县"),
        ({"mobility": "township"}, {"region_code": "410923202"}, "不愿出乡镇"),
        ({"mobility": "village"}, {"region_code": XICUN}, "不愿出村"),
        ({"mobility": "village"}, {"region_code": WUCUN}, None),
        ({"mobility": "county"}, {"region_code": NANLE}, None),
        ({"mobility": "province"}, {"region_code": ZHENGZHOU}, None),
    ],
)
def test_check_constraints(worker: dict[str, Any], order: dict[str, Any], reason: str | None) -> None:
    assert check_constraints(make_order(**order), make_worker(**worker), CTX) == reason


def test_the_oldest_legal_age_is_inclusive() -> None:
    order = make_order()
    assert check_constraints(order, make_worker(birth_date=date(1959, 12, 18)), CTX) is None  # 59
    assert check_constraints(order, make_worker(birth_date=date(1958, 12, 18)), CTX) is None  # 60
    assert check_constraints(order, make_worker(birth_date=date(1958, 12, 17)), CTX) == "年龄不符"  # 61 today


def test_unknown_mobility_is_refused() -> None:
    with pytest.raises(ValueError):
        check_constraints(make_order(), make_worker(mobility="moon"), CTX)


def test_county_bound_worker_never_matches_a_jiangsu_order() -> None:
    worker = make_worker(mobility="county")
    for region in (JIANGSU, SUZHOU, "320583"):
        order = make_order(region_code=region)
        assert check_constraints(order, worker, CTX) == "不愿跨省"
        assert score_pair(order, worker, CTX) is None
        assert reference_rank(order, [worker], CTX, min_score=0.0) == []


# -- components ------------------------------------------------------------------------------------------------


def test_certified_welder_outranks_hairdresser_for_a_welding_order() -> None:
    order = make_order(certificates_required=("焊工证",))
    welder = make_worker(id=1, poverty_registered=False)
    hairdresser = make_worker(
        id=2,
        skills=("美发", "剪发"),
        certificates=("美发师证",),
        desired_occupations=("美发师",),
        poverty_registered=False,
    )
    w, h = scored(order, welder), scored(order, hairdresser)
    assert w.score > h.score
    assert w.breakdown["occupation"] == 1.0 and h.breakdown["occupation"] == 0.0
    assert w.breakdown["certificates"] == 1.0 and h.breakdown["certificates"] == 0.0
    assert "持有焊工证" in w.reasons
    ranked = reference_rank(order, [hairdresser, welder], CTX, min_score=0.0)
    assert [m.worker_id for m in ranked] == [1]  # the hairdresser is not even a candidate


@pytest.mark.parametrize(
    ("order_occupation", "worker_text"),
    [
        ("月嫂", "母婴护理员"),
        ("母婴护理员", "月嫂"),
        ("电焊工", "焊工"),
        ("焊工", "电焊工"),
        ("焊工", "电焊"),
    ],
)
def test_synonyms_match(order_occupation: str, worker_text: str) -> None:
    order = make_order(occupation=order_occupation, region_code=NANLE)
    worker = make_worker(skills=(worker_text,), certificates=(), desired_occupations=(worker_text,))
    match = scored(order, worker)
    assert match.breakdown["occupation"] == 1.0
    assert match.breakdown["wish"] == 1.0
    assert "期望工种第一志愿" in match.reasons
    assert is_relevant(order, worker, CTX)


def test_reasons_of_the_article_welder() -> None:
    match = scored(make_order(), make_worker())
    assert match.reasons == (
        "工种对口：焊工",
        "持有焊工证",
        "期望工种第一志愿",
        "愿意跨省",
        "工资符合期望",
        "建档立卡优先",
    )
    assert set(match.breakdown) == set(COMPONENTS)
    expected = (
        0.35 * 1.0 + 0.15 * 1.0 + 0.15 * 0.35 + 0.15 * 1.0 + 0.10 * 1.0 + 0.05 * 0.0 + 0.05 * 1.0
    ) / SCORING.total_weight
    assert match.score == pytest.approx(expected)


@pytest.mark.parametrize(
    ("expected_wage", "wage_max", "wage_min", "value", "reason"),
    [
        (6000, 7000, 5000, 1.0, "工资符合期望"),
        (7000, 7000, 5000, 1.0, "工资符合期望"),
        (10500, 7000, 5000, 0.5, "工资低于期望"),
        (14000, 7000, 5000, 0.0, "工资低于期望"),
        (20000, 7000, 5000, 0.0, "工资低于期望"),
        (6000, None, 4000, 0.5, "工资低于期望"),  # wage_min stands in for a missing wage_max
        (None, 7000, 5000, 1.0, None),
        (6000, None, None, 1.0, None),
    ],
)
def test_wage_fit(
    expected_wage: int | None, wage_max: int | None, wage_min: int | None, value: float, reason: str | None
) -> None:
    match = scored(make_order(wage_max=wage_max, wage_min=wage_min), make_worker(expected_wage=expected_wage))
    assert match.breakdown["wage"] == pytest.approx(value)
    words = {"工资符合期望", "工资低于期望"} & set(match.reasons)
    assert words == ({reason} if reason else set())


@pytest.mark.parametrize(
    ("wishes", "value", "reason"),
    [
        (("焊工",), 1.0, "期望工种第一志愿"),
        (("美发师", "电焊工"), 0.75, "期望工种第二志愿"),
        (("美发师", "厨师", "月嫂", "焊工"), 0.25, "期望工种第四志愿"),
        (("美发师", "厨师", "月嫂", "育婴员", "焊工"), 0.0, "期望工种第五志愿"),
        (("美发师",), 0.0, None),
        ((), 0.5, None),
    ],
)
def test_wish_order(wishes: tuple[str, ...], value: float, reason: str | None) -> None:
    match = scored(make_order(), make_worker(desired_occupations=wishes))
    assert match.breakdown["wish"] == value
    wish_reasons = [r for r in match.reasons if r.startswith("期望工种")]
    assert wish_reasons == ([reason] if reason else [])


@pytest.mark.parametrize(
    ("worker", "order", "occupation"),
    [
        ({"skills": ("电焊",)}, {}, 1.0),  # skill names the occupation
        ({"skills": (), "certificates": ("焊工证",)}, {}, 1.0),  # the certificate's occupation
        # a course is not experience: partial fit (a larger wish wins); years of experience are experience
        (
            {"skills": (), "certificates": (), "completed_training": ("焊工",), "desired_occupations": ()},
            {},
            0.6,
        ),
        ({"skills": (), "certificates": (), "completed_training": ("焊工",)}, {}, 0.7),
        ({"skills": (), "certificates": (), "experience_years": (("电焊工", 4),)}, {}, 1.0),
        ({"skills": (), "certificates": (), "desired_occupations": ("焊工",)}, {}, 0.7),  # wished only
        ({"skills": ("维修电工",), "certificates": (), "desired_occupations": ()}, {}, 0.4),  # same category
        (
            {"skills": ("氩弧焊",), "certificates": (), "desired_occupations": ()},
            {"skills": ("氩弧焊", "气割")},
            0.5,
        ),
        ({"skills": ("氩弧焊", "气割"), "certificates": ()}, {"skills": ("氩弧焊", "气割")}, 1.0),
        (
            {"skills": ("氩弧焊",), "certificates": (), "desired_occupations": ()},
            {},
            1 / 3,
        ),  # taxonomy keywords
    ],
)
def test_occupation_fit(worker: dict[str, Any], order: dict[str, Any], occupation: float) -> None:
    match = scored(make_order(**order), make_worker(**worker))
    assert match.breakdown["occupation"] == pytest.approx(occupation)


def test_occupation_reasons() -> None:
    keyword = scored(
        make_order(skills=("氩弧焊",)),
        make_worker(skills=("氩弧焊",), certificates=(), desired_occupations=()),
    )
    assert keyword.reasons[0] == "掌握相关技能：氩弧焊"
    category = scored(
        make_order(), make_worker(skills=("维修电工",), certificates=(), desired_occupations=())
    )
    assert category.reasons[0] == "同类工种"
    trained = scored(make_order(), make_worker(completed_training=("焊工",)))
    assert "已完成焊工培训" in trained.reasons and trained.breakdown["training"] == 1.0


@pytest.mark.parametrize(
    ("certificates", "required", "value", "reasons"),
    [
        (("焊工证",), ("焊工证",), 1.0, {"持有焊工证"}),
        (
            ("焊工证",),
            ("焊工证", "特种作业操作证（焊接与热切割作业）"),
            0.5,
            {"持有焊工证", "缺少特种作业操作证（焊接与热切割作业）"},
        ),
        ((), ("焊工证",), 0.0, {"缺少焊工证"}),
        (("电焊工证",), ("焊工证",), 1.0, {"持有焊工证"}),  # fuzzy certificate name
        ((), (), 0.5, set()),  # nothing required, occupation has certificates, none held
        (("特种作业操作证(焊接与热切割作业)",), (), 1.0, {"持有特种作业操作证（焊接与热切割作业）"}),
    ],
)
def test_certificates(
    certificates: tuple[str, ...], required: tuple[str, ...], value: float, reasons: set[str]
) -> None:
    match = scored(make_order(certificates_required=required), make_worker(certificates=certificates))
    assert match.breakdown["certificates"] == value
    assert {r for r in match.reasons if r.startswith(("持有", "缺少"))} == reasons


def test_certificates_neutral_when_occupation_has_none() -> None:
    match = scored(make_order(occupation="育婴员"), make_worker(skills=("育婴师",)))
    assert match.breakdown["certificates"] == 1.0


@pytest.mark.parametrize(
    ("region", "distance", "reason"),
    [
        (WUCUN, 1.0, "就近就业"),
        (XICUN, 1.0, "就近就业"),
        (NANLE, 0.9, "本县就业"),
        (GAOBAO_VILLAGE, 0.75, "本市就业"),
        (ZHENGZHOU, 0.55, "愿意跨市"),
        (SUZHOU, 0.35, "愿意跨省"),
    ],
)
def test_distance(region: str, distance: float, reason: str) -> None:
    match = scored(make_order(region_code=region), make_worker())
    assert match.breakdown["distance"] == distance
    assert reason in match.reasons


def test_priority_is_bounded_by_its_weight() -> None:
    order = make_order()
    poor = scored(order, make_worker(poverty_registered=True))
    other = scored(order, make_worker(poverty_registered=False))
    assert poor.breakdown["priority"] == 1.0 and other.breakdown["priority"] == 0.0
    assert poor.score - other.score == pytest.approx(SCORING.weight("priority") / SCORING.total_weight)
    assert "建档立卡优先" in poor.reasons and "建档立卡优先" not in other.reasons


def test_weights_come_from_the_settings() -> None:
    only_wage = make_ctx(scoring=ScoringConfig.from_dict({"weights": {"wage": 1.0}}))
    match = score_pair(make_order(wage_max=4000), make_worker(expected_wage=6000), only_wage)
    assert match is not None and match.score == pytest.approx(0.5)


def test_ages_are_computed_on_the_context_day() -> None:
    worker = make_worker(birth_date=date(2004, 1, 1))
    assert check_constraints(make_order(), worker, CTX) == "年龄不符"
    assert check_constraints(make_order(), worker, make_ctx(today=date(2020, 1, 1))) is None
    assert CTX.today == TODAY


def test_inputs_are_not_mutated() -> None:
    order, worker = make_order(), make_worker()
    before = (repr(order), repr(worker))
    score_pair(order, worker, CTX)
    assert (repr(order), repr(worker)) == before
