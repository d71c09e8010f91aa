"""The outcome lifecycle: who recorded each step, which weights ranked a shown shortlist, declines by whom

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outcomes") as batch:
        batch.add_column(sa.Column("recorder", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("weights", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("score", sa.Float(), nullable=True))
        batch.add_column(sa.Column("rank", sa.Integer(), nullable=True))
    op.create_index("ix_outcomes_created_at", "outcomes", ["created_at"])
    # Before the lifecycle, staff had one "declined" button ("不合适"), pressed when the resident turned a job down.
    op.execute("UPDATE outcomes SET status = 'declined_by_resident' WHERE status = 'declined'")


def downgrade() -> None:
    op.execute("UPDATE outcomes SET status = 'declined' WHERE status IN ('declined_by_resident', 'declined_by_firm')")
    op.drop_index("ix_outcomes_created_at", table_name="outcomes")
    with op.batch_alter_table("outcomes") as batch:
        batch.drop_column("rank")
        batch.drop_column("score")
        batch.drop_column("weights")
        batch.drop_column("recorder")
