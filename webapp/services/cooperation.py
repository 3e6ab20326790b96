"""Cross-province labour cooperation (劳务协作): partner agreements, their posts, batch placement and dispatch.

- An agreement names the partner region and contact, the period and the sending region on our side (whose
  staff manage it). Its posts are job orders, imported from a partner's .xlsx in one go: every row is validated,
  every problem is reported with its row, column and reason, and nothing is written unless all rows are good.
- Workers sign up as candidates; a candidate may carry a ``family_group``: members of one group go to the same
  post or not at all.
- Batch placement fills all posts at once with ``matcher.assign`` (``optimal`` or ``stable``), see
  :func:`plan_placements` for the method (families, county quotas). The plan is stored on the candidates.
- Dispatch batches (组织化输出) take planned candidates with a departure date and destination; dispatching
  records their placements (source ``cooperation``) in one transaction; arrival is confirmed later.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import func, insert, select, true
from sqlalchemy.orm import Session

import matcher
from webapp import policy
from webapp.errors import Conflict, DomainError, NotFound, ValidationError
from webapp.models import (
    CooperationAgreement,
    CooperationCandidate,
    CooperationPost,
    CountyQuota,
    DispatchBatch,
    DispatchMember,
    Employer,
    JobOrder,
    Worker,
    utcnow,
)
from webapp.services import audit, reference, transaction
from webapp.services.fairs import workbook_bytes
from webapp.services.job_orders import parse_occupation
from webapp.services.matching import job_order_profile, worker_profile
from webapp.services.placements import record_placement
from webapp.services.scope import Actor, county_of, region_level, region_prefix, within
from webapp.services.validation import (
    Collector,
    FieldError,
    mask_id_number,
    parse_bool,
    parse_choice,
    parse_date,
    parse_int,
    parse_list,
    parse_phone,
    parse_region,
    parse_text,
    parse_uscc,
    reject_unknown,
)
from webapp.services.workers import Page

AGREEMENT_FIELDS = (
    "name",
    "partner_region_code",
    "partner_name",
    "contact_name",
    "contact_phone",
    "starts_on",
    "ends_on",
    "note",
    "region_code",
)
METHODS = ("optimal", "stable")
MAX_IMPORT_ROWS = 20000
MAX_IMPORT_BYTES = 20 * 1024 * 1024
HOME_PROVINCE = "410000"


# --- agreements ---------------------------------------------------------------------------------------------


def _validate(data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    reject_unknown(data, AGREEMENT_FIELDS)
    c = Collector()
    out: dict[str, Any] = {}

    def want(name: str) -> bool:
        return not partial or name in data

    if want("name"):
        out["name"] = c.field("name", parse_text, data.get("name"), max_len=128, label="协议名称")
    if want("partner_region_code"):
        out["partner_region_code"] = c.field(
            "partner_region_code", parse_region, data.get("partner_region_code")
        )
    for name, max_len in (("partner_name", 128), ("contact_name", 64), ("note", 4000)):
        if want(name):
            out[name] = c.field(name, parse_text, data.get(name), required=False, max_len=max_len) or ""
    if want("contact_phone"):
        out["contact_phone"] = c.field(
            "contact_phone", parse_phone, data.get("contact_phone"), required=False
        )
    for name in ("starts_on", "ends_on"):
        if want(name):
            out[name] = c.field(name, parse_date, data.get(name))
    if want("region_code"):
        out["region_code"] = c.field("region_code", parse_region, data.get("region_code"))
    start, end = out.get("starts_on"), out.get("ends_on")
    if start and end and end < start:
        c.add("ends_on", "结束日期不能早于开始日期")
    c.done()
    return out


def check_manage(actor: Actor, agreement: CooperationAgreement, action: str = "update") -> None:
    policy.require(actor, action, agreement)


def create_agreement(session: Session, actor: Actor, data: Mapping[str, Any]) -> CooperationAgreement:
    policy.require(actor, "create", CooperationAgreement)
    data = dict(data)
    if not data.get("region_code") and actor.region_code:
        data["region_code"] = actor.region_code
    values = _validate(data, partial=False)
    target = CooperationAgreement(region_code=values["region_code"])
    policy.require(actor, "create", target, message="输出地区不在您的管辖范围内", fields=policy.OUT_OF_REGION)
    with transaction(session):
        agreement = CooperationAgreement(**values, created_by=actor.user_id)
        session.add(agreement)
        session.flush()
        audit.record(session, actor, "create", "cooperation_agreement", agreement.id)
    return agreement


def update_agreement(
    session: Session, actor: Actor, agreement_id: int, data: Mapping[str, Any]
) -> CooperationAgreement:
    agreement = get_agreement(session, actor, agreement_id)
    check_manage(actor, agreement)
    values = _validate(data, partial=True)
    if "region_code" in values:
        target = CooperationAgreement(region_code=values["region_code"])
        policy.require(
            actor, "create", target, message="输出地区不在您的管辖范围内", fields=policy.OUT_OF_REGION
        )
    with transaction(session):
        for key, value in values.items():
            setattr(agreement, key, value)
        audit.record(session, actor, "update", "cooperation_agreement", agreement.id, fields=sorted(values))
    return agreement


def get_agreement(session: Session, actor: Actor, agreement_id: int) -> CooperationAgreement:
    policy.require(actor, "list", CooperationAgreement)
    return policy.require(actor, "read", session.get(CooperationAgreement, agreement_id))


def list_agreements(session: Session, actor: Actor, *, page: int = 1, per_page: int = 50) -> Page:
    policy.require(actor, "list", CooperationAgreement)
    stmt = policy.scoped(actor, select(CooperationAgreement), CooperationAgreement)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(CooperationAgreement.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return Page(list(rows), total, page, per_page)


@dataclass(frozen=True)
class PostRow:
    order: JobOrder
    open: int  # headcount − filled
    planned: int  # candidates planned on it, not yet in a batch
    reserved: int  # in dispatch batches not yet departed


def posts(session: Session, agreement_id: int) -> list[JobOrder]:
    return list(
        session.scalars(
            select(JobOrder)
            .join(CooperationPost, CooperationPost.job_order_id == JobOrder.id)
            .where(CooperationPost.agreement_id == agreement_id)
            .order_by(CooperationPost.source_row, JobOrder.id)
        )
    )


@dataclass(frozen=True)
class AgreementSummary:
    posts: int
    headcount: int
    filled: int
    candidates: int
    planned: int
    batches: int


def summary(session: Session, agreement_id: int) -> AgreementSummary:
    n_posts, headcount, filled = session.execute(
        select(
            func.count(JobOrder.id),
            func.coalesce(func.sum(JobOrder.headcount), 0),
            func.coalesce(func.sum(JobOrder.filled), 0),
        )
        .join(CooperationPost, CooperationPost.job_order_id == JobOrder.id)
        .where(CooperationPost.agreement_id == agreement_id)
    ).one()
    candidates, planned = session.execute(
        select(func.count(CooperationCandidate.id), func.count(CooperationCandidate.job_order_id)).where(
            CooperationCandidate.agreement_id == agreement_id
        )
    ).one()
    batches = session.scalar(
        select(func.count()).select_from(DispatchBatch).where(DispatchBatch.agreement_id == agreement_id)
    )
    return AgreementSummary(n_posts, int(headcount), int(filled), candidates, planned, batches or 0)


# --- county quotas --------------------------------------------------------------------------------------------


def quotas(session: Session, agreement_id: int) -> dict[str, int]:
    return dict(
        session.execute(
            select(CountyQuota.county_code, CountyQuota.quota).where(CountyQuota.agreement_id == agreement_id)
        ).all()
    )


def set_quotas(session: Session, actor: Actor, agreement_id: int, data: Mapping[str, Any]) -> dict[str, int]:
    """Replace the county quotas: ``{county_code: quota}``; an empty value removes that county's quota."""
    agreement = get_agreement(session, actor, agreement_id)
    check_manage(actor, agreement)
    c = Collector()
    clean: dict[str, int] = {}
    for code, raw in data.items():
        if code not in reference.region_names() or region_level(code) != "county":
            c.add(code, "不是有效的县级地区代码")
            continue
        if not within(code, agreement.region_code) and not within(agreement.region_code, code):
            c.add(code, "不在本协议的输出地区内")
            continue
        value = c.field(code, parse_int, raw, minimum=0, maximum=1_000_000)
        if value is not None:
            clean[code] = value
    c.done("名额设置有误")
    with transaction(session):
        for row in session.scalars(select(CountyQuota).where(CountyQuota.agreement_id == agreement.id)):
            session.delete(row)
        session.flush()
        for code, value in sorted(clean.items()):
            session.add(CountyQuota(agreement_id=agreement.id, county_code=code, quota=value))
        audit.record(session, actor, "update", "cooperation_quota", agreement.id, quotas=clean)
    return clean


