"""Labour-cooperation forms: raw input for ``services.cooperation``, which validates it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField

from webapp.forms import Required

REGION = {"list": "region-list", "autocomplete": "off"}


class AgreementForm(FlaskForm):
    name = StringField(_l("协议名称"), validators=[Required()], render_kw={"maxlength": 128})
    partner_region_code = StringField(_l("合作地区（地区代码）"), validators=[Required()], render_kw=REGION)
    partner_name = StringField(_l("合作单位"), render_kw={"maxlength": 128})
    contact_name = StringField(_l("联系人"), render_kw={"maxlength": 64})
    contact_phone = StringField(
        _l("联系电话（手机或固定电话）"), render_kw={"inputmode": "tel", "maxlength": 24}
    )
    starts_on = StringField(_l("开始日期"), render_kw={"type": "date"})
    ends_on = StringField(_l("结束日期"), render_kw={"type": "date"})
    region_code = StringField(_l("输出地区（地区代码）"), validators=[Required()], render_kw=REGION)
    note = TextAreaField(_l("备注"), render_kw={"rows": 3})
    submit = SubmitField(_l("保存"))

    SERVICE_FIELDS = (
        "name",
        "partner_region_code",
        "partner_name",
        "contact_name",
        "contact_phone",
        "starts_on",
        "ends_on",
        "region_code",
        "note",
    )
