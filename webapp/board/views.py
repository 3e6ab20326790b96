"""Board pages: the public list of jobs and courses (no login, phone first), the sign-up form, and the staff
page that confirms or rejects sign-ups."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from webapp.board import bp
from webapp.board.forms import ActionForm, RejectForm, SignupForm
from webapp.errors import DomainError
from webapp.extensions import db
from webapp.forms import csrf_failed, form_values, page_number, query_int, show_errors, ui_context
from webapp.services import board, reference, signup
from webapp.services.scope import Actor
from webapp.services.signup import SIGNUP_FIELDS, TooManyRequests

bp.context_processor(ui_context)

SCOPE_LABELS = {"local": _l("本市"), "province": _l("省内其他市"), "cross": _l("省外（跨省）")}
VENUE_LABELS = {"base": _l("培训基地"), "point": _l("教学点")}
FIELD_LABELS = {
    "name": _l("姓名"),
    "phone": _l("手机号码"),
    "region_code": _l("所在地"),
    "skills": _l("技能"),
    "desired_training": _l("培训意愿"),
    "desired_occupations": _l("求职意向"),
    "mobility": _l("外出意愿"),
}


def _job_filters() -> dict[str, Any]:
    """The board's filters from the query string; a value that makes no sense is ignored, never an error."""
    args = request.args
    wage = query_int("wage", maximum=1_000_000)
    region = args.get("region_code", "").strip()
    route = args.get("route", "").strip()
    scope = args.get("scope", "").strip()
    return {
        "q": args.get("q", "").strip()[:64],
        "occupation": args.get("occupation", "").strip()[:64],
        "region_code": region if region in reference.region_names() else "",
        "wage": wage if wage in board.WAGE_STEPS else None,
        "route": route if route in reference.routes() else "",
        "scope": scope if scope in board.SCOPES else "",
    }


def _board_context() -> dict[str, Any]:
    return {
        "options": board.filter_options(db.session),
        "scope_labels": SCOPE_LABELS,
        "wage_steps": board.WAGE_STEPS,
        "venue_labels": VENUE_LABELS,
    }


@bp.route("/")
def index() -> str:
    filters = _job_filters()
    page = board.list_jobs(
        db.session,
        q=filters["q"],
        occupation=filters["occupation"] or None,
        region_code=filters["region_code"] or None,
        wage=filters["wage"],
        route=filters["route"] or None,
        scope=filters["scope"] or None,
        page=page_number(),
    )
    return render_template("board/index.html", page=page, filters=filters, tab="jobs", **_board_context())


@bp.route("/courses")
def courses() -> str:
    filters = _job_filters()
    page = board.list_courses(
        db.session,
        q=filters["q"],
        occupation=filters["occupation"] or None,
        region_code=filters["region_code"] or None,
        page=page_number(),
    )
    return render_template(
        "board/courses.html", page=page, filters=filters, tab="courses", **_board_context()
    )


@bp.route("/jobs/<int:order_id>")
def job(order_id: int) -> str:
    return render_template("board/job.html", job=board.get_job(db.session, order_id))


@bp.route("/courses/<int:course_id>")
def course(course_id: int) -> str:
    return render_template(
        "board/course.html", course=board.get_course(db.session, course_id), venue_labels=VENUE_LABELS
    )


def _rate_limit() -> tuple[int, int]:
    limit = int(current_app.config.get("SIGNUP_RATE_LIMIT", signup.RATE_LIMIT))
    window = int(current_app.config.get("SIGNUP_RATE_WINDOW", signup.RATE_WINDOW_SECONDS))
    return limit, window


@bp.route("/signup", methods=["GET", "POST"])
def signup_form() -> tuple[str, int] | Response:
    form = SignupForm()
    if not form.is_submitted():
        form.job_order_id.data = request.args.get("job_order_id", "", type=str)[:10]
        form.course_id.data = request.args.get("course_id", "", type=str)[:10]
    target = _signup_target(form)
    status = 200
    if form.validate_on_submit():
        limit, window = _rate_limit()
        try:
            signup.submit_signup(
                db.session,
                form_values(form, SIGNUP_FIELDS),
                client=request.remote_addr or "unknown",
                limit=limit,
                window_seconds=window,
            )
        except TooManyRequests as err:
            form.form_errors.append(_(err.message))
            status = err.status
        except DomainError as err:
            if err.fields:
                status = show_errors(form, err)
            else:  # the job or course left the board meanwhile
                form.form_errors.append(_(err.message))
                status = err.status
        else:
            return redirect(url_for(".signup_done"))
    elif form.is_submitted():
        status = csrf_failed(form)
    return (
        render_template("board/signup.html", form=form, target=target, regions=board.signup_regions()),
        status,
    )


def _signup_target(form: SignupForm) -> Any:
    """The job or course being signed up for, shown above the form (None when it is not on the board)."""
    try:
        if form.job_order_id.data:
            return ("job", board.get_job(db.session, int(form.job_order_id.data)))
        if form.course_id.data:
            return ("course", board.get_course(db.session, int(form.course_id.data)))
    except (ValueError, DomainError):
        return None
    return None


@bp.route("/privacy")
def privacy() -> str:
    """The privacy notice the sign-up form links to: what is kept, who sees it, and consent."""
    return render_template("board/privacy.html")


@bp.route("/signup/done")
def signup_done() -> str:
    return render_template("board/signup_done.html")


# --- staff: confirm sign-ups -----------------------------------------------------------------------------------


@bp.route("/signups")
@login_required
def signups() -> str:
    actor = Actor.of(current_user)
    page = signup.list_pending(db.session, actor, page=page_number(), per_page=20)
    rows = [
        (r, signup.request_summary(r), signup.changes(r) if r.kind == "update" else []) for r in page.items
    ]
    return render_template(
        "board/signups.html",
        page=page,
        rows=rows,
        action_form=ActionForm(),
        reject_form=RejectForm(),
        field_labels=FIELD_LABELS,
    )


@bp.route("/signups/<int:request_id>/confirm", methods=["POST"])
@login_required
def confirm(request_id: int) -> Response:
    form = ActionForm()
    if not form.validate_on_submit():
        flash(_("表单已过期或缺少安全令牌，请刷新页面后重试"), "error")
        return redirect(url_for(".signups"))
    worker = signup.confirm(db.session, Actor.of(current_user), request_id)
    flash(_("已确认：%(name)s", name=worker.name), "success")
    return redirect(url_for(".signups"))


@bp.route("/signups/<int:request_id>/reject", methods=["POST"])
@login_required
def reject(request_id: int) -> Response:
    form = RejectForm()
    if not form.validate_on_submit():
        flash(_("表单已过期或缺少安全令牌，请刷新页面后重试"), "error")
        return redirect(url_for(".signups"))
    try:
        signup.reject(db.session, Actor.of(current_user), request_id, form.reason.data)
    except DomainError as err:
        if not err.fields:
            raise
        flash(_(err.fields.get("reason", err.message)), "error")
    else:
        flash(_("已标记为不通过"), "info")
    return redirect(url_for(".signups"))
