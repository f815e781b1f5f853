"""Suggesting a change to the consent form's wording, and settling it once the group decides.

Nobody changes the consent form's draft directly: a member of the consent group (the study's
facilitators and co-researchers, one equal vote each) suggests a change with a reason, the
group votes under the study's rule, and only an accepted suggestion reaches the draft, in the
same step that writes the decision log (`settle_suggestion`, called by the engine).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from consent.content import read_content
from consent.models import ConsentPicture
from consent.versions import draft_of, set_draft_content
from consent.wording import hooks, parts
from consent.wording.models import SuggestionState, WordingSuggestion
from peer_research.accounts.models import User
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.notifications.models import Topic
from peer_research.notifications.services import notify
from peer_research.studies.models import Membership, MembershipRole, Role, Study

# Who decides the consent form's wording: those who may see it, each with one equal vote.
CONSENT_GROUP_ROLES = frozenset({Role.FACILITATOR, Role.CO_RESEARCHER})
MAX_REASON = 5000


@dataclass(frozen=True)
class Settled:
    """What closing a poll about the consent form did: whether it was made, a note for the
    decision log, and what the log keeps about it."""

    applied: bool
    note: str = ""
    change: dict[str, Any] = field(default_factory=dict)


def consent_group_ids(session: Session, study: Study) -> list[int]:
    """Return the ids of the members who decide the consent form (facilitators, co-researchers)."""
    query = (
        sa.select(Membership.user_id)
        .join(MembershipRole, MembershipRole.membership_id == Membership.id)
        .where(Membership.study_id == study.id, MembershipRole.role.in_(CONSENT_GROUP_ROLES))
        .distinct()
        .order_by(Membership.user_id)
    )
    return list(session.scalars(query))


def require_consent_group(session: Session, *, study: Study, user: User) -> None:
    """Refuse someone who does not decide the consent form."""
    if user.id not in consent_group_ids(session, study):
        raise DomainError(_("Only the study's facilitators and co-researchers can do this."))


def clean_reason(reason: str | None) -> str:
    """Return the reason, or refuse an empty or over-long one."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say in your own words why you suggest this."), field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(_("Use %(n)d characters or fewer.", n=MAX_REASON), field="reason")
    return reason


def _check_pictures(session: Session, study: Study, proposed: dict[str, Any]) -> None:
    """Refuse a picture that is not one of the study's consent form pictures."""
    named = {
        part_of["picture"]
        for key, value in proposed.items()
        if key.startswith("easy_read:")
        for part_of in value or []
        if part_of.get("picture")
    }
    if not named:
        return
    known = set(
        session.scalars(
            sa.select(ConsentPicture.stored_name).where(
                ConsentPicture.study_id == study.id, ConsentPicture.stored_name.in_(named)
            )
        )
    )
    if named - known:
        raise DomainError(_("Choose pictures from this study's consent form pictures."))


def suggest_change(
    session: Session,
    *,
    study: Study,
    author: User,
    language: str,
    document: dict[str, Any],
    reason: str | None,
    deadline: datetime,
    now: datetime | None = None,
) -> WordingSuggestion:
    """Suggest the draft become `document` (a whole form) and ask the group to decide by
    `deadline`; only the parts that differ are kept, so other suggestions are not touched."""
    require_consent_group(session, study=study, user=author)
    reason = clean_reason(reason)
    read_content(document)  # the whole form must still be complete
    draft = draft_of(session, study)
    base, proposed = parts.changes(draft.content, document)
    if not proposed:
        raise DomainError(_("This is the same as the draft: change something first."))
    _check_pictures(session, study, proposed)
    now = now or utcnow()
    suggestion = WordingSuggestion(
        study_id=study.id,
        author_id=author.id,
        reason=reason,
        language=language,
        base=base,
        proposed=proposed,
        state=SuggestionState.OPEN,
        created_at=now,
    )
    session.add(suggestion)
    session.flush()
    voters = consent_group_ids(session, study)
    suggestion.poll_id = hooks.group_decisions().open_poll(
        session,
        study=study,
        subject=hooks.WORDING,
        details={"suggestion": suggestion.id},
        reason=reason,
        opened_by=author,
        voter_ids=voters,
        deadline=deadline,
        now=now,
    )
    session.flush()
    _tell_the_group(session, study, suggestion, [uid for uid in voters if uid != author.id])
    return suggestion


def _tell_the_group(
    session: Session, study: Study, suggestion: WordingSuggestion, users: list[int]
) -> None:
    """Tell the consent group that a change to the consent form is put to them."""
    link = current_app.url_map.bind("localhost").build(
        "consent_wording.show_suggestion",
        {"study_slug": study.slug, "suggestion_id": suggestion.id},
    )
    notify(
        session,
        users=users,
        study=study,
        topic=Topic.NEW_SUGGESTION,
        message=_(
            "%(name)s suggests a change to the consent form. What do you think?",
            name=suggestion.author.display_name,
        ),
        link=link,
        dedupe_key=f"consent-suggestion:{suggestion.id}:opened",
    )


def withdraw_suggestion(
    session: Session,
    *,
    study: Study,
    suggestion: WordingSuggestion,
    by: User,
    now: datetime | None = None,
) -> None:
    """Take one's own open suggestion back; its poll closes without deciding."""
    if suggestion.author_id != by.id:
        raise DomainError(_("Only the person who suggested it can withdraw it."))
    if suggestion.state != SuggestionState.OPEN:
        raise DomainError(_("This suggestion has already been decided or withdrawn."))
    now = now or utcnow()
    suggestion.state = SuggestionState.WITHDRAWN
    suggestion.decided_at = now
    session.flush()
    if suggestion.poll_id is not None:
        hooks.group_decisions().cancel_poll(
            session,
            study=study,
            poll_id=suggestion.poll_id,
            cancelled_by=by,
            message=_("The suggestion was withdrawn before the poll closed, so nothing changed."),
            now=now,
        )


def settle_suggestion(
    session: Session, *, suggestion_id: int, accepted: bool, now: datetime
) -> Settled:
    """Make an accepted suggestion's change to the draft if its parts are still as they were
    (the engine calls this as the poll closes, before writing the decision)."""
    suggestion = session.get_one(WordingSuggestion, suggestion_id)
    change = {"suggestion": suggestion.id, "parts": sorted(suggestion.proposed)}
    if suggestion.state != SuggestionState.OPEN:
        return Settled(False, _("The suggestion was no longer open, so nothing changed."), change)
    suggestion.decided_at = now
    if not accepted:
        suggestion.state = SuggestionState.REJECTED
        session.flush()
        return Settled(False, "", change)
    study = session.get_one(Study, suggestion.study_id)
    draft = draft_of(session, study)
    # Hold the draft's row and read it afresh: two polls closing at once in two transactions
    # must not each make their change on the same old draft (the second would undo the first).
    session.refresh(draft, with_for_update=True)
    try:
        with session.begin_nested():  # all of the change, or none of it
            merged = parts.apply(draft.content, suggestion.base, suggestion.proposed)
            set_draft_content(session, study=study, content=merged)
    except DomainError as error:
        suggestion.state = SuggestionState.NEEDS_UPDATE
        session.flush()
        note = _(
            "The change could not be made, so nothing was changed: %(problem)s "
            "Suggest it again on the draft as it is now.",
            problem=error.message,
        )
        return Settled(False, note, change)
    suggestion.state = SuggestionState.ACCEPTED
    session.flush()
    return Settled(True, _("The change was made to the consent form's draft."), change)
