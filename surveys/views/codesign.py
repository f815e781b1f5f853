"""Co-design pages: a suggestion with its before and after, the list, votes and the log.

Suggestions are written on the editor's pages (surveys/views/editor.py): adding, changing,
moving or removing an item all make the author's proposal. Here its author can put a draft
to the group or withdraw it; everyone can read it and the design group says what they think.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user

from peer_research.access import ANY_MEMBER, allow
from peer_research.db import db, utcnow
from peer_research.errors import DomainError
from peer_research.forms import ConfirmForm, show_domain_error
from peer_research.paging import page_of, requested_page
from surveys import definition as d
from surveys import services
from surveys.changes import item_changes
from surveys.codesign import services as codesign
from surveys.models import Questionnaire
from surveys.views import blueprint
from surveys.views.before_after import (
    change_lines,
    destination_words,
    is_section,
    item_of,
    log_change,
)
from surveys.views.common import (
    CO_DESIGN_GROUP,
    EDITOR_KINDS,
    STATE_NAMES,
    describe_place,
    first_language,
    items_inside,
    may_suggest,
    proposal_or_404,
    proposal_title,
    questionnaire_or_404,
    visible_to_me,
)
from surveys.views.decision_forms import POSITION_NAMES, VoteForm
from surveys.views.several_changes import several_context
from surveys.views.suggesting import proposal_url, put_to_group, suggestion_defaults
from surveys.views.suggestion_forms import PutToGroupForm
from surveys.views.voting import (
    OUTCOME_NAMES,
    close_due_polls,
    poll_context,
    send_vote,
)

QUESTIONNAIRE = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>"
# Decisions shown on one page of the log (each can be long: votes, reasons, a word diff).
LOG_PER_PAGE = 20
# Decided suggestions shown on one page of the suggestions list.
DECIDED_PER_PAGE = 30

# Reading ---------------------------------------------------------------------------------


@blueprint.app_template_global()
def proposal_title_of(proposal: codesign.Proposal) -> str:
    """Return a proposal's short title in its questionnaire's first language."""
    questionnaire = codesign.questionnaire_of(db.session, proposal)
    return proposal_title(
        proposal, first_language(questionnaire), languages=_language_names(questionnaire)
    )


def _language_names(questionnaire: Questionnaire) -> dict[str, str]:
    """Return the questionnaire's language names by code."""
    return {entry["code"]: entry["name"] for entry in questionnaire.languages}


@blueprint.app_template_global()
def proposal_state_name(proposal: codesign.Proposal) -> str:
    """Return a proposal's state in plain words."""
    return str(STATE_NAMES[proposal.state])


@blueprint.app_template_global()
def draft_suggestions(questionnaire: Questionnaire) -> dict[str, list[codesign.Proposal]]:
    """Return the live suggestions the current member may see, by the item they touch.

    Suggestions to add an item are under "" (they touch nothing in the draft yet).
    """
    found: dict[str, list[codesign.Proposal]] = {}
    for proposal in codesign.proposals_of(db.session, questionnaire, live_only=True):
        if not visible_to_me(proposal):
            continue
        names = [""] if proposal.kind == codesign.ChangeKind.ADD_ITEM else proposal.target_names
        for name in names:
            found.setdefault(name, []).insert(0, proposal)
    return found


# Pages ----------------------------------------------------------------------------------


