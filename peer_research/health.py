"""A health check for load balancers: the database answers and the schema is current."""

from __future__ import annotations

from flask import Blueprint

from peer_research.access import PUBLIC, allow
from peer_research.db import db
from peer_research.migrate import schema_status

blueprint = Blueprint("health", __name__)


@blueprint.get("/health")
@allow(PUBLIC)
def show_health():
    """Answer 200 when the database is reachable and migrated to the latest revision."""
    status = schema_status(db.engine)
    if status == "unreachable":
        return {"status": "unavailable", "database": "unreachable"}, 503
    if status == "behind":
        return {"status": "unavailable", "database": "ok", "migrations": "behind"}, 503
    return {"status": "ok", "database": "ok", "migrations": "current"}, 200
