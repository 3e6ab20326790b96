"""Placements and follow-up visits API (服务部门填单): record, list, end; visits, outcomes, the overdue list."""

from __future__ import annotations

from typing import Any

from flask import url_for

from webapp.api import bp
from webapp.api.auth import current_actor
from webapp.api.params import Query, json_object
from webapp.extensions import db
from webapp.models import PLACEMENT_STATUSES, Placement
from webapp.services import followups, placements, reference
from webapp.services.validation import FieldError, parse_date

ID = "int(min=1, max=2147483647)"
MAX_ID = 2_147_483_647
VISIT_STATES = ("open", "overdue", "due_soon", "done", "cancelled")


def placement_body(p: Placement, *, visits: bool = False) -> dict[str, Any]:
    body = {**placements.placement_to_dict(p), "end_reason": p.end_reason, "worker_name": p.worker.name}
    if visits:
        body["visits"] = [followups.visit_to_dict(v) for v in followups.visits_of_placement(db.session, p.id)]
    return body


def _page(result: Any, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"items": items, "total": result.total, "page": result.page, "per_page": result.per_page}


def _date(q: Query, name: str) -> Any:
    value = q.text(name, max_len=10)
    if value is None:
        return None
    try:
        return parse_date(value)
    except FieldError as err:
        q.errors[name] = str(err)
        return None


@bp.post("/placements")
def create_placement() -> tuple[dict[str, Any], int, dict[str, str]]:
    placement = placements.record_placement(db.session, current_actor(), json_object())
    location = url_for("api.get_placement", placement_id=placement.id)
    return placement_body(placement, visits=True), 201, {"Location": location}


@bp.get("/placements")
def list_placements() -> dict[str, Any]:
    q = Query(("status", "route", "region_code", "from", "to", "page", "per_page"))
    status = q.choice("status", PLACEMENT_STATUSES)
    route = q.choice("route", tuple(reference.routes()))
    region_code, date_from, date_to = q.region(), _date(q, "from"), _date(q, "to")
    page, per_page = q.paging()
    q.done()
    result = followups.list_placements(
        db.session,
        current_actor(),
        status=status,
        route=route,
        region_code=region_code,
        date_from=date_from,
        date_to=date_to,
        page=page,
        per_page=per_page,
    )
    return _page(result, [placement_body(p) for p in result.items])


@bp.get(f"/placements/<{ID}:placement_id>")
def get_placement(placement_id: int) -> dict[str, Any]:
    return placement_body(followups.get_placement(db.session, current_actor(), placement_id), visits=True)


@bp.post(f"/placements/<{ID}:placement_id>/end")
def end_placement(placement_id: int) -> dict[str, Any]:
    placement = followups.end_placement(db.session, current_actor(), placement_id, json_object())
    return placement_body(placement, visits=True)


@bp.get("/follow-ups")
def list_follow_ups() -> dict[str, Any]:
    q = Query(("state", "mine", "region_code", "page", "per_page"))
    state, mine, region_code = q.choice("state", VISIT_STATES), q.boolean("mine"), q.region()
    page, per_page = q.paging()
    q.done()
    actor = current_actor()
    result = followups.list_visits(
        db.session,
        actor,
        state=state,
        assignee_id=actor.user_id if mine else None,
        region_code=region_code,
        page=page,
        per_page=per_page,
    )
    return _page(result, [followups.visit_to_dict(v) for v in result.items])


@bp.get("/follow-ups/overdue")
def follow_ups_overdue() -> dict[str, Any]:
    Query(()).done()
    loads = followups.overdue_by_coordinator(db.session, current_actor())
    return {"coordinators": [followups.load_to_dict(load) for load in loads]}


@bp.post(f"/follow-ups/<{ID}:follow_up_id>/outcome")
def record_follow_up_outcome(follow_up_id: int) -> dict[str, Any]:
    visit = followups.record_outcome(db.session, current_actor(), follow_up_id, json_object())
    return followups.visit_to_dict(visit)


# --- the OpenAPI description of these routes (merged into webapp/api/openapi.py) -------------------------


