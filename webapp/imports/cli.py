"""``liudan import workers|employers|job-orders FILE [--dry-run]`` and ``liudan ledger KIND -o FILE``."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from webapp.errors import DomainError
from webapp.extensions import db
from webapp.models import User
from webapp.services import imports, ledgers
from webapp.services.scope import Actor

#: The command line acts as the system (an administrator without a user row) unless --user names someone.
SYSTEM = Actor(user_id=None, role="admin", username="liudan-cli")


def cli_actor(username: str | None) -> Actor:
    """The actor a command runs as: ``--user`` (scoped and audited as that user) or the system."""
    if not username:
        return SYSTEM
    user = db.session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        raise click.BadParameter(f"没有名为 {username} 的有效用户", param_hint="--user")
    return Actor.of(user)


def _run_import(kind: str, path: Path, dry_run: bool, username: str | None) -> None:
    actor = cli_actor(username)
    estimate = imports.estimate_rows(path)
    label = f"{'校验' if dry_run else '导入'} {path.name}"
    try:
        with click.progressbar(length=estimate or 1, label=label, file=sys.stderr) as bar:

            def progress(rows: int) -> None:
                bar.update(max(0, min(rows, estimate or rows) - bar.pos))

            result = imports.import_file(db.session, actor, kind, path, dry_run=dry_run, progress=progress)
    except DomainError as err:
        click.echo(f"拒绝导入：{err.message}", err=True)
        for name, message in err.fields.items():
            if message != err.message:
                click.echo(f"  {name}：{message}", err=True)
        raise SystemExit(1) from None
    if not result.ok:
        click.echo(f"拒绝导入 {path.name}：{result.error_count} 处错误，未写入任何数据", err=True)
        for error in result.errors:
            click.echo("  " + error.describe(), err=True)
        if result.error_count > len(result.errors):
            click.echo(f"  ……另有 {result.error_count - len(result.errors)} 处错误未列出", err=True)
        raise SystemExit(1)
    verb = "校验通过（未写入）" if dry_run else "已导入"
    click.echo(
        f"{verb}：{result.rows} 行，新增 {result.created}，更新 {result.updated}，无变化 {result.unchanged}"
    )


@click.group("import")
def import_group() -> None:
    """Import workers, employers or job orders from an .xlsx or .csv file (all rows or none)."""


def _import_command(kind: str, help_text: str) -> click.Command:
    @click.command(kind, help=help_text)
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Check every row and report, write nothing.")
    @click.option("--user", "username", default=None, help="Act as this user (region scope, audit).")
    @with_appcontext
    def command(file: Path, dry_run: bool, username: str | None) -> None:
        _run_import(kind, file, dry_run, username)

    return command


import_group.add_command(_import_command("workers", "Workers (求职人员), keyed by ID number."))
import_group.add_command(_import_command("employers", "Employers (用工企业), keyed by credit code (USCC)."))
import_group.add_command(
    _import_command("job-orders", "Job orders (岗位订单), keyed by employer, title and place of work.")
)


@click.command("ledger")
@click.argument("kind", type=click.Choice(sorted(ledgers.LEDGERS)))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--region", "region_code", default=None, help="Region code (default: the user's or the city).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--full-ids", is_flag=True, help="Full ID numbers and phones (audited).")
@click.option("--user", "username", default=None, help="Act as this user (region scope, audit).")
@with_appcontext
def ledger_command(
    kind: str,
    output: Path,
    region_code: str | None,
    date_from: object,
    date_to: object,
    full_ids: bool,
    username: str | None,
) -> None:
    """Export the employment, training or follow-up ledger (台账) as .xlsx."""
    actor = cli_actor(username)
    data = {
        "kind": kind,
        "region_code": region_code,
        "date_from": date_from.date().isoformat() if date_from else None,  # type: ignore[attr-defined]
        "date_to": date_to.date().isoformat() if date_to else None,  # type: ignore[attr-defined]
        "full_ids": full_ids,
    }
    try:
        export = ledgers.export_from_input(db.session, actor, data, today=date.today())
    except DomainError as err:
        details = "；".join(f"{k}：{v}" for k, v in err.fields.items())
        raise click.ClickException(err.message + (f"（{details}）" if details else "")) from None
    output.write_bytes(export.content)
    click.echo(f"已导出 {export.rows} 行到 {output}")
