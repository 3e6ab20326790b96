"""Forms of the board: the public sign-up (raw input for ``services.signup``, which validates it) and the staff
review buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField

from webapp.forms import MOBILITY_LABELS, ListField, Required, choices


class SignupForm(FlaskForm):
    name = StringField(
        _l("姓名"), validators=[Required()], render_kw={"maxlength": 64, "autocomplete": "name"}
    )
    id_number = StringField(
        _l("身份证号码"),
        validators=[Required()],
        render_kw={
            "maxlength": 18,
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
        },
    )
    phone = StringField(
        _l("手机号码"),
        validators=[Required()],
        render_kw={"inputmode": "tel", "type": "tel", "maxlength": 14, "autocomplete": "tel"},
    )
    region_code = SelectField(_l("所在村（或乡镇）"), validators=[Required()], validate_choice=False)
    skills = ListField(_l("会做什么（技能、干过的活）"), render_kw={"maxlength": 300})
    desired_training = ListField(_l("想学什么（想参加的培训）"), render_kw={"maxlength": 200})
    mobility = SelectField(
        _l("愿意到哪里工作（最远）"),
        validate_choice=False,
        choices=choices(MOBILITY_LABELS, blank=_l("不填")),
    )
    consent_to_share = BooleanField(_l("同意向招聘企业和培训机构提供我的联系方式，以便他们联系我"))
    job_order_id = HiddenField()
    course_id = HiddenField()
    submit = SubmitField(_l("提交报名"))


class ActionForm(FlaskForm):
    """A button that only carries the CSRF token (confirm)."""


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("不通过原因"), validators=[Required()], render_kw={"rows": 2, "maxlength": 255})
    submit = SubmitField(_l("不通过"))