def openapi_schemas() -> dict[str, Any]:
    from webapp.api.openapi import DATE, REGION_CODE, STR, _nullable, _object, _ref
    from webapp.models import PLACEMENT_SOURCES
    from webapp.models.followups import FOLLOW_UP_OUTCOMES

    int_or_null = _nullable({"type": "integer"})
    date_out = {"type": "string", "format": "date"}
    wage = _nullable({"type": "integer", "minimum": 0, "maximum": 200000, "description": "元/月"})
    visit = {
        "id": {"type": "integer"},
        "placement_id": {"type": "integer"},
        "worker_id": {"type": "integer"},
        "worker_name": STR,
        "id_number_masked": STR,
        "region_code": {**STR, "description": "求职人员户籍地"},
        "visit": {**STR, "description": "回访次序（config/followups.toml 的 key）"},
        "visit_name": STR,
        "sequence": {"type": "integer", "minimum": 1},
        "due_on": date_out,
        "state": {"type": "string", "enum": ["scheduled", "due_soon", "overdue", "done", "cancelled"]},
        "assignee_id": {**int_or_null, "description": "回访人（村级协管员或最近的上级工作人员）"},
        "visited_on": _nullable(date_out),
        "outcome": _nullable({"type": "string", "enum": list(FOLLOW_UP_OUTCOMES)}),
        "wage_now": int_or_null,
        "left_reason": STR,
        "note": STR,
    }
    placement = {
        "id": {"type": "integer"},
        "worker_id": {"type": "integer"},
        "worker_name": STR,
        "job_order_id": int_or_null,
        "employer_id": int_or_null,
        "employer_name": STR,
        "route": {**STR, "description": "就业渠道（config/routes.toml）"},
        "route_reason": {**STR, "description": "扶贫车间企业的就业走其他渠道的理由"},
        "region_code": {**STR, "description": "工作地点"},
        "region_name": STR,
        "wage": int_or_null,
        "start_date": date_out,
        "status": {"type": "string", "enum": list(PLACEMENT_STATUSES)},
        "ended_on": _nullable(date_out),
        "end_reason": STR,
        "source": {"type": "string", "enum": list(PLACEMENT_SOURCES)},
        "visits": {"type": "array", "items": _ref("FollowUp"), "description": "仅单条记录返回"},
    }

    def page_of(item: str) -> dict[str, Any]:
        return _object(
            {
                "items": {"type": "array", "items": _ref(item)},
                "total": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": 200},
            },
            ["items", "total", "page", "per_page"],
        )

    return {
        "PlacementInput": _object(
            {
                "worker_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                "job_order_id": _nullable({"type": "integer", "minimum": 1, "maximum": MAX_ID}),
                "employer_id": _nullable({"type": "integer", "minimum": 1, "maximum": MAX_ID}),
                "employer_name": {"type": "string", "maxLength": 128},
                "route": {
                    "type": "string",
                    "enum": list(reference.routes()),
                    "description": "未关联岗位时必填；扶贫车间企业默认 workshop",
                },
                "route_reason": {
                    "type": "string",
                    "maxLength": 255,
                    "description": "扶贫车间企业选择其他渠道的理由",
                },
                "region_code": {**REGION_CODE, "description": "工作地点；未关联岗位时必填"},
                "wage": wage,
                "start_date": _nullable(DATE),
                "source": {"type": "string", "enum": list(PLACEMENT_SOURCES)},
            },
            ["worker_id"],
            description="登记就业：关闭该人员的求职状态，计入岗位录用人数，并安排跟踪回访",
        ),
        "Placement": _object(placement, [k for k in placement if k != "visits"]),
        "PlacementPage": page_of("Placement"),
        "PlacementEnd": _object(
            {"ended_on": _nullable(DATE), "reason": {"type": "string", "maxLength": 255}},
            ["reason"],
            description="登记离职：人员回到求职状态并重新匹配，其余回访取消；岗位的已录用人数不减少",
        ),
        "FollowUp": _object(visit, list(visit)),
        "FollowUpPage": page_of("FollowUp"),
        "FollowUpOutcome": _object(
            {
                "outcome": {"type": "string", "enum": list(FOLLOW_UP_OUTCOMES)},
                "visited_on": _nullable(DATE),
                "wage_now": wage,
                "left_on": _nullable(DATE),
                "left_reason": {"type": "string", "maxLength": 255, "description": "outcome 为 left 时必填"},
                "note": {"type": "string", "maxLength": 2000},
            },
            ["outcome"],
        ),
        "CoordinatorLoads": _object(
            {
                "coordinators": {
                    "type": "array",
                    "items": _object(
                        {
                            "assignee_id": int_or_null,
                            "name": STR,
                            "region_code": _nullable(STR),
                            "overdue": {"type": "integer", "minimum": 0},
                            "due_soon": {"type": "integer", "minimum": 0},
                            "oldest_due": _nullable(date_out),
                        },
                        ["assignee_id", "name", "region_code", "overdue", "due_soon", "oldest_due"],
                    ),
                }
            },
            ["coordinators"],
        ),
    }


