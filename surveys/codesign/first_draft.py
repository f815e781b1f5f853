"""Building the first draft: named members change a questionnaire directly until its first
version is published, because the group decided so.

Asking is a poll like a rule change (`ask_for_builders`), decided under the study's rule.
An accepted decision writes the names it agreed (`FirstDraftBuilder` rows, never changed);
the newest such decision about a questionnaire is the one in force, so a later decision can
name other people, or nobody. Each direct change a builder makes is an entry of the decision
log of its own kind, naming the decision it was made under (`decision_log.apply_directly`).
Once a version is published the permission lapses by itself: nothing needs to be undone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.errors import DomainError
from surveys.codesign.builder_models import FirstDraftBuilder
from surveys.codesign.models import Decision, Poll, PollSubject
from surveys.codesign.polls import open_polls_where, open_questionnaire_poll
from surveys.codesign.settings import design_group_user_ids
from surveys.models import Questionnaire, QuestionnaireVersion


def is_published(session: Session, questionnaire: Questionnaire) -> bool:
    """Tell whether any version of the questionnaire has been published."""
    query = sa.select(QuestionnaireVersion.id).where(
        QuestionnaireVersion.questionnaire_id == questionnaire.id
    )
    return session.scalar(query.limit(1)) is not None


@dataclass(frozen=True)
class BuilderGrant:
    """Who may build a questionnaire's first draft directly, under which decision."""

    decision: Decision
    builders: tuple[User, ...]

    def includes(self, user: User) -> bool:
        """Tell whether this person is one of the named builders."""
        return any(builder.id == user.id for builder in self.builders)


def builder_grant(session: Session, questionnaire: Questionnaire) -> BuilderGrant | None:
    """Return the decision in force on building the first draft, or None: none was agreed,
    the newest names nobody, or a version has been published (the permission has lapsed)."""
    newest = session.scalar(
        sa.select(Decision)
        .join(Poll, Poll.id == Decision.poll_id)
        .where(
            Decision.questionnaire_id == questionnaire.id,
            Poll.subject == PollSubject.FIRST_DRAFT,
            Decision.applied.is_(True),
        )
        .order_by(Decision.id.desc())
        .limit(1)
    )
    if newest is None or is_published(session, questionnaire):
        return None
    rows = session.scalars(
        sa.select(FirstDraftBuilder).where(FirstDraftBuilder.decision_id == newest.id)
    )
    builders = tuple(sorted((row.user for row in rows), key=lambda user: user.display_name))
    return BuilderGrant(newest, builders) if builders else None


def grant_for(session: Session, *, questionnaire: Questionnaire, user: User) -> Decision | None:
    """Return the decision under which this person may change the first draft directly."""
    grant = builder_grant(session, questionnaire)
    return grant.decision if grant is not None and grant.includes(user) else None


def ask_for_builders(
    session: Session,
    *,
    questionnaire: Questionnaire,
    asked_by: User,
    builder_ids: list[int],
    reason: str | None,
    deadline: datetime,
    now: datetime | None = None,
) -> Poll:
    """Ask the group to let named members build the first draft directly (an empty list:
    to stop letting anyone), decided under the study's rule like a rule change."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say in your own words why you ask this."), field="reason")
    if is_published(session, questionnaire):
        raise DomainError(
            _(
                "This questionnaire has been published, so every change is now suggested and "
                "decided by the group."
            )
        )
    group = set(design_group_user_ids(session, questionnaire.study))
    chosen = sorted(set(builder_ids))
    if any(user_id not in group for user_id in chosen):
        raise DomainError(
            _("Choose people who are in this study's design group."), field="builders"
        )
    if builder_grant(session, questionnaire) is None and not chosen:
        raise DomainError(_("Choose who may build the first draft."), field="builders")
    if open_polls_where(
        session,
        Poll.questionnaire_id == questionnaire.id,
        Poll.subject == PollSubject.FIRST_DRAFT,
    ):
        raise DomainError(_("The group is already deciding who may build this first draft."))
    return open_questionnaire_poll(
        session,
        questionnaire=questionnaire,
        subject=PollSubject.FIRST_DRAFT,
        proposed_rule={"builders": chosen},
        opened_by=asked_by,
        deadline=deadline,
        now=now,
        reason=reason,
    )


def decide_builders(session: Session, poll: Poll, accepted: bool) -> tuple[bool, str]:
    """Say what an accepted decision on building the first draft does: whether it can
    be applied, and a note for the log (the caller records the decision, then `grant`)."""
    if not accepted:
        return False, ""
    questionnaire = session.get_one(Questionnaire, poll.questionnaire_id)
    if is_published(session, questionnaire):
        return False, _(
            "The questionnaire was published before the poll closed, so the group's rule "
            "applies to every change; nobody builds it directly."
        )
    if not (poll.proposed_rule or {}).get("builders"):
        return True, _("Nobody changes the draft directly any more.")
    return True, _("The people named can change the draft directly until it is first published.")


def grant(session: Session, *, decision: Decision, poll: Poll) -> None:
    """Write the names an accepted decision agreed."""
    for user_id in (poll.proposed_rule or {}).get("builders", []):
        session.add(
            FirstDraftBuilder(
                decision_id=decision.id,
                user_id=user_id,
                questionnaire_id=poll.questionnaire_id,
                granted_at=decision.decided_at,
            )
        )
    session.flush()


def builders_asked(session: Session, poll: Poll) -> list[User]:
    """Return the people a poll on building the first draft names, by name."""
    ids = (poll.proposed_rule or {}).get("builders", [])
    people = session.scalars(sa.select(User).where(User.id.in_(ids))) if ids else []
    return sorted(people, key=lambda user: user.display_name)


def open_builders_poll(session: Session, questionnaire: Questionnaire) -> Poll | None:
    """Return the open poll on who may build this first draft, if there is one."""
    found = open_polls_where(
        session,
        Poll.questionnaire_id == questionnaire.id,
        Poll.subject == PollSubject.FIRST_DRAFT,
    )
    return found[0] if found else None


def design_group_people(session: Session, questionnaire: Questionnaire) -> list[User]:
    """Return the people of the questionnaire's design group, by name (who may be named)."""
    ids = design_group_user_ids(session, questionnaire.study)
    people = session.scalars(sa.select(User).where(User.id.in_(ids))) if ids else []
    return sorted(people, key=lambda user: user.display_name)
