"""Cross-province labour cooperation (劳务协作): partner agreements, their posts, batch placement and dispatch.

- An agreement names the partner region and contact, the period and the sending region on our side (whose
  staff manage it). Its posts are job orders, imported from a partner's .xlsx in one go: every row is validated,
  every problem is reported with its row, column and reason, and nothing is written unless all rows are good.
- Workers sign up as candidates; a candidate may carry a ``family_group``: members of one group go to the same
  post or not at all.
- Batch placement fills all posts at once with ``matcher.assign`` (``optimal`` or ``stable``), see
  :func:`plan_placements` for the method (families, county quotas). The plan is stored on the candidates.
- Dispatch batches (组织化输出) take planned candidates with a departure date and destination. 确认出发 makes
  the batch a departure plan (after a summary of what will happen); the placements (source ``cooperation``)
  are recorded on the departure date by the scheduler, or when staff record the actual departure; a batch
  cancelled before it leaves records none. Arrival is confirmed later.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import IO, Any

from openpyxl.utils import get_column_letter
from sqlalchemy import func, insert, or_, select, true, update
from sqlalchemy.orm import Session
from stdnum.cn.uscc import calc_check_digit as uscc_check_digit

import matcher
from webapp import policy
from webapp.errors import Conflict, DomainError, NotFound, ValidationError
from webapp.models import (
    JOB_ORDER_STATUSES,
    CooperationAgreement,
    CooperationCandidate,
    CooperationPost,
    CountyQuota,
    DispatchBatch,
    DispatchMember,
    Employer,
    JobOrder,
    Placement,
    Worker,
    utcnow,
)
from webapp.services import audit, reference, transaction, uploads
from webapp.services.fairs import workbook_bytes
from webapp.services.job_orders import parse_occupation
from webapp.services.matching import job_order_profile, worker_profile
from webapp.services.placements import check_placeable, record_placement
from webapp.services.scope import Actor, county_of, region_level, region_prefix, within
from webapp.services.uploads import Row
from webapp.services.validation import (
    Collector,
    FieldError,
    mask_id_number,
    parse_bool,
    parse_choice,
    parse_contact_phone,
    parse_date,
    parse_int,
    parse_list,
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
#: Batches whose members are spoken for (a cancelled batch frees its members).
LIVE_BATCH = DispatchBatch.status != "cancelled"
#: Batches not yet gone: their members hold a post of the agreement without a placement.
PENDING_BATCH = ("planned", "confirmed")
SYSTEM = Actor(user_id=None, role="admin", username="scheduler")


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
            "contact_phone", parse_contact_phone, data.get("contact_phone"), required=False
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


def post_page(
    session: Session,
    actor: Actor,
    agreement_id: int,
    *,
    q: str | None = None,
    region_code: str | None = None,
    status: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    """One page of the agreement's posts, filtered by text (title or employer), place of work and status."""
    agreement = get_agreement(session, actor, agreement_id)
    c = Collector()
    text = c.field("q", parse_text, q, required=False, max_len=64)
    region = c.field("region_code", parse_region, region_code) if region_code else None
    wanted = c.field("status", parse_choice, status, JOB_ORDER_STATUSES, label="状态") if status else None
    c.done()
    stmt = (
        select(JobOrder)
        .join(CooperationPost, CooperationPost.job_order_id == JobOrder.id)
        .join(Employer, Employer.id == JobOrder.employer_id)
        .where(CooperationPost.agreement_id == agreement.id)
    )
    if text:
        like = f"%{text}%"
        stmt = stmt.where(or_(JobOrder.title.like(like), Employer.name.like(like)))
    if region:
        stmt = stmt.where(JobOrder.region_code.startswith(region_prefix(region)))
    if wanted:
        stmt = stmt.where(JobOrder.status == wanted)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(CooperationPost.source_row, JobOrder.id).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return Page(list(rows), total, page, per_page)


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


