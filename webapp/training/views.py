"""Training pages (培训机构接单): needs and heat map, courses, proposals and enrolment, attendance, results,
and the training ledger download."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from webapp import policy
from webapp.downloads import xlsx_response
from webapp.errors import DomainError
from webapp.extensions import db
from webapp.forms import (
    csrf_failed,
    form_ids,
    form_values,
    page_number,
    parse_form_ids,
    show_errors,
    ui_context,
)
from webapp.models.training import COURSE_STATUSES
from webapp.services import reference, training
from webapp.services.scope import Actor
from webapp.services.training import COURSE_FIELDS
from webapp.services.workers import Page
from webapp.training import bp
from webapp.training.forms import ActionForm, CourseForm, ResultForm

PER_PAGE = 20
PROPOSALS_PER_PAGE = 50
NEEDS_PER_PAGE = 50
COURSE_STATUS_LABELS = {"open": _l("报名/培训中"), "finished": _l("已结业"), "cancelled": _l("已取消")}
ENROLMENT_LABELS = {
    "enrolled": _l("在训"),
    "completed": _l("结业"),
    "failed": _l("未通过"),
    "withdrawn": _l("退出"),
}
SOURCE_LABELS = {
    "signup": _l("公开栏报名"),
    "wished": _l("本人意愿"),
    "near_miss": _l("差一证/技能"),
    "manual": _l("机构录入"),
}
VENUE_LABELS = {"base": _l("培训基地"), "point": _l("教学点")}
CLAIM_LABELS = {
    "submitted": _l("待审核"),
    "returned": _l("已退回"),
    "approved": _l("已批准"),
    "paid": _l("已支付"),
}


def _labels() -> dict[str, Any]:
    return {
        "course_status_labels": COURSE_STATUS_LABELS,
        "enrolment_labels": ENROLMENT_LABELS,
        "source_labels": SOURCE_LABELS,
        "venue_labels": VENUE_LABELS,
        "claim_labels": CLAIM_LABELS,
    }


bp.context_processor(ui_context)
bp.context_processor(_labels)


def _actor() -> Actor:
    return Actor.of(current_user)


def _region_arg() -> str:
    code = request.args.get("region_code", "").strip()
    return code if code in reference.region_names() else ""


def _occupation_arg() -> str:
    text = request.args.get("occupation", "").strip()[:64]
    return (reference.taxonomy().resolve(text) or "") if text else ""


# --- needs -----------------------------------------------------------------------------------------------------


@bp.route("/")
@login_required
def index() -> Response:
    policy.require(_actor(), "read", "training_need")
    return redirect(url_for(".needs"))


@bp.route("/needs")
@login_required
def needs() -> str:
    actor = _actor()
    region, occupation = _region_arg(), _occupation_arg()
    overview = training.needs_overview(
        db.session, actor, region_code=region or None, occupation=occupation or None
    )
    number = page_number()
    items = overview.needs[(number - 1) * NEEDS_PER_PAGE : number * NEEDS_PER_PAGE]
    page = Page(items, len(overview.needs), number, NEEDS_PER_PAGE)
    return render_template(
        "training/needs.html",
        overview=overview,
        page=page,
        filters={"region_code": region, "occupation": request.args.get("occupation", "").strip()[:64]},
        threshold=reference.scoring().qualified_threshold,
        occupations=reference.occupation_options(),
        regions=reference.region_options(),
    )


# --- courses ---------------------------------------------------------------------------------------------------


@bp.route("/courses")
@login_required
def courses() -> str:
    status = request.args.get("status", "").strip()
    status = status if status in COURSE_STATUSES else ""
    page = training.list_courses(
        db.session,
        _actor(),
        status=status or None,
        occupation=_occupation_arg() or None,
        page=page_number(),
        per_page=PER_PAGE,
    )
    return render_template(
        "training/courses.html",
        page=page,
        filters={"status": status, "occupation": request.args.get("occupation", "")},
    )


def _course_form_context(form: CourseForm, occupation_code: str | None, keep: list[int]) -> dict[str, Any]:
    form.job_order_ids.choices = [
        (str(i), Markup('<span translate="no">{}</span> · {}').format(description, _("招%(n)s人", n=wanted)))
        for i, description, wanted in training.linkable_order_parts(db.session, occupation_code, keep=keep)
    ]
    actor = _actor()
    return {
        "occupations": reference.occupation_options(),
        "regions": reference.region_options(policy.jurisdiction(actor, default=training.HOME_CITY)),
        "certificates": training.certificate_options(occupation_code) if occupation_code else [],
    }


@bp.route("/courses/new", methods=["GET", "POST"])
@login_required
def create_course() -> tuple[str, int] | Response:
    actor = _actor()
    policy.require(actor, "create", "course")
    form = CourseForm()
    if not form.is_submitted():
        code = _occupation_arg()
        if code:
            form.occupation.data = reference.occupation_name(code)
            form.title.data = _("%(name)s订单式培训班", name=reference.occupation_name(code))
            form.certificate_name.data = training.default_certificate(code)
        form.job_order_ids.data = [
            str(v) for v in parse_form_ids(request.args.getlist("job_order_id"), "job_order_id", max_items=50)
        ]
    code = reference.taxonomy().resolve(form.occupation.data or "") if form.occupation.data else None
    status = 200
    if form.validate_on_submit():
        try:
            course = training.create_course(db.session, actor, form_values(form, COURSE_FIELDS))
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("已开班：%(title)s", title=course.title), "success")
            return redirect(url_for(".course", course_id=course.id))
    elif form.is_submitted():
        status = csrf_failed(form)
    keep = [int(v) for v in (form.job_order_ids.data or []) if str(v).isdigit()]
    context = _course_form_context(form, code, keep)
    return render_template("training/course_form.html", form=form, course=None, **context), status


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@login_required
def edit_course(course_id: int) -> tuple[str, int] | Response:
    actor = _actor()
    course = training.get_course(db.session, actor, course_id)
    training.check_manage(actor, course)
    data = training.course_to_dict(db.session, course)
    data["occupation"] = data["occupation_name"]
    data["job_order_ids"] = [str(i) for i in data["job_order_ids"]]
    form = CourseForm(data=data)
    code = reference.taxonomy().resolve(form.occupation.data or "") if form.occupation.data else None
    status = 200
    if form.validate_on_submit():
        try:
            training.update_course(db.session, actor, course_id, form_values(form, COURSE_FIELDS))
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("已保存"), "success")
            return redirect(url_for(".course", course_id=course_id))
    elif form.is_submitted():
        status = csrf_failed(form)
    keep = [o.id for o in course.job_orders]
    context = _course_form_context(form, code, keep)
    return render_template("training/course_form.html", form=form, course=course, **context), status


@bp.route("/courses/<int:course_id>")
@login_required
def course(course_id: int) -> str:
    overview = training.course_overview(db.session, _actor(), course_id)
    return render_template(
        "training/course.html",
        o=overview,
        c=overview.course,
        action_form=ActionForm(),
        result_form=ResultForm(),
        today=date.today(),
        attendance_threshold=f"{round(training.course_rules()['attendance_threshold'] * 100)}%",
    )


@bp.route("/courses/<int:course_id>/proposals", methods=["GET", "POST"])
@login_required
def proposals(course_id: int) -> tuple[str, int] | Response:
    actor = _actor()
    form = ActionForm()
    status = 200
    if form.validate_on_submit():
        picks: dict[int, str] = {}
        for value in request.form.getlist("pick"):
            wid, _sep, source = value.partition(":")
            picks[parse_form_ids([wid], "worker_ids")[0]] = source
        try:
            rows = training.enrol(db.session, actor, course_id, picks)
        except DomainError as err:
            if not err.fields:
                raise
            flash("；".join([_(err.message), *err.fields.values()]), "error")
            status = err.status
        else:
            flash(_("已报名 %(n)s 人", n=len(rows)), "success")
            return redirect(url_for(".course", course_id=course_id))
    elif form.is_submitted():
        status = csrf_failed(form)
    course, proposed = training.propose_enrolees(
        db.session, actor, course_id, page=page_number(), per_page=PROPOSALS_PER_PAGE
    )
    return (
        render_template(
            "training/proposals.html",
            course=course,
            page=proposed,
            form=form,
            seats=training.seats_left(db.session, course),
        ),
        status,
    )


@bp.route("/courses/<int:course_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(course_id: int) -> tuple[str, int] | Response:
    actor = _actor()
    form = ActionForm()
    day_text = (request.form.get("day") if form.is_submitted() else request.args.get("day")) or ""
    status = 200
    if form.validate_on_submit():
        present = form_ids("present")
        try:
            n = training.record_attendance(db.session, actor, course_id, day_text, present)
        except DomainError as err:
            if not err.fields:
                raise
            flash("；".join([_(err.message), *err.fields.values()]), "error")
            status = err.status
        else:
            flash(_("已登记 %(day)s 考勤：出勤 %(n)s 人", day=day_text, n=n), "success")
            return redirect(url_for(".course", course_id=course_id))
    elif form.is_submitted():
        status = csrf_failed(form)
    overview = training.course_overview(db.session, actor, course_id)
    training.check_manage(actor, overview.course)
    day = _day(day_text) or (overview.days[-1] if overview.days else None)
    marks = training.attendance_sheet(db.session, overview.course, day) if day else {}
    return (
        render_template(
            "training/attendance.html", o=overview, c=overview.course, day=day, marks=marks, form=form
        ),
        status,
    )


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def confirmed() -> bool:
    """Whether the POST comes from the confirmation page of an irreversible step."""
    return request.form.get("confirmed") == "1"


def confirmation_page(
    confirmation: training.Confirmation, action: str, back: str, hidden: dict[str, Any] | None = None
) -> str:
    """The summary of what an irreversible step will do, with its confirm button (no JavaScript needed)."""
    return render_template(
        "training/confirm.html", confirmation=confirmation, action=action, back=back, hidden=hidden or {}
    )


RESULT_FIELDS = ("outcome", "certificate_number", "certificate_issuer", "certified_on", "on")


@bp.route("/enrolments/<int:enrolment_id>/result", methods=["POST"])
@login_required
def result(enrolment_id: int) -> Response | str:
    actor = _actor()
    form = ResultForm()
    enrolment = training.get_enrolment(db.session, actor, enrolment_id)
    back = url_for(".course", course_id=enrolment.course_id)
    if not form.validate_on_submit():
        flash(_("表单已过期或缺少安全令牌，请刷新页面后重试"), "error")
        return redirect(back)
    values = {name: getattr(form, name).data or "" for name in RESULT_FIELDS}
    try:
        if not confirmed():
            summary = training.result_preview(db.session, actor, enrolment_id, **values)
            return confirmation_page(summary, url_for(".result", enrolment_id=enrolment_id), back, values)
        outcome = training.record_result(db.session, actor, enrolment_id, **values)
    except DomainError as err:
        if err.status in (403, 404):
            raise
        flash("；".join([_(err.message), *err.fields.values()]), "error")
        return redirect(back)
    name = outcome.enrolment.worker.name
    message = _("已登记 %(name)s：%(outcome)s", name=name, outcome=ENROLMENT_LABELS[outcome.enrolment.status])
    if outcome.enrolment.certificate_number:
        message += _("，证书 %(number)s", number=outcome.enrolment.certificate_number)
    for order, rank in outcome.ranks:
        if rank is None:
            message += _("；岗位“%(t)s”：暂未进入推荐名单", t=order.title)
        else:
            message += _("；岗位“%(t)s”：重新匹配排第 %(r)s 名", t=order.title, r=rank)
    flash(message, "success")
    return redirect(back)


@bp.route("/courses/<int:course_id>/finish", methods=["POST"])
@login_required
def finish(course_id: int) -> Response | str:
    form = ActionForm()
    back = url_for(".course", course_id=course_id)
    if form.validate_on_submit() and not confirmed():
        try:
            summary = training.finish_preview(db.session, _actor(), course_id)
        except DomainError as err:
            if err.status in (403, 404):
                raise
            flash("；".join([_(err.message), *err.fields.values()]), "error")
            return redirect(back)
        return confirmation_page(summary, url_for(".finish", course_id=course_id), back)
    return _course_action(course_id, training.finish_course, _("课程已结业，可以申请培训补贴"))


@bp.route("/courses/<int:course_id>/cancel", methods=["POST"])
@login_required
def cancel(course_id: int) -> Response:
    return _course_action(course_id, training.cancel_course, _("课程已取消"))


def _course_action(course_id: int, action: Any, done: str) -> Response:
    form = ActionForm()
    if not form.validate_on_submit():
        flash(_("表单已过期或缺少安全令牌，请刷新页面后重试"), "error")
    else:
        try:
            action(db.session, _actor(), course_id)
        except DomainError as err:
            if err.status in (403, 404):
                raise
            flash("；".join([_(err.message), *err.fields.values()]), "error")
        else:
            flash(done, "success")
    return redirect(url_for(".course", course_id=course_id))


@bp.route("/ledger.xlsx")
@login_required
def ledger() -> Response:
    data = training.training_ledger(db.session, _actor(), ip=request.remote_addr or "")
    return xlsx_response(data, f"培训台账-{date.today().isoformat()}.xlsx")
