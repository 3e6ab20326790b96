"""Security headers, login sessions and safe redirects, for every response of the app.

``init_app`` (called by ``create_app``) installs:

- behind a reverse proxy (``TRUSTED_PROXIES=<number of proxies>`` in the config or the environment), Werkzeug's
  ProxyFix, so that the client's address and scheme are the real ones (else every client would share the
  proxy's address in the login throttle, and HSTS would never be sent);

- an ``after_request`` hook that sets, on every response: a Content-Security-Policy without inline scripts
  (templates that need one write ``<script nonce="{{ csp_nonce() }}">``; inline ``style=""`` attributes are
  allowed, scripts and event-handler attributes are not), ``X-Content-Type-Options: nosniff``,
  ``X-Frame-Options: DENY`` with ``frame-ancestors 'none'``, a Referrer-Policy, a Permissions-Policy,
  HSTS only when the request came over HTTPS, and ``Cache-Control: no-store`` on every ``/api/`` response and
  on every page shown to a logged-in user (personal data must not stay in shared or back-button caches);
- request size limits: every body is capped by ``MAX_CONTENT_LENGTH`` (small: forms and JSON), and only
  views marked :func:`accepts_upload` take up to ``UPLOAD_MAX_CONTENT_LENGTH`` (413 beyond, before parsing);
- hostile input refused before any view runs (:func:`refuse_unsafe_input`): path ids beyond the database's
  integer range answer 404 naming the id; a text with NUL, another control character or a lone surrogate in
  the query string, the path or a form answers 400/422 naming the field; a field repeated more than
  ``MAX_VALUES_PER_FIELD`` times answers 422 (JSON bodies get the same checks in ``webapp.api.params``);
- cookies: "remember me" lives ``remember_days`` (at most 30, ``config/security.toml``), every cookie is
  SameSite=Lax and HttpOnly, and ``Secure`` whenever the request came over HTTPS;
- Flask-Login signal handlers that open a ``LoginSession`` row on login (its random id goes into the session
  cookie, see ``webapp.services.sessions``) and revoke it on logout, so a copied cookie replayed after logout
  is refused.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request, session, url_for
from flask import Request as FlaskRequest
from flask_login import current_user, user_logged_in, user_logged_out
from werkzeug.datastructures import MultiDict
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter
from werkzeug.wrappers import Response

from webapp.errors import DomainError, NotFound, ValidationError
from webapp.extensions import db
from webapp.services.throttle import TooManyAttempts
from webapp.services.validation import MAX_ID, unsafe_text_reason

F = TypeVar("F", bound=Callable[..., Any])
_UPLOAD_ATTR = "_accepts_upload"
#: A form or query field may repeat (check boxes) at most this often; more is a flood, not a form.
MAX_VALUES_PER_FIELD = 1000

STATIC_ENDPOINTS = ("static", "bootstrap.static")

PAGE_CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HSTS = "max-age=31536000; includeSubDomains"


def install_request_limits(app: Flask) -> None:
    """Called by ``create_app`` before any blueprint adds its routes (the ``int`` converter is read then)."""
    app.request_class = LimitedRequest
    app.url_map.converters["int"] = RowIdConverter
    app.url_value_preprocessor(refuse_ids_out_of_range)


def init_app(app: Flask) -> None:
    app.wsgi_app = SecureCookiesOnHttps(app.wsgi_app)  # type: ignore[method-assign]
    proxies = int(app.config.get("TRUSTED_PROXIES") or os.environ.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # Behind that many reverse proxies: the client's address (login throttling, audit) and scheme (HSTS)
        # come from X-Forwarded-For/-Proto. Never set it without a proxy: clients could forge those headers.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    from webapp.services.sessions import remember_duration

    app.config.setdefault("REMEMBER_COOKIE_DURATION", remember_duration())
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.before_request(refuse_unsafe_input)
    app.before_request(_remember_login_sid)
    app.before_request(_require_password_change)
    app.after_request(security_headers)
    user_logged_in.connect(_on_login, app)
    user_logged_out.connect(_on_logout, app)
    app.register_error_handler(TooManyAttempts, _too_many_attempts)


def _too_many_attempts(err: TooManyAttempts) -> tuple[Any, int, dict[str, str]]:
    """429 with ``Retry-After``, in the API's error shape or as the error page."""
    from flask import jsonify, render_template

    headers = {"Retry-After": str(max(err.retry_after, 1))}
    if request.path.startswith("/api/"):
        return jsonify(err.to_dict()), err.status, headers
    page = render_template("error.html", status=err.status, message=err.message, fields=err.fields)
    return page, err.status, headers