def _partner_ref(raw: Any) -> str | None:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = parse_text(
        str(raw) if isinstance(raw, int) else raw, required=False, max_len=64, label="合作方岗位编号"
    )
    return text or None


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
    # Last, so that files made for the earlier template keep their column letters.
    Column("合作方岗位编号", "partner_ref", _partner_ref),
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


def template_xlsx(agreement: CooperationAgreement, *, today: date | None = None) -> bytes:
    """An import template with the expected headers and one example row that passes every check for this
    agreement (its partner region and period)."""
    today = today or date.today()
    arrival = max(today, agreement.starts_on or today) + timedelta(days=30)
    if agreement.ends_on and arrival > agreement.ends_on:
        arrival = agreement.ends_on
    body = "91320500MA1Y00001"  # an example credit code, with its real check character
    example = (
        "苏州示例电子有限公司",
        body + uscc_check_digit(body),
        "电子装配工",
        "电子设备装配工",
        50,
        agreement.partner_region_code,
        5000,
        6500,
        18,
        45,
        "装配、焊锡",
        "",
        "是",
        "是",
        arrival.isoformat(),
        "SZ-2026-001",
    )
    return workbook_bytes([("岗位", IMPORT_HEADERS, [example])])


def _read_rows(data: IO[bytes] | bytes) -> list[Row]:
    """The sheet's non-empty rows through the hardened reader of ``/excel/import`` (webapp/services/uploads.py):
    size, zip bombs, XML entities, a lying dimension and formulas are refused before anything is read."""
    return uploads.open_xlsx(data, max_bytes=MAX_IMPORT_BYTES, max_rows=MAX_IMPORT_ROWS + 1).rows


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class PostImport:
    """What an import of a partner's posts did (or, previewed, would do): rows new, changed and unchanged."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    preview: bool = False

    @property
    def rows(self) -> int:
        return self.new + self.changed + self.unchanged


def import_posts(
    session: Session,
    actor: Actor,
    agreement_id: int,
    data: IO[bytes] | bytes,
    *,
    preview: bool = False,
    today: date | None = None,
) -> PostImport:
    """Import the partner's posts from an .xlsx (first sheet, header row first). All rows or none.

    Idempotent: a post is keyed by the partner's post number (合作方岗位编号), or by employer + title + place of
    work when that is empty; a row whose post exists updates it when it differs, so a second upload of the same
    file writes nothing and reports every row unchanged. ``preview`` checks and counts without writing.
    Employers are found by their credit code or created (marked as labour-cooperation partners).
    """
    agreement = get_agreement(session, actor, agreement_id)
    check_manage(actor, agreement, "import_posts")
    rows = _read_rows(data)
    if not rows:
        raise ValidationError("文件是空的", fields={"file": "没有内容"})
    checked = check_post_rows(agreement, rows, today=today or date.today())
    return apply_posts(session, actor, agreement, checked, preview=preview)


@dataclass
class CheckedPosts:
    """The rows of a posts file that passed every check that needs no database: ``(row number, values)``."""

    rows: list[tuple[int, dict[str, Any]]]
    names: dict[str, tuple[str, int]]  # credit code -> (employer name, first row)
    where: dict[str, int]  # header -> column index
    total_rows: int


def _letter(where: Mapping[str, int], header: str) -> str:
    return get_column_letter(where[header] + 1) if header in where else ""


def check_post_rows(agreement: CooperationAgreement, rows: Sequence[Row], *, today: date) -> CheckedPosts:
    """Check the header and every row (types, the partner region, ranges, the agreement's period, duplicates
    within the file); raise :class:`ImportRejected` with every problem, or return the clean rows."""
    header = [str(h).strip() if h is not None else "" for h in rows[0].values]
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
    keys: dict[Any, int] = {}
    for row in rows[1:]:
        number, raw = row.number, row.values
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
            errors.append(
                RowError(
                    number,
                    _letter(where, "工作地点代码"),
                    "工作地点代码",
                    f"工作地点不在合作地区（{reference.region_name(agreement.partner_region_code)}）内",
                )
            )
        for low, high, label in (("wage_min", "wage_max", "最高月工资"), ("age_min", "age_max", "最高年龄")):
            if values.get(low) is not None and values.get(high) is not None and values[low] > values[high]:
                errors.append(RowError(number, _letter(where, label), label, "不能低于下限"))
        problem = _arrival_problem(agreement, values.get("start_date"))
        if problem:
            errors.append(RowError(number, _letter(where, "到岗日期"), "到岗日期", problem))
        key = post_key(values)
        if key is not None:
            if key in keys:
                column = "合作方岗位编号" if key[0] == "ref" else "岗位名称"
                errors.append(
                    RowError(number, _letter(where, column), column, f"与第{keys[key]}行是同一岗位")
                )
            else:
                keys[key] = number
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
                        _letter(where, "企业名称"),
                        "企业名称",
                        f"同一信用代码在第{first[1]}行的企业名称为“{first[0]}”",
                    )
                )
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise ImportRejected(errors, len(rows) - 1)
    return CheckedPosts(clean_rows, names, where, len(rows) - 1)


def _arrival_problem(agreement: CooperationAgreement, start: date | None) -> str:
    """The arrival date (到岗日期) lies within the agreement's period."""
    if start is None:
        return ""
    if agreement.starts_on and start < agreement.starts_on:
        return f"到岗日期不能早于协议开始日期（{agreement.starts_on.isoformat()}）"
    if agreement.ends_on and start > agreement.ends_on:
        return f"到岗日期不能晚于协议结束日期（{agreement.ends_on.isoformat()}）"
    return ""


