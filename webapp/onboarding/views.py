"""Employer onboarding pages: register (public), review (staff of the region), my employer (an employer)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from webapp import policy
from webapp.account.forms import ActionForm
from webapp.errors import DomainError
from webapp.extensions import db
from webapp.forms import csrf_failed, form_values, page_number, show_errors, ui_context
from webapp.models import Employer
from webapp.onboarding import bp
from webapp.onboarding.forms import OwnEmployerForm, RegistrationForm, ReturnForm, StatusForm
from webapp.security import client_ip
from webapp.services import onboarding, reference
from webapp.services.onboarding import REGISTRATION_FIELDS, REVIEWED_FIELDS, SELF_EDIT_FIELDS
from webapp.services.scope import Actor

bp.context_processor(ui_context)


def _actor() -> Actor:
    return Actor.of(current_user)


@bp.route("/register/employer", methods=["GET", "POST"])
def register() -> tuple[str, int] | Response:
    form = RegistrationForm()
    status = 200
    if form.validate_on_submit():
        try:
            application = onboarding.register(
                db.session, form_values(form, REGISTRATION_FIELDS), ip=client_ip()
            )
        except DomainError as err:
            status = show_errors(form, err)
        else:
            return render_template("onboarding/registered.html", application=application)
    elif form.is_submitted():
        status = csrf_failed(form)
    return render_template("onboarding/register.html", form=form, regions=reference.region_options()), status


@bp.route("/register/employer/status", methods=["GET", "POST"])
def registration_status() -> tuple[str, int]:
    """The registrant's view of their registration: pending, or returned with the reason."""
    form = StatusForm()
    status, application = 200, None
    if form.validate_on_submit():
        try:
            application = onboarding.registration_status(
                db.session, form.username.data or "", form.password.data or "", ip=client_ip()
            )
        except DomainError as err:
            status = show_errors(form, err)
    elif form.is_submitted():
        status = csrf_failed(form)
    return render_template("onboarding/status.html", form=form, application=application), status


@bp.route("/employer-applications/")
@login_required
def applications() -> str:
    status = request.args.get("status", "pending")
    page = page_number()
    result = onboarding.list_applications(db.session, _actor(), status=status, page=page)
    return render_template("onboarding/applications.html", page=result, status=status)


@bp.route("/employer-applications/<int:application_id>")
@login_required
def application(application_id: int) -> str:
    item = onboarding.get_application(db.session, _actor(), application_id)
    return render_template(
        "onboarding/application.html",
        item=item,
        duplicates=onboarding.duplicates(db.session, item),
        form=ActionForm(),
        return_form=ReturnForm(),
    )


@bp.route("/employer-applications/<int:application_id>/approve", methods=["POST"])
@login_required
def approve(application_id: int) -> Response:
    form = ActionForm()
    if not form.validate_on_submit():
        csrf_failed(form)
        return redirect(url_for(".application", application_id=application_id))
    item = onboarding.approve(db.session, _actor(), application_id, ip=client_ip())
    flash(_("已审核通过：%(name)s", name=item.name), "success")
    return redirect(url_for(".applications"))


@bp.route("/employer-applications/<int:application_id>/return", methods=["POST"])
@login_required
def return_(application_id: int) -> tuple[str, int] | Response:
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            item = onboarding.return_application(
                db.session, _actor(), application_id, reason=form.reason.data or "", ip=client_ip()
            )
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("已退回：%(name)s", name=item.name), "info")
            return redirect(url_for(".applications"))
    else:
        status = csrf_failed(form) if form.is_submitted() else 400
    item = onboarding.get_application(db.session, _actor(), application_id)
    return render_template(
        "onboarding/application.html",
        item=item,
        duplicates=onboarding.duplicates(db.session, item),
        form=ActionForm(),
        return_form=form,
    ), status


@bp.route("/my-employer", methods=["GET", "POST"])
@login_required
def my_employer() -> tuple[str, int] | Response:
    actor = _actor()
    employer = policy.require(actor, "update", db.session.get(Employer, actor.employer_id or 0))
    form = OwnEmployerForm(obj=employer)
    status = 200
    if form.validate_on_submit():
        try:
            _, change = onboarding.update_own_employer(
                db.session,
                actor,
                employer.id,
                form_values(form, (*SELF_EDIT_FIELDS, *REVIEWED_FIELDS)),
                ip=client_ip(),
            )
        except DomainError as err:
            status = show_errors(form, err)
        else:
            if change is not None:
                flash(_("已保存；企业名称或信用代码的变更已提交，审核通过后生效"), "info")
            else:
                flash(_("已保存企业信息"), "success")
            return redirect(url_for(".my_employer"))
    elif form.is_submitted():
        status = csrf_failed(form)
    return render_template(
        "onboarding/my_employer.html",
        form=form,
        employer=employer,
        change=onboarding.pending_change(db.session, employer),
    ), status