def county_options(agreement: CooperationAgreement) -> list[tuple[str, str]]:
    return [
        (code, name)
        for code, name in reference.region_options(agreement.region_code)
        if region_level(code) == "county"
    ] or [
        (code, name)
        for code, name in reference.region_options(agreement.region_code[:4] + "00")
        if region_level(code) == "county" and within(agreement.region_code, code)
    ]


# --- candidates --------------------------------------------------------------------------------------------


def parse_family(raw: Any) -> str | None:
    text = parse_text(raw, required=False, max_len=32)
    return text or None


def candidates(session: Session, actor: Actor, agreement_id: int) -> list[CooperationCandidate]:
    agreement = get_agreement(session, actor, agreement_id)
    return list(
        session.scalars(
            select(CooperationCandidate)
            .join(Worker, Worker.id == CooperationCandidate.worker_id)
            .where(
                CooperationCandidate.agreement_id == agreement.id,
                policy.filter_for(actor, CooperationCandidate),
            )
            .order_by(CooperationCandidate.family_group, Worker.region_code, Worker.id)
        )
    )


def add_candidate(
    session: Session, actor: Actor, agreement_id: int, worker_id: Any, *, family_group: Any = None
) -> CooperationCandidate:
    agreement = get_agreement(session, actor, agreement_id)
    check_manage(actor, agreement)
    c = Collector()
    wid = c.field("worker_id", parse_int, worker_id, required=True, minimum=1, maximum=2_147_483_647)
    family = c.field("family_group", parse_family, family_group)
    c.done()
    worker = session.get(Worker, wid)
    if worker is None or not policy.can(actor, "read", worker):
        raise ValidationError("未找到该人员（或不在您的管辖范围内）", fields={"worker_id": "未找到"})
    with transaction(session):
        row = session.scalar(
            select(CooperationCandidate).where(
                CooperationCandidate.agreement_id == agreement.id, CooperationCandidate.worker_id == worker.id
            )
        )
        if row is None:
            row = CooperationCandidate(agreement_id=agreement.id, worker_id=worker.id)
            session.add(row)
        row.family_group = family
        session.flush()
        audit.record(session, actor, "update", "cooperation_candidate", row.id, worker_id=worker.id)
    return row


