"""Hostile input never reaches the database as a 500 (issue 12, items 3 and 11), on SQLite and PostgreSQL.

Every route of the url map is tried (routes added later are tried too): path ids beyond the database's integer
range, page numbers beyond 64 bits, NUL, control characters and lone surrogates in the query string, the path,
form posts and JSON bodies. Each answer is a 4xx that names the field. Bodies are capped per route (20 MB
answers 413 before it is parsed) and list fields are bounded before any work (40,000 items answer 422 at once).
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from tests.builders import WUCUN, id_number, login, make_user
from tests.webapp.security.support import World, fill, int_args, placeholder, routes
from webapp.models import Worker

#: Beyond PostgreSQL's INTEGER, beyond 64 bits, and digits enough to be slow to turn into a number.
HUGE_IDS = (str(2**31), str(2**64), "9" * 5000)
HUGE_PAGES = (str(2**63), str(2**64 * 10), "9" * 5000)
#: List pages (and API lists) that read ``page``.
LIST_URLS = (
    "/workers/",
    "/job-orders/",
    "/employers/",
    "/board/",
    "/board/courses",
    "/board/signups",
    "/training/courses",
    "/placements/",
    "/fairs/",
    "/cooperation/",
    "/subsidies/",
    "/account/users",
    "/api/v1/workers",
    "/api/v1/job-orders",
)
BAD_TEXTS = {
    "nul": "a\x00b",
    "control": "a\x1bb",
    "c1-control": "a\x85b",
}
ALL_METHODS = ("GET", "POST")


def _admin_client(app: Flask, world: World) -> FlaskClient:
    client = app.test_client()
    login(client, world.users["admin"])
    return client


def _api_headers(app: Flask, world: World) -> dict[str, str]:
    from tests.builders import api_token

    return api_token(app.test_client(), world.users["admin"])


def _call(client: FlaskClient, method: str, url: str, headers: dict[str, str], **kw: Any) -> Any:
    if url.startswith("/api/"):
        kw.setdefault("headers", headers)
    return client.open(url, method=method, **kw)


def _fields_named(resp: Any, name: str) -> bool:
    """The answer names ``name``: the API's ``error.fields``, or the error page's field list."""
    if resp.is_json:
        return name in ((resp.get_json() or {}).get("error") or {}).get("fields", {})
    return f"<strong>{name}</strong>" in resp.get_data(as_text=True)


def _with_ids(rule: Rule, id_value: int | str, target: str | None = None) -> str:
    values: dict[str, Any] = {name: (id_value if name == target else 1) for name in int_args(rule)}
    values.update({n: placeholder(rule, n) for n in rule.arguments if n not in values})
    return fill(rule, values)


@pytest.mark.parametrize("method", ALL_METHODS)
def test_path_ids_beyond_the_integer_range_answer_404_naming_the_id(
    app: Flask, world: World, method: str
) -> None:
    client, headers = _admin_client(app, world), _api_headers(app, world)
    failures = []
    tried = 0
    for rule in routes(app, method):
        for name in int_args(rule):
            for huge in HUGE_IDS:
                url = _with_ids(rule, huge, name)
                resp = _call(client, method, url, headers)
                tried += 1
                if resp.status_code != 404 or not _fields_named(resp, name):
                    failures.append(f"{method} {rule.rule} {name}={huge[:20]}: {resp.status_code}")
    assert tried > 50
    assert failures == [], "\n".join(failures)


def test_page_numbers_beyond_64_bits_answer_400_naming_page(app: Flask, world: World) -> None:
    client, headers = _admin_client(app, world), _api_headers(app, world)
    failures = []
    for url in LIST_URLS:
        for page in HUGE_PAGES:
            resp = _call(client, "GET", f"{url}?page={page}", headers)
            if resp.status_code != 400 or not _fields_named(resp, "page"):
                failures.append(f"{url}?page={page[:20]}: {resp.status_code}")
    assert failures == [], "\n".join(failures)


def test_every_get_route_survives_huge_numbers_in_its_query(app: Flask, world: World) -> None:
    """Routes read other numbers too (``limit``, ``worker``, ``wage``): never a 500."""
    client, headers = _admin_client(app, world), _api_headers(app, world)
    failures = []
    huge = 2**64 * 10
    query = "&".join(f"{n}={huge}" for n in ("page", "per_page", "limit", "worker", "wage", "job_order_id"))
    for rule in routes(app, "GET"):
        url = _with_ids(rule, 1)
        resp = _call(client, "GET", f"{url}?{query}", headers)
        if resp.status_code >= 500:
            failures.append(f"GET {url}: {resp.status_code}")
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("kind", sorted(BAD_TEXTS))
def test_unsafe_text_in_any_query_string_answers_400_naming_the_parameter(
    app: Flask, world: World, kind: str
) -> None:
    client, headers = _admin_client(app, world), _api_headers(app, world)
    failures = []
    for rule in routes(app, "GET"):
        url = _with_ids(rule, 1)
        resp = _call(client, "GET", f"{url}?q={quote(BAD_TEXTS[kind])}", headers)
        if resp.status_code != 400 or not _fields_named(resp, "q"):
            failures.append(f"GET {url}?q=<{kind}>: {resp.status_code}")
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("kind", sorted(BAD_TEXTS))
def test_unsafe_text_in_any_form_post_answers_422_naming_the_field(
    app: Flask, world: World, kind: str
) -> None:
    client, headers = _admin_client(app, world), _api_headers(app, world)
    failures = []
    tried = 0
    for rule in routes(app, "POST"):
        if rule.rule.startswith("/api/"):
            continue
        url = _with_ids(rule, 1)
        form = {"name": BAD_TEXTS[kind], "title": "电焊工", "note": "x"}
        resp = _call(client, "POST", url, headers, data=form)
        tried += 1
        if resp.status_code != 422 or not _fields_named(resp, "name"):
            failures.append(f"POST {url} name=<{kind}>: {resp.status_code}")
    assert tried > 30
    assert failures == [], "\n".join(failures)


def test_unsafe_text_in_a_path_segment_is_refused(app: Flask, world: World) -> None:
    client = _admin_client(app, world)
    resp = client.get("/excel/templates/" + quote("work\x00ers") + ".xlsx")
    assert resp.status_code == 404 and _fields_named(resp, "kind")


SURROGATE_BODIES = {
    "/api/v1/workers": {"name": "\ud800", "skills": ["电焊", "a\udfffb"]},
    "/api/v1/employers": {"name": "\udbff公司"},
    "/api/v1/job-orders": {"title": "焊工\ud83d"},
}


@pytest.mark.parametrize("url", sorted(SURROGATE_BODIES))
def test_lone_surrogates_and_nul_in_json_answer_422_naming_the_field(
    app: Flask, world: World, db_session: Session, url: str
) -> None:
    headers = {**_api_headers(app, world), "Content-Type": "application/json"}
    client = app.test_client()
    body = SURROGATE_BODIES[url]
    # json.dumps writes a lone surrogate as the escape "\udxxx", exactly as a hostile client would send it
    resp = client.post(url, data=json.dumps(body), headers=headers)
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert set(resp.get_json()["error"]["fields"]) >= set(body)
    nul = client.post(url, data=json.dumps({"name": "a\u0000b"}), headers=headers)
    assert nul.status_code == 422 and "name" in nul.get_json()["error"]["fields"]
    patch = client.patch(
        f"/api/v1/workers/{world.workers['qingfeng'].id}",
        data=json.dumps({"skills": ["\ud800"]}),
        headers=headers,
    )
    assert patch.status_code == 422 and "skills" in patch.get_json()["error"]["fields"]


@pytest.mark.parametrize("huge", [2**31, 2**64])
@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/placements", "worker_id"),
        ("/api/v1/placements", "job_order_id"),
        ("/api/v1/placements", "employer_id"),
        ("/api/v1/job-orders", "employer_id"),
    ],
)
def test_ids_beyond_the_integer_range_in_json_answer_422_naming_the_field(
    app: Flask, world: World, url: str, field: str, huge: int
) -> None:
    """Found by schemathesis on PostgreSQL: a worker_id of 2**31 reached the database (integer out of range)."""
    headers = {**_api_headers(app, world), "Content-Type": "application/json"}
    body: dict[str, Any] = {field: huge}
    if url.endswith("placements"):
        body = {"worker_id": world.workers["qingfeng"].id, "start_date": "2026-01-01", **body}
    resp = app.test_client().post(url, data=json.dumps(body), headers=headers)
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert field in resp.get_json()["error"]["fields"]


# --- item 3: bodies capped per route, lists bounded before any work ----------------------------------------

TWENTY_MB = 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/api/v1/workers", "application/json"),
        ("/board/signup", "application/x-www-form-urlencoded"),
        ("/auth/login", "application/x-www-form-urlencoded"),
    ],
)
def test_a_20_mb_body_is_refused_with_413_before_it_is_read(
    app: Flask, world: World, url: str, content_type: str
) -> None:
    headers = {"Content-Type": content_type}
    if url.startswith("/api/"):
        headers.update(_api_headers(app, world))
    body = (
        b'{"name": "' + b"a" * (TWENTY_MB - 12) + b'"}'
        if "json" in content_type
        else b"name=" + b"a" * TWENTY_MB
    )
    started = time.perf_counter()
    resp = app.test_client().post(url, data=body, headers=headers)
    elapsed = time.perf_counter() - started
    assert resp.status_code == 413, resp.status_code
    assert elapsed < 2.0


def test_upload_routes_alone_take_files_up_to_the_upload_limit(app: Flask, world: World) -> None:
    """A 2 MB .xlsx-sized post reaches the importer (which judges the file) but a 2 MB form anywhere else is 413."""
    client = _admin_client(app, world)
    two_mb = b"PK\x03\x04" + b"\x00" * (2 * 1024 * 1024)
    import io

    upload = client.post(
        "/excel/import", data={"kind": "workers", "file": (io.BytesIO(two_mb), "roster.xlsx")}
    )
    assert upload.status_code == 422  # read and refused as a broken workbook, not cut off
    other = client.post("/workers/new", data={"name": "a" * (2 * 1024 * 1024)})
    assert other.status_code == 413


def _items(n: int) -> list[str]:
    return [f"s{i}" for i in range(n)]


def test_40000_list_items_on_the_public_sign_up_answer_422_at_once(app: Flask, db_session: Session) -> None:
    form = {
        "name": "张秀花",
        "id_number": id_number("410923", male=False, seq=811),
        "phone": "13912345678",
        "region_code": WUCUN,
        "skills": ",".join(_items(40_000)),
        "desired_training": "厨师",
    }
    started = time.perf_counter()
    resp = app.test_client().post("/board/signup", data=form)
    elapsed = time.perf_counter() - started
    assert resp.status_code == 422 and "最多10项" in resp.get_data(as_text=True)
    assert elapsed < 1.0
    assert db_session.scalar(select(func.count(Worker.id))) == 0


def test_40000_list_items_in_the_api_answer_422_naming_the_field_at_once(app: Flask, world: World) -> None:
    headers = {**_api_headers(app, world), "Content-Type": "application/json"}
    body = {"name": "张三", "skills": _items(40_000), "certificates": _items(40_000)}
    started = time.perf_counter()
    resp = app.test_client().post("/api/v1/workers", data=json.dumps(body), headers=headers)
    elapsed = time.perf_counter() - started
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert "skills" in fields and "certificates" in fields
    assert elapsed < 1.0


def test_a_flood_of_repeated_form_fields_answers_422_naming_it(app: Flask, world: World) -> None:
    client = _admin_client(app, world)
    data = "&".join(f"worker_ids={i}" for i in range(1, 5001)).encode()
    resp = client.post(
        "/cooperation/batches/1/arrival", data=data, content_type="application/x-www-form-urlencoded"
    )
    assert resp.status_code == 422 and _fields_named(resp, "worker_ids")


def test_staff_user_sees_the_same_refusals(app: Flask, db_session: Session) -> None:
    """Not only administrators: a county staff member's list page refuses a huge page number too."""
    staff = make_user(db_session, role="staff", region_code="410923")
    client = app.test_client()
    login(client, staff)
    resp = client.get(f"/workers/?page={2**64}")
    assert resp.status_code == 400 and _fields_named(resp, "page")
