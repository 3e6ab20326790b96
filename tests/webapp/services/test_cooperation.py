"""Labour cooperation: posts imported all-or-nothing, batch placement (headcounts, single placement, stability,
county quotas, families), dispatch creating placements, arrival."""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

import matcher
from matcher.assign import blocking_pairs
from tests.builders import PUYANG, make_job_order, make_uscc, make_worker
from tests.webapp.fairs.bulk import bulk_orders, bulk_workers
from tests.webapp.services.test_uploads import SHEET, SHEET_HEAD, replace_members
from webapp.errors import Conflict, ValidationError
from webapp.models import (
    CooperationCandidate,
    CooperationPost,
    DispatchBatch,
    Employer,
    JobOrder,
    Placement,
    Worker,
)
from webapp.services import cooperation
from webapp.services.cooperation import IMPORT_HEADERS, ImportRejected, plan_placements
from webapp.services.scope import Actor
from webapp.services.uploads import UploadRefused

CITY = Actor(user_id=None, role="staff", region_code=PUYANG)
JIANGSU = "320000"


def agreement(session: Session, **extra: Any) -> Any:
    data = {
        "name": "濮阳—江苏劳务协作",
        "partner_region_code": JIANGSU,
        "partner_name": "江苏省人社厅",
        "contact_name": "李处长",
        "contact_phone": "13912345678",
        "starts_on": date.today().isoformat(),
        "ends_on": (date.today() + timedelta(days=365)).isoformat(),
        "region_code": PUYANG,
        **extra,
    }
    return cooperation.create_agreement(session, CITY, data)


def xlsx(rows: list[list[Any]], header: tuple[str, ...] = IMPORT_HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def post_row(i: int, **over: Any) -> list[Any]:
    values = {
        "合作方岗位编号": "",
        "企业名称": f"苏州电子{i % 7}厂",
        "统一社会信用代码": USCC[i % 7],
        "岗位名称": f"装配工{i}",
        "工种": "焊工",
        "招聘人数": 5,
        "工作地点代码": "320500",
        "最低月工资": 5000,
        "最高月工资": 6500,
        "最低年龄": 18,
        "最高年龄": 50,
        "技能要求": "电焊、氩弧焊",
        "证书要求": "",
        "提供住宿": "是",
        "提供伙食": "否",
        "到岗日期": date.today() + timedelta(days=30),
    }
    values.update(over)
    return [values[h] for h in IMPORT_HEADERS]


USCC = [make_uscc(900000 + i) for i in range(7)]


# --- import ---------------------------------------------------------------------------------------------------


def test_thousands_of_posts_import_in_one_go(db_session: Session) -> None:
    ag = agreement(db_session)
    result = cooperation.import_posts(db_session, CITY, ag.id, xlsx([post_row(i) for i in range(2000)]))
    assert (result.new, result.changed, result.unchanged) == (2000, 0, 0)
    assert db_session.scalar(select(func.count()).select_from(CooperationPost)) == 2000
    assert db_session.scalar(select(func.count()).select_from(Employer)) == 7
    order = db_session.scalars(select(JobOrder).order_by(JobOrder.id)).first()
    assert order is not None
    assert (order.skills, order.housing, order.board, order.route) == (
        ["电焊", "氩弧焊"],
        True,
        False,
        "out_of_province",
    )
    assert order.expires_on == date.today() + timedelta(days=365)


def test_one_bad_row_imports_nothing_and_names_row_column_reason(db_session: Session) -> None:
    ag = agreement(db_session)
    rows = [post_row(i) for i in range(300)]
    rows[41] = post_row(41, 招聘人数="很多")
    rows[120] = post_row(120, 工作地点代码="410923")  # not in Jiangsu
    rows[250] = post_row(250, 工种="宇航员")
    rows[251] = post_row(251, 统一社会信用代码="123")
    with pytest.raises(ImportRejected) as err:
        cooperation.import_posts(db_session, CITY, ag.id, xlsx(rows))
    found = {(e.row, e.column, e.header) for e in err.value.errors}
    assert found == {
        (43, "E", "招聘人数"),
        (122, "F", "工作地点代码"),
        (252, "D", "工种"),
        (253, "B", "统一社会信用代码"),
    }
    assert "未导入任何数据" in err.value.message
    assert err.value.status == 422
    assert db_session.scalar(select(func.count()).select_from(JobOrder)) == 0
    assert db_session.scalar(select(func.count()).select_from(Employer)) == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not a spreadsheet", "有效的 Excel"),
        (xlsx([], header=("企业名称", "岗位名称")), "缺少必填列"),
        (xlsx([], header=(*IMPORT_HEADERS, "备注")), "未知的列名"),
        (xlsx([]), "没有岗位数据"),
    ],
)
def test_unreadable_or_malformed_files_are_refused(db_session: Session, content: bytes, reason: str) -> None:
    ag = agreement(db_session)
    with pytest.raises(ValidationError) as err:
        cooperation.import_posts(db_session, CITY, ag.id, content)
    text = err.value.message + " ".join(err.value.fields.values())
    assert reason in text


