"""Subsidy pages (政府统一买单): claims, their preview and submission, approval, return, payment, budget lines and
the subsidy ledger download."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from webapp import policy
from webapp.downloads import xlsx_response
from webapp.errors import DomainError
from webapp.extensions import db
from webapp.forms import csrf_failed, form_values, page_number, show_errors, ui_context
from webapp.models.training import CLAIM_STATUSES
from webapp.services import reference, subsidies
from webapp.services.scope import Actor
from webapp.services.subsidies import BUDGET_FIELDS
from webapp.subsidies import bp
from webapp.subsidies.forms import ActionForm, BudgetLineForm, PayForm, ReturnForm
from webapp.training.views import confirmation_page, confirmed

ENROLMENT_LABELS = {
    "enrolled": _l("在训"),
    "completed": _l("结业"),
    "failed": _l("未通过"),
    "withdrawn": _l("退出"),
}
CLAIM_LABELS = {
    "submitted": _l("待审核"),
    "returned": _l("已退回"),
    "approved": _l("已批准"),
    "paid": _l("已支付"),
}


def _labels() -> dict[str, object]:
    return {"claim_labels": CLAIM_LABELS, "enrolment_labels": ENROLMENT_LABELS}


bp.context_processor(ui_context)
bp.context_processor(_labels)


def _actor() -> Actor:
    return Actor.of(current_user)


@bp.route("/")
@login_required
def index() -> str:
    status = request.args.get("status", "").strip()
    status = status if status in CLAIM_STATUSES else ""
    page = subsidies.list_claims(db.session, _actor(), status=status or None, page=page_number(), per_page=20)
    return render_template("subsidies/index.html", page=page, filters={"status": status})


@bp.route("/courses/<int:course_id>/claim", methods=["GET", "POST"])
@login_required
def new_claim(course_id: int) -> tuple[str, int] | Response:
    actor = _actor()
    form = ActionForm()
    status = 200
    if form.validate_on_submit():
        try:
            claim = subsidies.submit_claim(db.session, actor, course_id)
        except DomainError as err:
            if err.status in (403, 404):
                raise
            form.form_errors.extend([_(err.message), *err.fields.values()])
            status = err.status
        else:
            flash(_("补贴申请已提交：%(n)s 人，%(a)s 元", n=claim.trainees, a=claim.amount), "success")
            return redirect(url_for(".claim", claim_id=claim.id))
    elif form.is_submitted():
        status = csrf_failed(form)
    preview = subsidies.claim_preview(db.session, actor, course_id)
    return render_template("subsidies/new_claim.html", p=preview, form=form), status


@bp.route("/claims/<int:claim_id>")
@login_required
def claim(claim_id: int) -> str:
    overview = subsidies.claim_overview(db.session, _actor(), claim_id)
    pay_form = PayForm()
    pay_form.budget_line_id.choices = [
        (str(line.id), f"{line.year} {line.name}（{_('余额')} {line.remaining} {_('元')}）")
        for line in overview.budget_lines
    ]
    return render_template(
        "subsidies/claim.html",
        o=overview,
        c=overview.claim,
        action_form=ActionForm(),
        return_form=ReturnForm(),
        pay_form=pay_form,
    )


def _decision(
    claim_id: int, form_class: type[FlaskForm], act: Callable[[Any], object], done: str
) -> Response:
    form = form_class()
    if not form.validate_on_submit():
        flash(_("表单已过期或缺少安全令牌，请刷新页面后重试"), "error")
        return redirect(url_for(".claim", claim_id=claim_id))
    try:
        act(form)
    except DomainError as err:
        if err.status in (403, 404):
            raise
        flash("；".join([_(err.message), *err.fields.values()]), "error")
    else:
        flash(done, "success")
    return redirect(url_for(".claim", claim_id=claim_id))


def _confirm_first(
    claim_id: int,
    form_class: type[FlaskForm],
    preview: Callable[[Any], Any],
    action: str,
    hidden: Callable[[Any], dict[str, Any]],
) -> Response | str | None:
    """The confirmation page of an irreversible decision, or ``None`` when it was confirmed (or the form is
    stale: the decision then reports it)."""
    form = form_class()
    if confirmed() or not form.validate_on_submit():
        return None
    back = url_for(".claim", claim_id=claim_id)
    try:
        summary = preview(form)
    except DomainError as err:
        if err.status in (403, 404):
            raise
        flash("；".join([_(err.message), *err.fields.values()]), "error")
        return redirect(back)
    return confirmation_page(summary, action, back, hidden(form))


@bp.route("/claims/<int:claim_id>/approve", methods=["POST"])
@login_required
def approve(claim_id: int) -> Response | str:
    page = _confirm_first(
        claim_id,
        ActionForm,
        lambda form: subsidies.approve_preview(db.session, _actor(), claim_id),
        url_for(".approve", claim_id=claim_id),
        lambda form: {},
    )
    if page is not None:
        return page
    return _decision(
        claim_id,
        ActionForm,
        lambda form: subsidies.approve_claim(db.session, _actor(), claim_id),
        _("已批准，可从预算科目支付"),
    )


@bp.route("/claims/<int:claim_id>/return", methods=["POST"])
@login_required
def return_(claim_id: int) -> Response:
    return _decision(
        claim_id,
        ReturnForm,
        lambda form: subsidies.return_claim(db.session, _actor(), claim_id, form.reason.data),
        _("已退回培训机构"),
    )


@bp.route("/claims/<int:claim_id>/pay", methods=["POST"])
@login_required
def pay(claim_id: int) -> Response | str:
    page = _confirm_first(
        claim_id,
        PayForm,
        lambda form: subsidies.pay_preview(db.session, _actor(), claim_id, form.budget_line_id.data),
        url_for(".pay", claim_id=claim_id),
        lambda form: {"budget_line_id": form.budget_line_id.data},
    )
    if page is not None:
        return page
    return _decision(
        claim_id,
        PayForm,
        lambda form: subsidies.pay_claim(db.session, _actor(), claim_id, form.budget_line_id.data),
        _("已支付并记入预算科目"),
    )


@bp.route("/budget", methods=["GET", "POST"])
@login_required
def budget() -> tuple[str, int] | Response:
    actor = _actor()
    policy.require(actor, "list", "budget_line")
    form = BudgetLineForm(data={"year": str(date.today().year), "region_code": actor.region_code or ""})
    status = 200
    if form.validate_on_submit():
        try:
            line = subsidies.create_budget_line(db.session, actor, form_values(form, BUDGET_FIELDS))
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("已新增预算科目：%(name)s", name=line.name), "success")
            return redirect(url_for(".budget"))
    elif form.is_submitted():
        status = csrf_failed(form)
    lines = subsidies.list_budget_lines(db.session, actor)
    regions = reference.region_options(policy.jurisdiction(actor))
    return render_template("subsidies/budget.html", lines=lines, form=form, regions=regions), status


@bp.route("/ledger.xlsx")
@login_required
def ledger() -> Response:
    data = subsidies.subsidy_ledger(db.session, _actor(), ip=request.remote_addr or "")
    return xlsx_response(data, f"补贴台账-{date.today().isoformat()}.xlsx")
