"""Co-design pages: a suggestion with its before and after, the list, votes and the log.

Suggestions are written on the editor's pages (surveys/views/editor.py): adding, changing,
moving or removing an item all make the author's proposal. Here its author can put a draft
to the group or withdraw it; everyone can read it and the design group says what they think.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from peer_research.access import ANY_MEMBER, allow
from peer_research.db import db, utcnow
from peer_research.errors import DomainError
from peer_research.forms import ConfirmForm, show_domain_error
from peer_research.worddiff import word_diff
from surveys import definition as d
from surveys import services
from surveys.changes import FieldChange, item_changes
from surveys.codesign import services as codesign
from surveys.codesign.models import LIVE_STATES, ChangeKind, PollSubject, Proposal, ProposalState
from surveys.forms import APPEARANCES, PRIVACY_NAMES, QUESTION_TYPE_NAMES
from surveys.models import Questionnaire
from surveys.views import blueprint
from surveys.views.common import (
    CO_DESIGN_GROUP,
    EDITOR_KINDS,
    STATE_NAMES,
    describe_place,
    items_inside,
    may_suggest,
    proposal_or_404,
    proposal_title,
    questionnaire_or_404,
    visible_to_me,
)
from surveys.views.suggesting import (
    decide_by_field,
    proposal_url,
    put_to_group,
    suggestion_defaults,
)
from surveys.views.voting import (
    OUTCOME_NAMES,
    POSITION_NAMES,
    VoteForm,
    close_due_polls,
    poll_context,
    send_vote,
    voted_count,
)

QUESTIONNAIRE = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>"

# What each field of a question or section is called on the before/after views.
FIELD_NAMES = {
    "label": _l("Question"),
    "hint": _l("Help text"),
    "required_message": _l("Message when it is left empty"),
    "constraint_message": _l("Message when the rule is not met"),
    "choices order": _l("Order of the answers"),
    "name": _l("Short name"),
    "type": _l("Kind of question"),
    "required": _l("An answer is needed to go on"),
    "required_if": _l("Only needed when"),
    "relevance": _l("Only asked when"),
    "constraint": _l("The answer must meet this rule"),
    "calculation": _l("Calculation"),
    "default": _l("Answer filled in to start with"),
    "repeat": _l("Asked more than once"),
    "repeat_count": _l("How many times"),
    "other_option": _l("“Other, please say” with a box to write in"),
    "appearance": _l("How it looks"),
    "read_only": _l("Cannot be changed by the interviewer"),
    "privacy": _l("How personal the answer is"),
    "image": _l("Picture"),
}
BOOLEAN_FIELDS = frozenset({"required", "repeat", "other_option", "read_only"})
STATUS_NAMES = {
    "text": {"added": _l("added"), "removed": _l("taken out"), "changed": None},
    "choice": {"added": _l("a new answer"), "removed": _l("answer taken out"), "changed": None},
}
# Forms ----------------------------------------------------------------------------------


class PutToGroupForm(FlaskForm):
    """Put one's own draft suggestion to the group, to decide by a day."""

    deadline = decide_by_field()
    submit = SubmitField(_l("Put it to the group"), widget=GovSubmitInput())


# Reading ---------------------------------------------------------------------------------


def _language(questionnaire: Questionnaire) -> str:
    return questionnaire.languages[0]["code"]


@blueprint.app_template_global()
def proposal_title_of(proposal: Proposal) -> str:
    """Return a proposal's short title in its questionnaire's first language."""
    questionnaire = db.session.get(Questionnaire, proposal.questionnaire_id)
    return proposal_title(
        proposal, _language(questionnaire), languages=_language_names(questionnaire)
    )


def _language_names(questionnaire: Questionnaire) -> dict[str, str]:
    return {entry["code"]: entry["name"] for entry in questionnaire.languages}


@blueprint.app_template_global()
def proposal_state_name(proposal: Proposal) -> str:
    """Return a proposal's state in plain words."""
    return str(STATE_NAMES[proposal.state])


@blueprint.app_template_global()
def draft_suggestions(questionnaire: Questionnaire) -> dict[str, list[Proposal]]:
    """Return the live suggestions the current member may see, by the item they touch.

    Suggestions to add an item are under "" (they touch nothing in the draft yet).
    """
    found: dict[str, list[Proposal]] = {}
    for proposal in codesign.proposals_of(db.session, questionnaire, live_only=True):
        if not visible_to_me(proposal):
            continue
        names = [""] if proposal.kind == ChangeKind.ADD_ITEM else proposal.target_names
        for name in names:
            found.setdefault(name, []).insert(0, proposal)
    return found


