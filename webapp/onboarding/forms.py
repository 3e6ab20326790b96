"""Forms of employer onboarding; ``services.onboarding`` checks the values."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField

from webapp.employers.forms import EmployerForm
from webapp.forms import Required


class RegistrationForm(EmployerForm):
    """The employer form of staff, plus industry, the workshop certificate and the future account."""

    is_partner = None  # labour-cooperation partners are designated by the bureau, not self-declared
    industry = StringField(_l("所属行业"), validators=[Required()], render_kw={"maxlength": 64})
    contact_name = StringField(_l("联系人"), validators=[Required()], render_kw={"maxlength": 64})
    contact_phone = StringField(
        _l("联系电话（手机）"), validators=[Required()], render_kw={"inputmode": "tel", "maxlength": 14}
    )
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


class OwnEmployerForm(EmployerForm):
    """What an employer edits of itself (its region and partner status stay with the bureau)."""

    region_code = None
    is_partner = None
    industry = StringField(_l("所属行业"), render_kw={"maxlength": 64})
    workshop_certificate = StringField(_l("扶贫车间认定证书编号"), render_kw={"maxlength": 64})


class StatusForm(FlaskForm):
    username = StringField(_l("登录用户名"), validators=[Required()], render_kw={"autocomplete": "username"})
    password = PasswordField(
        _l("登录密码"), validators=[Required()], render_kw={"autocomplete": "current-password"}
    )
    submit = SubmitField(_l("查询"))
