"""City staff read the statistics dashboard: figures, county ranking, charts drawn offline, and a drill-down."""

from __future__ import annotations

import re

from tests.e2e.support import Visitor, assert_pages_in_english

COUNTIES = {"华龙区", "清丰县", "南乐县", "范县", "台前县", "濮阳县"}


def percent(text: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)%", text.strip())
    assert match, text
    return float(match.group(1))


def test_city_staff_read_the_dashboard_charts(visitor: Visitor) -> None:
    page = visitor.page
    visited: list[str] = []

    visitor.login("city_staff")
    page.locator("nav").get_by_role("link", name="统计").click()
    assert "濮阳市" in visitor.heading()
    visited.append(visitor.path())

    # The city's registered-poor labour force: numbers, and rates that agree with them.
    figure = {k: page.locator(f'[data-figure="{k}"]').inner_text() for k in ("labour_force", "employed")}
    labour, employed = int(figure["labour_force"]), int(figure["employed"])
    assert labour > 0 and 0 <= employed <= labour
    rate = percent(page.locator('[data-figure="employment_rate"]').inner_text())
    assert abs(rate - 100 * employed / labour) < 0.1

    # The counties ranked by employment rate, best first, and the same rates as bars in a chart.
    rows = page.locator("#children tbody tr")
    names = [r.locator("td").nth(1).inner_text() for r in rows.all()]
    assert set(names) >= COUNTIES, names
    rates = [
        percent(r.locator("td").nth(4).inner_text())
        for r in rows.all()
        if r.locator("td").nth(4).inner_text() != "—"
    ]
    assert rates == sorted(rates, reverse=True)
    chart = page.locator("figure svg[role=img]", has=page.locator("title", has_text="建档立卡劳动力就业率"))
    assert chart.count() == 1
    assert chart.locator("rect").count() == len([n for n in names if n in COUNTIES])
    assert set(chart.locator("text").all_text_contents()) >= COUNTIES
    assert chart.bounding_box()["width"] > 200  # type: ignore[index]  # drawn, not an empty box
    assert page.locator("main svg[role=img]").count() >= 4  # employment, training, routes, destinations
    visitor.assert_accessible()

    # Drill down into a county; the breadcrumb leads back to the city.
    rows.filter(has_text="南乐县").get_by_role("link").click()
    assert "南乐县" in visitor.heading()
    assert page.locator("#children tbody tr").count() >= 1  # its townships
    assert page.locator("main svg[role=img]").count() >= 2
    visited.append(visitor.path())
    visitor.assert_accessible()
    page.locator(".breadcrumb").get_by_role("link", name="濮阳市").click()
    assert "濮阳市" in visitor.heading()

    visitor.switch_language("en")
    assert "Employment rate" in page.locator("main").inner_text()
    assert_pages_in_english(visitor, visited)
    visitor.assert_clean()
