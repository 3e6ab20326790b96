"""user_account.must_change_password: a one-time password must be changed at the next login

Revision ID: 0008_golive_must_change
Revises: 0007_merge
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_golive_must_change"
down_revision = "0007_merge"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
