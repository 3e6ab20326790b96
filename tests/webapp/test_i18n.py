"""The English catalogue covers every Chinese msgid of the pages and code, and the switch shows it.

A new ``_()`` text fails :func:`test_catalogue_is_current` until ``make translations`` has added it and a
translator has written its English text (:func:`test_every_msgid_has_an_english_translation`).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient
from flask_babel import refresh
from sqlalchemy.orm import Session

from tests.builders import login, make_user
from tests.webapp.page_html import text
from webapp.i18n import TRANSLATIONS_DIR, compile_catalogues

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = TRANSLATIONS_DIR / "en" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
}  # as `make translations` (-k _l -k lazy_gettext)
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
FIX = "run `make translations` and write the English text of each new msgid in " + str(
    CATALOGUE.relative_to(ROOT)
)


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


@pytest.fixture(scope="module")
def extracted() -> dict[str, str]:
    """msgid → the first file that uses it, extracted as ``make translations`` does (babel.cfg)."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, "babel.cfg")
    found: dict[str, str] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        ROOT / "webapp", method_map, options_map, keywords=KEYWORDS
    ):
        found.setdefault(_key(message), filename)
    return found


@pytest.fixture(scope="module")
def catalogue() -> Catalog:
    with CATALOGUE.open("rb") as po:
        return read_po(po, locale="en")


def test_extraction_sees_the_pages_and_the_code(extracted: dict[str, str]) -> None:
    files = set(extracted.values())
    assert any(f.endswith(".html") for f in files) and any(f.endswith(".py") for f in files)
    assert {"登录", "请先登录", "未找到该页面或记录", "招聘会"} <= set(extracted)  # templates, N_(), forms


def test_catalogue_is_current(extracted: dict[str, str], catalogue: Catalog) -> None:
    in_catalogue = {_key(m.id) for m in catalogue if m.id}
    missing = sorted(f"{extracted[i]}: {i}" for i in set(extracted) - in_catalogue)
    stale = sorted(in_catalogue - set(extracted))
    assert not missing, f"msgids missing from the catalogue ({FIX}):\n" + "\n".join(missing)
    assert not stale, "msgids no longer used (run `make translations`):\n" + "\n".join(stale)


def test_every_msgid_has_an_english_translation(catalogue: Catalog) -> None:
    untranslated = []
    for m in catalogue:
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if m.fuzzy or not all(s.strip() for s in strings) or any(CJK.search(s) for s in strings):
            untranslated.append(_key(m.id))
    assert not untranslated, f"no English translation ({FIX}):\n" + "\n".join(untranslated)


def test_translations_keep_the_placeholders(catalogue: Catalog) -> None:
    problems = [f"{_key(m.id)}: {'; '.join(map(str, errors))}" for m, errors in catalogue.check()]
    assert not problems, "\n".join(problems)
    for m in catalogue:
        if m.id and isinstance(m.id, str):
            assert sorted(re.findall(r"%\(\w+\)s", m.id)) == sorted(re.findall(r"%\(\w+\)s", m.string)), m.id


def test_compile_writes_a_missing_or_stale_mo_and_keeps_a_current_one(tmp_path: Path) -> None:
    po = tmp_path / "en" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    shutil.copy(CATALOGUE, po)
    mo = po.with_suffix(".mo")

    assert compile_catalogues(tmp_path) == [mo]
    with mo.open("rb") as compiled:
        assert read_mo(compiled).get("登录").string == "Log in"
    assert compile_catalogues(tmp_path) == []  # current: left alone

    stamp = mo.stat().st_mtime
    os.utime(po, (stamp + 10, stamp + 10))  # the translator edited the .po afterwards
    assert compile_catalogues(tmp_path) == [mo]
    assert not list(tmp_path.rglob("*.tmp"))


def _page(client: FlaskClient, url: str, **kw: Any) -> str:
    # The fixture's app context outlives requests here (not in a server), and Flask-Babel keeps the locale
    # it chose on it: forget it, as a new request would.
    refresh()
    return client.get(url, **kw).get_data(as_text=True)


def test_the_switch_shows_english_and_remembers_it(client: FlaskClient) -> None:
    chinese = text(_page(client, "/auth/login"))
    assert "登录六单平台" in chinese and "用户名" in chinese

    english = text(_page(client, "/auth/login?lang=en"))
    assert "Log in to Liudan" in english and "Username" in english and "Password" in english
    assert not CJK.search(english.replace("中文", "")), english  # the link back to Chinese is the only CJK

    again = _page(client, "/auth/login")
    assert 'lang="en"' in again and "Log in to Liudan" in again
    assert "登录六单平台" in _page(client, "/auth/login?lang=zh")


def test_a_redirect_to_login_says_so_in_the_chosen_language(client: FlaskClient, db_session: Session) -> None:
    _page(client, "/auth/login?lang=en")
    assert "Please log in first" in _page(client, "/workers/", follow_redirects=True)

    login(client, make_user(db_session))
    dashboard = text(_page(client, "/"))
    assert "Dashboard" in dashboard and "Job orders" in dashboard
