"""Charts drawn on the server as inline SVG: they render offline, print, and need no script.

Each function returns ``Markup`` holding one ``<svg role="img">`` with a ``<title>`` (its accessible name);
every text in it is escaped. The page shows the same figures in a table next to the chart.

Example:
    >>> svg = bar_chart([("清丰县", 0.9, "90%"), ("南乐县", 0.5, "50%")], title="就业率", maximum=1.0)
    >>> svg.count("<rect"), "清丰县" in svg
    (2, True)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup
from markupsafe import escape as _escape

BAR = "#8f1d21"
LINE = "#2f6f3e"
GRID = "#dee2e6"
TEXT = "#212529"


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str) -> Markup:
    """Escaped for XML, without the control characters XML cannot hold."""
    return _escape(_NOT_XML.sub("", str(text)))


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(
    items: Sequence[tuple[str, float | None, str]],
    *,
    title: str,
    maximum: float | None = None,
    width: int = 640,
    bar_height: int = 22,
    label_width: int = 150,
) -> Markup:
    """Horizontal bars: ``(label, value, shown value)`` per bar, drawn against ``maximum`` (default the
    largest value). A ``None`` value draws no bar and shows its text (e.g. "—")."""
    values = [v for _label, v, _text in items if v is not None]
    top = maximum if maximum is not None else max(values, default=0.0)
    top = top or 1.0
    gap = 6
    height = max(len(items), 1) * (bar_height + gap) + gap
    room = width - label_width - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>'
    ]
    for i, (label, value, text) in enumerate(items):
        y = gap + i * (bar_height + gap)
        middle = y + bar_height / 2
        parts.append(
            f'<text x="{label_width - 8}" y="{_num(middle)}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="13" fill="{TEXT}">{escape(label)}</text>'
        )
        length = 0.0 if value is None else max(0.0, min(value / top, 1.0)) * room
        if value is not None:
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{_num(length)}" height="{bar_height}" fill="{BAR}" rx="2">'
                f"<title>{escape(label)}：{escape(text)}</title></rect>"
            )
        parts.append(
            f'<text x="{_num(label_width + length + 6)}" y="{_num(middle)}" dominant-baseline="middle" '
            f'font-size="12" fill="{TEXT}">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    points: Sequence[tuple[str, float | None]],
    *,
    title: str,
    maximum: float = 1.0,
    width: int = 640,
    height: int = 220,
    percent: bool = True,
) -> Markup:
    """A line over time: ``(label, value)`` per point (labels under the axis); ``None`` breaks the line."""
    left, right, top_pad, bottom = 44, 16, 12, 34
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = maximum or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>'
    ]
    for step in range(5):
        fraction = step / 4
        y = top_pad + plot_h * (1 - fraction)
        label = f"{fraction * top * 100:.0f}%" if percent else _num(fraction * top)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_num(y)}" y2="{_num(y)}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{_num(y)}" text-anchor="end" dominant-baseline="middle" font-size="11" '
            f'fill="{TEXT}">{label}</text>'
        )
    count = len(points)
    xs = [left + (plot_w * i / (count - 1) if count > 1 else plot_w / 2) for i in range(count)]
    segment: list[str] = []
    segments: list[list[str]] = []
    for x, (_label, value) in zip(xs, points, strict=True):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        y = top_pad + plot_h * (1 - max(0.0, min(value / top, 1.0)))
        segment.append(f"{_num(x)},{_num(y)}")
    if segment:
        segments.append(segment)
    for seg in segments:
        parts.append(f'<polyline fill="none" stroke="{LINE}" stroke-width="2" points="{" ".join(seg)}"/>')
    every = max(1, -(-count // 8))
    for i, (x, (label, value)) in enumerate(zip(xs, points, strict=True)):
        if value is not None:
            y = top_pad + plot_h * (1 - max(0.0, min(value / top, 1.0)))
            shown = f"{value * 100:.1f}%" if percent else _num(value)
            parts.append(
                f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3" fill="{LINE}">'
                f"<title>{escape(label)}：{shown}</title></circle>"
            )
        if i % every == 0 or i == count - 1:
            parts.append(
                f'<text x="{_num(x)}" y="{height - 10}" text-anchor="middle" font-size="11" fill="{TEXT}">'
                f"{escape(label)}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def percent(value: float | None) -> str:
    """``0.9234`` → ``92.3%``; no value → ``—``.

    >>> percent(0.9234), percent(None), percent(1)
    ('92.3%', '—', '100.0%')
    """
    return "—" if value is None else f"{value * 100:.1f}%"
