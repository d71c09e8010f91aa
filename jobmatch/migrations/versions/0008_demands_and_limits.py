"""Vacancies keep the office's correction of what they demand; profiles keep what the resident tapped at the kiosk

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("demands", sa.JSON(), nullable=True))
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("limits", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("limits")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("demands")
