"""Upload, commit and ledger-export forms of the Excel pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, SubmitField

from webapp.forms import Required

KIND_LABELS = {"workers": _l("求职人员"), "employers": _l("用工企业"), "job-orders": _l("岗位订单")}
LEDGER_LABELS = {"employment": _l("就业台账"), "training": _l("培训台账"), "follow-ups": _l("跟踪回访台账")}
BATCH_STATUS_LABELS = {
    "previewed": _l("已校验，待确认"),
    "refused": _l("校验未通过"),
    "committed": _l("已导入"),
    "discarded": _l("已放弃"),
}


class UploadForm(FlaskForm):
    kind = SelectField(_l("导入内容"), validate_choice=False, choices=list(KIND_LABELS.items()))
    file = FileField(
        _l("Excel（.xlsx）或 CSV 文件"), validators=[Required()], render_kw={"accept": ".xlsx,.csv"}
    )
    submit = SubmitField(_l("上传并校验"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("确认导入"))


class DiscardForm(FlaskForm):
    submit = SubmitField(_l("放弃"))


class LedgerForm(FlaskForm):
    kind = SelectField(_l("台账"), validate_choice=False, choices=list(LEDGER_LABELS.items()))
    region_code = StringField(_l("地区（代码）"), render_kw={"list": "region-list", "autocomplete": "off"})
    date_from = StringField(_l("开始日期"), render_kw={"type": "date"})
    date_to = StringField(_l("结束日期"), render_kw={"type": "date"})
    full_ids = BooleanField(_l("导出完整的身份证号码和手机号码（记入审计日志）"))
    submit = SubmitField(_l("导出 Excel"))
