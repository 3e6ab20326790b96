"""Statistics API: ``GET /api/v1/stats/summary`` (the dashboard's figures) and ``GET /api/v1/stats/trend``.

The same figures as the statistics page and ``liudan stats --region CODE --json``.
"""

from __future__ import annotations

from typing import Any

from webapp.api import bp
from webapp.api.auth import current_actor
from webapp.api.params import Query
from webapp.extensions import db
from webapp.services import stats
from webapp.services.validation import FieldError, parse_date

MAX_WEEKS = 104


def _date(q: Query, name: str) -> Any:
    value = q.text(name, max_len=10)
    if value is None:
        return None
    try:
        return parse_date(value)
    except FieldError as err:
        q.errors[name] = str(err)
        return None


@bp.get("/stats/summary")
def stats_summary() -> dict[str, Any]:
    q = Query(("region_code", "from", "to"))
    region_code, date_from, date_to = q.region(), _date(q, "from"), _date(q, "to")
    if date_from and date_to and date_from > date_to:
        q.errors["to"] = "结束日期不能早于开始日期"
    q.done()
    board = stats.dashboard(
        db.session, current_actor(), region_code=region_code, date_from=date_from, date_to=date_to
    )
    return board.to_dict()


@bp.get("/stats/trend")
def stats_trend() -> dict[str, Any]:
    q = Query(("region_code", "weeks"))
    region_code = q.region()
    weeks = q.integer("weeks", default=None, maximum=MAX_WEEKS)
    q.done()
    actor = current_actor()
    code = region_code or stats.default_region(actor)
    stats.check_region(actor, code)
    points = stats.trend(db.session, code, weeks=weeks)
    return {"region_code": code, "trend": [p.to_dict() for p in points]}


# --- the OpenAPI description of these routes (merged into webapp/api/openapi.py) -------------------------


def openapi_schemas() -> dict[str, Any]:
    from webapp.api.openapi import STR, _nullable, _object, _ref

    count = {"type": "integer", "minimum": 0}
    rate = _nullable(
        {"type": "number", "minimum": 0, "maximum": 1, "description": "比例（0–1），无劳动力时为 null"}
    )
    date_out = {"type": "string", "format": "date"}
    figures = {
        "region_code": STR,
        "region_name": STR,
        "labour_force": {**count, "description": "建档立卡贫困劳动力"},
        "employed": {**count, "description": "有在岗就业记录或状态为已就业"},
        "employment_rate": rate,
        "trained": {**count, "description": "已完成培训"},
        "training_rate": rate,
        "seeking": count,
        "rank": _nullable({"type": "integer", "minimum": 1, "description": "按就业率的名次"}),
    }
    point = {
        "taken_on": date_out,
        "labour_force": count,
        "employed": count,
        "employment_rate": rate,
        "trained": count,
        "training_rate": rate,
        "placements": {**count, "description": "该周新登记就业（建档立卡）"},
    }
    split = {"placements": count, "registered_poor": count, "name": STR}
    fair_counts = {"held": count, "job_orders": count, "check_ins": count, "hired": count}
    return {
        "StatsFigures": _object(figures, list(figures)),
        "StatsTrendPoint": _object(point, list(point)),
        "StatsSummary": _object(
            {
                "region": _ref("StatsFigures"),
                "level": STR,
                "child_level": _nullable(STR),
                "children": {
                    "type": "array",
                    "items": _ref("StatsFigures"),
                    "description": "下一级，按就业率排名",
                },
                "period": _object({"from": date_out, "to": date_out}, ["from", "to"]),
                "placements": _object(
                    {
                        "total": count,
                        "registered_poor": count,
                        "by_route": {
                            "type": "array",
                            "items": _object({"route": STR, **split}, ["route", *split]),
                        },
                        "by_destination": {
                            "type": "array",
                            "items": _object(
                                {
                                    "destination": {
                                        "type": "string",
                                        "enum": ["local", "in_province", "out_of_province"],
                                    },
                                    **split,
                                },
                                ["destination", *split],
                            ),
                        },
                    },
                    ["total", "registered_poor", "by_route", "by_destination"],
                ),
                "fairs": _object(
                    {
                        **fair_counts,
                        "planned": count,
                        "by_kind": {
                            "type": "array",
                            "items": _object(
                                {"kind": STR, "name": STR, **fair_counts}, ["kind", "name", *fair_counts]
                            ),
                        },
                    },
                    [*fair_counts, "planned", "by_kind"],
                ),
                "unmet_demand": {
                    "type": "array",
                    "items": _object(
                        {"occupation": STR, "occupation_name": STR, "job_orders": count, "open_posts": count},
                        ["occupation", "occupation_name", "job_orders", "open_posts"],
                    ),
                },
                "follow_ups": _object(
                    {"due": count, "done": count, "overdue": count, "left": count},
                    ["due", "done", "overdue", "left"],
                ),
                "trend": {"type": "array", "items": _ref("StatsTrendPoint")},
            },
            [
                "region",
                "level",
                "child_level",
                "children",
                "period",
                "placements",
                "fairs",
                "unmet_demand",
                "follow_ups",
                "trend",
            ],
        ),
        "StatsTrend": _object(
            {"region_code": STR, "trend": {"type": "array", "items": _ref("StatsTrendPoint")}},
            ["region_code", "trend"],
        ),
    }


def openapi_paths() -> dict[str, Any]:
    from webapp.api.openapi import _error_responses, _json, _op, _param, _query, _ref

    read = _error_responses("BadRequest", "Unauthorized", "Forbidden", "NotFound")
    date_param = {"type": "string", "format": "date"}
    return {
        "/api/v1/stats/summary": {
            "get": _op(
                "stats_summary",
                "statistics",
                "某地区（缺省为本人辖区）的建档立卡劳动力就业率、培训率及下一级排名，期间就业（按渠道、就业地）、"
                "招聘会、未满足的用工需求、回访和每周趋势",
                {"200": _json(_ref("StatsSummary"), "统计数据"), **read},
                parameters=[
                    _param("RegionCode"),
                    _query("from", date_param, "期间开始（缺省为本年1月1日）"),
                    _query("to", date_param, "期间结束（缺省为今天）"),
                ],
            )
        },
        "/api/v1/stats/trend": {
            "get": _op(
                "stats_trend",
                "statistics",
                "某地区的每周统计快照，早的在前",
                {"200": _json(_ref("StatsTrend"), "每周趋势"), **read},
                parameters=[
                    _param("RegionCode"),
                    _query("weeks", {"type": "integer", "minimum": 1, "maximum": MAX_WEEKS}, "最多几周"),
                ],
            )
        },
    }