def _bomb(dst: zipfile.ZipFile) -> None:
    """A worksheet that inflates to 50 MB of spaces from a few kilobytes."""
    with dst.open(SHEET, "w") as member:
        member.write(SHEET_HEAD + b"<sheetData>")
        for _ in range(50):
            member.write(b" " * (1 << 20))
        member.write(b"</sheetData></worksheet>")


def _formula_in_an_optional_column() -> bytes:
    content = xlsx([post_row(1)])
    wb = load_workbook(io.BytesIO(content))
    wb.active["K2"] = '=HYPERLINK("http://evil.example","电焊")'  # 技能要求
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: replace_members(xlsx([post_row(1)]), {SHEET: _bomb}), "解压后过大|压缩炸弹"),
        (_formula_in_an_optional_column, "公式"),
        (lambda: b"PK\x03\x04" + b"\x00" * (20 * 1024 * 1024 + 1), "文件过大"),
    ],
    ids=["zip-bomb", "formula", "oversized"],
)
def test_post_imports_go_through_the_hardened_upload_reader(
    db_session: Session, make: Any, reason: str
) -> None:
    """The same refusals as /excel/import (webapp/services/uploads.py): before anything is read or written."""
    ag = agreement(db_session)
    started = time.perf_counter()
    with pytest.raises(UploadRefused) as err:
        cooperation.import_posts(db_session, CITY, ag.id, make())
    assert time.perf_counter() - started < 3.0
    assert re.search(reason, err.value.fields["file"])
    assert db_session.scalar(select(func.count()).select_from(JobOrder)) == 0


# --- the placement method -----------------------------------------------------------------------------------

pair_scores = st.dictionaries(
    st.tuples(st.integers(1, 30), st.integers(100, 106)), st.floats(0.0, 1.0, allow_nan=False), max_size=150
)


@settings(max_examples=80, deadline=None)
@given(
    scores=pair_scores,
    caps=st.lists(st.integers(0, 6), min_size=7, max_size=7),
    county_of=st.lists(st.sampled_from("ABC"), min_size=30, max_size=30),
    quota_a=st.integers(0, 8),
    families=st.lists(st.sampled_from(["", "", "", "f1", "f2", "f3"]), min_size=30, max_size=30),
    method=st.sampled_from(["optimal", "stable"]),
)
def test_plan_respects_headcounts_quotas_and_families(
    scores: dict[tuple[int, int], float],
    caps: list[int],
    county_of: list[str],
    quota_a: int,
    families: list[str],
    method: str,
) -> None:
    capacity = {100 + i: c for i, c in enumerate(caps)}
    county = {w: county_of[w - 1] for w in range(1, 31)}
    family = {w: families[w - 1] for w in range(1, 31) if families[w - 1]}
    plan = plan_placements(
        scores, capacity, method=method, county=county, quota={"A": quota_a}, family=family
    )
    for w, o in plan.placements.items():
        assert (w, o) in scores
    filled = Counter(plan.placements.values())
    assert all(filled[o] <= capacity[o] for o in filled)
    assert sum(1 for w in plan.placements if county[w] == "A") <= quota_a
    groups: dict[str, list[int]] = {}
    for w, g in family.items():
        groups.setdefault(g, []).append(w)
    for members in groups.values():
        if len(members) > 1:
            where = {plan.placements.get(w) for w in members}
            assert len(where) == 1, (members, where)  # all at one order, or all unplaced (None)
    fitting = {w for w, _o in scores}
    assert set(plan.unplaced) == fitting - set(plan.placements)
    assert all(plan.unfilled[o] == capacity[o] - filled[o] for o in plan.unfilled)


