"""The households API (防返贫 monitoring): create, read, change, visit, the due list and the statistics, answering
as the OpenAPI document says."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import WUCUN, make_worker
from webapp.models import User
from webapp.models.households import Household

Headers = dict[str, str]


def test_households_through_the_api(
    client: FlaskClient,
    db_session: Session,
    headers: Callable[[User], Headers],
    nanle_staff: User,
    qingfeng_staff: User,
    conforms: Callable[[Any, str], None],
    refusal: Callable[[Any, int], dict[str, Any]],
) -> None:
    head = make_worker(db_session, name="李建军", status="employed")
    staff = headers(nanle_staff)
    body = {
        "head_name": "李建军",
        "region_code": WUCUN,
        "left_poverty_year": 2019,
        "category": "unstable",
        "risk_flags": ["illness"],
        "members": [{"worker_id": head.id, "relation": "head"}],
        "next_visit_on": (date.today() - timedelta(days=1)).isoformat(),
    }
    resp = client.post("/api/v1/households", json=body, headers=staff)
    assert resp.status_code == 201, resp.get_json()
    created = resp.get_json()
    conforms(created, "Household")
    assert created["visit_state"] == "overdue" and created["has_employed_member"] is True
    assert resp.headers["Location"].endswith(f"/api/v1/households/{created['id']}")

    due = client.get("/api/v1/households?due=true", headers=staff).get_json()
    conforms(due, "HouseholdPage")
    assert [h["id"] for h in due["items"]] == [created["id"]]
    visit = client.post(
        f"/api/v1/households/{created['id']}/visits", json={"risk_flags": [], "note": "已务工"}, headers=staff
    )
    assert visit.status_code == 201
    conforms(visit.get_json(), "HouseholdVisit")
    assert client.get("/api/v1/households?due=true", headers=staff).get_json()["total"] == 0

    stats = client.get("/api/v1/households/stats", headers=staff).get_json()
    conforms(stats, "HouseholdStats")
    assert (stats["monitored"], stats["with_employed_member"], stats["without_employed_member"]) == (1, 1, 0)

    cleared = client.patch(f"/api/v1/households/{created['id']}", json={"status": "cleared"}, headers=staff)
    assert "cleared_reason" in refusal(cleared, 422)["fields"]

    # another county neither sees nor writes it; bad input is named and writes nothing
    refusal(client.get(f"/api/v1/households/{created['id']}", headers=headers(qingfeng_staff)), 404)
    bad = client.post("/api/v1/households", json={**body, "category": "stable", "members": []}, headers=staff)
    assert "category" in refusal(bad, 422)["fields"]
    assert db_session.scalar(select(func.count(Household.id))) == 1