def add_eligible_candidates(session: Session, actor: Actor, agreement_id: int) -> int:
    """Sign up every seeking, verified worker of the sending region (within the staff member's scope) who is
    willing to work out of the province (mobility ``national``); returns how many were added."""
    agreement = get_agreement(session, actor, agreement_id)
    check_manage(actor, agreement)
    with transaction(session):
        have = set(
            session.scalars(
                select(CooperationCandidate.worker_id).where(
                    CooperationCandidate.agreement_id == agreement.id
                )
            )
        )
        ids = [
            wid
            for wid in session.scalars(
                select(Worker.id).where(
                    policy.filter_for(actor, Worker),
                    Worker.region_code.startswith(region_prefix(agreement.region_code)),
                    Worker.status == "seeking",
                    Worker.verified.is_(True),
                    Worker.mobility == "national",
                )
            )
            if wid not in have
        ]
        if ids:
            session.execute(
                insert(CooperationCandidate),
                [{"agreement_id": agreement.id, "worker_id": wid, "reasons": []} for wid in ids],
            )
        audit.record(session, actor, "create", "cooperation_candidate", agreement.id, added=len(ids))
    return len(ids)


def candidate_agreement_id(session: Session, candidate_id: int) -> int:
    agreement_id = session.scalar(
        select(CooperationCandidate.agreement_id).where(CooperationCandidate.id == candidate_id)
    )
    if agreement_id is None:
        raise NotFound()
    return int(agreement_id)


def remove_candidate(session: Session, actor: Actor, candidate_id: int) -> None:
    row = session.get(CooperationCandidate, candidate_id)
    if row is None:
        raise NotFound()
    agreement = get_agreement(session, actor, row.agreement_id)
    policy.require(actor, "update", row)
    if _batch_of(session, agreement.id, row.worker_id) is not None:
        raise Conflict("该人员已编入输出批次，请先从批次中移出")
    with transaction(session):
        session.delete(row)
        audit.record(session, actor, "delete", "cooperation_candidate", candidate_id)


# --- importing posts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    parse: Callable[[Any], Any]
    required: bool = False


def _opt_int(minimum: int, maximum: int) -> Callable[[Any], Any]:
    return lambda raw: parse_int(raw, minimum=minimum, maximum=maximum)


def _as_date(raw: Any) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    return parse_date(raw)


IMPORT_COLUMNS: tuple[Column, ...] = (
    Column("企业名称", "employer_name", lambda raw: parse_text(raw, max_len=128, label="企业名称"), True),
    Column("统一社会信用代码", "uscc", parse_uscc, True),
    Column("岗位名称", "title", lambda raw: parse_text(raw, max_len=128, label="岗位名称"), True),
    Column("工种", "occupation_code", parse_occupation, True),
    Column(
        "招聘人数", "headcount", lambda raw: parse_int(raw, required=True, minimum=1, maximum=10000), True
    ),
    Column("工作地点代码", "region_code", parse_region, True),
    Column("最低月工资", "wage_min", _opt_int(0, 200000)),
    Column("最高月工资", "wage_max", _opt_int(0, 200000)),
    Column("最低年龄", "age_min", _opt_int(16, 70)),
    Column("最高年龄", "age_max", _opt_int(16, 70)),
    Column("技能要求", "skills", parse_list),
    Column("证书要求", "certificates_required", parse_list),
    Column("提供住宿", "housing", parse_bool),
    Column("提供伙食", "board", parse_bool),
    Column("到岗日期", "start_date", _as_date),
)
IMPORT_HEADERS = tuple(col.header for col in IMPORT_COLUMNS)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # spreadsheet letter, "" for the whole row
    header: str
    reason: str


class ImportRejected(ValidationError):
    """The whole file is refused; ``errors`` lists every problem with its row and column."""

    def __init__(self, errors: Sequence[RowError], total_rows: int):
        shown = {
            f"第{e.row}行 {e.column}列（{e.header}）" if e.column else f"第{e.row}行": e.reason
            for e in errors[:50]
        }
        super().__init__(
            f"导入失败：发现 {len(errors)} 处错误，未导入任何数据（共 {total_rows} 行）。请修改后重新上传。",
            fields=shown,
        )
        self.errors = list(errors)
        self.total_rows = total_rows


def template_xlsx() -> bytes:
    """An empty import template with the expected headers and one example row."""
    example = (
        "苏州示例电子有限公司",
        "91320500MA1XXXXXXX",
        "电子装配工",
        "电子设备装配工",
        50,
        "320500",
        5000,
        6500,
        18,
        45,
        "装配、焊锡",
        "",
        "是",
        "是",
        "2026-03-01",
    )
    return workbook_bytes([("岗位", IMPORT_HEADERS, [example])])


