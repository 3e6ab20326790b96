"""``liudan training …``: training needs and the training and subsidy ledgers from the command line.

Each command acts for a named account (``--user``), so that it sees exactly what that person may see and the
exports are audited under their name::

    liudan training needs --user city_staff --region 320000
    liudan training ledger 培训台账.xlsx --user city_staff
    liudan training subsidy-ledger 补贴台账.xlsx --user city_staff
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from webapp.errors import DomainError
from webapp.extensions import db
from webapp.models import User
from webapp.services import reference, subsidies, training
from webapp.services.scope import Actor


def _actor(username: str) -> Actor:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise click.ClickException(f"没有启用的账号 {username}")
    return Actor.of(user)


@click.group("training")
def training_group() -> None:
    """培训需求与培训、补贴台账（接单、买单）。"""


@training_group.command("needs")
@click.option("--user", "username", required=True, help="以该账号的权限范围统计")
@click.option("--region", "region_code", default=None, help="只看该地区及其下级的用工地")
@click.option("--limit", default=30, show_default=True, type=click.IntRange(1, 10000))
@with_appcontext
def needs_command(username: str, region_code: str | None, limit: int) -> None:
    """Print the training needs, largest gap first."""
    if region_code and region_code not in reference.region_names():
        raise click.ClickException(f"未知的地区代码 {region_code}")
    try:
        needs = training.training_needs(db.session, _actor(username), region_code=region_code)
    except DomainError as err:
        raise click.ClickException(err.message) from None
    click.echo("工种\t用工地\t待招\t合格供给\t缺口\t希望培训\t差一证/技能")
    for n in needs[:limit]:
        click.echo(
            f"{n.occupation_name}\t{n.region_name}\t{n.demand}\t{n.qualified_supply}\t{n.gap}\t"
            f"{n.wished_by}\t{len(n.near_miss)}"
        )


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    click.echo(f"已导出 {path}（{len(data)} 字节）")


@training_group.command("ledger")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--user", "username", required=True, help="以该账号的权限导出（记入审计日志）")
@with_appcontext
def ledger_command(out: Path, username: str) -> None:
    """Export the training ledger (培训台账) as .xlsx."""
    try:
        _write(out, training.training_ledger(db.session, _actor(username), ip="cli"))
    except DomainError as err:
        raise click.ClickException(err.message) from None


@training_group.command("subsidy-ledger")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--user", "username", required=True, help="以该账号的权限导出（记入审计日志）")
@with_appcontext
def subsidy_ledger_command(out: Path, username: str) -> None:
    """Export the subsidy ledger (补贴台账) as .xlsx."""
    try:
        _write(out, subsidies.subsidy_ledger(db.session, _actor(username), ip="cli"))
    except DomainError as err:
        raise click.ClickException(err.message) from None
