"""The audit log records security-relevant events and cannot be rewritten."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from peer_research.audit.models import AuditEvent
from peer_research.audit.services import Action, record


def test_events_carry_the_request_id_and_address(client, make_user, db_session):
    user = make_user()
    client.post(
        "/sign-in",
        data={"username": user.username, "password": "wrong password"},
        headers={"X-Request-ID": "req-0123456789"},
    )
    event = db_session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "sign_in_failed"))
    assert event.request_id == "req-0123456789"
    assert event.address == "127.0.0.1"
    assert event.subject_user_id == user.id


def test_changing_or_deleting_an_event_is_refused_by_the_models(db_session, make_user):
    event = record(db_session, Action.SIGNED_IN, actor=make_user())
    db_session.commit()
    event.action = "something_else"
    with pytest.raises(PermissionError, match="append-only"):
        db_session.flush()
    db_session.rollback()
    event = db_session.scalar(sa.select(AuditEvent))
    db_session.delete(event)
    with pytest.raises(PermissionError, match="append-only"):
        db_session.flush()