def _read_rows(data: bytes) -> list[tuple[Any, ...]]:
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError("文件过大（最大 20 MB）", fields={"file": "文件过大"})
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ValidationError("文件不是有效的 Excel（.xlsx）文件", fields={"file": "无法读取"}) from None
    try:
        ws = wb.worksheets[0]
        rows = []
        for row in ws.iter_rows(values_only=True):
            rows.append(tuple(row))
            if len(rows) > MAX_IMPORT_ROWS + 1:
                raise ValidationError(
                    f"一次最多导入 {MAX_IMPORT_ROWS} 行", fields={"file": f"超过 {MAX_IMPORT_ROWS} 行"}
                )
        return rows
    finally:
        wb.close()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def import_posts(session: Session, actor: Actor, agreement_id: int, data: bytes) -> int:
    """Import the partner's posts from an .xlsx (first sheet, header row first). All rows or none.

    Returns the number of posts (job orders) created. Employers are found by their credit code or created
    (marked as labour-cooperation partners).
    """
    agreement = get_agreement(session, actor, agreement_id)
    check_manage(actor, agreement, "import_posts")
    rows = _read_rows(data)
    if not rows:
        raise ValidationError("文件是空的", fields={"file": "没有内容"})
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    errors: list[RowError] = []
    where: dict[str, int] = {}
    for i, name in enumerate(header):
        if not name:
            continue
        if name not in IMPORT_HEADERS:
            errors.append(
                RowError(1, get_column_letter(i + 1), name, "未知的列名，可用：" + "、".join(IMPORT_HEADERS))
            )
        elif name in where:
            errors.append(RowError(1, get_column_letter(i + 1), name, "列名重复"))
        else:
            where[name] = i
    for col in IMPORT_COLUMNS:
        if col.required and col.header not in where:
            errors.append(RowError(1, "", col.header, f"缺少必填列“{col.header}”"))
    if errors:
        raise ImportRejected(errors, max(len(rows) - 1, 0))

    clean_rows: list[tuple[int, dict[str, Any]]] = []
    for number, raw in enumerate(rows[1:], start=2):
        if all(_blank(v) for v in raw):
            continue
        values: dict[str, Any] = {}
        for col in IMPORT_COLUMNS:
            index = where.get(col.header)
            cell = raw[index] if index is not None and index < len(raw) else None
            letter = get_column_letter(index + 1) if index is not None else ""
            if col.required and _blank(cell):
                errors.append(RowError(number, letter, col.header, "必填"))
                continue
            try:
                values[col.key] = col.parse(cell)
            except FieldError as err:
                errors.append(RowError(number, letter, col.header, str(err)))
        region = values.get("region_code")
        if region and not within(region, agreement.partner_region_code):
            letter = get_column_letter(where["工作地点代码"] + 1)
            errors.append(
                RowError(
                    number,
                    letter,
                    "工作地点代码",
                    f"工作地点不在合作地区（{reference.region_name(agreement.partner_region_code)}）内",
                )
            )
        for low, high, label in (("wage_min", "wage_max", "最高月工资"), ("age_min", "age_max", "最高年龄")):
            if values.get(low) is not None and values.get(high) is not None and values[low] > values[high]:
                errors.append(RowError(number, get_column_letter(where[label] + 1), label, "不能低于下限"))
        clean_rows.append((number, values))
    if not clean_rows and not errors:
        raise ValidationError("文件中没有岗位数据", fields={"file": "只有表头"})
    names: dict[str, tuple[str, int]] = {}
    for number, values in clean_rows:
        code, name = values.get("uscc"), values.get("employer_name")
        if code and name:
            first = names.setdefault(code, (name, number))
            if first[0] != name:
                errors.append(
                    RowError(
                        number,
                        get_column_letter(where["企业名称"] + 1),
                        "企业名称",
                        f"同一信用代码在第{first[1]}行的企业名称为“{first[0]}”",
                    )
                )
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise ImportRejected(errors, len(rows) - 1)

    today = date.today()
    expires = agreement.ends_on if agreement.ends_on and agreement.ends_on >= today else None
    with transaction(session):
        known = dict(
            session.execute(select(Employer.uscc, Employer.id).where(Employer.uscc.in_(list(names)))).all()
        )
        for code, (name, _row) in names.items():
            if code not in known:
                employer = Employer(
                    name=name, uscc=code, region_code=agreement.partner_region_code, is_partner=True
                )
                session.add(employer)
                session.flush()
                known[code] = employer.id
        orders: list[tuple[int, JobOrder]] = []
        for number, values in clean_rows:
            region = values["region_code"]
            order = JobOrder(
                employer_id=known[values["uscc"]],
                title=values["title"],
                occupation_code=values["occupation_code"],
                description=f"劳务协作：{agreement.name}",
                skills=values.get("skills") or [],
                certificates_required=values.get("certificates_required") or [],
                headcount=values["headcount"],
                filled=0,
                wage_min=values.get("wage_min"),
                wage_max=values.get("wage_max"),
                region_code=region,
                age_min=values.get("age_min"),
                age_max=values.get("age_max"),
                housing=bool(values.get("housing")),
                board=bool(values.get("board")),
                start_date=values.get("start_date"),
                expires_on=expires,
                status="open",
                route="local_enterprise" if within(region, HOME_PROVINCE) else "out_of_province",
            )
            orders.append((number, order))
        session.add_all([o for _n, o in orders])
        session.flush()
        session.execute(
            insert(CooperationPost),
            [{"agreement_id": agreement.id, "job_order_id": o.id, "source_row": n} for n, o in orders],
        )
        audit.record(session, actor, "import", "cooperation_post", agreement.id, rows=len(orders))
    return len(orders)


