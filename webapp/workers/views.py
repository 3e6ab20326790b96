"""Worker pages (群众点单), for bureau staff: list, detail with audited reveal, create, edit, recommendations."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from webapp import policy
from webapp.errors import DomainError
from webapp.extensions import db
from webapp.forms import csrf_failed, form_values, page_number, show_errors, ui_context
from webapp.models import Worker
from webapp.services import matching, reference, workers
from webapp.services.scope import Actor
from webapp.services.validation import mask_id_number, mask_phone
from webapp.services.workers import WORKER_FIELDS
from webapp.workers import bp
from webapp.workers.forms import RevealForm, WorkerForm

PER_PAGE = 20
RECOMMENDATION_LIMIT = 20
POVERTY_FILTER = {"1": True, "0": False}
#: Left empty on the edit form, these keep their stored value (the form never shows them in full).
KEEP_IF_BLANK = ("id_number", "phone")

bp.context_processor(ui_context)


def _actor() -> Actor:
    return Actor.of(current_user)


def _pick_lists(actor: Actor) -> dict[str, Any]:
    regions = reference.region_options(policy.jurisdiction(actor))
    return {"regions": regions, "occupations": reference.occupation_options()}


def _initial(worker: Worker, actor: Actor) -> dict[str, Any]:
    data = workers.worker_to_dict(worker, actor)
    for name in KEEP_IF_BLANK:
        data.pop(name, None)
    return data


def _blank_means_keep(form: WorkerForm, worker: Worker) -> None:
    form.id_number.flags.required = False
    form.phone.flags.required = False
    form.id_number.render_kw = {
        **(form.id_number.render_kw or {}),
        "placeholder": mask_id_number(worker.id_number),
    }
    form.phone.render_kw = {**(form.phone.render_kw or {}), "placeholder": mask_phone(worker.phone)}


@bp.route("/")
@login_required
def index() -> str:
    filters = {name: request.args.get(name, "").strip() for name in ("q", "status", "region_code", "poverty")}
    page = workers.list_workers(
        db.session,
        _actor(),
        q=filters["q"],
        status=filters["status"] or None,
        region_code=filters["region_code"] or None,
        poverty_registered=POVERTY_FILTER.get(filters["poverty"]),
        page=page_number(),
        per_page=PER_PAGE,
    )
    return render_template("workers/index.html", page=page, filters=filters, **_pick_lists(_actor()))


@bp.route("/<int:worker_id>")
@login_required
def detail(worker_id: int) -> str:
    worker = workers.get_worker(db.session, _actor(), worker_id)
    return render_template("workers/detail.html", worker=worker, revealed={}, reveal_form=RevealForm())


@bp.route("/<int:worker_id>/reveal", methods=["POST"])
@login_required
def reveal(worker_id: int) -> Response:
    """Show one full value (ID number or phone) once, on this response only; the service audits the read."""
    form = RevealForm()
    if not form.validate_on_submit():
        abort(400)
    actor = _actor()
    worker = workers.get_worker(db.session, actor, worker_id)
    field = form.field.data or ""
    value = workers.reveal(db.session, actor, worker_id, field=field, ip=request.remote_addr or "")
    html = render_template(
        "workers/detail.html", worker=worker, revealed={field: value}, reveal_form=RevealForm()
    )
    resp = make_response(html)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> tuple[str, int] | Response:
    actor = _actor()
    policy.require(actor, "create", Worker)
    form = WorkerForm()
    status = 200
    if form.validate_on_submit():
        try:
            worker = workers.create_worker(db.session, actor, form_values(form, WORKER_FIELDS))
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("已登记求职人员 %(name)s", name=worker.name), "success")
            return redirect(url_for(".detail", worker_id=worker.id))
    elif form.is_submitted():
        status = csrf_failed(form)
    return render_template("workers/form.html", form=form, worker=None, **_pick_lists(actor)), status


@bp.route("/<int:worker_id>/edit", methods=["GET", "POST"])
@login_required
def edit(worker_id: int) -> tuple[str, int] | Response:
    actor = _actor()
    worker = workers.get_worker(db.session, actor, worker_id)
    form = WorkerForm(data=_initial(worker, actor))
    _blank_means_keep(form, worker)
    status = 200
    if form.validate_on_submit():
        values = form_values(form, WORKER_FIELDS)
        for name in KEEP_IF_BLANK:
            if not (values.get(name) or "").strip():
                values.pop(name, None)
        try:
            workers.update_worker(db.session, actor, worker_id, values)
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("已保存"), "success")
            return redirect(url_for(".detail", worker_id=worker_id))
    elif form.is_submitted():
        status = csrf_failed(form)
    return render_template("workers/form.html", form=form, worker=worker, **_pick_lists(actor)), status


@bp.route("/<int:worker_id>/recommendations")
@login_required
def recommendations(worker_id: int) -> str:
    worker, ranked = matching.recommendations_for_worker(
        db.session, _actor(), worker_id, limit=RECOMMENDATION_LIMIT
    )
    return render_template("workers/recommendations.html", worker=worker, ranked=ranked)
