"""Keep each invitation's score breakdown, so that a viewer who may not see a component (an employer and the
registered-poor ``priority``) is shown a score computed without it.

Revision ID: 0008_shortlist_breakdown
Revises: 0008_golive
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_shortlist_breakdown"
down_revision = "0008_golive"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("fair_shortlist_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("breakdown", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("fair_shortlist_entry", schema=None) as batch_op:
        batch_op.drop_column("breakdown")
