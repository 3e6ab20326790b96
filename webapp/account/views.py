"""Account pages: my account and sessions, password change, log out everywhere; user accounts (admin)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from webapp.account import bp
from webapp.account.forms import ActionForm, PasswordForm
from webapp.errors import DomainError
from webapp.extensions import db
from webapp.forms import csrf_failed, page_number, show_errors
from webapp.security import client_ip
from webapp.services import sessions
from webapp.services.scope import Actor

PER_PAGE = 50


def _actor() -> Actor:
    return Actor.of(current_user)


@bp.route("/")
@login_required
def index() -> str:
    actor = _actor()
    return render_template(
        "account/index.html",
        live=sessions.live_sessions(db.session, actor),
        tokens=sessions.live_tokens(db.session, actor),
        actor=actor,
        form=ActionForm(),
    )


@bp.route("/tokens/<int(min=1, max=2147483647):token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int) -> Response:
    form = ActionForm()
    if not form.validate_on_submit():
        csrf_failed(form)
        return redirect(url_for(".index"))
    sessions.revoke_token(db.session, _actor(), token_id, ip=client_ip())
    flash(_("该接口访问令牌已失效"), "info")
    return redirect(url_for(".index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> tuple[str, int] | Response:
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = sessions.change_password(
                db.session,
                _actor(),
                current=form.current_password.data or "",
                new=form.new_password.data or "",
                confirm=form.confirm_password.data or "",
                ip=client_ip(),
            )
        except DomainError as err:
            status = show_errors(form, err)
        else:
            login_user(user)  # this browser carries on with a new session; every other one has ended
            flash(_("密码已修改，其他设备上的登录已全部退出"), "success")
            return redirect(url_for(".index"))
    elif form.is_submitted():
        status = csrf_failed(form)
    return render_template("account/password.html", form=form), status


@bp.route("/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere() -> Response:
    form = ActionForm()
    if not form.validate_on_submit():
        csrf_failed(form)
        return redirect(url_for(".index"))
    sessions.logout_everywhere(db.session, _actor())
    flash(_("已在所有设备上退出登录"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/users")
@login_required
def users() -> str:
    q = request.args.get("q", "").strip()
    page = page_number()
    result = sessions.list_users(db.session, _actor(), q=q, page=page, per_page=PER_PAGE)
    return render_template("account/users.html", page=result, q=q, form=ActionForm())


@bp.route("/users/<int:user_id>/disable", methods=["POST"])
@login_required
def disable_user(user_id: int) -> Response:
    return _set_active(user_id, active=False)


@bp.route("/users/<int:user_id>/enable", methods=["POST"])
@login_required
def enable_user(user_id: int) -> Response:
    return _set_active(user_id, active=True)


def _set_active(user_id: int, *, active: bool) -> Response:
    form = ActionForm()
    if not form.validate_on_submit():
        csrf_failed(form)
        return redirect(url_for(".users"))
    user = sessions.set_active(db.session, _actor(), user_id, active=active, ip=client_ip())
    if active:
        flash(_("已启用账号 %(name)s", name=user.username), "success")
    else:
        flash(_("已停用账号 %(name)s，其所有登录和访问令牌已失效", name=user.username), "success")
    return redirect(url_for(".users"))
