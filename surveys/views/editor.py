"""Shape the draft by suggestion: add, change, move and remove questions and sections.

Every page here writes the author's proposal (`send_suggestion`): nothing changes the draft
directly, so every change appears in the decision log. A facilitator of a study that allows
direct edits may make a change at once; it is logged as a change made without a vote.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from peer_research.access import allow
from peer_research.db import db
from surveys import definition as d
from surveys import services
from surveys.codesign import services as codesign
from surveys.codesign.models import ChangeKind, Proposal, ProposalState
from surveys.forms import QUESTION_TYPE_NAMES
from surveys.models import Questionnaire
from surveys.validation import check_expression, known_names
from surveys.views import blueprint
from surveys.views.common import (
    CO_DESIGN_GROUP,
    EDITOR_KINDS,
    describe_place,
    hidden_revision,
    items_inside,
    questionnaire_or_404,
    visible_to_me,
)
from surveys.views.editor_forms import MoveSuggestionForm, RemoveSuggestionForm, item_form
from surveys.views.places import already_there, parse_place, place_choices, place_value
from surveys.views.suggesting import (
    SuggestionForm,
    after_sending,
    may_change_now,
    proposal_url,
    seen_revision,
    send_suggestion,
    suggest,
    suggestion_defaults,
)

ITEMS = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>"


# Helpers --------------------------------------------------------------------------------


def _draft_url(questionnaire: Questionnaire, anchor: str | None = None) -> str:
    """Return the draft page's address, optionally at an item."""
    url = url_for("surveys.show_draft", questionnaire_id=questionnaire.id)
    return f"{url}#item-{anchor}" if anchor else url


def _done(form: SuggestionForm, proposal: Proposal, questionnaire: Questionnaire, name=None):
    """Go to the suggestion; after a change made at once, to the draft (at the item)."""
    return after_sending(form, proposal, _draft_url(questionnaire, name))


def _current_item(draft: d.FormDefinition, name: str) -> d.Item:
    """Return a draft item, or answer 404 with a plain message when it is gone."""
    item = draft.find(name)
    if item is None:
        abort(404, _("That question is no longer in the draft. Someone may have removed it."))
    return item


def _live_about(questionnaire: Questionnaire, name: str) -> list[Proposal]:
    """Return the live suggestions about an item that the current member may see."""
    return [
        proposal
        for proposal in codesign.proposals_touching(
            db.session, questionnaire=questionnaire, name=name
        )
        if visible_to_me(proposal)
    ]


def _render(template: str, form, questionnaire: Questionnaire, draft, **context):
    """Render one of the suggestion pages."""
    return render_template(
        template,
        form=form,
        questionnaire=questionnaire,
        language=draft.default_language,
        may_change_now=may_change_now(),
        type_names=QUESTION_TYPE_NAMES,
        **{"adding": False, "item": None, "proposal": None, **context},
    )


def _render_move(form, questionnaire: Questionnaire, draft, item: d.Item, **context):
    """Render the page to suggest moving an item, saying where it is now."""
    now = codesign.place_in_draft(draft, item.name)
    return _render(
        "surveys/move.html",
        form,
        questionnaire,
        draft,
        item=item,
        now=describe_place(draft, **now.__dict__, language=draft.default_language.code),
        **context,
    )


def _render_remove(form, questionnaire: Questionnaire, draft, item: d.Item, **context):
    """Render the page to suggest removing an item, with what would go with it."""
    return _render(
        "surveys/move.html",
        form,
        questionnaire,
        draft,
        item=item,
        removing=True,
        inside=items_inside(item),
        **context,
    )


def _chosen_place(
    form: MoveSuggestionForm, draft: d.FormDefinition, name: str
) -> codesign.Place | None:
    """Return the place chosen to move an item to; put the reason beside the list if none."""
    place = parse_place(form.place.data, draft)
    if place is None:
        form.place.errors.append(_("Choose where it should go"))
    elif already_there(draft, name, place):
        form.place.errors.append(_("It is already there. Choose another place."))
        return None
    return place


# Adding ---------------------------------------------------------------------------------


