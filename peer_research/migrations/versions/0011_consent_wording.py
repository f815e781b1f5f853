"""Consent form wording decided by the group: suggestions, and polls about the consent form.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 19:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import peer_research.db
from peer_research.migrations.guards import (
    drop_append_only,
    make_append_only,
    set_check_values,
)

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SUBJECTS = ("proposal", "publish", "rule_change", "first_draft")
CONSENT_SUBJECTS = ("consent_wording", "consent_publish")


def upgrade() -> None:
    set_check_values("polls", "poll_subject", "subject", SUBJECTS + CONSENT_SUBJECTS)
    op.create_table(
        "consent_wording_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("base", sa.JSON(), nullable=False),
        sa.Column("proposed", sa.JSON(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "accepted",
                "rejected",
                "withdrawn",
                "needs_update",
                name="consent_suggestion_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("poll_id", sa.Integer(), nullable=True),
        sa.Column("created_at", peer_research.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", peer_research.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_consent_wording_suggestions_author_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["studies.id"],
            name=op.f("fk_consent_wording_suggestions_study_id_studies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_wording_suggestions")),
    )
    op.create_index(
        op.f("ix_consent_wording_suggestions_study_id"),
        "consent_wording_suggestions",
        ["study_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_consent_wording_suggestions_poll_id"),
        "consent_wording_suggestions",
        ["poll_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_consent_wording_suggestions_poll_id"), table_name="consent_wording_suggestions"
    )
    op.drop_index(
        op.f("ix_consent_wording_suggestions_study_id"), table_name="consent_wording_suggestions"
    )
    op.drop_table("consent_wording_suggestions")
    # The older schema has no words for polls about the consent form: their records go.
    drop_append_only("decisions")
    op.execute(
        "DELETE FROM decisions WHERE poll_id IN (SELECT id FROM polls WHERE subject IN "
        "('consent_wording', 'consent_publish'))"
    )
    make_append_only("decisions", "decisions is append-only: the decision log is never rewritten")
    op.execute("DELETE FROM polls WHERE subject IN ('consent_wording', 'consent_publish')")
    set_check_values("polls", "poll_subject", "subject", SUBJECTS)
