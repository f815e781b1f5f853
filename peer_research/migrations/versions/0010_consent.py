"""Consent: forms and versions, study keys, participant codes, records, withdrawals

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 18:28:44.095319
"""

import sqlalchemy as sa
from alembic import op

import peer_research.db


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consent_form_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('requires_reconsent', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', peer_research.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_consent_form_versions_published_by_id_users')),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_consent_form_versions_study_id_studies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_form_versions')),
    sa.UniqueConstraint('study_id', 'number', name=op.f('uq_consent_form_versions_study_id_number'))
    )
    with op.batch_alter_table('consent_form_versions', schema=None) as batch_op:
        batch_op.create_index('uq_consent_form_versions_one_draft', ['study_id'], unique=True, sqlite_where=sa.text('number IS NULL'), postgresql_where=sa.text('number IS NULL'))

    op.create_table('consent_participant_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('reserved_for_id', sa.Integer(), nullable=False),
    sa.Column('reserved_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', peer_research.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['reserved_for_id'], ['users.id'], name=op.f('fk_consent_participant_codes_reserved_for_id_users')),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_consent_participant_codes_study_id_studies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_participant_codes')),
    sa.UniqueConstraint('study_id', 'code', name=op.f('uq_consent_participant_codes_study_id_code'))
    )
    with op.batch_alter_table('consent_participant_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_participant_codes_reserved_for_id'), ['reserved_for_id'], unique=False)

    op.create_table('consent_pictures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_consent_pictures_study_id_studies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_pictures')),
    sa.UniqueConstraint('study_id', 'stored_name', name=op.f('uq_consent_pictures_study_id_stored_name'))
    )
    op.create_table('consent_study_keys',
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('key_id', sa.String(length=32), nullable=False),
    sa.Column('public_key_pem', sa.Text(), nullable=False),
    sa.Column('created_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_consent_study_keys_study_id_studies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('study_id', name=op.f('pk_consent_study_keys')),
    sa.UniqueConstraint('key_id', name=op.f('uq_consent_study_keys_key_id'))
    )
    op.create_table('consent_withdrawals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('participant_code', sa.String(length=16), nullable=False),
    sa.Column('choice', sa.Enum('remove_all', 'keep_analysed', name='withdrawal_choice', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_consent_withdrawals_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_consent_withdrawals_study_id_studies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_withdrawals')),
    sa.UniqueConstraint('study_id', 'participant_code', name=op.f('uq_consent_withdrawals_study_id_participant_code'))
    )
    op.create_table('consent_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('form_version_id', sa.Integer(), nullable=False),
    sa.Column('participant_code', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=35), nullable=False),
    sa.Column('method', sa.Enum('signature', 'typed_name', 'verbal', 'consultee', name='consent_method', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('given_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('interviewer_id', sa.Integer(), nullable=False),
    sa.Column('received_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('identifiable', sa.JSON(), nullable=True),
    sa.Column('identifiable_removed_at', peer_research.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['form_version_id'], ['consent_form_versions.id'], name=op.f('fk_consent_records_form_version_id_consent_form_versions')),
    sa.ForeignKeyConstraint(['interviewer_id'], ['users.id'], name=op.f('fk_consent_records_interviewer_id_users')),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_consent_records_study_id_studies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_records')),
    sa.UniqueConstraint('uuid', name=op.f('uq_consent_records_uuid'))
    )
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_records_form_version_id'), ['form_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_records_interviewer_id'), ['interviewer_id'], unique=False)
        batch_op.create_index('ix_consent_records_study_id_code', ['study_id', 'participant_code'], unique=False)

    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('participant_code', sa.String(length=16), server_default='', nullable=False))
        batch_op.add_column(sa.Column('withdrawn_at', peer_research.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_interviews_study_id_participant_code', ['study_id', 'participant_code'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.drop_index('ix_interviews_study_id_participant_code')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('participant_code')

    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_records_study_id_code')
        batch_op.drop_index(batch_op.f('ix_consent_records_interviewer_id'))
        batch_op.drop_index(batch_op.f('ix_consent_records_form_version_id'))

    op.drop_table('consent_records')
    op.drop_table('consent_withdrawals')
    op.drop_table('consent_study_keys')
    op.drop_table('consent_pictures')
    with op.batch_alter_table('consent_participant_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_participant_codes_reserved_for_id'))

    op.drop_table('consent_participant_codes')
    with op.batch_alter_table('consent_form_versions', schema=None) as batch_op:
        batch_op.drop_index('uq_consent_form_versions_one_draft', sqlite_where=sa.text('number IS NULL'), postgresql_where=sa.text('number IS NULL'))

    op.drop_table('consent_form_versions')
