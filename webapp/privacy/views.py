"""Privacy pages: the audit log (filter, pages, .xlsx export); erasure and purge requests and their approval."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from webapp import policy
from webapp.account.forms import ActionForm
from webapp.downloads import xlsx_response
from webapp.errors import ValidationError
from webapp.extensions import db
from webapp.forms import page_number
from webapp.privacy import bp
from webapp.privacy.forms import ErasureRequestForm, PurgeRequestForm
from webapp.security import client_ip
from webapp.services import audit_log, privacy
from webapp.services.scope import Actor
from webapp.services.validation import FieldError, parse_date, parse_int


def _actor() -> Actor:
    return Actor.of(current_user)


@bp.route("/audit")
@login_required
def audit() -> tuple[str, int]:
    actor = _actor()
    actions = audit_log.actions(db.session, actor)
    try:
        flt = audit_log.parse_filter(request.args)
    except ValidationError as err:
        return render_template(
            "privacy/audit.html", page=None, flt=None, actions=actions, errors=err.fields
        ), 422
    page = audit_log.search(db.session, actor, flt, page=min(page_number(), 1_000_000))
    return render_template("privacy/audit.html", page=page, flt=flt, actions=actions, errors={}), 200


@bp.route("/audit.xlsx")
@login_required
def audit_export() -> Response:
    actor = _actor()
    flt = audit_log.parse_filter(request.args)
    data = audit_log.export(db.session, actor, flt, ip=client_ip())
    return xlsx_response(data, f"审计日志-{date.today():%Y%m%d}.xlsx")


@bp.route("/requests")
@login_required
def requests() -> str:
    actor = _actor()
    return render_template(
        "privacy/requests.html",
        rows=privacy.list_requests(db.session, actor),
        erase_form=ErasureRequestForm(),
        purge_form=PurgeRequestForm(),
        form=ActionForm(),
        may_request_purge=policy.can(actor, "purge", "privacy_request"),
    )


@bp.route("/requests/erase", methods=["POST"])
@login_required
def request_erase() -> Response:
    form = ErasureRequestForm()
    if not form.validate_on_submit():
        return _expired_form()
    try:
        worker_id = parse_int(form.worker_id.data, required=True, minimum=1, maximum=2_147_483_647)
    except FieldError as err:
        raise ValidationError(str(err), fields={"worker_id": str(err)}) from None
    privacy.request_erasure(
        db.session, _actor(), worker_id or 0, reason=form.reason.data or "", ip=client_ip()
    )
    flash(_("注销申请已提交，须由另一位管理员审批后执行"), "success")
    return redirect(url_for(".requests"))


@bp.route("/requests/purge", methods=["POST"])
@login_required
def request_purge() -> Response:
    form = PurgeRequestForm()
    if not form.validate_on_submit():
        return _expired_form()
    try:
        as_of = parse_date(form.as_of.data, required=True)
    except FieldError as err:
        raise ValidationError(str(err), fields={"as_of": str(err)}) from None
    privacy.request_purge(db.session, _actor(), as_of=as_of or date.today(), ip=client_ip())
    flash(_("清理申请已提交，须由另一位管理员审批后执行"), "success")
    return redirect(url_for(".requests"))


@bp.route(
    "/requests/<int(min=1, max=2147483647):request_id>/<any(approve, reject):decision>", methods=["POST"]
)
@login_required
def decide(request_id: int, decision: str) -> Response:
    if not ActionForm().validate_on_submit():
        return _expired_form()
    privacy.decide(db.session, _actor(), request_id, approve=decision == "approve", ip=client_ip())
    flash(_("已批准并执行") if decision == "approve" else _("已驳回"), "success")
    return redirect(url_for(".requests"))


def _expired_form() -> Response:
    flash(_("表单已过期或缺少安全令牌，请刷新页面后重试"), "danger")
    return redirect(url_for(".requests"))
