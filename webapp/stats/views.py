"""The statistics page: one region's figures, its children side by side, and server-drawn charts."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp import policy
from webapp.extensions import db
from webapp.forms import ui_context
from webapp.services import reference, stats
from webapp.services.scope import Actor
from webapp.services.validation import Collector, parse_date, parse_region
from webapp.stats import bp
from webapp.stats.charts import bar_chart, line_chart, percent

bp.context_processor(ui_context)

LEVEL_LABELS = {
    "province": _l("省"),
    "city": _l("市"),
    "county": _l("县（区）"),
    "township": _l("乡镇（街道）"),
    "village": _l("村（社区）"),
}


def _filters() -> tuple[dict[str, Any], dict[str, str]]:
    """The query's region and period, checked; problems are shown on the page (figures use the defaults)."""
    raw = {name: request.args.get(name, "").strip() for name in ("region_code", "from", "to")}
    c = Collector()
    values = {
        "region_code": c.field("region_code", parse_region, raw["region_code"])
        if raw["region_code"]
        else None,
        "date_from": c.field("from", parse_date, raw["from"] or None),
        "date_to": c.field("to", parse_date, raw["to"] or None),
    }
    if values["date_from"] and values["date_to"] and values["date_from"] > values["date_to"]:
        c.add("to", "结束日期不能早于开始日期")
        values["date_to"] = None
    return values, c.errors


def _charts(board: stats.Dashboard) -> dict[str, Any]:
    children = [c for c in board.children if c.labour_force]
    return {
        "employment": bar_chart(
            [(c.name, c.employment_rate, percent(c.employment_rate)) for c in children],
            title=_("建档立卡劳动力就业率"),
            maximum=1.0,
        ),
        "training": bar_chart(
            [(c.name, c.training_rate, percent(c.training_rate)) for c in children],
            title=_("建档立卡劳动力培训率"),
            maximum=1.0,
        ),
        "routes": bar_chart(
            [(r["name"], float(r["placements"]), str(r["placements"])) for r in board.by_route],
            title=_("按就业渠道的就业人数"),
        ),
        "destinations": bar_chart(
            [(d["name"], float(d["placements"]), str(d["placements"])) for d in board.by_destination],
            title=_("按就业地的就业人数"),
        ),
        "trend": line_chart(
            [(p.taken_on.strftime("%m-%d"), p.employment_rate) for p in board.trend],
            title=_("每周就业率趋势"),
        )
        if board.trend
        else None,
    }


@bp.route("/")
@login_required
def index() -> str:
    actor = Actor.of(current_user)
    values, errors = _filters()
    if "region_code" in errors:
        values["region_code"] = None
    board = stats.dashboard(db.session, actor, **values)
    if errors:
        errors = {k: _(v) for k, v in errors.items()}
    regions = reference.region_options(policy.jurisdiction(actor))
    return render_template(
        "stats/index.html",
        board=board,
        charts=_charts(board),
        errors=errors,
        filters={name: request.args.get(name, "").strip() for name in ("region_code", "from", "to")},
        regions=[(code, name) for code, name in regions if len(code) <= 9],
        level_labels=LEVEL_LABELS,
        percent=percent,
        parent=_parent(actor, board.region.code),
    )


def _parent(actor: Actor, code: str) -> str | None:
    """The region one level up, when the viewer may see it (a link back from a drill-down)."""
    parent = stats.parent_of(code)
    return (
        parent if parent and policy.can(actor, "read", policy.Subject("stats", region_code=parent)) else None
    )
