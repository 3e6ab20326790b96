"""The rules of the six orders at every door: departure plans, eligibility, idempotent partner posts, fair day.

- ``worker.hard_to_employ`` (就业困难人员 sub-type), ``job_order.route_reason`` and ``placement.route_reason``;
- dispatch batches get a departure plan (``confirmed_at/by``, ``departed_on``, cancellation) and members a
  ``not_placed_reason``; cooperation posts keep the partner's post number (``partner_ref``);
- fair check-ins and outcomes keep the reason when staff record them on another day; one booth number per
  approved employer of a fair.

Data moved, nothing dropped:

- a batch "departed" before its departure date (确认出发 used to record placements at once) becomes a departure
  plan again: its placements, their follow-up visits and the headcount they took are taken back, the workers are
  seeking again, and the scheduler records the placements on the departure date;
- a duplicated booth number keeps its first holder, the others get ``-2``, ``-3``… so that none is lost;
- orders of workshop employers (扶贫车间) left on the old default route 本地企业 and their placements take the
  workshop route; orders of a public-welfare occupation become public-welfare posts.

Revision ID: 0008_doors
Revises: 0007_merge
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

import config

revision = "0008_doors"
down_revision = "0008_sessions"
branch_labels = None
depends_on = None

BOOTH_WHERE = sa.text("status = 'approved' AND booth <> ''")


def upgrade():
    with op.batch_alter_table("worker") as batch:
        batch.add_column(sa.Column("hard_to_employ", sa.String(32), nullable=False, server_default=""))
    with op.batch_alter_table("job_order") as batch:
        batch.add_column(sa.Column("route_reason", sa.String(255), nullable=False, server_default=""))
    with op.batch_alter_table("placement") as batch:
        batch.add_column(sa.Column("route_reason", sa.String(255), nullable=False, server_default=""))
    with op.batch_alter_table("dispatch_batch") as batch:
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(), nullable=True))
        # A plain user id: a foreign key would make SQLite rebuild the table, and its ON DELETE CASCADE
        # children (the members) would be deleted with the old one.
        batch.add_column(sa.Column("confirmed_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("departed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("cancel_reason", sa.String(255), nullable=False, server_default=""))
    with op.batch_alter_table("dispatch_member") as batch:
        batch.add_column(sa.Column("not_placed_reason", sa.String(255), nullable=False, server_default=""))
    with op.batch_alter_table("cooperation_post") as batch:
        batch.add_column(sa.Column("partner_ref", sa.String(64), nullable=True))
    # An index, not a table constraint: SQLite would rebuild the table for a constraint.
    op.create_index(
        "uq_cooperation_post_agreement_ref", "cooperation_post", ["agreement_id", "partner_ref"], unique=True
    )
    for table in ("fair_check_in", "fair_outcome"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("off_day_reason", sa.String(255), nullable=False, server_default=""))

    conn = op.get_bind()
    _early_dispatches_become_plans(conn, date.today())
    _unique_booths(conn)
    _workshop_routes_and_public_welfare(conn)
    op.create_index(
        "uq_fair_participant_booth",
        "fair_participant",
        ["fair_id", "booth"],
        unique=True,
        sqlite_where=BOOTH_WHERE,
        postgresql_where=BOOTH_WHERE,
    )


def _early_dispatches_become_plans(conn, today):
    batches = conn.execute(
        sa.text(
            "SELECT id, departed_at FROM dispatch_batch WHERE status = 'departed' AND departure_date > :today"
        ),
        {"today": today},
    ).all()
    for batch_id, departed_at in batches:
        members = conn.execute(
            sa.text(
                "SELECT m.id, m.worker_id, m.placement_id, p.job_order_id FROM dispatch_member m "
                "LEFT JOIN placement p ON p.id = m.placement_id WHERE m.batch_id = :b"
            ),
            {"b": batch_id},
        ).all()
        for member_id, worker_id, placement_id, order_id in members:
            if placement_id is not None:
                conn.execute(sa.text("DELETE FROM follow_up WHERE placement_id = :p"), {"p": placement_id})
                conn.execute(
                    sa.text("UPDATE fair_outcome SET placement_id = NULL WHERE placement_id = :p"),
                    {"p": placement_id},
                )
                conn.execute(
                    sa.text("UPDATE dispatch_member SET placement_id = NULL WHERE id = :m"), {"m": member_id}
                )
                conn.execute(sa.text("DELETE FROM placement WHERE id = :p"), {"p": placement_id})
                if order_id is not None:
                    conn.execute(
                        sa.text(
                            "UPDATE job_order SET filled = CASE WHEN filled > 0 THEN filled - 1 ELSE 0 END, "
                            "status = CASE WHEN status = 'filled' THEN 'open' ELSE status END WHERE id = :o"
                        ),
                        {"o": order_id},
                    )
                    conn.execute(
                        sa.text(
                            "UPDATE match SET state = 'offered' "
                            "WHERE job_order_id = :o AND worker_id = :w AND state = 'hired'"
                        ),
                        {"o": order_id, "w": worker_id},
                    )
            still_employed = conn.execute(
                sa.text("SELECT 1 FROM placement WHERE worker_id = :w AND status = 'active'"),
                {"w": worker_id},
            ).first()
            if still_employed is None:
                conn.execute(
                    sa.text("UPDATE worker SET status = 'seeking' WHERE id = :w AND status = 'employed'"),
                    {"w": worker_id},
                )
        conn.execute(
            sa.text(
                "UPDATE dispatch_batch SET status = 'confirmed', confirmed_at = :at, departed_at = NULL "
                "WHERE id = :b"
            ),
            {"at": departed_at, "b": batch_id},
        )


def _unique_booths(conn):
    rows = conn.execute(
        sa.text(
            "SELECT id, fair_id, booth FROM fair_participant WHERE status = 'approved' AND booth <> '' "
            "ORDER BY fair_id, booth, id"
        )
    ).all()
    taken = {(fair_id, booth) for _id, fair_id, booth in rows}
    seen = set()
    for row_id, fair_id, booth in rows:
        if (fair_id, booth) not in seen:
            seen.add((fair_id, booth))
            continue
        n = 2
        while (fair_id, f"{booth}-{n}"[:32]) in taken:
            n += 1
        new = f"{booth}-{n}"[:32]
        taken.add((fair_id, new))
        conn.execute(sa.text("UPDATE fair_participant SET booth = :b WHERE id = :i"), {"b": new, "i": row_id})


def _workshop_routes_and_public_welfare(conn):
    workshop_orders = sa.text(
        "SELECT o.id FROM job_order o JOIN employer e ON e.id = o.employer_id "
        "WHERE e.is_workshop = :yes AND o.route = 'local_enterprise'"
    )
    ids = [r[0] for r in conn.execute(workshop_orders, {"yes": True})]
    for order_id in ids:
        conn.execute(sa.text("UPDATE job_order SET route = 'workshop' WHERE id = :o"), {"o": order_id})
        conn.execute(
            sa.text(
                "UPDATE placement SET route = 'workshop' WHERE job_order_id = :o AND route = 'local_enterprise'"
            ),
            {"o": order_id},
        )
    codes = [o["code"] for o in config.load_occupations() if o.get("public_welfare")]
    if codes:
        conn.execute(
            sa.text("UPDATE job_order SET public_welfare = :yes WHERE occupation_code IN :codes").bindparams(
                sa.bindparam("codes", expanding=True)
            ),
            {"yes": True, "codes": codes},
        )


def downgrade():
    op.drop_index("uq_fair_participant_booth", table_name="fair_participant")
    for table in ("fair_check_in", "fair_outcome"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("off_day_reason")
    op.drop_index("uq_cooperation_post_agreement_ref", table_name="cooperation_post")
    with op.batch_alter_table("cooperation_post") as batch:
        batch.drop_column("partner_ref")
    with op.batch_alter_table("dispatch_member") as batch:
        batch.drop_column("not_placed_reason")
    with op.batch_alter_table("dispatch_batch") as batch:
        for name in ("cancel_reason", "cancelled_at", "departed_on", "confirmed_by", "confirmed_at"):
            batch.drop_column(name)
    with op.batch_alter_table("placement") as batch:
        batch.drop_column("route_reason")
    with op.batch_alter_table("job_order") as batch:
        batch.drop_column("route_reason")
    with op.batch_alter_table("worker") as batch:
        batch.drop_column("hard_to_employ")
