"""Easy-read images of questionnaires, and each study's jargon list.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 18:09:14.900121
"""

import sqlalchemy as sa
from alembic import op

import peer_research.db

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('jargon_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.Column('suggestion', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_jargon_terms_study_id_studies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jargon_terms')),
    sa.UniqueConstraint('study_id', 'term', name=op.f('uq_jargon_terms_study_id_term'))
    )
    with op.batch_alter_table('jargon_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jargon_terms_study_id'), ['study_id'], unique=False)

    op.create_table('questionnaire_media',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=50), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_questionnaire_media_created_by_id_users')),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_questionnaire_media_questionnaire_id_questionnaires'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_media')),
    sa.UniqueConstraint('questionnaire_id', 'sha256', name=op.f('uq_questionnaire_media_questionnaire_id_sha256'))
    )
    with op.batch_alter_table('questionnaire_media', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_media_questionnaire_id'), ['questionnaire_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('questionnaire_media', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_media_questionnaire_id'))

    op.drop_table('questionnaire_media')
    with op.batch_alter_table('jargon_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jargon_terms_study_id'))

    op.drop_table('jargon_terms')
