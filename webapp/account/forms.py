"""Forms of the account pages; ``services.sessions`` checks the values."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField

from webapp.forms import Required


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("当前密码"), validators=[Required()], render_kw={"autocomplete": "current-password"}
    )
    new_password = PasswordField(
        _l("新密码"), validators=[Required()], render_kw={"autocomplete": "new-password", "maxlength": 128}
    )
    confirm_password = PasswordField(
        _l("再次输入新密码"), validators=[Required()], render_kw={"autocomplete": "new-password"}
    )
    submit = SubmitField(_l("修改密码"))


class ActionForm(FlaskForm):
    """A button that changes something: the form only carries the CSRF token."""

    submit = SubmitField(_l("确定"))


ROLE_LABELS = {
    "staff": _l("人社工作人员"),
    "employer": _l("用工企业"),
    "trainer": _l("培训机构"),
    "admin": _l("系统管理员"),
}


class UserForm(FlaskForm):
    """A new account, or (``EditUserForm``) the name and binding of one; ``services.users`` checks the values."""

    username = StringField(
        _l("用户名"), validators=[Required()], render_kw={"maxlength": 64, "autocomplete": "off"}
    )
    display_name = StringField(_l("姓名"), render_kw={"maxlength": 64})
    role = SelectField(_l("角色"), choices=list(ROLE_LABELS.items()), validators=[Required()])
    region_code = StringField(
        _l("所属地区（工作人员）"), render_kw={"list": "region-list", "autocomplete": "off"}
    )
    employer_id = SelectField(_l("所属企业（企业账号）"), choices=[], validate_choice=False)
    training_provider_id = SelectField(_l("所属培训机构（培训机构账号）"), choices=[], validate_choice=False)
    password = PasswordField(
        _l("初始密码（可不填）"), render_kw={"autocomplete": "new-password", "maxlength": 128}
    )
    submit = SubmitField(_l("创建账号"))


class EditUserForm(FlaskForm):
    display_name = StringField(_l("姓名"), render_kw={"maxlength": 64})
    region_code = StringField(
        _l("所属地区（工作人员）"), render_kw={"list": "region-list", "autocomplete": "off"}
    )
    employer_id = SelectField(_l("所属企业（企业账号）"), choices=[], validate_choice=False)
    training_provider_id = SelectField(_l("所属培训机构（培训机构账号）"), choices=[], validate_choice=False)
    submit = SubmitField(_l("保存"))


class InstitutionForm(FlaskForm):
    name = StringField(_l("机构名称"), validators=[Required()], render_kw={"maxlength": 128})
    uscc = StringField(_l("统一社会信用代码"), validators=[Required()], render_kw={"maxlength": 18})
    licence_number = StringField(_l("办学许可证号"), validators=[Required()], render_kw={"maxlength": 64})
    region_code = StringField(
        _l("所在地（地区代码）"),
        validators=[Required()],
        render_kw={"list": "region-list", "autocomplete": "off"},
    )
    contact_name = StringField(_l("联系人"), render_kw={"maxlength": 64})
    contact_phone = StringField(_l("联系电话（手机）"), render_kw={"inputmode": "tel", "maxlength": 14})
    occupations = StringField(_l("可培训工种"), validators=[Required()], render_kw={"maxlength": 600})
    submit = SubmitField(_l("登记培训机构"))
