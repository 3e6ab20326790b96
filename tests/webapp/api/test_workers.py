"""/api/v1/workers: register, read, edit and list workers; personal data stays masked and scoped."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import NANLE, WUCUN, id_number, make_worker
from webapp.models import AuditLog, User, Worker

QINGFENG_TOWN = "410922100"  # 清丰县城关镇


def _body(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "王秀兰",
        "id_number": id_number(NANLE, date(1988, 3, 9), male=False),
        "phone": "13698765432",
        "region_code": WUCUN,
        "education": "senior",
        "skills": ["缝纫", "锁边"],
        "certificates": [],
        "desired_occupations": ["缝纫工", "保洁员"],
        "mobility": "county",
        "expected_wage": 3000,
        "poverty_registered": True,
        "consent_to_share": True,
    }
    body.update(overrides)
    return body


def _bad_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def _counts(session: Session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(Worker)) or 0,
        session.scalar(select(func.count()).select_from(AuditLog)) or 0,
    )


def test_register_read_patch_and_list(client: FlaskClient, staff_headers: Any, conforms: Any) -> None:
    body = _body()
    resp = client.post("/api/v1/workers", json=body, headers=staff_headers)
    assert resp.status_code == 201, resp.get_json()
    worker = resp.get_json()
    conforms(worker, "Worker")
    assert "id_number" not in worker and "phone" not in worker
    assert worker["id_number_masked"] == body["id_number"][:4] + "*" * 10 + body["id_number"][-4:]
    assert worker["phone_masked"] == "136****5432"
    assert (worker["sex"], worker["birth_date"]) == ("F", "1988-03-09")
    assert worker["poverty_registered"] is True  # staff see it
    assert resp.headers["Location"].endswith(f"/api/v1/workers/{worker['id']}")

    got = client.get(f"/api/v1/workers/{worker['id']}", headers=staff_headers)
    assert got.status_code == 200 and got.get_json() == worker

    patched = client.patch(
        f"/api/v1/workers/{worker['id']}",
        json={"status": "employed", "mobility": "national"},
        headers=staff_headers,
    )
    assert patched.status_code == 200, patched.get_json()
    conforms(patched.get_json(), "Worker")
    assert (patched.get_json()["status"], patched.get_json()["mobility"]) == ("employed", "national")

    listing = client.get("/api/v1/workers", headers=staff_headers).get_json()
    conforms(listing, "WorkerPage")
    assert listing["total"] == 1 and listing["items"][0]["status"] == "employed"


def test_invalid_check_digit_is_refused_and_nothing_written(
    client: FlaskClient, db_session: Session, staff_headers: Any, refusal: Any
) -> None:
    before = _counts(db_session)
    resp = client.post(
        "/api/v1/workers", json=_body(id_number=_bad_check_digit(id_number(NANLE))), headers=staff_headers
    )
    error = refusal(resp, 422)
    assert error["code"] == "validation_error"
    assert "校验位" in error["fields"]["id_number"]
    assert _counts(db_session) == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"id_number": "41092319880309"}, "id_number"),
        ({"id_number": 410923198803091234}, "id_number"),
        ({"id_number": "41092319881309002X"}, "id_number"),
        ({"id_number": id_number(NANLE, date(2015, 1, 1))}, "id_number"),
        ({"id_number": None}, "id_number"),
        ({"name": "  "}, "name"),
        ({"phone": "0393-1234567"}, "phone"),
        ({"phone": ""}, "phone"),
        ({"region_code": "410923999999"}, "region_code"),
        ({"mobility": "abroad"}, "mobility"),
        ({"status": "retired"}, "status"),
        ({"education": "phd"}, "education"),
        ({"expected_wage": -100}, "expected_wage"),
        ({"expected_wage": "很多"}, "expected_wage"),
        ({"available_from": "next week"}, "available_from"),
        ({"skills": ["焊" * 65]}, "skills"),
        ({"skills": [str(i) for i in range(31)]}, "skills"),
        ({"consent_to_share": "perhaps"}, "consent_to_share"),
        ({"password": "x"}, "password"),
    ],
    ids=[
        "short-id",
        "numeric-id",
        "bad-birth-month",
        "under-16",
        "null-id",
        "blank-name",
        "landline",
        "empty-phone",
        "unknown-village",
        "bad-mobility",
        "bad-status",
        "bad-education",
        "negative-wage",
        "text-wage",
        "bad-date",
        "long-skill",
        "too-many-skills",
        "bad-bool",
        "unknown-field",
    ],
)
def test_bad_fields_are_422_and_nothing_is_written(
    client: FlaskClient,
    db_session: Session,
    staff_headers: Any,
    refusal: Any,
    overrides: dict[str, Any],
    field: str,
) -> None:
    before = _counts(db_session)
    error = refusal(client.post("/api/v1/workers", json=_body(**overrides), headers=staff_headers), 422)
    assert field in error["fields"] and error["fields"][field], error
    assert _counts(db_session) == before


def test_all_field_problems_are_reported_together(
    client: FlaskClient, staff_headers: Any, refusal: Any
) -> None:
    body = _body(id_number="123", phone="1", mobility="abroad")
    error = refusal(client.post("/api/v1/workers", json=body, headers=staff_headers), 422)
    assert {"id_number", "phone", "mobility"} <= set(error["fields"])


def test_duplicate_id_number_is_409_even_written_differently(
    client: FlaskClient, db_session: Session, staff_headers: Any, refusal: Any
) -> None:
    number = id_number(NANLE, date(1979, 12, 1))
    make_worker(db_session, id_number=number)
    before = _counts(db_session)
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    for written in (number, full_width, number.lower()):
        error = refusal(
            client.post("/api/v1/workers", json=_body(id_number=written), headers=staff_headers), 409
        )
        assert error["code"] == "conflict" and "id_number" in error["fields"]
        assert number not in str(error)
    assert _counts(db_session) == before


def test_full_id_and_phone_never_appear_in_worker_responses(
    client: FlaskClient, db_session: Session, staff_headers: Any
) -> None:
    body = _body()
    number, phone = body["id_number"], body["phone"]
    created = client.post("/api/v1/workers", json=body, headers=staff_headers)
    wid = created.get_json()["id"]
    responses = [
        created,
        client.get(f"/api/v1/workers/{wid}", headers=staff_headers),
        client.patch(f"/api/v1/workers/{wid}", json={"expected_wage": 3500}, headers=staff_headers),
        client.patch(f"/api/v1/workers/{wid}", json={"id_number": number}, headers=staff_headers),
        client.get("/api/v1/workers", headers=staff_headers),
        client.get("/api/v1/workers", query_string={"q": number[-6:]}, headers=staff_headers),
        client.post("/api/v1/workers", json=body, headers=staff_headers),  # the duplicate refusal
    ]
    assert [r.status_code for r in responses] == [201, 200, 200, 200, 200, 200, 409]
    assert responses[5].get_json()["total"] == 1  # found by the last digits, still masked
    for resp in responses:
        text = resp.get_data(as_text=True)
        assert number not in text and phone not in text, text


def test_permitted_staff_reads_personal_data_and_it_is_audited(
    client: FlaskClient, db_session: Session, staff_headers: Any, city_staff: User, conforms: Any
) -> None:
    worker = make_worker(db_session)
    before = _counts(db_session)[1]
    resp = client.get(f"/api/v1/workers/{worker.id}/personal-data", headers=staff_headers)
    assert resp.status_code == 200
    conforms(resp.get_json(), "WorkerPersonalData")
    assert resp.get_json() == {"worker_id": worker.id, "id_number": worker.id_number, "phone": worker.phone}
    only_phone = client.get(
        f"/api/v1/workers/{worker.id}/personal-data", query_string={"field": "phone"}, headers=staff_headers
    )
    assert only_phone.get_json() == {"worker_id": worker.id, "phone": worker.phone}
    rows = db_session.scalars(select(AuditLog).where(AuditLog.action == "reveal").order_by(AuditLog.id)).all()
    assert len(rows) == 3 == _counts(db_session)[1] - before
    assert {(r.user_id, r.object_id) for r in rows} == {(city_staff.id, str(worker.id))}
    assert [r.detail["field"] for r in rows] == ["id_number", "phone", "phone"]


def test_personal_data_refused_to_employers_and_bad_field(
    client: FlaskClient,
    db_session: Session,
    headers: Any,
    employer_user: User,
    staff_headers: Any,
    refusal: Any,
) -> None:
    worker = make_worker(db_session)
    before = _counts(db_session)
    refusal(client.get(f"/api/v1/workers/{worker.id}/personal-data", headers=headers(employer_user)), 404)
    error = refusal(
        client.get(
            f"/api/v1/workers/{worker.id}/personal-data",
            query_string={"field": "address"},
            headers=staff_headers,
        ),
        400,
    )
    assert "field" in error["fields"]
    assert _counts(db_session) == before


def test_county_staff_cannot_see_another_countys_worker(
    client: FlaskClient, db_session: Session, headers: Any, qingfeng_staff: User, refusal: Any
) -> None:
    nanle_worker = make_worker(db_session, region_code=WUCUN, name="南乐人")
    qingfeng_worker = make_worker(db_session, region_code=QINGFENG_TOWN, name="清丰人")
    auth = headers(qingfeng_staff)
    before = _counts(db_session)

    for method, path in [
        ("GET", f"/api/v1/workers/{nanle_worker.id}"),
        ("PATCH", f"/api/v1/workers/{nanle_worker.id}"),
        ("GET", f"/api/v1/workers/{nanle_worker.id}/personal-data"),
        ("GET", f"/api/v1/workers/{nanle_worker.id}/recommendations"),
    ]:
        resp = client.open(path, method=method, json={"status": "employed"}, headers=auth)
        assert refusal(resp, 404)["code"] == "not_found", (method, path)
        assert nanle_worker.id_number not in resp.get_data(as_text=True)

    listing = client.get("/api/v1/workers", headers=auth).get_json()
    assert [w["id"] for w in listing["items"]] == [qingfeng_worker.id] and listing["total"] == 1
    by_region = client.get("/api/v1/workers", query_string={"region_code": NANLE}, headers=auth).get_json()
    assert by_region["items"] == [] and by_region["total"] == 0
    assert client.get(f"/api/v1/workers/{qingfeng_worker.id}", headers=auth).status_code == 200

    # nor register someone there
    resp = client.post("/api/v1/workers", json=_body(), headers=auth)
    assert refusal(resp, 403)["fields"] == {"region_code": "不在您的管辖范围内"}
    db_session.expire_all()
    assert db_session.get(Worker, nanle_worker.id).status == "seeking"  # type: ignore[union-attr]
    assert _counts(db_session) == before


def test_employers_and_trainers_cannot_list_workers(
    client: FlaskClient, db_session: Session, headers: Any, employer_user: User, refusal: Any
) -> None:
    make_worker(db_session)
    assert refusal(client.get("/api/v1/workers", headers=headers(employer_user)), 403)["code"] == "forbidden"
    refusal(client.post("/api/v1/workers", json=_body(), headers=headers(employer_user)), 403)


def test_list_filters(client: FlaskClient, db_session: Session, staff_headers: Any) -> None:
    welder = make_worker(db_session, name="赵焊工", phone="13912345670")
    seamstress = make_worker(
        db_session,
        name="钱缝纫",
        skills=["缝纫"],
        certificates=[],
        desired_occupations=["缝纫工"],
        poverty_registered=False,
        region_code=QINGFENG_TOWN,
    )
    employed = make_worker(db_session, name="孙已就业", status="employed")

    def ids(**query: Any) -> list[int]:
        resp = client.get("/api/v1/workers", query_string=query, headers=staff_headers)
        assert resp.status_code == 200, resp.get_json()
        return [w["id"] for w in resp.get_json()["items"]]

    assert ids() == [welder.id, seamstress.id, employed.id]
    assert ids(status="seeking") == [welder.id, seamstress.id]
    assert ids(region_code="410922") == [seamstress.id]
    assert ids(poverty_registered="false") == [seamstress.id]
    assert ids(poverty_registered="true", status="employed") == [employed.id]
    assert ids(occupation="缝纫工") == [seamstress.id]
    assert ids(q="焊工") == [welder.id]
    assert ids(q="13912345670") == [welder.id]
    assert ids(per_page=2, page=2) == [employed.id]


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "-1"}, "page"),
        ({"per_page": "999"}, "per_page"),
        ({"status": "lost"}, "status"),
        ({"poverty_registered": "maybe"}, "poverty_registered"),
        ({"region_code": "4109"}, "region_code"),
        ({"name": "赵"}, "name"),
    ],
)
def test_bad_query_parameters_are_400_naming_them(
    client: FlaskClient, staff_headers: Any, refusal: Any, query: dict[str, str], param: str
) -> None:
    error = refusal(client.get("/api/v1/workers", query_string=query, headers=staff_headers), 400)
    assert param in error["fields"]


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"id_number": _bad_check_digit(id_number(NANLE))}, "id_number"),
        ({"mobility": "everywhere"}, "mobility"),
        ({"name": ""}, "name"),
        ({"birth_date": "1990-01-01"}, "birth_date"),
        ({"verified": False}, "verified"),
    ],
)
def test_bad_patches_are_422_and_change_nothing(
    client: FlaskClient,
    db_session: Session,
    staff_headers: Any,
    refusal: Any,
    patch: dict[str, Any],
    field: str,
) -> None:
    worker = make_worker(db_session)
    number = worker.id_number
    before = _counts(db_session)
    error = refusal(client.patch(f"/api/v1/workers/{worker.id}", json=patch, headers=staff_headers), 422)
    assert field in error["fields"]
    assert _counts(db_session) == before
    db_session.expire_all()
    fresh = db_session.get(Worker, worker.id)
    assert fresh is not None and (fresh.id_number, fresh.mobility, fresh.name) == (
        number,
        "national",
        "赵晓权",
    )


def test_patching_to_another_workers_id_number_is_409(
    client: FlaskClient, db_session: Session, staff_headers: Any, refusal: Any
) -> None:
    first, second = make_worker(db_session), make_worker(db_session)
    resp = client.patch(
        f"/api/v1/workers/{second.id}", json={"id_number": first.id_number}, headers=staff_headers
    )
    refusal(resp, 409)
    assert first.id_number not in resp.get_data(as_text=True)


@pytest.mark.parametrize("birth", [date(1965, 8, 1), date(1982, 12, 31), date(1983, 1, 1)])
def test_people_born_before_their_county_code_existed_can_register(
    client: FlaskClient, staff_headers: Any, birth: date
) -> None:
    """南乐县's code 410923 dates from 1983, but older residents carry it on their ID cards too."""
    resp = client.post(
        "/api/v1/workers", json=_body(id_number=id_number(NANLE, birth)), headers=staff_headers
    )
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["birth_date"] == birth.isoformat()
