"""Writing a suggestion of several changes, step by step.

Its author starts it with a reason, then adds changes one at a time (a new question or
section, a change to an item of the draft, taking an item out), changes or takes out any of
them, and puts the whole suggestion to the group once: one poll, one decision, every change
made at once or none (`several_draft.py`). Meanwhile it is a draft only its author sees.
Each step is checked on the draft with every change of the suggestion made, so the changes
may refer to each other.
"""

from __future__ import annotations

from dataclasses import replace

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.db import utcnow
from peer_research.errors import DomainError
from surveys import definition as d
from surveys import services as drafts
from surveys.codesign.decisions import CancelReason, cancel_polls_of
from surveys.codesign.models import (
    SEVERAL_TARGET,
    ChangeKind,
    Proposal,
    ProposalState,
    ProposalTarget,
)
from surveys.codesign.proposal_content import item_content, questionnaire_of
from surveys.codesign.proposals import clean_reason, require_editable
from surveys.codesign.settings import require_design_member
from surveys.codesign.several_draft import PART_KINDS, Part, check_parts, parts_of
from surveys.models import Questionnaire

# More changes than this belong in more than one suggestion (or an XLSForm import).
MAX_PARTS = 60


def start_several(
    session: Session, *, questionnaire: Questionnaire, author: User, reason: str
) -> Proposal:
    """Start one's own draft suggestion of several changes, with no change in it yet."""
    require_design_member(session, study=questionnaire.study, user=author)
    proposal = Proposal(
        questionnaire_id=questionnaire.id,
        author_id=author.id,
        reason=clean_reason(reason),
        kind=ChangeKind.SEVERAL,
        state=ProposalState.DRAFT,
        target_name=SEVERAL_TARGET,
        proposed={"changes": []},
    )
    session.add(proposal)
    session.flush()
    return proposal


def change_reason(session: Session, *, proposal: Proposal, editor: User, reason: str) -> Proposal:
    """Change why one's own draft suggestion of several changes is made."""
    _require_several(proposal)
    _back_to_draft(session, proposal, editor)
    proposal.reason = clean_reason(reason)
    session.flush()
    return proposal


def put_part(
    session: Session,
    *,
    proposal: Proposal,
    editor: User,
    kind: ChangeKind,
    item: d.Item | None = None,
    target_name: str | None = None,
    section: str | None = None,
    before_name: str | None = None,
    after_name: str | None = None,
    index: int | None = None,
    seen_step: int | None = None,
) -> Proposal:
    """Add a change to one's own suggestion, or replace its change number `index` (from 0).

    An addition describes the item and where it goes; a change names the draft item and
    describes it as it would be; a removal names the draft item. A change or removal takes
    the item as it is in the draft now as its base. Checked on the draft with every change of
    the suggestion made; nothing is saved if it does not fit. `seen_step` is the suggestion's
    `step` the form was opened at: a suggestion changed since (in another window) is refused.
    """
    _require_several(proposal)
    require_editable(proposal, editor)
    _refuse_changed_meanwhile(proposal, seen_step)
    kind = ChangeKind(kind)
    if kind not in PART_KINDS:
        raise DomainError(_("A suggestion of several changes adds, changes or takes out items."))
    parts = parts_of(proposal)
    if index is not None and not 0 <= index < len(parts):
        raise DomainError(_("That change is no longer in the suggestion."))
    if index is None and len(parts) >= MAX_PARTS:
        raise DomainError(
            _("A suggestion can hold %(count)d changes. Start another one.", count=MAX_PARTS)
        )
    questionnaire = questionnaire_of(session, proposal)
    draft = drafts.draft_definition(session, questionnaire)
    others = [part for number, part in enumerate(parts) if number != index]
    part = _new_part(draft, others, kind, item, target_name, section, before_name, after_name)
    if index is None:
        parts.append(part)
    else:
        parts[index] = part
    check_parts(draft, parts)
    _save_parts(session, proposal, editor, parts)
    return proposal


def remove_part(
    session: Session,
    *,
    proposal: Proposal,
    editor: User,
    index: int,
    seen_step: int | None = None,
) -> Proposal:
    """Take change number `index` (from 0) out of one's own suggestion.

    The changes left must still fit together (a new question may be used by another one).
    """
    _require_several(proposal)
    require_editable(proposal, editor)
    _refuse_changed_meanwhile(proposal, seen_step)
    parts = parts_of(proposal)
    if not 0 <= index < len(parts):
        raise DomainError(_("That change is no longer in the suggestion."))
    del parts[index]
    check_parts(drafts.draft_definition(session, questionnaire_of(session, proposal)), parts)
    _save_parts(session, proposal, editor, parts)
    return proposal


