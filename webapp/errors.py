"""Domain errors and the one place that turns them into responses.

Services raise these; views never build error responses by hand. API paths (``/api/``) answer
``{"error": {"code", "message", "fields"}}``; pages show the message (forms show field errors themselves).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from webapp.i18n import N_


class DomainError(Exception):
    """A refusal with a message for people, an HTTP status and the offending fields."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: Mapping[str, str] | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.fields: dict[str, str] = dict(fields or {})
        if status is not None:
            self.status = status

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


class ValidationError(DomainError):
    status = 422
    code = "validation_error"


class NotFound(DomainError):
    status = 404
    code = "not_found"

    def __init__(self, message: str = N_("未找到该记录（或您无权查看）"), **kw: Any):
        super().__init__(message, **kw)


class Forbidden(DomainError):
    status = 403
    code = "forbidden"

    def __init__(self, message: str = N_("您无权执行此操作"), **kw: Any):
        super().__init__(message, **kw)


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"

    def __init__(self, message: str = N_("需要登录或有效的访问令牌"), **kw: Any):
        super().__init__(message, **kw)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
}

_HTTP_MESSAGES = {
    400: N_("请求格式错误"),
    401: N_("需要登录或有效的访问令牌"),
    403: N_("您无权执行此操作"),
    404: N_("未找到该页面或记录"),
    405: N_("不支持该请求方法"),
    413: N_("上传内容过大"),
    429: N_("请求过于频繁，请稍后再试"),
    500: N_("服务器内部错误，请联系管理员"),
}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(err: DomainError):  # type: ignore[no-untyped-def]
        if _wants_json():
            return jsonify(err.to_dict()), err.status
        return render_template(
            "error.html", status=err.status, message=err.message, fields=err.fields
        ), err.status

    @app.errorhandler(HTTPException)
    def handle_http_error(err: HTTPException):  # type: ignore[no-untyped-def]
        status = err.code or 500
        message = _HTTP_MESSAGES.get(status, err.description or "")
        if status == 400 and err.description and "CSRF" in err.description:
            message = N_("表单已过期或缺少安全令牌，请刷新页面后重试")
        if _wants_json():
            body = {"error": {"code": _HTTP_CODES.get(status, "error"), "message": message, "fields": {}}}
            resp = jsonify(body)
            resp.status_code = status
            if status == 405 and err.get_response().headers.get("Allow"):
                resp.headers["Allow"] = err.get_response().headers["Allow"]
            return resp
        return render_template("error.html", status=status, message=message, fields={}), status

    @app.errorhandler(Exception)
    def handle_unexpected(err: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if _wants_json():
            body = {"error": {"code": "internal_error", "message": _HTTP_MESSAGES[500], "fields": {}}}
            return jsonify(body), 500
        return render_template("error.html", status=500, message=_HTTP_MESSAGES[500], fields={}), 500
