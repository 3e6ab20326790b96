"""Ledgers (台账) exported as Excel in one city-wide format: employment, training and follow-up visits.

Every ledger has the same layout: a title row, a row naming the region, the period and when it was exported,
the header row, then one row per record. Rows are limited to the workers the exporter may see and filtered by
region and period (a record is in the period when it overlaps it). ID numbers and phones are masked unless the
exporter asks for them in full and may see them; cells starting with = + - @ are neutralised so that a
spreadsheet never runs them as formulas; every export is written to the audit log.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from webapp import policy
from webapp.errors import NotFound, ValidationError
from webapp.models import Placement, User, Worker, utcnow
from webapp.models.followups import FollowUp
from webapp.models.training import Course, Enrolment
from webapp.services import audit, reference, transaction
from webapp.services.followups import visit_names, visit_state
from webapp.services.scope import Actor, region_prefix
from webapp.services.stats import DESTINATION_NAMES, default_period, destination, home_region
from webapp.services.validation import (
    Collector,
    mask_id_number,
    mask_phone,
    parse_bool,
    parse_choice,
    parse_date,
    parse_region,
    reject_unknown,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SEX = {"M": "男", "F": "女"}
PLACEMENT_STATUS = {"active": "在岗", "left": "已离岗"}
VISIT_STATE = {
    "scheduled": "待回访",
    "due_soon": "即将到期",
    "overdue": "逾期未访",
    "done": "已回访",
    "cancelled": "已取消",
}
OUTCOME = {"employed": "仍在岗", "left": "已离职", "unreachable": "联系不上"}
ENROLMENT_STATUS = {"enrolled": "在训", "completed": "已结业", "failed": "未通过", "withdrawn": "中途退出"}


def neutralise(value: Any) -> Any:
    """A cell value that a spreadsheet shows as text and never evaluates.

    >>> neutralise("=1+1"), neutralise("-5"), neutralise("王五"), neutralise(5)
    ("'=1+1", "'-5", '王五', 5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Ledger:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: Callable[[Session, Actor, str, date, date, bool], Iterator[Sequence[Any]]]


def _person(worker: Worker, full: bool) -> list[Any]:
    return [
        worker.name,
        SEX.get(worker.sex, ""),
        worker.id_number if full else mask_id_number(worker.id_number),
        worker.phone if full else mask_phone(worker.phone),
        reference.region_name(worker.region_code, full=True),
        "是" if worker.poverty_registered else "否",
    ]


PERSON = ("姓名", "性别", "身份证号码", "手机号码", "户籍地", "建档立卡")


def _route_name(key: str) -> str:
    route = reference.routes().get(key)
    return route["name_zh"] if route else key


def _employment_rows(
    session: Session, actor: Actor, region: str, date_from: date, date_to: date, full: bool
) -> Iterator[Sequence[Any]]:
    stmt = (
        select(Placement)
        .join(Worker, Placement.worker_id == Worker.id)
        .options(joinedload(Placement.worker))
        .where(
            policy.filter_for(actor, Worker, "export"),
            Worker.region_code.startswith(region_prefix(region)),
            Placement.start_date <= date_to,
            or_(Placement.ended_on.is_(None), Placement.ended_on >= date_from),
        )
        .order_by(Worker.region_code, Placement.start_date, Placement.id)
    )
    placements = list(session.scalars(stmt))
    latest: dict[int, FollowUp] = {}
    ids = [p.id for p in placements]
    for start in range(0, len(ids), 500):
        for visit in session.scalars(
            select(FollowUp)
            .where(FollowUp.placement_id.in_(ids[start : start + 500]), FollowUp.status == "done")
            .order_by(FollowUp.visited_on, FollowUp.id)
        ):
            latest[visit.placement_id] = visit
    for number, p in enumerate(placements, start=1):
        visit = latest.get(p.id)
        yield [
            number,
            *_person(p.worker, full),
            _route_name(p.route),
            p.employer_name,
            reference.region_name(p.region_code, full=True),
            DESTINATION_NAMES[destination(p.worker.region_code, p.region_code)],
            p.wage,
            p.start_date,
            PLACEMENT_STATUS.get(p.status, p.status),
            p.ended_on,
            p.end_reason,
            visit.visited_on if visit else None,
            visit.wage_now if visit else None,
        ]


def _training_rows(
    session: Session, actor: Actor, region: str, date_from: date, date_to: date, full: bool
) -> Iterator[Sequence[Any]]:
    stmt = (
        select(Enrolment)
        .join(Worker, Enrolment.worker_id == Worker.id)
        .join(Course, Enrolment.course_id == Course.id)
        .options(joinedload(Enrolment.worker), joinedload(Enrolment.course).joinedload(Course.provider))
        .where(
            policy.filter_for(actor, Worker, "export"),
            Worker.region_code.startswith(region_prefix(region)),
            Course.start_date <= date_to,
            Course.end_date >= date_from,
        )
        .order_by(Worker.region_code, Course.start_date, Enrolment.id)
    )
    for number, e in enumerate(session.scalars(stmt).unique(), start=1):
        course = e.course
        yield [
            number,
            *_person(e.worker, full),
            reference.occupation_name(course.occupation_code),
            course.title,
            course.provider.name if course.provider else "",
            course.venue_name,
            course.start_date,
            course.end_date,
            ENROLMENT_STATUS.get(e.status, e.status),
            e.completed_on,
            e.certificate_number or "",
        ]


def _follow_up_rows(
    session: Session, actor: Actor, region: str, date_from: date, date_to: date, full: bool
) -> Iterator[Sequence[Any]]:
    in_period = or_(
        FollowUp.due_on.between(date_from, date_to),
        FollowUp.visited_on.between(date_from, date_to),
    )
    stmt = (
        select(FollowUp)
        .join(Worker, FollowUp.worker_id == Worker.id)
        .options(joinedload(FollowUp.worker), joinedload(FollowUp.placement))
        .where(
            policy.filter_for(actor, Worker, "export"),
            Worker.region_code.startswith(region_prefix(region)),
            in_period,
        )
        .order_by(Worker.region_code, FollowUp.due_on, FollowUp.id)
    )
    visits = list(session.scalars(stmt))
    people = {v.assignee_id for v in visits} | {v.recorded_by for v in visits}
    names = {
        u.id: u.display_name or u.username
        for u in session.scalars(select(User).where(User.id.in_([i for i in people if i])))
    }
    names_of_visits = visit_names()
    today = date.today()
    for number, v in enumerate(visits, start=1):
        worker, placement = v.worker, v.placement
        yield [
            number,
            *_person(worker, full)[:5],
            placement.employer_name,
            _route_name(placement.route),
            placement.start_date,
            names_of_visits.get(v.visit_key, v.visit_key),
            v.due_on,
            v.visited_on,
            VISIT_STATE.get(visit_state(v, today), v.status),
            OUTCOME.get(v.outcome, v.outcome),
            v.wage_now,
            v.left_reason,
            names.get(v.recorded_by or v.assignee_id or 0, "未分配"),
            v.note,
        ]


LEDGERS: dict[str, Ledger] = {
    "employment": Ledger(
        "employment",
        "就业台账",
        (
            "序号",
            *PERSON,
            "就业渠道",
            "用工单位",
            "工作地点",
            "就业地类型",
            "月工资（元）",
            "上岗日期",
            "在岗状态",
            "离岗日期",
            "离岗原因",
            "最近回访日期",
            "最近回访月工资（元）",
        ),
        _employment_rows,
    ),
    "training": Ledger(
        "training",
        "培训台账",
        (
            "序号",
            *PERSON,
            "培训工种",
            "课程名称",
            "培训机构",
            "培训地点",
            "开班日期",
            "结业日期（计划）",
            "培训状态",
            "结业日期",
            "证书编号",
        ),
        _training_rows,
    ),
    "follow-ups": Ledger(
        "follow-ups",
        "跟踪回访台账",
        (
            "序号",
            *PERSON[:5],
            "用工单位",
            "就业渠道",
            "上岗日期",
            "回访次序",
            "应访日期",
            "实访日期",
            "状态",
            "回访结果",
            "当时月工资（元）",
            "离职原因",
            "回访人",
            "备注",
        ),
        _follow_up_rows,
    ),
}


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes
    rows: int


def ledger_options() -> list[tuple[str, str]]:
    return [(key, ledger.title) for key, ledger in LEDGERS.items()]


def export_ledger(
    session: Session,
    actor: Actor,
    kind: str,
    *,
    region_code: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    full_ids: bool = False,
    today: date | None = None,
    ip: str = "",
) -> Export:
    """One ledger as an .xlsx file (audited)."""
    policy.require(actor, "export", "ledger")
    ledger = LEDGERS.get(kind)
    if ledger is None:
        raise NotFound("未知的台账类型")
    today = today or date.today()
    region = region_code or actor.region_code or home_region()
    policy.require(
        actor,
        "export",
        policy.Subject("ledger", region_code=region),
        message="该地区不在您的管辖范围内",
        fields=policy.OUT_OF_REGION,
    )
    start, end = default_period(today)
    date_from, date_to = date_from or start, date_to or end
    if date_from > date_to:
        raise ValidationError("开始日期不能晚于结束日期", fields={"date_to": "不能早于开始日期"})
    # the scope already limits rows to the workers this actor covers, whose full data they may see
    full = bool(full_ids)

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(ledger.title)
    bold = Font(bold=True)
    title = WriteOnlyCell(sheet, value=f"{reference.region_name(region, full=True)}{ledger.title}")
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    sheet.append(
        [
            f"地区：{reference.region_name(region, full=True)}（{region}）　"
            f"期间：{date_from.isoformat()} 至 {date_to.isoformat()}　"
            f"导出：{utcnow():%Y-%m-%d %H:%M} UTC　"
            + ("含完整身份证号码，请妥善保管" if full else "身份证号码、手机号码已打码")
        ]
    )
    header = []
    for name in ledger.columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in ledger.rows(session, actor, region, date_from, date_to, full):
        sheet.append([neutralise(v) for v in row])
        count += 1
    out = io.BytesIO()
    wb.save(out)
    with transaction(session):
        audit.record(
            session,
            actor,
            "export",
            "ledger",
            kind,
            ip=ip,
            region_code=region,
            date_from=date_from.isoformat(),
            date_to=date_to.isoformat(),
            rows=count,
            full_ids=full,
        )
    filename = f"{ledger.title}_{region}_{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx"
    return Export(filename, out.getvalue(), count)


LEDGER_FIELDS = ("kind", "region_code", "date_from", "date_to", "full_ids")


def export_from_input(
    session: Session, actor: Actor, data: Mapping[str, Any], *, today: date | None = None, ip: str = ""
) -> Export:
    """:func:`export_ledger` from raw input (a form, the command line, a query string), checked first."""
    reject_unknown(data, LEDGER_FIELDS)
    c = Collector()
    kind = c.field("kind", parse_choice, data.get("kind"), list(LEDGERS), label="台账")
    region = (
        c.field("region_code", parse_region, data.get("region_code")) if data.get("region_code") else None
    )
    date_from = c.field("date_from", parse_date, data.get("date_from"))
    date_to = c.field("date_to", parse_date, data.get("date_to"))
    full = c.field("full_ids", parse_bool, data.get("full_ids"))
    c.done()
    return export_ledger(
        session,
        actor,
        str(kind),
        region_code=region,
        date_from=date_from,
        date_to=date_to,
        full_ids=bool(full),
        today=today,
        ip=ip,
    )
