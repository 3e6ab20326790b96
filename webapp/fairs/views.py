"""Fair pages: each view parses the request, calls one service and renders (errors come back as pages)."""

from __future__ import annotations

from datetime import date
from typing import Any

import segno
from flask import (
    Response,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from webapp import policy
from webapp.downloads import xlsx_response
from webapp.errors import DomainError
from webapp.extensions import db
from webapp.fairs import bp
from webapp.fairs.charts import grouped_bars
from webapp.fairs.forms import FAIR_STATUS_LABELS, FairForm
from webapp.forms import csrf_failed, form_ids, form_values, page_number, query_int, show_errors, ui_context
from webapp.services import fairs, reference, shortlists
from webapp.services.fairs import ANSWER_LABELS, OUTCOME_LABELS, REPORT_COLUMNS, REPORT_LABELS
from webapp.services.scope import Actor
from webapp.workers.forms import WorkerForm

PER_PAGE = 20


@bp.context_processor
def _context() -> dict[str, Any]:
    return {
        **ui_context(),
        "fair_kinds": fairs.fair_kinds(),
        "fair_status_labels": FAIR_STATUS_LABELS,
        "answer_labels": ANSWER_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "today": date.today(),
    }


def _actor() -> Actor:
    return Actor.of(current_user)


def _ip() -> str:
    return request.remote_addr or ""


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _back(fair_id: int, endpoint: str = ".detail", **values: Any) -> Response:
    return redirect(url_for(endpoint, fair_id=fair_id, **values))


def _flash_error(err: DomainError) -> None:
    detail = "；".join(_(m) for m in err.fields.values())
    flash(_(err.message) + (f"（{detail}）" if detail else ""), "danger")


# --- fairs ------------------------------------------------------------------------------------------------


@bp.route("/")
@login_required
def index() -> str:
    page_no = page_number()
    upcoming = request.args.get("upcoming") == "1"
    page = fairs.list_fairs(db.session, _actor(), upcoming=upcoming, page=page_no, per_page=PER_PAGE)
    return render_template("fairs/index.html", page=page, upcoming=upcoming)


def _fair_form(form: FairForm, creating: bool) -> None:
    form.kind.choices = list(fairs.fair_kinds().items())
    if creating:
        del form.status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> tuple[str, int] | Response:
    actor = _actor()
    policy.require(actor, "create", "fair")
    form = FairForm(data={"region_code": actor.region_code or ""})
    _fair_form(form, creating=True)
    status = 200
    if form.validate_on_submit():
        try:
            fair = fairs.create_fair(db.session, actor, form_values(form, FairForm.SERVICE_FIELDS))
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("招聘会已创建"), "success")
            return _back(fair.id)
    elif form.is_submitted():
        status = csrf_failed(form)
    regions = reference.region_options(policy.jurisdiction(actor))
    return render_template("fairs/form.html", form=form, fair=None, regions=regions), status


@bp.route("/<int:fair_id>/edit", methods=["GET", "POST"])
@login_required
def edit(fair_id: int) -> tuple[str, int] | Response:
    actor = _actor()
    fair = fairs.get_fair(db.session, actor, fair_id)
    fairs.check_manage(actor, fair)
    data = {name: getattr(fair, name) for name in FairForm.SERVICE_FIELDS}
    data["date"] = fair.date.isoformat()
    form = FairForm(data=data)
    _fair_form(form, creating=False)
    status = 200
    if form.validate_on_submit():
        try:
            fairs.update_fair(db.session, actor, fair_id, form_values(form, FairForm.SERVICE_FIELDS))
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("招聘会已保存"), "success")
            return _back(fair_id)
    elif form.is_submitted():
        status = csrf_failed(form)
    regions = reference.region_options(policy.jurisdiction(actor))
    return render_template("fairs/form.html", form=form, fair=fair, regions=regions), status


@bp.route("/<int:fair_id>")
@login_required
def detail(fair_id: int) -> str:
    actor = _actor()
    fair = fairs.get_fair(db.session, actor, fair_id)
    own_orders = fairs.joinable_orders(db.session, actor, fair.id)
    return render_template(
        "fairs/detail.html",
        fair=fair,
        manage=fairs.may_manage(actor, fair),
        orders=fairs.fair_orders(db.session, fair.id),
        booths=fairs.booths_of(db.session, fair.id),
        participants=fairs.participants(db.session, actor, fair.id),
        own_orders=own_orders,
    )


@bp.post("/<int:fair_id>/orders")
@login_required
def add_orders(fair_id: int) -> Response:
    raw = request.form.get("job_order_ids", "")
    ids = [part for part in raw.replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if part]
    try:
        fairs.add_job_orders(db.session, _actor(), fair_id, {"job_order_ids": ids})
    except DomainError as err:
        if not err.fields:
            raise
        _flash_error(err)
    else:
        flash(_("岗位已加入招聘会"), "success")
    return _back(fair_id)


