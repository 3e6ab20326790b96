"""Opening uploaded spreadsheets without trusting them: the one way importers read .xlsx and .csv files.

:func:`open_xlsx` refuses, each with a Chinese message naming the problem (``UploadRefused``, a 422 with
``fields={"file": ...}``) and before anything is written:

- a file larger than ``max_bytes`` (it never reads more than that plus one byte);
- anything that is not a zip archive (a text file renamed .xlsx, an old .xls, an encrypted workbook);
- a zip bomb, judged from the archive's directory before a byte is inflated: too many members, a sum of
  declared sizes over ``max_unpacked_bytes``, or a member that inflates more than ``max_ratio`` times
  (zipfile never inflates a member past its declared size, so the declared sizes bound the work);
- XML with a DOCTYPE or entity declarations (billion laughs, external entities): refused by a scan of each
  part's start, and again by defusedxml, which openpyxl uses for every parse (checked here at import);
- a sheet whose rows or columns exceed ``max_rows``/``max_cols``, judged from the cells actually present:
  the ``<dimension>`` tag is never trusted and nothing is preallocated from it;
- formulas (and text starting with ``=``), which are refused rather than evaluated or stored.

It returns the sheet's non-empty rows as plain values (:class:`Table`). :func:`read_csv` does the same for
CSV text (UTF-8 or GB18030, as Excel saves it in China).

Example::

    table = open_xlsx(request.files["file"].stream, max_bytes=5 << 20, max_rows=10_000, max_cols=40)
    for row in table.records():        # dicts keyed by the header row, with row numbers for messages
        ...
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree.ElementTree import ParseError

import openpyxl
import openpyxl.xml
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

import config
from webapp.errors import ValidationError

# openpyxl parses every XML part through defusedxml when it is installed and not switched off.
if not openpyxl.xml.DEFUSEDXML:  # pragma: no cover - an installation problem, refused loudly
    raise RuntimeError("openpyxl is not using defusedxml: install defusedxml and unset OPENPYXL_DEFUSEDXML")

from defusedxml import DefusedXmlException  # noqa: E402

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and password-protected .xlsx
#: Members smaller than this are not judged by their compression ratio (tiny XML parts compress very well).
RATIO_FLOOR = 1 << 20
PROLOG_SCAN = 64 << 10
_DTD_RE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class UploadRefused(ValidationError):
    code = "upload_refused"

    def __init__(self, message: str) -> None:
        super().__init__(message, fields={"file": message})


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int
    max_unpacked_bytes: int
    max_ratio: int
    max_members: int
    max_rows: int
    max_cols: int

    @classmethod
    def configured(cls, **overrides: int | None) -> UploadLimits:
        values = dict(config.load_security_settings()["uploads"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


@dataclass(frozen=True)
class Row:
    number: int  # 1-based, as Excel shows it
    values: tuple[Any, ...]

    def get(self, index: int) -> Any:
        return self.values[index] if index < len(self.values) else None


@dataclass
class Table:
    """The non-empty rows of one sheet (or CSV file), in order."""

    name: str
    rows: list[Row] = field(default_factory=list)

    @property
    def header(self) -> tuple[str, ...]:
        if not self.rows:
            return ()
        return tuple("" if v is None else str(v).strip() for v in self.rows[0].values)

    def records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """``(row number, {header: value})`` for every row after the header row."""
        header = self.header
        for row in self.rows[1:]:
            yield row.number, {name: row.get(i) for i, name in enumerate(header) if name}


def _mb(n: int) -> str:
    return f"{n / (1 << 20):.0f} MB" if n >= (1 << 20) else f"{max(n // 1024, 1)} KB"


def read_limited(stream: IO[bytes] | bytes, max_bytes: int) -> bytes:
    """At most ``max_bytes`` of the upload; one byte more is refused (the rest is never read)."""
    if isinstance(stream, bytes | bytearray):
        data = bytes(stream[: max_bytes + 1])
    else:
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRefused(f"文件过大：不能超过 {_mb(max_bytes)}")
    if not data:
        raise UploadRefused("文件为空")
    return data


# --- xlsx ----------------------------------------------------------------------------------------------------


def open_xlsx(
    stream: IO[bytes] | bytes,
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    max_cols: int | None = None,
    max_unpacked_bytes: int | None = None,
    max_ratio: int | None = None,
    sheet: str | None = None,
) -> Table:
    """The first (or the named) worksheet of an uploaded .xlsx, after every check above; writes nothing."""
    limits = UploadLimits.configured(
        max_bytes=max_bytes,
        max_rows=max_rows,
        max_cols=max_cols,
        max_unpacked_bytes=max_unpacked_bytes,
        max_ratio=max_ratio,
    )
    data = read_limited(stream, limits.max_bytes)
    if data.startswith(OLE_MAGIC):
        raise UploadRefused(
            "这是旧版 .xls 或加密的 Excel 文件：请在 Excel 中另存为 .xlsx（不设密码）后再上传"
        )
    if not data.startswith(ZIP_MAGIC):
        raise UploadRefused("不是有效的 Excel 文件（.xlsx）：请上传用 Excel 或 WPS 保存的 .xlsx 文件")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise UploadRefused("不是有效的 Excel 文件（.xlsx）：文件已损坏或不完整") from None
    with archive:
        _check_archive(archive, limits)
        _check_xml_parts(archive)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except DefusedXmlException:
        raise UploadRefused("文件中含有不允许的 XML 实体声明，已拒绝") from None
    except ValueError as err:  # openpyxl wraps what its (defused) XML parser refused
        if isinstance(err.__cause__, DefusedXmlException):
            raise UploadRefused("文件中含有不允许的 XML 实体声明，已拒绝") from None
        raise UploadRefused("无法读取该 Excel 文件：文件结构不完整或不是工作簿") from None
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        ParseError,
        EOFError,
        OSError,
        zlib.error,
    ):
        raise UploadRefused("无法读取该 Excel 文件：文件结构不完整或不是工作簿") from None
    try:
        return _read_sheet(workbook, sheet, limits)
    finally:
        workbook.close()


def _check_archive(archive: zipfile.ZipFile, limits: UploadLimits) -> None:
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise UploadRefused(f"文件结构异常：压缩包内有 {len(members)} 个部件（上限 {limits.max_members}）")
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise UploadRefused("文件已加密：请取消密码后再上传")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UploadRefused("文件使用了不支持的压缩方式：请用 Excel 或 WPS 重新保存为 .xlsx")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
            raise UploadRefused(
                f"文件解压后异常膨胀（{info.filename} 压缩比 {ratio:.0f}:1），疑似压缩炸弹，已拒绝"
            )
    if total > limits.max_unpacked_bytes:
        raise UploadRefused(
            f"文件解压后过大（{_mb(total)}，上限 {_mb(limits.max_unpacked_bytes)}）：请拆分后分批上传"
        )


def _check_xml_parts(archive: zipfile.ZipFile) -> None:
    """No XML part of a workbook declares a DOCTYPE or entities; look at the start of each one."""
    for info in archive.infolist():
        name = info.filename.lower()
        if not (name.endswith(".xml") or name.endswith(".rels")):
            continue
        try:
            with archive.open(info) as member:
                head = member.read(PROLOG_SCAN)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError):
            raise UploadRefused("无法读取该 Excel 文件：文件已损坏") from None
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
        if _DTD_RE.search(head):
            raise UploadRefused("文件中含有不允许的 XML 实体声明（DOCTYPE/ENTITY），已拒绝")


def _read_sheet(workbook: Any, name: str | None, limits: UploadLimits) -> Table:
    from openpyxl.worksheet._reader import WorkSheetParser

    sheets = workbook.worksheets
    if name is not None:
        if name not in workbook.sheetnames:
            raise UploadRefused(f"找不到名为“{name}”的工作表")
        ws = workbook[name]
    elif sheets:
        ws = sheets[0]
    else:
        raise UploadRefused("工作簿中没有工作表")
    table = Table(ws.title)
    cells_seen = 0
    max_cells = limits.max_rows * limits.max_cols
    try:
        with ws._get_source() as source:
            parser = WorkSheetParser(
                source,
                ws._shared_strings,
                data_only=False,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            # The parser yields the rows present in the XML; the <dimension> tag plays no part.
            for number, cells in parser.parse():
                if not cells:
                    continue
                if number > limits.max_rows:
                    raise UploadRefused(
                        f"行数过多：第 {number} 行超过上限 {limits.max_rows} 行，请拆分后分批上传"
                    )
                cells_seen += len(cells)
                if cells_seen > max_cells:
                    raise UploadRefused("单元格数量过多，已拒绝")
                width = max(int(c["column"]) for c in cells)
                if width > limits.max_cols:
                    raise UploadRefused(
                        f"列数过多：第 {number} 行有第 {get_column_letter(width)} 列（上限 {limits.max_cols} 列）"
                    )
                values: list[Any] = [None] * width
                for cell in cells:
                    value = cell["value"]
                    column = int(cell["column"])
                    if cell.get("data_type") == "f" or (isinstance(value, str) and value.startswith("=")):
                        raise UploadRefused(
                            f"单元格 {get_column_letter(column)}{number} 是公式：请复制后“粘贴为数值”再上传"
                        )
                    values[column - 1] = value
                if any(v not in (None, "") for v in values):
                    table.rows.append(Row(number, tuple(values)))
    except DefusedXmlException:
        raise UploadRefused("文件中含有不允许的 XML 实体声明，已拒绝") from None
    except (
        ParseError,
        KeyError,
        ValueError,
        TypeError,
        IndexError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
    ):
        raise UploadRefused("无法读取该工作表：文件结构不完整") from None
    return table


# --- csv ------------------------------------------------------------------------------------------------------


def read_csv(
    stream: IO[bytes] | bytes,
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    max_cols: int | None = None,
) -> Table:
    """The rows of an uploaded CSV file (UTF-8, with or without BOM, or GB18030); same refusals as xlsx."""
    limits = UploadLimits.configured(max_bytes=max_bytes, max_rows=max_rows, max_cols=max_cols)
    data = read_limited(stream, limits.max_bytes)
    if data.startswith(ZIP_MAGIC) or data.startswith(OLE_MAGIC):
        raise UploadRefused("这是 Excel 文件，不是 CSV：请按 .xlsx 上传")
    if b"\x00" in data:
        raise UploadRefused("不是文本文件（含空字符）：请保存为 UTF-8 或 GBK 编码的 CSV")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise UploadRefused("无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV") from None
    table = Table("csv")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, cells in enumerate(reader, start=1):
            if number > limits.max_rows:
                raise UploadRefused(f"行数过多：超过上限 {limits.max_rows} 行，请拆分后分批上传")
            if len(cells) > limits.max_cols:
                raise UploadRefused(
                    f"列数过多：第 {number} 行有 {len(cells)} 列（上限 {limits.max_cols} 列）"
                )
            for column, value in enumerate(cells, start=1):
                if value.startswith("="):
                    raise UploadRefused(
                        f"单元格 {get_column_letter(column)}{number} 是公式：请保存为数值后再上传"
                    )
            if any(v.strip() for v in cells):
                table.rows.append(Row(number, tuple(cells)))
    except csv.Error as err:
        raise UploadRefused(f"CSV 格式错误：{err}") from None
    return table


def neutralise(value: Any) -> Any:
    """A value safe to write into an exported cell: text starting with = + - @ (or a tab/CR) gets a leading '.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-5"), neutralise(-5), neutralise("张三")
    ('\\'=HYPERLINK("http://x")', "'-5", -5, '张三')
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