def _suggest_addition(questionnaire_id: int, item_kind: str):
    """Show an add form; write the suggestion to add the item it describes."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    draft = services.draft_definition(db.session, questionnaire)
    form_class, build, _data, template = item_form(item_kind)
    section = request.args.get("section") or None
    if section is not None and not isinstance(draft.find(section), d.Section):
        abort(404, _("That section is no longer in the draft."))
    initial = {**suggestion_defaults(), "place": place_value(codesign.Place(section))}
    if item_kind == "question":
        initial["type"] = request.args.get("type", "text")
    form = form_class(data=None if request.method == "POST" else initial)
    form.place.choices = place_choices(draft, None, draft.default_language.code)
    if form.validate_on_submit():
        taken = {item.name for item, _parents in draft.walk()}
        item = build(form, language=draft.default_language.code, existing=None, taken=taken)
        place = parse_place(form.place.data or place_value(codesign.Place(section)), draft)
        if place is None:
            form.place.errors = [_("Choose where it should go")]
        else:
            proposal = suggest(
                form, questionnaire, ChangeKind.ADD_ITEM, item=item, **place.__dict__
            )
            if proposal is not None:
                return _done(form, proposal, questionnaire, item.name)
    return _render(template, form, questionnaire, draft, adding=True)


@blueprint.route(f"{ITEMS}/questions/new", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def add_question(questionnaire_id: int):
    """Suggest adding a question at the end of the draft, or of a section."""
    return _suggest_addition(questionnaire_id, "question")


@blueprint.route(f"{ITEMS}/sections/new", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def add_section(questionnaire_id: int):
    """Suggest adding a section at the end of the draft, or inside another section."""
    return _suggest_addition(questionnaire_id, "section")


# Changing, moving and removing -----------------------------------------------------------


@blueprint.route(f"{ITEMS}/items/<name>/edit", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def edit_item(questionnaire_id: int, name: str):
    """Suggest a change to a question or section: any of its fields."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    draft = services.draft_definition(db.session, questionnaire)
    item = _current_item(draft, name)
    revision = services.draft_revisions(db.session, questionnaire)[name]
    language = draft.default_language.code
    form_class, build, form_data, template = item_form(item.kind)
    initial = {**form_data(item, language), "revision": revision, **suggestion_defaults()}
    form = form_class(data=None if request.method == "POST" else initial)
    changed_meanwhile = False
    if form.validate_on_submit():
        taken = {other.name for other, _parents in draft.walk() if other.name != name}
        changed = build(form, language=language, existing=item, taken=taken)
        seen = seen_revision(form)
        proposal = suggest(
            form,
            questionnaire,
            ChangeKind.CHANGE_ITEM,
            item=changed,
            target_name=name,
            base_revision=seen,
        )
        if proposal is not None:
            return _done(form, proposal, questionnaire, changed.name)
        if seen != revision:
            # Show the item as it is now; the next send is written against it.
            changed_meanwhile = True
            form.revision.data = str(revision)
    return _render(
        template,
        form,
        questionnaire,
        draft,
        item=item,
        changed_meanwhile=changed_meanwhile,
        others=_live_about(questionnaire, name),
    )


