"""API routes of training needs, courses and subsidy claims (接单、买单), on the v1 blueprint.

``GET /api/v1/training-needs`` answers as DESIGN.md says: a list of ``{"occupation", "region_code", "demand",
"qualified_supply", "gap", "wished_by"}`` (plus display names and the near-miss count), largest gap first,
``?region_code=`` keeping the places at or below a region. :func:`openapi_paths` and :func:`openapi_schemas`
describe these routes for ``webapp/api/openapi.py``.
"""

from __future__ import annotations

from typing import Any

from webapp.api import bp
from webapp.api.auth import current_actor
from webapp.api.params import Query
from webapp.extensions import db
from webapp.models.training import CLAIM_STATUSES, COURSE_STATUSES, VENUE_KINDS
from webapp.services import reference, subsidies, training

ID = "int(min=1, max=2147483647)"


def _occupation(q: Query) -> str | None:
    text = q.text("occupation")
    if text is None:
        return None
    code = reference.taxonomy().resolve(text)
    if code is None:
        q.errors["occupation"] = f"未知工种“{text}”"
    return code


@bp.get("/training-needs")
def training_needs() -> Any:
    q = Query(("region_code", "occupation"))
    region_code, occupation = q.region(), _occupation(q)
    q.done()
    needs = training.training_needs(
        db.session, current_actor(), region_code=region_code, occupation=occupation
    )
    return [training.need_to_dict(n) for n in needs]


@bp.get("/courses")
def list_courses() -> dict[str, Any]:
    q = Query(("status", "occupation", "region_code", "page", "per_page"))
    status, occupation, region_code = q.choice("status", COURSE_STATUSES), _occupation(q), q.region()
    page, per_page = q.paging()
    q.done()
    result = training.list_courses(
        db.session,
        current_actor(),
        status=status,
        occupation=occupation,
        region_code=region_code,
        page=page,
        per_page=per_page,
    )
    return {
        "items": [training.course_to_dict(db.session, c) for c in result.items],
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
    }


@bp.get(f"/courses/<{ID}:course_id>")
def get_course(course_id: int) -> dict[str, Any]:
    return training.course_to_dict(db.session, training.get_course(db.session, current_actor(), course_id))


@bp.get("/subsidy-claims")
def list_subsidy_claims() -> dict[str, Any]:
    q = Query(("status", "page", "per_page"))
    status = q.choice("status", CLAIM_STATUSES)
    page, per_page = q.paging()
    q.done()
    result = subsidies.list_claims(db.session, current_actor(), status=status, page=page, per_page=per_page)
    return {
        "items": [subsidies.claim_to_dict(c) for c in result.items],
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
    }


@bp.get(f"/subsidy-claims/<{ID}:claim_id>")
def get_subsidy_claim(claim_id: int) -> dict[str, Any]:
    return subsidies.claim_to_dict(subsidies.get_claim(db.session, current_actor(), claim_id))


# --- the OpenAPI description of these routes ----------------------------------------------------------------


