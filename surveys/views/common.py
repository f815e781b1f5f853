"""Helpers shared by the questionnaire views."""

from __future__ import annotations

from flask import abort, g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from peer_research.access import members_with
from peer_research.db import db
from peer_research.edge import parse_id
from peer_research.studies.services import Role
from surveys import definition as d
from surveys import plain_language, services
from surveys.codesign import services as codesign
from surveys.definition import FormDefinition
from surveys.models import Questionnaire

# Who works on translations, pictures and the jargon list (the questionnaire's own draft
# changes go through suggestions, open to CO_DESIGN_GROUP).
DESIGN_GROUP = members_with(Role.FACILITATOR, Role.CO_RESEARCHER)
# Who may suggest changes and vote: everyone in the co-design group, whatever their role.
CO_DESIGN_GROUP = members_with(
    Role.FACILITATOR, Role.CO_RESEARCHER, Role.PEER_RESEARCHER, Role.ACADEMIC_PARTNER
)


def questionnaire_or_404(questionnaire_id: int) -> Questionnaire:
    """Return a questionnaire of the current study, or answer 404."""
    questionnaire = services.get_study_questionnaire(
        db.session, study=g.study, questionnaire_id=questionnaire_id
    )
    if questionnaire is None:
        abort(404, _("That questionnaire is not part of this study."))
    return questionnaire


def study_jargon() -> list[plain_language.JargonTerm]:
    """Return the study's jargon list, seeding it in a writing transaction the first time."""
    if not plain_language.jargon_list_seeded(db.session, study=g.study):
        with db.writing() as session:
            plain_language.ensure_jargon_list(session, study=g.study)
    return plain_language.jargon_terms(db.session, study=g.study)


def first_language(questionnaire: Questionnaire) -> str:
    """Return the code of a questionnaire's first (default) language."""
    return questionnaire.languages[0]["code"]


# Kinds whose suggestions are written on the editor's pages (so "change" leads there).
EDITOR_KINDS = frozenset(
    {
        codesign.ChangeKind.ADD_ITEM,
        codesign.ChangeKind.CHANGE_ITEM,
        codesign.ChangeKind.MOVE_ITEM,
        codesign.ChangeKind.REMOVE_ITEM,
    }
)


def items_inside(item: d.Item) -> list[d.Item]:
    """Return every item inside a section, at any depth, in order (none for a question)."""
    return [child for child, _parents in d.FormDefinition("", (), (item,)).walk()][1:]


def visible_to_me(proposal: codesign.Proposal) -> bool:
    """Tell whether the current member may see a proposal: drafts are their author's only."""
    return proposal.visible_to(current_user.id)


def proposal_or_404(questionnaire: Questionnaire, proposal_id: int) -> codesign.Proposal:
    """Return a proposal about this questionnaire that one may see, or answer 404."""
    proposal = codesign.get_proposal(
        db.session, questionnaire=questionnaire, proposal_id=proposal_id
    )
    if proposal is None or not visible_to_me(proposal):
        abort(404, _("That suggestion is not about this questionnaire."))
    return proposal


def may_edit() -> bool:
    """Tell whether the current member is in the design group."""
    return g.membership.has_any_role(DESIGN_GROUP.study_roles)


def may_suggest() -> bool:
    """Tell whether the current member may suggest changes (the whole co-design group)."""
    return g.membership.has_any_role(CO_DESIGN_GROUP.study_roles)


def is_facilitator() -> bool:
    """Tell whether the current member runs the study."""
    return Role.FACILITATOR in g.membership.roles


def hidden_revision(value: str | None) -> int | None:
    """Read the draft revision a page was opened at from its hidden field (None if mangled)."""
    return parse_id(value, minimum=0)


def item_label(definition: FormDefinition, name: str | None, language: str) -> str:
    """Return an item's label in a language, or its short name if it has none (or is gone)."""
    item = definition.find(name) if name else None
    return (item.label.get(language) if item is not None else None) or (name or "")


