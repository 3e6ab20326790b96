"""What the journeys share: the live server, a guarded browser tab (:class:`Visitor`) and the page checks.

A :class:`Visitor` is one person at one browser: every request the page makes goes through
:meth:`Visitor._guard`, which lets loopback through and aborts and records anything else (a CDN, a web font,
an analytics beacon), so a journey ends with :meth:`Visitor.assert_no_external_requests`. The checks run in the
page itself: :meth:`Visitor.untranslated` lists UI chrome still in Chinese after switching to English, and
:meth:`Visitor.accessibility_problems` runs the vendored axe-core (``vendor/axe.min.js``, injected over the
DevTools protocol so that a Content-Security-Policy cannot stop it) plus a heading-outline check.

Adding a journey: ``visitor.login("trainer_demo")``, clicks and form fills by visible labels, assertions on what
the person sees (text, numbers, a chart), ``visitor.assert_accessible()`` on the pages the main-pages table does
not cover, then ``visitor.switch_language("en")`` + ``assert_pages_in_english(visitor, visited)`` and
``visitor.assert_clean()`` (nothing left loopback, no CSP refusal, no script error).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Flask
from playwright.sync_api import BrowserContext, ConsoleMessage, Error, Page, Response, Route
from sqlalchemy import select
from stdnum.cn import ric

from webapp.extensions import db

HERE = Path(__file__).resolve().parent
#: The browser to drive: the Makefile exports the same ``CHROMIUM`` variable and installs it when missing.
CHROMIUM = Path(os.environ.get("CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = HERE / "vendor" / "axe.min.js"
SCREENSHOTS = HERE / "screenshots"
DEMO_PASSWORD = "chunfeng-demo-2026"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
PHONE = {"width": 390, "height": 844}

#: Elements whose text is interface, not data (a template may opt another element in with ``data-chrome``).
#: Data inside them (a name, a place) is marked ``translate="no"`` in the templates; text in ``lang="zh-CN"``
#: (the link back to Chinese) is Chinese on purpose.
CHROME = (
    "h1, h2, h3, h4, h5, h6, label, legend, button, th, dt, caption, summary, .btn, .nav-link, "
    ".navbar-brand, .breadcrumb-item, .form-text, .invalid-feedback, .badge, .pagination, footer, .card-title, "
    "[data-chrome]"
)
#: Attributes people hear or see as interface text.
CHROME_ATTRIBUTES = ("aria-label", "placeholder", "title", "alt")

_UNTRANSLATED_JS = """
([selectors, attributes]) => {
  const CJK = /[\\u3000-\\u303f\\u3400-\\u4dbf\\u4e00-\\u9fff\\uff00-\\uffef]/;
  const exempt = (el) => el.closest('[translate="no"], [lang^="zh"]');
  const found = new Set();
  for (const el of document.querySelectorAll(selectors)) {
    if (exempt(el)) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let text = '';
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!exempt(n.parentElement)) text += n.nodeValue;
    }
    text = text.replace(/\\s+/g, ' ').trim();
    if (CJK.test(text)) found.add(`<${el.tagName.toLowerCase()}> ${text}`);
  }
  for (const el of document.querySelectorAll(attributes.map((a) => `[${a}]`).join(', '))) {
    if (exempt(el)) continue;
    for (const a of attributes) {
      const value = el.getAttribute(a);
      if (value && CJK.test(value)) found.add(`<${el.tagName.toLowerCase()} ${a}> ${value}`);
    }
  }
  for (const el of document.querySelectorAll('input[type=submit], input[type=button], input[type=reset]')) {
    if (!exempt(el) && CJK.test(el.value)) found.add(`<input value> ${el.value}`);
  }
  return [...found];
}
"""

_HEADINGS_JS = """
() => {
  const problems = [];
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')];
  const h1 = headings.filter((h) => h.tagName === 'H1');
  if (h1.length !== 1) problems.push(`heading-outline: ${h1.length} <h1> elements, expected exactly one`);
  let previous = 0;
  for (const h of headings) {
    const level = Number(h.tagName[1]);
    if (!h.textContent.trim()) problems.push(`heading-outline: empty <${h.tagName.toLowerCase()}>`);
    if (level > previous + 1) {
      const text = h.textContent.replace(/\\s+/g, ' ').trim();
      problems.push(`heading-outline: <h${level}> "${text}" follows <h${previous || '-'}> (a level is skipped)`);
    }
    previous = level;
  }
  return problems;
}
"""

#: axe-core rule sets: WCAG 2.1 A/AA (labels, contrast, alt text, names, ARIA, lang...) plus the
#: best-practice rules about headings and landmarks.
_AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "rules": {
        "heading-order": {"enabled": True},
        "page-has-heading-one": {"enabled": True},
        "empty-heading": {"enabled": True},
        "landmark-one-main": {"enabled": True},
        "label-title-only": {"enabled": True},
        "skip-link": {"enabled": True},
    },
    "resultTypes": ["violations"],
}

_AXE_RUN_JS = """
async (options) => {
  const result = await axe.run(document, options);
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\\s+/g, ' ')),
    count: v.nodes.length,
  }));
}
"""


@dataclass
class LiveServer:
    """The app serving the demo database on loopback; ``app`` reads that database directly for set-up."""

    url: str
    app: Flask
    #: Cookies of a logged-in browser per demo account (``open_visitor(as_user=...)`` starts from them).
    login_states: dict[str, Any] = field(default_factory=dict)

    def scalar(self, statement: Any) -> Any:
        with self.app.app_context():
            try:
                return db.session.scalar(statement)
            finally:
                db.session.remove()

    def scalars(self, statement: Any) -> list[Any]:
        with self.app.app_context():
            try:
                return list(db.session.scalars(statement))
            finally:
                db.session.remove()

    def one(self, statement: Any) -> tuple[Any, ...]:
        with self.app.app_context():
            try:
                return tuple(db.session.execute(statement).one())
            finally:
                db.session.remove()

    def unused_id_number(self, region6: str, birth: date, *, male: bool = True) -> str:
        """A valid resident ID number (GB 11643 check digit) that no worker in the database has yet."""
        from webapp.models import Worker

        for order in range(1 if male else 0, 1000, 2):
            body = f"{region6}{birth:%Y%m%d}{order:03d}"
            number = body + ric.calc_check_digit(body + "0")  # stdnum ignores the (check) last character
            if self.scalar(select(Worker.id).where(Worker.id_number == number)) is None:
                return number
        raise AssertionError("no free ID number left for that place and birth date")


@dataclass
class Visitor:
    """One person in one browser context: a guarded tab on the live server."""

    server: LiveServer
    context: BrowserContext
    page: Page
    external: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, server: LiveServer, context: BrowserContext) -> Visitor:
        visitor = cls(server, context, context.new_page())
        context.route("**/*", visitor._guard)
        visitor.page.on("console", visitor._console)
        visitor.page.on("pageerror", visitor._page_error)
        return visitor

    def _console(self, message: ConsoleMessage) -> None:
        # The app's Content-Security-Policy stops some loads before they become requests (an external
        # stylesheet, an inline script): Chromium says so on the console, and that counts as well.
        if message.type == "error" and "Content Security Policy" in message.text:
            self.refused.append(f"{self.path()}: {message.text}")

    def _page_error(self, error: Error) -> None:
        self.script_errors.append(f"{self.path()}: {error.message}")

    def _guard(self, route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss", "ftp") and parts.hostname not in LOOPBACK:
            self.external.append(url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    # --- moving around --------------------------------------------------------------------------------

    def goto(self, path: str, *, status: int = 200) -> Response:
        response = self.page.goto(self.server.url + path)
        assert response is not None, path
        assert response.status == status, f"{path}: HTTP {response.status}, expected {status}"
        return response

    def path(self) -> str:
        parts = urlsplit(self.page.url)
        return urlunsplit(("", "", parts.path, parts.query, ""))

    def login(self, username: str, password: str = DEMO_PASSWORD) -> None:
        """Log in through the login form (works with or without JavaScript) and land on the dashboard."""
        self.goto("/auth/login")
        self.page.locator("#username").fill(username)
        self.page.locator("#password").fill(password)
        with self.page.expect_navigation():
            self.page.locator("form [type=submit]").click()
        assert "/auth/login" not in self.page.url, self.page.locator("main").inner_text()

    def switch_language(self, lang: str) -> None:
        """Reload the current page with ``?lang=`` (the nav link does the same; the choice stays in the session)."""
        parts = urlsplit(self.page.url)
        query = urlencode({"lang": lang})
        self.page.goto(urlunsplit((parts.scheme, parts.netloc, parts.path, query, "")))
        assert self.page.locator("html").get_attribute("lang") == ("en" if lang == "en" else "zh-CN")

    # --- what the person sees -------------------------------------------------------------------------

    def heading(self) -> str:
        return " ".join(self.page.locator("h1").inner_text().split())

    def flash(self) -> str:
        return " ".join(self.page.locator("main .alert").all_inner_texts())

    # --- checks -----------------------------------------------------------------------------------------

    def untranslated(self) -> list[str]:
        """Interface texts on this page that still contain Chinese (data marked ``translate="no"`` aside)."""
        return list(self.page.evaluate(_UNTRANSLATED_JS, [CHROME, list(CHROME_ATTRIBUTES)]))

    def accessibility_problems(self) -> list[str]:
        """axe-core's WCAG 2.1 A/AA violations and the heading-outline problems of the current page."""
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            cdp = self.context.new_cdp_session(self.page)
            try:
                cdp.send("Runtime.evaluate", {"expression": AXE.read_text(encoding="utf-8")})
            finally:
                cdp.detach()
        problems = [
            f"{v['id']} ({v['impact']}, {v['count']}×): {v['help']}\n      " + "\n      ".join(v["nodes"])
            for v in self.page.evaluate(_AXE_RUN_JS, _AXE_OPTIONS)
        ]
        return problems + list(self.page.evaluate(_HEADINGS_JS))

    def assert_accessible(self) -> None:
        problems = self.accessibility_problems()
        assert not problems, f"accessibility problems on {self.path()}:\n  " + "\n  ".join(problems)

    def assert_translated(self) -> None:
        left = self.untranslated()
        assert not left, f"Chinese interface text left on {self.path()} in English:\n  " + "\n  ".join(left)

    def assert_no_external_requests(self) -> None:
        """Nothing tried to leave loopback: no request got past the page, none was refused by the CSP."""
        problems = [f"blocked request: {url}" for url in self.external]
        problems += [f"refused by the Content-Security-Policy: {text}" for text in self.refused]
        assert not problems, "the pages tried to reach beyond loopback:\n  " + "\n  ".join(problems)

    def assert_no_script_errors(self) -> None:
        assert not self.script_errors, "JavaScript errors:\n  " + "\n  ".join(self.script_errors)

    def assert_clean(self) -> None:
        """The end of every journey: no external request, no CSP refusal, no JavaScript error."""
        self.assert_no_external_requests()
        self.assert_no_script_errors()

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
        self.page.screenshot(path=str(target), full_page=True)
        return target