@blueprint.route(f"{ITEMS}/items/<name>/move", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def move_item(questionnaire_id: int, name: str):
    """Suggest moving an item: into another section, before or after another item."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    draft = services.draft_definition(db.session, questionnaire)
    item = _current_item(draft, name)
    revision = services.draft_revisions(db.session, questionnaire)[name]
    form = MoveSuggestionForm(
        data=None if request.method == "POST" else {"revision": revision, **suggestion_defaults()}
    )
    form.place.choices = place_choices(draft, item, draft.default_language.code)
    if form.validate_on_submit():
        place = _chosen_place(form, draft, name)
        if place is not None:
            proposal = suggest(
                form,
                questionnaire,
                ChangeKind.MOVE_ITEM,
                target_name=name,
                base_revision=seen_revision(form),
                **place.__dict__,
            )
            if proposal is not None:
                return _done(form, proposal, questionnaire, name)
            form.revision.data = str(revision)
    return _render_move(form, questionnaire, draft, item, others=_live_about(questionnaire, name))


@blueprint.route(f"{ITEMS}/items/<name>/remove", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def remove_item(questionnaire_id: int, name: str):
    """Suggest removing a question or a section (with what is in it): show what would go."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    draft = services.draft_definition(db.session, questionnaire)
    item = _current_item(draft, name)
    revision = services.draft_revisions(db.session, questionnaire)[name]
    form = RemoveSuggestionForm(
        data=None if request.method == "POST" else {"revision": revision, **suggestion_defaults()}
    )
    if form.validate_on_submit():
        proposal = suggest(
            form,
            questionnaire,
            ChangeKind.REMOVE_ITEM,
            target_name=name,
            base_revision=seen_revision(form),
        )
        if proposal is not None:
            return _done(form, proposal, questionnaire)
        form.revision.data = str(revision)
    return _render_remove(form, questionnaire, draft, item, others=_live_about(questionnaire, name))


# Changing one's own suggestion ----------------------------------------------------------


def _own_editable_proposal(questionnaire: Questionnaire, proposal_id: int) -> Proposal | None:
    """Return one's own draft (or needing-update) proposal; flash why not otherwise."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.questionnaire_id != questionnaire.id:
        abort(404, _("That suggestion is not about this questionnaire."))
    if proposal.author_id != current_user.id:
        if proposal.state == ProposalState.DRAFT:
            abort(404, _("That suggestion is not about this questionnaire."))
        flash(_("Only the person who suggested this change can change it."), "error")
        return None
    if proposal.state not in (ProposalState.DRAFT, ProposalState.NEEDS_UPDATE):
        flash(
            _("An open or decided suggestion cannot be changed: withdraw it and suggest again."),
            "error",
        )
        return None
    if proposal.kind not in EDITOR_KINDS:
        abort(404, _("This kind of suggestion is changed on its own page."))
    return proposal


@blueprint.route(f"{ITEMS}/suggestions/<int:proposal_id>/change", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def change_proposal(questionnaire_id: int, proposal_id: int):
    """Change one's own draft suggestion, or update it after the question changed."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    proposal = _own_editable_proposal(questionnaire, proposal_id)
    if proposal is None:
        return redirect(
            url_for(
                "surveys.show_proposal", questionnaire_id=questionnaire.id, proposal_id=proposal_id
            )
        )
    draft = services.draft_definition(db.session, questionnaire)
    language = draft.default_language.code
    name = proposal.target_name
    adding = proposal.kind == ChangeKind.ADD_ITEM
    current = None if adding else draft.find(name)
    if not adding and current is None:
        flash(
            _(
                "%(name)s is no longer in the draft, so this suggestion cannot be updated.",
                name=name,
            ),
            "error",
        )
        return redirect(proposal_url(proposal))
    revision = services.draft_revisions(db.session, questionnaire).get(name)
    place = codesign.Place(proposal.section, proposal.before_name, proposal.after_name)
    defaults = {**suggestion_defaults(proposal), "revision": revision}
    posted = request.method == "POST"
    context = {"proposal": proposal, "others": _live_about(questionnaire, name)}

    def send(**change) -> Proposal | None:
        """Rewrite the proposal with the form's reason and this change, and send it."""
        return send_suggestion(
            form,
            lambda: codesign.edit_proposal(
                db.session,
                proposal=proposal,
                editor=current_user,
                reason=form.reason.data,
                base_revision=None if adding else hidden_revision(form.revision.data),
                **change,
            ),
        )

    if proposal.kind in (ChangeKind.ADD_ITEM, ChangeKind.CHANGE_ITEM):
        wanted = codesign.updated_item(db.session, proposal=proposal)
        form_class, build, form_data, template = item_form(wanted.kind)
        form = form_class(
            data=None
            if posted
            else {**form_data(wanted, language), **defaults, "place": place_value(place)}
        )
        form.place.choices = place_choices(draft, None, language)
        if form.validate_on_submit():
            taken = {other.name for other, _parents in draft.walk() if adding or other.name != name}
            item = build(form, language=language, existing=wanted, taken=taken)
            if adding:
                place = parse_place(form.place.data or place_value(place), draft) or place
            sent = send(item=item, **(place.__dict__ if adding else {}))
            if sent is not None:
                return _done(form, sent, questionnaire, item.name)
            form.revision.data = str(revision) if revision is not None else ""
        return _render(template, form, questionnaire, draft, adding=adding, item=current, **context)

    if proposal.kind == ChangeKind.MOVE_ITEM:
        form = MoveSuggestionForm(
            data=None if posted else {**defaults, "place": place_value(place)}
        )
        form.place.choices = place_choices(draft, current, language)
        if form.validate_on_submit():
            chosen = _chosen_place(form, draft, name)
            if chosen is not None:
                sent = send(**chosen.__dict__)
                if sent is not None:
                    return _done(form, sent, questionnaire, name)
                form.revision.data = str(revision)
        return _render_move(form, questionnaire, draft, current, **context)

    form = RemoveSuggestionForm(data=None if posted else defaults)
    if form.validate_on_submit():
        sent = send()
        if sent is not None:
            return _done(form, sent, questionnaire)
        form.revision.data = str(revision)
    return _render_remove(form, questionnaire, draft, current, **context)


# The live logic check -------------------------------------------------------------------


@blueprint.post(f"{ITEMS}/check")
@allow(CO_DESIGN_GROUP)
def check_logic(questionnaire_id: int):
    """Check one logic expression as it is typed (JSON in, JSON out)."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("expression"), str):
        abort(400, _("Send JSON with an expression."))
    field = payload.get("field")
    if field not in ("relevance", "constraint", "calculation", "required_if", "repeat_count"):
        abort(400, _("Unknown field."))
    draft = services.draft_definition(db.session, questionnaire)
    item = draft.find(str(payload.get("name", "")))
    messages = check_expression(
        payload["expression"][:5000], field=field, names=known_names(draft), item=item
    )
    return {"problems": messages}
