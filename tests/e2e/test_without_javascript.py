"""The core forms are plain HTML forms: with JavaScript off a clerk logs in and registers a worker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from tests.e2e.support import LiveServer, Visitor, register_welder

DONGLINLOU = "410922100001"  # 清丰县城关镇东林楼, within qingfeng_staff's county


def test_a_clerk_without_javascript_logs_in_and_registers_a_worker(
    open_visitor: Callable[..., Visitor], live_server: LiveServer
) -> None:
    visitor = open_visitor(java_script_enabled=False)
    page = visitor.page
    assert page.evaluate("() => 1") == 1  # Playwright still reads the page; the page's own scripts do not run

    visitor.login("qingfeng_staff")
    assert visitor.heading().startswith("工作台")
    visitor.goto("/workers/new")
    id_number = live_server.unused_id_number("410922", date(1987, 11, 2), male=False)
    worker_id = register_welder(
        visitor, id_number, name="孟巧云", region_code=DONGLINLOU, phone="13837265512"
    )

    assert "已登记求职人员 孟巧云" in visitor.flash()
    assert visitor.heading().startswith("孟巧云")
    assert "女" in page.locator("main dl").inner_text()  # sex read from the ID number by the server

    # A form error comes back from the server too, next to its field, with what was typed kept.
    visitor.goto("/workers/new")
    page.get_by_label("姓名", exact=True).fill("孟巧云")
    page.get_by_label("身份证号码", exact=True).fill(id_number[:-1] + ("0" if id_number[-1] != "0" else "1"))
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    feedback = page.locator(".invalid-feedback").all_inner_texts()
    assert any("身份证号码" in text for text in feedback), feedback
    assert page.get_by_label("姓名", exact=True).input_value() == "孟巧云"
    assert f"/workers/{worker_id + 1}" not in page.url
    visitor.assert_clean()


def test_a_job_seeker_without_javascript_signs_up_on_the_board(
    open_visitor: Callable[..., Visitor], live_server: LiveServer
) -> None:
    visitor = open_visitor(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = visitor.page
    visitor.goto("/board/signup")
    id_number = live_server.unused_id_number("410926", date(1984, 9, 30))
    page.get_by_label("姓名").fill("范志刚")
    page.get_by_label("身份证号码").fill(id_number)
    page.get_by_label("手机号码").fill("15937180422")
    page.get_by_label("所在村（或乡镇）").select_option(
        page.locator('#region_code option[value^="410926"]').first.get_attribute("value")
    )
    page.get_by_label("会做什么（技能、干过的活）").fill("木工、装修")
    with page.expect_navigation():
        page.get_by_role("button", name="提交报名").click()
    assert visitor.heading() == "报名已提交"
    visitor.assert_clean()