# --- request limits and hostile input -----------------------------------------------------------------------


def accepts_upload(view: F) -> F:
    """Mark a view that receives a file: its body may reach ``UPLOAD_MAX_CONTENT_LENGTH``."""
    setattr(view, _UPLOAD_ATTR, True)
    return view


class LimitedRequest(FlaskRequest):
    """A request whose body limit depends on the view it reached (see :func:`accepts_upload`)."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None:
            return self._max_content_length
        if not current_app:
            return None
        config = current_app.config
        view = current_app.view_functions.get(self.endpoint or "") if self.url_rule is not None else None
        if view is not None and getattr(view, _UPLOAD_ATTR, False):
            return int(config["UPLOAD_MAX_CONTENT_LENGTH"])
        return int(config["MAX_CONTENT_LENGTH"])

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


class _OutOfRange(int):
    """A path number outside its route's range: kept (not a failed match, which could meet another route's
    405) so that :func:`refuse_ids_out_of_range` answers 404 naming the argument."""


class RowIdConverter(IntegerConverter):
    """``<int:...>`` of every route. A number beyond ``MAX_ID`` or the rule's ``min``/``max`` becomes an
    :class:`_OutOfRange` (digits too many for any id are never even converted)."""

    def to_python(self, value: str) -> Any:
        if len(value) > len(str(MAX_ID)):
            return _OutOfRange(MAX_ID + 1)
        number = int(value)
        low = 0 if self.min is None else self.min
        high = MAX_ID if self.max is None else min(self.max, MAX_ID)
        if not low <= number <= high:
            return _OutOfRange(number)
        return number


def refuse_ids_out_of_range(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A path id outside the INTEGER range (or its route's) names no row: 404 naming the argument, never a
    database error."""
    for name, value in (values or {}).items():
        if isinstance(value, _OutOfRange):
            raise NotFound(fields={name: f"编号超出范围（应为 1 到 {MAX_ID}）"})


