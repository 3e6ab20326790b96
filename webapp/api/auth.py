"""Bearer-token authentication for the JSON API.

Every view of the ``api`` blueprint needs ``Authorization: Bearer <token>`` unless it is marked ``@public``
(getting a token, the OpenAPI document). A valid token puts the caller on ``flask.g``: ``g.api_user`` (the
``User`` row) and ``g.actor`` (the plain ``Actor`` that services take). Anything else answers 401 with the
API's error shape and a ``WWW-Authenticate`` header.

Example::

    @bp.get("/things")
    def list_things():
        return things.list_things(db.session, current_actor())
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request
from werkzeug.wrappers import Response

from webapp.errors import Forbidden, Unauthorized
from webapp.extensions import db
from webapp.i18n import N_
from webapp.services import accounts
from webapp.services.scope import Actor

F = TypeVar("F", bound=Callable[..., Any])

_PUBLIC_ATTR = "_api_public"


class PasswordChangeRequired(Forbidden):
    """403 for an account whose initial password (set by someone else) has not been changed yet."""

    code = "password_change_required"

    def __init__(self) -> None:
        super().__init__(N_("请先登录网页修改初始密码，再使用接口"))


def public(view: F) -> F:
    """Mark a view as callable without a token."""
    setattr(view, _PUBLIC_ATTR, True)
    return view


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (scheme case-insensitive), else None.

    >>> bearer_token("Bearer abc.def"), bearer_token("bearer  abc"), bearer_token("Basic abc"), bearer_token(None)
    ('abc.def', 'abc', None, None)
    """
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def authenticate_request() -> None:
    """``before_request`` of the API blueprint: resolve the bearer token or refuse with 401."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or getattr(view, _PUBLIC_ATTR, False) or request.method == "OPTIONS":
        return
    token = bearer_token(request.headers.get("Authorization"))
    if token is None:
        raise Unauthorized("缺少访问令牌：请在请求头中发送 Authorization: Bearer <token>")
    user = accounts.user_from_token(
        db.session,
        current_app.config["SECRET_KEY"],
        token,
        max_age=int(current_app.config["API_TOKEN_MAX_AGE"]),
    )
    if user.must_change_password:
        raise PasswordChangeRequired()
    g.api_user = user
    g.actor = Actor.of(user)


def current_actor() -> Actor:
    """The authenticated caller of this API request."""
    actor = g.get("actor")
    if actor is None:  # a view reached without authenticate_request: refuse rather than act for nobody
        raise Unauthorized()
    return actor  # type: ignore[no-any-return]


def finish_response(response: Response) -> Response:
    """``after_request`` of the API blueprint: no caching of personal data; 401s name the auth scheme."""
    response.headers.setdefault("Cache-Control", "no-store")
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="liudan-api"'
    return response
