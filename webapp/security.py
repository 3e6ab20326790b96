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
- cookies: "remember me" lives ``remember_days`` (at most 30, ``config/security.toml``), every cookie is
  SameSite=Lax and HttpOnly, and ``Secure`` whenever the request came over HTTPS;
- Flask-Login signal handlers that open a ``LoginSession`` row on login (its random id goes into the session
  cookie, see ``webapp.services.sessions``) and revoke it on logout, so a copied cookie replayed after logout
  is refused.
"""

from __future__ import annotations

import os
import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, g, request, session, url_for
from flask_login import current_user, user_logged_in, user_logged_out
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from webapp.extensions import db
from webapp.services.throttle import TooManyAttempts

STATIC_ENDPOINTS = ("static", "bootstrap.static")

PAGE_CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HSTS = "max-age=31536000; includeSubDomains"


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