# --- batch placement ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """``placements`` {worker: order}; ``unplaced`` {worker: reason} for candidates who had an allowed pair;
    ``unfilled`` {order: open posts left}; ``rounds`` of ``matcher.assign`` that were run."""

    placements: Mapping[int, int]
    unplaced: Mapping[int, str]
    unfilled: Mapping[int, int]
    rounds: int


def plan_placements(
    scores: Mapping[tuple[int, int], float],
    capacity: Mapping[int, int],
    *,
    method: str = "optimal",
    county: Mapping[int, str] | None = None,
    quota: Mapping[str, int] | None = None,
    family: Mapping[int, str] | None = None,
) -> Plan:
    """Fill the posts: each worker at most once, each order at most to ``capacity``, each county with a quota at
    most ``quota[county]`` workers, and each family together (same order) or not at all.

    Method:

    1. Families first (members of one ``family`` group, two or more): a family is one unit; it may go only to
       orders every member is allowed (has a score for); the families, best joint fit (mean score) first, each
       take the best such order that still has room for all of them and whose members' counties still have
       quota for them. A family that finds none stays home, with that reason.
    2. Everyone else by rounds of ``matcher.assign(method=...)`` on the posts left. After a round, a county over
       its quota keeps only its best-scoring placements (up to the quota) — those are fixed, the county is
       closed, its other workers are left out — and the round is re-run for the other workers and the posts
       still open; a round with no county over quota is final. Each round closes at least one county, so there
       are at most (counties with a quota + 1) rounds.

    With no binding quota and no families, the result is exactly ``matcher.assign``'s (so in ``stable`` mode no
    worker and order would both rather have each other). With them, the posts taken by families and closed
    counties are fixed first and the final round is optimal / stable for everyone else on the posts left.

    Example:
        >>> scores = {(1, 10): 0.9, (2, 10): 0.8, (3, 10): 0.7, (3, 20): 0.6}
        >>> plan = plan_placements(scores, {10: 2, 20: 1}, county={1: "A", 2: "A", 3: "B"}, quota={"A": 1})
        >>> dict(plan.placements)
        {1: 10, 3: 10}
        >>> plan.unplaced[2]
        '所在县名额已满（1 人）'
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    county = county or {}
    quota = dict(quota or {})
    family = family or {}
    cap = {o: max(int(n), 0) for o, n in capacity.items()}
    room = dict(quota)
    by_worker: dict[int, dict[int, float]] = defaultdict(dict)
    for (w, o), s in scores.items():
        by_worker[w][o] = s
    placements: dict[int, int] = {}
    unplaced: dict[int, str] = {}

    groups: dict[str, list[int]] = defaultdict(list)
    for w, g in family.items():
        if g:
            groups[g].append(w)
    families = {g: sorted(ws) for g, ws in groups.items() if len(ws) > 1}
    in_family = {w for ws in families.values() for w in ws}

    def joint(members: list[int]) -> list[tuple[float, int]]:
        common = set.intersection(*(set(by_worker.get(w, {})) for w in members))
        return sorted(
            ((sum(by_worker[w][o] for w in members) / len(members), o) for o in common),
            key=lambda x: (-x[0], x[1]),
        )

    ranked_families = sorted(
        ((joint(ws), g, ws) for g, ws in families.items()),
        key=lambda item: (-(item[0][0][0] if item[0] else -1.0), item[1]),
    )
    for options, _g, members in ranked_families:
        need = Counter(county.get(w, "") for w in members)
        if not options:
            for w in members:
                if by_worker.get(w):
                    unplaced[w] = f"家庭成员（{len(members)} 人）需同去一个岗位，但没有全家都符合条件的岗位"
            continue
        chosen = next(
            (
                o
                for _s, o in options
                if cap.get(o, 0) >= len(members) and all(room.get(c, n) >= n for c, n in need.items())
            ),
            None,
        )
        if chosen is None:
            for w in members:
                unplaced[w] = (
                    f"家庭成员（{len(members)} 人）需同去一个岗位，可选岗位的剩余名额或所在县名额不足"
                )
            continue
        cap[chosen] -= len(members)
        for c, n in need.items():
            if c in room:
                room[c] -= n
        for w in members:
            placements[w] = chosen

    pool = {w for w in by_worker if w not in in_family}
    for w in sorted(pool):
        c = county.get(w, "")
        if c in room and room[c] <= 0:
            unplaced[w] = f"所在县名额已满（{quota[c]} 人）"
    pool = {w for w in pool if w not in unplaced}
    rounds = 0
    while pool:
        rounds += 1
        pairs = {(w, o): s for w in pool for o, s in by_worker[w].items()}
        result = matcher.assign(pairs, {o: cap.get(o, 0) for _w, o in pairs}, method=method)  # type: ignore[arg-type]
        per_county: dict[str, list[int]] = defaultdict(list)
        for w in result:
            per_county[county.get(w, "")].append(w)
        over = {c: ws for c, ws in per_county.items() if c in room and len(ws) > room[c]}
        if not over:
            for w, o in result.items():
                placements[w] = o
                cap[o] -= 1
            for w, reason in result.unplaced.items():
                unplaced[w] = reason
            break
        for c, ws in sorted(over.items()):
            keep = sorted(ws, key=lambda w: (-pairs[(w, result[w])], w))[: max(room[c], 0)]
            for w in keep:
                placements[w] = result[w]
                cap[result[w]] -= 1
            room[c] = 0
            for w in pool:
                if county.get(w, "") == c and w not in placements:
                    unplaced[w] = f"所在县名额已满（{quota[c]} 人）"
        pool = {w for w in pool if w not in placements and w not in unplaced}
    unfilled = {o: n for o, n in sorted(cap.items()) if n > 0}
    return Plan(dict(sorted(placements.items())), dict(sorted(unplaced.items())), unfilled, rounds)


