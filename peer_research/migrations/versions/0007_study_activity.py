"""Each study counts its group's activity, so live pages cost the same at any size; a
published version's decision log PDF is made once and kept.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 14:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import peer_research.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "studies", sa.Column("activity_count", sa.Integer(), server_default="0", nullable=False)
    )
    op.create_table(
        "decision_log_pdfs",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("made_at", peer_research.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["questionnaire_versions.id"],
            name=op.f("fk_decision_log_pdfs_version_id_questionnaire_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_decision_log_pdfs")),
    )


def downgrade() -> None:
    op.drop_table("decision_log_pdfs")
    # A plain ALTER (SQLite 3.35+ and PostgreSQL): a batch rebuild of `studies` would have
    # to drop a table that many others refer to.
    op.execute("ALTER TABLE studies DROP COLUMN activity_count")
