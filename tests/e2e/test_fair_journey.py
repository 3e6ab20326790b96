"""City staff run a fair: create it, add orders, generate the shortlists, check a worker in, record a hire."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import distinct, func, select, update

from tests.e2e.support import LiveServer, Visitor, assert_pages_in_english
from webapp.extensions import db
from webapp.models import Fair, JobOrder, Worker
from webapp.models.fairs import ShortlistEntry

FAIR = "春风行动·濮阳市专场（测试）"


def test_staff_run_a_fair_from_shortlists_to_a_hire(visitor: Visitor, live_server: LiveServer) -> None:
    page = visitor.page
    visited: list[str] = []
    orders = live_server.scalars(
        select(JobOrder.id).where(JobOrder.status == "open", JobOrder.region_code.startswith("32")).limit(2)
    )
    assert len(orders) == 2, "the demo has open Jiangsu orders"

    visitor.login("city_staff")
    page.locator("nav").get_by_role("link", name="招聘会").click()
    assert visitor.heading().startswith("招聘会")
    visited.append(visitor.path())
    page.get_by_role("link", name="新建招聘会").click()
    visited.append(visitor.path())
    visitor.assert_accessible()

    page.get_by_label("招聘会名称").fill(FAIR)
    page.get_by_label("招聘会类型").select_option("spring_breeze")
    page.get_by_label("举办日期").fill((date.today() + timedelta(days=10)).isoformat())
    page.get_by_label("举办地点").fill("濮阳市人力资源市场一楼大厅")
    page.get_by_label("主办地区（地区代码）").fill("410900")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    match = re.search(r"/fairs/(\d+)$", page.url)
    assert match, page.locator("main").inner_text()
    fair_id = int(match.group(1))
    assert "招聘会已创建" in visitor.flash() and visitor.heading().startswith(FAIR)

    # The orders on offer: added by number, listed with their employer and headcount.
    page.get_by_label("加入岗位（岗位编号，多个用逗号分隔）").fill("，".join(str(i) for i in orders))
    with page.expect_navigation():
        page.get_by_role("button", name="加入", exact=True).click()
    assert "岗位已加入招聘会" in visitor.flash()
    listed = page.locator("main table").first.locator("tbody tr")
    assert listed.count() == 2
    assert [int(r.locator("td").first.inner_text()) for r in listed.all()] == orders
    visited.append(visitor.path())
    visitor.assert_accessible()

    # Shortlists for every order at once; each invited worker comes with a score and reasons.
    page.get_by_role("link", name="邀约名单").click()
    with page.expect_navigation():
        page.get_by_role("button", name="生成邀约名单").click()
    flash = visitor.flash()
    invited = int(re.search(r"已生成邀约名单：(\d+) 个邀约", flash).group(1))  # type: ignore[union-attr]
    assert invited > 0, flash
    sections = page.locator("main section")
    assert sections.count() == 2
    first_rows = sections.first.locator("tbody tr")
    assert first_rows.count() >= 1 and first_rows.first.locator(".reason").count() >= 1
    visited.append(visitor.path())
    visitor.assert_accessible()

    # Fair day: the first invitee of the first order arrives; the clerk finds them by phone and checks them in.
    entry = live_server.scalar(
        select(ShortlistEntry.worker_id)
        .where(ShortlistEntry.fair_id == fair_id, ShortlistEntry.job_order_id == orders[0])
        .order_by(ShortlistEntry.rank)
        .limit(1)
    )
    name, phone = live_server.one(select(Worker.name, Worker.phone).where(Worker.id == entry))
    page.get_by_role("link", name="现场签到").click()
    # Ten days early the page says check-ins wait for the fair's date; then the day comes.
    assert "今天不是招聘会日期" in page.locator("main").inner_text()
    with live_server.app.app_context():
        db.session.execute(update(Fair).where(Fair.id == fair_id).values(date=date.today()))
        db.session.commit()
        db.session.remove()
    page.reload()
    assert "今天不是招聘会日期" not in page.locator("main").inner_text()
    page.get_by_label("手机号、身份证后4–6位或扫描邀请函二维码").fill(phone)
    with page.expect_navigation():
        page.get_by_role("button", name="查找").click()
    found = page.locator("main .list-group-item", has_text=name)
    assert found.count() >= 1
    with page.expect_navigation():
        found.first.get_by_role("button", name="签到").click()
    assert "签到成功" in visitor.flash()
    assert "已签到 1 人" in page.locator("main h2").first.inner_text()
    visited.append(visitor.path())
    visitor.assert_accessible()

    # At the employer's booth: the invitee shows as checked in; record the hire.
    visitor.goto(f"/fairs/{fair_id}")
    listed.first.get_by_role("link", name="展位现场").click()
    row = page.locator("main tbody tr", has_text=name).first
    assert "已签到" in row.inner_text()
    row.get_by_label("结果").select_option("hired")
    with page.expect_navigation():
        row.get_by_role("button", name="登记").click()
    assert "已记录面试结果" in visitor.flash()
    assert "已录用" in page.locator("main tbody tr", has_text=name).first.inner_text()
    visited.append(visitor.path())
    visitor.assert_accessible()

    # The report counts it, with its chart.
    visitor.goto(f"/fairs/{fair_id}/report")
    totals = dict(
        zip(
            page.locator("main .stat-card .small").all_inner_texts(),
            [int(v) for v in page.locator("main .stat-card .display-6").all_inner_texts()],
            strict=True,
        )
    )
    people = live_server.scalar(  # the report counts people: one invited for two orders counts once
        select(func.count(distinct(ShortlistEntry.worker_id))).where(ShortlistEntry.fair_id == fair_id)
    )
    assert 0 < people <= invited
    assert totals["邀约人数"] == people and totals["到场人数"] == 1 and totals["录用人数"] == 1, totals
    assert page.locator("main svg").count() >= 1
    visited.append(visitor.path())
    visitor.assert_accessible()

    visitor.switch_language("en")
    assert "Invited" in page.locator("main").inner_text()
    assert_pages_in_english(visitor, visited)
    visitor.assert_clean()