NO_FIT = "没有符合条件的岗位（工种、年龄、外出意愿或工资等不符）"


@dataclass
class PlacementResult:
    method: str
    candidates: int
    placed: int
    unplaced: int
    unfilled_posts: int
    rounds: int


def _batch_of(session: Session, agreement_id: int, worker_id: int) -> DispatchBatch | None:
    return session.scalar(
        select(DispatchBatch)
        .join(DispatchMember, DispatchMember.batch_id == DispatchBatch.id)
        .where(DispatchBatch.agreement_id == agreement_id, DispatchMember.worker_id == worker_id)
    )


#: Each post considers its best ``max(DEPTH_FACTOR × open posts, MIN_DEPTH)`` candidates (engine ranking).
DEPTH_FACTOR = 4
MIN_DEPTH = 100


@dataclass
class PlacementInputs:
    """What a batch placement works on: the candidates' rows, the allowed pairs with their engine matches, the
    open posts per order (less those reserved by batches not yet departed), county rooms and families."""

    rows: list[CooperationCandidate]
    batched: dict[int, int]  # worker -> order, in any dispatch batch of this agreement
    workers: dict[int, Worker]
    matches: dict[tuple[int, int], matcher.Match]
    capacity: dict[int, int]
    room: dict[str, int]
    county: dict[int, str]
    family: dict[int, str]

    @property
    def scores(self) -> dict[tuple[int, int], float]:
        return {pair: m.score for pair, m in self.matches.items()}


def placement_inputs(
    session: Session, agreement: CooperationAgreement, *, today: date | None = None
) -> PlacementInputs:
    orders = [o for o in posts(session, agreement.id) if o.status == "open"]
    batched: dict[int, int] = {}
    reserved: Counter[int] = Counter()
    used_by_county: Counter[str] = Counter()
    for worker_id, order_id, status, region in session.execute(
        select(
            DispatchMember.worker_id, DispatchMember.job_order_id, DispatchBatch.status, Worker.region_code
        )
        .join(DispatchBatch, DispatchBatch.id == DispatchMember.batch_id)
        .join(Worker, Worker.id == DispatchMember.worker_id)
        .where(DispatchBatch.agreement_id == agreement.id)
    ):
        batched[worker_id] = order_id
        used_by_county[county_of(region)] += 1
        if status == "planned":
            reserved[order_id] += 1
    capacity = {o.id: max(o.headcount - o.filled - reserved[o.id], 0) for o in orders}
    rows = list(
        session.scalars(
            select(CooperationCandidate)
            .where(CooperationCandidate.agreement_id == agreement.id)
            .order_by(CooperationCandidate.id)
        )
    )
    workers = {
        w.id: w
        for w in session.scalars(
            select(Worker).where(
                Worker.id.in_([r.worker_id for r in rows if r.worker_id not in batched]),
                Worker.status == "seeking",
                Worker.verified.is_(True),
            )
        )
    }
    matches: dict[tuple[int, int], matcher.Match] = {}
    if workers and orders:
        ctx = reference.match_context(today)
        index = matcher.build_worker_index([worker_profile(w) for w in workers.values()], ctx)
        depth = min(len(workers), max(DEPTH_FACTOR * max(capacity.values()), MIN_DEPTH))
        ranked = matcher.rank_batch(index, [job_order_profile(o) for o in orders], k=depth)
        matches = {(m.worker_id, m.job_order_id): m for ms in ranked.values() for m in ms}
    return PlacementInputs(
        rows=rows,
        batched=batched,
        workers=workers,
        matches=matches,
        capacity=capacity,
        room={code: max(q - used_by_county[code], 0) for code, q in quotas(session, agreement.id).items()},
        county={w.id: county_of(w.region_code) for w in workers.values()},
        family={r.worker_id: r.family_group for r in rows if r.family_group and r.worker_id in workers},
    )


