"""Alembic, run from the app: upgrade, downgrade, and the revision the database is at."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from peer_research import PACKAGE_DIR

MIGRATIONS_DIR = PACKAGE_DIR / "migrations"


def alembic_config(database_url: str) -> Config:
    """Return an Alembic configuration for our migrations and this database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Run the migrations up to a revision."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    """Run the migrations down to a revision."""
    command.downgrade(alembic_config(database_url), revision)


def make_revision(database_url: str, message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    command.revision(alembic_config(database_url), message=message, autogenerate=True)


@cache
def head_revision() -> str | None:
    """Return the newest migration's revision id."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return script.get_current_head()


def current_revision(connection: sa.Connection) -> str | None:
    """Return the revision the database is at (None when never migrated)."""
    return MigrationContext.configure(connection).get_current_revision()


def schema_status(engine: sa.Engine) -> str:
    """Say whether the database is "unreachable", "behind" the newest migration or "current"."""
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            revision = current_revision(connection)
    except sa.exc.SQLAlchemyError:
        return "unreachable"
    return "current" if revision == head_revision() else "behind"
