"""Fair forms: raw input for ``services.fairs``, which validates it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField

from webapp.forms import Required

FAIR_STATUS_LABELS = {"planned": _l("筹备中"), "closed": _l("已结束"), "cancelled": _l("已取消")}


class FairForm(FlaskForm):
    name = StringField(_l("招聘会名称"), validators=[Required()], render_kw={"maxlength": 128})
    kind = SelectField(_l("招聘会类型"), validate_choice=False, validators=[Required()])
    date = StringField(_l("举办日期"), validators=[Required()], render_kw={"type": "date"})
    venue = StringField(_l("举办地点"), validators=[Required()], render_kw={"maxlength": 255})
    region_code = StringField(
        _l("主办地区（地区代码）"),
        validators=[Required()],
        render_kw={"list": "region-list", "autocomplete": "off"},
    )
    description = TextAreaField(_l("说明"), render_kw={"rows": 3})
    status = SelectField(_l("状态"), validate_choice=False, choices=list(FAIR_STATUS_LABELS.items()))
    submit = SubmitField(_l("保存"))

    SERVICE_FIELDS = ("name", "kind", "date", "venue", "region_code", "description", "status")
