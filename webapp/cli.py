"""The ``liudan`` command: Flask's CLI (run, db, shell, routes) plus the bureau's own commands."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from webapp.extensions import db


def main() -> None:
    cli = FlaskGroup(create_app=_create_app, help="六单 Liudan：岗位匹配与招聘会平台的命令行工具")
    cli.add_command(setup_command)  # found before the app is built: it writes the key the app needs
    cli.main(prog_name="liudan")


def _create_app() -> Flask:
    from webapp import create_app
    from webapp.secret_key import SecretKeyMissing

    try:
        return create_app()
    except SecretKeyMissing as err:
        raise click.ClickException(str(err)) from None


def register(app: Flask) -> None:
    app.cli.add_command(setup_command)
    app.cli.add_command(sync_regions_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(match_command)
    from webapp.privacy.cli import privacy_group

    app.cli.add_command(privacy_group)  # liudan privacy erase / purge
    from webapp.training.cli import training_group

    app.cli.add_command(training_group)  # liudan training needs / ledger / subsidy-ledger
    from webapp.imports.cli import import_group, ledger_command
    from webapp.placements.cli import coordinators_command
    from webapp.scheduler import scheduler_command
    from webapp.stats.cli import stats_command
    from webapp.users.cli import users_group

    app.cli.add_command(users_group)  # liudan users create / list / disable / enable / reset-password

    for command in (import_group, ledger_command, coordinators_command, scheduler_command, stats_command):
        app.cli.add_command(command)  # Excel import / ledgers, village coordinators, timed jobs, statistics


@click.command("sync-regions")
@with_appcontext
def sync_regions_command() -> None:
    """Load the region tree from config/regions.csv into the database."""
    from webapp.services.reference import sync_regions

    click.echo(f"地区表：写入 {sync_regions(db.session)} 行")


@click.command("setup")
@click.option("--demo/--no-demo", default=True, help="Load the Puyang demo when the database is empty.")
@click.option("--admin", "admin_username", help="--no-demo: username of the first administrator (prompted).")
@click.option("--admin-password", help="--no-demo: its password; without it a random one is printed once.")
@click.pass_context
def setup_command(
    ctx: click.Context, demo: bool, admin_username: str | None, admin_password: str | None
) -> None:
    """Write instance/secret_key (unless SECRET_KEY is set), build or upgrade the database, load the region tree
    and (when empty) the Puyang demo.

    Without the demo, the first administrator is created when there is none: username and password from
    the options, or asked for; with neither a random password is printed once (to be changed at login).
    """
    from webapp.secret_key import write_key_file

    written = write_key_file()
    if written is not None:
        click.echo(f"已生成密钥文件：{written}（仅本机账号可读；生产环境也可改用环境变量 SECRET_KEY）")
    app = ctx.ensure_object(ScriptInfo).load_app()
    with app.app_context():
        _setup(demo, admin_username, admin_password)


def _setup(demo: bool, admin_username: str | None, admin_password: str | None) -> None:
    from webapp.models import User
    from webapp.services.reference import sync_regions

    upgrade(directory=current_app.extensions["migrate"].directory, revision="heads")
    written = sync_regions(db.session)
    click.echo(f"数据库已就绪：{_display_url()}（地区更新 {written} 行）")
    if demo and not db.session.scalar(select(func.count()).select_from(User)):
        from webapp.services.demo import load_demo

        counts = load_demo(db.session)
        click.echo("已载入濮阳演示数据：" + "，".join(f"{k} {v}" for k, v in counts.items()))
    if not demo:
        _first_admin(admin_username, admin_password)
    _print_logins()


def _first_admin(username: str | None, password: str | None) -> None:
    """Create the first administrator unless one exists."""
    from webapp.errors import DomainError
    from webapp.services import users

    if users.has_admin(db.session):
        click.echo("已有系统管理员账号：用其登录后创建其他账号（liudan users create 或“用户账号管理”页面）")
        return
    import sys

    # Asked for at a terminal; a script that gives neither gets "admin" and a random password.
    interactive = username is None and password is None and sys.stdin.isatty()
    if username is None:
        username = click.prompt("第一个系统管理员的用户名", default="admin") if interactive else "admin"
    if password is None and interactive:
        password = (
            click.prompt("密码（直接回车则生成随机密码）", default="", hide_input=True, show_default=False)
            or None
        )
    try:
        user, secret = users.create_first_admin(db.session, username=username, password=password)
    except DomainError as err:
        detail = "；".join(f"{name}: {message}" for name, message in err.fields.items())
        raise click.ClickException(err.message + (f"（{detail}）" if detail else "")) from None
    click.echo(f"已创建系统管理员 {user.username}")
    if not password:
        click.echo(f"随机密码（只显示这一次，首次登录后须修改）：{secret}")


def _display_url() -> str:
    return db.engine.url.render_as_string(hide_password=True)


def _print_logins() -> None:
    from webapp.models import User
    from webapp.services.demo import DEMO_PASSWORD

    names = db.session.scalars(select(User.username).order_by(User.id)).all()
    demo = [
        n for n in ("admin", "city_staff", "qingfeng_staff", "employer_demo", "trainer_demo") if n in names
    ]
    if demo:
        click.echo(f"演示账号（密码均为 {DEMO_PASSWORD}）：" + "、".join(demo))


@click.command("demo")
@click.option("--workers", default=3000, show_default=True, type=click.IntRange(0, 2_000_000))
@click.option("--job-orders", "job_orders", default=400, show_default=True, type=click.IntRange(0, 200_000))
@click.option("--employers", default=200, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--seed", default=2019, show_default=True, type=int)
@with_appcontext
def demo_command(workers: int, job_orders: int, employers: int, seed: int) -> None:
    """Load the Puyang demo city (deterministic for a seed) into an empty database."""
    from webapp.errors import DomainError
    from webapp.services.demo import load_demo

    try:
        counts = load_demo(db.session, workers=workers, job_orders=job_orders, employers=employers, seed=seed)
    except DomainError as err:
        raise click.ClickException(err.message) from None
    click.echo("已载入濮阳演示数据：" + "，".join(f"{k} {v}" for k, v in counts.items()))
    _print_logins()


@click.command("match")
@click.option(
    "--all", "everything", is_flag=True, help="Re-rank every open job order, not only what changed."
)
@click.option("--order", "order_id", type=int, help="Re-rank one job order.")
@with_appcontext
def match_command(everything: bool, order_id: int | None) -> None:
    """Re-rank job orders and store their top matches (the nightly batch does the changed ones)."""
    import time

    from webapp.services import ranking

    started = time.perf_counter()
    if order_id is not None:
        counts = {"orders": 1, "matches": len(ranking.rerank_order(db.session, order_id))}
    elif everything:
        counts = ranking.rerank_all(db.session)
    else:
        counts = ranking.rerank_changed(db.session)
    elapsed = time.perf_counter() - started
    click.echo("匹配完成：" + "，".join(f"{k} {v}" for k, v in counts.items()) + f"（{elapsed:.2f} 秒）")
