"""Suggested changes to a questionnaire's draft: writing, opening, withdrawing, applying.

A proposal's author may edit it while it is a draft (or after it was marked as needing an
update, which brings it back to draft). Once open, its change is fixed, because people may
already be discussing or voting on it: to change it, the author withdraws it and suggests
the change again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.studies.models import Membership, MembershipRole, Role, Study
from peer_research.studies.services import get_membership
from surveys import definition as d
from surveys import services as drafts
from surveys.codesign import signals
from surveys.codesign.diff import FieldChange, item_changes
from surveys.codesign.models import (
    LIVE_STATES,
    ChangeKind,
    Proposal,
    ProposalState,
    ProposalTarget,
)
from surveys.models import Questionnaire
from surveys.validation import check_item, circular_references

# Everyone in the design group has an equal voice: only support leads are outside it.
DESIGN_GROUP_ROLES = frozenset(
    {Role.FACILITATOR, Role.CO_RESEARCHER, Role.PEER_RESEARCHER, Role.ACADEMIC_PARTNER}
)


def design_group_user_ids(session: Session, study: Study) -> list[int]:
    """Return the ids of the study's members who are in its design group."""
    query = (
        sa.select(Membership.user_id)
        .join(MembershipRole, MembershipRole.membership_id == Membership.id)
        .where(Membership.study_id == study.id, MembershipRole.role.in_(DESIGN_GROUP_ROLES))
        .distinct()
        .order_by(Membership.user_id)
    )
    return list(session.scalars(query))


def require_design_member(session: Session, *, study: Study, user: User) -> Membership:
    """Return the user's membership, or refuse someone outside the study's design group."""
    membership = get_membership(session, study=study, user=user)
    if membership is None or not membership.has_any_role(DESIGN_GROUP_ROLES):
        raise DomainError(_("Only members of this study's design group can do this."))
    return membership


# Reading the draft ----------------------------------------------------------------------


def item_content(item: d.Item) -> dict[str, Any]:
    """Return an item's own content as JSON, without the items inside a section."""
    data = d.item_to_json(item)
    data.pop("items", None)
    return data


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


def _sibling_names(definition: d.FormDefinition, section: str | None) -> list[str]:
    """Return the names of the items directly inside a section (None: the top level)."""
    if section is None:
        return [item.name for item in definition.items]
    found = definition.find(section)
    if not isinstance(found, d.Section):
        raise DomainError(_("Choose a section that is in the draft."), field="section")
    return [item.name for item in found.items]


def _check_place(
    definition: d.FormDefinition,
    *,
    name: str,
    section: str | None,
    before_name: str | None,
    after_name: str | None,
) -> None:
    """Refuse a place that is not in the draft: the section and the neighbour must exist."""
    siblings = _sibling_names(definition, section)
    if before_name and after_name:
        raise DomainError(_("Choose either before or after, not both."), field="before_name")
    neighbour = before_name or after_name
    if neighbour and (neighbour == name or neighbour not in siblings):
        raise DomainError(
            _("%(name)s is not in that part of the questionnaire.", name=neighbour),
            field="before_name" if before_name else "after_name",
        )
    if section is not None:
        target = definition.find(name)
        if section == name or (
            isinstance(target, d.Section) and any(i.name == section for i, _p in _walk(target))
        ):
            raise DomainError(_("A section cannot go inside itself."), field="section")


def _walk(section: d.Section):
    return d.FormDefinition(title="", languages=(), items=section.items).walk()


