"""Co-design: proposals, decision rules, polls, votes and decisions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 18:52:17.747181
"""

import sqlalchemy as sa
from alembic import op

import peer_research.db
from peer_research.migrations.guards import drop_append_only, make_append_only

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'open', 'withdrawn', 'accepted', 'rejected', 'needs_update', name='proposal_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('kind', sa.Enum('add_item', 'change_item', 'move_item', 'remove_item', name='change_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('target_name', sa.String(length=100), nullable=False),
    sa.Column('proposed', sa.JSON(), nullable=True),
    sa.Column('section', sa.String(length=100), nullable=True),
    sa.Column('before_name', sa.String(length=100), nullable=True),
    sa.Column('after_name', sa.String(length=100), nullable=True),
    sa.Column('base_revision', sa.Integer(), nullable=True),
    sa.Column('base_content', sa.JSON(), nullable=True),
    sa.Column('superseded_by_decision_id', sa.Integer(), nullable=True),
    sa.Column('created_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('opened_at', peer_research.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_proposals_author_id_users')),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_proposals_questionnaire_id_questionnaires'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposals_questionnaire_id'), ['questionnaire_id'], unique=False)

    op.create_table('polls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.Enum('proposal', 'publish', 'rule_change', name='poll_subject', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('proposed_rule', sa.JSON(), nullable=True),
    sa.Column('visibility', sa.Enum('named', 'anonymous', name='visibility', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('rule_kind', sa.Enum('consent', 'majority', 'quorum', name='rule_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('consent_threshold', sa.Integer(), nullable=False),
    sa.Column('quorum', sa.Integer(), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deadline', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', peer_research.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_polls_opened_by_id_users')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_polls_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_polls_questionnaire_id_questionnaires'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_polls_study_id_studies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_polls'))
    )
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_polls_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_polls_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_polls_questionnaire_id'), ['questionnaire_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_polls_study_id'), ['study_id'], unique=False)

    op.create_table('anonymous_ballots',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('ballot_key', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Enum('agree', 'abstain', 'disagree', 'block', name='position', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_anonymous_ballots_poll_id_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('poll_id', 'ballot_key', name=op.f('pk_anonymous_ballots'))
    )
    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_kind', sa.Enum('poll', 'direct_edit', name='entry_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=True),
    sa.Column('poll_id', sa.Integer(), nullable=True),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Enum('accepted', 'rejected', 'cancelled', name='outcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('applied', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('change', sa.JSON(), nullable=False),
    sa.Column('decided_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_decisions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_decisions_poll_id_polls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_decisions_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_decisions_questionnaire_id_questionnaires'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_decisions_study_id_studies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
    sa.UniqueConstraint('poll_id', name=op.f('uq_decisions_poll_id'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_questionnaire_id'), ['questionnaire_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_study_id'), ['study_id'], unique=False)

    op.create_table('poll_voters',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('voted_at', peer_research.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_voters_poll_id_polls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_poll_voters_user_id_users')),
    sa.PrimaryKeyConstraint('poll_id', 'user_id', name=op.f('pk_poll_voters'))
    )
    with op.batch_alter_table('poll_voters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_voters_user_id'), ['user_id'], unique=False)

    op.create_table('votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Enum('agree', 'abstain', 'disagree', 'block', name='position', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('cast_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('changed_at', peer_research.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_votes_poll_id_polls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_votes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes')),
    sa.UniqueConstraint('poll_id', 'user_id', name=op.f('uq_votes_poll_id_user_id'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_user_id'), ['user_id'], unique=False)

    op.create_table('decision_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('consent', 'majority', 'quorum', name='rule_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('consent_threshold', sa.Integer(), nullable=False),
    sa.Column('quorum', sa.Integer(), nullable=True),
    sa.Column('anonymous_polls', sa.Boolean(), nullable=False),
    sa.Column('allow_direct_edits', sa.Boolean(), nullable=False),
    sa.Column('set_at', peer_research.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_rules_decision_id_decisions')),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_decision_rules_set_by_id_users')),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_decision_rules_study_id_studies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_rules'))
    )
    with op.batch_alter_table('decision_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_rules_study_id'), ['study_id'], unique=False)

    # proposals and decisions refer to each other: this key can only come once both exist.
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_proposals_superseded_by_decision_id_decisions'), 'decisions', ['superseded_by_decision_id'], ['id'])
    make_append_only("decisions", "decisions is append-only: the decision log is never rewritten")
    make_append_only("decision_rules", "decision_rules is append-only: a new rule is a new row")


def downgrade() -> None:
    drop_append_only("decision_rules")
    drop_append_only("decisions")
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_proposals_superseded_by_decision_id_decisions'), type_='foreignkey')
    with op.batch_alter_table('decision_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_rules_study_id'))

    op.drop_table('decision_rules')
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_user_id'))

    op.drop_table('votes')
    with op.batch_alter_table('poll_voters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_voters_user_id'))

    op.drop_table('poll_voters')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_study_id'))
        batch_op.drop_index(batch_op.f('ix_decisions_questionnaire_id'))

    op.drop_table('decisions')
    op.drop_table('anonymous_ballots')
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_polls_study_id'))
        batch_op.drop_index(batch_op.f('ix_polls_questionnaire_id'))
        batch_op.drop_index(batch_op.f('ix_polls_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_polls_deadline'))

    op.drop_table('polls')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposals_questionnaire_id'))

    op.drop_table('proposals')
