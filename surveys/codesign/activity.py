"""A count of everything the group does in a study, so open pages can refresh; and what
each entry of the study's activity log is about (`activity_subjects`).

Every transaction that changes the draft, a suggestion, a poll, a vote, a decision, the
rule, a comment or reaction, or publishes, adds one to `studies.activity_count` as it
commits; live pages compare that number with the one they were made with. Reading it costs
nothing (the study is loaded for the access check anyway) and stays the same at any study
size. It says nothing about what happened, and nothing at all about positions in anonymous
polls: their ballots are not watched (the first vote marks `poll_voters.voted_at`, which
everyone may know; changing an anonymous vote changes nothing here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.studies.models import Study
from surveys.codesign.comments import Comment, CommentReaction
from surveys.codesign.models import (
    Decision,
    DecisionRule,
    Poll,
    PollSubject,
    PollVoter,
    Proposal,
    Vote,
)
from surveys.codesign.notices import describe_proposal
from surveys.models import DraftItem, Questionnaire, QuestionnaireVersion

# The watched records, by what leads from each to its study.
_STUDY = {Questionnaire, Poll, Decision, DecisionRule}  # they name the study themselves
_QUESTIONNAIRE = {DraftItem, QuestionnaireVersion, Proposal, Comment}
_POLL = {PollVoter, Vote}
_PENDING = "codesign.activity"
_KINDS = ("study", "questionnaire", "poll", "comment")


def activity_token(study: Study) -> str:
    """Return the study's activity count as live pages compare it (no query)."""
    return str(study.activity_count)


def watch_activity() -> None:
    """Count the group's activity as transactions commit (idempotent; the app factory calls it)."""
    if not sa.event.contains(Session, "after_flush", _note_changes):
        sa.event.listen(Session, "after_flush", _note_changes)
        sa.event.listen(Session, "before_commit", _count_activity)
        sa.event.listen(Session, "after_soft_rollback", _forget_changes)


def _note_changes(session: Session, _flush_context) -> None:
    """Remember which studies the records just written belong to (by the nearest id)."""
    pending = session.info.setdefault(_PENDING, {kind: set() for kind in _KINDS})
    modified = (record for record in session.dirty if session.is_modified(record))
    changed = chain(session.new, session.deleted, modified)
    for record in changed:
        kind = type(record)
        if kind in _STUDY:
            pending["study"].add(record.study_id)
        elif kind in _QUESTIONNAIRE:
            pending["questionnaire"].add(record.questionnaire_id)
        elif kind in _POLL:
            pending["poll"].add(record.poll_id)
        elif kind is CommentReaction:
            pending["comment"].add(record.comment_id)


def _count_activity(session: Session) -> None:
    """Add one to the activity count of every study the transaction changed.

    The update is the transaction's last statement, so holding the study's row until the
    commit cannot make two writers wait for each other.
    """
    session.flush()
    pending = session.info.pop(_PENDING, None)
    if not pending or not any(pending.values()):
        return
    comment_questionnaires = sa.select(Comment.questionnaire_id).where(
        Comment.id.in_(pending["comment"])
    )
    questionnaires = sa.select(Questionnaire.study_id).where(
        Questionnaire.id.in_(pending["questionnaire"])
        | Questionnaire.id.in_(comment_questionnaires)
    )
    polls = sa.select(Poll.study_id).where(Poll.id.in_(pending["poll"]))
    studies = Study.id.in_(pending["study"]) | Study.id.in_(questionnaires) | Study.id.in_(polls)
    session.execute(
        sa.update(Study)
        .where(studies)
        .values(activity_count=Study.activity_count + 1)
        .execution_options(synchronize_session=False)
    )


def _forget_changes(session: Session, _previous_transaction) -> None:
    """Drop what a rolled-back transaction wrote: nothing of it happened."""
    if not session.in_transaction():
        session.info.pop(_PENDING, None)


# What the study's activity log entries are about ----------------------------------------


@dataclass(frozen=True)
class EventSubject:
    """What an activity log entry is about, in words, and the page that shows it.

    `endpoint` and `values` name that page (None: nothing to open, as for a private draft).
    """

    text: str
    endpoint: str | None = None
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Records:
    """The records a page of log entries names, each kind loaded in one query."""

    decisions: dict[int, Decision]
    polls: dict[int, Poll]
    proposals: dict[int, Proposal]
    questionnaires: dict[int, Questionnaire]
    slugs: dict[int, str]


def _ids(details: list[dict], key: str) -> set[int]:
    """Return the whole-number ids found under `key` in the entries' details."""
    return {value for detail in details if isinstance(value := detail.get(key), int) and value > 0}


def _by_id(session: Session, model, ids: set[int]) -> dict[int, Any]:
    """Return the records of `model` with these ids (no query when there are none)."""
    if not ids:
        return {}
    return {
        record.id: record for record in session.scalars(sa.select(model).where(model.id.in_(ids)))
    }


