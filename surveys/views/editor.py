"""Shape the draft by suggestion: add, change, move and remove questions and sections.

Every page here writes the author's proposal (`send_suggestion`): nothing changes the draft
directly, so every change appears in the decision log. A facilitator of a study that allows
direct edits may make a change at once; it is logged as a change made without a vote.
"""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from peer_research.access import allow
from peer_research.db import db
from peer_research.edge import parse_id
from surveys import definition as d
from surveys import services
from surveys.codesign import services as codesign
from surveys.forms import QUESTION_TYPE_NAMES
from surveys.models import Questionnaire
from surveys.validation import check_expression, known_names
from surveys.views import blueprint
from surveys.views.common import (
    CO_DESIGN_GROUP,
    describe_place,
    items_inside,
    questionnaire_or_404,
    visible_to_me,
)
from surveys.views.editor_forms import MoveSuggestionForm, RemoveSuggestionForm, item_form
from surveys.views.places import already_there, parse_place, place_choices, place_value
from surveys.views.question_page import item_page, kind_step, position_of
from surveys.views.suggesting import (
    after_sending,
    may_change_now,
    seen_revision,
    suggest,
    suggestion_defaults,
)
from surveys.views.suggestion_forms import SuggestionForm

ITEMS = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>"


# Helpers --------------------------------------------------------------------------------


def _draft_url(questionnaire: Questionnaire, anchor: str | None = None) -> str:
    """Return the draft page's address, optionally at an item."""
    url = url_for("surveys.show_draft", questionnaire_id=questionnaire.id)
    return f"{url}#item-{anchor}" if anchor else url


def after_editing(
    form: SuggestionForm, proposal: codesign.Proposal, questionnaire: Questionnaire, name=None
):
    """Go to the suggestion; after a change made at once, to the draft (at the item)."""
    return after_sending(form, proposal, _draft_url(questionnaire, name))


def _current_item(draft: d.FormDefinition, name: str) -> d.Item:
    """Return a draft item, or answer 404 with a plain message when it is gone."""
    item = draft.find(name)
    if item is None:
        abort(404, _("That question is no longer in the draft. Someone may have removed it."))
    return item


def live_about(questionnaire: Questionnaire, name: str) -> list[codesign.Proposal]:
    """Return the live suggestions about an item that the current member may see."""
    return [
        proposal
        for proposal in codesign.proposals_touching(
            db.session, questionnaire=questionnaire, name=name
        )
        if visible_to_me(proposal)
    ]


def render_item_page(template: str, form, questionnaire: Questionnaire, draft, **context):
    """Render one of the suggestion pages."""
    return render_template(
        template,
        form=form,
        questionnaire=questionnaire,
        language=draft.default_language,
        definition=draft,  # rules read in plain words from the draft's labels
        may_change_now=may_change_now(questionnaire),
        type_names=QUESTION_TYPE_NAMES,
        **{"adding": False, "item": None, "proposal": None, **context},
    )


def render_move(form, questionnaire: Questionnaire, draft, item: d.Item, **context):
    """Render the page to suggest moving an item, saying where it is now."""
    now = codesign.place_in_draft(draft, item.name)
    return render_item_page(
        "surveys/move.html",
        form,
        questionnaire,
        draft,
        item=item,
        now=describe_place(draft, **now.__dict__, language=draft.default_language.code),
        **context,
    )


def render_remove(form, questionnaire: Questionnaire, draft, item: d.Item, **context):
    """Render the page to suggest removing an item, with what would go with it."""
    return render_item_page(
        "surveys/move.html",
        form,
        questionnaire,
        draft,
        item=item,
        removing=True,
        inside=items_inside(item),
        **context,
    )


def chosen_place(
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
        action = url_for("surveys.add_question", questionnaire_id=questionnaire.id)
        step = kind_step(questionnaire, section, action=action)
        if step is not None:
            return step
        initial["type"] = request.args["type"] if request.method == "GET" else "text"
    form = form_class(data=None if request.method == "POST" else initial)
    form.place.choices = place_choices(draft, None, draft.default_language.code)
    chosen = parse_place(form.place.data or place_value(codesign.Place(section)), draft)
    page = item_page(
        item_kind, form, draft, existing=None, position=position_of(draft, chosen, None)
    )
    if page.valid():
        taken = {item.name for item, _parents in draft.walk()}
        item = build(form, language=draft.default_language.code, existing=None, taken=taken)
        if chosen is None:
            form.place.errors = [_("Choose where it should go")]
        else:
            proposal = suggest(
                form, questionnaire, codesign.ChangeKind.ADD_ITEM, item=item, **chosen.__dict__
            )
            if proposal is not None:
                return after_editing(form, proposal, questionnaire, item.name)
    return render_item_page(template, form, questionnaire, draft, adding=True, **page.context())


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
    page = item_page(item.kind, form, draft, existing=item, position=position_of(draft, None, name))
    changed_meanwhile = False
    if page.valid():
        taken = {other.name for other, _parents in draft.walk() if other.name != name}
        changed = build(form, language=language, existing=item, taken=taken)
        seen = seen_revision(form)
        proposal = suggest(
            form,
            questionnaire,
            codesign.ChangeKind.CHANGE_ITEM,
            item=changed,
            target_name=name,
            base_revision=seen,
        )
        if proposal is not None:
            return after_editing(form, proposal, questionnaire, changed.name)
        if seen != revision:
            # Show the item as it is now; the next send is written against it.
            changed_meanwhile = True
            form.revision.data = str(revision)
    return render_item_page(
        template,
        form,
        questionnaire,
        draft,
        item=item,
        changed_meanwhile=changed_meanwhile,
        others=live_about(questionnaire, name),
        **page.context(),
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
        place = chosen_place(form, draft, name)
        if place is not None:
            proposal = suggest(
                form,
                questionnaire,
                codesign.ChangeKind.MOVE_ITEM,
                target_name=name,
                base_revision=seen_revision(form),
                **place.__dict__,
            )
            if proposal is not None:
                return after_editing(form, proposal, questionnaire, name)
            form.revision.data = str(revision)
    return render_move(form, questionnaire, draft, item, others=live_about(questionnaire, name))


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
            codesign.ChangeKind.REMOVE_ITEM,
            target_name=name,
            base_revision=seen_revision(form),
        )
        if proposal is not None:
            return after_editing(form, proposal, questionnaire)
        form.revision.data = str(revision)
    return render_remove(form, questionnaire, draft, item, others=live_about(questionnaire, name))


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
    draft = _draft_to_check_against(questionnaire)
    item = draft.find(str(payload.get("name", "")))
    messages = check_expression(
        payload["expression"][:5000], field=field, names=known_names(draft), item=item
    )
    return {"problems": messages}


def _draft_to_check_against(questionnaire: Questionnaire) -> d.FormDefinition:
    """Return the draft, or, for a change within one's own suggestion of several changes
    (`?suggestion=`), the draft with that suggestion's changes made: its questions may refer
    to each other."""
    proposal_id = parse_id(request.args.get("suggestion"))
    proposal = (
        codesign.get_proposal(db.session, questionnaire=questionnaire, proposal_id=proposal_id)
        if proposal_id is not None
        else None
    )
    if (
        proposal is not None
        and proposal.kind == codesign.ChangeKind.SEVERAL
        and proposal.visible_to(current_user.id)
    ):
        return codesign.suggested_draft(db.session, proposal=proposal)
    return services.draft_definition(db.session, questionnaire)
