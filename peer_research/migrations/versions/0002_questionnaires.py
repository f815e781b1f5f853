"""Questionnaires: draft items and frozen published versions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 17:59:55.597165
"""

import sqlalchemy as sa
from alembic import op

import peer_research.db
from peer_research.migrations.guards import drop_append_only, make_append_only

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('questionnaires',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('form_id', sa.String(length=100), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('created_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_questionnaires_created_by_id_users')),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_questionnaires_study_id_studies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaires'))
    )
    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaires_study_id'), ['study_id'], unique=False)

    op.create_table('questionnaire_draft_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('deleted_at', peer_research.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['questionnaire_draft_items.id'], name=op.f('fk_questionnaire_draft_items_parent_id_questionnaire_draft_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_questionnaire_draft_items_questionnaire_id_questionnaires'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_questionnaire_draft_items_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_draft_items')),
    sa.UniqueConstraint('questionnaire_id', 'name', name=op.f('uq_questionnaire_draft_items_questionnaire_id_name'))
    )
    with op.batch_alter_table('questionnaire_draft_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_draft_items_questionnaire_id'), ['questionnaire_id'], unique=False)

    op.create_table('questionnaire_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('published_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_questionnaire_versions_published_by_id_users')),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_questionnaire_versions_questionnaire_id_questionnaires'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_versions')),
    sa.UniqueConstraint('questionnaire_id', 'number', name=op.f('uq_questionnaire_versions_questionnaire_id_number'))
    )
    make_append_only("questionnaire_versions", "questionnaire_versions is append-only: published versions are frozen")


def downgrade() -> None:
    drop_append_only("questionnaire_versions")
    op.drop_table('questionnaire_versions')
    with op.batch_alter_table('questionnaire_draft_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_draft_items_questionnaire_id'))

    op.drop_table('questionnaire_draft_items')
    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaires_study_id'))

    op.drop_table('questionnaires')

