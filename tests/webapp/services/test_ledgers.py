"""Ledgers (台账): one format city-wide, filtered by region and period, masked unless asked, always audited."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import NANLE, PUYANG, QINGFENG, WUCUN, make_user, make_worker
from tests.webapp.services.test_stats import complete_course
from webapp.errors import Forbidden, NotFound, ValidationError
from webapp.models import AuditLog
from webapp.models.followups import FollowUp
from webapp.services import followups, ledgers
from webapp.services.placements import record_placement
from webapp.services.scope import Actor

TODAY = date(2026, 6, 30)


def rows_of(export: ledgers.Export) -> tuple[list[Any], list[list[Any]]]:
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    return values[2], values[3:]


@pytest.fixture
def actor(db_session: Session) -> Actor:
    return Actor.of(make_user(db_session, role="staff", region_code=PUYANG))


@pytest.fixture
def placed(db_session: Session, actor: Actor) -> dict[str, Any]:
    make_user(db_session, role="staff", region_code=WUCUN, display_name="吴村协管员")
    worker = make_worker(db_session, name='=HYPERLINK("http://x")')
    other = make_worker(db_session, name="张秀花", region_code="410922100001")
    first = record_placement(
        db_session,
        actor,
        {
            "worker_id": worker.id,
            "route": "out_of_province",
            "region_code": "320500",
            "employer_name": "@苏州钢构",
            "wage": 6000,
            "start_date": "2026-02-01",
        },
    )
    earlier = record_placement(
        db_session,
        actor,
        {
            "worker_id": other.id,
            "route": "workshop",
            "region_code": "410922100001",
            "start_date": "2025-06-01",
        },
    )
    followups.end_placement(
        db_session, actor, earlier.id, {"ended_on": "2025-12-01", "reason": "返乡"}, today=TODAY
    )
    visit = db_session.scalars(
        select(FollowUp).where(FollowUp.placement_id == first.id).order_by(FollowUp.sequence)
    ).first()
    followups.record_outcome(
        db_session,
        actor,
        visit.id,
        {"outcome": "employed", "wage_now": "6500", "visited_on": "2026-02-09"},
        today=TODAY,
    )
    return {"worker": worker, "other": other, "placement": first}


def test_the_employment_ledger(db_session: Session, actor: Actor, placed: dict[str, Any]) -> None:
    export = ledgers.export_ledger(db_session, actor, "employment", today=TODAY, ip="10.0.0.8")

    header, rows = rows_of(export)
    assert header[:7] == ["序号", "姓名", "性别", "身份证号码", "手机号码", "户籍地", "建档立卡"]
    assert (
        len(rows) == 1 == export.rows
    )  # the 2025 placement ended? no: it started before the period and is still active…
    row = dict(zip(header, rows[0], strict=True))
    worker = placed["worker"]
    assert row["姓名"] == '\'=HYPERLINK("http://x")' and row["用工单位"] == "'@苏州钢构"  # neutralised
    assert row["身份证号码"] == worker.id_number[:4] + "**********" + worker.id_number[-4:]
    assert row["手机号码"].startswith(worker.phone[:3]) and "****" in row["手机号码"]
    assert (row["就业渠道"], row["就业地类型"], row["月工资（元）"], row["在岗状态"]) == (
        "省外务工",
        "省外",
        6000,
        "在岗",
    )
    assert row["最近回访月工资（元）"] == 6500
    assert export.filename.startswith("就业台账_410900_20260101-20260630")
    audit = db_session.scalars(select(AuditLog).where(AuditLog.action == "export")).one()
    assert (audit.object_id, audit.ip, audit.detail["rows"], audit.detail["full_ids"]) == (
        "employment",
        "10.0.0.8",
        1,
        False,
    )


def test_periods_overlap_and_regions_filter(
    db_session: Session, actor: Actor, placed: dict[str, Any]
) -> None:
    whole = ledgers.export_ledger(
        db_session, actor, "employment", date_from=date(2025, 1, 1), date_to=TODAY, today=TODAY
    )
    assert whole.rows == 2
    qingfeng = ledgers.export_ledger(
        db_session, actor, "employment", region_code=QINGFENG, date_from=date(2025, 1, 1), today=TODAY
    )
    assert [r[1] for r in rows_of(qingfeng)[1]] == ["张秀花"]
    with pytest.raises(Forbidden):
        ledgers.export_ledger(
            db_session,
            Actor.of(make_user(db_session, role="staff", region_code=NANLE)),
            "employment",
            region_code=QINGFENG,
        )
    with pytest.raises(ValidationError):
        ledgers.export_ledger(
            db_session, actor, "employment", date_from=TODAY, date_to=date(2026, 1, 1), today=TODAY
        )
    with pytest.raises(NotFound):
        ledgers.export_ledger(db_session, actor, "subsidies")
    with pytest.raises(Forbidden):
        ledgers.export_ledger(db_session, Actor(1, "employer", employer_id=1), "employment")


def test_full_ids_only_when_asked_and_audited(
    db_session: Session, actor: Actor, placed: dict[str, Any]
) -> None:
    export = ledgers.export_from_input(
        db_session, actor, {"kind": "employment", "full_ids": "y"}, today=TODAY
    )

    header, rows = rows_of(export)
    assert rows[0][header.index("身份证号码")] == placed["worker"].id_number
    assert (
        db_session.scalars(select(AuditLog).where(AuditLog.action == "export")).one().detail["full_ids"]
        is True
    )
    with pytest.raises(ValidationError) as err:
        ledgers.export_from_input(db_session, actor, {"kind": "nope", "date_from": "2026-13-01"})
    assert set(err.value.fields) == {"kind", "date_from"}


def test_the_follow_up_ledger(db_session: Session, actor: Actor, placed: dict[str, Any]) -> None:
    export = ledgers.export_ledger(db_session, actor, "follow-ups", region_code=NANLE, today=TODAY)

    header, rows = rows_of(export)
    table = [dict(zip(header, r, strict=True)) for r in rows]
    assert [r["回访次序"] for r in table] == ["上岗1周回访", "上岗1个月回访", "上岗3个月回访"]  # due by 06-30
    assert (table[0]["状态"], table[0]["回访结果"], table[0]["当时月工资（元）"]) == (
        "已回访",
        "仍在岗",
        6500,
    )
    assert table[1]["回访人"] == "吴村协管员"


def test_the_training_ledger(db_session: Session, actor: Actor) -> None:
    worker = make_worker(db_session)
    complete_course(db_session, worker.id)

    header, rows = rows_of(ledgers.export_ledger(db_session, actor, "training", today=TODAY))

    row = dict(zip(header, rows[0], strict=True))
    assert (row["培训工种"], row["课程名称"], row["培训机构"], row["培训状态"]) == (
        "焊工",
        "电焊工培训班",
        "南乐县职业培训学校",
        "已结业",
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("\tA", "'\tA"),
        ("好", "好"),
        (3, 3),
        (None, None),
    ],
)
def test_neutralise(value: Any, shown: Any) -> None:
    assert ledgers.neutralise(value) == shown
