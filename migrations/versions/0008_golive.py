"""go-live: employer applications, training institution details, job-order review, employer industry

Revision ID: 0008_golive
Revises: 0008_doors

Existing job orders keep their status (open, filled, closed, expired): they count as approved. Only orders
posted by employers from now on start as ``pending`` (待审核).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_golive"
down_revision = "0008_doors"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("employer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("industry", sa.String(length=64), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("workshop_certificate", sa.String(length=64), nullable=False, server_default="")
        )
    with op.batch_alter_table("training_provider", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uscc", sa.String(length=18), nullable=True))
        batch_op.add_column(
            sa.Column("licence_number", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("contact_name", sa.String(length=64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("contact_phone", sa.String(length=20), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("occupations", sa.JSON(), nullable=False, server_default="[]"))
    # A unique index, not a constraint: on SQLite a new constraint rebuilds the table, and dropping the old
    # table under enabled foreign keys fails (or cascades) for the courses that reference it.
    op.create_index("uq_training_provider_uscc", "training_provider", ["uscc"], unique=True)
    # Plain ADD COLUMNs: rebuilding job_order on SQLite would drop a table that matches, placements and fairs
    # reference. The reviewer's foreign key is added where ALTER TABLE can add one (PostgreSQL).
    op.add_column("job_order", sa.Column("review_note", sa.String(length=255), nullable=False, server_default=""))
    op.add_column("job_order", sa.Column("reviewed_by", sa.Integer(), nullable=True))
    op.add_column("job_order", sa.Column("reviewed_at", sa.DateTime(), nullable=True))
    if op.get_bind().dialect.name != "sqlite":
        op.create_foreign_key(
            "fk_job_order_reviewed_by_user_account", "job_order", "user_account", ["reviewed_by"], ["id"]
        )
    op.create_table(
        "employer_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("name_key", sa.String(length=128), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("industry", sa.String(length=64), nullable=False),
        sa.Column("contact_name", sa.String(length=64), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("is_workshop", sa.Boolean(), nullable=False),
        sa.Column("workshop_certificate", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("review_note", sa.String(length=255), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employer.id"], name=op.f("fk_employer_application_employer_id_employer")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_employer_application_region_code_region")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"], ["user_account.id"], name=op.f("fk_employer_application_reviewed_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"],
            ["user_account.id"],
            name=op.f("fk_employer_application_submitted_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employer_application")),
    )
    with op.batch_alter_table("employer_application", schema=None) as batch_op:
        for column in ("status", "employer_id", "name_key", "uscc", "region_code"):
            batch_op.create_index(batch_op.f(f"ix_employer_application_{column}"), [column], unique=False)


def downgrade():
    op.drop_table("employer_application")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_job_order_reviewed_by_user_account", "job_order", type_="foreignkey")
    with op.batch_alter_table("job_order", schema=None) as batch_op:
        for column in ("reviewed_at", "reviewed_by", "review_note"):
            batch_op.drop_column(column)
    op.drop_index("uq_training_provider_uscc", table_name="training_provider")
    with op.batch_alter_table("training_provider", schema=None) as batch_op:
        for column in ("occupations", "contact_phone", "contact_name", "licence_number", "uscc"):
            batch_op.drop_column(column)
    with op.batch_alter_table("employer", schema=None) as batch_op:
        batch_op.drop_column("workshop_certificate")
        batch_op.drop_column("industry")
