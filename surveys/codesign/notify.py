"""Co-design notifications: new suggestions, replies, decisions, votes closing soon, reminders.

The receivers listen to the co-design signals and run inside the sender's transaction, each
in a savepoint: a notification that cannot be made is logged and dropped, and never undoes
the vote, suggestion or comment that caused it.

Nothing here reads how anyone voted: who has not voted comes from `poll_voters.voted_at`,
so reminders and "closes soon" work the same for named and anonymous polls.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.audit.models import AuditEvent
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.notifications.models import Notification, Topic
from peer_research.notifications.services import notify
from peer_research.studies.models import Study
from peer_research.templating import when
from surveys.codesign import signals
from surveys.codesign.group import design_group_user_ids, require_design_member
from surveys.codesign.models import (
    ChangeKind,
    Comment,
    Decision,
    EntryKind,
    Outcome,
    Poll,
    PollSubject,
    PollVoter,
    Proposal,
)
from surveys.models import Questionnaire

log = logging.getLogger(__name__)

CLOSING_SOON = timedelta(hours=24)
REMIND_EVERY = timedelta(hours=24)


# Words and links -------------------------------------------------------------------------


def _path(endpoint: str, values: dict) -> str:
    """Return an endpoint's path (links are stored as paths inside the app)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _study_path(study: Study) -> str:
    return _path("studies.show_study", {"study_slug": study.slug})


def _proposal_path(study: Study, proposal: Proposal, anchor: str = "") -> str:
    values = {
        "study_slug": study.slug,
        "questionnaire_id": proposal.questionnaire_id,
        "proposal_id": proposal.id,
    }
    return _path("surveys.show_proposal", values) + anchor


def poll_path(study: Study, poll: Poll) -> str:
    """Return where a poll can be seen: its suggestion's page, or the poll's own page."""
    if poll.proposal is not None:
        return _proposal_path(study, poll.proposal)
    return _path("surveys.show_poll", {"study_slug": study.slug, "poll_id": poll.id})


def _label(content: dict | None, language: str) -> str:
    if not content:
        return ""
    return (content.get("label") or {}).get(language) or content.get("name", "")


def describe_proposal(proposal: Proposal, questionnaire: Questionnaire) -> str:
    """Return what a suggestion does in a few plain words ("changing “How old are you?”")."""
    language = questionnaire.languages[0]["code"] if questionnaire.languages else ""
    label = _label(proposal.base_content or proposal.proposed, language) or proposal.target_name
    kinds = {
        ChangeKind.ADD_ITEM: _("adding “%(label)s”", label=label),
        ChangeKind.CHANGE_ITEM: _("changing “%(label)s”", label=label),
        ChangeKind.MOVE_ITEM: _("moving “%(label)s”", label=label),
        ChangeKind.REMOVE_ITEM: _("removing “%(label)s”", label=label),
        ChangeKind.TRANSLATE: _("a translation of “%(title)s”", title=questionnaire.title),
        ChangeKind.SET_LANGUAGES: _("the languages of “%(title)s”", title=questionnaire.title),
    }
    return kinds.get(proposal.kind, _("a change to “%(title)s”", title=questionnaire.title))


def describe_poll(session: Session, poll: Poll) -> str:
    """Return what a poll decides in a few plain words."""
    questionnaire = (
        session.get(Questionnaire, poll.questionnaire_id) if poll.questionnaire_id else None
    )
    if poll.subject == PollSubject.PROPOSAL and poll.proposal and questionnaire:
        return describe_proposal(poll.proposal, questionnaire)
    if poll.subject == PollSubject.PUBLISH and questionnaire:
        return _("publishing “%(title)s”", title=questionnaire.title)
    return _("a new way for the group to decide")


def _safely(receiver):
    """Run a receiver in a savepoint; log and drop its work if it fails."""

    def run(session: Session, **kwargs) -> None:
        try:
            with session.begin_nested():
                receiver(session, **kwargs)
        except Exception:  # a notification must never undo the action that caused it
            log.exception("could not notify for %s", receiver.__name__)

    run.__name__ = receiver.__name__
    run.__doc__ = receiver.__doc__
    return run


# Receivers -------------------------------------------------------------------------------


def _on_proposal_opened(session: Session, *, proposal: Proposal) -> None:
    """Tell the design group (not the author) that a suggestion is open."""
    questionnaire = session.get_one(Questionnaire, proposal.questionnaire_id)
    study = session.get_one(Study, questionnaire.study_id)
    author = session.get_one(User, proposal.author_id)
    opened = proposal.opened_at or utcnow()
    notify(
        session,
        users=[uid for uid in design_group_user_ids(session, study) if uid != author.id],
        study=study,
        topic=Topic.NEW_SUGGESTION,
        message=_(
            "%(name)s suggests %(what)s. What do you think?",
            name=author.display_name,
            what=describe_proposal(proposal, questionnaire),
        ),
        link=_proposal_path(study, proposal),
        dedupe_key=f"proposal:{proposal.id}:opened:{opened:%Y%m%dT%H%M%S}",
    )


