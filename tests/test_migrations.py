"""Migrations build the schema the models describe, and undo it."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import peer_research.models  # noqa: F401
from peer_research.db import Base, create_db_engine
from peer_research.migrate import downgrade, head_revision, upgrade

from support import fresh_database_url


@pytest.fixture
def empty_database_url(tmp_path):
    """Return the URL of a new, empty database (SQLite file or PostgreSQL schema)."""
    return fresh_database_url(os.environ.get("TEST_DATABASE_URL"), "pr_migrations", tmp_path)


def test_upgrade_to_head_matches_the_models_and_downgrade_removes_everything(empty_database_url):
    upgrade(empty_database_url)
    engine = create_db_engine(empty_database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert context.get_current_revision() == head_revision()
        assert compare_metadata(context, Base.metadata) == []
    downgrade(empty_database_url, "base")
    with engine.connect() as connection:
        assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_audit_log_is_append_only_in_the_database_itself(app, db_session, make_user):
    make_user()  # creating a user records nothing; sign a row in by hand
    db_session.execute(
        sa.text(
            "INSERT INTO audit_events (at, action, detail) VALUES (CURRENT_TIMESTAMP, 'x', '{}')"
        )
    )
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), db_session.begin_nested():
        db_session.execute(sa.text("UPDATE audit_events SET action = 'changed'"))
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), db_session.begin_nested():
        db_session.execute(sa.text("DELETE FROM audit_events"))
