"""Benchmark the Excel import: a 100,000-row worker roster into a fresh SQLite database.

Run as ``.venv/bin/python benchmarks/bench_import.py [--rows N] [--seed S]``.

The roster is an .xlsx of the template's columns (name, ID number as text, phone, village, skills, registered-poor,
mobility, education, expected wage), written with openpyxl's write-only mode and given the sheet dimension that
Excel writes (read-only mode uses it instead of scanning the sheet). The import runs in a child process on a
database built by the migrations, so that its peak memory is its own:

- ``import_rows_per_s`` — rows checked and written per second by ``run_import`` (all rows new);
- ``import_again_rows_per_s`` — the same file imported again (every row compared, none written);
- ``import_peak_mib`` — peak resident memory of the child process (``getrusage`` maxrss), which includes the
  application itself (``import_base_mib``, measured before the import).

Figures are printed and merged into ``benchmarks/results/latest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
sys.path.insert(0, str(ROOT))

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
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "国建军志新伟强勇明平秀英兰凤梅桂芳玲霞丽"
SKILLS = ("电焊", "氩弧焊", "缝纫", "烹饪", "美发", "月嫂", "叉车", "保洁", "种植", "电工")
MOBILITY = ("本村", "本乡镇", "本县", "本市", "本省", "全国")
EDUCATION = ("小学", "初中", "高中", "中专", "大专")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def write_roster(path: Path, rows: int, seed: int) -> None:
    from openpyxl import Workbook
    from stdnum.cn import ric

    import config

    rng = random.Random(seed)
    villages = [
        r["code"] for r in config.load_regions() if r["level"] == "village" and r["code"].startswith("4109")
    ]
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("求职人员")
    sheet.append(HEADER)
    for i in range(rows):
        village = rng.choice(villages)
        birth = date(1965, 1, 1) + timedelta(days=i // 400)
        body = f"{village[:6]}{birth:%Y%m%d}{i % 400 * 2 + rng.randint(0, 1):03d}"
        sheet.append(
            [
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                body + ric.calc_check_digit(body + "0"),
                f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                village,
                "、".join(rng.sample(SKILLS, rng.randint(1, 3))),
                rng.choice(("是", "否")),
                rng.choice(MOBILITY),
                rng.choice(EDUCATION),
                rng.randrange(2500, 8000, 100),
            ]
        )
    raw = path.with_suffix(".raw.xlsx")
    wb.save(raw)
    _add_dimension(raw, path, f"A1:I{rows + 1}")
    raw.unlink()


def _add_dimension(source: Path, target: Path, ref: str) -> None:
    """Copy the workbook, inserting ``<dimension ref=…/>`` into the first sheet as Excel writes it."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetViews>", f'<dimension ref="{ref}"/><sheetViews>'.encode(), 1)
            zout.writestr(item, data)


def child(roster: Path, database: Path, rows: int) -> dict[str, Any]:
    """Build the database, then time the import twice; runs in its own process."""
    from flask_migrate import upgrade

    import config
    from webapp import create_app
    from webapp.extensions import db
    from webapp.services.imports import run_import
    from webapp.services.reference import sync_regions
    from webapp.services.scope import Actor

    # config/security.toml caps an uploaded sheet at max_rows spreadsheet rows, the header included; this
    # process allows the benchmark's roster (header + data rows) whatever that cap is.
    uploads = config.load_security_settings()["uploads"]
    uploads["max_rows"] = max(uploads["max_rows"], rows + 1)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "TESTING": True})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory, revision="heads")
        sync_regions(db.session)
        actor = Actor(None, "admin", username="bench")
        base = peak_mib()
        t0 = time.perf_counter()
        first = run_import(db.session, actor, "workers", roster)
        first_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = run_import(db.session, actor, "workers", roster)
        again_s = time.perf_counter() - t0
    if not (first.ok and again.ok and first.created == first.rows and again.unchanged == again.rows):
        raise SystemExit(f"import failed: {[e.describe() for e in first.errors[:5] + again.errors[:5]]}")
    return {
        "import_rows": first.rows,
        "import_s": round(first_s, 2),
        "import_rows_per_s": round(first.rows / first_s),
        "import_again_rows_per_s": round(again.rows / again_s),
        "import_base_mib": round(base, 1),
        "import_peak_mib": round(peak_mib(), 1),
    }


def merge_results(updates: dict[str, Any]) -> None:
    """Merge ``updates`` into ``RESULTS``, keeping the other benchmarks' keys."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    data.update(updates)
    fd, tmp = tempfile.mkstemp(dir=RESULTS.parent, prefix=".latest-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=2, sort_keys=True)
        out.write("\n")
    os.replace(tmp, RESULTS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20191217)
    parser.add_argument("--child", nargs=2, metavar=("ROSTER", "DATABASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), Path(args.child[1]), args.rows)))
        return
    with tempfile.TemporaryDirectory(prefix="liudan-bench-import-") as tmp:
        roster, database = Path(tmp) / "roster.xlsx", Path(tmp) / "bench.sqlite3"
        t0 = time.perf_counter()
        write_roster(roster, args.rows, args.seed)
        print(
            f"roster: {args.rows} rows, {roster.stat().st_size / 1e6:.1f} MB, written in {time.perf_counter() - t0:.1f}s"
        )
        out = subprocess.run(
            [sys.executable, __file__, "--rows", str(args.rows), "--child", str(roster), str(database)],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures["import_machine"] = (
        f"{platform.machine()} {platform.system()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    for key, value in figures.items():
        print(f"{key:26} {value}")
    merge_results(figures)
    print(f"merged into {RESULTS}")


if __name__ == "__main__":
    main()
