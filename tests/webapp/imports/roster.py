"""Spreadsheets for the import tests: rosters of valid workers (real .xlsx and .csv files) with chosen bad rows."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from stdnum.cn import ric

WUCUN = "410923201001"  # 南乐县杨村乡吴村
HEADER = [
    "姓名",
    "身份证号码",
    "手机号码",
    "户籍地",
    "技能",
    "建档立卡",
    "外出意愿",
    "文化程度",
    "期望月工资（元）",
]


def roster_id(i: int, region6: str = "410923") -> str:
    """The ``i``-th of many distinct valid ID numbers (birth dates from 1970, 500 per day)."""
    birth = date(1970, 1, 1) + timedelta(days=i // 500)
    body = f"{region6}{birth:%Y%m%d}{i % 500 * 2 + 1:03d}"
    return body + ric.calc_check_digit(body + "0")


def roster_rows(count: int, *, start: int = 0, region: str = WUCUN) -> list[list[Any]]:
    return [
        [
            f"工人{i}",
            roster_id(i, region[:6]),
            f"138{i:08d}",
            region,
            "电焊、氩弧焊" if i % 2 else "缝纫",
            "是" if i % 3 else "否",
            "全国" if i % 4 else "本县",
            "初中",
            5000 + i % 7 * 100,
        ]
        for i in range(start, start + count)
    ]


def write_xlsx(path: Path, rows: Iterable[Sequence[Any]], header: Sequence[Any] = HEADER) -> Path:
    """An .xlsx as Excel writes it (shared strings and the sheet's dimension, which read-only mode uses)."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = "求职人员"
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    wb.save(path)
    return path


def write_csv(
    path: Path, rows: Iterable[Sequence[Any]], header: Sequence[Any] = HEADER, encoding: str = "utf-8-sig"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path
