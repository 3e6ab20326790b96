"""The job-order form: raw input for ``services.job_orders``, which validates it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField

from webapp.forms import JOB_ORDER_STATUS_LABELS, ListField, Required, choices

NUMBER = {"inputmode": "numeric"}


class JobOrderForm(FlaskForm):
    employer_id = SelectField(_l("用工企业"), validate_choice=False, validators=[Required()])
    title = StringField(_l("岗位名称"), validators=[Required()], render_kw={"maxlength": 128})
    occupation = StringField(
        _l("工种"), validators=[Required()], render_kw={"list": "occupation-list", "autocomplete": "off"}
    )
    description = TextAreaField(_l("岗位描述"), render_kw={"rows": 3})
    skills = ListField(_l("技能要求"))
    certificates_required = ListField(_l("证书要求"))
    headcount = StringField(_l("招聘人数"), validators=[Required()], render_kw=NUMBER)
    wage_min = StringField(_l("最低月工资（元）"), render_kw=NUMBER)
    wage_max = StringField(_l("最高月工资（元）"), render_kw=NUMBER)
    region_code = StringField(
        _l("工作地点（地区代码）"),
        validators=[Required()],
        render_kw={"list": "region-list", "autocomplete": "off"},
    )
    age_min = StringField(_l("最低年龄"), render_kw=NUMBER)
    age_max = StringField(_l("最高年龄"), render_kw=NUMBER)
    housing = BooleanField(_l("提供住宿"))
    board = BooleanField(_l("提供伙食"))
    start_date = StringField(_l("到岗日期"), render_kw={"type": "date"})
    expires_on = StringField(_l("截止日期"), render_kw={"type": "date"})
    route = SelectField(_l("就业渠道"), validate_choice=False)
    route_reason = StringField(_l("选择其他渠道的理由（扶贫车间企业）"), render_kw={"maxlength": 255})
    public_welfare = BooleanField(_l("公益性岗位（仅限建档立卡或就业困难人员）"))
    internal = BooleanField(_l("仅内部可见（不在公开岗位栏展示）"))
    status = SelectField(_l("状态"), validate_choice=False, choices=choices(JOB_ORDER_STATUS_LABELS))
    submit = SubmitField(_l("保存"))

    #: The fields that go to the service, named as ``services.job_orders.JOB_ORDER_FIELDS``.
    SERVICE_FIELDS = (
        "employer_id",
        "title",
        "occupation",
        "description",
        "skills",
        "certificates_required",
        "headcount",
        "wage_min",
        "wage_max",
        "region_code",
        "age_min",
        "age_max",
        "housing",
        "board",
        "start_date",
        "expires_on",
        "route",
        "route_reason",
        "public_welfare",
        "internal",
        "status",
    )
