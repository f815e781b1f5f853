"""Fielding: interviews, one row per answer (clustered by interview), the quarantine.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 16:37:12.839350
"""

import sqlalchemy as sa
from alembic import op

import peer_research.db


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('held_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('interviewer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('quarantined', 'conflict', name='hold_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('submitted', sa.JSON(), nullable=False),
    sa.Column('received_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['interviewer_id'], ['users.id'], name=op.f('fk_held_submissions_interviewer_id_users')),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_held_submissions_study_id_studies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_held_submissions')),
    sa.UniqueConstraint('uuid', 'content_hash', name=op.f('uq_held_submissions_uuid_content_hash'))
    )
    with op.batch_alter_table('held_submissions', schema=None) as batch_op:
        batch_op.create_index('ix_held_submissions_study_id_received_at', ['study_id', 'received_at'], unique=False)

    op.create_table('interviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('interviewer_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=35), nullable=False),
    sa.Column('status', sa.Enum('complete', 'stopped', name='interview_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('stop_reason', sa.Enum('upset', 'tired', 'wants_to_stop', 'other', name='stop_reason', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('stop_note', sa.Text(), nullable=True),
    sa.Column('started_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', peer_research.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('received_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('submitted', sa.JSON(), nullable=False),
    sa.Column('dropped', sa.JSON(), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('notes_for_release', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['interviewer_id'], ['users.id'], name=op.f('fk_interviews_interviewer_id_users')),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_interviews_study_id_studies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['questionnaire_versions.id'], name=op.f('fk_interviews_version_id_questionnaire_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interviews')),
    sa.UniqueConstraint('uuid', name=op.f('uq_interviews_uuid'))
    )
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interviews_interviewer_id'), ['interviewer_id'], unique=False)
        batch_op.create_index('ix_interviews_study_id_received_at', ['study_id', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_interviews_version_id'), ['version_id'], unique=False)

    op.create_table('interview_answers',
    sa.Column('interview_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=250), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['interview_id'], ['interviews.id'], name=op.f('fk_interview_answers_interview_id_interviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('interview_id', 'question_key', 'value', name=op.f('pk_interview_answers')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('interview_answers', schema=None) as batch_op:
        batch_op.create_index('ix_interview_answers_question_key_value', ['question_key', 'value'], unique=False, postgresql_include=['interview_id'])



def downgrade() -> None:
    with op.batch_alter_table('interview_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_interview_answers_question_key_value', postgresql_include=['interview_id'])

    op.drop_table('interview_answers')
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interviews_version_id'))
        batch_op.drop_index('ix_interviews_study_id_received_at')
        batch_op.drop_index(batch_op.f('ix_interviews_interviewer_id'))

    op.drop_table('interviews')
    with op.batch_alter_table('held_submissions', schema=None) as batch_op:
        batch_op.drop_index('ix_held_submissions_study_id_received_at')

    op.drop_table('held_submissions')