# Before and after, in words -------------------------------------------------------------


@dataclass(frozen=True)
class ChangeLine:
    """One changed field as the pages show it: a title, what happened, and the word diff."""

    title: str
    status: str  # "added", "removed" or "changed"
    status_text: str | None  # said in words after the title (never by colour alone)
    group: str  # "text", "choice", "order", "logic" or "setting"
    before: str
    after: str
    diff: list


def _shown_value(field: str, value: str) -> str:
    """Return a setting's value in plain words."""
    if field in BOOLEAN_FIELDS:
        return _("Yes") if value else _("No")
    if not value:
        return ""
    names = {
        "type": {kind.value: str(label) for kind, label in QUESTION_TYPE_NAMES.items()},
        "privacy": {kind.value: str(label) for kind, label in PRIVACY_NAMES.items()},
        "appearance": {code: str(label) for code, label in APPEARANCES},
    }.get(field, {})
    return names.get(value, value)


def change_lines(
    changes: list[FieldChange], questionnaire: Questionnaire, *, section: bool = False
) -> list[ChangeLine]:
    """Turn field changes into lines with plain titles, languages named, settings in words."""
    languages = {entry["code"]: entry["name"] for entry in questionnaire.languages}
    several = len(languages) > 1
    lines = []
    for change in changes:
        group = change.group
        if group == "choice":
            title = _("An answer to choose from")
        elif change.field == "label" and section:
            title = _("Section title")
        else:
            title = str(FIELD_NAMES.get(change.field, change.field))
        if change.language and (several or change.language not in languages):
            title += f" ({languages.get(change.language, change.language)})"
        status_text = STATUS_NAMES.get(group if group == "choice" else "text", {}).get(
            change.status
        )
        before, after, diff = change.before, change.after, change.diff
        if group == "setting":
            before = _shown_value(change.field, change.before)
            after = _shown_value(change.field, change.after)
            diff = word_diff(before, after)
            status_text = None
        lines.append(
            ChangeLine(
                title=title,
                status=change.status,
                status_text=str(status_text) if status_text else None,
                group=group,
                before=before,
                after=after,
                diff=diff,
            )
        )
    return lines


def _item_of(content: dict | None) -> d.Item | None:
    return d.item_from_json(content) if content else None


def _is_section(*contents: dict | None) -> bool:
    return any(content and content.get("kind") == "section" for content in contents)


def _place_words(draft: d.FormDefinition, change: dict, language: str) -> str:
    """Say where an added or moved item goes."""
    return describe_place(
        draft,
        section=change.get("section"),
        before_name=change.get("before_name"),
        after_name=change.get("after_name"),
        language=language,
    )


# Pages ----------------------------------------------------------------------------------


