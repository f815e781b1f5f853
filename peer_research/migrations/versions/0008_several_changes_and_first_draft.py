"""Suggestions of several changes at once; named members building a first draft directly.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 16:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import peer_research.db
from peer_research.migrations.guards import drop_append_only, make_append_only

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# (table, constraint, column, values before, values added)
CHECKS = (
    (
        "proposals",
        "change_kind",
        "kind",
        ("add_item", "change_item", "move_item", "remove_item", "translate", "set_languages"),
        ("several",),
    ),
    ("polls", "poll_subject", "subject", ("proposal", "publish", "rule_change"), ("first_draft",)),
    ("decisions", "entry_kind", "entry_kind", ("poll", "direct_edit"), ("first_draft",)),
)


def upgrade() -> None:
    for table, name, column, before, added in CHECKS:
        _set_check(table, name, column, before + added)
    op.create_table(
        "first_draft_builders",
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("granted_at", peer_research.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_first_draft_builders_decision_id_decisions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaires.id"],
            name=op.f("fk_first_draft_builders_questionnaire_id_questionnaires"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_first_draft_builders_user_id_users")
        ),
        sa.PrimaryKeyConstraint("decision_id", "user_id", name=op.f("pk_first_draft_builders")),
    )
    op.create_index(
        op.f("ix_first_draft_builders_questionnaire_id"),
        "first_draft_builders",
        ["questionnaire_id"],
        unique=False,
    )
    make_append_only(
        "first_draft_builders", "first_draft_builders is append-only: a new grant is a new row"
    )


def downgrade() -> None:
    drop_append_only("first_draft_builders")
    op.drop_index(op.f("ix_first_draft_builders_questionnaire_id"), "first_draft_builders")
    op.drop_table("first_draft_builders")
    # The records of the new kinds go: the older schema has no words for them.
    drop_append_only("decisions")
    op.execute(
        "DELETE FROM decisions WHERE entry_kind = 'first_draft' OR poll_id IN "
        "(SELECT id FROM polls WHERE subject = 'first_draft') OR proposal_id IN "
        "(SELECT id FROM proposals WHERE kind = 'several')"
    )
    make_append_only("decisions", "decisions is append-only: the decision log is never rewritten")
    op.execute("DELETE FROM polls WHERE subject = 'first_draft'")
    op.execute(
        "DELETE FROM polls WHERE proposal_id IN (SELECT id FROM proposals WHERE kind = 'several')"
    )
    op.execute(
        "DELETE FROM proposal_targets WHERE proposal_id IN "
        "(SELECT id FROM proposals WHERE kind = 'several')"
    )
    op.execute("DELETE FROM proposals WHERE kind = 'several'")
    for table, name, column, before, _added in CHECKS:
        _set_check(table, name, column, before)


def _sql_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


def _set_check(table: str, name: str, column: str, values: tuple[str, ...]) -> None:
    """Change which values the CHECK constraint of an enum column accepts.

    PostgreSQL replaces the constraint. SQLite cannot alter a CHECK, and rebuilding these
    tables would cascade deletes into polls and the append-only decision log, so it edits
    the stored schema and bumps the schema version (SQLite's documented procedure, as
    migration 0005 does), inside the migration's transaction.
    """
    check = f"{column} IN {_sql_list(values)}"
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f(f"ck_{table}_{name}"), table, type_="check")
        op.create_check_constraint(name, table, check)
        return
    table_sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar_one()
    start = table_sql.index(f"CONSTRAINT ck_{table}_{name} CHECK ({column} IN (")
    end = table_sql.index("))", start) + 2  # the end of the value list, then of the CHECK
    new_sql = table_sql[:start] + f"CONSTRAINT ck_{table}_{name} CHECK ({check})" + table_sql[end:]
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (new_sql, table)
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
