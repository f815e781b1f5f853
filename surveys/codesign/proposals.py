"""Writing proposals: creating, editing, putting to the group and withdrawing them.

A proposal carries one change with the author's reason and the base (the target's content
when it was written). Nothing here changes the draft: accepted proposals are applied by
`draft_changes.apply_proposal`. Translation and languages suggestions are written by
`surveys.translations`, which registers how they read and apply (`bundles.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.errors import DomainError
from surveys import definition as d
from surveys import services as drafts
from surveys.codesign import signals
from surveys.codesign.bundles import bundle_kind
from surveys.codesign.decisions import CancelReason, cancel_polls_of
from surveys.codesign.draft_changes import check_item_fits, check_place, with_item_replaced
from surveys.codesign.models import ChangeKind, Proposal, ProposalState, ProposalTarget
from surveys.codesign.pictures import remove_unused_pictures
from surveys.codesign.proposal_content import (
    base_is_current,
    item_content,
    proposals_touching,
    questionnaire_of,
)
from surveys.codesign.settings import require_design_member
from surveys.models import Questionnaire
from surveys.validation import check_item, circular_references


def clean_reason(reason: str | None) -> str:
    """Return the author's reason without surrounding space (a draft may wait for it)."""
    return (reason or "").strip()


def require_reason(proposal: Proposal) -> None:
    """Refuse to put a suggestion to the group before its author has said why."""
    if not (proposal.reason or "").strip():
        raise DomainError(_("Say in your own words why you suggest this."), field="reason")


def require_author(proposal: Proposal, user: User) -> None:
    """Refuse anyone but the person who suggested the change."""
    if proposal.author_id != user.id:
        raise DomainError(_("Only the person who suggested this change can do that."))


def require_editable(proposal: Proposal, editor: User) -> None:
    """Refuse someone else's suggestion, or one already put to the group or decided.

    A suggestion can be edited while it is a draft or after it was marked as needing an
    update (editing brings it back to draft).
    """
    require_author(proposal, editor)
    if proposal.state not in (ProposalState.DRAFT, ProposalState.NEEDS_UPDATE):
        proposal.back_to_draft()  # raises the plain message for an open or decided proposal


def _current(session: Session, questionnaire: Questionnaire, name: str) -> tuple[d.Item, int]:
    """Return a draft item and its revision, or refuse a name that is not in the draft."""
    item = drafts.draft_definition(session, questionnaire).find(name)
    if item is None:
        raise DomainError(
            _(
                "%(name)s is not in the draft. Suggestions change the draft only; published "
                "versions never change. It may have been removed or renamed.",
                name=name,
            )
        )
    return item, drafts.draft_revisions(session, questionnaire)[name]


# Writing proposals ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Change:
    target_name: str
    proposed: dict[str, Any] | None
    section: str | None
    before_name: str | None
    after_name: str | None
    base_revision: int | None
    base_content: dict[str, Any] | None


