from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from webapp.auth import bp
from webapp.auth.forms import LoginForm
from webapp.errors import Unauthorized
from webapp.extensions import db
from webapp.security import client_ip, safe_next
from webapp.services import accounts
from webapp.services.throttle import TooManyAttempts


def _safe_next(target: str | None) -> str:
    """Only same-site paths (see ``webapp.security.safe_next``)."""
    return safe_next(target)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                db.session, form.username.data or "", form.password.data or "", ip=client_ip()
            )
        except TooManyAttempts as err:  # throttled: 429, the form says for how long
            form.password.errors.append(_(err.message))
            retry = {"Retry-After": str(max(err.retry_after, 1))}
            return render_template("auth/login.html", form=form), 429, retry
        except Unauthorized as err:
            form.password.errors.append(_(err.message))
        else:
            login_user(user, remember=bool(form.remember.data))
            flash(_("欢迎，%(name)s", name=user.display_name or user.username), "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    logout_user()
    flash(_("您已退出登录"), "info")
    return redirect(url_for("auth.login"))
