"""Where the feature blueprints are attached to the app."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from webapp import api, auth, dashboard, employers, job_orders, workers
    from webapp.extensions import csrf

    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(job_orders.bp)
    app.register_blueprint(workers.bp)
    app.register_blueprint(employers.bp)
    csrf.exempt(api.bp)  # the API authenticates with bearer tokens, not cookies
    app.register_blueprint(api.bp)
