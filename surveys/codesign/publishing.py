"""Asking the group to publish the draft, or to change how it decides.

Both open a poll (see `polls.open_publish_poll` and `polls.open_rule_poll`) after checking
what can be checked now, and keep the asker's reason with the poll (`Poll.reason`).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.errors import DomainError
from peer_research.studies.models import Study
from surveys import services as drafts
from surveys.codesign.models import Poll, PollSubject
from surveys.codesign.polls import open_publish_poll, open_rule_poll
from surveys.codesign.settings import DecisionSettings
from surveys.compare import compare_definitions
from surveys.models import Questionnaire
from surveys.validation import check_definition

REASON_LIMIT = 5000


def _clean(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_LIMIT:
        raise DomainError(_("Use 5,000 characters or fewer."), field="reason")
    return reason


def open_publish_poll_of(session: Session, questionnaire: Questionnaire) -> Poll | None:
    """Return the open poll on publishing a questionnaire, if there is one."""
    query = sa.select(Poll).where(
        Poll.questionnaire_id == questionnaire.id,
        Poll.subject == PollSubject.PUBLISH,
        Poll.closed_at.is_(None),
    )
    return session.scalars(query.order_by(Poll.id.desc()).limit(1)).first()


def ask_to_publish(
    session: Session,
    *,
    questionnaire: Questionnaire,
    asked_by: User,
    reason: str | None,
    deadline: datetime,
    now: datetime | None = None,
) -> Poll:
    """Ask the group whether to publish the draft as the next version.

    Refused while the draft has problems that would stop it being published, or when it
    says exactly what the last version says (there would be nothing new to publish).
    """
    reason = _clean(reason)
    draft = drafts.draft_definition(session, questionnaire)
    problems = check_definition(draft)
    if problems:
        raise drafts.PublishRefusedError(problems)
    versions = sorted(questionnaire.versions, key=lambda version: version.number)
    if versions:
        last = drafts.version_definition(versions[-1])
        if compare_definitions(last, draft).same:
            raise DomainError(
                _(
                    "The draft says exactly what version %(number)s says, so there is "
                    "nothing new to publish.",
                    number=versions[-1].number,
                )
            )
    return open_publish_poll(
        session,
        questionnaire=questionnaire,
        opened_by=asked_by,
        deadline=deadline,
        reason=reason,
        now=now,
    )


def suggest_rule(
    session: Session,
    *,
    study: Study,
    settings: DecisionSettings,
    asked_by: User,
    reason: str | None,
    deadline: datetime,
    now: datetime | None = None,
) -> Poll:
    """Ask the group to change how it decides (decided under the rule in force)."""
    reason = _clean(reason)
    return open_rule_poll(
        session,
        study=study,
        settings=settings,
        opened_by=asked_by,
        deadline=deadline,
        reason=reason,
        now=now,
    )
