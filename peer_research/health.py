"""A health check for load balancers: the database answers and the schema is current."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint

from peer_research.access import PUBLIC, allow
from peer_research.db import db
from peer_research.migrate import current_revision, head_revision

blueprint = Blueprint("health", __name__)


@blueprint.get("/health")
@allow(PUBLIC)
def show_health():
    """Answer 200 when the database is reachable and migrated to the latest revision."""
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            revision = current_revision(connection)
    except sa.exc.SQLAlchemyError:
        return {"status": "unavailable", "database": "unreachable"}, 503
    head = head_revision()
    if revision != head:
        return {"status": "unavailable", "database": "ok", "migrations": "behind"}, 503
    return {"status": "ok", "database": "ok", "migrations": "current"}, 200