@blueprint.get(f"{QUESTIONNAIRE}/suggestions")
@allow(ANY_MEMBER)
def list_proposals(questionnaire_id: int):
    """List the suggestions about a questionnaire: open, mine in draft, needing an update, done."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    close_due_polls()
    live = codesign.proposals_of(db.session, questionnaire, live_only=True)
    proposals = [proposal for proposal in live if visible_to_me(proposal)]
    polls = codesign.latest_polls(db.session, proposals)
    page = requested_page()
    found = codesign.decided_proposals(
        db.session, questionnaire, offset=(page - 1) * DECIDED_PER_PAGE, limit=DECIDED_PER_PAGE + 1
    )
    decided, has_next = page_of(found, DECIDED_PER_PAGE)
    return render_template(
        "surveys/codesign/list.html",
        questionnaire=questionnaire,
        open_proposals=[p for p in proposals if p.state == codesign.ProposalState.OPEN],
        my_drafts=[p for p in proposals if p.state == codesign.ProposalState.DRAFT],
        needs_update=[p for p in proposals if p.state == codesign.ProposalState.NEEDS_UPDATE],
        decided=[proposal for proposal in decided if visible_to_me(proposal)],
        page=page,
        has_next=has_next,
        polls=polls,
        turnout=codesign.turnout(db.session, [poll for poll in polls.values() if poll.is_open]),
        title_of=proposal_title_of,
        state_names=STATE_NAMES,
        may_suggest=may_suggest(),
    )


def _proposal_context(questionnaire: Questionnaire, proposal: codesign.Proposal) -> dict:
    """Return what the proposal page shows of the change itself, in words and diffs."""
    language = first_language(questionnaire)
    draft = services.draft_definition(db.session, questionnaire)
    view = codesign.before_after(db.session, proposal=proposal, language=language)
    section = is_section(proposal.base_content, proposal.proposed)
    change = {
        "section": proposal.section,
        "before_name": proposal.before_name,
        "after_name": proposal.after_name,
    }
    context: dict = {
        "lines": change_lines(
            view.changes,
            questionnaire,
            section=section,
            definition=draft,
            items=(view.before, view.after),
        ),
        "is_section": section,
        "place_words": None,
        "now_words": None,
        "inside": [],
        "base_lines": None,
        "target_gone": False,
    }
    live = proposal.state in codesign.LIVE_STATES
    if proposal.kind == codesign.ChangeKind.SEVERAL:
        return {**context, **several_context(questionnaire, proposal)}
    if proposal.kind not in EDITOR_KINDS:  # translations and languages: their own bundles
        return context
    if proposal.kind in (codesign.ChangeKind.ADD_ITEM, codesign.ChangeKind.MOVE_ITEM):
        context["place_words"] = destination_words(draft, change, language)
    if proposal.kind != codesign.ChangeKind.ADD_ITEM and live:
        now = codesign.place_in_draft(draft, proposal.target_name)
        context["target_gone"] = now is None
        if now is not None and proposal.kind == codesign.ChangeKind.MOVE_ITEM:
            context["now_words"] = describe_place(draft, **now.__dict__, language=language)
        current = draft.find(proposal.target_name)
        if isinstance(current, d.Section) and proposal.kind == codesign.ChangeKind.REMOVE_ITEM:
            context["inside"] = items_inside(current)
    if (
        proposal.state == codesign.ProposalState.NEEDS_UPDATE
        and proposal.kind != codesign.ChangeKind.ADD_ITEM
    ):
        current = draft.find(proposal.target_name)
        if current is not None:
            base = item_of(proposal.base_content)
            now = item_of(codesign.item_content(current))
            context["base_lines"] = change_lines(
                item_changes(base, now, language),
                questionnaire,
                section=section,
                definition=draft,
                items=(base, now),
            )
    return context


def _render_proposal(
    questionnaire: Questionnaire,
    proposal: codesign.Proposal,
    vote_form: VoteForm,
    open_form: PutToGroupForm | None = None,
):
    """Render a proposal with its before and after, its poll and the vote form."""
    poll = codesign.latest_poll(db.session, proposal)
    context = (
        {}
        if poll is None
        else poll_context(poll, vote_form, may_vote=proposal.state == codesign.ProposalState.OPEN)
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
        ChangeKind=codesign.ChangeKind,
        ProposalState=codesign.ProposalState,
        poll=poll,
        vote_form=vote_form,
        open_form=open_form,
        withdraw_form=ConfirmForm(),
        mine=mine,
        may_withdraw=mine and proposal.state in codesign.LIVE_STATES,
        may_change=mine
        and proposal.kind in EDITOR_KINDS
        and proposal.state in (codesign.ProposalState.DRAFT, codesign.ProposalState.NEEDS_UPDATE),
        may_open=mine and proposal.state == codesign.ProposalState.DRAFT,
        linked=[
            other
            for other in codesign.linked_proposals(db.session, proposal=proposal)
            if visible_to_me(other)
        ],
        language=first_language(questionnaire),
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
            put_to_group(proposal, form.deadline.data, utcnow(), reason=form.reason.data)
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


@blueprint.get(f"{QUESTIONNAIRE}/decisions")
@allow(ANY_MEMBER)
def show_decision_log(questionnaire_id: int):
    """Show every change to the draft with its suggestion, votes and outcome."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    close_due_polls()
    draft = services.draft_definition(db.session, questionnaire)
    page = requested_page()
    found = codesign.decision_log(
        db.session,
        questionnaire,
        newest_first=True,
        offset=(page - 1) * LOG_PER_PAGE,
        limit=LOG_PER_PAGE + 1,
    )
    entries, has_next = page_of(found, LOG_PER_PAGE)
    return render_template(
        "surveys/codesign/log.html",
        questionnaire=questionnaire,
        entries=[(entry, log_change(entry, questionnaire, draft)) for entry in entries],
        page=page,
        has_next=has_next,
        title_of=proposal_title_of,
        outcome_names=OUTCOME_NAMES,
        position_names=POSITION_NAMES,
        PollSubject=codesign.PollSubject,
        language=first_language(questionnaire),
    )
