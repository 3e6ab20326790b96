"""Importing workers, employers and job orders from Excel (.xlsx) and CSV files (台账导入).

The rules of each field are those of the services (``validate_worker``, ``validate_employer``,
``validate_job_order``); this module only reads the spreadsheet dialect around them:

- headers are the template's Chinese labels or the API's field names (a title row above them is skipped);
- ID-number and credit-code cells must be text: a number cell has lost digits already, so it is refused with an
  explanation (in a CSV, the scientific notation Excel writes, such as ``4.10923E+17``, likewise);
- lists in a cell are separated by ``,`` ``，`` or ``、``; yes/no cells accept 是/否, true/false, 1/0; choices
  accept their Chinese names; regions accept a code or a full name (濮阳市南乐县杨村乡吴村);
- workers are keyed by ID number, employers by credit code (USCC), job orders by (employer, title, place of
  work); a row whose record exists updates the columns present in the file when they differ, so importing the
  same file twice changes nothing.

A file is checked and written in one transaction, in chunks (bulk inserts and updates): if any row is wrong,
nothing is written and every bad row is reported with its spreadsheet row number, column and reason.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import bindparam, func, insert, select, tuple_, update
from sqlalchemy.orm import Session

from webapp import policy
from webapp.errors import Conflict, DomainError, NotFound, ValidationError
from webapp.models import Employer, JobOrder, Worker, utcnow
from webapp.models.followups import IMPORT_KINDS, ImportBatch
from webapp.services import audit, eligibility, reference, transaction, uploads
from webapp.services.employers import validate_employer
from webapp.services.job_orders import validate_job_order
from webapp.services.scope import Actor
from webapp.services.validation import FieldError, parse_uscc
from webapp.services.workers import Page, validate_worker

CHUNK = 1000
MAX_REPORTED_ERRORS = 1000
HEADER_SEARCH_ROWS = 5
ALLOWED_SUFFIXES = (".xlsx", ".csv")
SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")

Progress = Callable[[int], None]


# --- the columns ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: the service field it feeds, its Chinese label and how to read its cells."""

    field: str
    label: str
    required: bool = False
    kind: str = "text"  # text | id | int | date | bool | list | choice | region
    help: str = ""
    example: str = ""
    aliases: tuple[str, ...] = ()
    choices: tuple[tuple[str, str], ...] = ()  # (Chinese name, stored key)


EDUCATION = (
    ("未上学", "none"),
    ("小学", "primary"),
    ("初中", "junior"),
    ("高中", "senior"),
    ("中专/技校", "vocational"),
    ("中专", "vocational"),
    ("技校", "vocational"),
    ("大专", "college"),
    ("本科及以上", "bachelor"),
    ("本科", "bachelor"),
)
MOBILITY = (
    ("本村", "village"),
    ("本乡镇", "township"),
    ("本县", "county"),
    ("本市", "city"),
    ("本省", "province"),
    ("全国", "national"),
)
WORKER_STATUS = (
    ("求职中", "seeking"),
    ("培训中", "in_training"),
    ("已就业", "employed"),
    ("暂不求职", "unavailable"),
)
LIST_HELP = "多项用 , ， 或 、 分隔"
BOOL_HELP = "填 是/否、true/false 或 1/0"
REGION_HELP = "地区代码（如 410923201001）或完整名称（如 濮阳市南乐县杨村乡吴村）"

WORKER_COLUMNS = (
    Column("name", "姓名", True, example="赵晓权"),
    Column(
        "id_number",
        "身份证号码",
        True,
        "id",
        "18位；单元格须为文本格式（数字格式会丢失末几位）",
        "410923199005170013",
        ("身份证号", "公民身份号码"),
    ),
    Column(
        "phone", "手机号码", True, help="11位手机号码", example="13812345678", aliases=("手机号", "联系电话")
    ),
    Column(
        "region_code", "户籍地", True, "region", REGION_HELP, "410923201001", ("地区代码", "户籍地区代码")
    ),
    Column("education", "文化程度", kind="choice", example="初中", choices=EDUCATION, aliases=("学历",)),
    Column("skills", "技能", kind="list", help=LIST_HELP, example="电焊、氩弧焊"),
    Column("certificates", "证书", kind="list", help=LIST_HELP, example="焊工证"),
    Column("desired_occupations", "求职意向", kind="list", help="按志愿先后；" + LIST_HELP, example="焊工"),
    Column("desired_training", "培训意愿", kind="list", help=LIST_HELP),
    Column("completed_training", "已完成培训", kind="list", help=LIST_HELP, example="电焊培训"),
    Column(
        "experience_years",
        "从业经历",
        kind="list",
        help="工种:年限，如 焊工:5；" + LIST_HELP,
        example="焊工:5",
        aliases=("从业年限", "工作经历"),
    ),
    Column(
        "mobility",
        "外出意愿",
        kind="choice",
        example="全国",
        choices=MOBILITY,
        aliases=("外出意愿（最远到）",),
    ),
    Column("expected_wage", "期望月工资（元）", kind="int", example="6000", aliases=("期望工资",)),
    Column("available_from", "可到岗日期", kind="date", help="如 2026-12-31", example="2026-12-01"),
    Column(
        "poverty_registered",
        "建档立卡",
        kind="bool",
        help=BOOL_HELP,
        example="是",
        aliases=("建档立卡贫困劳动力",),
    ),
    Column("disability", "残疾人", kind="bool", help=BOOL_HELP, example="否"),
    Column(
        "hard_to_employ",
        "就业困难人员类别",
        help="不是则留空；是则填类别，如 大龄失业人员、长期失业人员、低保家庭成员、零就业家庭成员",
        aliases=("就业困难人员",),
    ),
    Column("consent_to_share", "同意共享信息", kind="bool", help=BOOL_HELP, example="是"),
    Column("status", "求职状态", kind="choice", example="求职中", choices=WORKER_STATUS, aliases=("状态",)),
)

