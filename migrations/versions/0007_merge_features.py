"""Merge the feature branches (follow-ups, training, fairs, security) into one head.

Revision ID: 0007_merge
Revises: 0003_followups, 0004_training, 0005_fairs, 0006_security
"""

revision = "0007_merge"
down_revision = ("0003_followups", "0004_training", "0005_fairs", "0006_security")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