def _prepare_change(
    session: Session,
    questionnaire: Questionnaire,
    *,
    kind: ChangeKind,
    target_name: str | None,
    item: d.Item | None,
    section: str | None,
    before_name: str | None,
    after_name: str | None,
    base_revision: int | None,
) -> _Change:
    """Check a change against the current draft and return it with its base."""
    definition = drafts.draft_definition(session, questionnaire)
    if kind == ChangeKind.ADD_ITEM:
        if item is None:
            raise DomainError(_("Describe the question to add."))
        check_item_fits(definition, item, replacing=None)
        check_place(
            definition,
            item=item,
            name=item.name,
            section=section,
            before_name=before_name,
            after_name=after_name,
        )
        return _Change(
            item.name, d.item_to_json(item), section, before_name, after_name, None, None
        )
    if not target_name:
        raise DomainError(_("Choose the question to change."))
    current, revision = _current(session, questionnaire, target_name)
    if base_revision is not None and base_revision != revision:
        raise DomainError(
            _(
                "Someone changed %(name)s since you opened it. Nothing was saved: look at "
                "the new version, then suggest your change again.",
                name=target_name,
            )
        )
    base = item_content(current)
    if kind == ChangeKind.CHANGE_ITEM:
        if item is None:
            raise DomainError(_("Describe the change."))
        if isinstance(item, d.Section) != isinstance(current, d.Section):
            raise DomainError(_("A question cannot become a section, or a section a question."))
        proposed = item_content(item)
        if proposed == base:
            raise DomainError(_("This suggestion would not change anything."))
        if item.name != target_name:
            check_item_fits(definition, item, replacing=target_name)
        else:
            trial = with_item_replaced(definition, item)
            problems = check_item(item, trial)
            if problems:
                raise DomainError(problems[0].message, field=problems[0].field or None)
            cycles = circular_references(trial)
            if cycles:
                raise DomainError(cycles[0].message, field="relevance")
        return _Change(target_name, proposed, None, None, None, revision, base)
    if kind == ChangeKind.MOVE_ITEM:
        check_place(
            definition,
            name=target_name,
            section=section,
            before_name=before_name,
            after_name=after_name,
        )
        return _Change(target_name, None, section, before_name, after_name, revision, base)
    return _Change(target_name, None, None, None, None, revision, base)


def create_proposal(
    session: Session,
    *,
    questionnaire: Questionnaire,
    author: User,
    kind: ChangeKind,
    reason: str,
    item: d.Item | None = None,
    target_name: str | None = None,
    section: str | None = None,
    before_name: str | None = None,
    after_name: str | None = None,
    base_revision: int | None = None,
    open_now: bool = False,
    now: datetime | None = None,
) -> Proposal:
    """Write a suggested change against the draft as it is now (as a draft, or open).

    `base_revision` is the revision of the item the author looked at; if it has changed
    since, the suggestion is refused rather than written against a version they never saw.
    """
    require_design_member(session, study=questionnaire.study, user=author)
    kind = ChangeKind(kind)
    reason = clean_reason(reason)
    change = _prepare_change(
        session,
        questionnaire,
        kind=kind,
        target_name=target_name,
        item=item,
        section=section,
        before_name=before_name,
        after_name=after_name,
        base_revision=base_revision,
    )
    _refuse_repeat(session, questionnaire, author=author, kind=kind, change=change)
    proposal = Proposal(
        questionnaire_id=questionnaire.id,
        author_id=author.id,
        reason=reason,
        kind=kind,
        state=ProposalState.DRAFT,
        **change.__dict__,
    )
    proposal.targets = [ProposalTarget(name=change.target_name)]
    session.add(proposal)
    session.flush()
    if open_now:
        open_proposal(session, proposal=proposal, opened_by=author, now=now)
    return proposal


def _refuse_repeat(
    session: Session,
    questionnaire: Questionnaire,
    *,
    author: User,
    kind: ChangeKind,
    change: _Change,
) -> None:
    """Refuse a change the author has already suggested and not yet seen decided.

    A form sent twice (a double click, the browser's back button) would otherwise put the
    same suggestion before the group twice.
    """
    for other in proposals_touching(session, questionnaire=questionnaire, name=change.target_name):
        if (
            other.author_id == author.id
            and other.kind == kind
            and other.proposed == change.proposed
            and (other.section, other.before_name, other.after_name)
            == (change.section, change.before_name, change.after_name)
        ):
            raise DomainError(
                _(
                    "You have already suggested this change. You can find it in the list "
                    "of suggestions."
                )
            )


