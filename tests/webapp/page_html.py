"""Reading server-rendered pages in tests: the errors shown next to a form field, and the page's text."""

from __future__ import annotations

import re
from html import unescape

_FIELD_WRAPPER = '<div class="mb-3">'
_FEEDBACK_RE = re.compile(r'<div class="invalid-feedback d-block">(.*?)</div>', re.S)


def field_errors(html: str, field_id: str) -> list[str]:
    """The error messages rendered in the same field block (``_forms.html``'s ``field`` macro) as the input."""
    for block in html.split(_FIELD_WRAPPER)[1:]:
        if re.search(rf'\bid="{re.escape(field_id)}"', block):
            return [unescape(m).strip() for m in _FEEDBACK_RE.findall(block)]
    raise AssertionError(f"no form field with id {field_id!r} on the page")


def text(html: str) -> str:
    """The visible text of a page, tags removed and whitespace collapsed."""
    without_tags = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S))
    return re.sub(r"\s+", " ", unescape(without_tags)).strip()
