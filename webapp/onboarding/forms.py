"""Forms of employer onboarding; ``services.onboarding`` checks the values."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField

from webapp.forms import Required


class RegistrationForm(FlaskForm):
    name = StringField(_l("企业名称"), validators=[Required()], render_kw={"maxlength": 128})
    uscc = StringField(
        _l("统一社会信用代码"), validators=[Required()], render_kw={"maxlength": 18, "autocomplete": "off"}
    )
    region_code = StringField(
        _l("所在地（地区代码）"),
        validators=[Required()],
        render_kw={"list": "region-list", "autocomplete": "off"},
    )
    industry = StringField(_l("所属行业"), validators=[Required()], render_kw={"maxlength": 64})
    address = StringField(_l("地址"), render_kw={"maxlength": 255})
    contact_name = StringField(_l("联系人"), validators=[Required()], render_kw={"maxlength": 64})
    contact_phone = StringField(
        _l("联系电话（手机）"), validators=[Required()], render_kw={"inputmode": "tel", "maxlength": 14}
    )
    is_workshop = BooleanField(_l("扶贫车间"))
    workshop_certificate = StringField(_l("扶贫车间认定证书编号"), render_kw={"maxlength": 64})
    username = StringField(
        _l("登录用户名"), validators=[Required()], render_kw={"maxlength": 64, "autocomplete": "username"}
    )
    password = PasswordField(
        _l("登录密码"), validators=[Required()], render_kw={"maxlength": 128, "autocomplete": "new-password"}
    )
    confirm_password = PasswordField(
        _l("再次输入密码"), validators=[Required()], render_kw={"autocomplete": "new-password"}
    )
    submit = SubmitField(_l("提交登记"))


class ReturnForm(FlaskForm):
    reason = StringField(_l("退回原因"), validators=[Required()], render_kw={"maxlength": 255})
    submit = SubmitField(_l("退回"))


class OwnEmployerForm(FlaskForm):
    name = StringField(_l("企业名称"), validators=[Required()], render_kw={"maxlength": 128})
    uscc = StringField(_l("统一社会信用代码"), validators=[Required()], render_kw={"maxlength": 18})
    industry = StringField(_l("所属行业"), render_kw={"maxlength": 64})
    address = StringField(_l("地址"), render_kw={"maxlength": 255})
    contact_name = StringField(_l("联系人"), render_kw={"maxlength": 64})
    contact_phone = StringField(_l("联系电话（手机）"), render_kw={"inputmode": "tel", "maxlength": 14})
    is_workshop = BooleanField(_l("扶贫车间"))
    workshop_certificate = StringField(_l("扶贫车间认定证书编号"), render_kw={"maxlength": 64})
    submit = SubmitField(_l("保存"))


class StatusForm(FlaskForm):
    username = StringField(_l("登录用户名"), validators=[Required()], render_kw={"autocomplete": "username"})
    password = PasswordField(
        _l("登录密码"), validators=[Required()], render_kw={"autocomplete": "current-password"}
    )
    submit = SubmitField(_l("查询"))
