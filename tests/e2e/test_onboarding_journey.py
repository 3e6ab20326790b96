"""A company registers itself, city staff approve it, and its first job order reaches the board after review."""

from __future__ import annotations

import re

from stdnum.cn import uscc

from tests.e2e.support import LiveServer, Visitor, assert_pages_in_english

NAME = "南乐县鑫达服饰有限公司"
USERNAME = "xinda_hr"
PASSWORD = "orchard lantern velvet thirty"
TITLE = "平缝机工（熟手）"


def _uscc() -> str:
    body = "91410923MA47XD0Q2"
    return body + uscc.calc_check_digit(body)


def test_an_employer_registers_is_approved_and_its_order_is_reviewed(
    open_visitor, live_server: LiveServer
) -> None:
    company: Visitor = open_visitor()
    page = company.page
    company.goto("/board/")
    page.locator("nav").get_by_role("link", name="企业注册").click()
    assert company.heading() == "企业注册"
    company.assert_accessible()
    register_path = company.path()

    page.get_by_label("企业名称").fill(NAME)
    page.get_by_label("统一社会信用代码").fill(_uscc()[:-1] + ("0" if _uscc()[-1] != "0" else "1"))
    page.get_by_label("所在地（地区代码）").fill("410923")
    page.get_by_label("所属行业").fill("服装加工")
    page.get_by_label("联系人").fill("孙经理")
    page.get_by_label("联系电话（手机）").fill("13937112345")
    page.get_by_label("扶贫车间", exact=True).check()
    page.get_by_label("扶贫车间认定证书编号").fill("豫扶车2020-118")
    page.get_by_label("登录用户名").fill(USERNAME)
    page.get_by_label("登录密码").fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="提交登记").click()
    # A mistyped check digit is named on its field, and nothing else is lost.
    assert "统一社会信用代码校验位错误" in page.locator("#uscc ~ .invalid-feedback").inner_text()
    assert page.get_by_label("企业名称").input_value() == NAME
    page.get_by_label("统一社会信用代码").fill(_uscc())
    page.get_by_label("登录密码").fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="提交登记").click()
    assert company.heading() == "注册已提交", page.locator("main").inner_text()
    assert USERNAME in company.flash()

    # City staff find it in their queue and approve it.
    clerk = open_visitor()
    clerk.login("city_staff")
    clerk.page.locator("nav").get_by_role("link", name="企业入驻审核").click()
    assert clerk.heading() == "企业入驻审核"
    clerk.page.get_by_role("link", name=NAME).click()
    assert clerk.heading().startswith(NAME)
    assert "未发现重复" in clerk.page.locator("main").inner_text()
    clerk.assert_accessible()
    review_path = clerk.path()
    with clerk.page.expect_navigation():
        clerk.page.get_by_role("button", name="审核通过").click()
    assert f"已审核通过：{NAME}" in clerk.flash()

    # The company logs in with the account it chose and posts an order: it waits for review.
    company.login(USERNAME, PASSWORD)
    page.locator("main").get_by_role("link", name="发布岗位").click()
    page.get_by_label("岗位名称").fill(TITLE)
    page.get_by_label("工种", exact=True).fill("缝纫工")
    page.get_by_label("招聘人数").fill("6")
    page.get_by_label("工作地点（地区代码）").fill("410923")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    match = re.search(r"/job-orders/(\d+)$", page.url)
    assert match, page.locator("main").inner_text()
    assert "待审核" in page.locator("h1").inner_text()
    order_path = company.path()
    company.goto("/board/")
    assert TITLE not in page.locator("main").inner_text()

    # Staff of the region approve it; now the public board shows it.
    clerk.goto(order_path)
    with clerk.page.expect_navigation():
        clerk.page.locator("#review").get_by_role("button", name="审核通过").click()
    assert "岗位已审核通过" in clerk.flash()
    company.goto("/board/")
    assert TITLE in page.locator("main").inner_text()

    company.switch_language("en")
    assert_pages_in_english(company, [register_path.replace("?lang=zh", "")])
    clerk.switch_language("en")
    assert_pages_in_english(clerk, [review_path])
    company.assert_clean()
    clerk.assert_clean()