def openapi_schemas() -> dict[str, Any]:
    from webapp.api.openapi import MAX_ID, REGION_CODE, STR, _nullable, _object, _ref

    integer = {"type": "integer", "minimum": 0}
    course = {
        "id": {"type": "integer"},
        "title": STR,
        "provider_id": {"type": "integer"},
        "provider_name": STR,
        "occupation": {"type": "string", "description": "工种代码"},
        "occupation_name": STR,
        "venue_kind": {
            "type": "string",
            "enum": list(VENUE_KINDS),
            "description": "base 培训基地 / point 教学点",
        },
        "venue_name": STR,
        "region_code": REGION_CODE,
        "region_name": STR,
        "capacity": {"type": "integer", "minimum": 1},
        "start_date": {"type": "string", "format": "date"},
        "end_date": {"type": "string", "format": "date"},
        "cost": {**integer, "description": "培训成本，元/人"},
        "certificate_name": STR,
        "status": {"type": "string", "enum": list(COURSE_STATUSES)},
        "job_order_ids": {
            "type": "array",
            "items": {"type": "integer"},
            "description": "订单式培训对接的岗位",
        },
        "enrolled": {**integer, "description": "在训和已结业人数"},
        "completed": {**integer, "description": "结业人数"},
        "certified": {**integer, "description": "取得证书人数"},
    }
    claim = {
        "id": {"type": "integer"},
        "course_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        "course_title": STR,
        "provider_name": STR,
        "occupation": STR,
        "occupation_name": STR,
        "status": {"type": "string", "enum": list(CLAIM_STATUSES)},
        "trainees": {**integer, "description": "符合条件的学员人数"},
        "amount": {**integer, "description": "补贴金额（元）"},
        "yuan_per_trainee": integer,
        "require_certificate": {"type": "boolean"},
        "employed_within_days": {**integer, "description": "0 表示不要求就业"},
        "budget_line_id": _nullable({"type": "integer"}),
        "return_reason": STR,
        "submitted_at": {"type": "string", "format": "date-time"},
        "decided_at": _nullable({"type": "string", "format": "date-time"}),
        "paid_at": _nullable({"type": "string", "format": "date-time"}),
        "worker_ids": {"type": "array", "items": {"type": "integer"}},
    }

    def page_of(item: str) -> dict[str, Any]:
        return _object(
            {
                "items": {"type": "array", "items": _ref(item)},
                "total": integer,
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": 200},
            },
            ["items", "total", "page", "per_page"],
        )

    need = {
        "occupation": {"type": "string", "description": "工种代码（目录外的工种为其文本）"},
        "occupation_name": STR,
        "region_code": {"type": "string", "description": "用工地所在县区代码（省外城市为其代码）"},
        "region_name": STR,
        "demand": {**integer, "description": "在招岗位的待招人数"},
        "qualified_supply": {**integer, "description": "匹配度达到阈值的在册求职人员数"},
        "gap": {**integer, "description": "max(demand − qualified_supply, 0)"},
        "wished_by": {**integer, "description": "希望从事或参加该培训、且愿意去该地的人数"},
        "near_miss": {**integer, "description": "只差证书或技能即可胜任的人数"},
    }
    return {
        "TrainingNeed": _object(need, list(need)),
        "TrainingNeeds": {"type": "array", "items": _ref("TrainingNeed")},
        "Course": _object(course, list(course)),
        "CoursePage": page_of("Course"),
        "SubsidyClaim": _object(claim, list(claim)),
        "SubsidyClaimPage": page_of("SubsidyClaim"),
    }


def openapi_paths() -> dict[str, Any]:
    from webapp.api.openapi import MAX_ID, _error_responses, _json, _op, _param, _query, _ref

    read = _error_responses("BadRequest", "Unauthorized", "Forbidden", "NotFound")
    course_id = {
        "name": "course_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    }
    claim_id = {**course_id, "name": "claim_id"}
    return {
        "/api/v1/training-needs": {
            "get": _op(
                "training_needs",
                "training",
                "培训需求：各工种、各用工地的待招人数、合格供给、缺口和培训意愿，缺口大的在前"
                "（工作人员的供给只计本辖区人员，培训机构计全市）",
                {"200": _json(_ref("TrainingNeeds"), "培训需求列表"), **read},
                parameters=[_param("RegionCode"), _param("Occupation")],
            )
        },
        "/api/v1/courses": {
            "get": _op(
                "list_courses",
                "training",
                "培训课程（培训机构只看到本机构的课程）",
                {"200": _json(_ref("CoursePage"), "一页课程"), **read},
                parameters=[
                    _query("status", {"type": "string", "enum": list(COURSE_STATUSES)}, "课程状态"),
                    _param("Occupation"),
                    _param("RegionCode"),
                    _param("Page"),
                    _param("PerPage"),
                ],
            )
        },
        "/api/v1/courses/{course_id}": {
            "parameters": [course_id],
            "get": _op("get_course", "training", "一门课程", {"200": _json(_ref("Course"), "课程"), **read}),
        },
        "/api/v1/subsidy-claims": {
            "get": _op(
                "list_subsidy_claims",
                "subsidies",
                "培训补贴申请（工作人员看本辖区课程的申请，培训机构看本机构的申请）",
                {"200": _json(_ref("SubsidyClaimPage"), "一页补贴申请"), **read},
                parameters=[
                    _query("status", {"type": "string", "enum": list(CLAIM_STATUSES)}, "申请状态"),
                    _param("Page"),
                    _param("PerPage"),
                ],
            )
        },
        "/api/v1/subsidy-claims/{claim_id}": {
            "parameters": [claim_id],
            "get": _op(
                "get_subsidy_claim",
                "subsidies",
                "一份补贴申请",
                {"200": _json(_ref("SubsidyClaim"), "补贴申请"), **read},
            ),
        },
    }
