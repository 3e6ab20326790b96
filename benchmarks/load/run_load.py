"""Load run: gunicorn (4 workers) on PostgreSQL with the Puyang demo at city scale, at fixed offered rates.

What it does, all on the loopback interface and bounded in requests and time:

1. creates a scratch PostgreSQL database (``liudan_load_<pid>``; never the ``test`` database) and drops it at
   the end, whatever happens;
2. ``liudan setup --no-demo`` and ``liudan demo --workers 100000 --job-orders 5000`` into it;
3. starts ``gunicorn -w 4`` on 127.0.0.1 and warms every worker process up;
4. for each endpoint — the public board, a job order's match list, a worker search — sends requests at a
   fixed offered rate (open loop: a request's latency counts from when it was due, so a slow server cannot
   hide its queue), for a fixed duration, and records requests/s held, p50/p95/p99 and the error rate;
5. writes ``benchmarks/load/results.json`` and prints a table (``REPORT.md`` discusses the figures).

Run: ``make bench-load`` (or ``.venv/bin/python benchmarks/load/run_load.py --workers 20000 --quick``).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
RESULTS = Path(__file__).resolve().parent / "results.json"
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
HOST = "127.0.0.1"
DEMO_PASSWORD = "chunfeng-demo-2026"
REQUEST_TIMEOUT = 10.0
COLD_TIMEOUT = 900.0
MAX_REQUESTS_PER_STEP = 5000


# --- the scratch database ----------------------------------------------------------------------------------


@contextlib.contextmanager
def scratch_database() -> Iterator[str]:
    import psycopg

    name = f"liudan_load_{os.getpid()}"
    assert name != "test"
    admin = psycopg.connect(dbname="postgres", autocommit=True, **PG)  # type: ignore[arg-type]
    try:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        yield f"postgresql+psycopg://{PG['user']}@{PG['host']}:{PG['port']}/{name}"
    finally:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def liudan(env: dict[str, str], *args: str, timeout: float = 3600) -> float:
    started = time.perf_counter()
    subprocess.run([str(BIN / "liudan"), *args], env=env, check=True, timeout=timeout, cwd=ROOT)
    return time.perf_counter() - started


# --- the server ----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"{HOST}:{port}",
            "--timeout",
            "900",  # a worker's first match request builds its engine index of the whole city
            "--log-level",
            "warning",
            "webapp:create_app()",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if get(port, "/auth/login")[0] == 200:
                    break
            time.sleep(0.5)
        else:
            raise RuntimeError("gunicorn did not answer within 90 s")
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def get(
    port: int, path: str, headers: dict[str, str] | None = None, timeout: float = REQUEST_TIMEOUT
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def post_json(port: int, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"null")
    finally:
        conn.close()


# --- the load generator ----------------------------------------------------------------------------------------


@dataclass
class Step:
    endpoint: str
    offered_rps: float
    duration_s: float
    requests: int
    ok: int
    errors: int
    held_rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    service_p50_ms: float
    error_rate: float


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def offered_load(
    port: int, endpoint: str, paths: list[str], headers: dict[str, str], rate: float, duration: float
) -> Step:
    """Send ``rate`` requests per second for ``duration`` seconds (open loop), cycling through ``paths``."""
    count = min(int(rate * duration), MAX_REQUESTS_PER_STEP)
    local = threading.local()
    records: list[tuple[float, float, float, int]] = []
    lock = threading.Lock()
    start = time.perf_counter() + 0.5

    def connection() -> http.client.HTTPConnection:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        return conn

    def one(i: int) -> None:
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        sent = time.perf_counter()
        status = 0
        try:
            conn = connection()
            conn.request("GET", paths[i % len(paths)], headers=headers)
            resp = conn.getresponse()
            resp.read()
            status = resp.status
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                local.conn = None
        except (OSError, http.client.HTTPException):
            with contextlib.suppress(Exception):
                connection().close()
            local.conn = None
        done = time.perf_counter()
        with lock:
            records.append((due, sent, done, status))

    with ThreadPoolExecutor(max_workers=min(128, max(8, int(rate * 2)))) as pool:
        list(pool.map(one, range(count)))
    ok = [r for r in records if 200 <= r[3] < 300]
    latencies = [(done - due) * 1000 for due, _sent, done, _s in records]
    service = [(done - sent) * 1000 for _due, sent, done, _s in ok]
    finished = max(r[2] for r in records) - start
    return Step(
        endpoint=endpoint,
        offered_rps=rate,
        duration_s=round(finished, 2),
        requests=len(records),
        ok=len(ok),
        errors=len(records) - len(ok),
        held_rps=round(len(ok) / finished, 1) if finished > 0 else 0.0,
        p50_ms=round(percentile(latencies, 50), 1),
        p95_ms=round(percentile(latencies, 95), 1),
        p99_ms=round(percentile(latencies, 99), 1),
        max_ms=round(max(latencies), 1),
        service_p50_ms=round(statistics.median(service), 1) if service else float("nan"),
        error_rate=round((len(records) - len(ok)) / len(records), 4),
    )


# --- the run -------------------------------------------------------------------------------------------------


def token(port: int, username: str) -> dict[str, str]:
    status, body = post_json(port, "/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD})
    if status != 200:
        raise RuntimeError(f"no token for {username}: {status} {body}")
    return {"Authorization": f"Bearer {body['token']}"}


def targets(port: int, env: dict[str, str]) -> dict[str, tuple[list[str], dict[str, str]]]:
    admin, city = token(port, "admin"), token(port, "city_staff")
    status, body = get(port, "/api/v1/job-orders?status=open&per_page=50", admin)
    orders = [o["id"] for o in json.loads(body)["items"]][:20]
    if status != 200 or not orders:
        raise RuntimeError("no open job orders to rank")
    surnames = "王李张刘陈杨赵黄周吴"
    return {
        "board (public page)": (["/board/", "/board/?page=2", "/board/?q=" + quote("焊工")], {}),
        "match list (API, admin)": ([f"/api/v1/job-orders/{i}/matches?limit=20" for i in orders], admin),
        "worker search (API, city staff)": (
            [f"/api/v1/workers?q={quote(s)}&per_page=20" for s in surnames],
            city,
        ),
    }


def warm_up(port: int, plan: dict[str, tuple[list[str], dict[str, str]]], web_workers: int) -> float:
    """Every gunicorn worker builds its engine index and caches before anything is measured.

    As many match requests at once as there are workers (a sync worker takes one at a time, so each worker
    gets one), three rounds; then every path of every endpoint a few times. Returns the first round's time:
    the cold start of a worker's index.
    """
    match_paths, match_headers = plan["match list (API, admin)"]
    started = time.perf_counter()
    cold = 0.0
    with ThreadPoolExecutor(max_workers=web_workers) as pool:
        for round_ in range(3):
            jobs = [
                pool.submit(get, port, match_paths[i % len(match_paths)], match_headers, COLD_TIMEOUT)
                for i in range(web_workers)
            ]
            for job in jobs:
                job.result()
            if round_ == 0:
                cold = time.perf_counter() - started
    with ThreadPoolExecutor(max_workers=web_workers) as pool:
        jobs = [
            pool.submit(get, port, path, headers, COLD_TIMEOUT)
            for paths, headers in plan.values()
            for path in paths
            for _ in range(2)
        ]
        for job in jobs:
            job.result()
    return cold


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=100_000, help="registered workers in the demo city")
    parser.add_argument("--job-orders", type=int, default=5_000)
    parser.add_argument("--employers", type=int, default=1_000)
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per offered rate")
    parser.add_argument("--quick", action="store_true", help="one short rate per endpoint (a smoke run)")
    args = parser.parse_args()

    rates = {
        "board (public page)": [25, 50, 100],
        "match list (API, admin)": [5, 10, 20],
        "worker search (API, city staff)": [25, 50, 100],
    }
    if args.quick:
        rates = {k: v[:1] for k, v in rates.items()}
        args.duration = min(args.duration, 5.0)
    report: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "data": {"workers": args.workers, "job_orders": args.job_orders, "employers": args.employers},
        "web_workers": args.web_workers,
        "duration_s_per_rate": args.duration,
        "steps": [],
    }
    with scratch_database() as url:
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32), "FLASK_DEBUG": "0"}
        report["setup_s"] = round(liudan(env, "setup", "--no-demo"), 1)
        report["demo_load_s"] = round(
            liudan(
                env,
                "demo",
                "--workers",
                str(args.workers),
                "--job-orders",
                str(args.job_orders),
                "--employers",
                str(args.employers),
            ),
            1,
        )
        port = free_port()
        with gunicorn(env, port, args.web_workers):
            plan = targets(port, env)
            started = time.perf_counter()
            report["cold_index_s"] = round(warm_up(port, plan, args.web_workers), 1)
            report["warm_up_s"] = round(time.perf_counter() - started, 1)
            print(
                f"cold start (index of {args.workers} workers in each web worker): {report['cold_index_s']} s"
            )
            for endpoint, (paths, headers) in plan.items():
                for rate in rates[endpoint]:
                    step = offered_load(port, endpoint, paths, headers, rate, args.duration)
                    report["steps"].append(asdict(step))
                    print(
                        f"{endpoint:34} offered {rate:6.1f}/s held {step.held_rps:6.1f}/s "
                        f"p50 {step.p50_ms:7.1f} p95 {step.p95_ms:7.1f} p99 {step.p99_ms:7.1f} ms "
                        f"errors {step.error_rate:.2%}",
                        flush=True,
                    )
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"results: {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
