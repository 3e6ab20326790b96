"""``liudan coordinators --region CODE --password PW``: a staff account for every village without one."""

from __future__ import annotations

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
    "--password",
    required=True,
    help="The initial password of every new account (10+ characters, hard to guess).",
)
@click.option("--prefix", default="xgy", show_default=True, help="Usernames are <prefix><village code>.")
@with_appcontext
def coordinators_command(region_code: str, password: str, prefix: str) -> None:
    """Create village coordinator accounts (村级协管员): follow-up visits are assigned to them."""
    try:
        code = parse_region(region_code)
        created = followups.create_village_coordinators(
            db.session, SYSTEM, code, password=password, prefix=prefix
        )
    except FieldError as err:
        raise click.BadParameter(str(err), param_hint="--region") from None
    except DomainError as err:
        raise click.ClickException("；".join([err.message, *err.fields.values()])) from None
    click.echo(f"已创建 {len(created)} 个村级协管员账号" + (f"：{created[0].username} …" if created else ""))
