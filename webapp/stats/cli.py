"""``liudan stats --region CODE``: the dashboard's figures on the command line (text or ``--json``)."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from webapp.errors import DomainError
from webapp.extensions import db
from webapp.imports.cli import cli_actor
from webapp.services import stats
from webapp.services.validation import FieldError, parse_region
from webapp.stats.charts import percent


@click.command("stats")
@click.option("--region", "region_code", default=None, help="Region code (default: the city).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--json", "as_json", is_flag=True, help="The same JSON as GET /api/v1/stats/summary.")
@click.option("--user", "username", default=None, help="Act as this user (region scope).")
@with_appcontext
def stats_command(
    region_code: str | None, date_from: object, date_to: object, as_json: bool, username: str | None
) -> None:
    """Registered-poor labour force, employment and training rates, placements, fairs and demand."""
    actor = cli_actor(username)
    try:
        code = parse_region(region_code) if region_code else None
        board = stats.dashboard(
            db.session,
            actor,
            region_code=code,
            date_from=date_from.date() if date_from else None,  # type: ignore[attr-defined]
            date_to=date_to.date() if date_to else None,  # type: ignore[attr-defined]
        )
    except FieldError as err:
        raise click.BadParameter(str(err), param_hint="--region") from None
    except DomainError as err:
        raise click.ClickException(err.message) from None
    if as_json:
        click.echo(json.dumps(board.to_dict(), ensure_ascii=False, indent=2))
        return
    r = board.region
    click.echo(f"{r.name}（{r.code}）  期间 {board.date_from} 至 {board.date_to}")
    click.echo(
        f"建档立卡劳动力 {r.labour_force}，已就业 {r.employed}（就业率 {percent(r.employment_rate)}），"
        f"已培训 {r.trained}（培训率 {percent(r.training_rate)}），正在求职 {r.seeking}"
    )
    if board.children:
        click.echo("\n名次  地区              劳动力   已就业   就业率   已培训   培训率")
        for c in board.children:
            click.echo(
                f"{c.rank or '-':>4}  {c.name:<12}{c.labour_force:>8}{c.employed:>9}{percent(c.employment_rate):>9}"
                f"{c.trained:>9}{percent(c.training_rate):>9}"
            )
    click.echo(f"\n期间就业 {board.placements_total} 人次（建档立卡 {board.placements_poor}）")
    click.echo("  按渠道：" + "，".join(f"{x['name']} {x['placements']}" for x in board.by_route))
    click.echo("  按就业地：" + "，".join(f"{x['name']} {x['placements']}" for x in board.by_destination))
    f = board.fairs
    click.echo(f"招聘会：已举办 {f['held']} 场，签到 {f['check_ins']} 人次，录用 {f['hired']} 人")
    u = board.follow_ups
    click.echo(f"回访：应访 {u['due']}，已访 {u['done']}，逾期 {u['overdue']}，离职 {u['left']}")
    if board.unmet_demand:
        click.echo(
            "缺口最大的工种："
            + "，".join(f"{d['occupation_name']} {d['open_posts']}" for d in board.unmet_demand)
        )
