"""Training forms: raw input for ``services.training``, which validates it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.forms import Required

NUMBER = {"inputmode": "numeric"}
VENUE_CHOICES = [("base", _l("培训基地")), ("point", _l("教学点"))]
OUTCOME_CHOICES = [("completed", _l("结业")), ("failed", _l("未通过")), ("withdrawn", _l("退出"))]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (works without JavaScript, easy to tap on a phone)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CourseForm(FlaskForm):
    title = StringField(_l("课程名称"), validators=[Required()], render_kw={"maxlength": 128})
    occupation = StringField(
        _l("培训工种"), validators=[Required()], render_kw={"list": "occupation-list", "autocomplete": "off"}
    )
    venue_kind = SelectField(_l("场所类型"), choices=VENUE_CHOICES, validate_choice=False)
    venue_name = StringField(_l("培训场所名称"), validators=[Required()], render_kw={"maxlength": 128})
    region_code = StringField(
        _l("场所所在地（地区代码）"),
        validators=[Required()],
        render_kw={"list": "region-list", "autocomplete": "off"},
    )
    capacity = StringField(_l("名额（人）"), validators=[Required()], render_kw=NUMBER)
    start_date = StringField(_l("开班日期"), validators=[Required()], render_kw={"type": "date"})
    end_date = StringField(_l("结业日期"), validators=[Required()], render_kw={"type": "date"})
    cost = StringField(_l("培训成本（元/人）"), render_kw=NUMBER)
    certificate_name = StringField(
        _l("结业颁发证书"), render_kw={"list": "certificate-list", "autocomplete": "off", "maxlength": 128}
    )
    description = TextAreaField(_l("课程介绍"), render_kw={"rows": 3})
    job_order_ids = MultiCheckboxField(_l("对接岗位（订单式培训）"), validate_choice=False, coerce=str)
    submit = SubmitField(_l("保存"))


class ActionForm(FlaskForm):
    """A button or checkbox list that only needs the CSRF token; the values are read by the view."""


class ResultForm(FlaskForm):
    outcome = SelectField(_l("结果"), choices=OUTCOME_CHOICES, validate_choice=False)
    certificate_number = StringField(_l("证书编号"), render_kw={"maxlength": 64, "autocomplete": "off"})
    certificate_issuer = StringField(_l("发证机构"), render_kw={"maxlength": 128})
    certified_on = StringField(_l("发证日期"), render_kw={"type": "date"})
    on = StringField(_l("日期"), render_kw={"type": "date"})
    submit = SubmitField(_l("登记"))