def _check_item(definition: d.FormDefinition, item: d.Item, *, replacing: str | None) -> None:
    """Raise the first problem the item would have in the draft."""
    names = [i.name for i, _p in definition.walk() if i.name != replacing]
    if item.name in names:
        raise DomainError(
            _("Another question already has the short name %(name)s.", name=item.name),
            field="name",
        )
    trial = d.with_items(definition, (*definition.items, item))
    problems = check_item(item, trial)
    if problems:
        raise DomainError(problems[0].message, field=problems[0].field or None)
    if replacing is None:
        cycles = circular_references(trial)
        if cycles:
            raise DomainError(cycles[0].message, field="relevance")


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
        _check_item(definition, item, replacing=None)
        _check_place(
            definition,
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
            _check_item(definition, item, replacing=target_name)
        else:
            trial = _replaced(definition, item)
            problems = check_item(item, trial)
            if problems:
                raise DomainError(problems[0].message, field=problems[0].field or None)
            cycles = circular_references(trial)
            if cycles:
                raise DomainError(cycles[0].message, field="relevance")
        return _Change(target_name, proposed, None, None, None, revision, base)
    if kind == ChangeKind.MOVE_ITEM:
        _check_place(
            definition,
            name=target_name,
            section=section,
            before_name=before_name,
            after_name=after_name,
        )
        return _Change(target_name, None, section, before_name, after_name, revision, base)
    return _Change(target_name, None, None, None, None, revision, base)


def _replaced(definition: d.FormDefinition, item: d.Item) -> d.FormDefinition:
    """Return the definition with one item's own content replaced (children kept)."""

    def swap(items: tuple[d.Item, ...]) -> tuple[d.Item, ...]:
        out = []
        for existing in items:
            if existing.name == item.name:
                existing = (
                    d.with_items(item, existing.items) if isinstance(item, d.Section) else item
                )
            elif isinstance(existing, d.Section):
                existing = d.with_items(existing, swap(existing.items))
            out.append(existing)
        return tuple(out)

    return d.with_items(definition, swap(definition.items))


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say in your own words why you suggest this."), field="reason")
    return reason


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
    reason = _clean_reason(reason)
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
    _require_author(proposal, editor)
    if proposal.state not in (ProposalState.DRAFT, ProposalState.NEEDS_UPDATE):
        proposal.back_to_draft()  # raises the plain message for an open or decided proposal
    questionnaire = _questionnaire(session, proposal)
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
    proposal.reason = _clean_reason(reason)
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

    The log records it as closed without deciding (the old version was taken back); the
    updated proposal gets a new poll when its author puts it to the group again.
    """
    from surveys.codesign.closing import CancelReason, cancel_polls_of  # closing builds on this

    cancel_polls_of(
        session,
        proposal=proposal,
        cancelled_by=editor,
        now=utcnow(),
        reason=CancelReason.UPDATED,
    )


def open_proposal(
    session: Session, *, proposal: Proposal, opened_by: User, now: datetime | None = None
) -> Proposal:
    """Put one's own draft proposal before the group, if the item has not changed under it."""
    if proposal.kind in (ChangeKind.TRANSLATE, ChangeKind.SET_LANGUAGES):  # translating.py
        from surveys.codesign import translating

        return translating.open_bundle_proposal(
            session, proposal=proposal, opened_by=opened_by, now=now
        )
    _require_author(proposal, opened_by)
    questionnaire = _questionnaire(session, proposal)
    if proposal.kind != ChangeKind.ADD_ITEM:
        _current(session, questionnaire, proposal.target_name)
    if not base_is_current(session, proposal=proposal):
        raise DomainError(
            _(
                "%(name)s has changed since you wrote this suggestion. Update it first.",
                name=proposal.target_name,
            )
        )
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
    from surveys.codesign.closing import CancelReason, cancel_polls_of  # closing builds on this

    _require_author(proposal, withdrawn_by)
    proposal.withdraw()
    session.flush()
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
        study=_questionnaire(session, proposal).study,
        detail={"proposal_id": proposal.id, "item": proposal.target_name},
    )
    return proposal


def _require_author(proposal: Proposal, user: User) -> None:
    if proposal.author_id != user.id:
        raise DomainError(_("Only the person who suggested this change can do that."))


def _questionnaire(session: Session, proposal: Proposal) -> Questionnaire:
    return session.get_one(Questionnaire, proposal.questionnaire_id)


# Reading proposals ----------------------------------------------------------------------


def proposals_of(session: Session, questionnaire: Questionnaire) -> list[Proposal]:
    """Return every proposal about a questionnaire, newest first."""
    query = (
        sa.select(Proposal)
        .where(Proposal.questionnaire_id == questionnaire.id)
        .order_by(Proposal.id.desc())
    )
    return list(session.scalars(query))


def proposals_touching(
    session: Session, *, questionnaire: Questionnaire, name: str
) -> list[Proposal]:
    """Return the live proposals (draft, open, needing an update) about one item."""
    query = (
        sa.select(Proposal)
        .join(ProposalTarget, ProposalTarget.proposal_id == Proposal.id)
        .where(
            Proposal.questionnaire_id == questionnaire.id,
            ProposalTarget.name == name,
            Proposal.state.in_(LIVE_STATES),
        )
        .order_by(Proposal.id)
    )
    return list(session.scalars(query))


