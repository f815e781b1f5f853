"""A suggestion of several changes, built step by step and put to the group once.

Its author starts it with a reason, then adds changes one at a time on the usual question
and section forms (a new question or section, a change to an item of the draft, taking an
item out), changes or takes out any of them, and finally puts the whole suggestion to the
group from its page: one poll, one decision, every change made at once or none.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from peer_research.access import allow
from peer_research.db import db
from peer_research.edge import parse_id
from peer_research.errors import DomainError
from peer_research.forms import ConfirmForm, show_domain_error
from surveys import definition as d
from surveys import services
from surveys.codesign import services as codesign
from surveys.forms import QUESTION_TYPE_NAMES
from surveys.models import Questionnaire
from surveys.views import blueprint
from surveys.views.common import (
    CO_DESIGN_GROUP,
    questionnaire_or_404,
)
from surveys.views.editor import ITEMS
from surveys.views.places import parse_place, place_choices, place_value
from surveys.views.question_page import item_page, kind_step, position_of
from surveys.views.several_changes import without
from surveys.views.several_forms import (
    SeveralReasonForm,
    StartSeveralForm,
    part_form,
    part_form_data,
)
from surveys.views.suggesting import proposal_url

SEVERAL = f"{ITEMS}/suggestions/<int:proposal_id>/changes"


# Pages ----------------------------------------------------------------------------------


def _own_draft(questionnaire: Questionnaire, proposal_id: int) -> codesign.Proposal | None:
    """Return one's own suggestion of several changes that can still change; else flash why
    and return None (404 for one that is not there or someone else's draft)."""
    proposal = codesign.get_proposal(
        db.session, questionnaire=questionnaire, proposal_id=proposal_id
    )
    if (
        proposal is None
        or proposal.kind != codesign.ChangeKind.SEVERAL
        or not proposal.visible_to(current_user.id)
    ):
        abort(404, _("That suggestion is not about this questionnaire."))
    if proposal.author_id != current_user.id:
        flash(_("Only the person who suggested these changes can change them."), "error")
        return None
    if proposal.state not in (codesign.ProposalState.DRAFT, codesign.ProposalState.NEEDS_UPDATE):
        flash(
            _("An open or decided suggestion cannot be changed: withdraw it and suggest again."),
            "error",
        )
        return None
    return proposal


def _back(questionnaire: Questionnaire, proposal_id: int):
    """Go back to the suggestion's page."""
    return redirect(
        url_for("surveys.show_proposal", questionnaire_id=questionnaire.id, proposal_id=proposal_id)
    )


def _saved(proposal: codesign.Proposal, message: str):
    """Commit, say what happened, and go to the suggestion's list of changes."""
    db.commit()
    flash(message, "success")
    return redirect(proposal_url(proposal) + "#changes")


@blueprint.route(f"{ITEMS}/suggestions/several/new", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def start_several_changes(questionnaire_id: int):
    """Start a suggestion of several changes: say why, then add the changes one by one."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    form = StartSeveralForm()
    if form.validate_on_submit():
        try:
            proposal = codesign.start_several(
                db.session,
                questionnaire=questionnaire,
                author=current_user,
                reason=form.reason.data,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            return _saved(proposal, _("Started. Now add the changes, one by one."))
    return render_template("surveys/several_start.html", form=form, questionnaire=questionnaire)


@blueprint.route(f"{ITEMS}/suggestions/<int:proposal_id>/why", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def change_several_reason(questionnaire_id: int, proposal_id: int):
    """Change why one's suggestion of several changes is made."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    proposal = _own_draft(questionnaire, proposal_id)
    if proposal is None:
        return _back(questionnaire, proposal_id)
    form = SeveralReasonForm(data=None if request.method == "POST" else {"reason": proposal.reason})
    if form.validate_on_submit():
        try:
            codesign.change_reason(
                db.session, proposal=proposal, editor=current_user, reason=form.reason.data
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            return _saved(proposal, _("Saved."))
    return render_template(
        "surveys/several_start.html", form=form, questionnaire=questionnaire, proposal=proposal
    )


def _part_page(
    questionnaire: Questionnaire,
    proposal: codesign.Proposal,
    item_kind: str,
    *,
    number: int | None = None,
    existing: d.Item | None = None,
    target_name: str | None = None,
    place: codesign.Place | None = None,
):
    """Show a change form; save the change in the suggestion (new, or change `number`).

    `existing` is the item as the form starts (a new item's part, or the draft's item);
    `target_name` names the draft item a change is about (None: an addition).
    """
    suggested = codesign.suggested_draft(db.session, proposal=proposal)
    language = suggested.default_language.code
    adding = target_name is None
    initial: dict = {}
    if existing is not None:
        initial = part_form_data(item_kind)(existing, language)
    if adding:
        initial["place"] = place_value(place or codesign.Place(None))
        if existing is None and item_kind == "question":
            initial["type"] = request.args.get("type", "text")
    initial["revision"] = str(codesign.step_of(proposal))
    form, build, _data, template = part_form(
        item_kind, data=None if request.method == "POST" else initial
    )
    own = existing.name if existing is not None else None
    if adding:
        without_own = suggested if own is None else without(suggested, own)
        form.place.choices = place_choices(without_own, None, language)
    chosen = parse_place(form.place.data, without(suggested, own)) if adding else None
    position = position_of(suggested, chosen or place, own)
    page = item_page(item_kind, form, suggested, existing=existing, position=position)
    if page.valid():
        taken = {item.name for item, _parents in suggested.walk()} - {own}
        item = build(form, language=language, existing=existing, taken=taken)
        if adding and chosen is None:
            form.place.errors = [_("Choose where it should go")]
        else:
            try:
                codesign.put_part(
                    db.session,
                    proposal=proposal,
                    editor=current_user,
                    kind=codesign.ChangeKind.ADD_ITEM
                    if adding
                    else codesign.ChangeKind.CHANGE_ITEM,
                    item=item,
                    target_name=target_name,
                    index=None if number is None else number - 1,
                    seen_step=parse_id(form.revision.data, minimum=0),
                    **(chosen.__dict__ if chosen else {}),
                )
            except DomainError as error:
                db.session.rollback()
                form.revision.data = str(codesign.step_of(proposal))  # the next try is current
                if error.field in ("section", "before_name", "after_name"):
                    error.field = "place"
                show_domain_error(form, error)
            else:
                return _saved(
                    proposal, _("Saved in your suggestion. Nothing changes until the group agrees.")
                )
    draft_item = (
        services.draft_definition(db.session, questionnaire).find(target_name)
        if target_name
        else None
    )
    return render_template(
        template,
        form=form,
        questionnaire=questionnaire,
        language=suggested.default_language,
        may_change_now=False,
        type_names=QUESTION_TYPE_NAMES,
        adding=adding,
        item=draft_item,
        proposal=None,
        part_of=proposal,
        part_number=number,
        definition=suggested,  # rules read with the suggestion's own questions
        **page.context(),
    )


@blueprint.route(f"{SEVERAL}/new/<item_kind>", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def add_several_part(questionnaire_id: int, proposal_id: int, item_kind: str):
    """Add a new question or section to one's suggestion of several changes."""
    if item_kind not in ("question", "section"):
        abort(404, _("You can add a question or a section."))
    questionnaire = questionnaire_or_404(questionnaire_id)
    proposal = _own_draft(questionnaire, proposal_id)
    if proposal is None:
        return _back(questionnaire, proposal_id)
    section = request.args.get("section") or None
    if item_kind == "question":
        here = url_for(request.endpoint, **request.view_args)
        step = kind_step(questionnaire, section, action=here, cancel_url=proposal_url(proposal))
        if step is not None:
            return step
    return _part_page(questionnaire, proposal, item_kind, place=codesign.Place(section))


@blueprint.route(f"{SEVERAL}/<int:number>/edit", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def edit_several_part(questionnaire_id: int, proposal_id: int, number: int):
    """Change one of the changes in one's suggestion (an addition or a change of an item)."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    proposal = _own_draft(questionnaire, proposal_id)
    if proposal is None:
        return _back(questionnaire, proposal_id)
    parts = codesign.parts_of(proposal)
    if not 1 <= number <= len(parts) or parts[number - 1].kind == codesign.ChangeKind.REMOVE_ITEM:
        abort(404, _("That change is no longer in the suggestion."))
    part = parts[number - 1]
    item = d.item_from_json(part.item or {})
    adding = part.kind == codesign.ChangeKind.ADD_ITEM
    return _part_page(
        questionnaire,
        proposal,
        item.kind,
        number=number,
        existing=item,
        target_name=None if adding else part.name,
        place=codesign.Place(part.section, part.before_name, part.after_name) if adding else None,
    )


@blueprint.get(f"{SEVERAL}/items")
@allow(CO_DESIGN_GROUP)
def pick_several_item(questionnaire_id: int, proposal_id: int):
    """List the draft's items, to change one or take one out within the suggestion."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    proposal = _own_draft(questionnaire, proposal_id)
    if proposal is None:
        return _back(questionnaire, proposal_id)
    draft = services.draft_definition(db.session, questionnaire)
    in_suggestion = {part.name for part in codesign.parts_of(proposal)}
    return render_template(
        "surveys/several_pick.html",
        questionnaire=questionnaire,
        proposal=proposal,
        items=[(item, len(parents)) for item, parents in draft.walk()],
        in_suggestion=in_suggestion,
        language=draft.default_language.code,
        remove_form=ConfirmForm(formdata=None),
    )


@blueprint.route(f"{SEVERAL}/items/<name>/change", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def change_several_item(questionnaire_id: int, proposal_id: int, name: str):
    """Add a change of one of the draft's items to one's suggestion."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    proposal = _own_draft(questionnaire, proposal_id)
    if proposal is None:
        return _back(questionnaire, proposal_id)
    item = services.draft_definition(db.session, questionnaire).find(name)
    if item is None:
        abort(404, _("That question is no longer in the draft. Someone may have removed it."))
    return _part_page(questionnaire, proposal, item.kind, existing=item, target_name=name)


def _confirmed_change(questionnaire: Questionnaire, proposal_id: int, change) -> object:
    """Make one confirmed change to one's suggestion (a POST with a button), then go back."""
    proposal = _own_draft(questionnaire, proposal_id)
    if proposal is None:
        return _back(questionnaire, proposal_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        message = change(proposal)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back(questionnaire, proposal_id)
    return _saved(proposal, message)


def _seen_step() -> int | None:
    """Return the step of the suggestion the page showed (its buttons name changes by number)."""
    return parse_id(request.form.get("step"), minimum=0)


@blueprint.post(f"{SEVERAL}/items/<name>/remove")
@allow(CO_DESIGN_GROUP)
def remove_several_item(questionnaire_id: int, proposal_id: int, name: str):
    """Add taking one of the draft's items out to one's suggestion."""
    questionnaire = questionnaire_or_404(questionnaire_id)

    def remove(proposal: codesign.Proposal) -> str:
        codesign.put_part(
            db.session,
            proposal=proposal,
            editor=current_user,
            kind=codesign.ChangeKind.REMOVE_ITEM,
            target_name=name,
        )
        return _("Saved in your suggestion: take it out. Nothing changes until the group agrees.")

    return _confirmed_change(questionnaire, proposal_id, remove)


@blueprint.post(f"{SEVERAL}/<int:number>/remove")
@allow(CO_DESIGN_GROUP)
def drop_several_part(questionnaire_id: int, proposal_id: int, number: int):
    """Take one change out of one's suggestion (the draft is not touched)."""
    questionnaire = questionnaire_or_404(questionnaire_id)

    def drop(proposal: codesign.Proposal) -> str:
        codesign.remove_part(
            db.session,
            proposal=proposal,
            editor=current_user,
            index=number - 1,
            seen_step=_seen_step(),
        )
        return _("That change is no longer part of your suggestion.")

    return _confirmed_change(questionnaire, proposal_id, drop)


@blueprint.post(f"{SEVERAL}/<int:number>/update")
@allow(CO_DESIGN_GROUP)
def update_several_part(questionnaire_id: int, proposal_id: int, number: int):
    """Write one change again on the draft's item as it is now, keeping one's own edits."""
    questionnaire = questionnaire_or_404(questionnaire_id)

    def update(proposal: codesign.Proposal) -> str:
        codesign.rebase_part(
            db.session,
            proposal=proposal,
            editor=current_user,
            index=number - 1,
            seen_step=_seen_step(),
        )
        return _("Updated: the change is now written on the question as it is in the draft.")

    return _confirmed_change(questionnaire, proposal_id, update)


@blueprint.post(f"{ITEMS}/suggestions/<int:proposal_id>/apply-now")
@allow(CO_DESIGN_GROUP)
def apply_several_now(questionnaire_id: int, proposal_id: int):
    """Make every change of one's draft suggestion at once, without a vote, where one may
    (a builder of the first draft; a facilitator of a study that allows it)."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    proposal = _own_draft(questionnaire, proposal_id)
    if proposal is None:
        return _back(questionnaire, proposal_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        codesign.apply_directly(db.session, proposal=proposal, editor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back(questionnaire, proposal_id)
    db.commit()
    flash(_("Changed. The decision log shows every change, made by you without a vote."), "success")
    return redirect(url_for("surveys.show_draft", questionnaire_id=questionnaire.id))
