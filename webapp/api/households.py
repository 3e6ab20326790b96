"""防返贫 monitoring API (四不摘): households, their visits, the due list and the statistics, on the v1 blueprint.

:func:`openapi_schemas` and :func:`openapi_paths` describe these routes for ``webapp/api/openapi.py``.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from webapp.api import bp
from webapp.api.auth import current_actor
from webapp.api.params import Query, json_object
from webapp.extensions import db
from webapp.models.households import HOUSEHOLD_STATUSES, MEMBER_RELATIONS
from webapp.services import households

ID = "int(min=1, max=2147483647)"
MAX_ID = 2_147_483_647


def _page(result: Any, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"items": items, "total": result.total, "page": result.page, "per_page": result.per_page}


@bp.get("/households")
def list_households() -> dict[str, Any]:
    q = Query(("category", "status", "due", "employed", "region_code", "page", "per_page"))
    category = q.choice("category", tuple(households.categories()))
    status = q.choice("status", HOUSEHOLD_STATUSES)
    due, employed, region_code = q.boolean("due"), q.boolean("employed"), q.region()
    page, per_page = q.paging()
    q.done()
    actor = current_actor()
    result = households.list_households(
        db.session,
        actor,
        category=category,
        status=status or "monitored",
        due=bool(due),
        employed=employed,
        region_code=region_code,
        page=page,
        per_page=per_page,
    )
    return _page(result, [households.household_to_dict(db.session, actor, h) for h in result.items])


@bp.post("/households")
def create_household() -> tuple[dict[str, Any], int, dict[str, str]]:
    actor = current_actor()
    household = households.create_household(db.session, actor, json_object())
    location = url_for("api.get_household", household_id=household.id)
    return (
        households.household_to_dict(db.session, actor, household, visits=True),
        201,
        {"Location": location},
    )


@bp.get("/households/stats")
def household_stats() -> dict[str, Any]:
    q = Query(("region_code",))
    region_code = q.region()
    q.done()
    return households.stats_to_dict(
        households.monitoring_stats(db.session, current_actor(), region_code=region_code)
    )


@bp.get(f"/households/<{ID}:household_id>")
def get_household(household_id: int) -> dict[str, Any]:
    actor = current_actor()
    household = households.get_household(db.session, actor, household_id)
    return households.household_to_dict(db.session, actor, household, visits=True)


@bp.patch(f"/households/<{ID}:household_id>")
def update_household(household_id: int) -> dict[str, Any]:
    actor = current_actor()
    household = households.update_household(db.session, actor, household_id, json_object())
    return households.household_to_dict(db.session, actor, household, visits=True)


@bp.post(f"/households/<{ID}:household_id>/visits")
def record_household_visit(household_id: int) -> tuple[dict[str, Any], int]:
    visit = households.record_visit(db.session, current_actor(), household_id, json_object())
    return households.visit_to_dict(visit), 201


# --- the OpenAPI description of these routes ----------------------------------------------------------------


def openapi_schemas() -> dict[str, Any]:
    from webapp.api.openapi import DATE, REGION_CODE, STR, _nullable, _object, _ref

    categories = list(households.categories())
    risks = list(households.risks())
    flags = {"type": "array", "items": {"type": "string", "enum": risks}, "maxItems": len(risks)}
    date_out = {"type": "string", "format": "date"}
    count = {"type": "integer", "minimum": 0}
    member_in = _object(
        {
            "worker_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            "relation": {"type": "string", "enum": list(MEMBER_RELATIONS)},
        },
        ["worker_id"],
    )
    member = {
        "worker_id": {"type": "integer"},
        "name": STR,
        "id_number_masked": STR,
        "relation": {"type": "string", "enum": list(MEMBER_RELATIONS)},
        "status": STR,
        "employed": {"type": "boolean"},
    }
    inputs = {
        "head_name": {"type": "string", "maxLength": 64},
        "region_code": {**REGION_CODE, "description": "户籍所在村（12 位代码）"},
        "left_poverty_year": _nullable({"type": "integer", "minimum": 2013, "maximum": 2100}),
        "category": {
            "type": "string",
            "enum": categories,
            "description": "监测类别（config/households.toml）",
        },
        "risk_flags": flags,
        "visit_every_days": _nullable({"type": "integer", "minimum": 1, "maximum": 366}),
        "next_visit_on": _nullable(DATE),
        "note": {"type": "string", "maxLength": 2000},
        "members": {
            "type": "array",
            "items": {"anyOf": [member_in, {"type": "integer", "minimum": 1, "maximum": MAX_ID}]},
            "maxItems": 20,
        },
    }
    patch = {
        **inputs,
        "status": {"type": "string", "enum": list(HOUSEHOLD_STATUSES)},
        "cleared_reason": {"type": "string", "maxLength": 255},
    }
    household = {
        "id": {"type": "integer"},
        "head_name": STR,
        "region_code": STR,
        "region_name": STR,
        "left_poverty_year": _nullable({"type": "integer"}),
        "category": {"type": "string", "enum": categories},
        "category_name": STR,
        "risk_flags": {"type": "array", "items": STR},
        "visit_every_days": {"type": "integer", "minimum": 1},
        "next_visit_on": date_out,
        "last_visited_on": _nullable(date_out),
        "visit_state": {"type": "string", "enum": ["planned", "due", "overdue", "cleared"]},
        "status": {"type": "string", "enum": list(HOUSEHOLD_STATUSES)},
        "cleared_reason": STR,
        "note": STR,
        "has_employed_member": {"type": "boolean"},
        "members": {"type": "array", "items": _object(member, list(member))},
        "visits": {"type": "array", "items": _ref("HouseholdVisit"), "description": "仅单户返回"},
    }
    visit = {
        "id": {"type": "integer"},
        "household_id": {"type": "integer"},
        "visited_on": date_out,
        "risk_flags": {"type": "array", "items": STR},
        "note": STR,
        "visited_by": _nullable({"type": "integer"}),
    }
    by_category = {
        "category": {"type": "string", "enum": categories},
        "with_employed_member": count,
        "without_employed_member": count,
    }
    stats = {
        "monitored": count,
        "with_employed_member": count,
        "without_employed_member": count,
        "due": count,
        "overdue": count,
        "by_category": {"type": "array", "items": _object(by_category, list(by_category))},
    }
    return {
        "HouseholdInput": _object(
            inputs,
            ["head_name", "region_code", "category"],
            description="纳入防返贫监测的户：脱贫不稳定户须填脱贫年度；走访周期默认取监测类别的设置",
        ),
        "HouseholdPatch": _object(patch, description="修改监测信息、成员或解除监测（须填原因）"),
        "Household": _object(household, [k for k in household if k != "visits"]),
        "HouseholdPage": _object(
            {
                "items": {"type": "array", "items": _ref("Household")},
                "total": count,
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": 200},
            },
            ["items", "total", "page", "per_page"],
        ),
        "HouseholdVisitInput": _object(
            {
                "visited_on": _nullable(DATE),
                "risk_flags": flags,
                "note": {"type": "string", "maxLength": 2000},
            },
            description="登记走访：本次发现的风险替换该户的风险类型，下次走访按周期顺延",
        ),
        "HouseholdVisit": _object(visit, list(visit)),
        "HouseholdStats": _object(stats, list(stats)),
    }


def openapi_paths() -> dict[str, Any]:
    from webapp.api.openapi import STR, _body, _error_responses, _json, _op, _param, _query, _ref

    read = _error_responses("BadRequest", "Unauthorized", "Forbidden", "NotFound")
    write = _error_responses(
        "BadRequest", "Unauthorized", "Forbidden", "NotFound", "Conflict", "ValidationError"
    )
    household_id = {
        "name": "household_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    }
    boolean = {"type": "boolean"}
    return {
        "/api/v1/households": {
            "get": _op(
                "list_households",
                "households",
                "防返贫监测户（本辖区），下次走访日期早的在前",
                {"200": _json(_ref("HouseholdPage"), "一页监测户"), **read},
                parameters=[
                    _query("category", {"type": "string", "enum": list(households.categories())}, "监测类别"),
                    _query("status", {"type": "string", "enum": list(HOUSEHOLD_STATUSES)}, "监测状态"),
                    _query("due", boolean, "只列出到期（含逾期）待走访的户"),
                    _query("employed", boolean, "有（true）或没有（false）就业成员"),
                    _param("RegionCode"),
                    _param("Page"),
                    _param("PerPage"),
                ],
            ),
            "post": _op(
                "create_household",
                "households",
                "纳入防返贫监测（四不摘）",
                {
                    "201": {
                        **_json(_ref("Household"), "已纳入监测的户"),
                        "headers": {"Location": {"description": "新记录的地址", "schema": STR}},
                    },
                    **write,
                },
                requestBody=_body("HouseholdInput"),
            ),
        },
        "/api/v1/households/stats": {
            "get": _op(
                "household_stats",
                "households",
                "监测户统计：有、无就业成员的户数，按监测类别",
                {"200": _json(_ref("HouseholdStats"), "统计"), **read},
                parameters=[_param("RegionCode")],
            )
        },
        "/api/v1/households/{household_id}": {
            "parameters": [household_id],
            "get": _op(
                "get_household",
                "households",
                "一户及其走访记录",
                {"200": _json(_ref("Household"), "监测户"), **read},
            ),
            "patch": _op(
                "update_household",
                "households",
                "修改监测信息、成员，或解除监测",
                {"200": _json(_ref("Household"), "监测户"), **write},
                requestBody=_body("HouseholdPatch"),
            ),
        },
        "/api/v1/households/{household_id}/visits": {
            "parameters": [household_id],
            "post": _op(
                "record_household_visit",
                "households",
                "登记走访",
                {"201": _json(_ref("HouseholdVisit"), "走访记录"), **write},
                requestBody=_body("HouseholdVisitInput"),
            ),
        },
    }
