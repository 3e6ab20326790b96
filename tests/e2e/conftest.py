"""End-to-end fixtures: the Puyang demo served on loopback, Debian's Chromium driven by Playwright.

- ``live_server`` (session): a temporary SQLite file (also when ``TEST_DATABASE_URL`` is set, so the other
  tests' database is never touched), built by the migrations, with the region tree and a small demo city,
  served by werkzeug on 127.0.0.1 with an ephemeral port in a background thread.
- ``browser`` (per module, so that no Playwright event loop outlives the e2e tests): ``/usr/bin/chromium``;
  missing, the tests FAIL (they are part of ``make test``; ``.ci/run`` installs it).
- ``open_visitor(**context_options)`` / ``visitor``: a fresh browser context per person with the external-request
  guard (see ``support.Visitor``). A failing test saves a full-page PNG of each of its visitors under
  ``tests/e2e/screenshots/`` (ignored by git).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Generator, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright
from werkzeug.serving import make_server

from tests.e2e.support import CHROMIUM, CHROMIUM_ARGS, LiveServer, Visitor
from webapp import create_app
from webapp.extensions import db

DEMO_SIZES = {"workers": 300, "job_orders": 40, "employers": 30, "seed": 2019}
VISITORS = pytest.StashKey[list[Visitor]]()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from flask_migrate import upgrade

    from webapp.services.demo import load_demo
    from webapp.services.reference import sync_regions

    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32)})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory, revision="heads")
        sync_regions(db.session)
        load_demo(db.session, **DEMO_SIZES)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the end-to-end tests drive Debian's Chromium. Install it with "
            "`apt-get install -y chromium fonts-noto-cjk` (`make test` does this when it runs as root).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def open_visitor(
    request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer
) -> Iterator[Callable[..., Visitor]]:
    visitors: list[Visitor] = []
    request.node.stash[VISITORS] = visitors

    def open_(as_user: str | None = None, **context_options: Any) -> Visitor:
        """A new person; ``as_user`` starts them logged in (a login done once per account and run)."""
        options: dict[str, Any] = {"locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}
        options.update(context_options)
        if as_user is not None:
            options["storage_state"] = _login_state(browser, live_server, as_user)
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        visitor = Visitor.open(live_server, context)
        visitors.append(visitor)
        return visitor

    yield open_
    for visitor in visitors:
        visitor.context.close()


def _login_state(browser: Browser, live_server: LiveServer, username: str) -> Any:
    if username not in live_server.login_states:
        context = browser.new_context()
        try:
            Visitor.open(live_server, context).login(username)
            live_server.login_states[username] = context.storage_state()
        finally:
            context.close()
    return live_server.login_states[username]


@pytest.fixture
def visitor(open_visitor: Callable[..., Visitor]) -> Visitor:
    return open_visitor()


@pytest.fixture(scope="module")
def _shared_visitors(browser: Browser, live_server: LiveServer) -> Iterator[dict[str | None, Visitor]]:
    shared: dict[str | None, Visitor] = {}
    yield shared
    for visitor in shared.values():
        visitor.context.close()


@pytest.fixture
def returning_visitor(
    request: pytest.FixtureRequest,
    browser: Browser,
    live_server: LiveServer,
    _shared_visitors: dict[str | None, Visitor],
) -> Callable[[str | None], Visitor]:
    """The same browser (cache, cookies) for a user across a module's tests, for page-by-page checks: each
    test starts with empty request records, and its first page should be opened with ``?lang=zh``."""

    def get(as_user: str | None) -> Visitor:
        if as_user not in _shared_visitors:
            options: dict[str, Any] = {"locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}
            if as_user is not None:
                options["storage_state"] = _login_state(browser, live_server, as_user)
            context = browser.new_context(**options)
            context.set_default_timeout(15_000)
            _shared_visitors[as_user] = Visitor.open(live_server, context)
        visitor = _shared_visitors[as_user]
        visitor.external.clear()
        visitor.refused.clear()
        visitor.script_errors.clear()
        request.node.stash.setdefault(VISITORS, []).append(visitor)
        return visitor

    return get


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    if report.failed and report.when in ("setup", "call"):
        saved = []
        for n, visitor in enumerate(item.stash.get(VISITORS, [])):
            try:
                saved.append(str(visitor.screenshot(f"{item.nodeid}-{n}")))
            except Exception as err:  # the page may be gone; the failure itself matters more
                saved.append(f"(no screenshot: {err})")
        if saved:
            report.sections.append(("e2e screenshots", "\n".join(saved)))
    return report