@blueprint.get(f"{QUESTIONNAIRE}/suggestions")
@allow(ANY_MEMBER)
def list_proposals(questionnaire_id: int):
    """List the suggestions about a questionnaire: open, mine in draft, needing an update, done."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    close_due_polls()
    proposals = [p for p in codesign.proposals_of(db.session, questionnaire) if visible_to_me(p)]
    polls = codesign.latest_polls(db.session, proposals)
    voted = {proposal_id: voted_count(poll) for proposal_id, poll in polls.items() if poll.is_open}
    return render_template(
        "surveys/codesign/list.html",
        questionnaire=questionnaire,
        open_proposals=[p for p in proposals if p.state == ProposalState.OPEN],
        my_drafts=[p for p in proposals if p.state == ProposalState.DRAFT],
        needs_update=[p for p in proposals if p.state == ProposalState.NEEDS_UPDATE],
        decided=[p for p in proposals if p.state not in LIVE_STATES],
        polls=polls,
        voted=voted,
        title_of=proposal_title_of,
        state_names=STATE_NAMES,
        may_suggest=may_suggest(),
    )


def _proposal_context(questionnaire: Questionnaire, proposal: Proposal) -> dict:
    """Return what the proposal page shows of the change itself, in words and diffs."""
    language = _language(questionnaire)
    draft = services.draft_definition(db.session, questionnaire)
    view = codesign.before_after(db.session, proposal=proposal, language=language)
    section = _is_section(proposal.base_content, proposal.proposed)
    change = {
        "section": proposal.section,
        "before_name": proposal.before_name,
        "after_name": proposal.after_name,
    }
    context: dict = {
        "lines": change_lines(view.changes, questionnaire, section=section),
        "is_section": section,
        "place_words": None,
        "now_words": None,
        "inside": [],
        "base_lines": None,
        "target_gone": False,
    }
    live = proposal.state in LIVE_STATES
    if proposal.kind not in EDITOR_KINDS:  # translations and languages: their own bundles
        return context
    if proposal.kind in (ChangeKind.ADD_ITEM, ChangeKind.MOVE_ITEM):
        context["place_words"] = _place_words(draft, change, language)
    if proposal.kind != ChangeKind.ADD_ITEM and live:
        now = codesign.place_in_draft(draft, proposal.target_name)
        context["target_gone"] = now is None
        if now is not None and proposal.kind == ChangeKind.MOVE_ITEM:
            context["now_words"] = describe_place(draft, **now.__dict__, language=language)
        current = draft.find(proposal.target_name)
        if isinstance(current, d.Section) and proposal.kind == ChangeKind.REMOVE_ITEM:
            context["inside"] = items_inside(current)
    if proposal.state == ProposalState.NEEDS_UPDATE and proposal.kind != ChangeKind.ADD_ITEM:
        current = draft.find(proposal.target_name)
        if current is not None:
            context["base_lines"] = change_lines(
                item_changes(
                    _item_of(proposal.base_content),
                    _item_of(codesign.item_content(current)),
                    language,
                ),
                questionnaire,
                section=section,
            )
    return context


def _render_proposal(
    questionnaire: Questionnaire,
    proposal: Proposal,
    vote_form: VoteForm,
    open_form: PutToGroupForm | None = None,
):
    """Render a proposal with its before and after, its poll and the vote form."""
    poll = codesign.latest_poll(db.session, proposal)
    context = (
        {}
        if poll is None
        else poll_context(poll, vote_form, may_vote=proposal.state == ProposalState.OPEN)
    )
    mine = proposal.author_id == current_user.id
    if open_form is None:
        open_form = PutToGroupForm(formdata=None, data=suggestion_defaults(proposal))
    return render_template(
        "surveys/codesign/proposal.html",
        questionnaire=questionnaire,
        proposal=proposal,
        title=proposal_title_of(proposal),
        state_name=STATE_NAMES[proposal.state],
        ChangeKind=ChangeKind,
        ProposalState=ProposalState,
        poll=poll,
        vote_form=vote_form,
        open_form=open_form,
        withdraw_form=ConfirmForm(),
        mine=mine,
        may_withdraw=mine and proposal.state in LIVE_STATES,
        may_change=mine
        and proposal.kind in EDITOR_KINDS
        and proposal.state in (ProposalState.DRAFT, ProposalState.NEEDS_UPDATE),
        may_open=mine and proposal.state == ProposalState.DRAFT,
        linked=[
            other
            for other in codesign.linked_proposals(db.session, proposal=proposal)
            if visible_to_me(other)
        ],
        language=_language(questionnaire),
        **_proposal_context(questionnaire, proposal),
        **context,
    )


@blueprint.get(f"{QUESTIONNAIRE}/suggestions/<int:proposal_id>")
@allow(ANY_MEMBER)
def show_proposal(questionnaire_id: int, proposal_id: int):
    """Show a suggestion: the reason, before and after, and what the group thinks."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    close_due_polls()
    proposal = proposal_or_404(questionnaire, proposal_id)
    return _render_proposal(questionnaire, proposal, VoteForm(formdata=None))