def post_key(values: Mapping[str, Any]) -> tuple[str, ...] | None:
    """How a post is recognised again: the partner's post number, else employer + title + place of work."""
    ref = values.get("partner_ref")
    if ref:
        return ("ref", ref)
    if values.get("uscc") and values.get("title") and values.get("region_code"):
        return ("place", values["uscc"], values["title"], values["region_code"])
    return None


#: The order attributes a posts file sets, compared with the stored post to tell changed from unchanged.
POST_ATTRIBUTES = (
    "title",
    "occupation_code",
    "headcount",
    "wage_min",
    "wage_max",
    "region_code",
    "age_min",
    "age_max",
    "skills",
    "certificates_required",
    "housing",
    "board",
    "start_date",
)


def _order_values(values: Mapping[str, Any]) -> dict[str, Any]:
    out = {name: values.get(name) for name in POST_ATTRIBUTES}
    out["skills"] = values.get("skills") or []
    out["certificates_required"] = values.get("certificates_required") or []
    out["housing"], out["board"] = bool(values.get("housing")), bool(values.get("board"))
    return out


def apply_posts(
    session: Session,
    actor: Actor,
    agreement: CooperationAgreement,
    checked: CheckedPosts,
    *,
    preview: bool = False,
) -> PostImport:
    """Match the checked rows with the agreement's posts; write the new and changed ones (unless ``preview``).
    A row that would take a post's headcount below those already placed refuses the whole file."""
    stored: dict[tuple[str, ...], tuple[CooperationPost, JobOrder]] = {}
    for post, order, uscc in session.execute(
        select(CooperationPost, JobOrder, Employer.uscc)
        .join(JobOrder, JobOrder.id == CooperationPost.job_order_id)
        .join(Employer, Employer.id == JobOrder.employer_id)
        .where(CooperationPost.agreement_id == agreement.id)
    ):
        stored[("place", uscc, order.title, order.region_code)] = (post, order)
        if post.partner_ref:
            stored[("ref", post.partner_ref)] = (post, order)
    result = PostImport(preview=preview)
    errors: list[RowError] = []
    plan: list[tuple[int, dict[str, Any], tuple[CooperationPost, JobOrder] | None]] = []
    for number, values in checked.rows:
        key = post_key(values)
        found = stored.get(key) if key is not None else None
        if found is None and values.get("partner_ref"):
            found = stored.get(("place", values["uscc"], values["title"], values["region_code"]))
        if found is None:
            result.new += 1
        else:
            post, order = found
            wanted = _order_values(values)
            if wanted["headcount"] < order.filled:
                errors.append(
                    RowError(
                        number,
                        _letter(checked.where, "招聘人数"),
                        "招聘人数",
                        f"不能少于该岗位已录用人数（{order.filled}）",
                    )
                )
            same = all(getattr(order, k) == v for k, v in wanted.items()) and (
                post.partner_ref == (values.get("partner_ref") or post.partner_ref)
            )
            if same:
                result.unchanged += 1
            else:
                result.changed += 1
        plan.append((number, values, found))
    if errors:
        raise ImportRejected(errors, checked.total_rows)
    if preview:
        return result

    today = date.today()
    expires = agreement.ends_on if agreement.ends_on and agreement.ends_on >= today else None
    with transaction(session):
        known = dict(
            session.execute(
                select(Employer.uscc, Employer.id).where(Employer.uscc.in_(list(checked.names)))
            ).all()
        )
        for code, (name, _row) in checked.names.items():
            if code not in known:
                employer = Employer(
                    name=name, uscc=code, region_code=agreement.partner_region_code, is_partner=True
                )
                session.add(employer)
                session.flush()
                known[code] = employer.id
        orders: list[tuple[int, str | None, JobOrder]] = []
        for number, values, found in plan:
            wanted = _order_values(values)
            if found is not None:
                post, order = found
                for name, value in wanted.items():
                    if getattr(order, name) != value:
                        setattr(order, name, value)
                if order.status in ("open", "filled"):
                    order.status = "filled" if order.filled >= order.headcount else "open"
                post.source_row = number
                post.partner_ref = values.get("partner_ref") or post.partner_ref
                continue
            region = values["region_code"]
            order = JobOrder(
                employer_id=known[values["uscc"]],
                description=f"劳务协作：{agreement.name}",
                filled=0,
                expires_on=expires,
                status="open",
                route="local_enterprise" if within(region, HOME_PROVINCE) else "out_of_province",
                **wanted,
            )
            orders.append((number, values.get("partner_ref"), order))
        session.add_all([o for _n, _r, o in orders])
        session.flush()
        if orders:
            session.execute(
                insert(CooperationPost),
                [
                    {"agreement_id": agreement.id, "job_order_id": o.id, "source_row": n, "partner_ref": ref}
                    for n, ref, o in orders
                ],
            )
        audit.record(
            session,
            actor,
            "import",
            "cooperation_post",
            agreement.id,
            new=result.new,
            changed=result.changed,
            unchanged=result.unchanged,
        )
    return result


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
        .where(DispatchBatch.agreement_id == agreement_id, DispatchMember.worker_id == worker_id, LIVE_BATCH)
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
        .where(DispatchBatch.agreement_id == agreement.id, LIVE_BATCH)
    ):
        batched[worker_id] = order_id
        used_by_county[county_of(region)] += 1
        if status in PENDING_BATCH:
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
            .where(DispatchBatch.agreement_id == agreement_id, LIVE_BATCH)
        )
    )
    reserved = Counter(
        session.scalars(
            select(DispatchMember.job_order_id)
            .join(DispatchBatch, DispatchBatch.id == DispatchMember.batch_id)
            .where(DispatchBatch.agreement_id == agreement_id, DispatchBatch.status.in_(PENDING_BATCH))
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
                .where(DispatchBatch.agreement_id == agreement.id, LIVE_BATCH)
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
    if batch.status not in PENDING_BATCH:
        raise Conflict("批次已出发或已取消，不能移出人员")
    member = next((m for m in batch.members if m.worker_id == worker_id), None)
    if member is None:
        raise NotFound("该人员不在此批次中")
    with transaction(session):
        batch.members.remove(member)
        audit.record(session, actor, "delete", "dispatch_member", batch.id, worker_id=worker_id)


@dataclass(frozen=True)
class DepartureSummary:
    """What 确认出发 will do, shown before it is done: who leaves when for which post, and who cannot."""

    batch: DispatchBatch
    members: int
    posts: list[tuple[JobOrder, int]]  # order and how many of the batch go to it
    problems: list[tuple[DispatchMember, str]]
    placements_now: bool  # the departure date is today or past: placements are recorded at once


def _member_problems(session: Session, batch: DispatchBatch) -> list[tuple[DispatchMember, str]]:
    """Members who could not be placed on departure, and why (the rules of ``placements.record_placement``)."""
    employed = set(
        session.scalars(
            select(Placement.worker_id).where(
                Placement.worker_id.in_([m.worker_id for m in batch.members]), Placement.status == "active"
            )
        )
    )
    taken: Counter[int] = Counter()
    problems: list[tuple[DispatchMember, str]] = []
    for member in batch.members:
        order = member.job_order
        try:
            check_placeable(member.worker, order)
        except DomainError as err:
            problems.append((member, err.message))
            continue
        if member.worker_id in employed:
            problems.append((member, "该人员已有在岗记录"))
        elif order.status != "open" or order.filled + taken[order.id] >= order.headcount:
            problems.append((member, f"岗位“{order.title}”已满员或已关闭"))
        else:
            taken[order.id] += 1
    return problems


def departure_summary(
    session: Session, actor: Actor, batch_id: int, *, today: date | None = None
) -> DepartureSummary:
    _agreement, batch = get_batch(session, actor, batch_id)
    policy.require(actor, "confirm_departure", batch)
    per_post: Counter[int] = Counter(m.job_order_id for m in batch.members)
    orders = {m.job_order_id: m.job_order for m in batch.members}
    return DepartureSummary(
        batch=batch,
        members=len(batch.members),
        posts=[(orders[oid], n) for oid, n in sorted(per_post.items())],
        problems=_member_problems(session, batch),
        placements_now=batch.departure_date <= (today or date.today()),
    )


def _problem_message(problems: Sequence[tuple[DispatchMember, str]]) -> str:
    return "；".join(
        f"{m.worker.name}（{mask_id_number(m.worker.id_number)}）：{reason}" for m, reason in problems[:10]
    )


def confirm_departure(
    session: Session, actor: Actor, batch_id: int, *, today: date | None = None
) -> DispatchBatch:
    """确认出发: the batch becomes a departure plan. No placement is recorded now: the scheduler records them on
    the departure date (:func:`dispatch_departures`), or staff when they record the actual departure. A batch
    whose date is today or past departs at once. Refused, with nothing written, if any member could not be
    placed (the reason names them: remove them from the batch first)."""
    _agreement, batch = get_batch(session, actor, batch_id)
    policy.require(actor, "confirm_departure", batch)
    today = today or date.today()
    if batch.status != "planned":
        raise Conflict("该批次已确认出发或已取消", fields={"status": "不是待出发"})
    if not batch.members:
        raise ValidationError("批次中没有人员", fields={"members": "没有人员"})
    problems = _member_problems(session, batch)
    if problems:
        raise Conflict(
            f"以下人员无法登记就业，请将其移出批次后再确认出发，本批次未作任何变更：{_problem_message(problems)}",
            fields={"worker_id": "、".join(str(m.worker_id) for m, _r in problems)},
        )
    with transaction(session):
        batch.status, batch.confirmed_at, batch.confirmed_by = "confirmed", utcnow(), actor.user_id
        audit.record(
            session,
            actor,
            "confirm_departure",
            "dispatch_batch",
            batch.id,
            members=len(batch.members),
            departure_date=batch.departure_date.isoformat(),
        )
    if batch.departure_date <= today:
        _depart(session, actor, batch.id, batch.departure_date)
    return batch


def record_departure(
    session: Session, actor: Actor, batch_id: int, *, departed_on: Any = None, today: date | None = None
) -> DispatchBatch:
    """Staff record that a confirmed batch actually left (on ``departed_on``, default today): each member's
    placement starts that day."""
    _agreement, batch = get_batch(session, actor, batch_id)
    policy.require(actor, "record_departure", batch)
    today = today or date.today()
    c = Collector()
    day = c.field("departed_on", parse_date, departed_on) or today
    if day > today:
        c.add("departed_on", "实际出发日期不能晚于今天")
    c.done()
    if batch.status == "planned":
        raise ValidationError("请先确认出发", fields={"status": "尚未确认出发"})
    if batch.status != "confirmed":
        raise Conflict("该批次已出发或已取消", fields={"status": "不是待出发"})
    _depart(session, actor, batch.id, day)
    return batch


def _depart(session: Session, actor: Actor, batch_id: int, day: date) -> tuple[int, int]:
    """Record the placements of a confirmed batch, exactly once: the status moves confirmed → departed in one
    guarded UPDATE, so a second scheduler or a clerk at the same moment finds nothing to do. A member who can no
    longer be placed (placed elsewhere meanwhile, post full) keeps the reason; the others go."""
    with transaction(session):
        claimed = session.execute(
            update(DispatchBatch)
            .where(DispatchBatch.id == batch_id, DispatchBatch.status == "confirmed")
            .values(status="departed", departed_on=day, departed_at=utcnow())
        ).rowcount
        if not claimed:
            raise Conflict("该批次已出发或已取消", fields={"status": "不是待出发"})
        batch = session.get(DispatchBatch, batch_id)
        assert batch is not None
        session.refresh(batch)
        problems = dict((m.id, reason) for m, reason in _member_problems(session, batch))
        placed = 0
        for member in batch.members:
            if member.id in problems:
                member.not_placed_reason = problems[member.id][:255]
                continue
            placement = record_placement(
                session,
                actor,
                {
                    "worker_id": member.worker_id,
                    "job_order_id": member.job_order_id,
                    "source": "cooperation",
                    "start_date": day,
                },
                commit=False,
            )
            member.placement_id = placement.id
            placed += 1
        audit.record(
            session,
            actor,
            "dispatch",
            "dispatch_batch",
            batch.id,
            departed_on=day.isoformat(),
            placed=placed,
            not_placed=len(problems),
        )
    return placed, len(problems)


def dispatch_departures(session: Session, *, today: date) -> dict[str, int]:
    """Scheduler job: every confirmed batch whose departure date has come departs (its placements start on the
    departure date). Each batch departs exactly once (see :func:`_depart`)."""
    counts = {"batches": 0, "placements": 0, "not_placed": 0}
    due = list(
        session.scalars(
            select(DispatchBatch.id)
            .where(DispatchBatch.status == "confirmed", DispatchBatch.departure_date <= today)
            .order_by(DispatchBatch.departure_date, DispatchBatch.id)
        )
    )
    for batch_id in due:
        departure = session.scalar(select(DispatchBatch.departure_date).where(DispatchBatch.id == batch_id))
        try:
            placed, missed = _depart(session, SYSTEM, batch_id, departure or today)
        except Conflict:
            continue  # departed meanwhile (staff recorded it, or another scheduler)
        counts["batches"] += 1
        counts["placements"] += placed
        counts["not_placed"] += missed
    return counts


def cancel_batch(session: Session, actor: Actor, batch_id: int, reason: Any) -> DispatchBatch:
    """Cancel a batch before it departs: no placement is recorded, its members are free for another batch."""
    _agreement, batch = get_batch(session, actor, batch_id)
    policy.require(actor, "cancel", batch)
    c = Collector()
    text = c.field("reason", parse_text, reason, max_len=255, label="取消原因")
    c.done()
    if batch.status not in PENDING_BATCH:
        raise Conflict("批次已出发或已取消，不能取消", fields={"status": "不能取消"})
    with transaction(session):
        batch.status, batch.cancelled_at, batch.cancel_reason = "cancelled", utcnow(), text or ""
        audit.record(session, actor, "cancel", "dispatch_batch", batch.id, reason=text)
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
    if batch.status not in ("departed", "arrived"):
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
