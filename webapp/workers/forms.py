"""The worker registration form: raw input for ``services.workers``, which validates it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField

from webapp.forms import (
    EDUCATION_LABELS,
    MOBILITY_LABELS,
    WORKER_STATUS_LABELS,
    ListField,
    Required,
    choices,
)


def hard_to_employ_choices() -> list[tuple[str, str]]:
    """ "Not one" and the sub-types of 就业困难人员 from ``config/eligibility.toml``."""
    from webapp.services import reference

    return [("", str(_l("否"))), *((k, t["name_zh"]) for k, t in reference.hard_to_employ_types().items())]


class ExperienceField(StringField):
    """Years per occupation typed as one line, e.g. 焊工:5、电工:2; the service parses it."""

    def _value(self) -> str:
        if isinstance(self.data, list | tuple):
            return "、".join(
                f"{e['occupation']}:{e['years']}" if isinstance(e, dict) else str(e) for e in self.data
            )
        return str(self.data) if self.data is not None else ""


class WorkerForm(FlaskForm):
    name = StringField(
        _l("姓名"), validators=[Required()], render_kw={"maxlength": 64, "autocomplete": "off"}
    )
    id_number = StringField(
        _l("身份证号码"), validators=[Required()], render_kw={"maxlength": 18, "autocomplete": "off"}
    )
    phone = StringField(
        _l("手机号码"),
        validators=[Required()],
        render_kw={"inputmode": "tel", "maxlength": 14, "autocomplete": "off"},
    )
    region_code = StringField(
        _l("户籍所在地（地区代码）"),
        validators=[Required()],
        render_kw={"list": "region-list", "autocomplete": "off"},
    )
    education = SelectField(
        _l("文化程度"), validate_choice=False, choices=choices(EDUCATION_LABELS), default="junior"
    )
    skills = ListField(_l("技能"))
    certificates = ListField(_l("证书"))
    desired_occupations = ListField(_l("求职意向（按志愿先后）"))
    desired_training = ListField(_l("培训意愿"))
    completed_training = ListField(_l("已完成培训"))
    experience_years = ExperienceField(_l("从业经历（工种:年限）"))
    mobility = SelectField(
        _l("外出意愿（最远到）"), validate_choice=False, choices=choices(MOBILITY_LABELS), default="county"
    )
    expected_wage = StringField(_l("期望月工资（元）"), render_kw={"inputmode": "numeric"})
    available_from = StringField(_l("可到岗日期"), render_kw={"type": "date"})
    status = SelectField(
        _l("求职状态"), validate_choice=False, choices=choices(WORKER_STATUS_LABELS), default="seeking"
    )
    poverty_registered = BooleanField(_l("建档立卡贫困劳动力"))
    disability = BooleanField(_l("残疾人"))
    hard_to_employ = SelectField(
        _l("就业困难人员类别"), validate_choice=False, choices=hard_to_employ_choices
    )
    consent_to_share = BooleanField(_l("本人同意向用工企业公开姓名和联系电话"))
    submit = SubmitField(_l("保存"))


class RevealForm(FlaskForm):
    """The "show the full value" button: which field to reveal (every reveal is audited)."""

    field = HiddenField()
    submit = SubmitField(_l("查看完整信息"))
