"""Reading API input: the JSON body and the query string, refused with the API's error shape.

A body that is not a JSON object answers 400 ``bad_request``; a query parameter that is unknown or of the
wrong kind answers 400 ``bad_request`` with ``fields`` naming it. Field checks of the body itself belong to
the services (422 ``validation_error``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from flask import request

from webapp.errors import DomainError, ValidationError
from webapp.services.validation import (
    FieldError,
    parse_bool,
    parse_int,
    parse_region,
    reject_unknown,
    unsafe_text_reason,
)

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
MAX_PAGE = 1_000_000


def json_object() -> dict[str, Any]:
    """The request body as a JSON object (``{...}``); anything else is a 400."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise DomainError("请求体为空：需要一个 JSON 对象")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise DomainError("请求体不是有效的 JSON") from None
    if not isinstance(data, dict):
        raise DomainError("请求体必须是 JSON 对象（{...}）")
    errors = unsafe_json_fields(data)
    if errors:
        raise ValidationError("提交的数据有误，请按提示修改", fields=errors)
    return data


def unsafe_json_fields(data: dict[str, Any]) -> dict[str, str]:
    """Top-level fields holding, at any depth, a text with NUL, a control character or a lone surrogate
    (``"\\ud800"`` parses to one): they would fail in the database instead of being refused here."""
    errors: dict[str, str] = {}
    for name, value in data.items():
        stack: list[Any] = [name, value]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                reason = unsafe_text_reason(item)
                if reason is not None:
                    errors[name if unsafe_text_reason(name) is None else repr(name)[1:-1]] = reason
                    break
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                for key, inner in item.items():
                    stack.extend((key, inner))
    return errors


def credentials(data: dict[str, Any]) -> tuple[str, str]:
    """``username`` and ``password`` of a token request, both non-empty strings."""
    reject_unknown(data, ("username", "password"))
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for name, max_len in (("username", 64), ("password", 1024)):
        value = data.get(name)
        if not isinstance(value, str) or not value:
            errors[name] = "必填，应为文本"
        elif len(value) > max_len:
            errors[name] = f"不能超过{max_len}个字符"
        else:
            values[name] = value
    if errors:
        raise ValidationError("请提供用户名和密码", fields=errors)
    return values["username"], values["password"]


class Query:
    """The query string of one request: unknown names are refused; ``done()`` reports every problem at once.

    Example (inside a view)::

        q = Query(("status", "page", "per_page"))
        status = q.choice("status", ("open", "closed"))
        page, per_page = q.paging()
        q.done()  # 400 naming every bad parameter
    """

    def __init__(self, allowed: Iterable[str]):
        self.allowed = tuple(allowed)
        self.errors: dict[str, str] = {}
        for name in sorted(set(request.args) - set(self.allowed)):
            self.errors[name] = (
                ("未知的查询参数，可用：" + "、".join(self.allowed)) if self.allowed else "不接受查询参数"
            )

    def _raw(self, name: str) -> str | None:
        value = request.args.get(name)
        if value is None or not value.strip():
            return None
        if any(ord(ch) < 32 for ch in value):
            self.errors[name] = "不能包含控制字符"
            return None
        return value.strip()

    def text(self, name: str, *, max_len: int = 64) -> str | None:
        value = self._raw(name)
        if value is not None and len(value) > max_len:
            self.errors[name] = f"不能超过{max_len}个字符"
            return None
        return value

    def integer(self, name: str, *, default: int | None = None, minimum: int = 1, maximum: int) -> int | None:
        value = self._raw(name)
        if value is None:
            return default
        try:
            return parse_int(value, minimum=minimum, maximum=maximum)
        except FieldError as err:
            self.errors[name] = str(err)
            return default

    def boolean(self, name: str) -> bool | None:
        value = self._raw(name)
        if value is None:
            return None
        try:
            return parse_bool(value)
        except FieldError as err:
            self.errors[name] = str(err) + "（true/false）"
            return None

    def choice(self, name: str, choices: Iterable[str]) -> str | None:
        value = self._raw(name)
        options = tuple(choices)
        if value is not None and value not in options:
            self.errors[name] = "无效的取值，可选：" + "、".join(options)
            return None
        return value

    def region(self, name: str = "region_code") -> str | None:
        value = self._raw(name)
        if value is None:
            return None
        try:
            return parse_region(value)
        except FieldError as err:
            self.errors[name] = str(err)
            return None

    def paging(self) -> tuple[int, int]:
        page = self.integer("page", default=1, maximum=MAX_PAGE) or 1
        per_page = (
            self.integer("per_page", default=DEFAULT_PER_PAGE, maximum=MAX_PER_PAGE) or DEFAULT_PER_PAGE
        )
        return page, per_page

    def done(self) -> None:
        if self.errors:
            raise DomainError("查询参数有误", fields=self.errors)