def register_welder(
    visitor: Visitor, id_number: str, *, name: str, region_code: str, phone: str = "13937112345"
) -> int:
    """Fill in the worker registration form by its labels (so each input needs one), save; the new worker's id."""
    page = visitor.page
    page.get_by_label("姓名", exact=True).fill(name)
    page.get_by_label("身份证号码", exact=True).fill(id_number)
    page.get_by_label("手机号码", exact=True).fill(phone)
    page.get_by_label("户籍所在地（地区代码）").fill(region_code)
    page.get_by_label("文化程度").select_option("junior")
    page.get_by_label("外出意愿（最远到）").select_option("national")
    page.get_by_label("技能", exact=True).fill("电焊、二氧化碳保护焊、氩弧焊")
    page.get_by_label("证书", exact=True).fill("焊工证")
    page.get_by_label("求职意向（按志愿先后）").fill("电焊工、钢筋工")
    page.get_by_label("期望月工资（元）").fill("6000")
    page.get_by_label("建档立卡贫困劳动力").check()
    page.get_by_label("本人同意向用工企业公开姓名和联系电话").check()
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    match = re.search(r"/workers/(\d+)$", page.url)
    assert match, f"not on the new worker's page: {page.url}\n{page.locator('main').inner_text()}"
    return int(match.group(1))


def assert_pages_in_english(visitor: Visitor, paths: list[str]) -> None:
    """Open each path again (the English choice is kept in the session): no interface text left in Chinese."""
    problems = []
    for path in paths:
        visitor.goto(path)
        assert visitor.page.locator("html").get_attribute("lang") == "en", path
        problems += [f"{path}: {text}" for text in visitor.untranslated()]
    assert not problems, "Chinese interface text in English:\n  " + "\n  ".join(problems)
