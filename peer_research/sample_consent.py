"""A sample study's consent form, grown through the same services the pages use: wording
suggestions decided by vote, versions published by vote, a picture, an open suggestion and an
open poll on publishing (for the query-count test and the benchmark)."""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from PIL import Image
from sqlalchemy.orm import Session

from consent import services as consent
from consent.wording import services as wording
from peer_research.accounts.models import User
from peer_research.db import utcnow
from peer_research.studies.models import Study

# A consent form changes far less often than a questionnaire: a few versions in a year.
MAX_VERSIONS = 6


@dataclass(frozen=True)
class ConsentSample:
    """What the consent form's pages of a grown study need in their addresses."""

    suggestion_id: int  # an open suggestion, with a vote
    poll_id: int  # the open poll on publishing
    number: int  # the latest published version
    stored_name: str  # an easy-read picture


def _picture() -> bytes:
    """Return a small PNG."""
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (30, 120, 110)).save(buffer, format="PNG")
    return buffer.getvalue()


def _suggest(session: Session, study: Study, author: User, title: str) -> wording.WordingSuggestion:
    """Suggest a new title for the consent form."""
    document = consent.draft_of(session, study).content
    document = {**document, "title": {**document["title"], document["languages"][0]: title}}
    return wording.suggest_change(
        session,
        study=study,
        author=author,
        language=document["languages"][0],
        document=document,
        reason=f"A clearer title: {title}",
        deadline=utcnow() + timedelta(days=7),
    )


def _everyone_agrees(session: Session, study: Study, people: list[User], poll_id: int) -> None:
    """Have everyone vote for a poll, which closes it."""
    for person in people:
        wording.group_decisions().cast_vote(
            session,
            study=study,
            poll_id=poll_id,
            voter=person,
            position="agree",
            reason="",
            secret_key=current_app.config["SECRET_KEY"],
        )


def grow_consent_form(
    session: Session, *, study: Study, people: list[User], size: int
) -> ConsentSample:
    """Decide and publish `size` versions of the consent form (at most MAX_VERSIONS), then
    leave one suggestion and one poll on publishing open (every person decides the form)."""
    versions = min(size, MAX_VERSIONS)
    picture = wording.store_picture(
        session, study=study, data=_picture(), max_bytes=1024 * 1024, uploaded_by=people[0]
    )
    for number in range(1, versions + 1):
        suggestion = _suggest(session, study, people[number % len(people)], f"Version {number}")
        _everyone_agrees(session, study, people, suggestion.poll_id)
        poll_id = wording.ask_to_publish(
            session,
            study=study,
            asked_by=people[0],
            requires_reconsent=number % 2 == 0,
            reason="Ready",
            deadline=utcnow() + timedelta(days=7),
        )
        _everyone_agrees(session, study, people, poll_id)
    _everyone_agrees(session, study, people, _suggest(session, study, people[0], "Next").poll_id)
    open_suggestion = _suggest(session, study, people[-1], "Still deciding")
    _everyone_agrees(session, study, people[:1], open_suggestion.poll_id)
    publishing = wording.ask_to_publish(
        session,
        study=study,
        asked_by=people[0],
        requires_reconsent=False,
        reason="Ready again",
        deadline=utcnow() + timedelta(days=7),
    )
    return ConsentSample(
        suggestion_id=open_suggestion.id,
        poll_id=publishing,
        number=versions,
        stored_name=picture.stored_name,
    )


def consent_page_values(sample: ConsentSample | None, endpoint: str) -> dict:
    """Return what the consent form's pages take in their addresses (nothing for others)."""
    if sample is None or not endpoint.startswith("consent_wording."):
        return {}
    return dataclasses.asdict(sample)