EMPLOYER_COLUMNS = (
    Column("name", "企业名称", True, example="濮阳华龙机械有限公司", aliases=("单位名称",)),
    Column(
        "uscc",
        "统一社会信用代码",
        True,
        "id",
        "18位；单元格须为文本格式",
        "91410900MA0000001X",
        ("信用代码", "社会信用代码"),
    ),
    Column("region_code", "所在地", True, "region", REGION_HELP, "410902", ("地区代码", "所在地区")),
    Column("contact_name", "联系人", example="王经理"),
    Column(
        "contact_phone",
        "联系电话",
        help="11位手机号码，或固定电话 区号-号码（可带分机）",
        example="13900000000",
    ),
    Column("address", "地址", example="濮阳市华龙区"),
    Column("is_workshop", "扶贫车间", kind="bool", help=BOOL_HELP, example="否"),
    Column("is_partner", "劳务协作企业", kind="bool", help=BOOL_HELP, example="否"),
)


@cache
def _route_choices() -> tuple[tuple[str, str], ...]:
    return tuple((route["name_zh"], key) for key, route in reference.routes().items())


def _job_order_columns() -> tuple[Column, ...]:
    return (
        Column(
            "employer_uscc",
            "企业统一社会信用代码",
            True,
            "id",
            "须为已登记企业；单元格须为文本格式",
            "91410900MA0000001X",
            ("统一社会信用代码", "信用代码"),
        ),
        Column("title", "岗位名称", True, example="钢结构电焊工"),
        Column("occupation", "工种", True, help="职业目录中的名称、俗称或代码", example="电焊工"),
        Column("description", "岗位描述"),
        Column("skills", "技能要求", kind="list", help=LIST_HELP, example="电焊"),
        Column("certificates_required", "证书要求", kind="list", help=LIST_HELP, example="焊工证"),
        Column("headcount", "招聘人数", True, "int", example="10"),
        Column("wage_min", "最低月工资（元）", kind="int", example="6000", aliases=("最低工资",)),
        Column("wage_max", "最高月工资（元）", kind="int", example="8000", aliases=("最高工资",)),
        Column("region_code", "工作地点", True, "region", REGION_HELP, "320500", ("地区代码",)),
        Column("age_min", "最低年龄", kind="int", example="18"),
        Column("age_max", "最高年龄", kind="int", example="50"),
        Column("housing", "提供住宿", kind="bool", help=BOOL_HELP, example="是"),
        Column("board", "提供伙食", kind="bool", help=BOOL_HELP, example="否"),
        Column("start_date", "到岗日期", kind="date", help="如 2026-12-31"),
        Column("expires_on", "截止日期", kind="date", help="如 2026-12-31；新岗位不能早于今天"),
        Column(
            "route",
            "就业渠道",
            kind="choice",
            help="留空则按企业类型默认（扶贫车间企业为“扶贫车间”）",
            example="省外务工",
            choices=_route_choices(),
        ),
        Column("route_reason", "渠道说明", help="扶贫车间企业选择其他渠道时必填"),
        Column("public_welfare", "公益性岗位", kind="bool", help=BOOL_HELP, example="否"),
        Column("internal", "仅内部可见", kind="bool", help=BOOL_HELP, example="否"),
    )


@dataclass(frozen=True)
class Spec:
    kind: str
    title: str
    columns: tuple[Column, ...]
    key_help: str


@cache
def spec(kind: str) -> Spec:
    if kind == "workers":
        return Spec(kind, "求职人员", WORKER_COLUMNS, "按身份证号码识别：已登记的人员按文件更新")
    if kind == "employers":
        return Spec(kind, "用工企业", EMPLOYER_COLUMNS, "按统一社会信用代码识别：已登记的企业按文件更新")
    if kind == "job-orders":
        return Spec(
            kind,
            "岗位订单",
            _job_order_columns(),
            "按（企业、岗位名称、工作地点）识别：已有的岗位按文件更新",
        )
    raise NotFound("未知的导入类型")