@bp.post("/<int:fair_id>/orders/<int:job_order_id>/remove")
@login_required
def remove_order(fair_id: int, job_order_id: int) -> Response:
    fairs.remove_job_order(db.session, _actor(), fair_id, job_order_id)
    flash(_("岗位已移出招聘会"), "success")
    return _back(fair_id)


@bp.post("/<int:fair_id>/join")
@login_required
def join(fair_id: int) -> Response:
    try:
        fairs.request_to_join(
            db.session,
            _actor(),
            fair_id,
            request.form.getlist("job_order_ids"),
            note=request.form.get("note", ""),
        )
    except DomainError as err:
        if not err.fields:
            raise
        _flash_error(err)
    else:
        flash(_("参会申请已提交，等待人社部门审核"), "success")
    return _back(fair_id)


@bp.post("/participants/<int:participant_id>/decide")
@login_required
def decide(participant_id: int) -> Response:
    approve = request.form.get("decision") == "approve"
    try:
        part = fairs.decide_request(
            db.session, _actor(), participant_id, approve=approve, booth=request.form.get("booth", "")
        )
    except DomainError as err:
        if not err.fields:
            raise
        _flash_error(err)
        return redirect(request.referrer or url_for(".index"))
    flash(_("已批准参会") if approve else _("已拒绝参会申请"), "success")
    return _back(part.fair_id)


@bp.post("/participants/<int:participant_id>/booth")
@login_required
def booth(participant_id: int) -> Response:
    try:
        part = fairs.assign_booth(db.session, _actor(), participant_id, request.form.get("booth", ""))
    except DomainError as err:
        if not err.fields:
            raise
        _flash_error(err)
        return redirect(request.referrer or url_for(".index"))
    flash(_("展位已保存"), "success")
    return _back(part.fair_id)


@bp.post("/<int:fair_id>/booths")
@login_required
def booths(fair_id: int) -> Response:
    plan = {key[len("booth-") :]: value for key, value in request.form.items() if key.startswith("booth-")}
    try:
        fairs.assign_booths(db.session, _actor(), fair_id, plan)
    except DomainError as err:
        if not err.fields:
            raise
        _flash_error(err)
    else:
        flash(_("展位已保存"), "success")
    return _back(fair_id)


# --- shortlists ---------------------------------------------------------------------------------------------


@bp.route("/<int:fair_id>/shortlists")
@login_required
def shortlist_page(fair_id: int) -> str:
    actor = _actor()
    fair, lists = shortlists.shortlists(db.session, actor, fair_id)
    left = shortlists.left_out(db.session, actor, fair_id)
    left_by_order: dict[int, list[Any]] = {}
    for row in left:
        left_by_order.setdefault(row.job_order_id, []).append(row)
    defaults = fairs.shortlist_defaults()
    manage = fairs.may_manage(actor, fair)
    invited = (shown.entry.worker_id for _order, entries in lists for shown in entries)
    return render_template(
        "fairs/shortlists.html",
        fair=fair,
        lists=lists,
        left_by_order=left_by_order,
        manage=manage,
        away=fairs.away_workers(db.session, fair.id, invited) if manage else {},
        booths=fairs.booths_of(db.session, fair.id),
        per_order=fair.per_order or defaults["per_order"],
        max_invitations=fair.max_invitations_per_worker or defaults["max_invitations_per_worker"],
    )


@bp.post("/<int:fair_id>/shortlists")
@login_required
def build(fair_id: int) -> Response:
    data = {k: request.form.get(k, "") for k in ("per_order", "max_invitations_per_worker")}
    try:
        result = shortlists.build_shortlists(db.session, _actor(), fair_id, data)
    except DomainError as err:
        if not err.fields:
            raise
        _flash_error(err)
    else:
        flash(
            _(
                "已生成邀约名单：%(invitations)s 个邀约（保留手工固定 %(pinned)s 个），%(left)s 名符合条件者未获邀约",
                invitations=result.invitations,
                pinned=result.pinned,
                left=result.left_out,
            ),
            "success",
        )
    return _back(fair_id, ".shortlist_page")


@bp.post("/<int:fair_id>/shortlists/add")
@login_required
def add_entry(fair_id: int) -> Response:
    try:
        shortlists.add_entry(
            db.session, _actor(), fair_id, request.form.get("job_order_id"), request.form.get("worker_id")
        )
    except DomainError as err:
        if not err.fields:
            raise
        _flash_error(err)
    else:
        flash(_("已加入邀约名单（手工固定）"), "success")
    return _back(fair_id, ".shortlist_page")