def place_candidates(
    session: Session, actor: Actor, agreement_id: int, method: Any = "optimal", *, today: date | None = None
) -> PlacementResult:
    """Batch placement: fill all open posts of the agreement from its candidates (see :func:`plan_placements`)
    and store the plan on the candidates. Candidates already in a dispatch batch keep their post."""
    agreement = get_agreement(session, actor, agreement_id)
    check_manage(actor, agreement, "plan")
    c = Collector()
    chosen_method = c.field("method", parse_choice, method, METHODS, default="optimal", label="分配方式")
    c.done()
    assert chosen_method is not None
    inputs = placement_inputs(session, agreement, today=today)
    rows, batched, workers, matches = inputs.rows, inputs.batched, inputs.workers, inputs.matches
    plan = plan_placements(
        inputs.scores,
        inputs.capacity,
        method=chosen_method,
        county=inputs.county,
        quota=inputs.room,
        family=inputs.family,
    )
    with transaction(session):
        for row in rows:
            if row.worker_id in batched:
                continue
            order_id = plan.placements.get(row.worker_id)
            if order_id is not None:
                m = matches[(row.worker_id, order_id)]
                row.job_order_id, row.score, row.reasons, row.unplaced_reason = (
                    order_id,
                    m.score,
                    list(m.reasons),
                    "",
                )
            else:
                row.job_order_id, row.score, row.reasons = None, None, []
                if row.worker_id not in workers:
                    row.unplaced_reason = "非求职状态或未核实，不参与分配"
                else:
                    row.unplaced_reason = plan.unplaced.get(row.worker_id, NO_FIT)[:255]
        agreement.placed_at, agreement.placement_method = utcnow(), chosen_method
        audit.record(
            session,
            actor,
            "generate",
            "cooperation_plan",
            agreement.id,
            method=chosen_method,
            placed=len(plan.placements),
        )
    return PlacementResult(
        method=chosen_method,
        candidates=len(rows),
        placed=len(plan.placements),
        unplaced=len(rows) - len(plan.placements) - len(batched),
        unfilled_posts=sum(plan.unfilled.values()),
        rounds=plan.rounds,
    )


@dataclass
class PlanView:
    placed: list[CooperationCandidate]
    unplaced: list[CooperationCandidate]
    posts: list[PostRow] = field(default_factory=list)

    @property
    def unfilled(self) -> list[PostRow]:
        return [p for p in self.posts if p.open - p.planned - p.reserved > 0]


def plan_view(session: Session, actor: Actor, agreement_id: int) -> PlanView:
    """Who goes where and why, who stays and why, and which posts stay unfilled."""
    rows = candidates(session, actor, agreement_id)
    batched = set(
        session.scalars(
            select(DispatchMember.worker_id)
            .join(DispatchBatch, DispatchBatch.id == DispatchMember.batch_id)
            .where(DispatchBatch.agreement_id == agreement_id)
        )
    )
    reserved = Counter(
        session.scalars(
            select(DispatchMember.job_order_id)
            .join(DispatchBatch, DispatchBatch.id == DispatchMember.batch_id)
            .where(DispatchBatch.agreement_id == agreement_id, DispatchBatch.status == "planned")
        )
    )
    all_planned = Counter(
        session.scalars(
            select(CooperationCandidate.job_order_id).where(
                CooperationCandidate.agreement_id == agreement_id,
                CooperationCandidate.job_order_id.is_not(None),
                CooperationCandidate.worker_id.not_in(batched) if batched else true(),
            )
        )
    )
    post_rows = [
        PostRow(o, max(o.headcount - o.filled, 0), all_planned[o.id], reserved[o.id])
        for o in posts(session, agreement_id)
    ]
    placed = sorted(
        (r for r in rows if r.job_order_id is not None and r.worker_id not in batched),
        key=lambda r: (r.job_order_id or 0, -(r.score or 0), r.worker_id),
    )
    unplaced = [r for r in rows if r.job_order_id is None and r.worker_id not in batched]
    return PlanView(placed, unplaced, post_rows)


# --- dispatch batches ------------------------------------------------------------------------------------------

BATCH_FIELDS = ("name", "departure_date", "destination", "destination_region_code")


def create_batch(
    session: Session,
    actor: Actor,
    agreement_id: int,
    data: Mapping[str, Any],
    *,
    worker_ids: Sequence[int] | None = None,
) -> DispatchBatch:
    """A batch of planned candidates leaving together: all planned candidates not yet in a batch, or those of
    ``worker_ids``, and only posts within ``destination_region_code`` when it is given."""
    agreement = get_agreement(session, actor, agreement_id)
    check_manage(actor, agreement)
    reject_unknown(data, BATCH_FIELDS)
    c = Collector()
    name = c.field("name", parse_text, data.get("name"), max_len=128, label="批次名称")
    departure = c.field("departure_date", parse_date, data.get("departure_date"), required=True)
    destination = c.field("destination", parse_text, data.get("destination"), max_len=128, label="目的地")
    region = None
    if not _blank(data.get("destination_region_code")):
        region = c.field("destination_region_code", parse_region, data.get("destination_region_code"))
    c.done()
    with transaction(session):
        batched = set(
            session.scalars(
                select(DispatchMember.worker_id)
                .join(DispatchBatch, DispatchBatch.id == DispatchMember.batch_id)
                .where(DispatchBatch.agreement_id == agreement.id)
            )
        )
        stmt = (
            select(CooperationCandidate, JobOrder)
            .join(JobOrder, JobOrder.id == CooperationCandidate.job_order_id)
            .join(Worker, Worker.id == CooperationCandidate.worker_id)
            .where(
                CooperationCandidate.agreement_id == agreement.id,
                policy.filter_for(actor, CooperationCandidate),
            )
            .order_by(JobOrder.id, CooperationCandidate.worker_id)
        )
        if worker_ids is not None:
            stmt = stmt.where(CooperationCandidate.worker_id.in_(list(worker_ids)))
        chosen = [
            (cand, order)
            for cand, order in session.execute(stmt)
            if cand.worker_id not in batched and (region is None or within(order.region_code, region))
        ]
        if not chosen:
            raise ValidationError(
                "没有可编入批次的人员：请先进行批量分配，或检查目的地",
                fields={"destination_region_code": "没有符合的已分配人员"},
            )
        batch = DispatchBatch(
            agreement_id=agreement.id,
            name=name,
            departure_date=departure,
            destination=destination,
            destination_region_code=region,
            status="planned",
            created_by=actor.user_id,
        )
        session.add(batch)
        session.flush()
        for cand, order in chosen:
            session.add(DispatchMember(batch_id=batch.id, worker_id=cand.worker_id, job_order_id=order.id))
        session.flush()
        audit.record(session, actor, "create", "dispatch_batch", batch.id, members=len(chosen))
    return batch