def openapi_paths() -> dict[str, Any]:
    from webapp.api.openapi import STR, _body, _error_responses, _json, _op, _param, _query, _ref

    read = _error_responses("BadRequest", "Unauthorized", "Forbidden", "NotFound")
    write = _error_responses(
        "BadRequest", "Unauthorized", "Forbidden", "NotFound", "Conflict", "ValidationError"
    )
    placement_id = {
        "name": "placement_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    }
    follow_up_id = {**placement_id, "name": "follow_up_id"}
    date_param = {"type": "string", "format": "date"}
    return {
        "/api/v1/placements": {
            "get": _op(
                "list_placements",
                "placements",
                "就业记录（本辖区人员），上岗日期新的在前；期间内在岗过的都列出",
                {"200": _json(_ref("PlacementPage"), "一页就业记录"), **read},
                parameters=[
                    _query("status", {"type": "string", "enum": list(PLACEMENT_STATUSES)}, "在岗状态"),
                    _query("route", {"type": "string", "enum": list(reference.routes())}, "就业渠道"),
                    _param("RegionCode"),
                    _query("from", date_param, "期间开始"),
                    _query("to", date_param, "期间结束"),
                    _param("Page"),
                    _param("PerPage"),
                ],
            ),
            "post": _op(
                "create_placement",
                "placements",
                "登记就业（服务部门填单），并安排跟踪回访",
                {
                    "201": {
                        **_json(_ref("Placement"), "已登记的就业记录及其回访"),
                        "headers": {"Location": {"description": "新记录的地址", "schema": STR}},
                    },
                    **write,
                },
                requestBody=_body("PlacementInput"),
            ),
        },
        "/api/v1/placements/{placement_id}": {
            "parameters": [placement_id],
            "get": _op(
                "get_placement",
                "placements",
                "一条就业记录及其回访",
                {"200": _json(_ref("Placement"), "就业记录"), **read},
            ),
        },
        "/api/v1/placements/{placement_id}/end": {
            "parameters": [placement_id],
            "post": _op(
                "end_placement",
                "placements",
                "登记离职",
                {"200": _json(_ref("Placement"), "已结束的就业记录"), **write},
                requestBody=_body("PlacementEnd"),
            ),
        },
        "/api/v1/follow-ups": {
            "get": _op(
                "list_follow_ups",
                "placements",
                "跟踪回访（本辖区人员），应访日期早的在前",
                {"200": _json(_ref("FollowUpPage"), "一页回访"), **read},
                parameters=[
                    _query(
                        "state", {"type": "string", "enum": list(VISIT_STATES)}, "open 待回访 · overdue 逾期"
                    ),
                    _query("mine", {"type": "boolean"}, "只看分配给我的"),
                    _param("RegionCode"),
                    _param("Page"),
                    _param("PerPage"),
                ],
            )
        },
        "/api/v1/follow-ups/overdue": {
            "get": _op(
                "follow_ups_overdue",
                "placements",
                "按回访人汇总的逾期和即将到期回访，逾期多的在前",
                {"200": _json(_ref("CoordinatorLoads"), "各回访人的逾期回访"), **read},
            )
        },
        "/api/v1/follow-ups/{follow_up_id}/outcome": {
            "parameters": [follow_up_id],
            "post": _op(
                "record_follow_up_outcome",
                "placements",
                "登记回访结果（仍在岗、已离职及原因、联系不上）",
                {"200": _json(_ref("FollowUp"), "已登记的回访"), **write},
                requestBody=_body("FollowUpOutcome"),
            ),
        },
    }
