"""Labour-cooperation pages: each view parses the request, calls one service and renders."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp import policy
from webapp.cooperation import bp
from webapp.cooperation.forms import AgreementForm
from webapp.downloads import xlsx_response
from webapp.errors import DomainError, ValidationError
from webapp.extensions import db
from webapp.forms import csrf_failed, form_ids, form_values, page_number, show_errors, ui_context
from webapp.security import accepts_upload
from webapp.services import cooperation, reference
from webapp.services.cooperation import IMPORT_HEADERS, ImportRejected
from webapp.services.scope import Actor

POSTS_PER_PAGE = 50
STATUS_LABELS = {
    "planned": _l("编组中"),
    "confirmed": _l("已确认出发（待出发）"),
    "departed": _l("已出发"),
    "arrived": _l("已到达"),
    "cancelled": _l("已取消"),
}


@bp.context_processor
def _context() -> dict[str, Any]:
    return {**ui_context(), "batch_status_labels": STATUS_LABELS}


def _actor() -> Actor:
    return Actor.of(current_user)


def _flash_error(err: DomainError) -> None:
    if not err.fields:
        raise err
    detail = "；".join(f"{_(m)}" for m in err.fields.values())
    flash(_(err.message) + (f"（{detail}）" if detail else ""), "danger")


def _regions() -> list[tuple[str, str]]:
    return reference.region_options()


@bp.route("/")
@login_required
def index() -> str:
    page_no = page_number()
    page = cooperation.list_agreements(db.session, _actor(), page=page_no, per_page=20)
    return render_template("cooperation/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> tuple[str, int] | Response:
    actor = _actor()
    policy.require(actor, "create", "agreement")
    form = AgreementForm(data={"region_code": actor.region_code or ""})
    status = 200
    if form.validate_on_submit():
        try:
            agreement = cooperation.create_agreement(
                db.session, actor, form_values(form, AgreementForm.SERVICE_FIELDS)
            )
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("协议已创建"), "success")
            return redirect(url_for(".detail", agreement_id=agreement.id))
    elif form.is_submitted():
        status = csrf_failed(form)
    return render_template("cooperation/form.html", form=form, agreement=None, regions=_regions()), status


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
@login_required
def edit(agreement_id: int) -> tuple[str, int] | Response:
    actor = _actor()
    agreement = cooperation.get_agreement(db.session, actor, agreement_id)
    cooperation.check_manage(actor, agreement)
    data = {name: getattr(agreement, name) for name in AgreementForm.SERVICE_FIELDS}
    for name in ("starts_on", "ends_on"):
        data[name] = data[name].isoformat() if data[name] else ""
    form = AgreementForm(data=data)
    status = 200
    if form.validate_on_submit():
        try:
            cooperation.update_agreement(
                db.session, actor, agreement_id, form_values(form, AgreementForm.SERVICE_FIELDS)
            )
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("协议已保存"), "success")
            return redirect(url_for(".detail", agreement_id=agreement_id))
    elif form.is_submitted():
        status = csrf_failed(form)
    return render_template(
        "cooperation/form.html", form=form, agreement=agreement, regions=_regions()
    ), status


def _detail(
    agreement_id: int, *, import_errors: ImportRejected | None = None, status: int = 200
) -> tuple[str, int]:
    actor = _actor()
    agreement = cooperation.get_agreement(db.session, actor, agreement_id)
    filters = {name: request.args.get(name, "").strip() for name in ("q", "region_code", "status")}
    post_page = cooperation.post_page(
        db.session,
        actor,
        agreement.id,
        q=filters["q"] or None,
        region_code=filters["region_code"] or None,
        status=filters["status"] or None,
        page=page_number(),
        per_page=POSTS_PER_PAGE,
    )
    return (
        render_template(
            "cooperation/detail.html",
            agreement=agreement,
            summary=cooperation.summary(db.session, agreement.id),
            quotas=cooperation.quotas(db.session, agreement.id),
            counties=cooperation.county_options(agreement),
            candidates=cooperation.candidates(db.session, actor, agreement.id),
            batches=cooperation.batches(db.session, actor, agreement.id),
            posts=post_page,
            post_filters=filters,
            import_errors=import_errors,
            headers=IMPORT_HEADERS,
        ),
        status,
    )


@bp.route("/<int:agreement_id>")
@login_required
def detail(agreement_id: int) -> tuple[str, int]:
    return _detail(agreement_id)


@bp.route("/<int:agreement_id>/template.xlsx")
@login_required
def template(agreement_id: int) -> Response:
    agreement = cooperation.get_agreement(db.session, _actor(), agreement_id)
    return xlsx_response(cooperation.template_xlsx(agreement), "posts-template.xlsx")


@bp.post("/<int:agreement_id>/import")
@accepts_upload
@login_required
def import_posts(agreement_id: int) -> tuple[str, int] | Response:
    policy.require(_actor(), "import_posts", "agreement")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("请选择要上传的 Excel 文件"), "danger")
        return redirect(url_for(".detail", agreement_id=agreement_id))
    preview = request.form.get("preview") == "1"
    try:
        result = cooperation.import_posts(db.session, _actor(), agreement_id, upload.stream, preview=preview)
    except ImportRejected as err:
        return _detail(agreement_id, import_errors=err, status=err.status)
    except ValidationError as err:
        _flash_error(err)
        return redirect(url_for(".detail", agreement_id=agreement_id))
    message = (
        _("检查通过（未写入）：新增 %(new)s 个、变更 %(changed)s 个、未变 %(same)s 个岗位", **_counts(result))
        if preview
        else _("已导入：新增 %(new)s 个、变更 %(changed)s 个、未变 %(same)s 个岗位", **_counts(result))
    )
    flash(message, "success")
    return redirect(url_for(".detail", agreement_id=agreement_id))


def _counts(result: cooperation.PostImport) -> dict[str, int]:
    return {"new": result.new, "changed": result.changed, "same": result.unchanged}


@bp.post("/<int:agreement_id>/quotas")
@login_required
def set_quotas(agreement_id: int) -> Response:
    data = {
        key[len("quota-") :]: value
        for key, value in request.form.items()
        if key.startswith("quota-") and value.strip()
    }
    try:
        cooperation.set_quotas(db.session, _actor(), agreement_id, data)
    except DomainError as err:
        _flash_error(err)
    else:
        flash(_("县区名额已保存"), "success")
    return redirect(url_for(".detail", agreement_id=agreement_id))


@bp.post("/<int:agreement_id>/candidates")
@login_required
def add_candidate(agreement_id: int) -> Response:
    try:
        cooperation.add_candidate(
            db.session,
            _actor(),
            agreement_id,
            request.form.get("worker_id"),
            family_group=request.form.get("family_group"),
        )
    except DomainError as err:
        _flash_error(err)
    else:
        flash(_("已加入报名名单"), "success")
    return redirect(url_for(".detail", agreement_id=agreement_id))


@bp.post("/<int:agreement_id>/candidates/eligible")
@login_required
def add_eligible(agreement_id: int) -> Response:
    count = cooperation.add_eligible_candidates(db.session, _actor(), agreement_id)
    flash(_("已加入 %(n)s 名愿意跨省就业的求职人员", n=count), "success")
    return redirect(url_for(".detail", agreement_id=agreement_id))


@bp.post("/candidates/<int:candidate_id>/remove")
@login_required
def remove_candidate(candidate_id: int) -> Response:
    agreement_id = cooperation.candidate_agreement_id(db.session, candidate_id)
    cooperation.remove_candidate(db.session, _actor(), candidate_id)
    flash(_("已移出报名名单"), "success")
    return redirect(url_for(".detail", agreement_id=agreement_id))


@bp.post("/<int:agreement_id>/place")
@login_required
def place(agreement_id: int) -> Response:
    try:
        result = cooperation.place_candidates(
            db.session, _actor(), agreement_id, request.form.get("method", "optimal")
        )
    except DomainError as err:
        _flash_error(err)
        return redirect(url_for(".detail", agreement_id=agreement_id))
    flash(
        _(
            "批量分配完成：%(placed)s 人有岗位，%(unplaced)s 人未分配，%(open)s 个岗位名额空缺",
            placed=result.placed,
            unplaced=result.unplaced,
            open=result.unfilled_posts,
        ),
        "success",
    )
    return redirect(url_for(".plan", agreement_id=agreement_id))


@bp.route("/<int:agreement_id>/plan")
@login_required
def plan(agreement_id: int) -> str:
    actor = _actor()
    agreement = cooperation.get_agreement(db.session, actor, agreement_id)
    view = cooperation.plan_view(db.session, actor, agreement_id)
    return render_template("cooperation/plan.html", agreement=agreement, view=view)


@bp.post("/<int:agreement_id>/batches")
@login_required
def create_batch(agreement_id: int) -> Response:
    data = {k: request.form.get(k, "") for k in cooperation.BATCH_FIELDS}
    try:
        batch = cooperation.create_batch(db.session, _actor(), agreement_id, data)
    except DomainError as err:
        _flash_error(err)
        return redirect(url_for(".plan", agreement_id=agreement_id))
    flash(_("已编成输出批次"), "success")
    return redirect(url_for(".batch", batch_id=batch.id))


@bp.route("/batches/<int:batch_id>")
@login_required
def batch(batch_id: int) -> str:
    agreement, found = cooperation.get_batch(db.session, _actor(), batch_id)
    actor = _actor()
    members = [m for m in found.members if policy.can(actor, "read", m)]
    return render_template("cooperation/batch.html", agreement=agreement, batch=found, members=members)


@bp.route("/batches/<int:batch_id>.xlsx")
@login_required
def batch_xlsx(batch_id: int) -> Response:
    content = cooperation.batch_xlsx(db.session, _actor(), batch_id, ip=request.remote_addr or "")
    return xlsx_response(content, f"dispatch-batch-{batch_id}.xlsx")


@bp.route("/batches/<int:batch_id>/dispatch", methods=["GET", "POST"])
@login_required
def dispatch(batch_id: int) -> str | Response:
    """确认出发: a summary of what will happen first; the POST of its form (``confirm=yes``) makes it so."""
    actor = _actor()
    if request.method == "POST" and request.form.get("confirm") == "yes":
        try:
            batch = cooperation.confirm_departure(db.session, actor, batch_id)
        except DomainError as err:
            _flash_error(err)
        else:
            if batch.status == "departed":
                flash(_("已确认出发：出发日期已到，已为可登记的人员登记就业"), "success")
            else:
                flash(
                    _("已确认出发：将于 %(day)s 出发当日登记就业", day=batch.departure_date.isoformat()),
                    "success",
                )
        return redirect(url_for(".batch", batch_id=batch_id))
    summary = cooperation.departure_summary(db.session, actor, batch_id)
    agreement, _found = cooperation.get_batch(db.session, actor, batch_id)
    return render_template("cooperation/confirm_departure.html", agreement=agreement, summary=summary)


@bp.post("/batches/<int:batch_id>/departure")
@login_required
def departure(batch_id: int) -> Response:
    try:
        cooperation.record_departure(
            db.session, _actor(), batch_id, departed_on=request.form.get("departed_on") or None
        )
    except DomainError as err:
        _flash_error(err)
    else:
        flash(_("已登记实际出发，已为可登记的人员登记就业"), "success")
    return redirect(url_for(".batch", batch_id=batch_id))


@bp.post("/batches/<int:batch_id>/cancel")
@login_required
def cancel(batch_id: int) -> Response:
    try:
        cooperation.cancel_batch(db.session, _actor(), batch_id, request.form.get("reason"))
    except DomainError as err:
        _flash_error(err)
    else:
        flash(_("批次已取消，未登记任何就业"), "success")
    return redirect(url_for(".batch", batch_id=batch_id))


@bp.post("/batches/<int:batch_id>/arrival")
@login_required
def arrival(batch_id: int) -> Response:
    ids = form_ids("worker_ids")
    try:
        cooperation.confirm_arrival(
            db.session, _actor(), batch_id, worker_ids=ids or None, arrived_on=request.form.get("arrived_on")
        )
    except DomainError as err:
        _flash_error(err)
    else:
        flash(_("已确认到达"), "success")
    return redirect(url_for(".batch", batch_id=batch_id))


@bp.post("/batches/<int:batch_id>/members/<int:worker_id>/remove")
@login_required
def remove_member(batch_id: int, worker_id: int) -> Response:
    try:
        cooperation.remove_member(db.session, _actor(), batch_id, worker_id)
    except DomainError as err:
        _flash_error(err)
    else:
        flash(_("已移出批次"), "success")
    return redirect(url_for(".batch", batch_id=batch_id))
