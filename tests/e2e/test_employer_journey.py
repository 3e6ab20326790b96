"""An employer posts a welding order through the form and reads its shortlist: reasons, no poverty labels."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.e2e.support import Visitor, assert_pages_in_english

#: What an employer must never learn about a candidate (registered-poor, disability, hardship).
SENSITIVE = ("建档立卡", "贫困", "脱贫", "残疾", "困难", "优先")


def test_employer_posts_an_order_and_reads_its_shortlist(visitor: Visitor) -> None:
    page = visitor.page
    visited: list[str] = []

    visitor.login("employer_demo")
    assert visitor.heading().startswith("工作台")
    assert "求职人员" not in page.locator("nav").inner_text()  # employers do not browse the worker register
    page.locator("main").get_by_role("link", name="发布岗位").click()
    assert visitor.heading() == "发布岗位"
    assert page.locator("#employer_id").count() == 0  # an employer posts for itself only
    visited.append(visitor.path())
    visitor.assert_accessible()

    title = "钢结构焊工（二保焊）"
    page.get_by_label("岗位名称").fill(title)
    page.get_by_label("工种", exact=True).fill("电焊工")
    page.get_by_label("岗位描述").fill("昆山厂区钢结构焊接，两班倒，包住宿。")
    page.get_by_label("技能要求").fill("电焊、二氧化碳保护焊")
    page.get_by_label("证书要求").fill("焊工证")
    page.get_by_label("招聘人数").fill("8")
    page.get_by_label("最低月工资（元）").fill("6000")
    page.get_by_label("最高月工资（元）").fill("8500")
    page.get_by_label("工作地点（地区代码）").fill("320583")  # 昆山市
    page.get_by_label("就业渠道").select_option("out_of_province")
    page.get_by_label("最低年龄").fill("20")
    page.get_by_label("最高年龄").fill("50")
    page.get_by_label("截止日期").fill((date.today() + timedelta(days=45)).isoformat())
    page.get_by_label("提供住宿").check()
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert re.search(r"/job-orders/\d+$", page.url), page.locator("main").inner_text()

    # The order as posted.
    assert "岗位已提交，人社部门审核通过后发布到公告栏" in visitor.flash()  # waits for review (issue 14)
    assert "待审核" in page.locator("h1").inner_text()
    assert visitor.heading().startswith(title)
    details = page.locator("main dl").inner_text()
    assert "昆山市" in details and "6000–8500" in details and "0/8" in details and "焊工证" in details
    visited.append(visitor.path())
    visitor.assert_accessible()

    # Its shortlist: consenting candidates, best first, each with reasons — and nothing about poverty.
    page.locator("main").get_by_role("link", name="匹配人选").click()
    assert visitor.heading().startswith("匹配人选")
    rows = page.locator("table.matches tbody tr")
    assert rows.count() >= 3, page.locator("main").inner_text()
    ranks = [int(r.locator("td").first.inner_text()) for r in rows.all()]
    assert ranks == sorted(ranks) and ranks[0] == 1
    scores = [float(r.locator("td").nth(5).inner_text()) for r in rows.all()]
    assert scores == sorted(scores, reverse=True) and 0 < scores[-1] <= scores[0] <= 1
    first = rows.first
    assert first.locator(".reason").count() >= 1
    assert any("焊" in reason for reason in first.locator(".reason").all_inner_texts())
    assert re.fullmatch(r"1[3-9]\d{9}", first.locator("td").nth(4).inner_text().strip())  # consented: phone
    assert first.get_by_role("link").count() == 0  # no link into the worker register
    shown = page.locator("main").inner_text()
    assert not [word for word in SENSITIVE if word in shown], shown
    assert "仅列出同意向企业公开姓名和联系电话的求职人员" in shown
    visited.append(visitor.path())

    visitor.switch_language("en")
    assert visitor.heading().startswith("Matching candidates")
    english = page.locator("main").inner_text()
    assert "Why they match" in english and "Priority" not in english and "Registered poor" not in english
    assert_pages_in_english(visitor, visited)
    visitor.assert_clean()
