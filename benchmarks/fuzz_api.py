"""Schemathesis against the running API for a fixed time, with every check, as a staff member.

A measurement, not a unit test (``tests/webapp/security/test_schemathesis.py`` is the bounded one in the suite):

1. builds a scratch database (SQLite in a temporary folder, or ``--database-url``; on PostgreSQL give a database
   you may wipe: its ``public`` schema is dropped first) with the migrations and a small Puyang demo;
2. serves the app on 127.0.0.1 (Werkzeug, threaded) with a random secret key;
3. runs ``schemathesis run --checks all`` for ``--seconds`` with the city staff's bearer token;
4. prints the duration, the number of calls (by status), the server errors (5xx) and the failures by check.

Run: ``.venv/bin/python benchmarks/fuzz_api.py --seconds 200`` (``--database-url postgresql+psycopg://...``).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from webapp import create_app  # noqa: E402
from webapp.extensions import db  # noqa: E402

CALL_RE = re.compile(r"(\d+) generated")


def _reset(url: str) -> None:
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


def build_app(url: str):  # type: ignore[no-untyped-def]
    from flask_migrate import upgrade

    from webapp.services.demo import load_demo
    from webapp.services.reference import sync_regions

    _reset(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32)})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory, revision="heads")
        sync_regions(db.session)
        load_demo(db.session, workers=300, job_orders=40, employers=30, seed=2019)
        db.session.remove()
    return app


def token(base: str, username: str, password: str) -> str:
    request = urllib.request.Request(
        f"{base}/api/v1/auth/token",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as resp:
        return str(json.load(resp)["token"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=200)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--user", default="city_staff")
    parser.add_argument("--report", default="", help="also write schemathesis' output to this file")
    args = parser.parse_args()

    from webapp.services.demo import DEMO_PASSWORD

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/fuzz.sqlite3"
        app = build_app(url)
        errors: list[str] = []
        app.logger.handlers[:] = []
        app.logger.addHandler(_Collect(errors))
        statuses: Counter[int] = Counter()

        @app.after_request
        def count(response):  # type: ignore[no-untyped-def]
            statuses[response.status_code] += 1
            return response

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request would drown the summary
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        bearer = token(base, args.user, DEMO_PASSWORD)
        command = [
            str(ROOT / ".venv" / "bin" / "schemathesis"),
            "run",
            f"{base}/api/v1/openapi.json",
            "--checks",
            "all",
            "--max-time",
            str(args.seconds),
            "--continue-on-failure",
            "--workers",
            "1",
            "--suppress-health-check",
            "all",
            "--no-color",
            "-H",
            f"Authorization: Bearer {bearer}",
        ]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp)
        elapsed = time.perf_counter() - started
        server.shutdown()
        output = done.stdout + done.stderr
        if args.report:
            Path(args.report).write_text(output)
        calls = sum(int(n) for n in CALL_RE.findall(output))
        failures = Counter(re.findall(r"^- (.+)$", output, flags=re.MULTILINE))
        print(output[-6000:])
        print(f"database: {url.split('://')[0]}  user: {args.user}")
        print(f"duration: {elapsed:.0f} s  test cases generated: {calls}  exit code: {done.returncode}")
        print(f"HTTP calls answered: {sum(statuses.values())}  by status: {dict(sorted(statuses.items()))}")
        print(
            f"server errors: {sum(n for code, n in statuses.items() if code >= 500)} 5xx answers, {len(errors)} logged"
        )
        for name, count in failures.most_common():
            print(f"  failure: {name} ×{count}")
        with app.app_context():
            db.engine.dispose()
    return 0


class _Collect(logging.Handler):
    """Keeps the app's unhandled-error records: every 5xx logs one."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())


if __name__ == "__main__":
    raise SystemExit(main())
