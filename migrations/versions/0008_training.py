"""Course rules and 防返贫 monitoring: the certificate's issuer on an enrolment; households, members, visits.

Existing certificates keep their number and date on the enrolment (the issuer was never asked: it stays empty
and the pages show it as not recorded); no existing row changes.

Revision ID: 0008_training
Revises: 0008_engine
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_training"
down_revision = "0008_engine"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("certificate_issuer", sa.String(length=128), nullable=True))

    op.create_table(
        "household",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("head_name", sa.String(length=64), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("left_poverty_year", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("risk_flags", sa.JSON(), nullable=False),
        sa.Column("visit_every_days", sa.Integer(), nullable=False),
        sa.Column("next_visit_on", sa.Date(), nullable=False),
        sa.Column("last_visited_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cleared_reason", sa.String(length=255), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("visit_every_days > 0", name=op.f("ck_household_visit_every_days_positive")),
        sa.CheckConstraint(
            "left_poverty_year IS NULL OR left_poverty_year >= 2013",
            name=op.f("ck_household_left_poverty_year_sane"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_household_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_household_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household")),
    )
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_household_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_household_next_visit_on"), ["next_visit_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_household_status"), ["status"], unique=False)

    op.create_table(
        "household_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_household_member_household_id_household"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"], name=op.f("fk_household_member_worker_id_worker")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_member")),
        sa.UniqueConstraint("worker_id", name=op.f("uq_household_member_worker_id")),
    )
    with op.batch_alter_table("household_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_member_household_id"), ["household_id"], unique=False)

    op.create_table(
        "household_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("risk_flags", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("visited_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_household_visit_household_id_household"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["visited_by"], ["user_account.id"], name=op.f("fk_household_visit_visited_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_visit")),
    )
    with op.batch_alter_table("household_visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_visit_household_id"), ["household_id"], unique=False)


def downgrade():
    op.drop_table("household_visit")
    op.drop_table("household_member")
    op.drop_table("household")
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.drop_column("certificate_issuer")
