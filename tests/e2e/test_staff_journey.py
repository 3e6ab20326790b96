"""A city clerk registers a welder and finds them ranked, with reasons, for a welding order that fits.

(The accessibility of these pages is checked page by page in test_main_pages.py.)"""

from __future__ import annotations

from datetime import date

from tests.e2e.support import LiveServer, Visitor, assert_pages_in_english, register_welder
from webapp.services.validation import mask_id_number

NAME = "韩新焊"
WUCUN = "410923201001"  # 南乐县杨村乡吴村


def test_staff_registers_a_worker_and_sees_them_ranked_for_an_order(
    visitor: Visitor, live_server: LiveServer
) -> None:
    page = visitor.page
    visited: list[str] = []

    visitor.login("city_staff")
    assert visitor.heading().startswith("工作台")
    assert "濮阳市人社局 王建国" in page.locator("nav").inner_text()
    stats = [int(t) for t in page.locator("[data-stat]").all_inner_texts()]
    assert stats and stats[0] >= 300  # the demo's registered workers, all within 濮阳市
    visited.append(visitor.path())

    page.locator("main").get_by_role("link", name="登记求职人员").click()
    assert visitor.heading() == "登记求职人员"
    visited.append(visitor.path())
    id_number = live_server.unused_id_number(WUCUN[:6], date(1991, 3, 8))
    worker_id = register_welder(visitor, id_number, name=NAME, region_code=WUCUN)

    # The worker's page: saved, with the ID number masked and the details derived from it.
    assert f"已登记求职人员 {NAME}" in visitor.flash()
    assert visitor.heading().startswith(NAME)
    details = page.locator("main dl").inner_text()
    assert mask_id_number(id_number) in details and id_number not in page.content()
    assert "南乐县杨村乡吴村" in details and "男" in details and "焊工证" in details
    visited.append(visitor.path())

    # Which open orders suit them? The best one is a welding order; open it and its ranked candidates.
    page.get_by_role("link", name="推荐岗位").click()
    assert visitor.heading().startswith("推荐岗位")
    visited.append(visitor.path())
    best = page.locator("table.matches tbody tr").first
    assert "焊" in best.inner_text()
    best.locator("td").nth(1).get_by_role("link").click()
    order_title = visitor.heading()
    assert "焊" in page.locator("main dl").inner_text()
    visited.append(visitor.path())

    page.locator("main").get_by_role("link", name="匹配人选").click()
    assert visitor.heading().startswith("匹配人选")
    row = page.locator(f'table.matches tr[data-worker-id="{worker_id}"]')
    assert row.count() == 1, f"{NAME} is not among the ranked candidates of {order_title}"
    cells = row.locator("td").all_inner_texts()
    rank, score = int(cells[0]), float(cells[5])
    assert 1 <= rank <= page.locator("table.matches tbody tr").count()
    assert 0 < score <= 1 and NAME in cells[1]
    reasons = row.locator(".reason").all_inner_texts()
    assert any("焊工证" in r for r in reasons), reasons
    assert row.locator(".breakdown dt").count() >= 3  # the score's components, each with its value
    visited.append(visitor.path())

    # The same pages in English: the interface is translated, the data (names, places, reasons) is not.
    visitor.switch_language("en")
    assert visitor.heading().startswith("Matching candidates")
    header = page.locator("table.matches thead").inner_text()
    assert "Rank" in header and "Score" in header and "Why they match" in header
    assert page.locator(f'tr[data-worker-id="{worker_id}"]').count() == 1
    assert_pages_in_english(visitor, visited)
    visitor.assert_clean()
