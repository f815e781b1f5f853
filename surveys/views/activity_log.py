"""What the entries of the activity log are about: the suggestion, poll or questionnaire,
named in words with a link (the app factory hands `name_activity` to the audit log)."""

from __future__ import annotations

from collections.abc import Sequence

from flask import url_for

from peer_research.db import db
from surveys.codesign import services as codesign


def name_activity(events: Sequence) -> dict[int, tuple[str, str | None]]:
    """Return, by event id, what each event is about and the address of its page."""
    subjects = codesign.activity_subjects(
        db.session, {event.id: event.detail or {} for event in events}
    )
    return {
        event_id: (
            subject.text,
            url_for(subject.endpoint, **subject.values) if subject.endpoint else None,
        )
        for event_id, subject in subjects.items()
    }
