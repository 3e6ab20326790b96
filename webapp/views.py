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
    from webapp import board, subsidies, training  # 亮单·点单, 接单, 买单

    app.register_blueprint(board.bp)
    app.register_blueprint(training.bp)
    app.register_blueprint(subsidies.bp)
    from webapp import account  # password, sessions, disabling accounts

    app.register_blueprint(account.bp)
    from webapp import onboarding  # employer registration and review

    app.register_blueprint(onboarding.bp)
    from webapp import cooperation, fairs  # 招聘会, 劳务协作

    app.register_blueprint(fairs.bp)
    app.register_blueprint(cooperation.bp)
    from webapp import imports, placements, stats  # 填单·回访, 统计, Excel台账

    app.register_blueprint(placements.bp)
    app.register_blueprint(stats.bp)
    app.register_blueprint(imports.bp)
    from webapp import privacy  # 审计日志, 个人信息注销与清理的申请和审批

    app.register_blueprint(privacy.bp)

    from webapp import households  # 防返贫监测 (四不摘)

    app.register_blueprint(households.bp)
    csrf.exempt(api.bp)  # the API authenticates with bearer tokens, not cookies
    app.register_blueprint(api.bp)
