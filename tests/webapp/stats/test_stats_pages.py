"""The statistics page and ``liudan stats``: the same figures as the API, charts that render offline."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import NANLE, PUYANG, QINGFENG, api_token, login, make_user, make_worker
from tests.webapp.page_html import text
from webapp.models import User
from webapp.services import stats
from webapp.services.placements import record_placement
from webapp.services.scope import Actor


@pytest.fixture
def city_staff(db_session: Session) -> User:
    user = make_user(db_session, role="staff", region_code=PUYANG)
    workers = [make_worker(db_session) for _ in range(4)] + [
        make_worker(db_session, region_code="410922100001")
    ]
    record_placement(
        db_session,
        Actor.of(user),
        {
            "worker_id": workers[0].id,
            "route": "out_of_province",
            "region_code": "320500",
            "start_date": date.today().isoformat(),
        },
    )
    workers[1].completed_training = ["美发培训"]
    db_session.commit()
    return user


def figure(html: str, key: str) -> str:
    found = re.search(rf'data-figure="{key}">([^<]*)<', html)
    assert found, key
    return found.group(1)


def test_the_city_page_shows_counties_side_by_side(client: FlaskClient, city_staff: User) -> None:
    login(client, city_staff)

    resp = client.get("/stats/")

    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert (figure(html, "labour_force"), figure(html, "employed"), figure(html, "employment_rate")) == (
        "5",
        "1",
        "20.0%",
    )
    assert figure(html, "training_rate") == "20.0%"
    assert f'data-region="{NANLE}"' in html and f'data-region="{QINGFENG}"' in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') >= 4
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")  # nothing fetched from elsewhere
    nanle_row = re.search(rf'<tr data-region="{NANLE}">(.*?)</tr>', html, re.S).group(1)
    assert text(nanle_row).split()[:6] == ["1", "南乐县", "4", "1", "25.0%", "1"]


def test_drilling_down_and_bad_filters(client: FlaskClient, city_staff: User) -> None:
    login(client, city_staff)

    county = client.get(f"/stats/?region_code={NANLE}&from=2026-01-01&to=2026-12-31").get_data(as_text=True)
    assert "乡镇（街道）" in text(county) and 'data-region="410923201"' in county
    assert f'href="/stats/?region_code={PUYANG}' in county.replace("&amp;", "&")

    bad = client.get("/stats/?region_code=999999&from=2026-02-30")
    assert bad.status_code == 200
    assert "未知的地区代码 999999" in text(bad.get_data(as_text=True))


def test_county_staff_see_only_their_county(
    client: FlaskClient, db_session: Session, city_staff: User
) -> None:
    login(client, make_user(db_session, role="staff", region_code=QINGFENG))

    assert figure(client.get("/stats/").get_data(as_text=True), "labour_force") == "1"
    assert client.get(f"/stats/?region_code={NANLE}").status_code == 404


def test_the_api_and_the_command_line_give_the_same_figures(
    app: Flask, client: FlaskClient, db_session: Session, city_staff: User
) -> None:
    stats.take_snapshots(db_session)
    headers = api_token(client, city_staff)

    api = client.get(f"/api/v1/stats/summary?region_code={PUYANG}", headers=headers).get_json()
    cli = app.test_cli_runner().invoke(
        args=["stats", "--region", PUYANG, "--json", "--user", city_staff.username]
    )

    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.output) == api
    assert api["region"]["employment_rate"] == 0.2 and len(api["trend"]) == 1

    plain = app.test_cli_runner().invoke(args=["stats", "--region", NANLE])
    assert plain.exit_code == 0
    assert "建档立卡劳动力 4，已就业 1（就业率 25.0%）" in plain.output and "杨村乡" in plain.output
    unknown = app.test_cli_runner().invoke(args=["stats", "--region", "123"])
    assert unknown.exit_code != 0 and "未知的地区代码" in unknown.output