@bp.post("/entries/<int:entry_id>/<any(pin, unpin, remove):action>")
@login_required
def entry_action(entry_id: int, action: str) -> Response:
    actor = _actor()
    fair_id = fairs.entry_fair_id(db.session, entry_id)
    if action == "remove":
        shortlists.remove_entry(db.session, actor, entry_id)
        flash(_("已移出邀约名单"), "success")
    else:
        shortlists.set_pinned(db.session, actor, entry_id, action == "pin")
        flash(_("已固定") if action == "pin" else _("已取消固定"), "success")
    return _back(fair_id, ".shortlist_page")


# --- invitation lists per village ---------------------------------------------------------------------------


@bp.route("/<int:fair_id>/invitations")
@login_required
def invitations(fair_id: int) -> Response:
    actor = _actor()
    fair = fairs.get_fair(db.session, actor, fair_id)
    village = request.args.get("village", "").strip() or None
    summary = fairs.villages(db.session, actor, fair_id)
    rows = fairs.invitation_list(db.session, actor, fair_id, village, ip=_ip()) if village else []
    html = render_template(
        "fairs/invitations.html",
        fair=fair,
        villages=summary,
        village=village,
        rows=rows,
        answers=ANSWER_LABELS,
    )
    resp = make_response(html)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/<int:fair_id>/invitations.xlsx")
@login_required
def invitations_xlsx(fair_id: int) -> Response:
    village = request.args.get("village", "").strip() or None
    content = fairs.invitation_xlsx(db.session, _actor(), fair_id, village, ip=_ip())
    return xlsx_response(content, f"fair-{fair_id}-invitations{'-' + village if village else ''}.xlsx")


@bp.post("/invitations/<int:entry_id>/contact")
@login_required
def contact(entry_id: int) -> Response:
    data = {
        "reached": request.form.get("reached", ""),
        "answer": request.form.get("answer", ""),
        "note": request.form.get("note", ""),
    }
    fair_id = fairs.entry_fair_id(db.session, entry_id)
    try:
        entry = fairs.record_contact(db.session, _actor(), entry_id, data)
    except DomainError as err:
        if not err.fields:
            raise
        _flash_error(err)
        return redirect(request.referrer or url_for(".invitations", fair_id=fair_id))
    flash(_("已记录联系情况"), "success")
    return _back(fair_id, ".invitations", village=entry.worker.region_code)


def _qr(url: str) -> Markup:
    return Markup(segno.make(url, error="m").svg_inline(scale=3, title=_("签到二维码")))


@bp.route("/<int:fair_id>/letters")
@login_required
def letters(fair_id: int) -> Response:
    village = request.args.get("village", "").strip() or None
    worker_id = query_int("worker")
    fair, found = fairs.invitation_letters(
        db.session, _actor(), fair_id, _secret(), village_code=village, worker_id=worker_id
    )
    qr = {
        letter.worker.id: _qr(url_for(".check_in_token", fair_id=fair.id, token=letter.token, _external=True))
        for letter in found
    }
    resp = make_response(
        render_template(
            "fairs/letters.html", fair=fair, letters=found, qr=qr, booths=fairs.booths_of(db.session, fair.id)
        )
    )
    resp.headers["Cache-Control"] = "no-store"
    return resp


# --- fair day ------------------------------------------------------------------------------------------------


@bp.route("/<int:fair_id>/checkin")
@login_required
def check_in_page(fair_id: int) -> tuple[str, int]:
    actor = _actor()
    fair = fairs.get_fair(db.session, actor, fair_id)
    query = request.args.get("q", "").strip()
    found: list[Any] = []
    error = ""
    status = 200
    if query:
        try:
            found = fairs.find_for_check_in(db.session, actor, fair_id, query, secret_key=_secret())
        except DomainError as err:
            if not err.fields:
                raise
            error, status = _(err.message), err.status
    total, recent = fairs.check_ins(db.session, actor, fair_id, limit=30)
    checked = fairs.checked_in_ids(db.session, fair_id, [w.id for w in found])
    return (
        render_template(
            "fairs/checkin.html",
            fair=fair,
            query=query,
            found=found,
            checked=checked,
            error=error,
            total=total,
            recent=recent,
        ),
        status,
    )


@bp.post("/<int:fair_id>/checkin/<int:worker_id>")
@login_required
def check_in(fair_id: int, worker_id: int) -> Response:
    method = request.form.get("method", "list")
    try:
        _row, created = fairs.check_in(
            db.session,
            _actor(),
            fair_id,
            worker_id,
            method=method,
            override_reason=request.form.get("override_reason"),
        )
    except DomainError as err:
        if "override_reason" not in err.fields:  # the fair-day rule: say so on the check-in page
            raise
        _flash_error(err)
        return _back(fair_id, ".check_in_page")
    flash(_("签到成功") if created else _("此人已签到"), "success" if created else "info")
    return _back(fair_id, ".check_in_page")