def _load(session: Session, details: list[dict]) -> _Records:
    """Load what the entries name, following decisions to polls, polls to suggestions."""
    decisions = _by_id(session, Decision, _ids(details, "decision_id"))
    poll_ids = _ids(details, "poll_id") | {d.poll_id for d in decisions.values() if d.poll_id}
    polls = _by_id(session, Poll, poll_ids)
    proposal_ids = (
        _ids(details, "proposal_id")
        | {d.proposal_id for d in decisions.values() if d.proposal_id}
        | {p.proposal_id for p in polls.values() if p.proposal_id}
    )
    proposals = _by_id(session, Proposal, proposal_ids)
    questionnaire_ids = (
        _ids(details, "questionnaire_id")
        | {p.questionnaire_id for p in proposals.values()}
        | {p.questionnaire_id for p in polls.values() if p.questionnaire_id}
    )
    questionnaires = _by_id(session, Questionnaire, questionnaire_ids)
    study_ids = {q.study_id for q in questionnaires.values()} | {p.study_id for p in polls.values()}
    slugs: dict[int, str] = {}
    if study_ids:
        query = sa.select(Study.id, Study.slug).where(Study.id.in_(study_ids))
        slugs = {row.id: row.slug for row in session.execute(query)}
    return _Records(decisions, polls, proposals, questionnaires, slugs)


def _suggestion(records: _Records, proposal: Proposal) -> EventSubject:
    """Name a suggestion by what it does; a private draft only as a draft."""
    questionnaire = records.questionnaires.get(proposal.questionnaire_id)
    if questionnaire is None:
        return EventSubject(_("A suggestion"))
    if proposal.is_private:
        return EventSubject(
            _(
                "A draft suggestion on “%(title)s” (only its author can see it)",
                title=questionnaire.title,
            )
        )
    what = describe_proposal(proposal, questionnaire)
    return EventSubject(
        _("Suggestion: %(what)s, in “%(title)s”", what=what, title=questionnaire.title),
        "surveys.show_proposal",
        {
            "study_slug": records.slugs.get(questionnaire.study_id, ""),
            "questionnaire_id": questionnaire.id,
            "proposal_id": proposal.id,
        },
    )


def _poll(records: _Records, poll: Poll) -> EventSubject:
    """Name a poll by what it decides."""
    proposal = records.proposals.get(poll.proposal_id) if poll.proposal_id else None
    if proposal is not None:
        return _suggestion(records, proposal)
    questionnaire = records.questionnaires.get(poll.questionnaire_id or 0)
    values = {"study_slug": records.slugs.get(poll.study_id, ""), "poll_id": poll.id}
    if poll.subject == PollSubject.PUBLISH and questionnaire is not None:
        return EventSubject(
            _("Publishing “%(title)s”", title=questionnaire.title), "surveys.show_poll", values
        )
    if poll.subject == PollSubject.CONSENT_WORDING:
        values = {"study_slug": values["study_slug"]}
        return EventSubject(_("The consent form"), "consent_wording.show_form", values)
    if poll.subject == PollSubject.CONSENT_PUBLISH:
        return EventSubject(
            _("Publishing the consent form"), "consent_wording.show_publishing", values
        )
    return EventSubject(_("How the group decides"), "surveys.show_poll", values)


def _questionnaire(records: _Records, detail: dict) -> EventSubject | None:
    """Name a questionnaire, or one of its published versions."""
    questionnaire = records.questionnaires.get(detail.get("questionnaire_id") or 0)
    if questionnaire is None:
        return None
    values = {
        "study_slug": records.slugs.get(questionnaire.study_id, ""),
        "questionnaire_id": questionnaire.id,
    }
    number = detail.get("version")
    if isinstance(number, int) and number > 0:
        return EventSubject(
            _("Version %(number)d of “%(title)s”", number=number, title=questionnaire.title),
            "surveys.show_version",
            {**values, "number": number},
        )
    return EventSubject(_("“%(title)s”", title=questionnaire.title), "surveys.show_draft", values)


def _subject(records: _Records, detail: dict) -> EventSubject | None:
    """Return what one entry is about, from the most telling record it names."""
    decision = records.decisions.get(detail.get("decision_id") or 0)
    proposal = records.proposals.get(detail.get("proposal_id") or 0)
    if proposal is None and decision is not None and decision.proposal_id:
        proposal = records.proposals.get(decision.proposal_id)
    if proposal is not None:
        return _suggestion(records, proposal)
    poll = records.polls.get(detail.get("poll_id") or (decision.poll_id if decision else 0) or 0)
    if poll is not None:
        return _poll(records, poll)
    return _questionnaire(records, detail)


def activity_subjects(session: Session, details: dict[int, dict]) -> dict[int, EventSubject]:
    """Return what each activity log entry is about, by entry id (entries about nothing
    of a questionnaire, such as a sign-in, are left out). A few queries for a whole page."""
    records = _load(session, list(details.values()))
    found = {entry_id: _subject(records, detail) for entry_id, detail in details.items()}
    return {entry_id: subject for entry_id, subject in found.items() if subject is not None}
