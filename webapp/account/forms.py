"""Forms of the account pages; ``services.sessions`` checks the values."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SubmitField

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
