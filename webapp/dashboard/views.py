from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from webapp import policy
from webapp.dashboard import bp
from webapp.extensions import db
from webapp.services import dashboard, onboarding, reference
from webapp.services.scope import Actor


@bp.route("/")
@login_required
def index() -> str:
    actor = Actor.of(current_user)
    return render_template(
        "dashboard/index.html",
        counts=dashboard.counts(db.session, actor),
        queue=onboarding.review_queue(db.session, actor)
        if policy.can(actor, "approve", "job_order")
        else None,
        region_name=reference.region_name(actor.region_code, full=True) if actor.region_code else "",
    )
