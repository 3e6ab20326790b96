"""Uploaded spreadsheets that attack the reader: each is refused with a Chinese message, quickly, in little
memory, and the files are crafted here byte by byte (zip bombs, billion laughs, lying dimension tags...)."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import openpyxl
import pytest
from defusedxml import DefusedXmlException

from webapp.services.uploads import UploadRefused, neutralise, open_xlsx, read_csv

LIMITS = {"max_bytes": 5 << 20, "max_rows": 1000, "max_cols": 30}
SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def workbook_bytes(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def replace_members(data: bytes, replacements: dict[str, bytes | Callable[[zipfile.ZipFile], None]]) -> bytes:
    """The same package with some members replaced (bytes, or a writer that streams the member itself)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            new = replacements.get(info.filename)
            if new is None:
                dst.writestr(info.filename, src.read(info.filename))
            elif isinstance(new, bytes):
                dst.writestr(info.filename, new)
            else:
                new(dst)
        for name, new in replacements.items():
            if name not in src.namelist() and isinstance(new, bytes):
                dst.writestr(name, new)
    return out.getvalue()


SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def with_shared_strings(sst: bytes) -> bytes:
    """A workbook whose cell A1 is the first shared string of ``sst`` (an xl/sharedStrings.xml part)."""
    data = workbook_bytes([["x"]])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        types = zf.read("[Content_Types].xml").decode()
    types = types.replace(
        "</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/></Types>'
    )
    a1 = sheet_xml("A1:A1", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    return replace_members(
        data, {"[Content_Types].xml": types.encode(), SHEET: a1, "xl/sharedStrings.xml": sst}
    )


def sheet_xml(dimension: str, cells: str) -> bytes:
    return SHEET_HEAD + f'<dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>'.encode()


@contextmanager
def bounded(seconds: float = 3.0, megabytes: float = 40.0) -> Iterator[None]:
    """The block must finish within ``seconds`` and allocate at most ``megabytes`` at its peak."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < seconds, f"took {elapsed:.2f}s"
    assert peak < megabytes * (1 << 20), f"peak {peak / (1 << 20):.1f} MB"


def refused(data: bytes, **limits: int) -> str:
    with bounded(), pytest.raises(UploadRefused) as info:
        open_xlsx(io.BytesIO(data), **{**LIMITS, **limits})
    err = info.value
    assert err.status == 422 and err.fields == {"file": err.message}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.message), err.message  # a Chinese sentence
    return err.message


# --- what a good file gives -------------------------------------------------------------------------------------


def test_a_plain_workbook_is_read_row_by_row() -> None:
    data = workbook_bytes(
        [
            ["姓名", "身份证号码", "工资", "登记日期"],
            ["赵晓权", "410923199005170017", 6000, datetime(2026, 3, 1)],
            [],
        ]
    )
    table = open_xlsx(io.BytesIO(data), **LIMITS)
    assert table.header == ("姓名", "身份证号码", "工资", "登记日期")
    assert list(table.records()) == [
        (
            2,
            {
                "姓名": "赵晓权",
                "身份证号码": "410923199005170017",
                "工资": 6000,
                "登记日期": datetime(2026, 3, 1),
            },
        )
    ]


# --- the attacks --------------------------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_without_reading_the_rest() -> None:
    class Counting(io.BytesIO):
        read_bytes = 0

        def read(self, size: int | None = -1) -> bytes:
            chunk = super().read(size)
            Counting.read_bytes += len(chunk)
            return chunk

    stream = Counting(b"PK\x03\x04" + b"\0" * (3 << 20))
    with pytest.raises(UploadRefused, match="文件过大"):
        open_xlsx(stream, max_bytes=1 << 20, max_rows=10, max_cols=10)
    assert Counting.read_bytes == (1 << 20) + 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("姓名,身份证号码\n赵晓权,410923199005170017\n".encode(), "不是有效的 Excel 文件"),
        (b"PK\x03\x04 broken archive", "文件已损坏"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
        (b"", "文件为空"),
    ],
    ids=["text-renamed-xlsx", "truncated-zip", "old-xls", "empty"],
)
def test_what_is_not_an_xlsx_is_refused(content: bytes, expected: str) -> None:
    assert expected in refused(content)


def test_a_zip_bomb_of_fifty_megabytes_unpacked_is_refused_before_inflating() -> None:
    def bomb(dst: zipfile.ZipFile) -> None:
        with dst.open(SHEET, "w") as member:
            member.write(SHEET_HEAD + b"<sheetData>")
            chunk = b" " * (1 << 20)
            for _ in range(50):
                member.write(chunk)
            member.write(b"</sheetData></worksheet>")

    data = replace_members(workbook_bytes([["a"]]), {SHEET: bomb})
    assert len(data) < 200_000  # small on the wire
    message = refused(data, max_bytes=1 << 20)
    assert "压缩炸弹" in message or "解压后过大" in message


def test_the_sum_of_unpacked_sizes_is_bounded_even_when_each_ratio_looks_normal() -> None:
    import random

    noise = random.Random(7).randbytes(300_000)  # incompressible: a ratio of about 1
    data = replace_members(workbook_bytes([["a"]]), {"xl/media/noise.bin": noise})
    assert "解压后过大" in refused(data, max_unpacked_bytes=200_000)


def test_billion_laughs_in_shared_strings_is_refused_quickly() -> None:
    laughs = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
            for i in range(1, 10)
        )
        + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        b"<si><t>&lol9;</t></si></sst>"
    )
    data = with_shared_strings(laughs)
    assert "实体" in refused(data)


def test_openpyxl_itself_parses_through_defusedxml() -> None:
    """The second line of defence: even without our scan, openpyxl refuses the entity declarations."""
    external = (
        b'<?xml version="1.0"?>\n<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>'
    )
    data = with_shared_strings(external)
    assert openpyxl.xml.DEFUSEDXML
    with pytest.raises(ValueError) as info:  # openpyxl wraps the refusal of defusedxml
        openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert isinstance(info.value.__cause__, DefusedXmlException)
    assert "实体" in refused(data)


def test_shared_strings_are_read() -> None:
    sst = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>\xe8\xb5\xb5\xe6\x99\x93\xe6\x9d\x83</t></si></sst>"
    )
    assert open_xlsx(io.BytesIO(with_shared_strings(sst)), **LIMITS).header == ("赵晓权",)


def test_a_lying_dimension_tag_is_not_trusted() -> None:
    one_cell = sheet_xml("A1:XFD1048576", '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>')
    data = replace_members(workbook_bytes([["x"]]), {SHEET: one_cell})
    with bounded(seconds=2, megabytes=20):
        table = open_xlsx(io.BytesIO(data), **LIMITS)
    assert [(r.number, r.values) for r in table.rows] == [(1, ("姓名",))]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ('<row r="1048576"><c r="A1048576"><v>1</v></c></row>', "行数过多"),
        ('<row r="1"><c r="XFD1"><v>1</v></c></row>', "列数过多"),
        ('<row r="2"><c r="AE2"><v>1</v></c></row>', "列数过多"),
    ],
    ids=["last-row", "last-column", "one-column-too-many"],
)
def test_cells_beyond_the_limits_are_refused_without_padding(cells: str, expected: str) -> None:
    data = replace_members(workbook_bytes([["x"]]), {SHEET: sheet_xml("A1:XFD1048576", cells)})
    assert expected in refused(data)


def test_formula_cells_are_refused_naming_the_cell() -> None:
    data = workbook_bytes([["姓名", "工资"], ["赵晓权", "=SUM(1,2)"]])
    assert "B2" in refused(data) and "公式" in refused(data)


def test_text_that_starts_with_equals_is_refused_too() -> None:
    as_text = sheet_xml(
        "A1:A1", '<row r="1"><c r="A1" t="inlineStr"><is><t>=cmd|\' /C calc\'!A0</t></is></c></row>'
    )
    data = replace_members(workbook_bytes([["x"]]), {SHEET: as_text})
    assert "A1" in refused(data)


def test_an_archive_of_too_many_parts_is_refused() -> None:
    buf = io.BytesIO(workbook_bytes([["x"]]))
    with zipfile.ZipFile(buf, "a") as zf:
        for i in range(300):
            zf.writestr(f"xl/extra/{i}.bin", b"x")
    assert "部件" in refused(buf.getvalue())


# --- csv ----------------------------------------------------------------------------------------------------------


def test_csv_in_utf8_and_gbk_is_read() -> None:
    text = "姓名,手机号码\n赵晓权,13800000001\n"
    for encoding in ("utf-8-sig", "gb18030"):
        table = read_csv(io.BytesIO(text.encode(encoding)), **LIMITS)
        assert list(table.records()) == [(2, {"姓名": "赵晓权", "手机号码": "13800000001"})]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("姓名\n=1+1\n".encode(), "公式"),
        (b"a\x00b\n", "空字符"),
        (("a," * 40 + "\n").encode(), "列数过多"),
        (("a\n" * 1200).encode(), "行数过多"),
        (b"PK\x03\x04xxxx", "Excel"),
    ],
    ids=["formula", "nul", "columns", "rows", "xlsx"],
)
def test_bad_csv_is_refused(content: bytes, expected: str) -> None:
    with pytest.raises(UploadRefused, match=expected):
        read_csv(io.BytesIO(content), **LIMITS)


def test_exported_cells_are_neutralised() -> None:
    assert [neutralise(v) for v in ("=1+1", "+86", "-1", "@x", "赵", 5, None)] == [
        "'=1+1",
        "'+86",
        "'-1",
        "'@x",
        "赵",
        5,
        None,
    ]


def test_defusedxml_alone_refuses_billion_laughs(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the DOCTYPE scan switched off, openpyxl's defusedxml parser still refuses the expansion."""
    from webapp.services import uploads

    monkeypatch.setattr(uploads, "_check_xml_parts", lambda archive: None)
    laughs = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol3;</t></si></sst>'
    )
    assert "实体" in refused(with_shared_strings(laughs))
