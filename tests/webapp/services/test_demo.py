"""The Puyang demo city: deterministic rows, valid identifiers, the article's people, a Jiangsu welding order
with certified welders, demo logins, refusal to load twice and the ``liudan demo`` command."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum.cn import ric, uscc

import config
from webapp.errors import Conflict
from webapp.models import Employer, JobOrder, User, Worker
from webapp.services import demo, matching, reference
from webapp.services.accounts import authenticate
from webapp.services.demo import DEMO_PASSWORD, build_demo, load_demo
from webapp.services.scope import Actor
from webapp.services.validation import MOBILE_RE, parse_id_number, parse_uscc
from webapp.services.workers import age_on

TODAY = date(2025, 6, 1)
SMALL = {"workers": 300, "job_orders": 40, "employers": 30}
DEMO_LOGINS = ("admin", "city_staff", "qingfeng_staff", "employer_demo", "trainer_demo")


@pytest.fixture(scope="module")
def small() -> demo.DemoData:
    return build_demo(2019, today=TODAY, **SMALL)


@pytest.fixture(scope="module")
def full() -> demo.DemoData:
    return build_demo(2019, today=TODAY)


def _regions() -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in config.load_regions()}


def _occupation_code(name: str) -> str:
    return next(o["code"] for o in config.load_occupations() if o["name_zh"] == name)


# ------------------------------------------------------------------------------------------- pure builder


def test_same_seed_gives_identical_rows(small: demo.DemoData) -> None:
    again = build_demo(2019, today=TODAY, **SMALL)
    assert again == small


def _digest(data: demo.DemoData) -> str:
    return hashlib.sha256(repr(data).encode()).hexdigest()


def test_rows_do_not_depend_on_the_process(small: demo.DemoData) -> None:
    """No set or hash order leaks into the rows: another interpreter with another hash seed agrees."""
    code = (
        "import hashlib, datetime\n"
        "from webapp.services.demo import build_demo\n"
        f"data = build_demo(2019, today=datetime.date({TODAY.year}, {TODAY.month}, {TODAY.day}), **{SMALL!r})\n"
        "print(hashlib.sha256(repr(data).encode()).hexdigest())\n"
    )
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == _digest(small)


def test_another_seed_gives_other_people(small: demo.DemoData) -> None:
    other = build_demo(2020, today=TODAY, **SMALL)
    assert [w["id_number"] for w in other.workers] != [w["id_number"] for w in small.workers]
    assert [w["phone"] for w in other.workers] != [w["phone"] for w in small.workers]


def test_today_moves_dates_only(small: demo.DemoData) -> None:
    later = build_demo(2019, today=TODAY + timedelta(days=40), **SMALL)
    for a, b in zip(small.workers, later.workers, strict=True):
        assert (a["name"], a["id_number"], a["phone"], a["region_code"]) == (
            b["name"],
            b["id_number"],
            b["phone"],
            b["region_code"],
        )
    assert [e["uscc"] for e in later.employers] == [e["uscc"] for e in small.employers]
    assert [o["expires_on"] - timedelta(days=40) for o in later.job_orders] == [
        o["expires_on"] for o in small.job_orders
    ]


def test_default_sizes(full: demo.DemoData) -> None:
    counts = full.counts()
    assert counts["用工企业"] == 200
    assert counts["岗位订单"] == 400
    assert counts["求职人员"] == 3000
    assert counts["账号"] >= 5


def test_id_numbers_are_valid_unique_and_match_the_worker(full: demo.DemoData) -> None:
    numbers = [w["id_number"] for w in full.workers]
    assert len(set(numbers)) == len(numbers)
    for w in full.workers:
        number = w["id_number"]
        assert len(number) == 18 and number[:17].isdigit(), number
        assert number[-1] == ric.calc_check_digit(number), number  # stdnum ignores the last character
        assert number[:6] == w["region_code"][:6]
        assert ric.get_birth_date(number) == w["birth_date"]
        assert w["sex"] == ("M" if int(number[16]) % 2 else "F")
        assert 16 <= age_on(w["birth_date"], TODAY) <= 60
        parsed = parse_id_number(number, today=TODAY)  # what the pages and the API accept
        assert (parsed.birth_date, parsed.sex) == (w["birth_date"], w["sex"])


def test_phones_are_unique_mainland_mobiles(full: demo.DemoData) -> None:
    phones = [w["phone"] for w in full.workers] + [e["contact_phone"] for e in full.employers]
    assert len(set(phones)) == len(phones)
    assert all(MOBILE_RE.match(p) for p in phones)


def test_usccs_are_valid_and_unique(full: demo.DemoData) -> None:
    codes = [e["uscc"] for e in full.employers]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert len(code) == 18 and uscc.is_valid(code) and parse_uscc(code) == code, code
    assert len({e["name"] for e in full.employers}) == len(full.employers)


def test_workers_live_in_puyang_villages(full: demo.DemoData) -> None:
    regions = _regions()
    for w in full.workers:
        region = regions[w["region_code"]]
        assert region["level"] == "village"
        assert regions[region["parent_code"]]["level"] == "township"
        assert w["region_code"].startswith("4109")
    assert {w["region_code"][:6] for w in full.workers} == set(demo.COUNTIES)


def test_employers_cover_counties_workshops_and_partner_provinces(full: demo.DemoData) -> None:
    regions = _regions()
    assert all(e["region_code"] in regions for e in full.employers)
    workshops = [e for e in full.employers if e["is_workshop"]]
    partners = [e for e in full.employers if e["is_partner"]]
    assert len(workshops) >= 20 and all(len(e["region_code"]) == 12 for e in workshops)
    assert all("扶贫车间" in e["name"] for e in workshops)
    assert {e["region_code"][:2] for e in partners} >= {"32", "31", "44"}
    local = {e["region_code"][:6] for e in full.employers if e["region_code"].startswith("4109")}
    assert local >= set(demo.COUNTIES)


def test_job_orders_are_plausible(full: demo.DemoData) -> None:
    codes = {o["code"]: o for o in config.load_occupations()}
    routes = {r["key"] for r in config.load_routes()}
    regions = _regions()
    unclassified = {text for text, _ in demo.UNCLASSIFIED}
    assert {
        o["occupation_code"] for o in full.job_orders
    } & unclassified == unclassified  # some 待归类 demand
    for o in full.job_orders:
        assert o["occupation_code"] in codes or o["occupation_code"] in unclassified
        assert o["route"] in routes
        assert o["region_code"] in regions
        assert 1 <= o["headcount"] <= 60 and 0 <= o["filled"] <= o["headcount"]
        assert 0 < o["wage_min"] <= o["wage_max"]
        assert 30 <= (o["expires_on"] - TODAY).days <= 120
        assert o["public_welfare"] == (o["route"] == "public_welfare")
        if o["public_welfare"]:
            assert codes[o["occupation_code"]]["public_welfare"]
        if o["occupation_code"] in unclassified:
            assert o["status"] == "open" and not o["certificates_required"]
        employer = full.employers[o["employer_index"]]
        if employer["is_partner"]:
            assert o["route"] == "out_of_province" and o["wage_min"] >= 4500
        if employer["is_workshop"]:
            assert o["route"] == "workshop"
    statuses = {o["status"] for o in full.job_orders}
    assert statuses == {"open", "filled", "closed"}
    assert sum(o["status"] == "open" for o in full.job_orders) > 0.8 * len(full.job_orders)


def test_every_named_occupation_is_in_the_taxonomy() -> None:
    names = {o["name_zh"] for o in config.load_occupations()}
    tables: list[Any] = [demo.COMMON_WORK, demo.TYPED_NAMES, demo.COLLOQUIAL_CERTS, demo.CERT_SHARE]
    tables += list(demo.COUNTY_WORK.values()) + list(demo.INDUSTRY_JOBS.values())
    used = set().union(*(set(t) for t in tables)) | demo.SKILLED | demo.MALE_LEANING | demo.FEMALE_LEANING
    assert used - names == set()


def test_wishes_and_training_are_words_the_taxonomy_understands(full: demo.DemoData) -> None:
    taxonomy = reference.taxonomy()
    texts = {t for w in full.workers for t in w["desired_occupations"] + w["desired_training"]}
    assert {t for t in texts if taxonomy.resolve(t) is None} == set()
    assert {"电焊", "月嫂", "厨师"} <= texts


def test_worker_mix(full: demo.DemoData) -> None:
    n = len(full.workers)
    poor = sum(w["poverty_registered"] for w in full.workers)
    assert 0.33 * n <= poor <= 0.47 * n
    assert 0 < sum(w["disability"] for w in full.workers) < 0.1 * n
    assert sum(w["status"] == "seeking" for w in full.workers) > 0.6 * n
    assert {w["status"] for w in full.workers} == {"seeking", "employed", "in_training", "unavailable"}
    assert sum(w["consent_to_share"] for w in full.workers) > 0.8 * n
    assert all(w["verified"] for w in full.workers)
    mobility = [w["mobility"] for w in full.workers]
    far = sum(m in ("county", "province", "national") for m in mobility)
    assert far > 0.6 * n and set(mobility) == {
        "village",
        "township",
        "county",
        "city",
        "province",
        "national",
    }
    certs = {c for w in full.workers for c in w["certificates"]}
    assert {"焊工证", "电工证", "母婴护理员证", "美发师证", "中式烹调师证"} <= certs
    assert 0.1 * n < sum(bool(w["desired_training"]) for w in full.workers) < 0.6 * n
    assert sum(bool(w["completed_training"]) for w in full.workers) > 0.02 * n
    assert len({w["name"] for w in full.workers}) > 0.8 * n
    # matching v2: years in the trade, and certificates as printed on the card
    assert sum(bool(w["experience_years"]) for w in full.workers) > 0.5 * n
    assert all(0 < e["years"] <= 20 for w in full.workers for e in w["experience_years"])
    assert {"特种作业操作证（低压电工作业）", "健康证明"} <= certs


def _person(data: demo.DemoData, name: str) -> dict[str, Any]:
    found = [w for w in data.workers if w["name"] == name]
    assert len(found) == 1, name
    return found[0]


def test_the_people_of_the_article(small: demo.DemoData) -> None:
    regions = _regions()
    zhao = _person(small, "赵晓权")
    assert zhao["region_code"] == "410923201001"  # 南乐县杨村乡吴村
    assert "焊工证" in zhao["certificates"] and "焊工" in zhao["completed_training"]
    assert (zhao["expected_wage"], zhao["mobility"], zhao["poverty_registered"]) == (6000, "national", True)

    li_liuchao = _person(small, "李留朝")
    assert regions[li_liuchao["region_code"]]["parent_code"] == "410922200"  # 清丰县高堡乡
    assert reference.taxonomy().resolve(li_liuchao["desired_occupations"][0]) == _occupation_code(
        "食品加工工"
    )
    assert (li_liuchao["expected_wage"], li_liuchao["mobility"]) == (5000, "national")

    li_guoqi = _person(small, "李国旗")
    assert regions[li_guoqi["region_code"]]["parent_code"] == "410928107"  # 濮阳县鲁河镇
    assert age_on(li_guoqi["birth_date"], TODAY) == 36
    assert age_on(li_guoqi["birth_date"], date(TODAY.year, 12, 31)) == 36
    assert li_guoqi["poverty_registered"] and li_guoqi["disability"]
    assert "美发师" in li_guoqi["completed_training"] and li_guoqi["desired_occupations"][0] == "美发师"
    assert li_guoqi["mobility"] == "county"

    zhang = _person(small, "张秀花")
    assert regions[zhang["region_code"]]["parent_code"] == "410927200"  # 台前县夹河乡
    assert zhang["sex"] == "F" and int(zhang["id_number"][16]) % 2 == 0
    assert "中式烹调师" in zhang["completed_training"]
    assert reference.taxonomy().resolve(zhang["desired_occupations"][0]) == _occupation_code("中式烹调师")
    assert (zhang["expected_wage"], zhang["mobility"]) == (3000, "township")


def _jiangsu_welding_orders(data: demo.DemoData) -> list[dict[str, Any]]:
    welder = _occupation_code("焊工")
    return [
        o
        for o in data.job_orders
        if o["occupation_code"] == welder
        and o["region_code"].startswith("32")
        and o["status"] == "open"
        and "焊工证" in o["certificates_required"]
    ]


def test_a_jiangsu_welding_order_with_certified_welders_willing_to_go(small: demo.DemoData) -> None:
    orders = _jiangsu_welding_orders(small)
    assert orders
    order = orders[0]
    assert small.employers[order["employer_index"]]["is_partner"]
    ready = [
        w
        for w in small.workers
        if "焊工证" in w["certificates"]
        and w["mobility"] == "national"
        and w["status"] == "seeking"
        and w["consent_to_share"]
        and (order["age_min"] or 0) <= age_on(w["birth_date"], TODAY) <= (order["age_max"] or 60)
    ]
    assert len(ready) >= 5


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(min_value=0, max_value=10**9),
    workers=st.integers(min_value=0, max_value=60),
    job_orders=st.integers(min_value=0, max_value=25),
    employers=st.integers(min_value=1, max_value=25),
    today=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
)
def test_any_size_and_day_gives_consistent_rows(
    seed: int, workers: int, job_orders: int, employers: int, today: date
) -> None:
    data = build_demo(seed, workers=workers, job_orders=job_orders, employers=employers, today=today)
    assert data.counts()["求职人员"] == workers
    assert data.counts()["岗位订单"] == job_orders
    assert data.counts()["用工企业"] == employers
    assert len({w["id_number"] for w in data.workers}) == workers
    assert all(16 <= age_on(w["birth_date"], today) <= 60 for w in data.workers)
    assert all(0 <= o["employer_index"] < employers for o in data.job_orders)
    if job_orders:
        assert _jiangsu_welding_orders(data)
    assert {a["username"] for a in data.accounts} >= set(DEMO_LOGINS)


# ---------------------------------------------------------------------------------------------- database


def test_the_demo_has_monitored_households_of_registered_poor_workers(db_session: Session) -> None:
    from webapp.models.households import Household
    from webapp.services import households

    counts = load_demo(db_session, seed=7, today=TODAY, **SMALL)
    assert counts["防返贫监测户"] == _count(db_session, Household) > 0
    for household in db_session.scalars(select(Household)):
        assert household.members and household.members[0].relation == "head"
        assert all(
            m.worker.poverty_registered and m.worker.region_code == household.region_code
            for m in household.members
        )
        assert (household.left_poverty_year is not None) == (household.category == "unstable")
    stats = households.monitoring_stats(db_session, Actor(1, "admin"), today=TODAY)
    assert (
        stats.monitored == counts["防返贫监测户"]
        and stats.with_employed + stats.without_employed == stats.monitored
    )
    assert stats.due + stats.overdue > 0


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_load_demo_writes_the_built_rows(db_session: Session) -> None:
    counts = load_demo(db_session, seed=7, today=TODAY, **SMALL)
    data = build_demo(7, today=TODAY, **SMALL)
    assert counts == data.counts()
    assert counts["求职人员"] == _count(db_session, Worker) == 300
    assert counts["岗位订单"] == _count(db_session, JobOrder) == 40
    assert counts["用工企业"] == _count(db_session, Employer) == 30
    assert counts["账号"] == _count(db_session, User)

    columns = list(data.workers[0])
    stored = db_session.execute(select(*(getattr(Worker, c) for c in columns)).order_by(Worker.id)).all()
    assert [dict(zip(columns, row, strict=True)) for row in stored] == data.workers

    by_uscc = {e.uscc: e for e in db_session.scalars(select(Employer))}
    for order in data.job_orders[:10]:
        employer = by_uscc[data.employers[order["employer_index"]]["uscc"]]
        assert db_session.scalar(
            select(func.count())
            .select_from(JobOrder)
            .where(JobOrder.employer_id == employer.id, JobOrder.title == order["title"])
        )


def test_demo_accounts_log_in(db_session: Session) -> None:
    load_demo(db_session, today=TODAY, **SMALL)
    for username in DEMO_LOGINS:
        user = authenticate(db_session, username, DEMO_PASSWORD)
        assert user.display_name
    roles = {u.username: (u.role, u.region_code) for u in db_session.scalars(select(User))}
    assert roles["admin"][0] == "admin"
    assert roles["city_staff"] == ("staff", "410900")
    assert roles["qingfeng_staff"] == ("staff", "410922")
    assert roles["trainer_demo"][0] == "trainer"

    employer_user = authenticate(db_session, "employer_demo", DEMO_PASSWORD)
    assert employer_user.role == "employer" and employer_user.employer is not None
    assert employer_user.employer.is_partner and employer_user.employer.region_code.startswith("3205")
    welding = db_session.scalars(
        select(JobOrder).where(
            JobOrder.employer_id == employer_user.employer_id,
            JobOrder.status == "open",
            JobOrder.occupation_code == _occupation_code("焊工"),
        )
    ).all()
    assert welding and welding[0].certificates_required == ["焊工证"]


def test_loading_twice_is_refused_and_writes_nothing(db_session: Session) -> None:
    load_demo(db_session, workers=20, job_orders=5, employers=5, today=TODAY)
    before = [_count(db_session, m) for m in (Employer, JobOrder, Worker, User)]
    with pytest.raises(Conflict, match="空数据库"):
        load_demo(db_session, workers=20, job_orders=5, employers=5, seed=99, today=TODAY)
    assert [_count(db_session, m) for m in (Employer, JobOrder, Worker, User)] == before


def test_a_registered_account_alone_blocks_the_demo(db_session: Session) -> None:
    user = User(username="someone", role="admin")
    user.set_password("secret-password")
    db_session.add(user)
    db_session.commit()
    with pytest.raises(Conflict):
        load_demo(db_session, workers=5, job_orders=2, employers=2, today=TODAY)
    assert _count(db_session, Employer) == 0 and _count(db_session, Worker) == 0


def test_cli_demo_command(app: Flask, db_session: Session) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["demo", "--workers", "40", "--job-orders", "8", "--employers", "6", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "已载入濮阳演示数据" in result.output and "求职人员 40" in result.output
    assert "employer_demo" in result.output and DEMO_PASSWORD in result.output
    assert _count(db_session, Worker) == 40

    again = runner.invoke(args=["demo", "--workers", "40"])
    assert again.exit_code != 0
    assert _count(db_session, Worker) == 40


def test_matches_are_visible_for_the_welding_order_and_the_article_people(db_session: Session) -> None:
    load_demo(db_session, today=TODAY, **SMALL)
    employer_user = authenticate(db_session, "employer_demo", DEMO_PASSWORD)
    welding = db_session.scalars(
        select(JobOrder).where(JobOrder.employer_id == employer_user.employer_id).order_by(JobOrder.id)
    ).first()
    assert welding is not None and welding.region_code == "320583"
    _, ranked = matching.matches_for_order(
        db_session, Actor.of(employer_user), welding.id, limit=10, today=TODAY
    )
    certified = [r for r in ranked if "焊工证" in r.worker.certificates]
    assert len(certified) >= 5
    assert "赵晓权" in {r.worker.name for r in ranked}

    admin = Actor.of(authenticate(db_session, "admin", DEMO_PASSWORD))
    anchor_of = {"赵晓权": 0, "李留朝": 1, "李国旗": 2, "张秀花": 3}
    for name, index in anchor_of.items():
        worker = db_session.scalars(select(Worker).where(Worker.name == name)).one()
        _, orders = matching.recommendations_for_worker(db_session, admin, worker.id, limit=50, today=TODAY)
        employers = {r.order.employer.name for r in orders}
        assert demo.ANCHORS[index]["name"] in employers, name
