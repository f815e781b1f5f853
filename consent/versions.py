"""A study's consent form: its draft and its published versions.

The draft is the one version without a number; publishing gives it the next number and
freezes it, and the next change starts a new draft from the latest published wording. How a
change reaches the draft (the study's decision rule) is the business of the pages that call
`set_draft_content`; nothing here decides who may change it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from consent.content import ConsentContent, default_content, read_content
from consent.models import ConsentFormVersion
from peer_research.accounts.models import User
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.studies.models import Study


def current_version(session: Session, study_id: int) -> ConsentFormVersion | None:
    """Return the study's latest published consent form version, or None."""
    return session.scalars(
        sa.select(ConsentFormVersion)
        .where(ConsentFormVersion.study_id == study_id, ConsentFormVersion.number.is_not(None))
        .order_by(ConsentFormVersion.number.desc())
        .limit(1)
    ).first()


def published_versions(session: Session, study_id: int) -> list[ConsentFormVersion]:
    """Return the study's published consent form versions, newest first."""
    return list(
        session.scalars(
            sa.select(ConsentFormVersion)
            .where(ConsentFormVersion.study_id == study_id, ConsentFormVersion.number.is_not(None))
            .order_by(ConsentFormVersion.number.desc())
        )
    )


def published_version(
    session: Session, study_id: int, version_id: int
) -> ConsentFormVersion | None:
    """Return one of the study's published versions by id, or None (a draft, another study's)."""
    version = session.get(ConsentFormVersion, version_id)
    if version is None or version.study_id != study_id or version.number is None:
        return None
    return version


def version_by_number(session: Session, study_id: int, number: int) -> ConsentFormVersion | None:
    """Return one of the study's published versions by its number, or None."""
    return session.scalars(
        sa.select(ConsentFormVersion).where(
            ConsentFormVersion.study_id == study_id, ConsentFormVersion.number == number
        )
    ).first()


def reconsent_floor(session: Session, study_id: int, at: datetime) -> int:
    """Return the lowest version number a consent must be on for an interview started at `at`:
    the newest version published by then that asks for consent again (1 when none did)."""
    number = session.scalar(
        sa.select(sa.func.max(ConsentFormVersion.number)).where(
            ConsentFormVersion.study_id == study_id,
            ConsentFormVersion.requires_reconsent.is_(True),
            ConsentFormVersion.published_at <= at,
        )
    )
    return number or 1


def draft_of(session: Session, study: Study, *, language: str = "en") -> ConsentFormVersion:
    """Return the study's draft, starting one from the latest published wording (or from
    sensible defaults in `language` when nothing is published yet)."""
    draft = session.scalars(
        sa.select(ConsentFormVersion).where(
            ConsentFormVersion.study_id == study.id, ConsentFormVersion.number.is_(None)
        )
    ).first()
    if draft is not None:
        return draft
    latest = current_version(session, study.id)
    content = dict(latest.content) if latest else default_content(language)
    draft = ConsentFormVersion(study_id=study.id, number=None, content=content)
    session.add(draft)
    session.flush()
    return draft


def set_draft_content(session: Session, *, study: Study, content: dict[str, Any]) -> ConsentContent:
    """Check new wording and put it in the study's draft; raise DomainError when it is wrong."""
    checked = read_content(content)
    draft = draft_of(session, study)
    draft.content = checked.to_json()
    session.flush()
    return checked


def publish_draft(
    session: Session, *, study: Study, by: User, requires_reconsent: bool
) -> ConsentFormVersion:
    """Publish the draft as the next version, frozen from now on; raise DomainError when
    the draft's wording is not complete or is the same as the latest version's."""
    draft = draft_of(session, study)
    read_content(draft.content)
    latest = current_version(session, study.id)
    if latest is not None and latest.content == draft.content:
        raise DomainError(_("The draft is the same as version %(n)d.", n=latest.number))
    draft.number = (latest.number if latest else 0) + 1
    draft.published_at = utcnow()
    draft.published_by_id = by.id
    # The first version has nobody to ask again.
    draft.requires_reconsent = requires_reconsent and latest is not None
    session.flush()
    return draft
