"""``liudan coordinators``: a village coordinator account for every village without staff, each with its own
random initial password, shown once (and written to a printable .xlsx list), to be changed at first login."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import WUCUN, make_user
from webapp.models import User


def test_creating_village_coordinators_with_individual_passwords(
    app: Flask, db_session: Session, tmp_path: Path
) -> None:
    make_user(db_session, role="staff", region_code=WUCUN)
    runner = app.test_cli_runner()
    sheet = tmp_path / "协管员账号.xlsx"

    result = runner.invoke(args=["coordinators", "--region", WUCUN[:9], "--xlsx", str(sheet)])

    assert result.exit_code == 0, result.output
    created = db_session.scalars(select(User).where(User.username.like("xgy%"))).all()
    assert len(created) >= 2 and all(u.role == "staff" and len(u.region_code or "") == 12 for u in created)
    assert WUCUN not in {u.region_code for u in created}
    assert all(u.must_change_password for u in created)
    assert f"已创建 {len(created)} 个村级协管员账号" in result.output
    # each account's password is printed once, next to its username, and works for that account only
    shown = dict(re.findall(r"^(xgy\S+)\s+\S+\s+(\S+)\s+\S+$", result.output, re.MULTILINE))
    assert set(shown) == {u.username for u in created}
    assert len(set(shown.values())) == len(created)
    for user in created:
        assert user.check_password(shown[user.username])
        assert not any(user.check_password(p) for name, p in shown.items() if name != user.username)
        # the username is not the public village code with a prefix: it cannot be guessed from the code
        assert user.username != f"xgy{user.region_code}"
    rows = list(load_workbook(sheet).active.iter_rows(min_row=2, values_only=True))
    assert {(r[0], r[2]) for r in rows} == set(shown.items())

    unknown = runner.invoke(args=["coordinators", "--region", "999"])
    assert unknown.exit_code == 2
    again = runner.invoke(args=["coordinators", "--region", WUCUN[:9]])
    assert again.exit_code == 0 and "已创建 0 个" in again.output


def test_an_initial_password_must_be_changed_before_anything_else(app: Flask, db_session: Session) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["coordinators", "--region", WUCUN[:9]])
    username, password = re.findall(r"^(xgy\S+)\s+\S+\s+(\S+)\s+\S+$", result.output, re.MULTILINE)[0]
    page = app.test_client()
    assert page.post("/auth/login", data={"username": username, "password": password}).status_code == 302
    for path in ("/", "/workers/", "/account/"):
        resp = page.get(path)
        assert resp.status_code == 302 and resp.headers["Location"].endswith("/account/password"), path
    api = app.test_client()
    token = api.post("/api/v1/auth/token", json={"username": username, "password": password}).get_json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    refused = api.get("/api/v1/workers", headers=headers)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "password_change_required"

    new = "xiegu-an-2026-cun-mima"
    changed = page.post(
        "/account/password",
        data={"current_password": password, "new_password": new, "confirm_password": new},
    )
    assert changed.status_code == 302
    assert page.get("/").status_code == 200
    db_session.expire_all()
    assert not db_session.scalar(select(User.must_change_password).where(User.username == username))
    fresh = api.post("/api/v1/auth/token", json={"username": username, "password": new}).get_json()
    assert (
        api.get("/api/v1/workers", headers={"Authorization": f"Bearer {fresh['token']}"}).status_code == 200
    )
