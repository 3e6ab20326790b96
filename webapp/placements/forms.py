"""Placement, follow-up outcome and leaving forms: raw input for ``services.placements``/``services.followups``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField

from webapp.forms import Required

NUMBER = {"inputmode": "numeric"}
DATE = {"type": "date"}

OUTCOME_LABELS = {
    "employed": _l("仍在岗"),
    "left": _l("已离职"),
    "unreachable": _l("联系不上"),
}
VISIT_STATE_LABELS = {
    "scheduled": _l("待回访"),
    "due_soon": _l("即将到期"),
    "overdue": _l("逾期未访"),
    "done": _l("已回访"),
    "cancelled": _l("已取消"),
}
PLACEMENT_STATUS_LABELS = {"active": _l("在岗"), "left": _l("已离岗")}


class PlacementForm(FlaskForm):
    worker = StringField(
        _l("求职人员（编号或身份证号码）"), validators=[Required()], render_kw={"autocomplete": "off"}
    )
    job_order_id = StringField(_l("岗位订单编号"), render_kw=NUMBER)
    route = SelectField(_l("就业渠道"), validate_choice=False)
    route_reason = StringField(_l("选择其他渠道的理由（扶贫车间企业）"), render_kw={"maxlength": 255})
    region_code = StringField(
        _l("工作地点（地区代码）"), render_kw={"list": "region-list", "autocomplete": "off"}
    )
    employer_name = StringField(_l("用工单位"), render_kw={"maxlength": 128})
    wage = StringField(_l("月工资（元）"), render_kw=NUMBER)
    start_date = StringField(_l("上岗日期"), render_kw=DATE)
    submit = SubmitField(_l("登记就业"))


class OutcomeForm(FlaskForm):
    outcome = SelectField(_l("回访结果"), validate_choice=False, validators=[Required()])
    visited_on = StringField(_l("回访日期"), render_kw=DATE)
    wage_now = StringField(_l("现月工资（元）"), render_kw=NUMBER)
    left_on = StringField(_l("离职日期"), render_kw=DATE)
    left_reason = StringField(_l("离职原因"), render_kw={"maxlength": 255})
    note = TextAreaField(_l("备注"), render_kw={"rows": 2})
    submit = SubmitField(_l("保存回访结果"))


class EndForm(FlaskForm):
    ended_on = StringField(_l("离职日期"), render_kw=DATE)
    reason = StringField(_l("离职原因"), validators=[Required()], render_kw={"maxlength": 255})
    submit = SubmitField(_l("登记离职"))
