"""Matching v2 (issue 11): years of experience per occupation on the worker; an order's occupation may be an
unclassified term kept as typed (up to 64 characters).

Revision ID: 0008_engine
Revises: 0008_shortlist_breakdown
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_engine"
down_revision = "0008_shortlist_breakdown"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("worker", sa.Column("experience_years", sa.JSON(), nullable=True))
    # SQLite keeps no length on VARCHAR: only PostgreSQL needs the wider column, and rebuilding job_order on
    # SQLite would drop a table that matches, placements and fairs reference.
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(
            "job_order", "occupation_code", existing_type=sa.String(length=32), type_=sa.String(length=64)
        )


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(
            "job_order", "occupation_code", existing_type=sa.String(length=64), type_=sa.String(length=32)
        )
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.drop_column("experience_years")
