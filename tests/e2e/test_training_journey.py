"""A training institution opens a course from the training needs, enrols suggested trainees and records
their certificates."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from tests.e2e.support import LiveServer, Visitor, assert_pages_in_english


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

    # 结业 before the course has ended is refused with the rule, and nothing is recorded.
    row = page.locator("main tbody tr", has_text=names[0])
    row.get_by_label("结果").select_option("completed")
    row.get_by_label("证书编号").fill("HN2026-0001")
    with page.expect_navigation():
        row.get_by_role("button", name="登记").click()
    assert "课程结束前不能登记结业结果" in visitor.flash()
    assert "HN2026-0001" not in page.locator("main tbody").inner_text()
    visited.append(visitor.path())
    visitor.assert_accessible()

    visitor.switch_language("en")
    assert "Trainees (2)" in page.locator("main").inner_text()
    assert_pages_in_english(visitor, visited)
    visitor.assert_clean()


def _ended_course_with_trainees(live_server: LiveServer) -> tuple[int, list[str]]:
    """Set-up outside the browser: trainer_demo's 5-day 母婴护理员 course in 南乐县 that ended yesterday (cost 2,000
    元; the standard pays 1,500 元 for a certificate), two consenting job seekers enrolled and present every day,
    and a budget line of 南乐县."""
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import User, Worker
    from webapp.services import subsidies, training
    from webapp.services.scope import Actor

    with live_server.app.app_context():
        session = db.session
        trainer = Actor.of(session.scalar(select(User).where(User.username == "trainer_demo")))
        city = Actor.of(session.scalar(select(User).where(User.username == "city_staff")))
        end = date.today() - timedelta(days=1)
        start = end - timedelta(days=4)
        course = training.create_course(
            session,
            trainer,
            {
                "title": "母婴护理结业确认班",
                "occupation": "母婴护理员",
                "venue_kind": "base",
                "venue_name": "南乐县职业技能培训基地",
                "region_code": "410923",
                "capacity": "5",
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "cost": "2000",
                "certificate_name": "",
                "description": "",
                "job_order_ids": [],
            },
            today=start,
        )
        workers = session.scalars(
            select(Worker)
            .where(
                Worker.verified.is_(True),
                Worker.status == "seeking",
                Worker.consent_to_share.is_(True),
                Worker.region_code.startswith("410923"),
            )
            .order_by(Worker.id)
            .limit(2)
        ).all()
        rows = training.enrol(session, trainer, course.id, {w.id: "manual" for w in workers})
        for n in range(5):
            day = (start + timedelta(days=n)).isoformat()
            training.record_attendance(session, trainer, course.id, day, [r.id for r in rows])
        subsidies.create_budget_line(
            session,
            city,
            {
                "name": "职业培训补贴（结业确认）",
                "year": str(end.year),
                "region_code": "410923",
                "total": "100000",
            },
        )
        names = [w.name for w in workers]
        course_id = course.id
        session.remove()
    return course_id, names


def test_irreversible_steps_ask_for_confirmation_and_two_people_approve_and_pay(
    open_visitor: Callable[..., Visitor], live_server: LiveServer
) -> None:
    course_id, names = _ended_course_with_trainees(live_server)
    # the trainer's steps run without JavaScript (plain forms and pages); the staff's pages are checked by axe
    trainer = open_visitor("trainer_demo", java_script_enabled=False)
    page = trainer.page
    trainer.goto(f"/training/courses/{course_id}")

    # 结业 with a certificate: a summary of what will happen, nothing recorded until confirmed.
    for n, name in enumerate(names, start=1):
        row = page.locator("main tbody tr", has_text=name)
        row.get_by_label("结果").select_option("completed")
        row.get_by_label("证书编号").fill(f"HN2026-{n:04d}")
        row.get_by_label("发证机构").fill("濮阳市人力资源和社会保障局")
        row.get_by_label("发证日期").fill((date.today() - timedelta(days=1)).isoformat())
        with page.expect_navigation():
            row.get_by_role("button", name="登记").click()
        assert trainer.heading() == "确认登记结果：结业"
        summary = page.locator("[data-confirmation]").inner_text()
        assert name in summary and f"HN2026-{n:04d}" in summary and "不可撤销" in summary
        if n == 1:  # going back records nothing
            page.get_by_role("link", name="返回，不办理").click()
            assert f"HN2026-{n:04d}" not in page.locator("main tbody").inner_text()
            continue
        with page.expect_navigation():
            page.get_by_role("button", name="确认办理").click()
        assert f"已登记 {name}：结业" in trainer.flash()
    row = page.locator("main tbody tr", has_text=names[0])
    row.get_by_label("结果").select_option("failed")
    with page.expect_navigation():
        row.get_by_role("button", name="登记").click()
    with page.expect_navigation():
        page.get_by_role("button", name="确认办理").click()

    # 结业 of the course, confirmed; then the claim.
    with page.expect_navigation():
        page.get_by_role("button", name="结业（全部学员已登记结果）").click()
    assert trainer.heading() == "确认课程结业"
    assert "结业1人" in page.locator("[data-confirmation]").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="确认办理").click()
    assert "课程已结业" in trainer.flash()
    page.get_by_role("link", name="申请培训补贴").click()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("提交")).click()
    claim_path = trainer.path()
    assert "补贴申请已提交" in trainer.flash()

    # 批准 by one staff member, confirmed; the same person may not pay (four-eyes).
    approver = open_visitor("city_staff")
    approver.goto(claim_path)
    with approver.page.expect_navigation():
        approver.page.get_by_role("button", name="批准").click()
    assert approver.heading() == "确认批准补贴申请"
    assert "四眼原则" in approver.page.locator("[data-confirmation]").inner_text()
    approver.assert_accessible()
    with approver.page.expect_navigation():
        approver.page.get_by_role("button", name="确认办理").click()
    assert "已批准" in approver.flash()
    with approver.page.expect_navigation():
        approver.page.get_by_role("button", name="支付").click()
    assert "四眼原则" in approver.flash()

    # 支付 by another, confirmed with the budget line's balance before and after.
    payer = open_visitor("nanle_staff")
    payer.goto(claim_path)
    line = payer.page.locator("select[name=budget_line_id] option", has_text="结业确认").get_attribute(
        "value"
    )
    payer.page.get_by_label("预算科目").select_option(value=line)
    with payer.page.expect_navigation():
        payer.page.get_by_role("button", name="支付").click()
    assert payer.heading() == "确认支付补贴"
    summary = payer.page.locator("[data-confirmation]").inner_text()
    assert "金额1500元" in summary and "100000元 → 98500元" in summary
    payer.assert_accessible()
    with payer.page.expect_navigation():
        payer.page.get_by_role("button", name="确认办理").click()
    assert "已支付" in payer.flash()
    assert payer.page.locator("[data-status]").first.get_attribute("data-status") == "paid"
    for visitor in (trainer, approver, payer):
        visitor.assert_clean()
