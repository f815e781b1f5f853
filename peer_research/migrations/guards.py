"""Database triggers that make a table append-only, for migrations to share."""

from __future__ import annotations

from alembic import op


def make_append_only(table: str, message: str) -> None:
    """Make the database itself refuse to update or delete the table's rows."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{message}'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )


def drop_append_only(table: str) -> None:
    """Remove the triggers (before the table itself is dropped)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION {table}_append_only()")
        return
    for event in ("update", "delete"):
        op.execute(f"DROP TRIGGER {table}_no_{event}")


def set_check_values(table: str, name: str, column: str, values: tuple[str, ...]) -> None:
    """Change which values the CHECK constraint of an enum column accepts.

    PostgreSQL replaces the constraint. SQLite cannot alter a CHECK, and rebuilding a table
    would cascade deletes into the rows that point at it (polls, the append-only decision
    log), so it edits the stored schema and bumps the schema version (SQLite's documented
    procedure, as migrations 0005 and 0008 do), inside the migration's transaction.
    """
    check = f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"
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
