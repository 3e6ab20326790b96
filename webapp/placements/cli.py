"""``liudan coordinators --region CODE [--xlsx FILE]``: a staff account for every village without one.

Each account gets its own random initial password, printed once here (and, with ``--xlsx``, written to a
printable list to hand out); the coordinator must change it at first login.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from webapp.errors import DomainError
from webapp.extensions import db
from webapp.imports.cli import SYSTEM
from webapp.services import followups
from webapp.services.validation import FieldError, parse_region


@click.command("coordinators")
@click.option(
    "--region", "region_code", required=True, help="Create for the villages at or below this region."
)
@click.option(
    "--prefix", default="xgy", show_default=True, help="Usernames are <prefix><village code>-<random>."
)
@click.option(
    "--xlsx",
    "xlsx_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the new accounts and their initial passwords to this printable .xlsx list.",
)
@with_appcontext
def coordinators_command(region_code: str, prefix: str, xlsx_path: Path | None) -> None:
    """Create village coordinator accounts (村级协管员): follow-up visits are assigned to them."""
    try:
        code = parse_region(region_code)
        created = followups.create_village_coordinators(db.session, SYSTEM, code, prefix=prefix)
    except FieldError as err:
        raise click.BadParameter(str(err), param_hint="--region") from None
    except DomainError as err:
        raise click.ClickException(err.message) from None
    click.echo(f"已创建 {len(created)} 个村级协管员账号（初始密码只显示这一次，首次登录须修改）")
    for c in created:
        click.echo(f"{c.username}  {c.village.replace(' ', '')}  {c.password}  {c.region_code}")
    if xlsx_path is not None and created:
        xlsx_path.write_bytes(followups.coordinator_sheet(created))
        click.echo(f"账号清单已写入 {xlsx_path}（含初始密码，请妥善保管，分发后删除）")
