"""Polls about the study's consent form: what closing one does.

The consent form's wording is decided like everything else the group decides (the study's
rule, one equal vote each, the same closing, the same decision log), but the form belongs to
`consent`, which sits below the engine and never imports it. So a poll about the consent form
names what it decides in its details (`Poll.proposed_rule`: the suggestion's id, or the
publishing asked for), and when it closes the engine asks consent to settle it, through
`consent.wording.services`. The pages reach the engine the other way round, through the hook
the app factory fills with `consent_polls.consent_form_decisions()`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from consent.wording import services as wording
from surveys.codesign.models import Poll, PollSubject

CONSENT_SUBJECTS = frozenset({PollSubject.CONSENT_WORDING, PollSubject.CONSENT_PUBLISH})


def settle(session: Session, *, poll: Poll, accepted: bool, now: datetime) -> wording.Settled:
    """Let consent make what the group decided: a wording change, or a published version."""
    details = poll.proposed_rule or {}
    if poll.subject == PollSubject.CONSENT_WORDING:
        return wording.settle_suggestion(
            session, suggestion_id=int(details["suggestion"]), accepted=accepted, now=now
        )
    return wording.settle_publishing(
        session,
        study_id=poll.study_id,
        accepted=accepted,
        details=details,
        asked_by_id=poll.opened_by_id,
    )