def _unsafe_fields(values: MultiDict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in values:
        field_name = name if unsafe_text_reason(name) is None else repr(name)[1:-1]
        items = values.getlist(name)
        if len(items) > MAX_VALUES_PER_FIELD:
            errors[field_name] = f"最多{MAX_VALUES_PER_FIELD}项（当前{len(items)}项）"
            continue
        reason = unsafe_text_reason(name) or next(
            (r for r in map(unsafe_text_reason, items) if r is not None), None
        )
        if reason is not None:
            errors[field_name] = reason
    return errors


def refuse_unsafe_input() -> None:
    """``before_request``: NUL, control characters, lone surrogates and floods of values in the path, the query
    string or a form are refused naming the field, before a view or the database sees them."""
    path_errors = {
        name: reason
        for name, value in (request.view_args or {}).items()
        if isinstance(value, str) and (reason := unsafe_text_reason(value)) is not None
    }
    if path_errors:
        raise NotFound(fields=path_errors)
    query_errors = _unsafe_fields(request.args)
    if query_errors:
        raise DomainError("查询参数有误", fields=query_errors)
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form_errors = _unsafe_fields(request.form)
        if form_errors:
            raise ValidationError("提交的数据有误，请按提示修改", fields=form_errors)


def csp_nonce() -> str:
    """This response's script nonce (one random value per request)."""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return str(nonce)


def client_ip() -> str:
    """The caller's address: as the WSGI server saw it, or from X-Forwarded-For with ``TRUSTED_PROXIES`` set."""
    return (request.remote_addr or "")[:64]


def _is_static() -> bool:
    return (request.endpoint or "") in STATIC_ENDPOINTS


def security_headers(response: Response) -> Response:
    headers = response.headers
    is_api = request.path.startswith("/api/")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=(), payment=()")
    if "Content-Security-Policy" not in headers:
        json_like = is_api or (response.mimetype or "").endswith("json")
        headers["Content-Security-Policy"] = API_CSP if json_like else PAGE_CSP.format(nonce=csp_nonce())
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if is_api or (not _is_static() and _logged_in()):
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
        headers.add("Vary", "Cookie")
    return response


class SecureCookiesOnHttps:
    """WSGI middleware: over HTTPS every cookie of the response is ``Secure`` (never sent back over plain HTTP).

    A middleware rather than a hook, because the session and remember-me cookies are written after every
    ``after_request`` hook has run. It sits inside ProxyFix, so the scheme is the client's.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("wsgi.url_scheme") != "https":
            return self.app(environ, start_response)

        def secure_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            fixed = [
                (name, value)
                if name.lower() != "set-cookie"
                or "secure" in {part.strip().lower() for part in value.split(";")[1:]}
                else (name, f"{value}; Secure")
                for name, value in headers
            ]
            return start_response(status, fixed, exc_info)

        return self.app(environ, secure_start)


def _logged_in() -> bool:
    try:
        return bool(current_user.is_authenticated)
    except Exception:  # noqa: BLE001 - a broken session must not break the headers of an error page
        return False


# --- login sessions -------------------------------------------------------------------------------------


def _sid_of(user_id: Any) -> str | None:
    parts = str(user_id or "").split(":", 2)
    return parts[2] if len(parts) == 3 and parts[2] else None


#: Per-request values kept on ``flask.g``. A server gives each request a fresh ``g``; a test that holds one app
#: context across requests shares it, so they are cleared here and every request decides its user anew.
REQUEST_STATE = ("_login_user", "csp_nonce", "login_sid", "actor", "api_user")


def _remember_login_sid() -> None:
    for name in REQUEST_STATE:
        g.pop(name, None)
    g.login_sid = _sid_of(session.get("_user_id"))


#: What a user who must change an initial password may still open (API: see ``webapp.api.auth``).
PASSWORD_CHANGE_ENDPOINTS = frozenset({"account.password", "auth.logout", *STATIC_ENDPOINTS})


def _require_password_change() -> Response | None:
    """Pages: an account with an initial password set by someone else goes to the password form first."""
    if request.path.startswith("/api/") or (request.endpoint or "") in PASSWORD_CHANGE_ENDPOINTS:
        return None
    if _logged_in() and getattr(current_user, "must_change_password", False):
        from flask import flash, redirect
        from flask_babel import gettext

        flash(gettext("请先修改初始密码"), "warning")
        return redirect(url_for("account.password"))
    return None


def _on_login(app: Flask, user: Any, **extra: Any) -> None:
    """Open a login session and put its id into the cookie's user id (``uid:version:sid``)."""
    from webapp.services import sessions

    sid = sessions.open_session(
        db.session,
        user,
        ip=client_ip(),
        user_agent=request.headers.get("User-Agent", ""),
        remember=session.get("_remember") == "set",
    )
    session["_user_id"] = f"{user.get_id()}:{sid}"
    g.login_sid = sid


def _on_logout(app: Flask, user: Any, **extra: Any) -> None:
    from webapp.services import sessions

    sid = g.get("login_sid") or _sid_of(session.get("_user_id"))
    if sid:
        sessions.revoke(db.session, sid)
        g.login_sid = None


# --- redirects ------------------------------------------------------------------------------------------


def safe_next(target: str | None, default_endpoint: str = "dashboard.index") -> str:
    """``target`` when it is a path on this site, else the default page.

    Browsers drop tabs and new lines inside URLs and treat ``\\`` as ``/``, so ``/\\t/evil.example`` or
    ``/\\evil.example`` would leave the site; anything with a scheme, a host, a control character, a
    backslash or a leading ``//`` falls back.

    >>> from flask import Flask
    >>> app = Flask("t"); app.add_url_rule("/", "dashboard.index")
    >>> with app.test_request_context():
    ...     safe_next("/workers/?page=2"), safe_next("//evil.example"), safe_next("/\\t/evil.example")
    ('/workers/?page=2', '/', '/')
    """
    fallback = url_for(default_endpoint)
    if not target or not isinstance(target, str) or len(target) > 2048:
        return fallback
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target) or "\\" in target:
        return fallback
    if not target.startswith("/") or target.startswith("//"):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