def _norm(text: Any) -> str:
    out = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    out = re.sub(r"\s+", "", out)
    out = re.sub(r"[（(]必填[)）]$", "", out)
    return out.rstrip("*")


@cache
def _header_index(kind: str) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for col in spec(kind).columns:
        for name in (col.label, col.field, *col.aliases):
            index.setdefault(_norm(name), col)
    return index


@cache
def _region_by_name() -> dict[str, str]:
    """Full names (with and without the city) and unique plain names → region code."""
    out: dict[str, str] = {}
    plain: dict[str, list[str]] = {}
    for code, name in reference.region_names().items():
        plain.setdefault(_norm(name), []).append(code)
        full = reference.region_name(code, full=True)
        out[_norm(full)] = code
        parts_below_city = full.split("市", 1)
        if len(parts_below_city) == 2 and parts_below_city[1]:
            out.setdefault(_norm(parts_below_city[1]), code)
    for name, codes in plain.items():
        if len(codes) == 1:
            out.setdefault(name, codes[0])
    return out


# --- reading cells ----------------------------------------------------------------------------------------


def _numeric(raw: Any) -> bool:
    return isinstance(raw, int | float) and not isinstance(raw, bool)


def cell_reader(col: Column) -> Callable[[Any], Any]:
    """How to read the cells of one column: the value as the service expects it, or ``FieldError`` for what
    only a spreadsheet gets wrong (a number in an ID column, an unknown region name)."""
    choices = {_norm(name): key for name, key in col.choices}
    id_error = (
        f"{col.label}单元格是数字格式：Excel 只保留15位有效数字，末几位已经丢失。"
        "请把该列设置为“文本”格式后重新输入（或在号码前加英文单引号 '）"
    )

    def read(raw: Any) -> Any:
        if isinstance(raw, str):
            raw = raw.strip()
            if raw == "":
                return None
        if raw is None:
            return None
        if col.kind == "id":
            if _numeric(raw) or (isinstance(raw, str) and SCIENTIFIC.match(raw)):
                raise FieldError(id_error)
            return str(raw)
        if isinstance(raw, datetime):
            raw = raw.date()
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if col.kind == "choice" and isinstance(raw, str):
            return choices.get(_norm(raw), raw)
        if col.kind == "region":
            text = str(raw)
            if text.isdigit():
                return text
            code = _region_by_name().get(_norm(text))
            if code is None:
                raise FieldError(f"未知的地区“{text}”，请填写地区代码或完整名称（如 濮阳市南乐县杨村乡吴村）")
            return code
        if col.kind in ("text", "list") and not isinstance(raw, str):
            return str(raw)
        return raw

    return read


def read_cell(col: Column, raw: Any) -> Any:
    """One cell of ``col`` read as :func:`cell_reader` reads it."""
    return cell_reader(col)(raw)


# --- reading files ----------------------------------------------------------------------------------------


def file_error(message: str) -> ValidationError:
    """A refusal of the whole file, shown next to the upload field."""
    return ValidationError(message, fields={"file": message})


def check_filename(filename: str) -> str:
    """The file's suffix (``.xlsx`` or ``.csv``); anything else is refused with a clear message."""
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".xls":
        raise file_error("不支持 Excel 97-2003（.xls）格式：请在 Excel 中“另存为” .xlsx 后再导入")
    if suffix not in ALLOWED_SUFFIXES:
        raise file_error("只能导入 Excel（.xlsx）或 CSV（.csv）文件")
    return suffix


class _Sheet:
    """The rows of an .xlsx (streamed, read-only) or .csv file, numbered as the spreadsheet numbers them."""

    def __init__(self, path: Path, suffix: str):
        self.path = path
        self.suffix = suffix
        self.estimate: int | None = None
        self._wb: Any = None

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        if self.suffix == ".csv":
            yield from self._csv_rows()
        else:
            yield from self._xlsx_rows()

    def _xlsx_rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        with self.path.open("rb") as fh:
            magic = fh.read(4)
            if magic != b"PK\x03\x04":
                if magic.startswith(b"\xd0\xcf\x11\xe0"):
                    raise file_error("这是 Excel 97-2003（.xls）文件：请另存为 .xlsx 后再导入")
                raise file_error("文件内容不是有效的 Excel（.xlsx）文件")
            fh.seek(0)
            # size, zip bomb, XML entities, a lying <dimension>, formulas: refused (webapp/services/uploads.py)
            table = uploads.open_xlsx(fh)
        self.estimate = len(table.rows)
        for row in table.rows:
            yield row.number, row.values

    def _csv_rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        with self.path.open("rb") as fh:
            table = uploads.read_csv(fh)  # size, encoding, NUL bytes, row/column limits, formulas
        self.estimate = len(table.rows)
        for row in table.rows:
            yield row.number, row.values

    def close(self) -> None:
        if self._wb is not None:
            self._wb.close()
            self._wb = None


