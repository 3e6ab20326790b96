"""Employer pages (用工企业), for bureau staff: list, detail with the employer's job orders, create."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from webapp import policy
from webapp.employers import bp
from webapp.employers.forms import EmployerForm
from webapp.errors import DomainError
from webapp.extensions import db
from webapp.forms import csrf_failed, form_values, page_number, show_errors, ui_context
from webapp.services import employers, job_orders, reference
from webapp.services.employers import EMPLOYER_FIELDS
from webapp.services.scope import Actor

PER_PAGE = 20
ORDERS_PER_PAGE = 50

bp.context_processor(ui_context)


def _staff() -> Actor:
    """The current user, who must be bureau staff: employers and trainers do not browse other employers."""
    actor = Actor.of(current_user)
    policy.require(actor, "browse", "employer")
    return actor


@bp.route("/")
@login_required
def index() -> str:
    q = request.args.get("q", "").strip()
    page = employers.list_employers(db.session, _staff(), q=q, page=page_number(), per_page=PER_PAGE)
    return render_template("employers/index.html", page=page, q=q)


@bp.route("/<int:employer_id>")
@login_required
def detail(employer_id: int) -> str:
    actor = _staff()
    employer = employers.get_employer(db.session, actor, employer_id)
    orders = job_orders.list_job_orders(
        db.session, actor, employer_id=employer.id, page=page_number(), per_page=ORDERS_PER_PAGE
    )
    return render_template("employers/detail.html", employer=employer, orders=orders)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> tuple[str, int] | Response:
    actor = _staff()
    form = EmployerForm()
    status = 200
    if form.validate_on_submit():
        try:
            employer = employers.create_employer(db.session, actor, form_values(form, EMPLOYER_FIELDS))
        except DomainError as err:
            status = show_errors(form, err)
        else:
            flash(_("已登记用工企业 %(name)s", name=employer.name), "success")
            return redirect(url_for(".detail", employer_id=employer.id))
    elif form.is_submitted():
        status = csrf_failed(form)
    return render_template("employers/form.html", form=form, regions=reference.region_options()), status
