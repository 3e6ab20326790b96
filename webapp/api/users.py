"""API routes of user accounts (administrators; city staff for their region) and job-order review.

``GET``/``POST /api/v1/users`` · ``GET``/``PATCH /api/v1/users/{id}`` · ``POST /api/v1/users/{id}/disable`` ·
``/enable`` · ``/reset-password`` (the one-time password is in the answer, once) · ``POST
/api/v1/job-orders/{id}/approve`` and ``/return``. Documented by :func:`openapi_paths` and
:func:`openapi_schemas` for ``webapp/api/openapi.py``.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from webapp.api import bp
from webapp.api.auth import current_actor
from webapp.api.params import Query, json_object
from webapp.extensions import db
from webapp.models import ROLES
from webapp.security import client_ip
from webapp.services import job_orders, users

ID = "int(min=1, max=2147483647)"


@bp.get("/users")
def list_users() -> dict[str, Any]:
    q = Query(("q", "role", "active", "page", "per_page"))
    text, role, active = q.text("q"), q.choice("role", ROLES), q.boolean("active")
    page, per_page = q.paging()
    q.done()
    result = users.list_users(
        db.session, current_actor(), q=text or "", role=role, active=active, page=page, per_page=per_page
    )
    return {
        "items": [users.user_to_dict(u) for u in result.items],
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
    }


@bp.post("/users")
def create_user() -> tuple[dict[str, Any], int, dict[str, str]]:
    user, password = users.create_user(db.session, current_actor(), json_object(), ip=client_ip())
    body = {**users.user_to_dict(user), "password": password}
    return body, 201, {"Location": url_for("api.get_user", user_id=user.id)}


@bp.get(f"/users/<{ID}:user_id>")
def get_user(user_id: int) -> dict[str, Any]:
    Query(()).done()
    return users.user_to_dict(users.get_user(db.session, current_actor(), user_id))


@bp.patch(f"/users/<{ID}:user_id>")
def update_user(user_id: int) -> dict[str, Any]:
    user = users.update_user(db.session, current_actor(), user_id, json_object(), ip=client_ip())
    return users.user_to_dict(user)


@bp.post(f"/users/<{ID}:user_id>/disable")
def disable_user(user_id: int) -> dict[str, Any]:
    user = users.set_active(db.session, current_actor(), user_id, active=False, ip=client_ip())
    return users.user_to_dict(user)


@bp.post(f"/users/<{ID}:user_id>/enable")
def enable_user(user_id: int) -> dict[str, Any]:
    user = users.set_active(db.session, current_actor(), user_id, active=True, ip=client_ip())
    return users.user_to_dict(user)


@bp.post(f"/users/<{ID}:user_id>/reset-password")
def reset_user_password(user_id: int) -> dict[str, Any]:
    user, password = users.reset_password(db.session, current_actor(), user_id, ip=client_ip())
    return {**users.user_to_dict(user), "password": password}


@bp.post(f"/job-orders/<{ID}:job_order_id>/approve")
def approve_job_order(job_order_id: int) -> dict[str, Any]:
    order = job_orders.approve_job_order(db.session, current_actor(), job_order_id)
    return job_orders.job_order_to_dict(order)


@bp.post(f"/job-orders/<{ID}:job_order_id>/return")
def return_job_order(job_order_id: int) -> dict[str, Any]:
    reason = json_object().get("reason")
    order = job_orders.return_job_order(db.session, current_actor(), job_order_id, reason=reason)
    return job_orders.job_order_to_dict(order)


# --- the OpenAPI description ----------------------------------------------------------------------------------


def openapi_schemas() -> dict[str, Any]:
    from webapp.api.openapi import BOOL, MAX_ID, REGION_CODE, STR, _nullable, _object, _ref

    id_ = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    user_out = {
        "id": {"type": "integer"},
        "username": STR,
        "display_name": STR,
        "role": {"type": "string", "enum": list(ROLES)},
        "active": BOOL,
        "must_change_password": {**BOOL, "description": "下次登录须修改密码（一次性密码）"},
        "region_code": _nullable(STR),
        "employer_id": _nullable({"type": "integer"}),
        "training_provider_id": _nullable({"type": "integer"}),
        "region_name": _nullable(STR),
        "employer_name": _nullable(STR),
        "training_provider_name": _nullable(STR),
    }
    binding = {
        "display_name": {"type": "string", "maxLength": 64},
        "region_code": {**REGION_CODE, "description": "工作人员账号所属地区（必填）"},
        "employer_id": {**id_, "description": "企业账号所属用工企业（必填）"},
        "training_provider_id": {**id_, "description": "培训机构账号所属培训机构（必填）"},
    }
    return {
        "User": _object(user_out, list(user_out)),
        "UserWithPassword": _object(
            {**user_out, "password": {"type": "string", "description": "一次性密码，只显示这一次"}},
            [*user_out, "password"],
        ),
        "UserPage": _object(
            {
                "items": {"type": "array", "items": _ref("User")},
                "total": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": 200},
            },
            ["items", "total", "page", "per_page"],
        ),
        "UserInput": _object(
            {
                "username": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]{2,63}$"},
                "role": {"type": "string", "enum": list(ROLES)},
                **binding,
                "password": {
                    "type": "string",
                    "maxLength": 128,
                    "description": "初始密码（须足够强）；不给则生成一次性密码。下次登录均须修改",
                },
            },
            ["username", "role"],
        ),
        "UserPatch": _object(binding, description="只修改给出的字段"),
        "ReturnReason": _object({"reason": {"type": "string", "minLength": 1, "maxLength": 255}}, ["reason"]),
    }


def openapi_paths() -> dict[str, Any]:
    from webapp.api.openapi import MAX_ID, _body, _error_responses, _json, _op, _param, _query, _ref

    read = _error_responses("BadRequest", "Unauthorized", "Forbidden", "NotFound")
    write = _error_responses(
        "BadRequest", "Unauthorized", "Forbidden", "NotFound", "Conflict", "ValidationError"
    )
    user_id = {
        "name": "user_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    }
    created = {"Location": {"description": "新记录的地址", "schema": {"type": "string"}}}

    def action(op_id: str, summary: str, schema: str = "User") -> dict[str, Any]:
        return {
            "parameters": [user_id],
            "post": _op(op_id, "users", summary, {"200": _json(_ref(schema), "账号"), **write}),
        }

    def review(op_id: str, summary: str, **extra: Any) -> dict[str, Any]:
        return {
            "parameters": [_param("JobOrderId")],
            "post": _op(
                op_id, "job-orders", summary, {"200": _json(_ref("JobOrder"), "岗位"), **write}, **extra
            ),
        }

    return {
        "/api/v1/users": {
            "get": _op(
                "list_users",
                "users",
                "账号列表（系统管理员看全部，市级工作人员看本辖区）",
                {"200": _json(_ref("UserPage"), "一页账号"), **read},
                parameters=[
                    _param("Q"),
                    _query("role", {"type": "string", "enum": list(ROLES)}, "角色"),
                    _query("active", {"type": "boolean"}, "启用或停用"),
                    _param("Page"),
                    _param("PerPage"),
                ],
            ),
            "post": _op(
                "create_user",
                "users",
                "创建账号：工作人员绑定地区，企业账号绑定企业，培训机构账号绑定培训机构",
                {
                    "201": {**_json(_ref("UserWithPassword"), "新账号及其初始密码"), "headers": created},
                    **write,
                },
                requestBody=_body("UserInput"),
            ),
        },
        "/api/v1/users/{user_id}": {
            "parameters": [user_id],
            "get": _op("get_user", "users", "一个账号", {"200": _json(_ref("User"), "账号"), **read}),
            "patch": _op(
                "update_user",
                "users",
                "修改账号的姓名或绑定",
                {"200": _json(_ref("User"), "修改后的账号"), **write},
                requestBody=_body("UserPatch"),
            ),
        },
        "/api/v1/users/{user_id}/disable": action("disable_user", "停用账号：其所有登录和访问令牌立即失效"),
        "/api/v1/users/{user_id}/enable": action("enable_user", "重新启用账号"),
        "/api/v1/users/{user_id}/reset-password": action(
            "reset_user_password",
            "重置密码：生成一次性密码（只显示这一次），下次登录须修改",
            "UserWithPassword",
        ),
        "/api/v1/job-orders/{job_order_id}/approve": review(
            "approve_job_order", "审核通过企业发布的岗位（本辖区市、县人社部门工作人员）"
        ),
        "/api/v1/job-orders/{job_order_id}/return": review(
            "return_job_order", "退回企业发布的岗位并说明原因", requestBody=_body("ReturnReason")
        ),
    }
