"""Shape the draft by suggestion: add, change, move and remove questions and sections.

Every page here writes the author's proposal (`send_suggestion`): nothing changes the draft
directly, so every change appears in the decision log. A facilitator of a study that allows
direct edits may make a change at once; it is logged as a change made without a vote.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from peer_research.access import allow
from peer_research.db import db
from surveys import definition as d
from surveys import services
from surveys.codesign import services as codesign
from surveys.codesign.models import ChangeKind, Proposal, ProposalState
from surveys.codesign.proposals import Place, place_in_draft, updated_item
from surveys.forms import (
    QUESTION_TYPE_NAMES,
    QuestionForm,
    SectionForm,
    choice_lines,
    make_name,
    parse_choice_lines,
)
from surveys.models import Questionnaire
from surveys.validation import check_expression, known_names
from surveys.views import blueprint
from surveys.views.common import (
    CO_DESIGN_GROUP,
    describe_place,
    hidden_revision,
    item_label,
    questionnaire_or_404,
)
from surveys.views.suggesting import (
    SuggestionForm,
    may_change_now,
    proposal_url,
    send_suggestion,
    suggestion_defaults,
)

ITEMS = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>"


# Forms ----------------------------------------------------------------------------------


def _place_field() -> SelectField:
    """Return the "where should it go?" list (its choices are the draft's places)."""
    return SelectField(
        _l("Where should it go?"), widget=GovSelect(), choices=[], validate_choice=False
    )


class QuestionSuggestionForm(SuggestionForm, QuestionForm):
    """Suggest adding or changing a question: every field, then why and how to send it."""

    submit = None  # the suggestion buttons replace "Save"
    place = _place_field()  # shown when adding only


class SectionSuggestionForm(SuggestionForm, SectionForm):
    """Suggest adding or changing a section: its settings, then why and how to send it."""

    submit = None
    place = _place_field()  # shown when adding only


class MoveSuggestionForm(SuggestionForm):
    """Suggest moving an item: where it should go, then why."""

    revision = HiddenField()
    place = SelectField(
        _l("Where should it go?"), widget=GovSelect(), choices=[], validate_choice=False
    )

    def validate_place(self, field: SelectField) -> None:
        """Accept only one of the places offered."""
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose where it should go"))


class RemoveSuggestionForm(SuggestionForm):
    """Suggest removing an item: only why."""

    revision = HiddenField()


# Building items from the forms ----------------------------------------------------------


def _free_name(wanted: str, taken: set[str]) -> str:
    """Return the wanted name, numbered if another item already has it."""
    name, number = wanted, 2
    while name in taken:
        name, number = f"{wanted}_{number}", number + 1
    return name


def question_from_form(
    form: QuestionForm, *, language: str, existing: d.Question | None, taken: set[str]
) -> d.Question:
    """Build a question from the editor form, keeping the other languages' texts."""
    kind = d.QuestionType(form.type.data)
    old = existing or d.Question(name="", type=kind, label={})
    choices = parse_choice_lines(form.choices.data or "", language, old.choices)
    if kind == d.QuestionType.YES_NO and not choices:
        choices = (d.Choice("yes", {language: _("Yes")}), d.Choice("no", {language: _("No")}))
    if kind not in d.CHOICE_TYPES and kind != d.QuestionType.YES_NO:
        choices = ()
    name = (form.name.data or "").strip() or _free_name(make_name(form.label.data or ""), taken)
    return d.Question(
        name=name,
        type=kind,
        label=d.with_text(old.label, language, form.label.data),
        hint=d.with_text(old.hint, language, form.hint.data),
        required=form.required.data,
        required_if=(form.required_if.data or "").strip(),
        required_message=d.with_text(old.required_message, language, form.required_message.data),
        default=(form.default.data or "").strip(),
        relevance=(form.relevance.data or "").strip(),
        constraint=(form.constraint.data or "").strip(),
        constraint_message=d.with_text(
            old.constraint_message, language, form.constraint_message.data
        ),
        calculation=(form.calculation.data or "").strip(),
        choices=choices,
        choice_list=old.choice_list,
        other_option=form.other_option.data and kind in d.CHOICE_TYPES,
        appearance=form.appearance.data or "",
        image=old.image,
        read_only=old.read_only,
        privacy=d.PrivacyClass(form.privacy.data or d.PrivacyClass.NONE.value),
    )


def question_form_data(question: d.Question, language: str) -> dict:
    """Return the editor form's values for a question."""
    return {
        "type": question.type.value,
        "label": question.label.get(language, ""),
        "hint": question.hint.get(language, ""),
        "name": question.name,
        "choices": choice_lines(question.choices, language),
        "other_option": question.other_option,
        "required": question.required,
        "required_message": question.required_message.get(language, ""),
        "privacy": question.privacy.value,
        "appearance": question.appearance,
        "relevance": question.relevance,
        "constraint": question.constraint,
        "constraint_message": question.constraint_message.get(language, ""),
        "required_if": question.required_if,
        "calculation": question.calculation,
        "default": question.default,
    }


def section_from_form(
    form: SectionForm, *, language: str, existing: d.Section | None, taken: set[str]
) -> d.Section:
    """Build a section from the editor form (its questions are kept as they are)."""
    old = existing or d.Section(name="", label={})
    name = (form.name.data or "").strip() or _free_name(make_name(form.label.data or ""), taken)
    return d.Section(
        name=name,
        label=d.with_text(old.label, language, form.label.data),
        items=old.items,
        hint=d.with_text(old.hint, language, form.hint.data),
        relevance=(form.relevance.data or "").strip(),
        repeat=form.repeat.data,
        repeat_count=(form.repeat_count.data or "").strip() if form.repeat.data else "",
        appearance="field-list" if form.one_screen.data else "",
    )


def section_form_data(section: d.Section, language: str) -> dict:
    """Return the editor form's values for a section."""
    return {
        "label": section.label.get(language, ""),
        "hint": section.hint.get(language, ""),
        "name": section.name,
        "relevance": section.relevance,
        "repeat": section.repeat,
        "repeat_count": section.repeat_count,
        "one_screen": section.appearance == "field-list",
    }


def _item_form(item_kind: str):
    """Return the form class, builder, form data and template for a question or a section."""
    if item_kind == "section":
        return (
            SectionSuggestionForm,
            section_from_form,
            section_form_data,
            "surveys/section_form.html",
        )
    return (
        QuestionSuggestionForm,
        question_from_form,
        question_form_data,
        "surveys/question_form.html",
    )


# Places ---------------------------------------------------------------------------------


def _place_choices(
    definition: d.FormDefinition, moving: d.Item | None, language: str
) -> list[SelectChoice]:
    """Offer every place in the questionnaire, in its order: before or after each item and
    at the end of each section and of the whole questionnaire (never inside the item moved)."""
    choices: list[SelectChoice] = []

    def offer(items: tuple[d.Item, ...], section: d.Section | None) -> None:
        inside = (
            " " + _("(in “%(label)s”)", label=item_label(definition, section.name, language))
            if section
            else ""
        )
        for item in items:
            if moving is not None and item.name == moving.name:
                continue
            label = item.label.get(language) or item.name
            choices.append(
                SelectChoice(f"before:{item.name}", _("Before “%(label)s”", label=label) + inside)
            )
            if isinstance(item, d.Section):
                offer(item.items, item)
            choices.append(
                SelectChoice(f"after:{item.name}", _("After “%(label)s”", label=label) + inside)
            )
        if section is None:
            choices.append(SelectChoice("end:", _("At the end of the questionnaire")))
        else:
            label = section.label.get(language) or section.name
            choices.append(
                SelectChoice(
                    f"end:{section.name}", _("At the end of the section “%(label)s”", label=label)
                )
            )

    offer(definition.items, None)
    return choices


def _place_value(place: Place) -> str:
    """Return the place select's value for a place."""
    if place.before_name:
        return f"before:{place.before_name}"
    if place.after_name:
        return f"after:{place.after_name}"
    return f"end:{place.section or ''}"


def _parse_place(value: str, definition: d.FormDefinition) -> Place | None:
    """Read the place select's value (None if it names nothing in the draft)."""
    kind, _sep, name = (value or "").partition(":")
    if kind == "end":
        found = definition.find(name) if name else None
        return Place(name or None) if not name or isinstance(found, d.Section) else None
    neighbour = place_in_draft(definition, name) if name else None
    if kind not in ("before", "after") or neighbour is None:
        return None
    if kind == "before":
        return Place(neighbour.section, before_name=name)
    return Place(neighbour.section, after_name=name)


def _already_there(definition: d.FormDefinition, name: str, place: Place) -> bool:
    """Tell whether moving an item to a place would leave it where it is."""
    now = place_in_draft(definition, name)
    if now is None or now.section != place.section:
        return False
    siblings = [
        item.name
        for item in (definition.find(place.section).items if place.section else definition.items)
    ]
    index = siblings.index(name)
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    previous = siblings[index - 1] if index else None
    if place.before_name:
        return place.before_name == following
    if place.after_name:
        return place.after_name == previous
    return following is None


# Helpers --------------------------------------------------------------------------------


def _draft_url(questionnaire: Questionnaire, anchor: str | None = None) -> str:
    """Return the draft page's address, optionally at an item."""
    url = url_for("surveys.show_draft", questionnaire_id=questionnaire.id)
    return f"{url}#item-{anchor}" if anchor else url


def _done(form: SuggestionForm, proposal: Proposal, questionnaire: Questionnaire, name: str):
    """Redirect after a suggestion was sent: to the draft for a direct change, else to it."""
    if form.change_now.data:
        return redirect(_draft_url(questionnaire, name))
    return redirect(proposal_url(proposal))


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
        if proposal.state != ProposalState.DRAFT or proposal.author_id == current_user.id
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


# Adding ---------------------------------------------------------------------------------


def _suggest_addition(questionnaire_id: int, item_kind: str):
    """Show an add form; write the suggestion to add the item it describes."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    draft = services.draft_definition(db.session, questionnaire)
    form_class, build, _data, template = _item_form(item_kind)
    section = request.args.get("section") or None
    if section is not None and not isinstance(draft.find(section), d.Section):
        abort(404, _("That section is no longer in the draft."))
    initial = {**suggestion_defaults(), "place": _place_value(Place(section))}
    if item_kind == "question":
        initial["type"] = request.args.get("type", "text")
    form = form_class(data=None if request.method == "POST" else initial)
    form.place.choices = _place_choices(draft, None, draft.default_language.code)
    if form.validate_on_submit():
        taken = {item.name for item, _parents in draft.walk()}
        item = build(form, language=draft.default_language.code, existing=None, taken=taken)
        place = _parse_place(form.place.data or _place_value(Place(section)), draft)
        if place is None:
            form.place.errors = [_("Choose where it should go")]
        else:
            proposal = send_suggestion(
                form,
                lambda: codesign.create_proposal(
                    db.session,
                    questionnaire=questionnaire,
                    author=current_user,
                    kind=ChangeKind.ADD_ITEM,
                    reason=form.reason.data,
                    item=item,
                    **place.__dict__,
                ),
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


# Changing -------------------------------------------------------------------------------


@blueprint.route(f"{ITEMS}/items/<name>/edit", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def edit_item(questionnaire_id: int, name: str):
    """Suggest a change to a question or section: any of its fields."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    draft = services.draft_definition(db.session, questionnaire)
    item = _current_item(draft, name)
    revision = services.draft_revisions(db.session, questionnaire)[name]
    language = draft.default_language.code
    form_class, build, form_data, template = _item_form(item.kind)
    initial = {**form_data(item, language), "revision": revision, **suggestion_defaults()}
    form = form_class(data=None if request.method == "POST" else initial)
    changed_meanwhile = False
    if form.validate_on_submit():
        taken = {other.name for other, _parents in draft.walk() if other.name != name}
        changed = build(form, language=language, existing=item, taken=taken)
        seen = hidden_revision(form.revision.data)
        proposal = send_suggestion(
            form,
            lambda: codesign.create_proposal(
                db.session,
                questionnaire=questionnaire,
                author=current_user,
                kind=ChangeKind.CHANGE_ITEM,
                reason=form.reason.data,
                item=changed,
                target_name=name,
                base_revision=seen if seen is not None else -1,
            ),
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


# Moving ---------------------------------------------------------------------------------


@blueprint.route(f"{ITEMS}/items/<name>/move", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def move_item(questionnaire_id: int, name: str):
    """Suggest moving an item: into another section, before or after another item."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    draft = services.draft_definition(db.session, questionnaire)
    item = _current_item(draft, name)
    revision = services.draft_revisions(db.session, questionnaire)[name]
    language = draft.default_language.code
    form = MoveSuggestionForm(
        data=None if request.method == "POST" else {"revision": revision, **suggestion_defaults()}
    )
    form.place.choices = [
        SelectChoice("", _("Choose a place")),
        *_place_choices(draft, item, language),
    ]
    if form.validate_on_submit():
        place = _parse_place(form.place.data, draft)
        if place is None:
            form.place.errors.append(_("Choose where it should go"))
        elif _already_there(draft, name, place):
            form.place.errors.append(_("It is already there. Choose another place."))
        else:
            seen = hidden_revision(form.revision.data)
            proposal = send_suggestion(
                form,
                lambda: codesign.create_proposal(
                    db.session,
                    questionnaire=questionnaire,
                    author=current_user,
                    kind=ChangeKind.MOVE_ITEM,
                    reason=form.reason.data,
                    target_name=name,
                    section=place.section,
                    before_name=place.before_name,
                    after_name=place.after_name,
                    base_revision=seen if seen is not None else -1,
                ),
            )
            if proposal is not None:
                return _done(form, proposal, questionnaire, name)
            form.revision.data = str(revision)
    now = place_in_draft(draft, name)
    return _render(
        "surveys/move.html",
        form,
        questionnaire,
        draft,
        item=item,
        now=describe_place(draft, **now.__dict__, language=language),
        others=_live_about(questionnaire, name),
    )


# Removing -------------------------------------------------------------------------------


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
        seen = hidden_revision(form.revision.data)
        proposal = send_suggestion(
            form,
            lambda: codesign.create_proposal(
                db.session,
                questionnaire=questionnaire,
                author=current_user,
                kind=ChangeKind.REMOVE_ITEM,
                reason=form.reason.data,
                target_name=name,
                base_revision=seen if seen is not None else -1,
            ),
        )
        if proposal is not None:
            if form.change_now.data:
                return redirect(_draft_url(questionnaire))
            return redirect(proposal_url(proposal))
        form.revision.data = str(revision)
    inside = [child for child, _parents in d.FormDefinition("", (), (item,)).walk()][1:]
    return _render(
        "surveys/move.html",
        form,
        questionnaire,
        draft,
        item=item,
        removing=True,
        inside=inside,
        others=_live_about(questionnaire, name),
    )


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
    if proposal.kind not in (
        ChangeKind.ADD_ITEM,
        ChangeKind.CHANGE_ITEM,
        ChangeKind.MOVE_ITEM,
        ChangeKind.REMOVE_ITEM,
    ):
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
    current = draft.find(name) if proposal.kind != ChangeKind.ADD_ITEM else None
    if proposal.kind != ChangeKind.ADD_ITEM and current is None:
        flash(
            _(
                "%(name)s is no longer in the draft, so this suggestion cannot be updated.",
                name=name,
            ),
            "error",
        )
        return redirect(proposal_url(proposal))
    revisions = services.draft_revisions(db.session, questionnaire)
    revision = revisions.get(name)
    defaults = {**suggestion_defaults(proposal), "revision": revision}
    posted = request.method == "POST"
    context = {"proposal": proposal, "others": _live_about(questionnaire, name)}

    def edit(**change):
        seen = hidden_revision(form.revision.data) if hasattr(form, "revision") else None
        return lambda: codesign.edit_proposal(
            db.session,
            proposal=proposal,
            editor=current_user,
            reason=form.reason.data,
            base_revision=seen if proposal.kind != ChangeKind.ADD_ITEM else None,
            **change,
        )

    if proposal.kind in (ChangeKind.ADD_ITEM, ChangeKind.CHANGE_ITEM):
        wanted = updated_item(db.session, proposal=proposal)
        form_class, build, form_data, template = _item_form(wanted.kind)
        adding = proposal.kind == ChangeKind.ADD_ITEM
        place = Place(proposal.section, proposal.before_name, proposal.after_name)
        form = form_class(
            data=None
            if posted
            else {**form_data(wanted, language), **defaults, "place": _place_value(place)}
        )
        form.place.choices = _place_choices(draft, None, language)
        if form.validate_on_submit():
            taken = {
                other.name
                for other, _parents in draft.walk()
                if other.name != name or proposal.kind == ChangeKind.ADD_ITEM
            }
            item = build(form, language=language, existing=wanted, taken=taken)
            if adding:
                place = _parse_place(form.place.data or _place_value(place), draft) or place
            extra = place.__dict__ if adding else {}
            sent = send_suggestion(form, edit(item=item, **extra))
            if sent is not None:
                return _done(form, sent, questionnaire, item.name)
            form.revision.data = str(revision) if revision is not None else ""
        return _render(
            template,
            form,
            questionnaire,
            draft,
            adding=adding,
            item=current,
            **context,
        )

    if proposal.kind == ChangeKind.MOVE_ITEM:
        place = Place(proposal.section, proposal.before_name, proposal.after_name)
        form = MoveSuggestionForm(
            data=None if posted else {**defaults, "place": _place_value(place)}
        )
        form.place.choices = [
            SelectChoice("", _("Choose a place")),
            *_place_choices(draft, current, language),
        ]
        if form.validate_on_submit():
            place = _parse_place(form.place.data, draft)
            if place is None:
                form.place.errors.append(_("Choose where it should go"))
            else:
                sent = send_suggestion(form, edit(**place.__dict__))
                if sent is not None:
                    return _done(form, sent, questionnaire, name)
                form.revision.data = str(revision)
        now = place_in_draft(draft, name)
        return _render(
            "surveys/move.html",
            form,
            questionnaire,
            draft,
            item=current,
            now=describe_place(draft, **now.__dict__, language=language),
            **context,
        )

    form = RemoveSuggestionForm(data=None if posted else defaults)
    if form.validate_on_submit():
        sent = send_suggestion(form, edit())
        if sent is not None:
            if form.change_now.data:
                return redirect(_draft_url(questionnaire))
            return redirect(proposal_url(sent))
        form.revision.data = str(revision)
    inside = [child for child, _parents in d.FormDefinition("", (), (current,)).walk()][1:]
    return _render(
        "surveys/move.html",
        form,
        questionnaire,
        draft,
        item=current,
        removing=True,
        inside=inside,
        **context,
    )


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