def edit_proposal(
    session: Session,
    *,
    proposal: Proposal,
    editor: User,
    reason: str,
    item: d.Item | None = None,
    section: str | None = None,
    before_name: str | None = None,
    after_name: str | None = None,
    base_revision: int | None = None,
) -> Proposal:
    """Change one's own draft proposal, taking the draft as it is now as its new base.

    A proposal marked as needing an update comes back to draft this way.
    """
    require_editable(proposal, editor)
    questionnaire = questionnaire_of(session, proposal)
    change = _prepare_change(
        session,
        questionnaire,
        kind=proposal.kind,
        target_name=proposal.target_name,
        item=item,
        section=section,
        before_name=before_name,
        after_name=after_name,
        base_revision=base_revision,
    )
    was_public = proposal.state == ProposalState.NEEDS_UPDATE
    proposal.back_to_draft()
    proposal.reason = clean_reason(reason)
    if was_public:
        _close_outdated_polls(session, proposal=proposal, editor=editor)
    if change.target_name != proposal.target_name:  # an addition given another short name
        proposal.targets = [ProposalTarget(name=change.target_name)]
    for name, value in change.__dict__.items():
        setattr(proposal, name, value)
    session.flush()
    return proposal


def _close_outdated_polls(session: Session, *, proposal: Proposal, editor: User) -> None:
    """Close a poll on the old version of an updated proposal: its votes were on other words.

    The log records that it closed without deciding because the suggestion was updated; the
    updated proposal gets a new poll when its author puts it to the group again.
    """
    cancel_polls_of(
        session,
        proposal=proposal,
        cancelled_by=editor,
        now=utcnow(),
        reason=CancelReason.UPDATED,
    )


def open_proposal(
    session: Session,
    *,
    proposal: Proposal,
    opened_by: User,
    now: datetime | None = None,
    reason: str | None = None,
) -> Proposal:
    """Put one's own draft proposal before the group, if nothing has changed under it.

    A draft saved without a reason needs one now: `reason`, when given, becomes it.
    """
    require_author(proposal, opened_by)
    if reason is not None and reason.strip():
        proposal.reason = clean_reason(reason)
    require_reason(proposal)
    questionnaire = questionnaire_of(session, proposal)
    _refuse_stale(session, questionnaire, proposal)
    proposal.open(now or utcnow())
    session.flush()
    record(
        session,
        Action.PROPOSAL_OPENED,
        actor=opened_by,
        study=questionnaire.study,
        detail={
            "proposal_id": proposal.id,
            "kind": proposal.kind.value,
            "item": proposal.target_name,
        },
    )
    signals.proposal_opened.send(session, proposal=proposal)
    return proposal


def withdraw_proposal(
    session: Session, *, proposal: Proposal, withdrawn_by: User, now: datetime | None = None
) -> Proposal:
    """Take back one's own proposal; a poll on it closes without deciding anything."""
    require_author(proposal, withdrawn_by)
    proposal.withdraw()
    session.flush()
    remove_unused_pictures(session, questionnaire=questionnaire_of(session, proposal))
    cancel_polls_of(
        session,
        proposal=proposal,
        cancelled_by=withdrawn_by,
        now=now or utcnow(),
        reason=CancelReason.WITHDRAWN,
    )
    record(
        session,
        Action.PROPOSAL_WITHDRAWN,
        actor=withdrawn_by,
        study=questionnaire_of(session, proposal).study,
        detail={"proposal_id": proposal.id, "item": proposal.target_name},
    )
    return proposal


def _refuse_stale(session: Session, questionnaire: Questionnaire, proposal: Proposal) -> None:
    """Refuse to open a proposal whose items (or languages) changed since it was written."""
    if (bundle := bundle_kind(proposal)) is not None:
        stale = bundle.stale_item(session, proposal=proposal)
        if stale is not None:
            raise DomainError(
                bundle.stale_message(session, proposal, stale)
                + " "
                + _("Update your suggestion first.")
            )
        if bundle.ready is not None:
            bundle.ready(session, proposal=proposal)
        return
    if proposal.kind != ChangeKind.ADD_ITEM:
        _current(session, questionnaire, proposal.target_name)
    if not base_is_current(session, proposal=proposal):
        raise DomainError(
            _(
                "%(name)s has changed since you wrote this suggestion. Update it first.",
                name=proposal.target_name,
            )
        )