def estimate_rows(path: str | Path) -> int | None:
    """Roughly how many data rows a file holds (for a progress bar), without reading it all."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".csv":
            with path.open("rb") as fh:
                return max(sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1, 0)
        wb = load_workbook(path, read_only=True)
        try:
            rows = wb.worksheets[0].max_row
        finally:
            wb.close()
        return max(rows - 1, 0) if isinstance(rows, int) else None
    except Exception:  # the import itself reports what is wrong with the file
        return None


# --- results ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # spreadsheet column letter ("" for the whole row or file)
    header: str  # the column's header as written in the file
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "header": self.header, "message": self.message}

    def describe(self) -> str:
        where = f"第{self.row}行" + (f" {self.column}列「{self.header}」" if self.column else "")
        return f"{where}：{self.message}"


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(error)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error_count": self.error_count,
            "errors": [e.to_dict() for e in self.errors],
            "committed": self.committed,
            "dry_run": self.dry_run,
        }


class _Refused(Exception):
    """Raised inside the import's transaction to roll it back (errors found, or a dry run)."""


# --- the kinds --------------------------------------------------------------------------------------------


_AMBIGUOUS = object()  # two existing job orders share the key


def _compact(raw: Any) -> str | None:
    """An ID number or credit code as the validators normalise it (the row's key; they check the rest)."""
    if not isinstance(raw, str):
        return None
    return unicodedata.normalize("NFKC", raw).strip().replace(" ", "").upper() or None


