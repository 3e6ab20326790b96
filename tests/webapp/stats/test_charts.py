"""Server-drawn SVG charts: well-formed, escaped, bars proportional to the values."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from webapp.stats.charts import bar_chart, line_chart, percent

SVG = "{http://www.w3.org/2000/svg}"


def test_bars_are_proportional_and_labels_escaped() -> None:
    svg = bar_chart(
        [("<清丰县>", 1.0, "100%"), ("南乐县", 0.5, "50%"), ("范县", None, "—")], title="就业率", maximum=1.0
    )

    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "就业率"
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert len(widths) == 2 and widths[0] == 2 * widths[1]
    assert "&lt;清丰县&gt;" in svg and "<清丰县>" not in svg


@given(
    st.lists(
        st.tuples(st.text(max_size=12), st.one_of(st.none(), st.floats(0, 1e6)), st.text(max_size=8)),
        max_size=30,
    )
)
def test_any_bars_make_well_formed_svg_within_the_box(items: list[tuple[str, float | None, str]]) -> None:
    svg = bar_chart(items, title="t")
    root = ET.fromstring(svg)
    room = 640 - 150 - 70
    assert all(0 <= float(r.get("width")) <= room + 1e-6 for r in root.iter(f"{SVG}rect"))


def test_a_line_breaks_where_a_week_has_no_value() -> None:
    svg = line_chart([("01-05", 0.5), ("01-12", 0.75), ("01-19", None), ("01-26", 1.0)], title="趋势")

    root = ET.fromstring(svg)
    lines = [p.get("points").split() for p in root.iter(f"{SVG}polyline")]
    assert [len(points) for points in lines] == [2, 1]
    assert re.search(r"100%", svg) and len(list(root.iter(f"{SVG}circle"))) == 3


def test_percent() -> None:
    assert (percent(0.5), percent(None), percent(0.12345)) == ("50.0%", "—", "12.3%")
