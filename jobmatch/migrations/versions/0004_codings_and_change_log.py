"""Stored occupation codings, and a log of matchable changes for incremental indexes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("coding", sa.JSON(), nullable=True))
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("coding", sa.JSON(), nullable=True))
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_changes_version", "changes", ["version"])


def downgrade() -> None:
    op.drop_index("ix_changes_version", table_name="changes")
    op.drop_table("changes")
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("coding")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("coding")