def get_batch(session: Session, actor: Actor, batch_id: int) -> tuple[CooperationAgreement, DispatchBatch]:
    batch = session.get(DispatchBatch, batch_id)
    if batch is None:
        raise NotFound()
    agreement = get_agreement(session, actor, batch.agreement_id)
    return agreement, batch


def batches(session: Session, actor: Actor, agreement_id: int) -> list[DispatchBatch]:
    agreement = get_agreement(session, actor, agreement_id)
    return list(
        session.scalars(
            select(DispatchBatch)
            .where(DispatchBatch.agreement_id == agreement.id)
            .order_by(DispatchBatch.departure_date, DispatchBatch.id)
        )
    )


def remove_member(session: Session, actor: Actor, batch_id: int, worker_id: int) -> None:
    agreement, batch = get_batch(session, actor, batch_id)
    check_manage(actor, agreement)
    if batch.status != "planned":
        raise Conflict("批次已出发，不能移出人员")
    member = next((m for m in batch.members if m.worker_id == worker_id), None)
    if member is None:
        raise NotFound("该人员不在此批次中")
    with transaction(session):
        batch.members.remove(member)
        audit.record(session, actor, "delete", "dispatch_member", batch.id, worker_id=worker_id)


def dispatch(session: Session, actor: Actor, batch_id: int) -> DispatchBatch:
    """The batch departs: each member's placement is recorded (source ``cooperation``, starting on the departure
    date) in one transaction — if any member cannot be placed, nothing is recorded and the reason names them."""
    agreement, batch = get_batch(session, actor, batch_id)
    policy.require(actor, "dispatch", batch)
    if batch.status != "planned":
        raise Conflict("该批次已出发", fields={"status": "已出发"})
    if not batch.members:
        raise ValidationError("批次中没有人员", fields={"members": "没有人员"})
    with transaction(session):
        for member in batch.members:
            try:
                placement = record_placement(
                    session,
                    actor,
                    {
                        "worker_id": member.worker_id,
                        "job_order_id": member.job_order_id,
                        "source": "cooperation",
                        "start_date": batch.departure_date,
                    },
                    commit=False,
                )
            except DomainError as err:
                worker = member.worker
                raise Conflict(
                    f"{worker.name}（{mask_id_number(worker.id_number)}）无法登记就业：{err.message}；"
                    "请将其移出批次后再确认出发，本批次未登记任何人",
                    fields={"worker_id": str(member.worker_id)},
                ) from None
            member.placement_id = placement.id
        batch.status, batch.departed_at = "departed", utcnow()
        audit.record(session, actor, "dispatch", "dispatch_batch", batch.id, members=len(batch.members))
    return batch


def confirm_arrival(
    session: Session,
    actor: Actor,
    batch_id: int,
    *,
    worker_ids: Sequence[int] | None = None,
    arrived_on: Any = None,
) -> DispatchBatch:
    """Confirm that members (default: all) arrived; the batch is ``arrived`` when everyone has."""
    agreement, batch = get_batch(session, actor, batch_id)
    policy.require(actor, "arrive", batch)
    if batch.status == "planned":
        raise ValidationError("批次尚未出发", fields={"status": "尚未出发"})
    c = Collector()
    day = c.field("arrived_on", parse_date, arrived_on) or date.today()
    if day < batch.departure_date:
        c.add("arrived_on", "到达日期不能早于出发日期")
    c.done()
    wanted = set(worker_ids) if worker_ids is not None else None
    with transaction(session):
        for member in batch.members:
            if (wanted is None or member.worker_id in wanted) and member.arrived_on is None:
                member.arrived_on = day
        if all(m.arrived_on is not None for m in batch.members):
            batch.status = "arrived"
        audit.record(session, actor, "update", "dispatch_batch", batch.id, arrived=sorted(wanted or []))
    return batch


def batch_xlsx(session: Session, actor: Actor, batch_id: int, *, ip: str = "") -> bytes:
    agreement, batch = get_batch(session, actor, batch_id)
    policy.require(actor, "export", batch)
    with transaction(session):
        audit.record(session, actor, "export", "dispatch_batch", batch.id, ip=ip)
    return workbook_bytes(
        [
            (
                "输出名单",
                ("序号", "姓名", "身份证号（脱敏）", "户籍地", "岗位", "企业", "工作地点", "到达日期"),
                [
                    (
                        i,
                        m.worker.name,
                        mask_id_number(m.worker.id_number),
                        reference.region_name(m.worker.region_code, full=True),
                        m.job_order.title,
                        m.job_order.employer.name if m.job_order.employer else "",
                        reference.region_name(m.job_order.region_code, full=True),
                        m.arrived_on.isoformat() if m.arrived_on else "",
                    )
                    for i, m in enumerate(batch.members, start=1)
                    if policy.can(actor, "read", m)
                ],
            )
        ]
    )