def linked_proposals(session: Session, *, proposal: Proposal) -> list[Proposal]:
    """Return the other live proposals about the same item."""
    if proposal.kind in (ChangeKind.TRANSLATE, ChangeKind.SET_LANGUAGES):  # translating.py
        from surveys.codesign import translating

        return translating.linked_bundle_proposals(session, proposal=proposal)
    return [
        other
        for other in proposals_touching(
            session, questionnaire=_questionnaire(session, proposal), name=proposal.target_name
        )
        if other.id != proposal.id
    ]


def base_is_current(session: Session, *, proposal: Proposal) -> bool:
    """Tell whether the item still has the content the proposal was written against.

    Moving other items can raise an item's revision without changing it, so the content
    decides; an addition is current while its name is still free.
    """
    if proposal.kind in (ChangeKind.TRANSLATE, ChangeKind.SET_LANGUAGES):  # translating.py
        from surveys.codesign import translating

        return translating.bundle_is_current(session, proposal=proposal)
    questionnaire = _questionnaire(session, proposal)
    found = drafts.draft_definition(session, questionnaire).find(proposal.target_name)
    if proposal.kind == ChangeKind.ADD_ITEM:
        return found is None
    return found is not None and item_content(found) == proposal.base_content


@dataclass(frozen=True)
class BeforeAfter:
    """A proposal's item before and after, the draft's item now, and what differs."""

    before: d.Item | None  # the base: the item as the author saw it (None: an addition)
    after: d.Item | None  # the item if accepted (None: a removal)
    current: d.Item | None  # the item in the draft now: the new base when it changed
    changes: list[FieldChange]


def before_after(
    session: Session, *, proposal: Proposal, language: str | None = None
) -> BeforeAfter:
    """Return what the proposal would change, for the before/after view."""
    if proposal.kind in (ChangeKind.TRANSLATE, ChangeKind.SET_LANGUAGES):  # translating.py
        from surveys.codesign import translating

        return translating.bundle_before_after(session, proposal=proposal, language=language)
    questionnaire = _questionnaire(session, proposal)
    language = language or questionnaire.languages[0]["code"]
    before = d.item_from_json(proposal.base_content) if proposal.base_content else None
    if proposal.kind in (ChangeKind.ADD_ITEM, ChangeKind.CHANGE_ITEM):
        after = d.item_from_json(proposal.proposed or {})
    elif proposal.kind == ChangeKind.MOVE_ITEM:
        after = before
    else:
        after = None
    found = drafts.draft_definition(session, questionnaire).find(proposal.target_name)
    current = d.item_from_json(item_content(found)) if found is not None else None
    return BeforeAfter(before, after, current, item_changes(before, after, language))


@dataclass(frozen=True)
class Place:
    """Where an item is (or would go): its section (None: the top level) and a neighbour."""

    section: str | None
    before_name: str | None = None
    after_name: str | None = None


def place_in_draft(definition: d.FormDefinition, name: str) -> Place | None:
    """Return where an item is: its section and the item just before it (None: not there)."""
    for item, parents in definition.walk():
        if item.name != name:
            continue
        section = parents[-1].name if parents else None
        siblings = _sibling_names(definition, section)
        index = siblings.index(name)
        if index:
            return Place(section, after_name=siblings[index - 1])
        return Place(section, before_name=siblings[1] if len(siblings) > 1 else None)
    return None


def updated_item(session: Session, *, proposal: Proposal) -> d.Item | None:
    """Return the proposal's change made again on the item as it is now in the draft.

    For a proposal needing an update: each field the author changed takes their value
    (texts language by language); every other field keeps the draft's current value.
    Returns None when the item is no longer in the draft or the kind has no item.
    """
    if proposal.kind not in (ChangeKind.ADD_ITEM, ChangeKind.CHANGE_ITEM):
        return None
    proposed = dict(proposal.proposed or {})
    if proposal.kind == ChangeKind.ADD_ITEM:
        return d.item_from_json(proposed)
    found = drafts.draft_definition(session, _questionnaire(session, proposal)).find(
        proposal.target_name
    )
    if found is None:
        return None
    current = item_content(found)
    base = proposal.base_content or {}
    merged = dict(current)
    for key in set(proposed) | set(base):
        old, new = base.get(key), proposed.get(key)
        if old == new:
            continue
        if isinstance(new, dict) and isinstance(old, dict | None) and key != "items":
            texts = dict(current.get(key) or {})
            for code in set(new) | set(old or {}):
                if (old or {}).get(code) != new.get(code):
                    if code in new:
                        texts[code] = new[code]
                    else:
                        texts.pop(code, None)
            merged[key] = texts
        elif key in proposed:
            merged[key] = new
        else:
            merged.pop(key, None)
    return d.item_from_json(merged)


