"""The OpenAPI 3.1 document of the API, written as Python data and served at ``/api/v1/openapi.json``.

Enumerations come from the same tuples the services validate against (and the employment routes from
``config/``), so the document cannot drift from what the API accepts. Every ``operationId`` is the name of
the view function that serves it; ``tests/webapp/api`` checks that each route under ``/api/v1`` is here.

Example:
    >>> doc = build_document(route_keys=("local_enterprise",))
    >>> doc["paths"]["/api/v1/workers/{worker_id}"]["get"]["operationId"]
    'get_worker'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from matcher.types import MOBILITY_LEVELS, WORKER_STATUSES
from webapp.models import EDUCATION_LEVELS, JOB_ORDER_REVIEW_STATUSES, JOB_ORDER_STATUSES

API_VERSION = "1.0.0"
MAX_ID = 2_147_483_647

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


STR: Schema = {"type": "string"}
BOOL: Schema = {"type": "boolean"}
DATE: Schema = {"type": "string", "format": "date", "examples": ["2026-12-31"]}
REGION_CODE: Schema = {
    "type": "string",
    "pattern": r"^\d{6}(\d{3}(\d{3})?)?$",
    "description": "GB/T 2260 地区代码（省、市、县 6 位，乡镇 9 位，村 12 位），须在地区树中",
    "examples": ["410923"],
}
TEXT_LIST: Schema = {
    "anyOf": [
        {"type": "array", "items": {"type": "string", "maxLength": 64}, "maxItems": 30},
        {"type": "string", "description": "以 , ， 、 ; 或换行分隔的文本"},
    ]
}
TEXT_LIST_OUT: Schema = {"type": "array", "items": STR}
EXPERIENCE_ITEM: Schema = {
    "type": "object",
    "properties": {
        "occupation": {"type": "string", "maxLength": 64},
        "years": {"type": "integer", "minimum": 0, "maximum": 60},
    },
    "required": ["occupation"],
    "additionalProperties": False,
}
EXPERIENCE: Schema = {
    "anyOf": [
        {"type": "array", "items": EXPERIENCE_ITEM, "maxItems": 10},
        {"type": "string", "description": "“工种:年限”，以 、 或逗号分隔，如“焊工:5、电工:2”"},
    ],
    "description": "从业经历：做过的工种及年限（培训不算从业经历）；年限用于同分时排序",
}
MOBILE: Schema = {"type": "string", "pattern": r"^1[3-9]\d{9}$", "examples": ["13812345678"]}


def _object(
    properties: dict[str, Schema], required: Iterable[str] = (), *, closed: bool = True, **extra: Any
) -> Schema:
    out: Schema = {"type": "object", "properties": properties}
    req = list(required)
    if req:
        out["required"] = req
    if closed:
        out["additionalProperties"] = False
    out.update(extra)
    return out


# --- schemas ----------------------------------------------------------------------------------------------


def _employer_fields() -> dict[str, Schema]:
    return {
        "name": {"type": "string", "maxLength": 128, "description": "企业名称"},
        "uscc": {
            "type": "string",
            "pattern": r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
            "description": "统一社会信用代码（18 位，GB 32100 校验位）",
            "examples": ["91410900MA0000001X"],
        },
        "region_code": REGION_CODE,
        "contact_name": {"type": "string", "maxLength": 64},
        "contact_phone": {
            "type": "string",
            "maxLength": 24,
            "description": "11 位手机号码，或固定电话“区号-号码”（可带分机，如 0512-68001234-801），可为空",
        },
        "address": {"type": "string", "maxLength": 255},
        "is_workshop": {**BOOL, "description": "扶贫车间"},
        "is_partner": {**BOOL, "description": "劳务协作合作企业"},
    }


def _job_order_fields(route_keys: tuple[str, ...]) -> dict[str, Schema]:
    wage = _nullable({"type": "integer", "minimum": 0, "maximum": 200000, "description": "元/月"})
    age = _nullable({"type": "integer", "minimum": 16, "maximum": 70})
    return {
        "employer_id": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_ID,
            "description": "发布企业；企业账号发布时总是其本企业，人社部门工作人员发布时必填",
        },
        "title": {"type": "string", "maxLength": 128},
        "occupation": {
            "type": "string",
            "maxLength": 64,
            "description": "工种：职业目录中的名称、俗称或代码（如 焊工、电焊工、6-18-02-04）；目录中没有的工种按原文保存（待归类）",
        },
        "description": {"type": "string", "maxLength": 4000},
        "skills": TEXT_LIST,
        "certificates_required": TEXT_LIST,
        "headcount": {"type": "integer", "minimum": 1, "maximum": 10000},
        "wage_min": wage,
        "wage_max": wage,
        "region_code": {**REGION_CODE, "description": "工作地点，可在全国任何地区"},
        "age_min": age,
        "age_max": age,
        "housing": {**BOOL, "description": "提供住宿"},
        "board": {**BOOL, "description": "提供伙食"},
        "start_date": _nullable(DATE),
        "expires_on": _nullable(DATE),
        "route": {
            "type": "string",
            "enum": list(route_keys),
            "description": "就业渠道（config/routes.toml）；不填则按企业类型默认（扶贫车间企业为 workshop）",
        },
        "route_reason": {
            "type": "string",
            "maxLength": 255,
            "description": "扶贫车间企业选择其他渠道的理由（仅人社部门工作人员可选择其他渠道）",
        },
        "public_welfare": {
            **BOOL,
            "description": "公益性岗位：仅建档立卡、残疾或就业困难人员；公益性工种的岗位一律为公益性岗位",
        },
        "internal": {**BOOL, "description": "不在公开岗位栏展示"},
        "status": {"type": "string", "enum": list(JOB_ORDER_STATUSES)},
    }


def _worker_fields() -> dict[str, Schema]:
    return {
        "name": {"type": "string", "maxLength": 64},
        "id_number": {
            "type": "string",
            "pattern": r"^\d{17}[\dXx]$",
            "description": "18 位居民身份证号码（GB 11643 校验位）；出生日期和性别由此得出，须年满 16 周岁",
        },
        "phone": {**MOBILE, "description": "11 位手机号码"},
        "region_code": {**REGION_CODE, "description": "户籍或常住地（可到村）"},
        "education": {"type": "string", "enum": list(EDUCATION_LEVELS)},
        "skills": TEXT_LIST,
        "certificates": TEXT_LIST,
        "desired_occupations": {**TEXT_LIST, "description": "意向工种，按意愿先后"},
        "desired_training": TEXT_LIST,
        "completed_training": TEXT_LIST,
        "experience_years": EXPERIENCE,
        "mobility": {
            "type": "string",
            "enum": list(MOBILITY_LEVELS),
            "description": "愿意外出工作的最远范围：village 本村 … national 全国",
        },
        "expected_wage": _nullable(
            {"type": "integer", "minimum": 0, "maximum": 100000, "description": "元/月"}
        ),
        "available_from": _nullable(DATE),
        "poverty_registered": {**BOOL, "description": "建档立卡"},
        "disability": BOOL,
        "hard_to_employ": _nullable(
            {
                "type": "string",
                "enum": ["", *_hard_to_employ_keys()],
                "description": "就业困难人员类别（空 = 不是）",
            }
        ),
        "status": {"type": "string", "enum": list(WORKER_STATUSES)},
        "consent_to_share": {**BOOL, "description": "同意向企业推荐（共享信息）"},
    }


def _hard_to_employ_keys() -> list[str]:
    from webapp.services import reference

    return list(reference.hard_to_employ_types())


def _schemas(route_keys: tuple[str, ...]) -> dict[str, Schema]:
    employer_in = _employer_fields()
    order_in = _job_order_fields(route_keys)
    worker_in = _worker_fields()
    employer_out = {
        "id": {"type": "integer"},
        **{k: v for k, v in employer_in.items() if k not in ("contact_phone", "uscc")},
        "uscc": STR,
        "contact_phone": STR,
        "region_name": STR,
    }
    order_out = {
        "id": {"type": "integer"},
        **order_in,
        "employer_name": _nullable(STR),
        "occupation": {"type": "string", "description": "工种代码；目录中没有的工种为填写原文（待归类）"},
        "occupation_name": STR,
        "region_name": STR,
        "skills": TEXT_LIST_OUT,
        "certificates_required": TEXT_LIST_OUT,
        "filled": {"type": "integer", "minimum": 0, "description": "已录用人数"},
        "route": STR,
        "status": {
            "type": "string",
            "enum": [*JOB_ORDER_STATUSES, *JOB_ORDER_REVIEW_STATUSES],
            "description": "企业发布的岗位先为 pending（待审核），审核通过后为 open；退回为 returned",
        },
        "review_note": {"type": "string", "description": "退回原因"},
    }
    worker_out: dict[str, Schema] = {
        "id": {"type": "integer"},
        "name": STR,
        "id_number_masked": {"type": "string", "examples": ["4109**********1234"]},
        "phone_masked": {"type": "string", "examples": ["138****5678"]},
        "age": {"type": "integer"},
        "sex": {"type": "string", "enum": ["M", "F"]},
        "birth_date": {"type": "string", "format": "date"},
        "region_code": STR,
        "region_name": STR,
        "education": worker_in["education"],
        **{k: TEXT_LIST_OUT for k in ("skills", "certificates", "desired_occupations", "desired_training")},
        "completed_training": TEXT_LIST_OUT,
        "experience_years": {
            "type": "array",
            "items": {**EXPERIENCE_ITEM, "required": ["occupation", "years"]},
        },
        "mobility": worker_in["mobility"],
        "expected_wage": _nullable({"type": "integer"}),
        "available_from": _nullable({"type": "string", "format": "date"}),
        "status": worker_in["status"],
        "consent_to_share": BOOL,
        "verified": BOOL,
        "poverty_registered": {**BOOL, "description": "仅人社部门工作人员可见"},
        "disability": {**BOOL, "description": "仅人社部门工作人员可见"},
        "hard_to_employ": _nullable(
            {"type": "string", "description": "就业困难人员类别，仅人社部门工作人员可见"}
        ),
    }
    worker_required = [
        k for k in worker_out if k not in ("poverty_registered", "disability", "hard_to_employ")
    ]

    def page_of(item: str) -> Schema:
        return _object(
            {
                "items": {"type": "array", "items": _ref(item)},
                "total": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": 200},
            },
            ["items", "total", "page", "per_page"],
        )

    def ranked(key: str) -> Schema:
        return _object(
            {
                key: {"type": "integer"},
                "rank": {"type": "integer", "minimum": 1, "description": "1 = 最合适"},
                "score": {"type": "number", "minimum": 0, "maximum": 1},
                "breakdown": {
                    "type": "object",
                    "additionalProperties": {"type": "number"},
                    "description": "各评分项（工种技能、证书、距离、工资、意愿、培训、帮扶优先……）取值 0–1",
                },
                "reasons": {"type": "array", "items": STR, "description": "简短理由，如“持有电焊工证”"},
            },
            [key, "rank", "score", "breakdown", "reasons"],
        )

    return {
        **_fair_schemas(),
        **_training_schemas(),
        **_followup_schemas(),
        **_user_schemas(),
        "Error": _object(
            {
                "error": _object(
                    {
                        "code": {
                            "type": "string",
                            "description": "机器可读的错误类别",
                            "examples": [
                                "bad_request",
                                "unauthorized",
                                "forbidden",
                                "not_found",
                                "conflict",
                                "validation_error",
                                "method_not_allowed",
                                "payload_too_large",
                            ],
                        },
                        "message": {"type": "string", "description": "给人看的说明（中文）"},
                        "fields": {
                            "type": "object",
                            "additionalProperties": {"type": "string"},
                            "description": "出错的字段或查询参数 → 原因（中文）",
                        },
                    },
                    ["code", "message", "fields"],
                )
            },
            ["error"],
        ),
        "TokenRequest": _object(
            {
                "username": {"type": "string", "maxLength": 64},
                "password": {"type": "string", "maxLength": 1024},
            },
            ["username", "password"],
        ),
        "Token": _object(
            {
                "token": STR,
                "token_type": {"type": "string", "const": "Bearer"},
                "expires_in": {"type": "integer", "description": "有效秒数"},
            },
            ["token", "token_type", "expires_in"],
        ),
        "EmployerInput": _object(employer_in, ["name", "uscc", "region_code"]),
        "Employer": _object(employer_out, list(employer_out)),
        "EmployerPage": page_of("Employer"),
        "JobOrderInput": _object(order_in, ["title", "occupation", "headcount", "region_code"]),
        "JobOrderPatch": _object(order_in, description="只修改给出的字段"),
        "JobOrder": _object(order_out, list(order_out)),
        "JobOrderPage": page_of("JobOrder"),
        "WorkerInput": _object(worker_in, ["name", "id_number", "phone", "region_code"]),
        "WorkerPatch": _object(
            worker_in, description="只修改给出的字段；修改身份证号码会重新得出出生日期和性别"
        ),
        "Worker": _object(worker_out, worker_required),
        "WorkerPage": page_of("Worker"),
        "WorkerPersonalData": _object(
            {"worker_id": {"type": "integer"}, "id_number": STR, "phone": STR},
            ["worker_id"],
            description="完整身份证号码和手机号码；每次读取都记入审计日志",
        ),
        "WorkerMatch": ranked("worker_id"),
        "WorkerNearMiss": _object(
            {
                **ranked("worker_id")["properties"],
                "missing_certificates": {
                    "type": "array",
                    "items": STR,
                    "description": "本岗位依法（或按订单）必须持有、此人缺少的证书",
                },
            },
            ["worker_id", "rank", "score", "breakdown", "reasons", "missing_certificates"],
        ),
        "JobOrderMatches": _object(
            {
                "job_order_id": {"type": "integer"},
                "matches": {"type": "array", "items": _ref("WorkerMatch")},
                "near_misses": {
                    "type": "array",
                    "items": _ref("WorkerNearMiss"),
                    "description": "差证：合适但缺少必备证书、不参与排名的人员（培训取证即可推荐）",
                },
            },
            ["job_order_id", "matches", "near_misses"],
        ),
        "JobOrderRecommendation": ranked("job_order_id"),
        "WorkerRecommendations": _object(
            {
                "worker_id": {"type": "integer"},
                "job_orders": {"type": "array", "items": _ref("JobOrderRecommendation")},
            },
            ["worker_id", "job_orders"],
        ),
    }


# --- parameters, responses and operations -----------------------------------------------------------


def _query(name: str, schema: Schema, description: str) -> Schema:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


PARAMETERS: dict[str, Schema] = {
    "EmployerId": {
        "name": "employer_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    },
    "JobOrderId": {
        "name": "job_order_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    },
    "WorkerId": {
        "name": "worker_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    },
    "Page": _query(
        "page", {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1}, "页码，从 1 开始"
    ),
    "PerPage": _query(
        "per_page", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}, "每页条数"
    ),
    "Q": _query("q", {"type": "string", "maxLength": 64}, "关键词"),
    "RegionCode": _query("region_code", REGION_CODE, "该地区及其下级"),
    "Occupation": _query("occupation", {"type": "string", "maxLength": 64}, "工种名称、俗称或代码"),
}

ERRORS = {
    "BadRequest": "请求格式错误：请求体不是 JSON 对象，或查询参数有误（fields 指出参数）",
    "Unauthorized": "缺少或无效的访问令牌",
    "Forbidden": "无权执行此操作",
    "NotFound": "未找到，或不在您的权限范围内",
    "Conflict": "与已有记录冲突（如身份证号码或统一社会信用代码已登记）",
    "ValidationError": "字段有误（fields 指出每个字段的原因），未写入任何数据",
    "TooManyRequests": "登录失败次数过多：该用户名或地址暂被锁定，请在 Retry-After 秒后再试",
}


def _error_responses(*names: str) -> dict[str, Any]:
    status = {
        "BadRequest": "400",
        "Unauthorized": "401",
        "Forbidden": "403",
        "NotFound": "404",
        "Conflict": "409",
        "ValidationError": "422",
        "TooManyRequests": "429",
    }
    return {status[n]: {"$ref": f"#/components/responses/{n}"} for n in names}


def _json(schema: Schema, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _body(name: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _ref(name)}}}


def _param(name: str) -> Schema:
    return {"$ref": f"#/components/parameters/{name}"}


def _op(op_id: str, tag: str, summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"operationId": op_id, "tags": [tag], "summary": summary, "responses": responses, **extra}


def _paths(match_limit_max: int) -> dict[str, Any]:
    read = _error_responses("BadRequest", "Unauthorized", "Forbidden", "NotFound")
    write = _error_responses(
        "BadRequest", "Unauthorized", "Forbidden", "NotFound", "Conflict", "ValidationError"
    )
    limit = _query(
        "limit", {"type": "integer", "minimum": 1, "maximum": match_limit_max, "default": 20}, "最多返回条数"
    )
    created = {"Location": {"description": "新记录的地址", "schema": STR}}
    return {
        **_fair_paths(read, write, created),
        **_training_paths(),
        **_followup_paths(),
        **_user_paths(),
        "/api/v1/auth/token": {
            "post": _op(
                "create_token",
                "auth",
                "用用户名和密码换取访问令牌",
                {
                    "200": _json(_ref("Token"), "令牌；以 Authorization: Bearer <token> 发送"),
                    **_error_responses("BadRequest", "Unauthorized", "ValidationError", "TooManyRequests"),
                },
                requestBody=_body("TokenRequest"),
                security=[],
            )
        },
        "/api/v1/openapi.json": {
            "get": _op(
                "openapi_document",
                "meta",
                "本文档（OpenAPI 3.1）",
                {"200": _json({"type": "object"}, "OpenAPI 文档")},
                security=[],
            )
        },
        "/api/v1/employers": {
            "get": _op(
                "list_employers",
                "employers",
                "企业列表（企业账号只看到本企业）",
                {"200": _json(_ref("EmployerPage"), "一页企业"), **read},
                parameters=[_param("Q"), _param("RegionCode"), _param("Page"), _param("PerPage")],
            ),
            "post": _op(
                "create_employer",
                "employers",
                "登记企业（人社部门工作人员）",
                {"201": {**_json(_ref("Employer"), "已登记的企业"), "headers": created}, **write},
                requestBody=_body("EmployerInput"),
            ),
        },
        "/api/v1/employers/{employer_id}": {
            "parameters": [_param("EmployerId")],
            "get": _op(
                "get_employer", "employers", "一个企业", {"200": _json(_ref("Employer"), "企业"), **read}
            ),
        },
        "/api/v1/job-orders": {
            "get": _op(
                "list_job_orders",
                "job-orders",
                "岗位列表，新发布的在前",
                {"200": _json(_ref("JobOrderPage"), "一页岗位"), **read},
                parameters=[
                    _query(
                        "status",
                        {"type": "string", "enum": [*JOB_ORDER_STATUSES, *JOB_ORDER_REVIEW_STATUSES]},
                        "岗位状态（pending 待审核，returned 已退回）",
                    ),
                    _param("RegionCode"),
                    _param("Occupation"),
                    _query("employer_id", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "发布企业"),
                    _param("Q"),
                    _param("Page"),
                    _param("PerPage"),
                ],
            ),
            "post": _op(
                "create_job_order",
                "job-orders",
                "发布岗位（企业下单）",
                {"201": {**_json(_ref("JobOrder"), "已发布的岗位"), "headers": created}, **write},
                requestBody=_body("JobOrderInput"),
            ),
        },
        "/api/v1/job-orders/{job_order_id}": {
            "parameters": [_param("JobOrderId")],
            "get": _op(
                "get_job_order", "job-orders", "一个岗位", {"200": _json(_ref("JobOrder"), "岗位"), **read}
            ),
            "patch": _op(
                "update_job_order",
                "job-orders",
                "修改岗位（发布企业或人社部门工作人员）",
                {"200": _json(_ref("JobOrder"), "修改后的岗位"), **write},
                requestBody=_body("JobOrderPatch"),
            ),
        },
        "/api/v1/job-orders/{job_order_id}/matches": {
            "parameters": [_param("JobOrderId")],
            "get": _op(
                "job_order_matches",
                "matching",
                "该岗位最合适的求职人员，最好的在前（工作人员只看到本辖区人员）",
                {"200": _json(_ref("JobOrderMatches"), "排好序的匹配及评分明细"), **read},
                parameters=[limit],
            ),
        },
        "/api/v1/workers": {
            "get": _op(
                "list_workers",
                "workers",
                "求职人员列表（人社部门工作人员，限本辖区）",
                {"200": _json(_ref("WorkerPage"), "一页求职人员（身份证号码已打码）"), **read},
                parameters=[
                    _query("status", {"type": "string", "enum": list(WORKER_STATUSES)}, "求职状态"),
                    _param("RegionCode"),
                    _param("Occupation"),
                    _query("poverty_registered", {"type": "boolean"}, "建档立卡"),
                    _param("Q"),
                    _param("Page"),
                    _param("PerPage"),
                ],
            ),
            "post": _op(
                "create_worker",
                "workers",
                "登记求职人员（群众点单）",
                {
                    "201": {**_json(_ref("Worker"), "已登记的人员（身份证号码已打码）"), "headers": created},
                    **write,
                },
                requestBody=_body("WorkerInput"),
            ),
        },
        "/api/v1/workers/{worker_id}": {
            "parameters": [_param("WorkerId")],
            "get": _op(
                "get_worker",
                "workers",
                "一名求职人员（身份证号码已打码）",
                {"200": _json(_ref("Worker"), "人员"), **read},
            ),
            "patch": _op(
                "update_worker",
                "workers",
                "修改求职人员信息",
                {"200": _json(_ref("Worker"), "修改后的人员"), **write},
                requestBody=_body("WorkerPatch"),
            ),
        },
        "/api/v1/workers/{worker_id}/personal-data": {
            "parameters": [_param("WorkerId")],
            "get": _op(
                "worker_personal_data",
                "workers",
                "完整身份证号码和手机号码（有权限的工作人员；每次读取记入审计日志）",
                {"200": _json(_ref("WorkerPersonalData"), "完整个人信息"), **read},
                parameters=[
                    _query(
                        "field",
                        {"type": "string", "enum": ["id_number", "phone"]},
                        "只取一项；缺省时两项都取",
                    )
                ],
            ),
        },
        "/api/v1/workers/{worker_id}/recommendations": {
            "parameters": [_param("WorkerId")],
            "get": _op(
                "worker_recommendations",
                "matching",
                "适合该人员的在招岗位，最好的在前",
                {"200": _json(_ref("WorkerRecommendations"), "排好序的岗位及评分明细"), **read},
                parameters=[limit],
            ),
        },
    }


# --- fairs and shortlists (webapp/api/fairs.py) -------------------------------------------------------------


def _fair_schemas() -> dict[str, Schema]:
    from webapp.services.fairs import fair_kinds

    positive = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    fair_in = {
        "name": {"type": "string", "maxLength": 128, "description": "招聘会名称"},
        "kind": {
            "type": "string",
            "enum": list(fair_kinds()),
            "description": "招聘会类型（config/fairs.toml）",
        },
        "date": DATE,
        "venue": {"type": "string", "maxLength": 255, "description": "举办地点"},
        "region_code": {**REGION_CODE, "description": "主办地区（市、县或乡镇）；邀约该地区的求职人员"},
        "description": {"type": "string", "maxLength": 4000},
        "status": {"type": "string", "enum": ["planned", "closed", "cancelled"]},
    }
    fair_order = _object(
        {
            "job_order_id": {"type": "integer"},
            "title": STR,
            "employer_id": {"type": "integer"},
            "employer_name": _nullable(STR),
            "booth": {"type": "string", "description": "展位号，未分配为空"},
            "headcount": {"type": "integer"},
            "filled": {"type": "integer"},
            "status": {"type": "string", "enum": list(JOB_ORDER_STATUSES)},
        },
        ["job_order_id", "title", "employer_id", "employer_name", "booth", "headcount", "filled", "status"],
    )
    fair_out = {
        "id": {"type": "integer"},
        **{k: v for k, v in fair_in.items() if k not in ("kind", "region_code")},
        "kind": STR,
        "kind_name": STR,
        "region_code": STR,
        "region_name": STR,
        "date": {"type": "string", "format": "date"},
        "venue": STR,
        "name": STR,
        "description": STR,
        "shortlisted_at": _nullable({"type": "string", "format": "date-time"}),
        "job_orders": {"type": "array", "items": _ref("FairJobOrder")},
    }
    return {
        "FairInput": _object(fair_in, ["name", "kind", "date", "venue", "region_code"]),
        "Fair": _object(fair_out, list(fair_out)),
        "FairJobOrder": fair_order,
        "FairJobOrdersInput": _object(
            {"job_order_ids": {"type": "array", "items": positive, "minItems": 1, "maxItems": 500}},
            ["job_order_ids"],
        ),
        "FairJobOrders": _object(
            {"fair_id": {"type": "integer"}, "job_orders": {"type": "array", "items": _ref("FairJobOrder")}},
            ["fair_id", "job_orders"],
        ),
        "ShortlistInput": _object(
            {
                "per_order": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 500,
                    "description": "每个岗位邀约人数",
                },
                "max_invitations_per_worker": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 20,
                    "description": "每人最多受邀岗位数",
                },
            },
            description="缺省取招聘会上次的设置或 config/fairs.toml 的默认值",
        ),
        "Shortlists": _object(
            {
                "fair_id": {"type": "integer"},
                "shortlists": {
                    "type": "array",
                    "items": _object(
                        {
                            "job_order_id": {"type": "integer"},
                            "workers": {
                                "type": "array",
                                "items": _object(
                                    {
                                        "worker_id": {"type": "integer"},
                                        "rank": {"type": "integer", "minimum": 1},
                                        "score": {"type": "number", "minimum": 0, "maximum": 1},
                                        "reasons": {"type": "array", "items": STR},
                                    },
                                    ["worker_id", "rank", "score", "reasons"],
                                ),
                            },
                        },
                        ["job_order_id", "workers"],
                    ),
                },
            },
            ["fair_id", "shortlists"],
        ),
    }


def _fair_paths(read: dict[str, Any], write: dict[str, Any], created: dict[str, Any]) -> dict[str, Any]:
    fair_id = {
        "name": "fair_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    }
    return {
        "/api/v1/fairs": {
            "post": _op(
                "create_fair",
                "fairs",
                "创建招聘会（主办地区的人社部门工作人员）",
                {"201": {**_json(_ref("Fair"), "已创建的招聘会"), "headers": created}, **write},
                requestBody=_body("FairInput"),
            )
        },
        "/api/v1/fairs/{fair_id}": {
            "parameters": [fair_id],
            "get": _op(
                "get_fair", "fairs", "一场招聘会及其岗位", {"200": _json(_ref("Fair"), "招聘会"), **read}
            ),
        },
        "/api/v1/fairs/{fair_id}/job-orders": {
            "parameters": [fair_id],
            "post": _op(
                "add_fair_job_orders",
                "fairs",
                "把岗位加入招聘会（其企业随之参会）",
                {"200": _json(_ref("FairJobOrders"), "招聘会的全部岗位"), **write},
                requestBody=_body("FairJobOrdersInput"),
            ),
        },
        "/api/v1/fairs/{fair_id}/shortlists": {
            "parameters": [fair_id],
            "post": _op(
                "build_fair_shortlists",
                "fairs",
                "为招聘会全部岗位一次生成邀约名单（每人最多受邀 M 个岗位，每岗位最多 N 人；保留手工固定的）",
                {"200": _json(_ref("Shortlists"), "各岗位的邀约名单，最合适的在前"), **write},
                requestBody={
                    "required": False,
                    "content": {"application/json": {"schema": _ref("ShortlistInput")}},
                },
            ),
            "get": _op(
                "get_fair_shortlists",
                "fairs",
                "招聘会的邀约名单（工作人员限本辖区人员；企业只看本企业岗位、同意公开的人员）",
                {"200": _json(_ref("Shortlists"), "各岗位的邀约名单"), **read},
            ),
        },
    }


# --- training needs, courses and subsidy claims (webapp/api/training.py) -------------------------------------


def _training_schemas() -> dict[str, Schema]:
    from webapp.api import households
    from webapp.api.training import openapi_schemas

    return {**openapi_schemas(), **households.openapi_schemas()}


def _training_paths() -> dict[str, Any]:
    from webapp.api import households
    from webapp.api.training import openapi_paths

    return {**openapi_paths(), **households.openapi_paths()}


# --- placements, follow-ups and statistics (webapp/api/placements.py, webapp/api/stats.py) ----------------


def _followup_schemas() -> dict[str, Schema]:
    from webapp.api import placements, stats

    return {**placements.openapi_schemas(), **stats.openapi_schemas()}


def _followup_paths() -> dict[str, Any]:
    from webapp.api import placements, stats

    return {**placements.openapi_paths(), **stats.openapi_paths()}


# --- user accounts and job-order review (webapp/api/users.py) --------------------------------------------------


def _user_schemas() -> dict[str, Schema]:
    from webapp.api.users import openapi_schemas

    return openapi_schemas()


def _user_paths() -> dict[str, Any]:
    from webapp.api.users import openapi_paths

    return openapi_paths()


def build_document(*, route_keys: Iterable[str] | None = None, match_limit_max: int = 200) -> dict[str, Any]:
    """The whole OpenAPI document; ``route_keys`` defaults to the employment routes in ``config/``."""
    if route_keys is None:
        from webapp.services import reference

        route_keys = reference.routes()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "六单 Liudan API",
            "version": API_VERSION,
            "description": (
                "濮阳市人社局岗位匹配平台的 HTTP 接口。先用 POST /api/v1/auth/token 换取令牌，"
                "再在每个请求中发送 Authorization: Bearer <token>。错误统一为 "
                '{"error": {"code", "message", "fields"}}。'
            ),
        },
        "tags": [
            {"name": "auth"},
            {"name": "meta"},
            {"name": "employers"},
            {"name": "job-orders"},
            {"name": "workers"},
            {"name": "matching"},
            {"name": "fairs"},
            {"name": "training"},
            {"name": "subsidies"},
            {"name": "placements"},
            {"name": "households"},
            {"name": "statistics"},
            {"name": "users"},
        ],
        "security": [{"bearerAuth": []}],
        "paths": _paths(match_limit_max),
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "由 POST /api/v1/auth/token 取得；有效期见 expires_in",
                }
            },
            "schemas": _schemas(tuple(route_keys)),
            "parameters": PARAMETERS,
            "responses": {name: _json(_ref("Error"), description) for name, description in ERRORS.items()},
        },
    }
