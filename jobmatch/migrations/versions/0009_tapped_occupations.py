"""Profiles keep the kinds of work the resident tapped at the kiosk, as occupation names: done before, and wanted

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("experience_occupations", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("desired_occupations", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("desired_occupations")
        batch.drop_column("experience_occupations")
