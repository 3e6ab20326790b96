"""Matching v2: normalisation, related occupations, licences as hard constraints, experience against training, and
the fast engine still equal to the reference definitions with all of these."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings

from matcher import (
    JobOrderProfile,
    Taxonomy,
    WorkerProfile,
    build_order_index,
    build_worker_index,
    near_misses,
    near_misses_batch,
    rank,
    rank_batch,
    recommend,
    reference_near_misses,
    reference_rank,
    reference_recommend,
    resolve_order,
)
from tests.matcher.builders import (
    CHILDCARE,
    NANNY,
    TAXONOMY_V2,
    TRUCKER,
    WELDER,
    make_ctx,
    make_order,
    make_worker,
)
from tests.matcher.random_city import cities, random_city
from tests.matcher.test_fast_engine import assert_same

CTX = make_ctx(taxonomy=TAXONOMY_V2)

#: Extra texts the v2 city draws from: card names, codes, classes, typos, traditional characters.
V2_CERTIFICATES = (
    "焊工证",
    "電焊證",
    "A照",
    "驾照B2",
    "大车本",
    "驾驶证",
    "高压证",
    "低压电工证",
    "保安证",
    "N1证",
)
V2_EXPERIENCE = ("焊工", "电汗工", "保育员", "育婴员", "月嫂", "货车司机", "大车师傅", "电工", "保安")
V2_OCCUPATIONS = (
    "焊工",
    "电工",
    "保安员",
    "货车司机",
    "育婴员",
    "保育员",
    "母婴护理员",
    "美发师",
    "民宿管家",
)


def v2_city(seed: int, workers: int, orders: int) -> tuple[list[WorkerProfile], list[JobOrderProfile]]:
    """The seeded random city with v2 texts mixed in: experience years, card names, related trades."""
    rng = random.Random(seed * 7919)
    base_workers, base_orders = random_city(seed, workers, orders)
    out_workers = [
        replace(
            w,
            certificates=(*w.certificates, *rng.sample(V2_CERTIFICATES, rng.randint(0, 2))),
            experience_years=tuple(
                (rng.choice(V2_EXPERIENCE), rng.choice((0, 1, 3, 3, 8))) for _ in range(rng.randint(0, 2))
            ),
        )
        for w in base_workers
    ]
    out_orders = [
        replace(o, occupation=rng.choice(V2_OCCUPATIONS)) if rng.random() < 0.5 else o for o in base_orders
    ]
    return out_workers, out_orders


# -- normalisation and resolution -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "term", "method"),
    [
        ("電焊工", "occupation", f"o:{WELDER}", "synonym"),  # traditional characters
        ("急招电焊师傅", "occupation", f"o:{WELDER}", "synonym"),  # filler around a synonym
        ("电汗工", "occupation", f"o:{WELDER}", "pinyin"),  # one wrong character, same sound
        ("月扫", "occupation", "o:ISCO-5322-01", "pinyin"),  # two characters: homophones only
        ("服装车工", "occupation", "t:服装车工", "literal"),  # containing a shorter name is not that name
        ("电焊证", "cert", "c:weld", "synonym"),  # alias of the card
        ("電焊證", "cert", "c:weld", "synonym"),
        ("驾照B2", "cert", "c:drive_b2", "code"),  # scheme code
        ("特种设备作业人员证（N1）", "cert", "c:forklift", "code"),
        ("ＡＵＴＯ　ＣＡＤ", "skill", "t:autocad", "literal"),
    ],
)
def test_resolution_says_how(text: str, kind: str, term: str, method: str) -> None:
    found = TAXONOMY_V2.resolution(text, kind=kind)  # type: ignore[arg-type]
    assert (found.term, found.method) == (term, method)
    assert 0.0 <= found.confidence <= 1.0
    assert (found.confidence == 0.0) == (method == "literal")


def test_containment_never_equates_two_occupations() -> None:
    tax = Taxonomy.from_records(
        [
            {"code": "L", "name_zh": "车工"},
            {"code": "S", "name_zh": "缝纫工", "synonyms": ["平车工"]},
            {"code": "M", "name_zh": "母婴护理员"},
            {"code": "E", "name_zh": "养老护理员"},
        ]
    )
    assert tax.resolve("服装车工") is None  # contains 车工, is not a lathe operator
    assert tax.resolve("护理员") is None  # inside two different names: ambiguous
    assert tax.resolve("母婴护理") == "M"  # a short form of exactly one name
    assert tax.resolve("保育员") is None and tax.resolve("保安员") is None


def test_a_two_character_typo_needs_the_same_sound() -> None:
    tax = Taxonomy.from_records([{"code": "L", "name_zh": "铣工"}, {"code": "Q", "name_zh": "钳工"}])
    assert tax.resolve("洗工") == "L"  # xi = xi
    assert tax.resolve("先工") is None  # xian ≠ xi, qian: not close enough for two characters


def test_an_ambiguous_typo_stays_literal() -> None:
    tax = Taxonomy.from_records([{"code": "A", "name_zh": "店员"}, {"code": "B", "name_zh": "电员"}])
    assert tax.resolve("垫员") is None  # dian: both fit


def test_licence_classes_cover_lower_ones() -> None:
    assert TAXONOMY_V2.covered(["c:drive_a2"]) == {"c:drive_a2", "c:drive_b2", "c:drive_c1"}
    assert TAXONOMY_V2.covered(["c:elec_high"]) == {"c:elec_high", "c:elec_low"}
    assert TAXONOMY_V2.covered(["c:drive_c1"]) == {"c:drive_c1"}


def test_empty_order_occupation_is_an_error_naming_the_field() -> None:
    with pytest.raises(ValueError, match="occupation must not be empty"):
        resolve_order(make_order(occupation="  "), CTX)


def test_unknown_occupation_is_kept_as_typed() -> None:
    ot = resolve_order(make_order(occupation="民宿管家", certificates_required=()), CTX)
    assert ot.occupation == "t:民宿管家" and ot.related == () and ot.required == ()


# -- scoring -----------------------------------------------------------------------------------------------------


def test_related_workers_are_candidates_scored_below_exact_ones() -> None:
    order = make_order(occupation="育婴员", certificates_required=(), skills=())
    nanny = make_worker(id=1, skills=("育婴师",), certificates=(), desired_occupations=())
    childcare = make_worker(id=2, skills=("保育员",), certificates=(), desired_occupations=())
    ranked = reference_rank(order, [childcare, nanny], CTX)
    assert [m.worker_id for m in ranked] == [1, 2]
    assert ranked[1].breakdown["occupation"] == pytest.approx(0.8)
    assert ranked[1].reasons[0] == "按近似工种匹配：保育员≈育婴员"


def test_licence_required_by_law_is_a_hard_constraint() -> None:
    order = make_order(occupation="焊工", certificates_required=())
    licensed = make_worker(id=1, skills=("电焊",), certificates=("電焊證",))
    unlicensed = make_worker(id=2, skills=("电焊",), certificates=(), poverty_registered=True)
    assert [m.worker_id for m in reference_rank(order, [licensed, unlicensed], CTX)] == [1]
    near = reference_near_misses(order, [licensed, unlicensed], CTX)
    assert [(n.match.worker_id, n.missing) for n in near] == [(2, ("c:weld",))]
    assert "缺少焊工证" in near[0].match.reasons  # the short name people know


def test_a_higher_class_meets_a_lower_requirement() -> None:
    order = make_order(occupation="大车司机", certificates_required=(), skills=())
    a2 = make_worker(id=1, skills=("货车司机",), certificates=("A照",), desired_occupations=())
    c1 = make_worker(id=2, skills=("货车司机",), certificates=("驾驶证",), desired_occupations=())
    assert resolve_order(order, CTX).required == ("c:drive_b2",)
    assert [m.worker_id for m in reference_rank(order, [a2, c1], CTX)] == [1]
    assert [n.match.worker_id for n in reference_near_misses(order, [a2, c1], CTX)] == [2]


def test_a_course_is_not_experience() -> None:
    order = make_order(occupation="美发师", certificates_required=(), skills=())
    plain = {"skills": (), "certificates": (), "desired_occupations": ()}
    experienced = make_worker(id=2, experience_years=(("理发师", 6),), **plain)
    trainee = make_worker(id=1, completed_training=("美发",), **plain)
    ranked = reference_rank(order, [trainee, experienced], CTX)
    assert [m.worker_id for m in ranked] == [2, 1]
    assert ranked[0].reasons[0] == "工种对口：美发师（从业6年）"
    assert ranked[1].breakdown["occupation"] == pytest.approx(0.6)
    assert ranked[1].reasons[0] == "培训对口：美发师（无从业经历）"
    assert "已完成美发师培训" in ranked[1].reasons


def test_years_of_experience_break_ties_before_the_id() -> None:
    order = make_order(certificates_required=(), skills=())
    workers = [
        make_worker(id=i, experience_years=(("焊工", years),)) for i, years in ((1, 2), (2, 9), (3, 0))
    ]
    expected = [2, 1, 3]
    assert [m.worker_id for m in reference_rank(order, workers, CTX)] == expected
    assert [m.worker_id for m in rank(build_worker_index(workers, CTX), order)] == expected


def test_reason_shows_a_typo_resolution() -> None:
    worker = make_worker(skills=("电汗工",), certificates=("焊工证",))
    (match,) = reference_rank(make_order(certificates_required=()), [worker], CTX)
    assert match.reasons[0] == "工种对口：焊工（按拼音纠错：电汗工）"


# -- the fast engine equals the reference -----------------------------------------------------------------------


def test_rank_and_near_misses_equal_reference_on_a_v2_city() -> None:
    workers, orders = v2_city(5, 500, 60)
    index = build_worker_index(workers, CTX)
    batch = rank_batch(index, orders, k=25, min_score=0.0)
    misses = near_misses_batch(index, orders, k=25, min_score=0.0)
    assert sum(len(v) for v in batch.values()) > 200 and sum(len(v) for v in misses.values()) > 50
    for order in orders:
        assert_same(batch[order.id], reference_rank(order, workers, CTX, k=25, min_score=0.0))
        expected = reference_near_misses(order, workers, CTX, k=25, min_score=0.0)
        assert_same([n.match for n in misses[order.id]], [n.match for n in expected])
        assert [n.missing for n in misses[order.id]] == [n.missing for n in expected]
        assert [n.match for n in near_misses(index, order, k=25, min_score=0.0)] == [
            n.match for n in misses[order.id]
        ]


def test_recommend_equals_reference_on_a_v2_city() -> None:
    workers, orders = v2_city(9, 120, 300)
    index = build_order_index(orders, CTX)
    seen = 0
    for worker in workers:
        expected = reference_recommend(worker, orders, CTX, k=10, min_score=0.0)
        assert_same(recommend(index, worker, k=10, min_score=0.0), expected)
        seen += len(expected)
    assert seen > 100


@settings(max_examples=40, deadline=None)
@given(cities(max_workers=30, max_orders=6))
def test_fast_equals_reference_with_the_v2_vocabulary(
    city: tuple[list[WorkerProfile], list[JobOrderProfile]],
) -> None:
    workers, orders = city
    rng = random.Random(len(workers) * 31 + len(orders))
    workers = [
        replace(
            w,
            certificates=(*w.certificates, rng.choice(V2_CERTIFICATES)),
            experience_years=((rng.choice(V2_EXPERIENCE), rng.randint(0, 9)),),
        )
        for w in workers
    ]
    index = build_worker_index(workers, CTX)
    for order in orders:
        assert_same(
            rank(index, order, k=10, min_score=0.0), reference_rank(order, workers, CTX, k=10, min_score=0.0)
        )
        assert [n.match for n in near_misses(index, order, k=10, min_score=0.0)] == [
            n.match for n in reference_near_misses(order, workers, CTX, k=10, min_score=0.0)
        ]


def test_related_expansion_reaches_childcare_workers_for_a_nanny_order() -> None:
    order = make_order(occupation=NANNY, certificates_required=(), skills=())
    workers = [make_worker(id=1, skills=("幼儿园保育员",), certificates=(), desired_occupations=())]
    (match,) = rank(build_worker_index(workers, CTX), order)
    assert match.breakdown["occupation"] == pytest.approx(0.8)
    assert CHILDCARE in match.reasons[0] or "保育员" in match.reasons[0]
    assert TRUCKER in TAXONOMY_V2