def test_without_quotas_or_families_the_plan_is_exactly_assign() -> None:
    scores = {(1, 10): 0.9, (1, 20): 0.8, (2, 10): 0.85, (2, 20): 0.1, (3, 20): 0.5}
    for method in ("optimal", "stable"):
        plan = plan_placements(scores, {10: 1, 20: 1}, method=method)
        assert dict(plan.placements) == dict(matcher.assign(scores, {10: 1, 20: 1}, method=method))  # type: ignore[arg-type]


def test_a_family_goes_together_or_not_at_all() -> None:
    scores = {(1, 10): 0.9, (2, 10): 0.8, (1, 20): 0.7, (2, 20): 0.6, (3, 10): 0.95}
    together = plan_placements(scores, {10: 2, 20: 2}, family={1: "王家", 2: "王家"})
    assert together.placements[1] == together.placements[2]
    no_room = plan_placements(scores, {10: 1, 20: 1}, family={1: "王家", 2: "王家"})
    assert 1 not in no_room.placements and 2 not in no_room.placements
    assert "家庭成员" in no_room.unplaced[1]
    assert no_room.placements == {3: 10}


def test_a_county_over_quota_keeps_its_best(db_session: Session) -> None:
    scores = {(1, 10): 0.9, (2, 10): 0.8, (3, 10): 0.7, (4, 20): 0.95, (5, 20): 0.6}
    county = {1: "A", 2: "A", 3: "A", 4: "A", 5: "B"}
    plan = plan_placements(scores, {10: 3, 20: 2}, county=county, quota={"A": 2})
    assert dict(plan.placements) == {1: 10, 4: 20, 5: 20}
    assert plan.unplaced[2] == plan.unplaced[3] == "所在县名额已满（2 人）"
    assert plan.unfilled == {10: 2}


# --- the done-when test: a 500-post agreement and 3,000 workers ------------------------------------------


def big_agreement(db_session: Session) -> Any:
    ag = agreement(db_session)
    worker_ids = bulk_workers(db_session, 3000, mobility=("national", "national", "province", "county"))
    order_ids = bulk_orders(
        db_session, 25, regions=("320500", "320583"), headcount=20, public_welfare_share=0.0
    )
    db_session.execute(
        insert(CooperationPost), [{"agreement_id": ag.id, "job_order_id": oid} for oid in order_ids]
    )
    db_session.execute(
        insert(CooperationCandidate),
        [{"agreement_id": ag.id, "worker_id": w, "reasons": []} for w in worker_ids],
    )
    db_session.commit()
    return ag


@pytest.mark.parametrize("method", ["stable", "optimal"])
def test_a_500_post_agreement_filled_from_3000_workers(db_session: Session, method: str) -> None:
    ag = big_agreement(db_session)
    today = date.today()
    inputs = cooperation.placement_inputs(db_session, ag, today=today)
    assert sum(inputs.capacity.values()) == 500
    result = cooperation.place_candidates(db_session, CITY, ag.id, method, today=today)
    rows = db_session.scalars(
        select(CooperationCandidate).where(CooperationCandidate.agreement_id == ag.id)
    ).all()
    placed = {r.worker_id: r.job_order_id for r in rows if r.job_order_id is not None}
    assert (
        len(placed) == result.placed > 350
    )  # welders, electricians and cooks without the licence the law requires stay out
    per_order = Counter(placed.values())
    assert all(per_order[o] <= 20 for o in per_order)  # headcounts
    assert len(placed) == len(set(placed))  # single placement: one row per worker, one order each
    assert all(r.unplaced_reason for r in rows if r.job_order_id is None)
    if method == "stable":
        assert blocking_pairs(placed, inputs.scores, inputs.capacity) == []
    else:
        best = matcher.assign(inputs.scores, inputs.capacity)
        assert sum(inputs.scores[(w, o)] for w, o in placed.items()) == pytest.approx(best.total_score)


# --- candidates, quotas and families from the database ----------------------------------------------------


