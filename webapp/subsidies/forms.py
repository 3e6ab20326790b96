"""Subsidy forms: raw input for ``services.subsidies``, which validates it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField

from webapp.forms import Required

NUMBER = {"inputmode": "numeric"}


class ActionForm(FlaskForm):
    """A button that only carries the CSRF token (submit a claim, approve)."""


class ReturnForm(FlaskForm):
    reason = TextAreaField(_l("退回原因"), validators=[Required()], render_kw={"rows": 2, "maxlength": 255})
    submit = SubmitField(_l("退回"))


class PayForm(FlaskForm):
    budget_line_id = SelectField(_l("预算科目"), validators=[Required()], validate_choice=False)
    submit = SubmitField(_l("支付"))


class BudgetLineForm(FlaskForm):
    name = StringField(_l("预算科目名称"), validators=[Required()], render_kw={"maxlength": 128})
    year = StringField(_l("年度"), validators=[Required()], render_kw=NUMBER)
    region_code = StringField(
        _l("地区（地区代码）"),
        validators=[Required()],
        render_kw={"list": "region-list", "autocomplete": "off"},
    )
    total = StringField(_l("预算金额（元）"), validators=[Required()], render_kw=NUMBER)
    submit = SubmitField(_l("新增预算科目"))
