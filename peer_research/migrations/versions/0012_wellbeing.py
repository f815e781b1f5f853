"""Wellbeing: check-ins and debriefs, alerts and their notes, settings, support, limits.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 19:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

import peer_research.db
from peer_research.migrations.guards import set_check_values

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


TOPICS = ("new_suggestion", "reply", "poll_closing", "outcome", "reminder")
WELLBEING_TOPIC = "wellbeing_alert"


def upgrade() -> None:
    for table in ("notifications", "notification_choices"):
        set_check_values(table, "topic", "topic", (*TOPICS, WELLBEING_TOPIC))
    op.create_table(
        "wellbeing_check_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("interviewer_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "before",
                "after",
                name="check_in_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("interview_uuid", sa.String(length=36), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("given_at", peer_research.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", peer_research.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("note_hidden", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint(
            "score BETWEEN 1 AND 5", name=op.f("ck_wellbeing_check_ins_score_range")
        ),
        sa.ForeignKeyConstraint(
            ["interviewer_id"],
            ["users.id"],
            name=op.f("fk_wellbeing_check_ins_interviewer_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["studies.id"],
            name=op.f("fk_wellbeing_check_ins_study_id_studies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wellbeing_check_ins")),
        sa.UniqueConstraint("uuid", name=op.f("uq_wellbeing_check_ins_uuid")),
    )
    with op.batch_alter_table("wellbeing_check_ins", schema=None) as batch_op:
        batch_op.create_index(
            "ix_wellbeing_check_ins_interviewer_id_given_at",
            ["interviewer_id", "given_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_wellbeing_check_ins_study_id_given_at", ["study_id", "given_at"], unique=False
        )

    op.create_table(
        "wellbeing_interviewer_limits",
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("max_interviews_per_day", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["studies.id"],
            name=op.f("fk_wellbeing_interviewer_limits_study_id_studies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_wellbeing_interviewer_limits_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "study_id", "user_id", name=op.f("pk_wellbeing_interviewer_limits")
        ),
    )
    op.create_table(
        "wellbeing_settings",
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("low_score", sa.Integer(), server_default="2", nullable=False),
        sa.Column("escalate_after_hours", sa.Integer(), server_default="24", nullable=False),
        sa.Column("updated_at", peer_research.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["studies.id"],
            name=op.f("fk_wellbeing_settings_study_id_studies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("study_id", name=op.f("pk_wellbeing_settings")),
    )
    op.create_table(
        "wellbeing_support_resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("contact", sa.Text(), server_default="", nullable=False),
        sa.Column("opening_hours", sa.String(length=500), server_default="", nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["studies.id"],
            name=op.f("fk_wellbeing_support_resources_study_id_studies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wellbeing_support_resources")),
    )
    with op.batch_alter_table("wellbeing_support_resources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wellbeing_support_resources_study_id"), ["study_id"], unique=False
        )

    op.create_table(
        "wellbeing_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("interviewer_id", sa.Integer(), nullable=False),
        sa.Column(
            "cause",
            sa.Enum(
                "asked_for_contact",
                "low_score",
                "interview_stopped",
                "reached_out",
                name="alert_cause",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("check_in_id", sa.Integer(), nullable=True),
        sa.Column("interview_uuid", sa.String(length=36), nullable=True),
        sa.Column("source_key", sa.String(length=80), nullable=False),
        sa.Column("message", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "new",
                "acknowledged",
                "followed_up",
                name="alert_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", peer_research.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", peer_research.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("followed_up_at", peer_research.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("followed_up_by_id", sa.Integer(), nullable=True),
        sa.Column("escalated_at", peer_research.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["users.id"],
            name=op.f("fk_wellbeing_alerts_acknowledged_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["check_in_id"],
            ["wellbeing_check_ins.id"],
            name=op.f("fk_wellbeing_alerts_check_in_id_wellbeing_check_ins"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["followed_up_by_id"],
            ["users.id"],
            name=op.f("fk_wellbeing_alerts_followed_up_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["interviewer_id"], ["users.id"], name=op.f("fk_wellbeing_alerts_interviewer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["studies.id"],
            name=op.f("fk_wellbeing_alerts_study_id_studies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wellbeing_alerts")),
        sa.UniqueConstraint("check_in_id", name=op.f("uq_wellbeing_alerts_check_in_id")),
        sa.UniqueConstraint("source_key", name=op.f("uq_wellbeing_alerts_source_key")),
    )
    with op.batch_alter_table("wellbeing_alerts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_wellbeing_alerts_state_created_at", ["state", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_wellbeing_alerts_study_id_state", ["study_id", "state"], unique=False
        )

    op.create_table(
        "wellbeing_alert_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", peer_research.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["wellbeing_alerts.id"],
            name=op.f("fk_wellbeing_alert_notes_alert_id_wellbeing_alerts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_wellbeing_alert_notes_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wellbeing_alert_notes")),
    )
    with op.batch_alter_table("wellbeing_alert_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wellbeing_alert_notes_alert_id"), ["alert_id"], unique=False
        )


def downgrade() -> None:
    for table in ("notifications", "notification_choices"):
        op.execute(f"DELETE FROM {table} WHERE topic = '{WELLBEING_TOPIC}'")  # noqa: S608
        set_check_values(table, "topic", "topic", TOPICS)
    with op.batch_alter_table("wellbeing_alert_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wellbeing_alert_notes_alert_id"))

    op.drop_table("wellbeing_alert_notes")
    with op.batch_alter_table("wellbeing_alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_wellbeing_alerts_study_id_state")
        batch_op.drop_index("ix_wellbeing_alerts_state_created_at")

    op.drop_table("wellbeing_alerts")
    with op.batch_alter_table("wellbeing_support_resources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wellbeing_support_resources_study_id"))

    op.drop_table("wellbeing_support_resources")
    op.drop_table("wellbeing_settings")
    op.drop_table("wellbeing_interviewer_limits")
    with op.batch_alter_table("wellbeing_check_ins", schema=None) as batch_op:
        batch_op.drop_index("ix_wellbeing_check_ins_study_id_given_at")
        batch_op.drop_index("ix_wellbeing_check_ins_interviewer_id_given_at")

    op.drop_table("wellbeing_check_ins")