class _FieldProblem(Exception):
    """A refusal about another field than the row's key."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class _Row:
    number: int
    data: dict[str, Any]
    errors: dict[str, str]
    key: Any = None
    values: dict[str, Any] | None = None


def _stored(kind: _Kind, row: Any) -> policy.Subject:
    """A stored record fetched as a plain row, as the policy registry is asked about it."""
    return policy.Subject(policy.REGISTRY.of(kind.model).key, region_code=row.region_code)


class _Kind:
    """How one kind of record is keyed, looked up, validated, compared and written."""

    kind: str
    model: Any
    key_field: str
    derived: Mapping[str, tuple[str, ...]] = {}

    def __init__(self, session: Session, actor: Actor):
        self.session = session
        self.actor = actor
        self.compared: list[str] = []  # the attributes the file sets, compared with the stored record

    def _fetch_rows(self, key_column: str, keys: list[Any]) -> dict[Any, Any]:
        """The stored records of ``keys`` as plain rows of the columns an import needs (fast, no ORM objects)."""
        table = self.model.__table__
        names = dict.fromkeys(["id", key_column, "region_code", *self.compared])
        stmt = select(*(table.c[name] for name in names)).where(table.c[key_column].in_(keys))
        return {row._mapping[key_column]: row for row in self.session.execute(stmt)}

    def prepare(self, rows: list[_Row]) -> None:
        """Chunk-level lookups before validation."""

    def key(self, row: _Row) -> Any:
        raise NotImplementedError

    def fetch(self, keys: list[Any]) -> dict[Any, Any]:
        raise NotImplementedError

    def validate(self, row: _Row, existing: Any) -> dict[str, Any]:
        raise NotImplementedError

    def check(self, row: _Row, existing: Any) -> None:
        """Refusals that depend on who imports (``FieldError`` on the row's key field)."""

    def attributes(self, present: Iterable[str]) -> list[str]:
        return [f for f in present if f != self.key_field]

    def insert_values(self, values: dict[str, Any]) -> dict[str, Any]:
        return values

    def stamp(self, changes: dict[str, Any], existing: Any) -> dict[str, Any]:
        return changes


class _Workers(_Kind):
    kind = "workers"
    model = Worker
    key_field = "id_number"
    derived = {"id_number": ("id_number", "birth_date", "sex")}

    def key(self, row: _Row) -> Any:
        return _compact(row.data.get("id_number"))

    def fetch(self, keys: list[Any]) -> dict[Any, Any]:
        return self._fetch_rows("id_number", keys)

    def validate(self, row: _Row, existing: Any) -> dict[str, Any]:
        return validate_worker(row.data)

    def check(self, row: _Row, existing: Any) -> None:
        if existing is not None and not policy.can(self.actor, "update", _stored(self, existing)):
            raise FieldError("该身份证号码已由其他地区登记，请联系其户籍地工作人员")
        assert row.values is not None
        if not policy.can(self.actor, "create", Worker(region_code=row.values["region_code"])):
            raise _FieldProblem("region_code", "该地区不在您的管辖范围内")

    def insert_values(self, values: dict[str, Any]) -> dict[str, Any]:
        return {**values, "verified": True}

    def stamp(self, changes: dict[str, Any], existing: Any) -> dict[str, Any]:
        return {**changes, "updated_at": utcnow()}


class _Employers(_Kind):
    kind = "employers"
    model = Employer
    key_field = "uscc"

    def key(self, row: _Row) -> Any:
        return _compact(row.data.get("uscc"))

    def fetch(self, keys: list[Any]) -> dict[Any, Any]:
        return self._fetch_rows("uscc", keys)

    def validate(self, row: _Row, existing: Any) -> dict[str, Any]:
        return validate_employer(row.data)

    def check(self, row: _Row, existing: Any) -> None:
        # write scope is read scope: staff register and change the employers of their own region only
        if existing is not None and not policy.can(self.actor, "update", _stored(self, existing)):
            raise FieldError("该企业由其他地区登记，请联系其所在地工作人员")
        assert row.values is not None
        if "region_code" in row.values and not policy.can(
            self.actor, "create", Employer(region_code=row.values["region_code"])
        ):
            raise _FieldProblem("region_code", "该地区不在您的管辖范围内")


class _JobOrders(_Kind):
    kind = "job-orders"
    model = JobOrder
    key_field = "employer_uscc"
    derived = {"occupation": ("occupation_code",)}
    employers: dict[int, Employer]  # the employers the file names, by id (set by ``prepare``)

    def prepare(self, rows: list[_Row]) -> None:
        codes: dict[int, str] = {}
        for row in rows:
            if "employer_uscc" in row.errors:
                continue
            try:
                codes[row.number] = parse_uscc(row.data.get("employer_uscc"))
            except FieldError as err:
                row.errors["employer_uscc"] = str(err)
        found = self.session.scalars(select(Employer).where(Employer.uscc.in_(set(codes.values()))))
        by_uscc = {e.uscc: e for e in found}
        self.employers = {e.id: e for e in by_uscc.values()}
        for row in rows:
            uscc = codes.get(row.number)
            if uscc is None:
                continue
            if uscc not in by_uscc:
                row.errors["employer_uscc"] = "该统一社会信用代码的企业尚未登记，请先导入或登记企业"
            else:
                row.data["employer_id"] = by_uscc[uscc].id

    def key(self, row: _Row) -> Any:
        employer_id, title, region = (row.data.get(k) for k in ("employer_id", "title", "region_code"))
        if not (employer_id and isinstance(title, str) and title.strip() and region):
            return None
        return (employer_id, title.strip(), str(region))

    def fetch(self, keys: list[Any]) -> dict[Any, Any]:
        found: dict[Any, Any] = {}
        rows = self.session.scalars(
            select(JobOrder)
            .where(tuple_(JobOrder.employer_id, JobOrder.title).in_({(k[0], k[1]) for k in keys}))
            .order_by(JobOrder.id)
        )
        for order in rows:
            key = (order.employer_id, order.title, order.region_code)
            found[key] = _AMBIGUOUS if key in found else order
        return found

    def validate(self, row: _Row, existing: Any) -> dict[str, Any]:
        data = {k: v for k, v in row.data.items() if k != "employer_uscc"}
        values = validate_job_order(data, current=existing)
        # The public-welfare and workshop-route rules of every door (services.eligibility).
        current = existing if isinstance(existing, JobOrder) else None
        employer = self.session.get(Employer, values["employer_id"])
        try:
            return eligibility.order_rules(self.actor, values, employer, current=current)
        except DomainError as err:
            raise ValidationError(err.message, fields=err.fields or {"route": err.message}) from None

    def check(self, row: _Row, existing: Any) -> None:
        if existing is _AMBIGUOUS:
            raise FieldError("该企业在同一工作地点有多个同名岗位，无法确定要更新哪一个，请在系统中修改")
        # staff post (and change) the orders of the employers of their own region only
        employer = self.employers.get(row.data.get("employer_id") or 0)
        target = existing or policy.Subject(
            "job_order", employer_id=getattr(employer, "id", None), employer=employer
        )
        if not policy.can(self.actor, "update" if existing is not None else "create", target):
            raise FieldError("该企业不在您的管辖范围内，不能为其发布或修改岗位")
        assert row.values is not None
        if row.values.get("public_welfare") and not policy.can(self.actor, "set_public_welfare", target):
            raise _FieldProblem("public_welfare", "仅限人社部门工作人员设定公益性岗位")

    def attributes(self, present: Iterable[str]) -> list[str]:
        return [f for f in present if f != "employer_uscc"]

    def stamp(self, changes: dict[str, Any], existing: Any) -> dict[str, Any]:
        out = {**changes, "updated_at": utcnow()}
        if "headcount" in changes and existing.status in ("open", "filled"):
            out["status"] = "filled" if existing.filled >= changes["headcount"] else "open"
        return out

    def insert_values(self, values: dict[str, Any]) -> dict[str, Any]:
        return {**values, "filled": 0, "status": "open"}


_KINDS: dict[str, type[_Kind]] = {"workers": _Workers, "employers": _Employers, "job-orders": _JobOrders}


# --- the import -------------------------------------------------------------------------------------------


def run_import(
    session: Session,
    actor: Actor,
    kind: str,
    path: str | Path,
    *,
    filename: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    on_commit: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Check (and unless ``dry_run`` write) one file. Never half-written: any row error rolls all back.

    ``progress`` is called with the number of data rows read so far, after every chunk. ``on_commit`` runs
    inside the transaction just before it commits (to record the batch with the data it wrote).
    """
    policy.require(actor, "create", ImportBatch)
    spec(kind)
    path = Path(path)
    suffix = check_filename(filename or path.name)
    result = ImportResult(kind, dry_run=dry_run)
    sheet = _Sheet(path, suffix)
    handler = _KINDS[kind](session, actor)
    try:
        with transaction(session):
            _process(session, handler, sheet, result, dry_run=dry_run, progress=progress)
            if dry_run or not result.ok:
                raise _Refused
            result.committed = True
            if on_commit is not None:
                on_commit(result)
    except _Refused:
        pass
    finally:
        sheet.close()
    return result


def _process(
    session: Session,
    handler: _Kind,
    sheet: _Sheet,
    result: ImportResult,
    *,
    dry_run: bool,
    progress: Progress | None,
) -> None:
    rows = sheet.rows()
    columns = _read_header(handler.kind, rows, result)
    if columns is None:
        return
    present = [col.field for _i, col in columns]
    attributes = [a for f in handler.attributes(present) for a in handler.derived.get(f, (f,))]
    handler.compared = attributes
    readers = [(index, col.field, cell_reader(col)) for index, col in columns]
    seen: dict[Any, int] = {}
    chunk: list[_Row] = []
    for number, cells in rows:
        if not any(c is not None and str(c).strip() != "" for c in cells):
            continue
        data: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for index, name, read in readers:
            try:
                data[name] = read(cells[index] if index < len(cells) else None)
            except FieldError as err:
                data[name] = None
                errors[name] = str(err)
        chunk.append(_Row(number, data, errors))
        if len(chunk) >= CHUNK:
            _chunk(session, handler, chunk, columns, attributes, seen, result, dry_run=dry_run)
            chunk = []
            if progress:
                progress(result.rows)
    if chunk:
        _chunk(session, handler, chunk, columns, attributes, seen, result, dry_run=dry_run)
        if progress:
            progress(result.rows)
    if result.rows == 0 and result.ok:
        result.add_error(RowError(0, "", "", "文件中没有数据行（第一行应为表头，数据从下一行开始）"))


def _read_header(
    kind: str, rows: Iterator[tuple[int, Sequence[Any]]], result: ImportResult
) -> list[tuple[int, Column]] | None:
    """Find the header (within the first rows: a title row may come first) and map it to the kind's columns."""
    index = _header_index(kind)
    for searched, (number, cells) in enumerate(rows, start=1):
        if sum(1 for c in cells if c is not None and _norm(c) in index) >= 2:
            return _map_header(kind, number, cells, result)
        if searched >= HEADER_SEARCH_ROWS:
            break
    labels = "、".join(col.label for col in spec(kind).columns if col.required)
    result.add_error(
        RowError(1, "", "", f"找不到表头：第一行应为列名（至少包括 {labels}），请使用下载的模板")
    )
    return None


def _map_header(
    kind: str, number: int, cells: Sequence[Any], result: ImportResult
) -> list[tuple[int, Column]] | None:
    index = _header_index(kind)
    columns: list[tuple[int, Column]] = []
    used: dict[str, str] = {}
    for i, cell in enumerate(cells):
        if cell is None or str(cell).strip() == "":
            continue
        letter = get_column_letter(i + 1)
        col = index.get(_norm(cell))
        if col is None:
            result.add_error(
                RowError(number, letter, str(cell), "未知的列名，请使用模板中的列名或接口字段名")
            )
        elif col.field in used:
            result.add_error(RowError(number, letter, str(cell), f"与 {used[col.field]} 列重复"))
        else:
            used[col.field] = letter
            columns.append((i, col))
    for col in spec(kind).columns:
        if col.required and col.field not in used:
            result.add_error(RowError(number, "", col.label, f"缺少必填列“{col.label}”"))
    return columns if result.ok else None


def _chunk(
    session: Session,
    handler: _Kind,
    rows: list[_Row],
    columns: list[tuple[int, Column]],
    attributes: list[str],
    seen: dict[Any, int],
    result: ImportResult,
    *,
    dry_run: bool,
) -> None:
    """Validate, classify (new, changed, unchanged) and, when all is well so far, write one chunk of rows."""
    result.rows += len(rows)
    handler.prepare(rows)
    for row in rows:
        row.key = handler.key(row)
    keys = [r.key for r in rows if r.key is not None]
    existing = handler.fetch(keys) if keys else {}
    letters = {col.field: (get_column_letter(i + 1), col.label) for i, col in columns}
    key_field = handler.key_field
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for row in rows:
        current = existing.get(row.key) if row.key is not None else None
        problems = dict(row.errors)
        try:
            row.values = handler.validate(row, None if current is _AMBIGUOUS else current)
        except ValidationError as err:
            for name, message in err.fields.items():
                name = "employer_uscc" if name == "employer_id" else name
                problems.setdefault(name, _choice_hint(name, message, columns))
        if not problems and row.values is not None:
            if row.key in seen:
                problems[key_field] = f"与第{seen[row.key]}行重复"
            else:
                try:
                    handler.check(row, current)
                except FieldError as err:
                    problems[key_field] = str(err)
                except _FieldProblem as err:
                    problems[err.field] = err.message
        if row.key is not None and row.key not in seen:
            seen[row.key] = row.number
        if problems:
            for name, message in problems.items():
                letter, label = letters.get(name, ("", ""))
                result.add_error(RowError(row.number, letter, label, message))
            continue
        assert row.values is not None
        if current is None:
            inserts.append(handler.insert_values(row.values))
            result.created += 1
            continue
        changes = {
            a: row.values[a] for a in attributes if a in row.values and getattr(current, a) != row.values[a]
        }
        if changes:
            updates.append({"id": current.id, **handler.stamp(changes, current)})
            result.updated += 1
        else:
            result.unchanged += 1
    if dry_run or not result.ok:
        return
    table = handler.model.__table__
    if inserts:
        session.execute(insert(table), inserts)
    by_keys: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for params in updates:
        by_keys.setdefault(tuple(sorted(params)), []).append(params)
    for names, group in by_keys.items():
        columns = [name for name in names if name != "id"]
        stmt = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({name: bindparam(f"new_{name}") for name in columns})
        )
        session.execute(
            stmt, [{"row_id": params["id"], **{f"new_{n}": params[n] for n in columns}} for params in group]
        )
    session.expire_all()


def _choice_hint(name: str, message: str, columns: list[tuple[int, Column]]) -> str:
    for _i, col in columns:
        if col.field == name and col.kind == "choice" and message.startswith("无效的"):
            names = "、".join(dict.fromkeys(n for n, _k in col.choices))
            return f"无效的取值，可填：{names}"
    return message


# --- batches: preview, commit, history --------------------------------------------------------------------


def _store(upload_dir: Path, suffix: str, content: bytes) -> Path:
    upload_dir.mkdir(parents=True, exist_ok=True)
    path = upload_dir / f"{uuid.uuid4().hex}{suffix}"
    path.write_bytes(content)
    return path


def _batch_values(batch: ImportBatch, result: ImportResult) -> None:
    batch.rows_total = result.rows
    batch.rows_processed = result.rows
    batch.created, batch.updated, batch.unchanged = result.created, result.updated, result.unchanged
    batch.error_count = result.error_count
    batch.errors = [e.to_dict() for e in result.errors]
    batch.finished_at = utcnow()


def preview_upload(
    session: Session,
    actor: Actor,
    kind: str,
    *,
    filename: str,
    content: bytes,
    upload_dir: Path,
    ip: str = "",
) -> ImportBatch:
    """Check an uploaded file without writing it; keep it for :func:`commit_batch` when it is clean."""
    policy.require(actor, "create", ImportBatch)
    spec(kind)
    suffix = check_filename(filename)
    if not content:
        raise file_error("上传的文件是空的")
    path = _store(upload_dir, suffix, content)
    try:
        result = run_import(session, actor, kind, path, filename=filename, dry_run=True)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    batch = ImportBatch(
        kind=kind,
        filename=Path(filename).name[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        status="previewed" if result.ok else "refused",
        stored_path=str(path) if result.ok else "",
        user_id=actor.user_id,
    )
    _batch_values(batch, result)
    if not result.ok:
        path.unlink(missing_ok=True)
    with transaction(session):
        session.add(batch)
        session.flush()
        audit.record(session, actor, "preview", "import", batch.id, ip=ip, kind=kind, rows=result.rows)
    return batch


def get_batch(session: Session, actor: Actor, batch_id: int) -> ImportBatch:
    policy.require(actor, "list", ImportBatch)
    return policy.require(actor, "read", session.get(ImportBatch, batch_id))


def commit_batch(
    session: Session, actor: Actor, batch_id: int, *, ip: str = "", progress: Progress | None = None
) -> ImportBatch:
    """Write a previewed file (checked again: the data may have changed since the preview)."""
    batch = get_batch(session, actor, batch_id)
    if batch.status != "previewed":
        raise Conflict("该文件已导入、已放弃或校验未通过，不能再次提交", fields={"batch": batch.status})
    path = Path(batch.stored_path)
    if not path.is_file():
        raise Conflict("预览后的文件已过期，请重新上传", fields={"file": "文件已过期"})

    def record(result: ImportResult) -> None:
        batch.status = "committed"
        _batch_values(batch, result)
        batch.stored_path = ""
        audit.record(
            session,
            actor,
            "import",
            batch.kind,
            batch.id,
            ip=ip,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        )

    result = run_import(
        session, actor, batch.kind, path, filename=batch.filename, progress=progress, on_commit=record
    )
    if not result.ok:
        with transaction(session):
            batch.status = "refused"
            _batch_values(batch, result)
            batch.stored_path = ""
    path.unlink(missing_ok=True)
    return batch


def discard_batch(session: Session, actor: Actor, batch_id: int) -> ImportBatch:
    batch = get_batch(session, actor, batch_id)
    if batch.status == "previewed":
        Path(batch.stored_path).unlink(missing_ok=True)
        with transaction(session):
            batch.status = "discarded"
            batch.stored_path = ""
    return batch


def import_file(
    session: Session,
    actor: Actor,
    kind: str,
    path: str | Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """The command line's import: check and write one file, recording the batch (a dry run records nothing)."""
    path = Path(path)
    content_hash = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    if not path.is_file():
        raise NotFound(f"找不到文件 {path}")

    def record(result: ImportResult) -> None:
        batch = ImportBatch(
            kind=kind,
            filename=path.name[:255],
            file_sha256=content_hash,
            status="committed",
            user_id=actor.user_id,
        )
        _batch_values(batch, result)
        session.add(batch)
        session.flush()
        audit.record(session, actor, "import", kind, batch.id, created=result.created, updated=result.updated)

    result = run_import(session, actor, kind, path, dry_run=dry_run, progress=progress, on_commit=record)
    if not result.ok and not dry_run:
        with transaction(session):
            batch = ImportBatch(
                kind=kind,
                filename=path.name[:255],
                file_sha256=content_hash,
                status="refused",
                user_id=actor.user_id,
            )
            _batch_values(batch, result)
            session.add(batch)
    return result


def list_batches(session: Session, actor: Actor, *, page: int = 1, per_page: int = 20) -> Page:
    policy.require(actor, "list", ImportBatch)
    stmt = policy.scoped(actor, select(ImportBatch), ImportBatch)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(ImportBatch.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return Page(list(rows), total, page, per_page)


def purge_uploads(session: Session, *, today: date | None = None) -> dict[str, int]:
    """Previewed files never committed are deleted after a day (their batches become ``discarded``)."""
    today = today or date.today()
    limit = datetime.combine(today - timedelta(days=1), datetime.min.time())
    with transaction(session):
        stale = session.scalars(
            select(ImportBatch).where(ImportBatch.status == "previewed", ImportBatch.created_at < limit)
        ).all()
        for batch in stale:
            if batch.stored_path:
                Path(batch.stored_path).unlink(missing_ok=True)
            batch.status = "discarded"
            batch.stored_path = ""
    return {"discarded": len(stale)}


# --- the template -----------------------------------------------------------------------------------------


def template_workbook(kind: str) -> bytes:
    """An empty .xlsx to fill in: the header row, text-formatted ID columns, and a sheet explaining each column."""
    s = spec(kind)
    wb = Workbook()
    sheet = wb.active
    sheet.title = s.title
    bold = Font(bold=True)
    for i, col in enumerate(s.columns, start=1):
        cell = sheet.cell(row=1, column=i, value=col.label)
        cell.font = bold
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = max(10, min(30, len(col.label) * 2 + 4))
        if col.kind == "id" or col.field in ("phone", "contact_phone"):
            # text format for the first rows, so that typed numbers keep every digit
            for r in range(2, 2001):
                sheet.cell(row=r, column=i).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "接口字段名", "是否必填", "填写说明", "示例"])
    for cell in notes[1]:
        cell.font = bold
    for col in s.columns:
        hint = col.help
        if col.kind == "choice":
            hint = "可填：" + "、".join(dict.fromkeys(n for n, _k in col.choices))
        notes.append([col.label, col.field, "必填" if col.required else "", hint, col.example])
    notes.append([])
    notes.append([s.key_help + "；同一文件导入两次不会重复登记。"])
    notes.append(["表中有任何一行出错时，整个文件都不会写入；请按提示修改后重新上传。"])
    for letter, width in zip("ABCDE", (22, 24, 10, 60, 24), strict=True):
        notes.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def kinds() -> list[tuple[str, str]]:
    return [(kind, spec(kind).title) for kind in IMPORT_KINDS]