def _new_part(
    draft: d.FormDefinition,
    others: list[Part],
    kind: ChangeKind,
    item: d.Item | None,
    target_name: str | None,
    section: str | None,
    before_name: str | None,
    after_name: str | None,
) -> Part:
    """Return a part written against the draft as it is now, or refuse it plainly."""
    if kind == ChangeKind.ADD_ITEM:
        if item is None:
            raise DomainError(_("Describe the question to add."))
        if before_name and after_name:
            raise DomainError(_("Choose either before or after, not both."), field="place")
        return Part(
            kind,
            item.name,
            item=d.item_to_json(d.with_items(item, ()) if isinstance(item, d.Section) else item),
            section=section,
            before_name=before_name,
            after_name=after_name,
        )
    current = draft.find(target_name or "")
    if current is None:
        raise DomainError(
            _(
                "%(name)s is not in the draft. A change or removal is about an item of the "
                "draft; change the new items of this suggestion directly.",
                name=target_name,
            )
        )
    if any(other.name == current.name for other in others):
        raise DomainError(
            _(
                "This suggestion already changes %(name)s. Change that part of it instead.",
                name=current.name,
            )
        )
    base = item_content(current)
    if kind == ChangeKind.REMOVE_ITEM:
        return Part(kind, current.name, base=base)
    if item is None:
        raise DomainError(_("Describe the change."))
    if isinstance(item, d.Section) != isinstance(current, d.Section):
        raise DomainError(_("A question cannot become a section, or a section a question."))
    proposed = item_content(item)
    if proposed == base:
        raise DomainError(_("This suggestion would not change anything."))
    return Part(kind, current.name, item=proposed, base=base)


def _save_parts(session: Session, proposal: Proposal, editor: User, parts: list[Part]) -> None:
    """Store the parts, name every item they touch, and bring the suggestion back to draft."""
    _back_to_draft(session, proposal, editor)
    proposal.proposed = {
        "changes": [part.as_json() for part in parts],
        "step": step_of(proposal) + 1,
    }
    names = {part.name for part in parts} | {part.new_name for part in parts}
    kept = [target for target in proposal.targets if target.name in names]
    have = {target.name for target in kept}
    proposal.targets = kept + [ProposalTarget(name=name) for name in sorted(names - have)]
    session.flush()


def _back_to_draft(session: Session, proposal: Proposal, editor: User) -> None:
    """Bring a suggestion needing an update back to its author's draft, closing its old poll."""
    require_editable(proposal, editor)
    if proposal.state == ProposalState.NEEDS_UPDATE:
        proposal.back_to_draft()
        cancel_polls_of(
            session,
            proposal=proposal,
            cancelled_by=editor,
            now=utcnow(),
            reason=CancelReason.UPDATED,
        )


def step_of(proposal: Proposal) -> int:
    """Return how many times the suggestion's changes were saved (to notice another window)."""
    return (proposal.proposed or {}).get("step", 0)


def _refuse_changed_meanwhile(proposal: Proposal, seen_step: int | None) -> None:
    """Refuse a change written against an older state of the suggestion."""
    if seen_step is not None and seen_step != step_of(proposal):
        raise DomainError(
            _(
                "Your suggestion changed in another window while you were writing. Nothing "
                "was saved: look at the suggestion again, then make your change."
            )
        )


def _require_several(proposal: Proposal) -> None:
    """Refuse a suggestion that is not one of several changes."""
    if proposal.kind != ChangeKind.SEVERAL:
        raise DomainError(_("This suggestion holds one change: change it on its own page."))


def rebase_part(
    session: Session,
    *,
    proposal: Proposal,
    editor: User,
    index: int,
    seen_step: int | None = None,
) -> Proposal:
    """Take the draft's item as it is now as the base of a change, keeping the author's edits.

    For a suggestion needing an update: each field the author changed keeps their value,
    every other field takes the draft's current value (as `updated_item` does for one).
    """
    _require_several(proposal)
    require_editable(proposal, editor)
    _refuse_changed_meanwhile(proposal, seen_step)
    parts = parts_of(proposal)
    if not 0 <= index < len(parts) or parts[index].kind == ChangeKind.ADD_ITEM:
        raise DomainError(_("That change is no longer in the suggestion."))
    part = parts[index]
    current = drafts.draft_definition(session, questionnaire_of(session, proposal)).find(part.name)
    if current is None:
        raise DomainError(
            _("%(name)s has been taken out of the draft. Take this change out.", name=part.name)
        )
    now = item_content(current)
    if part.kind == ChangeKind.REMOVE_ITEM:
        parts[index] = replace(part, base=now)
        check_parts(drafts.draft_definition(session, questionnaire_of(session, proposal)), parts)
        _save_parts(session, proposal, editor, parts)
        return proposal
    merged = dict(now)
    for key in set(part.item or {}) | set(part.base or {}):
        if (part.base or {}).get(key) != (part.item or {}).get(key):
            if key in (part.item or {}):
                merged[key] = part.item[key]
            else:
                merged.pop(key, None)
    return put_part(
        session,
        proposal=proposal,
        editor=editor,
        kind=ChangeKind.CHANGE_ITEM,
        item=d.item_from_json(merged),
        target_name=part.name,
        index=index,
    )
