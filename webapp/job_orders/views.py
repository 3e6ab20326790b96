"""Job-order pages (企业下单): list, detail, create, edit and the ranked matches of an order."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from webapp import policy
from webapp.errors import DomainError, ValidationError
from webapp.extensions import db
from webapp.forms import (
    COMPONENT_LABELS,
    csrf_failed,
    form_values,
    page_number,
    query_int,
    show_errors,
    ui_context,
)
from webapp.job_orders import bp
from webapp.job_orders.forms import JobOrderForm
from webapp.models import JobOrder
from webapp.services import employers, job_orders, matching, reference, vocabulary
from webapp.services.job_orders import JOB_ORDER_FIELDS
from webapp.services.scope import Actor

PER_PAGE = 20
MATCH_LIMIT = 50

bp.context_processor(ui_context)


def _actor() -> Actor:
    return Actor.of(current_user)


def _pick_lists() -> dict[str, Any]:
    return {"occupations": reference.occupation_options(), "regions": reference.region_options()}


def _prepare(form: JobOrderForm, actor: Actor, *, creating: bool) -> None:
    """Fill the selects; an employer posts only for itself, and a new order starts open; only staff see the
    public-welfare flag."""
    if actor.employer_id is not None:  # an employer's account posts for that employer
        del form.employer_id
    else:
        options = employers.employer_options(db.session, actor)
        form.employer_id.choices = [("", _("请选择企业"))] + [(str(i), name) for i, name in options]
    # Blank: the employer's default route (扶贫车间 for a workshop), decided by services.eligibility.
    form.route.choices = [("", _("按企业类型默认")), *reference.route_options()]
    if creating:
        del form.status
    if not policy.can(actor, "set_public_welfare", "job_order"):
        del form.public_welfare


def _initial(order: JobOrder) -> dict[str, Any]:
    data = job_orders.job_order_to_dict(order)
    data["occupation"] = data["occupation_name"]
    data["employer_id"] = str(order.employer_id)
    return data


@bp.route("/")
@login_required
def index() -> str:
    filters = {
        name: request.args.get(name, "").strip() for name in ("q", "status", "occupation", "region_code")
    }
    page = job_orders.list_job_orders(
        db.session,
        _actor(),
        q=filters["q"],
        status=filters["status"] or None,
        occupation=filters["occupation"] or None,
        region_code=filters["region_code"] or None,
        page=page_number(),
        per_page=PER_PAGE,
    )
    return render_template("job_orders/index.html", page=page, filters=filters, **_pick_lists())


@bp.route("/<int:order_id>")
@login_required
def detail(order_id: int) -> str:
    actor = _actor()
    order = job_orders.get_job_order(db.session, actor, order_id)
    return render_template("job_orders/detail.html", order=order, route_names=dict(reference.route_options()))


@bp.route("/<int:order_id>/approve", methods=["POST"])
@login_required
def approve(order_id: int) -> Response:
    if _csrf_ok():
        job_orders.approve_job_order(db.session, _actor(), order_id)
        flash(_("岗位已审核通过，已发布到公告栏"), "success")
    return redirect(url_for(".detail", order_id=order_id))


@bp.route("/<int:order_id>/return", methods=["POST"])
@login_required
def return_(order_id: int) -> Response:
    if _csrf_ok():
        try:
            job_orders.return_job_order(db.session, _actor(), order_id, reason=request.form.get("reason", ""))
        except ValidationError as err:  # a missing reason: back to the page; refusals answer 403/404
            flash(_(err.fields.get("reason", err.message)), "error")
        else:
            flash(_("岗位已退回企业"), "info")
    return redirect(url_for(".detail", order_id=order_id))


def _csrf_ok() -> bool:
    from webapp.account.forms import ActionForm

    form = ActionForm()
    if form.validate_on_submit():
        return True
    flash(_("表单已过期或缺少安全令牌，请刷新页面后重试"), "error")
    return False


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> tuple[str, int] | Response:
    actor = _actor()
    policy.require(actor, "create", "job_order")
    form = JobOrderForm(data={"employer_id": request.args.get("employer_id", "")})
    _prepare(form, actor, creating=True)
    status = 200
    if form.validate_on_submit():
        try:
            order = job_orders.create_job_order(db.session, actor, form_values(form, JOB_ORDER_FIELDS))
        except DomainError as err:
            status = show_errors(form, err)
        else:
            if order.status == "pending":
                flash(_("岗位已提交，人社部门审核通过后发布到公告栏"), "info")
            else:
                flash(_("岗位已发布"), "success")
            return redirect(url_for(".detail", order_id=order.id))
    elif form.is_submitted():
        status = csrf_failed(form)
    return render_template("job_orders/form.html", form=form, order=None, **_pick_lists()), status


@bp.route("/<int:order_id>/edit", methods=["GET", "POST"])
@login_required
def edit(order_id: int) -> tuple[str, int] | Response:
    actor = _actor()
    order = job_orders.get_job_order(db.session, actor, order_id)
    policy.require(actor, "update", order)
    form = JobOrderForm(data=_initial(order))
    _prepare(form, actor, creating=False)
    status = 200
    if form.validate_on_submit():
        try:
            job_orders.update_job_order(db.session, actor, order_id, form_values(form, JOB_ORDER_FIELDS))
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("岗位已保存"), "success")
            return redirect(url_for(".detail", order_id=order_id))
    elif form.is_submitted():
        status = csrf_failed(form)
    return render_template("job_orders/form.html", form=form, order=order, **_pick_lists()), status


@bp.route("/<int:order_id>/matches")
@login_required
def matches(order_id: int) -> str:
    actor = _actor()
    limit = min(query_int("limit", default=MATCH_LIMIT, maximum=1_000_000) or MATCH_LIMIT, _limit_max())
    order, candidates = matching.candidates_for_order(db.session, actor, order_id, limit=limit)
    near = matching.near_misses_for_order(db.session, actor, order_id, limit=limit)
    shown = {name for c in candidates for name in c.breakdown}
    components = [name for name in COMPONENT_LABELS if name in shown]
    scope_prefix, consenting_only = policy.proposal_scope(actor)
    return render_template(
        "job_orders/matches.html",
        order=order,
        candidates=candidates,
        components=components,
        scope_prefix=scope_prefix,
        consenting_only=consenting_only,
        near_misses=near,
    )


@bp.route("/unclassified")
@login_required
def unclassified() -> str:
    """Staff: occupations typed outside the catalogue, with counts and the nearest entries."""
    terms = vocabulary.unclassified_terms(db.session, _actor())
    return render_template("job_orders/unclassified.html", terms=terms)


def _limit_max() -> int:
    return int(current_app.config.get("MATCH_LIMIT_MAX", 200))