@bp.route("/<int:fair_id>/checkin/t/<token>", methods=["GET", "POST"])
@login_required
def check_in_token(fair_id: int, token: str) -> Response | str:
    actor = _actor()
    fair = fairs.get_fair(db.session, actor, fair_id)
    if request.method == "POST":
        try:
            _row, created = fairs.check_in_by_token(
                db.session,
                actor,
                fair_id,
                token,
                secret_key=_secret(),
                override_reason=request.form.get("override_reason"),
            )
        except DomainError as err:
            if "override_reason" not in err.fields:  # the fair-day rule: say so on the check-in page
                raise
            _flash_error(err)
            return _back(fair_id, ".check_in_page")
        flash(_("签到成功") if created else _("此人已签到"), "success" if created else "info")
        return _back(fair_id, ".check_in_page")
    found = fairs.find_for_check_in(db.session, actor, fair_id, f"/{token}", secret_key=_secret())
    return render_template("fairs/checkin_token.html", fair=fair, worker=found[0], token=token)


@bp.route("/<int:fair_id>/walk-in", methods=["GET", "POST"])
@login_required
def walk_in(fair_id: int) -> tuple[str, int] | Response:
    actor = _actor()
    fair = policy.require(actor, "check_in", fairs.get_fair(db.session, actor, fair_id))
    policy.require(actor, "create", "worker")
    form = WorkerForm()
    del form.status
    status = 200
    if form.validate_on_submit():
        data = {k: form[k].data for k in fairs.WALK_IN_FIELDS if k in form}
        try:
            worker, created = fairs.register_walk_in(
                db.session, actor, fair_id, data, override_reason=request.form.get("override_reason")
            )
        except DomainError as err:
            status = show_errors(form, err)
        else:
            message = (
                _("已登记并签到：%(name)s", name=worker.name)
                if created
                else _("此人已登记，已为其签到：%(name)s", name=worker.name)
            )
            flash(message, "success")
            return _back(fair_id, ".check_in_page")
    elif form.is_submitted():
        status = csrf_failed(form)
    regions = reference.region_options(policy.jurisdiction(actor))
    return render_template("fairs/walk_in.html", fair=fair, form=form, regions=regions), status


@bp.route("/<int:fair_id>/booths/<int:job_order_id>")
@login_required
def booth_page(fair_id: int, job_order_id: int) -> str:
    fair, order, rows, arrivals = fairs.booth_sheet(db.session, _actor(), fair_id, job_order_id)
    return render_template(
        "fairs/booth.html",
        fair=fair,
        order=order,
        rows=rows,
        arrivals=arrivals,
        booths=fairs.booths_of(db.session, fair.id),
    )


@bp.post("/<int:fair_id>/booths/<int:job_order_id>/outcome")
@login_required
def outcome(fair_id: int, job_order_id: int) -> Response:
    worker_id = next(iter(form_ids("worker_id")), 0)
    try:
        fairs.record_outcome(
            db.session,
            _actor(),
            fair_id,
            job_order_id,
            worker_id,
            request.form.get("outcome"),
            override_reason=request.form.get("override_reason"),
        )
    except DomainError as err:
        if not err.fields:
            raise
        _flash_error(err)
    else:
        flash(_("已记录面试结果"), "success")
    return _back(fair_id, ".booth_page", job_order_id=job_order_id)


# --- report -------------------------------------------------------------------------------------------------


@bp.route("/<int:fair_id>/report")
@login_required
def report(fair_id: int) -> str:
    result = fairs.fair_report(db.session, _actor(), fair_id)
    series = [_(REPORT_LABELS[c]) for c in REPORT_COLUMNS]
    charts = {
        "county": grouped_bars(
            [(r.label, r.values()) for r in result.by_county], series, title=_("按县区统计")
        ),
        "employer": grouped_bars(
            [(r.label, r.values()) for r in result.by_employer[:20]], series, title=_("按企业统计")
        ),
    }
    return render_template(
        "fairs/report.html", report=result, charts=charts, columns=REPORT_COLUMNS, column_labels=REPORT_LABELS
    )


@bp.route("/<int:fair_id>/report.xlsx")
@login_required
def report_xlsx(fair_id: int) -> Response:
    content = fairs.report_xlsx(db.session, _actor(), fair_id, ip=_ip())
    return xlsx_response(content, f"fair-{fair_id}-report.xlsx")
