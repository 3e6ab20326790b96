"""防返贫 monitoring pages: the households of the actor's region (due for a visit first), one household with its
members and visits, putting a household under monitoring, changing it, recording a visit and clearing it."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from webapp import policy
from webapp.errors import DomainError
from webapp.extensions import db
from webapp.forms import csrf_failed, form_values, page_number, show_errors, ui_context
from webapp.households import bp
from webapp.households.forms import ClearForm, HouseholdForm, VisitForm
from webapp.models.households import Household
from webapp.policy import current_actor
from webapp.services import households, reference
from webapp.services.households import RELATION_LABELS

PER_PAGE = 30
TABS = ("due", "monitored", "without_employed", "cleared")
STATE_LABELS = {
    "planned": _l("按计划"),
    "due": _l("即将到期"),
    "overdue": _l("已逾期"),
    "cleared": _l("已解除"),
}
FORM_FIELDS = (
    "head_name",
    "region_code",
    "category",
    "left_poverty_year",
    "risk_flags",
    "visit_every_days",
    "next_visit_on",
    "note",
)


def _name_key() -> str:
    """``name_en`` of the config entries in English mode, else ``name_zh``."""
    return "name_en" if str(get_locale() or "zh").startswith("en") else "name_zh"


def _labels() -> dict[str, Any]:
    key = _name_key()
    return {
        "category_names": {k: c[key] for k, c in households.categories().items()},
        "risk_names": {k: r[key] for k, r in households.risks().items()},
        "relation_labels": RELATION_LABELS,
        "state_labels": STATE_LABELS,
    }


bp.context_processor(ui_context)
bp.context_processor(_labels)


def _choices(form: HouseholdForm | VisitForm) -> None:
    key = _name_key()
    if isinstance(form, HouseholdForm):
        form.category.choices = [(k, c[key]) for k, c in households.categories().items()]
    form.risk_flags.choices = [(k, r[key]) for k, r in households.risks().items()]


@bp.route("/")
@login_required
def index() -> str:
    actor = current_actor()
    tab = request.args.get("tab", "due")
    tab = tab if tab in TABS else "due"
    category = request.args.get("category", "")
    category = category if category in households.categories() else ""
    page = households.list_households(
        db.session,
        actor,
        category=category or None,
        status="cleared" if tab == "cleared" else "monitored",
        due=tab == "due",
        employed=False if tab == "without_employed" else None,
        page=page_number(),
        per_page=PER_PAGE,
    )
    stats = households.monitoring_stats(db.session, actor)
    return render_template(
        "households/index.html",
        page=page,
        tab=tab,
        tabs=TABS,
        category=category,
        stats=stats,
        employed={h.id: bool(households.employed_members(db.session, h)) for h in page.items},
        state_of=households.visit_state,
        today=date.today(),
    )


def _values(form: HouseholdForm, household: Household | None) -> dict[str, Any]:
    values = form_values(form, FORM_FIELDS)
    keep = {m.worker_id: m.relation for m in household.members} if household else None
    values["members"] = households.members_from_text(
        db.session, current_actor(), form.members.data, keep=keep
    )
    return values


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> tuple[str, int] | Response:
    actor = current_actor()
    policy.require(actor, "create", "household")  # the form only for those who may register households
    form = HouseholdForm()
    _choices(form)
    status = 200
    if form.validate_on_submit():
        try:
            household = households.create_household(db.session, actor, _values(form, None))
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("已纳入防返贫监测：%(name)s户", name=household.head_name), "success")
            return redirect(url_for(".detail", household_id=household.id))
    elif form.is_submitted():
        status = csrf_failed(form)
    regions = reference.region_options(policy.jurisdiction(actor))
    return render_template("households/form.html", form=form, household=None, regions=regions), status


@bp.route("/<int:household_id>/edit", methods=["GET", "POST"])
@login_required
def edit(household_id: int) -> tuple[str, int] | Response:
    actor = current_actor()
    household = households.get_household(db.session, actor, household_id)
    data = {name: getattr(household, name) for name in FORM_FIELDS}
    data["members"] = ", ".join(
        str(m.worker_id) for m in sorted(household.members, key=lambda m: m.relation != "head")
    )
    form = HouseholdForm(data=data)
    _choices(form)
    status = 200
    if form.validate_on_submit():
        try:
            households.update_household(db.session, actor, household_id, _values(form, household))
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("已保存"), "success")
            return redirect(url_for(".detail", household_id=household_id))
    elif form.is_submitted():
        status = csrf_failed(form)
    regions = reference.region_options(policy.jurisdiction(actor))
    return render_template("households/form.html", form=form, household=household, regions=regions), status


@bp.route("/<int:household_id>", methods=["GET", "POST"])
@login_required
def detail(household_id: int) -> tuple[str, int] | Response:
    """One household; its form records a visit (POST)."""
    actor = current_actor()
    household = households.get_household(db.session, actor, household_id)
    form = VisitForm()
    _choices(form)
    status = 200
    if form.validate_on_submit():
        try:
            households.record_visit(
                db.session, actor, household_id, form_values(form, households.VISIT_FIELDS)
            )
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("已登记走访，下次走访日期已顺延"), "success")
            return redirect(url_for(".detail", household_id=household_id))
    elif form.is_submitted():
        status = csrf_failed(form)
    elif household.risk_flags:
        form.risk_flags.data = list(household.risk_flags)
    return (
        render_template(
            "households/detail.html",
            h=household,
            form=form,
            clear_form=ClearForm(),
            employed=households.employed_members(db.session, household),
            state=households.visit_state(household, date.today()),
        ),
        status,
    )


@bp.route("/<int:household_id>/clear", methods=["POST"])
@login_required
def clear(household_id: int) -> Response:
    form = ClearForm()
    back = url_for(".detail", household_id=household_id)
    if not form.validate_on_submit():
        flash(_("请填写解除监测原因"), "error")
        return redirect(back)
    try:
        households.update_household(
            db.session,
            current_actor(),
            household_id,
            {"status": "cleared", "cleared_reason": form.cleared_reason.data},
        )
    except DomainError as err:
        if err.status in (403, 404):
            raise
        flash("；".join([_(err.message), *err.fields.values()]), "error")
    else:
        flash(_("已解除监测"), "success")
    return redirect(back)
