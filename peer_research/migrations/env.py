"""Alembic environment: our models' metadata and the database URL given by migrate.py."""

from __future__ import annotations

from alembic import context

import peer_research.models  # noqa: F401  (registers every table)
from peer_research.db import Base, create_db_engine

config = context.config


def run_migrations() -> None:
    """Run migrations on a live connection (SQLite needs batch mode for ALTER)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_db_engine(config.attributes["database_url"])
    with engine.connect() as connection:
        _run(connection)
        connection.commit()
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
