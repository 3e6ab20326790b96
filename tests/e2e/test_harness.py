"""The harness's own checks can fail: the guard blocks what leaves loopback, the page checks find problems."""

from __future__ import annotations

import pytest

from tests.e2e.support import Visitor

BROKEN_PAGE = """<!doctype html><html lang="en"><head><title>Broken</title></head><body><main>
<h1>One</h1><h1>Two</h1><h4>Skipped levels</h4>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input type="text" name="nameless">
<p style="color:#bbb;background:#fff">Pale text that few can read</p>
</main></body></html>"""

CLEAN_PAGE = """<!doctype html><html lang="en"><head><title>Clean</title></head><body><main>
<h1>Register</h1><h2>Person</h2>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Bureau logo">
<label for="n">Name</label><input id="n" type="text" name="name">
<p style="color:#333;background:#fff">Readable text</p>
</main></body></html>"""


def test_the_guard_blocks_and_records_requests_that_leave_loopback(visitor: Visitor) -> None:
    visitor.goto("/auth/login")
    assert visitor.page.evaluate("() => document.styleSheets.length") >= 2  # loopback CSS went through
    visitor.page.goto("about:blank")  # a page without the app's Content-Security-Policy
    visitor.page.set_content(
        """<html lang="en"><head><title>t</title>
        <link rel="stylesheet" href="https://fonts.example.net/css?family=Noto+Sans+SC"></head>
        <body><img alt="logo" src="http://cdn.example.org/logo.png"></body></html>"""
    )
    assert sorted(visitor.external) == [
        "http://cdn.example.org/logo.png",
        "https://fonts.example.net/css?family=Noto+Sans+SC",
    ]
    with pytest.raises(AssertionError, match="cdn.example.org"):
        visitor.assert_no_external_requests()
    visitor.external.clear()


def test_a_load_that_the_pages_policy_refuses_counts_too(visitor: Visitor) -> None:
    """On the app's own pages the Content-Security-Policy may refuse an external load before the guard sees it."""
    visitor.goto("/auth/login")
    outcome = visitor.page.evaluate(
        """() => new Promise((resolve) => {
            const link = document.createElement('link');
            link.rel = 'stylesheet';
            link.href = 'https://fonts.example.net/css?family=Noto+Sans+SC';
            link.onload = () => resolve('loaded');
            link.onerror = () => resolve('failed');
            document.head.append(link);
        })"""
    )
    assert outcome == "failed"
    for _ in range(40):  # the console message may trail the error event a little
        if visitor.external or visitor.refused:
            break
        visitor.page.wait_for_timeout(50)
    with pytest.raises(AssertionError, match="fonts.example.net"):
        visitor.assert_no_external_requests()
    visitor.external.clear()
    visitor.refused.clear()


def test_the_accessibility_check_finds_labels_alt_text_contrast_and_headings(visitor: Visitor) -> None:
    visitor.page.set_content(BROKEN_PAGE)
    found = "\n".join(visitor.accessibility_problems())
    for rule in ("label", "image-alt", "color-contrast", "heading-order", "heading-outline: 2 <h1>"):
        assert rule in found, f"{rule} not reported:\n{found}"
    assert "<h4>" in found and "a level is skipped" in found

    visitor.page.set_content(CLEAN_PAGE)
    assert visitor.accessibility_problems() == []


def test_the_translation_check_sees_interface_text_but_not_data(visitor: Visitor) -> None:
    visitor.page.set_content(
        """<html lang="en"><head><title>Workers</title></head><body>
        <h1>Job seeker <span translate="no">赵晓权</span></h1>
        <label for="x">姓名</label><input id="x">
        <a class="nav-link" href="?lang=zh" lang="zh-CN">中文</a>
        <button type="button" aria-label="关闭">x</button>
        <input type="submit" value="保存">
        <td>南乐县杨村乡</td></body></html>"""
    )
    assert sorted(visitor.untranslated()) == [
        "<button aria-label> 关闭",
        "<input value> 保存",
        "<label> 姓名",
    ]
