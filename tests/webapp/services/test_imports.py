"""Excel/CSV import: idempotent, all-or-nothing, row errors with row number, column and reason."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tests.builders import (
    QINGFENG,
    make_employer,
    make_job_order,
    make_uscc,
    make_user,
    make_worker,
    occupation_code,
)
from tests.webapp.imports.roster import HEADER, WUCUN, roster_id, roster_rows, write_csv, write_xlsx
from webapp.errors import Conflict, Forbidden, ValidationError
from webapp.models import AuditLog, Employer, JobOrder, Worker
from webapp.models.followups import ImportBatch
from webapp.services import imports
from webapp.services.scope import Actor

ADMIN = Actor(None, "admin")


def count(session: Session, model: Any) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def staff(session: Session, region: str = "410900") -> Actor:
    return Actor.of(make_user(session, role="staff", region_code=region))


def test_a_20000_row_roster_twice_then_one_with_three_bad_rows(db_session: Session, tmp_path: Path) -> None:
    roster = write_xlsx(tmp_path / "roster.xlsx", roster_rows(20_000))
    seen: list[int] = []

    first = imports.run_import(db_session, ADMIN, "workers", roster, progress=seen.append)

    assert (first.ok, first.rows, first.created, first.updated, first.unchanged) == (
        True,
        20_000,
        20_000,
        0,
        0,
    )
    assert seen == sorted(seen) and seen[-1] == 20_000 and len(seen) == 20
    assert count(db_session, Worker) == 20_000
    sample = db_session.scalar(select(Worker).where(Worker.id_number == roster_id(7)))
    assert sample is not None
    assert (sample.name, sample.region_code, sample.skills, sample.poverty_registered, sample.mobility) == (
        "工人7",
        WUCUN,
        ["电焊", "氩弧焊"],
        True,
        "national",
    )
    assert (sample.education, sample.expected_wage, sample.birth_date) == ("junior", 5000, date(1970, 1, 1))

    second = imports.run_import(db_session, ADMIN, "workers", roster)

    assert (second.ok, second.created, second.updated, second.unchanged) == (True, 0, 0, 20_000)
    assert count(db_session, Worker) == 20_000

    rows = roster_rows(20_000, start=10_000)  # 10,000 known workers and 10,000 new ones…
    rows[5][1] = "410923197001011234"  # check digit wrong
    rows[12_000][3] = "火星"  # unknown region
    rows[19_999][5] = "也许"  # not a yes/no
    bad = imports.run_import(db_session, ADMIN, "workers", write_csv(tmp_path / "bad.csv", rows))

    assert not bad.ok and not bad.committed
    assert [(e.row, e.column, e.header) for e in bad.errors] == [
        (7, "B", "身份证号码"),
        (12_002, "D", "户籍地"),
        (20_001, "F", "建档立卡"),
    ]
    assert "校验位" in bad.errors[0].message and "火星" in bad.errors[1].message
    assert bad.errors[2].message == "应为是/否"
    assert count(db_session, Worker) == 20_000  # …and none of the good rows was written


def _import(
    session: Session, path: Path, kind: str = "workers", actor: Actor = ADMIN, **kw: Any
) -> imports.ImportResult:
    return imports.run_import(session, actor, kind, path, **kw)


def test_a_changed_row_updates_only_the_columns_in_the_file(db_session: Session, tmp_path: Path) -> None:
    worker = make_worker(
        db_session, name="赵晓权", id_number=roster_id(1), expected_wage=4000, status="employed"
    )
    before = worker.updated_at
    path = write_xlsx(
        tmp_path / "w.xlsx",
        [["赵晓权", roster_id(1).lower(), "13800000001", WUCUN, 6500]],
        header=["姓名", "id_number", "phone", "地区代码", "expected_wage"],
    )

    result = _import(db_session, path)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    db_session.expire_all()
    worker = db_session.get(Worker, worker.id)
    assert (worker.expected_wage, worker.phone, worker.status) == (6500, "13800000001", "employed")
    assert worker.updated_at > before  # the nightly re-rank sees the change


@pytest.mark.parametrize(
    ("cells", "field", "expected"),
    [
        ({"技能": "电焊,氩弧焊，切割、打磨"}, "skills", ["电焊", "氩弧焊", "切割", "打磨"]),
        ({"建档立卡": "TRUE"}, "poverty_registered", True),
        ({"建档立卡": "0"}, "poverty_registered", False),
        ({"建档立卡": 1}, "poverty_registered", True),
        ({"建档立卡": "否"}, "poverty_registered", False),
        ({"外出意愿": "本乡镇"}, "mobility", "township"),
        ({"外出意愿": "national"}, "mobility", "national"),
        ({"文化程度": "中专"}, "education", "vocational"),
        ({"户籍地": "濮阳市南乐县杨村乡吴村"}, "region_code", WUCUN),
        ({"户籍地": "南乐县杨村乡吴村"}, "region_code", WUCUN),
        ({"可到岗日期": date(2026, 12, 1)}, "available_from", date(2026, 12, 1)),
        ({"可到岗日期": "2026/12/01"}, "available_from", date(2026, 12, 1)),
        ({"期望月工资（元）": 5500.0}, "expected_wage", 5500),
        ({"手机号码": 13912345678}, "phone", "13912345678"),
        (
            {"从业经历": "电焊:6、钢筋工 2年"},
            "experience_years",
            [
                {"occupation": "电焊", "years": 6},
                {"occupation": "钢筋工", "years": 2},
            ],
        ),
        ({"从业年限": "保洁"}, "experience_years", [{"occupation": "保洁", "years": 0}]),
    ],
)
def test_cells_in_the_spreadsheet_dialect(
    db_session: Session, tmp_path: Path, cells: dict[str, Any], field: str, expected: Any
) -> None:
    values = {
        "姓名": "李国旗",
        "身份证号码": roster_id(3),
        "手机号码": "13812345678",
        "户籍地": WUCUN,
        **cells,
    }
    path = write_xlsx(tmp_path / "one.xlsx", [list(values.values())], header=list(values))

    result = _import(db_session, path)

    assert result.ok, [e.describe() for e in result.errors]
    worker = db_session.scalar(select(Worker))
    assert getattr(worker, field) == expected


@pytest.mark.parametrize(
    ("id_cell", "reason"),
    [
        (410923197001010011, "数字格式"),
        (4.10923197001e17, "数字格式"),
        ("4.10923E+17", "数字格式"),  # what Excel writes into a CSV
        ("41092319700101001", "应为18位"),
        ("", "必填"),
    ],
)
def test_id_cells_must_be_text(db_session: Session, tmp_path: Path, id_cell: Any, reason: str) -> None:
    path = write_xlsx(tmp_path / "ids.xlsx", [["王五", id_cell, "13812345678", WUCUN]], header=HEADER[:4])

    result = _import(db_session, path)

    assert [(e.row, e.column) for e in result.errors] == [(2, "B")]
    assert reason in result.errors[0].message
    assert count(db_session, Worker) == 0


def test_a_title_row_above_the_header_and_blank_rows_are_skipped(db_session: Session, tmp_path: Path) -> None:
    wb = Workbook()
    sheet = wb.active
    sheet.append(["杨村乡吴村建档立卡劳动力花名册"])
    sheet.append(HEADER[:4])
    sheet.append(roster_rows(1)[0][:4])
    sheet.append([])
    sheet.append([None, "", None, None])
    sheet.append(roster_rows(1, start=1)[0][:4])
    sheet.append(["王五", "410923197001010011x", "13812345678", WUCUN])
    wb.save(tmp_path / "titled.xlsx")

    result = _import(db_session, tmp_path / "titled.xlsx")

    assert [(e.row, e.column) for e in result.errors] == [(7, "B")]  # rows keep the spreadsheet's numbers
    assert result.rows == 3


def test_file_level_refusals(db_session: Session, tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "fake.xlsx").write_bytes(b"not a zip at all")
    (tmp_path / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 60)
    for name, words in (("a.pdf", ".xlsx"), ("fake.xlsx", "不是有效"), ("old.xlsx", ".xls")):
        with pytest.raises(ValidationError) as err:
            _import(db_session, tmp_path / name)
        assert words in err.value.message and "file" in err.value.fields


def test_headers_are_checked(db_session: Session, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", [["王五", roster_id(1)]], header=["姓名", "身份证号码", "爱好"])

    result = _import(db_session, path)

    messages = {(e.row, e.column or e.header): e.message for e in result.errors}
    assert messages[(1, "C")].startswith("未知的列名")
    assert "缺少必填列“手机号码”" in messages[(1, "手机号码")]
    assert "缺少必填列“户籍地”" in messages[(1, "户籍地")]

    nothing = _import(db_session, write_xlsx(tmp_path / "e.xlsx", [], header=HEADER))
    assert nothing.errors[0].message.startswith("文件中没有数据行")


def test_duplicates_in_the_file_are_reported(db_session: Session, tmp_path: Path) -> None:
    rows = roster_rows(3)
    rows.append(list(rows[1]))
    rows[3][1] = rows[1][1].lower()  # the same number, typed with a lower-case x or not

    result = _import(db_session, write_xlsx(tmp_path / "d.xlsx", rows))

    assert [(e.row, e.column, e.message) for e in result.errors] == [(5, "B", "与第3行重复")]


def test_gbk_csv_from_excel(db_session: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gbk.csv", roster_rows(2), encoding="gb18030")

    assert _import(db_session, path).created == 2
    assert db_session.scalar(select(Worker.name).order_by(Worker.id)) == "工人0"


def test_staff_import_only_within_their_region(db_session: Session, tmp_path: Path) -> None:
    outside = make_worker(db_session, id_number=roster_id(1))  # 南乐县
    rows = roster_rows(2) + [["张秀花", roster_id(9, "410922"), "13812345670", QINGFENG]]
    rows[1][3] = QINGFENG  # a 南乐 worker, registered there: not for 清丰 staff to change
    actor = staff(db_session, QINGFENG)

    result = _import(db_session, write_xlsx(tmp_path / "s.xlsx", rows), actor=actor)

    assert {(e.row, e.column) for e in result.errors} == {(2, "D"), (3, "B")}
    assert "不在您的管辖范围内" in result.errors[0].message
    assert "其他地区" in next(e.message for e in result.errors if e.row == 3)
    assert count(db_session, Worker) == 1
    db_session.refresh(outside)
    with pytest.raises(Forbidden):
        _import(
            db_session, write_xlsx(tmp_path / "x.xlsx", rows), actor=Actor(None, "employer", employer_id=1)
        )


def test_employers_keyed_by_credit_code(db_session: Session, tmp_path: Path) -> None:
    existing = make_employer(db_session, name="旧名称")
    header = ["企业名称", "统一社会信用代码", "所在地", "扶贫车间", "contact_phone"]
    rows = [
        ["濮阳华龙机械有限公司", existing.uscc, "410902", "否", ""],
        ["吴村扶贫车间", make_uscc(), WUCUN, "是", ""],
    ]
    path = write_xlsx(tmp_path / "e.xlsx", rows, header=header)

    first = _import(db_session, path, "employers")
    second = _import(db_session, path, "employers")

    assert (first.created, first.updated, second.unchanged) == (1, 1, 2)
    db_session.expire_all()
    assert db_session.get(Employer, existing.id).name == "濮阳华龙机械有限公司"
    workshop = db_session.scalar(select(Employer).where(Employer.name == "吴村扶贫车间"))
    assert workshop.is_workshop and workshop.region_code == WUCUN

    numeric = write_xlsx(tmp_path / "n.xlsx", [["某公司", 914109000000000000, "410902"]], header=header[:3])
    assert "数字格式" in _import(db_session, numeric, "employers").errors[0].message


def test_job_orders_keyed_by_employer_title_and_place(db_session: Session, tmp_path: Path) -> None:
    employer = make_employer(db_session)
    order = make_job_order(
        db_session,
        employer_id=employer.id,
        title="钢结构电焊工",
        region_code="320500",
        headcount=2,
        filled=2,
        status="filled",
    )
    expires = (date.today() + timedelta(days=30)).isoformat()
    header = [
        "企业统一社会信用代码",
        "岗位名称",
        "工种",
        "招聘人数",
        "工作地点",
        "就业渠道",
        "截止日期",
        "提供住宿",
    ]
    rows = [
        [employer.uscc, "钢结构电焊工", "电焊工", 5, "320500", "省外务工", expires, "是"],
        [employer.uscc, "缝纫工", "缝纫", 20, "410923", "本地企业", expires, "否"],
        [make_uscc(), "保洁员", "保洁员", 3, "410923", "", expires, ""],
    ]
    path = write_xlsx(tmp_path / "j.xlsx", rows, header=header)

    refused = _import(db_session, path, "job-orders")

    assert [(e.row, e.column) for e in refused.errors] == [(4, "A")]
    assert "尚未登记" in refused.errors[0].message
    assert count(db_session, JobOrder) == 1

    ok = write_xlsx(tmp_path / "ok.xlsx", rows[:2], header=header)
    first = _import(db_session, ok, "job-orders")
    second = _import(db_session, ok, "job-orders")

    assert (first.created, first.updated, second.unchanged) == (1, 1, 2)
    db_session.expire_all()
    order = db_session.get(JobOrder, order.id)
    assert (order.headcount, order.filled, order.status, order.housing) == (5, 2, "open", True)
    sewing = db_session.scalar(select(JobOrder).where(JobOrder.title == "缝纫工"))
    assert (sewing.occupation_code, sewing.route, sewing.status, sewing.filled) == (
        occupation_code("缝纫工"),
        "local_enterprise",
        "open",
        0,
    )

    shrink = write_xlsx(
        tmp_path / "s.xlsx", [[employer.uscc, "钢结构电焊工", "电焊工", 1, "320500"]], header=header[:5]
    )
    error = _import(db_session, shrink, "job-orders").errors[0]
    assert (error.row, error.column, error.message) == (2, "D", "招聘人数不能少于已录用人数（2）")
    route = write_xlsx(
        tmp_path / "r.xlsx", [[employer.uscc, "新岗", "电焊工", 1, "320500", "出国"]], header=header[:6]
    )
    assert _import(db_session, route, "job-orders").errors[0].message.startswith("无效的取值，可填：省外务工")


def test_preview_commit_and_history(db_session: Session, tmp_path: Path) -> None:
    actor = staff(db_session)
    content = write_xlsx(tmp_path / "p.xlsx", roster_rows(5)).read_bytes()
    uploads = tmp_path / "uploads"

    batch = imports.preview_upload(
        db_session, actor, "workers", filename="花名册.xlsx", content=content, upload_dir=uploads
    )

    assert (batch.status, batch.rows_total, batch.created, batch.error_count) == ("previewed", 5, 5, 0)
    assert Path(batch.stored_path).parent == uploads and count(db_session, Worker) == 0

    committed = imports.commit_batch(db_session, actor, batch.id)

    assert (committed.status, committed.created, committed.stored_path) == ("committed", 5, "")
    assert count(db_session, Worker) == 5 and not any(uploads.iterdir())
    actions = db_session.scalars(
        select(AuditLog.action).where(AuditLog.object_type.in_(("import", "workers")))
    )
    assert sorted(actions) == ["import", "preview"]
    with pytest.raises(Conflict):
        imports.commit_batch(db_session, actor, batch.id)

    rows = roster_rows(2, start=10)
    rows[0][2] = "123"
    bad = imports.preview_upload(
        db_session,
        actor,
        "workers",
        filename="bad.csv",
        content=write_csv(tmp_path / "b.csv", rows).read_bytes(),
        upload_dir=uploads,
    )
    assert (bad.status, bad.error_count, bad.stored_path) == ("refused", 1, "")
    assert bad.errors == [
        {"row": 2, "column": "C", "header": "手机号码", "message": "手机号码应为1开头的11位数字"}
    ]
    with pytest.raises(ValidationError):
        imports.preview_upload(
            db_session, actor, "workers", filename="x.docx", content=b"x", upload_dir=uploads
        )
    other = staff(db_session)
    assert imports.list_batches(db_session, other).total == 0
    assert imports.list_batches(db_session, actor).total == 2


def test_unused_previews_are_purged(db_session: Session, tmp_path: Path) -> None:
    actor = staff(db_session)
    batch = imports.preview_upload(
        db_session,
        actor,
        "workers",
        filename="p.xlsx",
        content=write_xlsx(tmp_path / "p.xlsx", roster_rows(1)).read_bytes(),
        upload_dir=tmp_path / "u",
    )
    stored = Path(batch.stored_path)

    assert imports.purge_uploads(db_session, today=date.today()) == {"discarded": 0}
    assert imports.purge_uploads(db_session, today=date.today() + timedelta(days=2)) == {"discarded": 1}

    db_session.expire_all()
    assert db_session.get(ImportBatch, batch.id).status == "discarded" and not stored.exists()


@pytest.mark.parametrize("kind", ["workers", "employers", "job-orders"])
def test_the_template_round_trips(db_session: Session, tmp_path: Path, kind: str) -> None:
    wb = load_workbook(io.BytesIO(imports.template_workbook(kind)))
    header = [c.value for c in wb.worksheets[0][1]]
    assert header == [col.label for col in imports.spec(kind).columns]
    assert wb.worksheets[1].title == "填写说明"
    path = tmp_path / "t.xlsx"
    wb.save(path)
    result = _import(db_session, path, kind)
    assert result.errors[0].message.startswith("文件中没有数据行")  # the headers are all recognised


ROW = st.tuples(
    st.text(alphabet="王李张刘陈秀英国强", min_size=2, max_size=4),
    st.sampled_from(["138", "159", "186"]),
    st.lists(st.sampled_from(["电焊", "缝纫", "烹饪", "美发"]), max_size=3, unique=True),
    st.sampled_from(["是", "否", "true", "0", "1", ""]),
    st.sampled_from(["本村", "本县", "全国", "county", ""]),
    st.one_of(st.none(), st.integers(1000, 20000)),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=12), separator=st.sampled_from([",", "，", "、"]))
def test_importing_any_valid_roster_again_changes_nothing(
    db_session: Session, tmp_path: Path, rows: list[tuple[Any, ...]], separator: str
) -> None:
    header = ["姓名", "身份证号码", "手机号码", "户籍地", "技能", "建档立卡", "外出意愿", "期望月工资（元）"]
    table = [
        [
            name,
            roster_id(100_000 + i),
            f"{prefix}{i:08d}",
            WUCUN,
            separator.join(skills),
            poor,
            mobility,
            wage,
        ]
        for i, (name, prefix, skills, poor, mobility, wage) in enumerate(rows)
    ]
    path = write_csv(tmp_path / "any.csv", table, header=header)
    try:
        first = _import(db_session, path)
        second = _import(db_session, path)
        assert first.ok and (first.created, second.created, second.updated, second.unchanged) == (
            len(rows),
            0,
            0,
            len(rows),
        )
    finally:
        db_session.execute(delete(Worker))
        db_session.commit()


def test_county_staff_import_no_employers_or_orders_of_another_county(
    db_session: Session, tmp_path: Path
) -> None:
    """Issue 12, item 5: the import keeps write scope equal to read scope, as the forms and the API do."""
    nanle = make_employer(db_session, name="南乐导入测试公司", region_code="410923")
    actor = staff(db_session, QINGFENG)
    header = ["企业名称", "统一社会信用代码", "所在地"]
    rows = [["南乐新登记公司", make_uscc(), "410923"], ["改名南乐公司", nanle.uscc, QINGFENG]]
    result = _import(
        db_session, write_xlsx(tmp_path / "e.xlsx", rows, header=header), "employers", actor=actor
    )
    assert {e.row for e in result.errors} == {2, 3}
    assert count(db_session, Employer) == 1
    expires = (date.today() + timedelta(days=30)).isoformat()
    header = ["企业统一社会信用代码", "岗位名称", "工种", "招聘人数", "工作地点", "就业渠道", "截止日期"]
    rows = [[nanle.uscc, "越权焊工", "电焊工", 5, "320500", "省外务工", expires]]
    result = _import(
        db_session, write_xlsx(tmp_path / "o.xlsx", rows, header=header), "job-orders", actor=actor
    )
    assert [e.row for e in result.errors] == [2] and "管辖范围" in result.errors[0].message
    assert count(db_session, JobOrder) == 0
