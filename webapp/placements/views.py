"""Placement and follow-up pages, for bureau staff and village coordinators."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from webapp import policy
from webapp.errors import DomainError
from webapp.extensions import db
from webapp.forms import csrf_failed, form_values, page_number, show_errors, ui_context
from webapp.placements import bp
from webapp.placements.forms import (
    OUTCOME_LABELS,
    PLACEMENT_STATUS_LABELS,
    VISIT_STATE_LABELS,
    EndForm,
    OutcomeForm,
    PlacementForm,
)
from webapp.services import followups, reference
from webapp.services.scope import Actor
from webapp.services.validation import FieldError, parse_date, parse_region

PER_PAGE = 30
VISIT_TABS = ("mine", "overdue", "due_soon", "open", "done")
PLACEMENT_FORM_FIELDS = (
    "worker",
    "job_order_id",
    "route",
    "route_reason",
    "region_code",
    "employer_name",
    "wage",
    "start_date",
)


@bp.context_processor
def _context() -> dict[str, Any]:
    return {
        **ui_context(),
        "outcome_labels": OUTCOME_LABELS,
        "visit_state_labels": VISIT_STATE_LABELS,
        "placement_status_labels": PLACEMENT_STATUS_LABELS,
        "route_names": dict(reference.route_options()),
        "visit_names": followups.visit_names(),
        "visit_state": followups.visit_state,
        "today": date.today(),
    }


def _actor() -> Actor:
    actor = Actor.of(current_user)
    policy.require(actor, "list", "placement")
    return actor


def _arg_date(name: str) -> date | None:
    try:
        return parse_date(request.args.get(name, "").strip() or None)
    except FieldError:
        return None


def _arg_region(name: str = "region_code") -> str | None:
    try:
        return (
            parse_region(request.args.get(name, "").strip()) if request.args.get(name, "").strip() else None
        )
    except FieldError:
        return None


def _regions(actor: Actor) -> list[tuple[str, str]]:
    return reference.region_options(policy.jurisdiction(actor))


@bp.route("/")
@login_required
def index() -> str:
    actor = _actor()
    filters = {
        name: request.args.get(name, "").strip()
        for name in ("q", "status", "route", "region_code", "from", "to")
    }
    page = followups.list_placements(
        db.session,
        actor,
        status=filters["status"] if filters["status"] in PLACEMENT_STATUS_LABELS else None,
        route=filters["route"] if filters["route"] in reference.routes() else None,
        region_code=_arg_region(),
        date_from=_arg_date("from"),
        date_to=_arg_date("to"),
        q=filters["q"][:64],
        page=page_number(),
        per_page=PER_PAGE,
    )
    visits = followups.open_visit_counts(db.session, [p.id for p in page.items], today=date.today())
    return render_template(
        "placements/index.html",
        page=page,
        filters=filters,
        visits=visits,
        routes=reference.route_options(),
        regions=_regions(actor),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> tuple[str, int] | Response:
    actor = _actor()
    form = PlacementForm(
        data={
            "worker": request.args.get("worker_id", ""),
            "job_order_id": request.args.get("job_order_id", ""),
        }
    )
    form.route.choices = [("", _("按岗位订单"))] + reference.route_options()
    status = 200
    if form.validate_on_submit():
        try:
            placement = followups.record_placement_for(
                db.session, actor, form_values(form, PLACEMENT_FORM_FIELDS)
            )
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("已登记就业，并已安排跟踪回访"), "success")
            return redirect(url_for(".detail", placement_id=placement.id))
    elif form.is_submitted():
        status = csrf_failed(form)
    return render_template("placements/form.html", form=form, regions=reference.region_options()), status


@bp.route("/<int:placement_id>", methods=["GET", "POST"])
@login_required
def detail(placement_id: int) -> tuple[str, int] | Response:
    actor = _actor()
    placement = followups.get_placement(db.session, actor, placement_id)
    form = EndForm()
    status = 200
    if form.validate_on_submit():
        try:
            followups.end_placement(db.session, actor, placement_id, form_values(form, followups.END_FIELDS))
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("已登记离职：该人员已回到求职状态，将重新匹配岗位"), "success")
            return redirect(url_for(".detail", placement_id=placement_id))
    elif form.is_submitted():
        status = csrf_failed(form)
    visits = followups.visits_of_placement(db.session, placement_id)
    return render_template("placements/detail.html", placement=placement, visits=visits, form=form), status


@bp.route("/follow-ups")
@login_required
def visits() -> str:
    actor = _actor()
    tab = request.args.get("tab", "mine")
    tab = tab if tab in VISIT_TABS else "mine"
    mine = tab == "mine"
    page = followups.list_visits(
        db.session,
        actor,
        state="open" if mine else tab,
        assignee_id=actor.user_id if mine else None,
        region_code=_arg_region(),
        page=page_number(),
        per_page=PER_PAGE,
    )
    reminder = followups.latest_reminder(db.session, actor.user_id) if actor.user_id else None
    from webapp.services import households  # 防返贫 visits are due beside the placement visits

    monitoring = households.monitoring_stats(db.session, actor)
    return render_template(
        "placements/visits.html",
        page=page,
        tab=tab,
        tabs=VISIT_TABS,
        reminder=reminder,
        households_due=(monitoring.due, monitoring.overdue),
        region_code=request.args.get("region_code", ""),
        regions=_regions(actor),
    )


@bp.route("/follow-ups/overdue")
@login_required
def overdue() -> str:
    actor = _actor()
    loads = followups.overdue_by_coordinator(db.session, actor)
    return render_template("placements/overdue.html", loads=loads)


@bp.route("/follow-ups/<int:visit_id>", methods=["GET", "POST"])
@login_required
def visit(visit_id: int) -> tuple[str, int] | Response:
    actor = _actor()
    item = followups.get_visit(db.session, actor, visit_id)
    form = OutcomeForm(data={"outcome": "employed", "visited_on": date.today().isoformat()})
    form.outcome.choices = list(OUTCOME_LABELS.items())
    status = 200
    if form.validate_on_submit():
        try:
            followups.record_outcome(db.session, actor, visit_id, form_values(form, followups.OUTCOME_FIELDS))
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("回访结果已保存"), "success")
            return redirect(url_for(".detail", placement_id=item.placement_id))
    elif form.is_submitted():
        status = csrf_failed(form)
    return render_template("placements/visit.html", visit=item, placement=item.placement, form=form), status
