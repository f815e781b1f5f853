"""Co-design notices: new suggestions, replies and decisions, told to the people who chose them.

The receivers listen to the co-design signals (`signals.py`) and run inside the sender's
transaction, each in a savepoint: a notice that cannot be made is logged and dropped, and
never undoes the vote, suggestion or comment that caused it. `connect_receivers` is called
by `surveys.init_app`.
"""

from __future__ import annotations

import logging

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.db import utcnow
from peer_research.notifications.models import Topic
from peer_research.notifications.services import notify
from peer_research.studies.models import Study
from surveys.codesign import signals
from surveys.codesign.comments import Comment
from surveys.codesign.models import (
    ChangeKind,
    Decision,
    EntryKind,
    Outcome,
    Poll,
    PollSubject,
    Proposal,
)
from surveys.codesign.settings import design_group_user_ids
from surveys.models import Questionnaire

log = logging.getLogger(__name__)


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
    if poll.subject == PollSubject.CONSENT_WORDING:
        suggestion_id = int((poll.proposed_rule or {}).get("suggestion", 0))
        values = {"study_slug": study.slug, "suggestion_id": suggestion_id}
        return _path("consent_wording.show_suggestion", values)
    if poll.subject == PollSubject.CONSENT_PUBLISH:
        values = {"study_slug": study.slug, "poll_id": poll.id}
        return _path("consent_wording.show_publishing", values)
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
        ChangeKind.SEVERAL: _("several changes to “%(title)s”", title=questionnaire.title),
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
    if poll.subject == PollSubject.FIRST_DRAFT and questionnaire:
        return _("who may build the first draft of “%(title)s”", title=questionnaire.title)
    if poll.subject == PollSubject.CONSENT_WORDING:
        return _("a change to the consent form")
    if poll.subject == PollSubject.CONSENT_PUBLISH:
        return _("publishing a new version of the consent form")
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


# Polls about the consent form: only their voters (facilitators, co-researchers) may see it.
CONSENT_FORM_POLLS = frozenset({PollSubject.CONSENT_WORDING, PollSubject.CONSENT_PUBLISH})

# Changes made without a poll: by a facilitator, or by a member building the first draft.
DIRECT_KINDS = frozenset({EntryKind.DIRECT_EDIT, EntryKind.FIRST_DRAFT})


def outcome_message(session: Session, decision: Decision) -> str:
    """Return a decision in plain words: "The group agreed: …", "Not agreed: …"."""
    if decision.entry_kind in DIRECT_KINDS:  # a facilitator's, or a first-draft builder's
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
    if decision.poll is not None and decision.poll.subject in CONSENT_FORM_POLLS:
        users = [voter.user_id for voter in decision.poll.voters]  # the only ones who may see it
    if decision.entry_kind in DIRECT_KINDS:
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
