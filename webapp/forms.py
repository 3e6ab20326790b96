"""What the page forms share: Chinese labels for the stored codes, list inputs, and service errors on fields.

The services validate (one source of truth, Chinese messages); the forms only carry the raw input to them
and show what came back next to each field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, StringField

from webapp.errors import DomainError, ValidationError
from webapp.services import reference
from webapp.services.validation import MAX_ID, FieldError, mask_id_number, mask_phone, parse_id_list
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
    "pending": _l("待审核"),
    "returned": _l("已退回"),
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
        "hard_to_employ_name": lambda key: (
            reference.hard_to_employ_types().get(key or "", {}).get("name_zh", "")
        ),
    }


# --- numbers of a page's query string and forms ---------------------------------------------------------------

#: The last page a list may be asked for (as the API's ``page``).
MAX_PAGE = 1_000_000


def query_int(
    name: str, *, default: int | None = None, minimum: int = 1, maximum: int = MAX_ID
) -> int | None:
    """An integer of the page's query string. Missing, not a number or below ``minimum``: ``default`` (pages
    ignore a filter that makes no sense); above ``maximum``: 400 naming the parameter, before the number can
    overflow a database column or an OFFSET."""
    raw = (request.args.get(name) or "").strip()
    digits = raw[1:] if raw.startswith("-") else raw
    if not digits.isascii() or not digits.isdigit():
        return default
    if raw.startswith("-"):
        return default
    if len(digits.lstrip("0")) > len(str(maximum)) or int(digits) > maximum:
        raise DomainError("查询参数有误", fields={name: f"不能大于{maximum}"})
    value = int(digits)
    return value if value >= minimum else default


def page_number() -> int:
    """``?page=`` of a list page: 1 when missing or nonsense, 400 naming ``page`` beyond :data:`MAX_PAGE`."""
    return query_int("page", default=1, maximum=MAX_PAGE) or 1


def parse_form_ids(values: list[str], name: str, *, max_items: int = 500) -> list[int]:
    """Ids posted by a form (check boxes), bounded and checked: 422 naming the field ``name``."""
    try:
        return parse_id_list(values, max_items=max_items)
    except FieldError as err:
        raise ValidationError("提交的数据有误，请按提示修改", fields={name: str(err)}) from None


def form_ids(name: str, *, max_items: int = 500) -> list[int]:
    """The ids the form posts under ``name``."""
    return parse_form_ids(request.form.getlist(name), name, max_items=max_items)
