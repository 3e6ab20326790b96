"""Household forms: raw input for ``services.households``, which validates it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField

from webapp.forms import Required
from webapp.training.forms import MultiCheckboxField

NUMBER = {"inputmode": "numeric"}


class HouseholdForm(FlaskForm):
    head_name = StringField(_l("户主姓名"), validators=[Required()], render_kw={"maxlength": 64})
    region_code = StringField(
        _l("户籍所在村（地区代码）"),
        validators=[Required()],
        render_kw={"list": "region-list", "autocomplete": "off"},
    )
    category = SelectField(_l("监测类别"), validate_choice=False)
    left_poverty_year = StringField(_l("脱贫年度"), render_kw=NUMBER)
    risk_flags = MultiCheckboxField(_l("风险类型"), validate_choice=False, coerce=str)
    members = StringField(
        _l("家庭成员（人员编号或身份证号码，逗号分隔，第一位为户主）"), render_kw={"autocomplete": "off"}
    )
    visit_every_days = StringField(_l("走访周期（天，留空按监测类别）"), render_kw=NUMBER)
    next_visit_on = StringField(_l("下次走访日期"), render_kw={"type": "date"})
    note = TextAreaField(_l("备注"), render_kw={"rows": 2, "maxlength": 2000})
    submit = SubmitField(_l("保存"))


class VisitForm(FlaskForm):
    visited_on = StringField(_l("走访日期"), render_kw={"type": "date"})
    risk_flags = MultiCheckboxField(_l("本次发现的风险"), validate_choice=False, coerce=str)
    note = TextAreaField(_l("走访情况"), render_kw={"rows": 2, "maxlength": 2000})
    submit = SubmitField(_l("登记走访"))


class ClearForm(FlaskForm):
    cleared_reason = StringField(_l("解除监测原因"), validators=[Required()], render_kw={"maxlength": 255})
    submit = SubmitField(_l("解除监测（风险消除）"))