def outcome_message(session: Session, decision: Decision) -> str:
    """Return a decision in plain words: "The group agreed: …", "Not agreed: …"."""
    if decision.entry_kind == EntryKind.DIRECT_EDIT:
        who = session.get(User, decision.decided_by_id) if decision.decided_by_id else None
        what = _describe_decision(session, decision)
        return _(
            "%(name)s changed the draft directly: %(what)s.",
            name=who.display_name if who else _("A facilitator"),
            what=what,
        )
    what = _describe_decision(session, decision)
    if decision.outcome == Outcome.CANCELLED:  # withdrawn, or updated after the item changed
        return _("Closed without a decision: %(what)s. %(why)s", what=what, why=decision.reason)
    if decision.outcome == Outcome.REJECTED:
        return _("Not agreed: %(what)s.", what=what)
    if decision.applied:
        return _("The group agreed: %(what)s.", what=what)
    return _(
        "The group agreed: %(what)s. It could not be done as it was, so it needs an update.",
        what=what,
    )


def _describe_decision(session: Session, decision: Decision) -> str:
    if decision.poll is not None:
        return describe_poll(session, decision.poll)
    if decision.proposal is not None and decision.questionnaire_id is not None:
        questionnaire = session.get_one(Questionnaire, decision.questionnaire_id)
        return describe_proposal(decision.proposal, questionnaire)
    return _("a change to the draft")


def _on_decision_recorded(session: Session, *, decision: Decision) -> None:
    """Tell the design group what was decided (a direct edit: everyone but its maker)."""
    study = session.get_one(Study, decision.study_id)
    if decision.proposal is not None:
        link = _proposal_path(study, decision.proposal)
    elif decision.poll is not None:
        link = poll_path(study, decision.poll)
    else:
        link = _study_path(study)
    users = design_group_user_ids(session, study)
    if decision.entry_kind == EntryKind.DIRECT_EDIT:
        users = [uid for uid in users if uid != decision.decided_by_id]
    notify(
        session,
        users=users,
        study=study,
        topic=Topic.OUTCOME,
        message=outcome_message(session, decision),
        link=link,
        dedupe_key=f"decision:{decision.id}",
    )


def _on_comment_posted(session: Session, *, comment: Comment) -> None:
    """Tell the author of the comment replied to, and the suggestion's author, not the writer."""
    questionnaire = session.get_one(Questionnaire, comment.questionnaire_id)
    study = session.get_one(Study, questionnaire.study_id)
    writer = session.get_one(User, comment.author_id)
    proposal = session.get(Proposal, comment.proposal_id) if comment.proposal_id else None
    if proposal is not None:
        link = _proposal_path(study, proposal, f"#comment-{comment.id}")
    else:
        values = {
            "study_slug": study.slug,
            "questionnaire_id": questionnaire.id,
            "name": comment.item_name,
        }
        link = _path("surveys.discuss_item", values) + f"#comment-{comment.id}"
    key = f"comment:{comment.id}"
    parent = session.get(Comment, comment.parent_id) if comment.parent_id else None
    told: set[int] = {writer.id}
    if parent is not None and parent.author_id not in told:
        notify(
            session,
            users=[parent.author_id],
            study=study,
            topic=Topic.REPLY,
            message=_("%(name)s replied to your comment.", name=writer.display_name),
            link=link,
            dedupe_key=key,
        )
        told.add(parent.author_id)
    if proposal is not None and proposal.author_id not in told:
        notify(
            session,
            users=[proposal.author_id],
            study=study,
            topic=Topic.REPLY,
            message=_(
                "%(name)s commented on your suggestion: %(what)s.",
                name=writer.display_name,
                what=describe_proposal(proposal, questionnaire),
            ),
            link=link,
            dedupe_key=key,
        )


on_proposal_opened = _safely(_on_proposal_opened)
on_decision_recorded = _safely(_on_decision_recorded)
on_comment_posted = _safely(_on_comment_posted)


def connect_receivers() -> None:
    """Listen to the co-design signals (idempotent: blinker keeps one of each receiver)."""
    signals.proposal_opened.connect(on_proposal_opened)
    signals.decision_recorded.connect(on_decision_recorded)
    signals.comment_posted.connect(on_comment_posted)


# Votes closing soon ----------------------------------------------------------------------


def _not_yet_voted_ids(session: Session, poll: Poll) -> list[int]:
    """Return the ids of the people who may vote in a poll and have not yet."""
    query = sa.select(PollVoter.user_id).where(
        PollVoter.poll_id == poll.id, PollVoter.voted_at.is_(None)
    )
    return list(session.scalars(query))


def closing_notice_key(poll_id: int) -> str:
    """Return the dedupe key of a poll's "closes soon" notice."""
    return f"poll:{poll_id}:closing"