@blueprint.post(f"{QUESTIONNAIRE}/suggestions/<int:proposal_id>/open")
@allow(CO_DESIGN_GROUP)
def open_draft_proposal(questionnaire_id: int, proposal_id: int):
    """Put one's own draft suggestion to the group, with a poll until the chosen day."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    proposal = proposal_or_404(questionnaire, proposal_id)
    form = PutToGroupForm()
    if form.validate_on_submit():
        try:
            put_to_group(proposal, form.deadline.data, utcnow())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(_("Your suggestion is open. The group can now say what they think."), "success")
            return redirect(proposal_url(proposal))
    db.session.refresh(proposal)
    return _render_proposal(questionnaire, proposal, VoteForm(formdata=None), form)


@blueprint.post(f"{QUESTIONNAIRE}/suggestions/<int:proposal_id>/vote")
@allow(ANY_MEMBER)
def cast_vote(questionnaire_id: int, proposal_id: int):
    """Cast or change one's vote on a suggestion; say the outcome if it closed the poll."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    proposal = proposal_or_404(questionnaire, proposal_id)
    poll = codesign.latest_poll(db.session, proposal)
    if poll is None:
        abort(404, _("Nobody has been asked to decide this suggestion yet."))
    form = VoteForm()
    if form.validate_on_submit() and send_vote(poll, form):
        return redirect(proposal_url(proposal))
    return _render_proposal(questionnaire, proposal, form)


@blueprint.post(f"{QUESTIONNAIRE}/suggestions/<int:proposal_id>/withdraw")
@allow(ANY_MEMBER)
def withdraw_proposal(questionnaire_id: int, proposal_id: int):
    """Take back one's own suggestion (its poll closes without deciding)."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    proposal = proposal_or_404(questionnaire, proposal_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        codesign.withdraw_proposal(db.session, proposal=proposal, withdrawn_by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.commit()
        flash(_("You withdrew your suggestion. Nothing in the draft changed."), "success")
    return redirect(proposal_url(proposal))


@dataclass(frozen=True)
class LogChange:
    """What one entry of the decision log changed, in words and word diffs."""

    kind: str | None
    heading: str | None  # "What was added", ...; None: nothing to show
    lines: list[ChangeLine]
    place_words: str | None


def log_change(
    entry: codesign.LogEntry, questionnaire: Questionnaire, draft: d.FormDefinition
) -> LogChange:
    """Describe a decision's change: what was added, removed, moved or changed."""
    language = _language(questionnaire)
    change, applied = entry.change, entry.applied
    kind = change.get("kind")
    if kind not in {k.value for k in EDITOR_KINDS}:
        if entry.proposal is None or kind is None:
            return LogChange(kind, None, [], None)  # publishing, a rule change
        view = codesign.before_after(db.session, proposal=entry.proposal, language=language)
        lines = change_lines(view.changes, questionnaire)
        heading = _("What changed") if applied else _("What was suggested")
        return LogChange(kind, heading if lines else None, lines, None)
    before, after = _item_of(change.get("before")), _item_of(change.get("after"))
    section = _is_section(change.get("before"), change.get("after"))
    if kind == ChangeKind.ADD_ITEM.value:
        heading = _("What was added") if applied else _("What was suggested for adding")
        return LogChange(
            kind,
            heading,
            change_lines(item_changes(None, after, language), questionnaire, section=section),
            _place_words(draft, change, language),
        )
    if kind == ChangeKind.REMOVE_ITEM.value:
        heading = _("What was removed") if applied else _("What was suggested for removing")
        return LogChange(
            kind,
            heading,
            change_lines(item_changes(before, None, language), questionnaire, section=section),
            None,
        )
    if kind == ChangeKind.MOVE_ITEM.value:
        heading = _("Where it went") if applied else _("Where it was suggested to go")
        return LogChange(kind, heading, [], _place_words(draft, change, language))
    if before is not None or after is not None:
        heading = _("What changed") if applied else _("What was suggested")
        lines = change_lines(item_changes(before, after, language), questionnaire, section=section)
        return LogChange(kind, heading if lines else None, lines, None)
    return LogChange(kind, None, [], None)


@blueprint.get(f"{QUESTIONNAIRE}/decisions")
@allow(ANY_MEMBER)
def show_decision_log(questionnaire_id: int):
    """Show every change to the draft with its suggestion, votes and outcome."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    close_due_polls()
    draft = services.draft_definition(db.session, questionnaire)
    entries = [
        (entry, log_change(entry, questionnaire, draft))
        for entry in codesign.decision_log(db.session, questionnaire)
    ]
    return render_template(
        "surveys/codesign/log.html",
        questionnaire=questionnaire,
        entries=list(reversed(entries)),
        title_of=proposal_title_of,
        outcome_names=OUTCOME_NAMES,
        position_names=POSITION_NAMES,
        PollSubject=PollSubject,
        language=_language(questionnaire),
    )