def test_families_and_quotas_from_the_database(db_session: Session) -> None:
    ag = agreement(db_session)
    order = make_job_order(db_session, region_code="320500", headcount=4)
    db_session.add(CooperationPost(agreement_id=ag.id, job_order_id=order.id))
    db_session.commit()
    qingfeng = [make_worker(db_session, region_code="410922100001", name=f"清丰{i}") for i in range(3)]
    nanle = [make_worker(db_session, region_code="410923201001", name=f"南乐{i}") for i in range(2)]
    for w in qingfeng:
        cooperation.add_candidate(db_session, CITY, ag.id, w.id)
    cooperation.add_candidate(db_session, CITY, ag.id, nanle[0].id, family_group="张家")
    cooperation.add_candidate(db_session, CITY, ag.id, nanle[1].id, family_group="张家")
    cooperation.set_quotas(db_session, CITY, ag.id, {"410922": "1"})
    result = cooperation.place_candidates(db_session, CITY, ag.id, "stable")
    assert result.placed == 3
    view = cooperation.plan_view(db_session, CITY, ag.id)
    placed = {r.worker.name for r in view.placed}
    assert {"南乐0", "南乐1"} <= placed and len(placed & {w.name for w in qingfeng}) == 1
    assert [r.unplaced_reason for r in view.unplaced] == ["所在县名额已满（1 人）"] * 2
    assert [(p.order.id, p.open - p.planned) for p in view.unfilled] == [(order.id, 1)]


# --- dispatch batches ----------------------------------------------------------------------------------------


def planned_agreement(db_session: Session, n: int = 3) -> tuple[Any, JobOrder, list[Worker]]:
    ag = agreement(db_session)
    order = make_job_order(db_session, region_code="320500", headcount=n)
    db_session.add(CooperationPost(agreement_id=ag.id, job_order_id=order.id))
    db_session.commit()
    people = [make_worker(db_session, name=f"外出{i}") for i in range(n)]
    for w in people:
        cooperation.add_candidate(db_session, CITY, ag.id, w.id)
    cooperation.place_candidates(db_session, CITY, ag.id, "optimal")
    return ag, order, people


def test_departure_records_placements_and_arrival_is_confirmed_later(db_session: Session) -> None:
    ag, order, people = planned_agreement(db_session)
    departure = date.today() + timedelta(days=3)
    batch = cooperation.create_batch(
        db_session,
        CITY,
        ag.id,
        {"name": "第一批", "departure_date": departure.isoformat(), "destination": "苏州工业园区"},
    )
    assert len(batch.members) == 3
    with pytest.raises(ValidationError):
        cooperation.confirm_arrival(db_session, CITY, batch.id)
    cooperation.confirm_departure(db_session, CITY, batch.id)
    assert db_session.scalars(select(Placement)).all() == []
    cooperation.dispatch_departures(db_session, today=departure)
    placements = db_session.scalars(select(Placement)).all()
    assert {(p.source, p.job_order_id, p.start_date) for p in placements} == {
        ("cooperation", order.id, departure)
    }
    assert len(placements) == 3
    db_session.refresh(order)
    assert (order.filled, order.status) == (3, "filled")
    cooperation.confirm_arrival(db_session, CITY, batch.id, worker_ids=[people[0].id], arrived_on=departure)
    assert db_session.get(DispatchBatch, batch.id).status == "departed"
    cooperation.confirm_arrival(db_session, CITY, batch.id, arrived_on=departure + timedelta(days=1))
    batch = db_session.get(DispatchBatch, batch.id)
    assert batch.status == "arrived"
    assert all(m.arrived_on for m in batch.members)
    with pytest.raises(Conflict):
        cooperation.confirm_departure(db_session, CITY, batch.id)


def test_a_member_who_cannot_be_placed_stops_the_whole_confirmation(db_session: Session) -> None:
    ag, order, people = planned_agreement(db_session)
    batch = cooperation.create_batch(
        db_session,
        CITY,
        ag.id,
        {"name": "第一批", "departure_date": date.today().isoformat(), "destination": "苏州"},
    )
    other = make_job_order(db_session, region_code="410923")
    from webapp.services.placements import record_placement

    record_placement(db_session, CITY, {"worker_id": people[1].id, "job_order_id": other.id})
    with pytest.raises(Conflict) as err:
        cooperation.confirm_departure(db_session, CITY, batch.id)
    assert people[1].name in err.value.message
    assert (
        db_session.scalar(
            select(func.count()).select_from(Placement).where(Placement.source == "cooperation")
        )
        == 0
    )
    assert db_session.get(DispatchBatch, batch.id).status == "planned"
    cooperation.remove_member(db_session, CITY, batch.id, people[1].id)
    cooperation.confirm_departure(db_session, CITY, batch.id)  # leaving today: placed at once
    assert (
        db_session.scalar(
            select(func.count()).select_from(Placement).where(Placement.source == "cooperation")
        )
        == 2
    )
