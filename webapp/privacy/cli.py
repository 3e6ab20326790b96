"""``liudan privacy erase --worker ID`` (consent withdrawn) and ``liudan privacy purge`` (retention)."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from webapp.extensions import db


@click.group("privacy", help="个人信息：撤回同意后注销、按保存期限清理")
def privacy_group() -> None:
    """Personal-data commands."""


@privacy_group.command("erase")
@click.option(
    "--worker", "worker_id", required=True, type=click.IntRange(1, 2_147_483_647), help="求职人员编号"
)
@click.option("--yes", is_flag=True, help="不再询问确认")
@with_appcontext
def erase_command(worker_id: int, yes: bool) -> None:
    """Anonymise a worker who withdrew consent: name, ID number and phone are removed, statistics kept."""
    from webapp.errors import DomainError
    from webapp.services import privacy

    if not yes:
        click.confirm(f"注销求职人员 {worker_id} 的个人信息（不可恢复）？", abort=True)
    try:
        touched = privacy.erase_worker(db.session, None, worker_id)
    except DomainError as err:
        raise click.ClickException(err.message) from None
    click.echo(f"已注销求职人员 {worker_id} 的个人信息：" + "，".join(f"{k} {v}" for k, v in touched.items()))


@privacy_group.command("purge")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="按此日期计算保存期限（默认今天）")
@with_appcontext
def purge_command(today: object) -> None:
    """Delete or anonymise what has passed its retention period (config/security.toml)."""
    from webapp.services import privacy

    day = today.date() if today is not None else date.today()  # type: ignore[attr-defined]
    counts = privacy.purge_expired(db.session, today=day)
    click.echo("保存期限清理完成：" + "，".join(f"{k} {v}" for k, v in counts.items()))
