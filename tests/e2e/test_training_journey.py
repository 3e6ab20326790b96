"""A training institution opens a course from the training needs, enrols suggested trainees and records
their certificates."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.e2e.support import Visitor, assert_pages_in_english


def test_trainer_opens_a_course_from_the_needs_and_records_certificates(visitor: Visitor) -> None:
    page = visitor.page
    visited: list[str] = []

    visitor.login("trainer_demo")
    page.locator("nav").get_by_role("link", name="培训需求").click()
    assert visitor.heading().startswith("培训需求")
    needs = page.locator("main table.table tbody tr")
    assert needs.count() >= 1
    # The largest gap among those with people to train: who asked for it, or who lack one certificate/skill.
    need = next(
        row
        for row in needs.all()
        if sum(int(re.sub(r"\D", "", t) or 0) for t in row.locator("td").all_inner_texts()[5:7]) >= 2
    )
    cells = need.locator("td").all_inner_texts()
    occupation, demand, gap = cells[0], int(cells[2]), int(cells[4])
    assert 0 < gap <= demand, cells
    assert page.locator("main table.heatmap").count() == 1  # the gap heat map (occupation × place of work)
    visited.append(visitor.path())
    visitor.assert_accessible()

    # Take the order: the course form arrives filled in from the need (occupation, title, linked orders).
    need.get_by_role("link", name="接单开班").click()
    visited.append(visitor.path())
    assert page.get_by_label("培训工种").input_value() == occupation
    assert occupation in page.get_by_label("课程名称").input_value()
    assert page.locator("input[name=job_order_ids]:checked").count() >= 1
    visitor.assert_accessible()
    start = date.today()
    page.get_by_label("培训场所名称").fill("南乐县职业技能培训基地")
    page.get_by_label("场所所在地（地区代码）").fill("410923")
    page.get_by_label("名额（人）").fill("20")
    page.get_by_label("开班日期").fill(start.isoformat())
    page.get_by_label("结业日期").fill((start + timedelta(days=30)).isoformat())
    page.get_by_label("培训成本（元/人）").fill("1800")
    if not page.get_by_label("结业颁发证书").input_value():
        page.get_by_label("结业颁发证书").fill(f"{occupation}职业技能等级证书")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert re.search(r"/courses/\d+$", page.url), page.locator("main").inner_text()
    assert "已开班" in visitor.flash()
    title = visitor.heading()
    assert occupation in title
    assert "剩余 20" in page.locator("main dl").inner_text()
    visited.append(visitor.path())

    # Suggested trainees (people who asked for it, or one certificate short of the linked jobs): enrol two.
    page.get_by_role("link", name="推荐学员 / 报名").click()
    proposals = page.locator("main tbody tr")
    assert proposals.count() >= 2, page.locator("main").inner_text()
    names = [proposals.nth(i).locator("label").inner_text() for i in range(2)]
    for i in range(2):
        proposals.nth(i).get_by_role("checkbox").check()
    visited.append(visitor.path())
    visitor.assert_accessible()
    with page.expect_navigation():
        page.get_by_role("button", name="为选中的人员报名").click()
    assert "已报名 2 人" in visitor.flash()
    assert "剩余 18" in page.locator("main dl").inner_text()

    # Completion: each passes and gets a certificate number, shown on their row.
    for n, name in enumerate(names, start=1):
        row = page.locator("main tbody tr", has_text=name)
        row.get_by_label("结果").select_option("completed")
        row.get_by_label("证书编号").fill(f"HN2026-{n:04d}")
        with page.expect_navigation():
            row.get_by_role("button", name="登记").click()
        assert f"已登记 {name}：" in visitor.flash() and f"证书 HN2026-{n:04d}" in visitor.flash()
        assert f"HN2026-{n:04d}" in page.locator("main tbody tr", has_text=name).inner_text()
    visited.append(visitor.path())
    visitor.assert_accessible()

    visitor.switch_language("en")
    assert "Trainees (2)" in page.locator("main").inner_text()
    assert_pages_in_english(visitor, visited)
    visitor.assert_clean()
