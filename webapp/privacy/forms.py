"""Forms of the privacy pages; ``services.privacy`` checks the values."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField

from webapp.forms import Required


class ErasureRequestForm(FlaskForm):
    worker_id = StringField(_l("求职人员编号"), validators=[Required()], render_kw={"inputmode": "numeric"})
    reason = StringField(_l("注销原因"), validators=[Required()], render_kw={"maxlength": 255})
    submit = SubmitField(_l("申请注销个人信息"))


class PurgeRequestForm(FlaskForm):
    as_of = StringField(_l("按此日期计算保存期限"), validators=[Required()], render_kw={"type": "date"})
    submit = SubmitField(_l("申请保存期限清理"))
