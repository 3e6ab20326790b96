"""/api/v1/stats/summary and /api/v1/stats/trend."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import NANLE, PUYANG, QINGFENG, make_user, make_worker
from webapp.models import User
from webapp.services import stats

Headers = dict[str, str]


def test_the_summary(
    client: FlaskClient, db_session: Session, staff_headers: Headers, conforms: Callable[[Any, str], None]
) -> None:
    make_worker(db_session, status="employed")
    make_worker(db_session)
    make_worker(db_session, region_code="410922100001", completed_training=["电焊"])

    body = client.get("/api/v1/stats/summary", headers=staff_headers).get_json()

    conforms(body, "StatsSummary")
    assert body["region"]["region_code"] == PUYANG
    assert (
        body["region"]["labour_force"],
        body["region"]["employment_rate"],
        body["region"]["training_rate"],
    ) == (
        3,
        0.3333,
        0.3333,
    )
    ranked = [(c["region_code"], c["rank"]) for c in body["children"] if c["labour_force"]]
    assert ranked == [(NANLE, 1), (QINGFENG, 2)]
    assert body["period"] == {"from": f"{date.today().year}-01-01", "to": date.today().isoformat()}


def test_the_trend(
    client: FlaskClient, db_session: Session, staff_headers: Headers, conforms: Callable[[Any, str], None]
) -> None:
    make_worker(db_session)
    for day in (date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)):
        stats.take_snapshots(db_session, today=day)

    body = client.get(f"/api/v1/stats/trend?region_code={NANLE}&weeks=2", headers=staff_headers).get_json()

    conforms(body, "StatsTrend")
    assert [p["taken_on"] for p in body["trend"]] == ["2026-03-09", "2026-03-16"]
    assert body["trend"][0]["labour_force"] == 1


def test_refusals(
    client: FlaskClient,
    db_session: Session,
    headers: Callable[[User], Headers],
    employer_user: User,
    refusal: Callable[[Any, int], dict[str, Any]],
) -> None:
    qingfeng = headers(make_user(db_session, role="staff", region_code=QINGFENG))

    refusal(client.get(f"/api/v1/stats/summary?region_code={NANLE}", headers=qingfeng), 404)
    refusal(client.get(f"/api/v1/stats/trend?region_code={NANLE}", headers=qingfeng), 404)
    assert set(
        refusal(client.get("/api/v1/stats/summary?from=2026-13-01&to=x&y=1", headers=qingfeng), 400)["fields"]
    ) == {
        "from",
        "to",
        "y",
    }
    reversed_period = client.get("/api/v1/stats/summary?from=2026-06-01&to=2026-01-01", headers=qingfeng)
    assert refusal(reversed_period, 400)["fields"] == {"to": "结束日期不能早于开始日期"}
    refusal(client.get("/api/v1/stats/trend?weeks=0", headers=qingfeng), 400)
    refusal(client.get("/api/v1/stats/summary", headers=headers(employer_user)), 403)