def describe_place(
    definition: FormDefinition,
    *,
    section: str | None,
    before_name: str | None,
    after_name: str | None,
    language: str,
) -> str:
    """Say in words where an item is or would go ("in the section “Home”, just after “Age”")."""
    if section:
        where = _("in the section “%(label)s”", label=item_label(definition, section, language))
    else:
        where = _("in the main part of the questionnaire (not in a section)")
    if before_name:
        return _(
            "%(where)s, just before “%(label)s”",
            where=where,
            label=item_label(definition, before_name, language),
        )
    if after_name:
        return _(
            "%(where)s, just after “%(label)s”",
            where=where,
            label=item_label(definition, after_name, language),
        )
    return _("%(where)s, at the end", where=where)


STATE_NAMES = {
    codesign.ProposalState.DRAFT: _l("Draft"),
    codesign.ProposalState.OPEN: _l("Open for votes"),
    codesign.ProposalState.WITHDRAWN: _l("Withdrawn"),
    codesign.ProposalState.ACCEPTED: _l("Agreed"),
    codesign.ProposalState.REJECTED: _l("Not agreed"),
    codesign.ProposalState.NEEDS_UPDATE: _l("Needs an update"),
}


def content_label(content: dict | None, language: str) -> str:
    """Return an item's label (from its JSON) in a language, or its short name."""
    if not content:
        return ""
    return (content.get("label") or {}).get(language) or content.get("name", "")


def proposal_title(
    proposal: codesign.Proposal, language: str, *, languages: dict[str, str] | None = None
) -> str:
    """Return a short plain description of what a proposal does."""
    if proposal.kind == codesign.ChangeKind.TRANSLATE:
        code = (proposal.proposed or {}).get("language", "")
        name = (languages or {}).get(code, code)
        return _("Translations into %(language)s", language=name)
    if proposal.kind == codesign.ChangeKind.SET_LANGUAGES:
        return _("Change the questionnaire's languages")
    if proposal.kind == codesign.ChangeKind.SEVERAL:
        return several_title(proposal, language)
    label = (
        content_label(proposal.base_content or proposal.proposed, language) or proposal.target_name
    )
    titles = {
        codesign.ChangeKind.ADD_ITEM: _("Add “%(label)s”", label=label),
        codesign.ChangeKind.CHANGE_ITEM: _("Change “%(label)s”", label=label),
        codesign.ChangeKind.MOVE_ITEM: _("Move “%(label)s”", label=label),
        codesign.ChangeKind.REMOVE_ITEM: _("Remove “%(label)s”", label=label),
    }
    return titles.get(proposal.kind) or _("Change “%(label)s”", label=label)


def several_title(proposal: codesign.Proposal, language: str) -> str:
    """Return the title of a suggestion of several changes: its first change and a count."""
    changes = (proposal.proposed or {}).get("changes", [])
    if not changes:
        return _("Several changes (none added yet)")
    first = part_title(changes[0], language)
    if len(changes) == 1:
        return first
    return ngettext(
        "%(first)s, and %(num)d more change",
        "%(first)s, and %(num)d more changes",
        len(changes) - 1,
        first=first,
    )


def part_title(change: dict, language: str) -> str:
    """Say what one change of a suggestion of several changes does ("Add the question …")."""
    content = change.get("after") if change.get("kind") == "add_item" else change.get("before")
    label = content_label(content, language) or change.get("name", "")
    section = (content or {}).get("kind") == "section"
    if change.get("kind") == "add_item":
        if section:
            return _("Add the section “%(label)s”", label=label)
        return _("Add the question “%(label)s”", label=label)
    if change.get("kind") == "remove_item":
        if section:
            return _("Take out the section “%(label)s”", label=label)
        return _("Take out the question “%(label)s”", label=label)
    if section:
        return _("Change the section “%(label)s”", label=label)
    return _("Change the question “%(label)s”", label=label)