def notify_polls_closing_soon(
    session: Session,
    now: datetime,
    within: timedelta = CLOSING_SOON,
    study: Study | None = None,
) -> int:
    """Tell people who may vote and have not that a poll closes soon (once per poll each).

    Only polls with someone still to be told are looked at, so pages can call this on every
    load: it is one query when nothing is due. `study` limits it to one study's polls.
    Returns how many notifications were made.
    """
    key = sa.literal("poll:") + sa.cast(Poll.id, sa.String) + sa.literal(":closing")
    told = (
        sa.select(Notification.id)
        .where(Notification.user_id == PollVoter.user_id, Notification.dedupe_key == key)
        .exists()
    )
    someone_to_tell = (
        sa.select(PollVoter)
        .where(PollVoter.poll_id == Poll.id, PollVoter.voted_at.is_(None), ~told)
        .exists()
    )
    query = sa.select(Poll).where(
        Poll.closed_at.is_(None),
        Poll.deadline > now,
        Poll.deadline <= now + within,
        someone_to_tell,
    )
    if study is not None:
        query = query.where(Poll.study_id == study.id)
    due = list(session.scalars(query.order_by(Poll.id)))
    made = 0
    for poll in due:
        study = session.get_one(Study, poll.study_id)
        made += len(
            notify(
                session,
                users=_not_yet_voted_ids(session, poll),
                study=study,
                topic=Topic.POLL_CLOSING,
                message=_(
                    "Voting on %(what)s closes %(when)s, and we have not heard what you think yet.",
                    what=describe_poll(session, poll),
                    when=when(poll.deadline),
                ),
                link=poll_path(study, poll),
                dedupe_key=closing_notice_key(poll.id),
            )
        )
    return made


# Reminders -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderState:
    """Whether a reminder can be sent for a poll now, and when the last one went."""

    waiting: int  # how many may vote and have not (never who voted how)
    last_sent_at: datetime | None
    next_at: datetime | None  # when another may be sent, if the last was recent

    @property
    def may_send(self) -> bool:
        """Tell whether a reminder can go now."""
        return self.waiting > 0 and self.next_at is None


def last_reminder_at(session: Session, *, poll: Poll, now: datetime) -> datetime | None:
    """Return when the last reminder for this poll went, if within the last day."""
    events = session.scalars(
        sa.select(AuditEvent)
        .where(
            AuditEvent.action == Action.VOTE_REMINDER_SENT.value,
            AuditEvent.study_id == poll.study_id,
            AuditEvent.at >= min(now, utcnow()) - REMIND_EVERY - timedelta(hours=1),
        )
        .order_by(AuditEvent.id.desc())
    )
    for event in events:
        if event.detail.get("poll_id") == poll.id:
            sent = datetime.fromisoformat(event.detail["sent_at"])
            return sent if sent > now - REMIND_EVERY else None
    return None


def reminder_state(
    session: Session, *, poll: Poll, user: User | None = None, now: datetime | None = None
) -> ReminderState:
    """Return how many (other than `user`) have not voted and whether a reminder may go now."""
    now = now or utcnow()
    query = (
        sa.select(sa.func.count())
        .select_from(PollVoter)
        .where(PollVoter.poll_id == poll.id, PollVoter.voted_at.is_(None))
    )
    if user is not None:
        query = query.where(PollVoter.user_id != user.id)
    waiting = session.scalar(query)
    last = last_reminder_at(session, poll=poll, now=now)
    return ReminderState(
        waiting=waiting or 0,
        last_sent_at=last,
        next_at=last + REMIND_EVERY if last else None,
    )


def remind_voters(
    session: Session, *, poll: Poll, reminded_by: User, now: datetime | None = None
) -> int:
    """Remind everyone who may vote in an open poll and has not; return how many.

    Anyone in the design group may send it (an equal voice includes nudging the group),
    at most once a day per poll, so nobody is pestered. The reminder does not say who
    sent it or how anyone voted.
    """
    now = now or utcnow()
    study = session.get_one(Study, poll.study_id)
    require_design_member(session, study=study, user=reminded_by)
    # Hold the poll row so two reminders at once cannot both pass the once-a-day check.
    session.scalar(sa.select(Poll.id).where(Poll.id == poll.id).with_for_update())
    if not poll.is_open:
        raise DomainError(_("This poll has closed, so there is nobody to remind."))
    state = reminder_state(session, poll=poll, now=now)
    if state.next_at is not None:
        raise DomainError(
            _(
                "A reminder went %(sent)s. Another can be sent after %(next)s.",
                sent=when(state.last_sent_at),
                next=when(state.next_at),
            )
        )
    waiting = [
        user_id for user_id in _not_yet_voted_ids(session, poll) if user_id != reminded_by.id
    ]
    if not waiting:
        raise DomainError(_("Everyone else has voted, so there is nobody to remind."))
    notify(
        session,
        users=waiting,
        study=study,
        topic=Topic.REMINDER,
        message=_(
            "The group would like to know what you think about %(what)s. Voting closes %(when)s.",
            what=describe_poll(session, poll),
            when=when(poll.deadline),
        ),
        link=poll_path(study, poll),
        dedupe_key=f"poll:{poll.id}:reminder:{now:%Y%m%dT%H%M%S}",
    )
    record(
        session,
        Action.VOTE_REMINDER_SENT,
        actor=reminded_by,
        study=study,
        detail={"poll_id": poll.id, "reminded": len(waiting), "sent_at": now.isoformat()},
    )
    return len(waiting)
