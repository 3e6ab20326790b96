"""Account pages: my account and sessions, password change, log out everywhere; user accounts (admin)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from webapp import policy
from webapp.account import bp
from webapp.account.forms import (
    ROLE_LABELS,
    ActionForm,
    EditUserForm,
    InstitutionForm,
    PasswordForm,
    UserForm,
)
from webapp.errors import DomainError
from webapp.extensions import db
from webapp.forms import csrf_failed, form_values, page_number, show_errors, ui_context
from webapp.security import client_ip
from webapp.services import reference, sessions, users
from webapp.services.scope import Actor
from webapp.services.users import EDITABLE_FIELDS, INSTITUTION_FIELDS, USER_FIELDS

PER_PAGE = 50

bp.context_processor(ui_context)


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
def users_page() -> str:
    q = request.args.get("q", "").strip()
    page = page_number()
    result = users.list_users(db.session, _actor(), q=q, page=page, per_page=PER_PAGE)
    return render_template("account/users.html", page=result, q=q, form=ActionForm(), role_labels=ROLE_LABELS)


def _binding_choices(form: UserForm | EditUserForm) -> None:
    actor = _actor()
    form.employer_id.choices = [
        ("", "—"),
        *((str(i), n) for i, n in users.employer_choices(db.session, actor)),
    ]
    form.training_provider_id.choices = [
        ("", "—"),
        *((str(p.id), p.name) for p in users.list_institutions(db.session, actor)),
    ]


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def create_user() -> tuple[str, int] | Response:
    policy.require(_actor(), "create", "user")  # the form only for those who may create accounts
    form = UserForm()
    _binding_choices(form)
    status = 200
    if form.validate_on_submit():
        try:
            user, password = users.create_user(
                db.session, _actor(), form_values(form, USER_FIELDS), ip=client_ip()
            )
        except DomainError as err:
            status = show_errors(form, err)
        else:
            return render_template("account/password_once.html", user=user, password=password, created=True)
    elif form.is_submitted():
        status = csrf_failed(form)
    return render_template("account/user_form.html", form=form, regions=reference.region_options()), status


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def edit_user(user_id: int) -> tuple[str, int] | Response:
    user = users.get_user(db.session, _actor(), user_id)
    form = EditUserForm(
        obj=None,
        data={
            "display_name": user.display_name,
            "region_code": user.region_code or "",
            "employer_id": str(user.employer_id or ""),
            "training_provider_id": str(user.training_provider.id if user.training_provider else ""),
        },
    )
    _binding_choices(form)
    status = 200
    if form.validate_on_submit():
        names = [n for n in EDITABLE_FIELDS if n in ("display_name", users.binding_field(user))]
        try:
            users.update_user(db.session, _actor(), user_id, form_values(form, names), ip=client_ip())
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("已保存账号 %(name)s", name=user.username), "success")
            return redirect(url_for(".users_page"))
    elif form.is_submitted():
        status = csrf_failed(form)
    return render_template(
        "account/user_edit.html",
        form=form,
        user=user,
        binding=users.binding_field(user),
        regions=reference.region_options(),
    ), status


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@login_required
def reset_password(user_id: int) -> str | Response:
    form = ActionForm()
    if not form.validate_on_submit():
        csrf_failed(form)
        return redirect(url_for(".users_page"))
    user, password = users.reset_password(db.session, _actor(), user_id, ip=client_ip())
    return render_template("account/password_once.html", user=user, password=password, created=False)


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
        return redirect(url_for(".users_page"))
    user = users.set_active(db.session, _actor(), user_id, active=active, ip=client_ip())
    if active:
        flash(_("已启用账号 %(name)s", name=user.username), "success")
    else:
        flash(_("已停用账号 %(name)s，其所有登录和访问令牌已失效", name=user.username), "success")
    return redirect(url_for(".users_page"))


@bp.route("/institutions", methods=["GET", "POST"])
@login_required
def institutions() -> tuple[str, int]:
    actor = _actor()
    form = InstitutionForm()
    status = 200
    if form.validate_on_submit():
        try:
            provider = users.create_institution(
                db.session, actor, form_values(form, INSTITUTION_FIELDS), ip=client_ip()
            )
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("已登记培训机构 %(name)s", name=provider.name), "success")
            form = InstitutionForm(formdata=None)
    elif form.is_submitted():
        status = csrf_failed(form)
    return render_template(
        "account/institutions.html",
        form=form,
        institutions=users.list_institutions(db.session, actor),
        regions=reference.region_options(),
    ), status
