"""What the page forms share: Chinese labels for the stored codes, list inputs, and service errors on fields.

The services validate (one source of truth, Chinese messages); the forms only carry the raw input to them
and show what came back next to each field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, StringField

from webapp.errors import DomainError
from webapp.services import reference
from webapp.services.validation import mask_id_number, mask_phone
from webapp.services.workers import age_on

WORKER_STATUS_LABELS = {
    "seeking": _l("求职中"),
    "in_training": _l("培训中"),
    "employed": _l("已就业"),
    "unavailable": _l("暂不求职"),
}
MOBILITY_LABELS = {
    "village": _l("本村"),
    "township": _l("本乡镇"),
    "county": _l("本县"),
    "city": _l("本市"),
    "province": _l("本省"),
    "national": _l("全国"),
}
EDUCATION_LABELS = {
    "none": _l("未上学"),
    "primary": _l("小学"),
    "junior": _l("初中"),
    "senior": _l("高中"),
    "vocational": _l("中专/技校"),
    "college": _l("大专"),
    "bachelor": _l("本科及以上"),
}
JOB_ORDER_STATUS_LABELS = {
    "open": _l("招聘中"),
    "filled": _l("已招满"),
    "closed": _l("已关闭"),
    "expired": _l("已过期"),
}
SEX_LABELS = {"M": _l("男"), "F": _l("女")}
#: The matcher's score components, in the order the match tables show them.
COMPONENT_LABELS = {
    "occupation": _l("职业/技能匹配"),
    "certificates": _l("证书"),
    "distance": _l("距离"),
    "wage": _l("工资"),
    "wish": _l("志愿"),
    "training": _l("培训"),
    "priority": _l("优先"),
}

LABELS: dict[str, Mapping[str, Any]] = {
    "worker_status": WORKER_STATUS_LABELS,
    "mobility": MOBILITY_LABELS,
    "education": EDUCATION_LABELS,
    "job_order_status": JOB_ORDER_STATUS_LABELS,
    "sex": SEX_LABELS,
    "component": COMPONENT_LABELS,
}


def choices(labels: Mapping[str, Any], *, blank: Any = None) -> list[tuple[str, Any]]:
    """``(value, label)`` pairs for a select, optionally led by an empty "any"/"please choose" option."""
    out: list[tuple[str, Any]] = [("", blank)] if blank is not None else []
    return out + list(labels.items())


class Required:
    """Marks a field as required (the label's asterisk, ``required`` attribute); the service checks it."""

    field_flags = {"required": True}

    def __call__(self, form: FlaskForm, field: Field) -> None:
        return None


class ListField(StringField):
    """A list of short texts typed as one line separated by ， 、 or commas; the service splits it."""

    def _value(self) -> str:
        if isinstance(self.data, list | tuple):
            return "、".join(str(item) for item in self.data)
        return str(self.data) if self.data is not None else ""


def form_values(form: FlaskForm, names: Iterable[str]) -> dict[str, Any]:
    """The raw values of the named fields that the form has, keyed as the service expects them."""
    return {name: form[name].data for name in names if name in form}


def show_errors(form: FlaskForm, err: DomainError) -> int:
    """Put a refusal's field messages next to the form's fields and return the status to answer with.

    A refusal without field messages (not found, not allowed) is not about the input: it is re-raised for
    the error page.
    """
    if not err.fields:
        raise err
    form.form_errors.append(_(err.message))
    for name, message in err.fields.items():
        if name in form:
            field = form[name]
            field.errors = [*field.errors, _(message)]
        else:
            form.form_errors.append(_(message))
    return err.status


def csrf_failed(form: FlaskForm) -> int:
    """A submitted form that did not validate: only the CSRF token can fail before the service sees it."""
    form.form_errors.append(_("表单已过期或缺少安全令牌，请刷新页面后重试"))
    return 400


def _age(birth: date | None) -> int | None:
    return age_on(birth, date.today()) if birth else None


def ui_context() -> dict[str, Any]:
    """Template helpers for the feature pages (a blueprint ``context_processor``)."""
    return {
        "labels": LABELS,
        "occupation_name": reference.occupation_name,
        "unclassified": reference.is_unclassified,
        "region_name": reference.region_name,
        "age_of": _age,
        "mask_id_number": mask_id_number,
        "mask_phone": mask_phone,
    }
