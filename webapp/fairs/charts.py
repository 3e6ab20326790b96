"""Server-rendered inline SVG bar charts: no script, no external file, print and work offline."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

#: Colour-blind-safe series colours (Okabe–Ito).
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")


def grouped_bars(
    rows: Sequence[tuple[str, Sequence[int]]], series: Sequence[str], *, title: str, width: int = 720
) -> Markup:
    """Horizontal grouped bars: one group per row label, one bar per series, values printed at the bar ends.

    >>> svg = grouped_bars([("清丰县", [10, 4])], ["邀约", "到场"], title="按县区")
    >>> svg.startswith("<svg") and "清丰县" in svg and ">10<" in svg
    True
    """
    label_w, pad, bar_h, gap = 150, 8, 14, 10
    plot_w = width - label_w - 60
    top = 28
    group_h = bar_h * len(series) + gap
    height = top + max(len(rows), 1) * group_h + 24
    peak = max((v for _label, values in rows for v in values), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="liudan-chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    x = label_w
    for i, name in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="16" font-size="12">{escape(name)}</text>')
        x += 16 + 14 * len(name) + 18
    for r, (label, values) in enumerate(rows):
        y0 = top + r * group_h
        parts.append(
            f'<text x="{label_w - pad}" y="{y0 + group_h / 2}" font-size="12" text-anchor="end" '
            f'dominant-baseline="middle">{escape(label)}</text>'
        )
        for i, value in enumerate(values):
            w = round(plot_w * value / peak, 1)
            y = y0 + i * bar_h
            colour = COLOURS[i % len(COLOURS)]
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h - 2}" fill="{colour}">'
                f"<title>{escape(label)} {escape(series[i])}: {value}</title></rect>"
            )
            parts.append(f'<text x="{label_w + w + 4}" y="{y + bar_h - 4}" font-size="11">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
