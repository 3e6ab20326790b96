"""``liudan coordinators``: a village coordinator account for every village without staff."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import WUCUN, make_user
from webapp.models import User


def test_creating_village_coordinators(app: Flask, db_session: Session) -> None:
    make_user(db_session, role="staff", region_code=WUCUN)
    runner = app.test_cli_runner()

    result = runner.invoke(args=["coordinators", "--region", WUCUN[:9], "--password", "xieguan-2026"])

    assert result.exit_code == 0, result.output
    created = db_session.scalars(select(User).where(User.username.like("xgy%"))).all()
    assert created and all(u.role == "staff" and len(u.region_code or "") == 12 for u in created)
    assert WUCUN not in {u.region_code for u in created}
    assert f"已创建 {len(created)} 个村级协管员账号" in result.output
    short = runner.invoke(args=["coordinators", "--region", WUCUN[:9], "--password", "short"])
    assert short.exit_code == 1 and "密码至少10个字符" in short.output
    weak = runner.invoke(args=["coordinators", "--region", WUCUN[:9], "--password", "password123"])
    assert weak.exit_code == 1 and "密码太容易被猜到" in weak.output
    unknown = runner.invoke(args=["coordinators", "--region", "999", "--password", "xieguan-2026"])
    assert unknown.exit_code == 2
