"""The Excel pages: upload → preview with row errors → commit; templates; ledger exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from webapp import policy
from webapp.downloads import xlsx_response
from webapp.errors import DomainError, NotFound
from webapp.extensions import db
from webapp.forms import csrf_failed, form_values, show_errors, ui_context
from webapp.imports import bp
from webapp.imports.forms import (
    BATCH_STATUS_LABELS,
    KIND_LABELS,
    ConfirmForm,
    DiscardForm,
    LedgerForm,
    UploadForm,
)
from webapp.security import accepts_upload
from webapp.services import imports, ledgers, reference
from webapp.services.scope import Actor


@bp.context_processor
def _context() -> dict[str, Any]:
    return {**ui_context(), "kind_labels": KIND_LABELS, "batch_status_labels": BATCH_STATUS_LABELS}


def _actor() -> Actor:
    actor = Actor.of(current_user)
    policy.require(actor, "create", "import_batch")
    return actor


def _upload_dir() -> Path:
    configured = current_app.config.get("IMPORT_UPLOAD_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "imports"


def _index(upload: UploadForm, ledger: LedgerForm, status: int = 200) -> tuple[str, int]:
    actor = _actor()
    regions = reference.region_options(policy.jurisdiction(actor))
    return render_template(
        "imports/index.html",
        upload=upload,
        ledger=ledger,
        batches=imports.list_batches(db.session, actor, per_page=10),
        regions=[(code, name) for code, name in regions if len(code) <= 9],
        columns={kind: imports.spec(kind).columns for kind in KIND_LABELS},
    ), status


@bp.route("/")
@login_required
def index() -> tuple[str, int]:
    return _index(UploadForm(kind=request.args.get("kind", "workers")), LedgerForm())


@bp.route("/import", methods=["POST"])
@accepts_upload
@login_required
def upload() -> tuple[str, int] | Response:
    actor = _actor()
    form = UploadForm()
    if not form.validate_on_submit():
        return _index(form, LedgerForm(), csrf_failed(form))
    storage = form.file.data
    if storage is None or not getattr(storage, "filename", ""):
        form.file.errors = [*form.file.errors, _("请选择要上传的文件")]
        return _index(form, LedgerForm(), 422)
    try:
        batch = imports.preview_upload(
            db.session,
            actor,
            form.kind.data or "",
            filename=storage.filename,
            content=storage.read(),
            upload_dir=_upload_dir(),
            ip=request.remote_addr or "",
        )
    except DomainError as err:
        return _index(form, LedgerForm(), show_errors(form, err))
    return redirect(url_for(".batch", batch_id=batch.id))


@bp.route("/batches/<int:batch_id>")
@login_required
def batch(batch_id: int) -> str:
    item = imports.get_batch(db.session, _actor(), batch_id)
    return render_template("imports/batch.html", batch=item, confirm=ConfirmForm(), discard=DiscardForm())


@bp.route("/batches/<int:batch_id>/commit", methods=["POST"])
@login_required
def commit(batch_id: int) -> Response:
    actor = _actor()
    if not ConfirmForm().validate_on_submit():
        flash(_("表单已过期或缺少安全令牌，请刷新页面后重试"), "error")
        return redirect(url_for(".batch", batch_id=batch_id))
    item = imports.commit_batch(db.session, actor, batch_id, ip=request.remote_addr or "")
    if item.status == "committed":
        flash(_("导入完成：新增 %(c)s 条，更新 %(u)s 条", c=item.created, u=item.updated), "success")
    else:
        flash(_("数据在校验后发生了变化，本次导入未写入任何数据，请查看错误"), "error")
    return redirect(url_for(".batch", batch_id=batch_id))


@bp.route("/batches/<int:batch_id>/discard", methods=["POST"])
@login_required
def discard(batch_id: int) -> Response:
    actor = _actor()
    if DiscardForm().validate_on_submit():
        imports.discard_batch(db.session, actor, batch_id)
        flash(_("已放弃该文件"), "info")
    return redirect(url_for(".index"))


@bp.route("/templates/<kind>.xlsx")
@login_required
def template(kind: str) -> Response:
    _actor()
    if kind not in KIND_LABELS:
        raise NotFound()
    return xlsx_response(imports.template_workbook(kind), f"{imports.spec(kind).title}导入模板.xlsx")


@bp.route("/ledgers", methods=["POST"])
@login_required
def ledger() -> tuple[str, int] | Response:
    actor = _actor()
    form = LedgerForm()
    if not form.validate_on_submit():
        return _index(UploadForm(), form, csrf_failed(form))
    try:
        export = ledgers.export_from_input(
            db.session, actor, form_values(form, ledgers.LEDGER_FIELDS), ip=request.remote_addr or ""
        )
    except DomainError as err:
        return _index(UploadForm(), form, show_errors(form, err))
    return xlsx_response(export.content, export.filename)
