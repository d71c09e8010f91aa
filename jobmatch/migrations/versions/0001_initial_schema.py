"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('data_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('employers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('town', sa.String(length=50), nullable=True),
    sa.Column('community', sa.String(length=50), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('contact_phone', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('fairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('town', sa.String(length=50), nullable=False),
    sa.Column('communities', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=True),
    sa.Column('fair_id', sa.Integer(), nullable=True),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('openings', sa.Integer(), nullable=False),
    sa.Column('wage_min', sa.Float(), nullable=True),
    sa.Column('wage_max', sa.Float(), nullable=True),
    sa.Column('wage_unit', sa.String(length=10), nullable=False),
    sa.Column('town', sa.String(length=50), nullable=True),
    sa.Column('community', sa.String(length=50), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('shift', sa.String(length=20), nullable=False),
    sa.Column('age_min', sa.Integer(), nullable=True),
    sa.Column('age_max', sa.Integer(), nullable=True),
    sa.Column('perks', sa.JSON(), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=True),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('age_min IS NULL OR age_max IS NULL OR age_min <= age_max', name='ck_jobs_age_order'),
    sa.CheckConstraint('wage_min IS NULL OR wage_max IS NULL OR wage_min <= wage_max', name='ck_jobs_wage_order'),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['fair_id'], ['fairs.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('external_id')
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_fair_id'), ['fair_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_is_open'), ['is_open'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_shift'), ['shift'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_town'), ['town'], unique=False)

    op.create_table('profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=True),
    sa.Column('fair_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=50), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('age', sa.Integer(), nullable=True),
    sa.Column('town', sa.String(length=50), nullable=True),
    sa.Column('community', sa.String(length=50), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('experience', sa.Text(), nullable=False),
    sa.Column('desired', sa.Text(), nullable=False),
    sa.Column('expected_wage', sa.Float(), nullable=True),
    sa.Column('availability', sa.String(length=20), nullable=False),
    sa.Column('max_commute_km', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['fair_id'], ['fairs.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('external_id')
    )
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profiles_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_profiles_fair_id'), ['fair_id'], unique=False)

    op.create_table('outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcomes_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcomes_profile_id'), ['profile_id'], unique=False)

    # The matcher's data version starts at 0; every write that changes matchable data bumps it.
    data_versions = sa.table("data_versions", sa.column("name", sa.String), sa.column("version", sa.Integer))
    op.bulk_insert(data_versions, [{"name": "matching", "version": 0}])


def downgrade() -> None:
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcomes_profile_id'))
        batch_op.drop_index(batch_op.f('ix_outcomes_job_id'))

    op.drop_table('outcomes')
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profiles_fair_id'))
        batch_op.drop_index(batch_op.f('ix_profiles_deleted_at'))

    op.drop_table('profiles')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_town'))
        batch_op.drop_index(batch_op.f('ix_jobs_shift'))
        batch_op.drop_index(batch_op.f('ix_jobs_is_open'))
        batch_op.drop_index(batch_op.f('ix_jobs_fair_id'))
        batch_op.drop_index(batch_op.f('ix_jobs_employer_id'))

    op.drop_table('jobs')
    op.drop_table('fairs')
    op.drop_table('employers')
    op.drop_table('data_versions')
