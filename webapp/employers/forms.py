"""The employer form: raw input for ``services.employers``, which validates it (USCC check digit included)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField

from webapp.forms import Required


class EmployerForm(FlaskForm):
    name = StringField(_l("企业名称"), validators=[Required()], render_kw={"maxlength": 128})
    uscc = StringField(
        _l("统一社会信用代码"), validators=[Required()], render_kw={"maxlength": 18, "autocomplete": "off"}
    )
    region_code = StringField(
        _l("所在地（地区代码）"),
        validators=[Required()],
        render_kw={"list": "region-list", "autocomplete": "off"},
    )
    contact_name = StringField(_l("联系人"), render_kw={"maxlength": 64})
    contact_phone = StringField(
        _l("联系电话（手机或固定电话）"), render_kw={"inputmode": "tel", "maxlength": 24}
    )
    address = StringField(_l("地址"), render_kw={"maxlength": 255})
    is_workshop = BooleanField(_l("扶贫车间"))
    is_partner = BooleanField(_l("劳务协作合作企业"))
    submit = SubmitField(_l("保存"))
