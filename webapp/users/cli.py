"""``liudan users …``: the operator of the server manages accounts (acting as the system administrator)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from webapp.errors import DomainError
from webapp.extensions import db
from webapp.imports.cli import SYSTEM
from webapp.models import ROLES
from webapp.services import users


def _fail(err: DomainError) -> click.ClickException:
    detail = "；".join(f"{name}: {message}" for name, message in err.fields.items())
    return click.ClickException(err.message + (f"（{detail}）" if detail else ""))


@click.group("users")
def users_group() -> None:
    """User accounts: create, list, disable and re-enable, reset passwords."""


@users_group.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", "display_name", default="", help="Display name (姓名).")
@click.option("--region", "region_code", help="Staff: the region the account is bound to.")
@click.option("--employer", "employer_id", type=int, help="Employer account: the employer's id.")
@click.option(
    "--institution", "training_provider_id", type=int, help="Trainer account: the institution's id."
)
@click.option("--password", help="Initial password; without it a one-time password is made and printed once.")
@with_appcontext
def create_command(
    username: str,
    role: str,
    display_name: str,
    region_code: str | None,
    employer_id: int | None,
    training_provider_id: int | None,
    password: str | None,
) -> None:
    """Create an account (its owner must choose a new password at the first login)."""
    data = {
        "username": username,
        "role": role,
        "display_name": display_name,
        "region_code": region_code,
        "employer_id": employer_id,
        "training_provider_id": training_provider_id,
        "password": password,
    }
    try:
        user, secret = users.create_user(db.session, SYSTEM, {k: v for k, v in data.items() if v is not None})
    except DomainError as err:
        raise _fail(err) from None
    click.echo(f"已创建账号 {user.username}（{user.role}）")
    if not password:
        click.echo(f"一次性密码（只显示这一次，首次登录须修改）：{secret}")


@users_group.command("list")
@click.option("--role", type=click.Choice(ROLES))
@click.option("--q", default="", help="Part of the username or name.")
@with_appcontext
def list_command(role: str | None, q: str) -> None:
    """List accounts: id, username, role, binding, state."""
    page = users.list_users(db.session, SYSTEM, q=q, role=role, per_page=10_000)
    for user in page.items:
        row = users.user_to_dict(user)
        binding = row["region_code"] or row["employer_name"] or row["training_provider_name"] or ""
        state = "启用" if row["active"] else "已停用"
        click.echo(f"{row['id']}\t{row['username']}\t{row['role']}\t{binding}\t{state}")
    click.echo(f"共 {page.total} 个账号")


def _user_id(username: str) -> int:
    try:
        return users.find_user(db.session, username).id
    except DomainError as err:
        raise _fail(err) from None


@users_group.command("disable")
@click.argument("username")
@with_appcontext
def disable_command(username: str) -> None:
    """Disable an account: its sessions and API tokens stop working at once."""
    users.set_active(db.session, SYSTEM, _user_id(username), active=False)
    click.echo(f"已停用账号 {username}")


@users_group.command("enable")
@click.argument("username")
@with_appcontext
def enable_command(username: str) -> None:
    """Re-enable a disabled account."""
    users.set_active(db.session, SYSTEM, _user_id(username), active=True)
    click.echo(f"已启用账号 {username}")


@users_group.command("reset-password")
@click.argument("username")
@with_appcontext
def reset_password_command(username: str) -> None:
    """Set a one-time password (printed once); it must be changed at the next login."""
    user, secret = users.reset_password(db.session, SYSTEM, _user_id(username))
    click.echo(f"账号 {user.username} 的一次性密码（只显示这一次，登录后须修改）：{secret}")
