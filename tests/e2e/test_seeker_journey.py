"""A job seeker on a phone (390×844) finds a job on the public board and signs up; staff then see the sign-up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from tests.e2e.support import PHONE, LiveServer, Visitor, assert_pages_in_english

NAME = "石春燕"


def assert_fits_the_screen(visitor: Visitor) -> None:
    """Nothing wider than the phone: the page never scrolls sideways."""
    width = visitor.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{visitor.path()} is {width}px wide on a {PHONE['width']}px screen"


def test_job_seeker_signs_up_from_the_public_board_on_a_phone(
    open_visitor: Callable[..., Visitor], live_server: LiveServer
) -> None:
    seeker = open_visitor(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = seeker.page
    visited: list[str] = []

    seeker.goto("/board/")
    assert seeker.heading() == "濮阳市就业岗位与培训公告栏"
    assert page.locator("main article").count() >= 5
    assert_fits_the_screen(seeker)
    visited.append(seeker.path())
    seeker.assert_accessible()

    # The menu folds into a button on a phone; it opens (Bootstrap's script runs under the page's CSP).
    assert not page.locator("#mainnav").is_visible()
    page.get_by_role("button", name="展开菜单").tap()
    page.locator("#mainnav").get_by_role("link", name="公告栏").wait_for(state="visible")
    page.get_by_role("button", name="展开菜单").tap()

    page.get_by_role("searchbox", name="搜索岗位或企业").fill("焊")
    with page.expect_navigation():
        page.get_by_role("button", name="搜索", exact=True).tap()
    cards = page.locator("main article")
    assert cards.count() >= 1 and all("焊" in t for t in cards.all_inner_texts())
    title = cards.first.locator("h2").inner_text()
    cards.first.get_by_role("link").tap()
    assert seeker.heading() == title
    assert "元/月" in page.locator("main").inner_text() or "工资面议" in page.locator("main").inner_text()
    assert_fits_the_screen(seeker)
    visited.append(seeker.path())
    seeker.assert_accessible()

    page.get_by_role("link", name="我要报名").tap()
    assert seeker.heading() == "报名登记"
    assert title in page.locator("main [data-target=job]").inner_text()
    assert_fits_the_screen(seeker)
    visited.append(seeker.path())
    seeker.assert_accessible()
    id_number = live_server.unused_id_number("410928", date(1996, 4, 21), male=False)
    village = page.locator('#region_code option[value^="410928"]').nth(3).get_attribute("value")
    assert village and len(village) == 12
    page.get_by_label("姓名").fill(NAME)
    page.get_by_label("身份证号码").fill(id_number)
    page.get_by_label("手机号码").fill("15837160321")
    page.get_by_label("所在村（或乡镇）").select_option(village)
    page.get_by_label("会做什么（技能、干过的活）").fill("电焊、搬运")
    page.get_by_label("想学什么（想参加的培训）").fill("焊工")
    page.get_by_label("愿意到哪里工作（最远）").select_option("national")
    with page.expect_navigation():
        page.get_by_role("button", name="提交报名").tap()
    assert seeker.heading() == "报名已提交"
    assert "打电话与您联系" in page.locator("main").inner_text()
    assert_fits_the_screen(seeker)
    visited.append(seeker.path())
    seeker.assert_accessible()

    seeker.switch_language("en")
    assert seeker.heading() == "Sign-up submitted"
    assert_pages_in_english(seeker, visited)
    seeker.assert_clean()

    # The county's clerk finds the sign-up waiting to be checked.
    clerk = open_visitor(as_user="city_staff")
    clerk.goto("/board/signups")
    waiting = clerk.page.locator("main section", has_text=NAME)
    assert waiting.count() == 1
    assert "新登记，待核实" in waiting.inner_text() and id_number not in waiting.inner_text()  # masked
    clerk.assert_clean()
