"""Matching v2 (issue 11): years of experience per occupation on the worker; an order's occupation may be an
unclassified term kept as typed (up to 64 characters).

Revision ID: 0008_engine
Revises: 0007_merge
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_engine"
down_revision = "0007_merge"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.add_column(sa.Column("experience_years", sa.JSON(), nullable=True))
    with op.batch_alter_table("job_order", schema=None) as batch_op:
        batch_op.alter_column(
            "occupation_code", existing_type=sa.String(length=32), type_=sa.String(length=64), existing_nullable=False
        )


def downgrade():
    with op.batch_alter_table("job_order", schema=None) as batch_op:
        batch_op.alter_column(
            "occupation_code", existing_type=sa.String(length=64), type_=sa.String(length=32), existing_nullable=False
        )
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.drop_column("experience_years")