# Applying an accepted proposal ----------------------------------------------------------


def apply_proposal(session: Session, *, proposal: Proposal) -> None:
    """Make the proposal's change to the draft, or raise if the draft moved on under it.

    The caller runs this inside a savepoint, so a refused change leaves nothing behind.
    """
    if proposal.kind in (ChangeKind.TRANSLATE, ChangeKind.SET_LANGUAGES):  # translating.py
        from surveys.codesign import translating

        return translating.apply_bundle_proposal(session, proposal=proposal)
    questionnaire = _questionnaire(session, proposal)
    if not base_is_current(session, proposal=proposal):
        raise drafts.DraftConflictError(
            _("%(name)s changed after this suggestion was written.", name=proposal.target_name)
        )
    author = proposal.author
    if proposal.kind == ChangeKind.ADD_ITEM:
        item = d.item_from_json(proposal.proposed or {})
        drafts.add_item(
            session,
            questionnaire=questionnaire,
            item=item,
            section=proposal.section,
            changed_by=author,
        )
        _place(session, questionnaire, proposal, item.name)
    elif proposal.kind == ChangeKind.CHANGE_ITEM:
        revision = drafts.draft_revisions(session, questionnaire)[proposal.target_name]
        drafts.update_item(
            session,
            questionnaire=questionnaire,
            name=proposal.target_name,
            item=d.item_from_json(proposal.proposed or {}),
            expected_revision=revision,
            changed_by=author,
        )
    elif proposal.kind == ChangeKind.MOVE_ITEM:
        drafts.move_into_section(
            session,
            questionnaire=questionnaire,
            name=proposal.target_name,
            section=proposal.section,
        )
        _place(session, questionnaire, proposal, proposal.target_name)
    else:
        drafts.delete_item(
            session, questionnaire=questionnaire, name=proposal.target_name, changed_by=author
        )


def _place(session: Session, questionnaire: Questionnaire, proposal: Proposal, name: str) -> None:
    """Move an item (now last in its section) up to just before or after its neighbour."""
    neighbour = proposal.before_name or proposal.after_name
    if not neighbour:
        return
    siblings = _sibling_names(drafts.draft_definition(session, questionnaire), proposal.section)
    if neighbour not in siblings:
        raise DomainError(
            _("%(name)s is no longer in that part of the questionnaire.", name=neighbour)
        )
    target = siblings.index(neighbour) + (0 if proposal.before_name else 1)
    for _step in range(siblings.index(name) - target):
        drafts.move_item(session, questionnaire=questionnaire, name=name, direction="up")


def change_record(proposal: Proposal) -> dict[str, Any]:
    """Return what a proposal changes, as kept in the decision log."""
    return {
        "kind": proposal.kind.value,
        "name": proposal.target_name,
        "before": proposal.base_content,
        "after": proposal.proposed,
        "section": proposal.section,
        "before_name": proposal.before_name,
        "after_name": proposal.after_name,
    }


def changed_names(proposal: Proposal) -> set[str]:
    """Return the names a proposal's change touches, a renamed item's new name included."""
    names = set(proposal.target_names) | {proposal.target_name}
    if proposal.kind == ChangeKind.CHANGE_ITEM and proposal.proposed:
        names.add(proposal.proposed["name"])
    return names


def mark_linked_needs_update(
    session: Session,
    *,
    questionnaire: Questionnaire,
    names: set[str],
    decision_id: int,
    exclude: int | None = None,
) -> list[Proposal]:
    """Mark the live proposals about changed items as needing an update; return them."""
    marked = []
    for name in sorted(names):
        for other in proposals_touching(session, questionnaire=questionnaire, name=name):
            if other.id != exclude:
                other.mark_needs_update(decision_id)
                marked.append(other)
    session.flush()
    return marked
