"""Edit the draft: add, change, move and delete questions and sections, with undo."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from peer_research.access import allow
from peer_research.db import db
from peer_research.errors import DomainError
from peer_research.forms import show_domain_error
from peer_research.studies.forms import ConfirmForm
from surveys import definition as d
from surveys import services
from surveys.forms import (
    MoveForm,
    QuestionForm,
    SectionForm,
    choice_lines,
    make_name,
    parse_choice_lines,
)
from surveys.models import Questionnaire
from surveys.validation import check_expression, known_names, sections_of
from surveys.views import blueprint
from surveys.views.common import DESIGN_GROUP, hidden_revision, questionnaire_or_404

ITEMS = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>"


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


def _draft_url(questionnaire: Questionnaire, anchor: str | None = None) -> str:
    """Return the draft page's address, optionally at an item."""
    url = url_for("surveys.show_draft", questionnaire_id=questionnaire.id)
    return f"{url}#item-{anchor}" if anchor else url


def _render_editor(template: str, form, questionnaire: Questionnaire, draft, **context):
    """Render a question or section editor page."""
    return render_template(
        template,
        form=form,
        questionnaire=questionnaire,
        language=draft.default_language,
        **context,
    )


def _add_item(questionnaire_id: int, form, build, template: str, done_message: str):
    """Show an add form, and add the item it describes to the draft (or to a section)."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    draft = services.draft_definition(db.session, questionnaire)
    section = request.args.get("section") or None
    if form.validate_on_submit():
        taken = {item.name for item, _parents in draft.walk()}
        item = build(form, language=draft.default_language.code, existing=None, taken=taken)
        try:
            services.add_item(
                db.session,
                questionnaire=questionnaire,
                item=item,
                section=section,
                changed_by=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(done_message, "success")
            return redirect(_draft_url(questionnaire, item.name))
    return _render_editor(template, form, questionnaire, draft, adding=True, section=section)


@blueprint.route(f"{ITEMS}/questions/new", methods=["GET", "POST"])
@allow(DESIGN_GROUP)
def add_question(questionnaire_id: int):
    """Add a question at the end of the draft, or of a section."""
    initial = None if request.method == "POST" else {"type": request.args.get("type", "text")}
    return _add_item(
        questionnaire_id,
        QuestionForm(data=initial),
        question_from_form,
        "surveys/question_form.html",
        _("Question added."),
    )


@blueprint.route(f"{ITEMS}/sections/new", methods=["GET", "POST"])
@allow(DESIGN_GROUP)
def add_section(questionnaire_id: int):
    """Add a section at the end of the draft, or inside another section."""
    return _add_item(
        questionnaire_id,
        SectionForm(),
        section_from_form,
        "surveys/section_form.html",
        _("Section added. Now add questions to it."),
    )


@blueprint.route(f"{ITEMS}/items/<name>/edit", methods=["GET", "POST"])
@allow(DESIGN_GROUP)
def edit_item(questionnaire_id: int, name: str):
    """Change a question or section, refusing to overwrite someone else's newer save."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    draft = services.draft_definition(db.session, questionnaire)
    item = draft.find(name)
    if item is None:
        abort(404, _("That question is no longer in the draft. Someone may have deleted it."))
    revision = services.draft_revisions(db.session, questionnaire)[name]
    language = draft.default_language.code
    is_question = isinstance(item, d.Question)
    form_class, template = (
        (QuestionForm, "surveys/question_form.html")
        if is_question
        else (SectionForm, "surveys/section_form.html")
    )
    initial = (
        question_form_data(item, language) if is_question else section_form_data(item, language)
    )
    form = form_class(data=None if request.method == "POST" else {**initial, "revision": revision})
    conflict = None
    if form.validate_on_submit():
        taken = {other.name for other, _parents in draft.walk() if other.name != name}
        build = question_from_form if is_question else section_from_form
        changed = build(form, language=language, existing=item, taken=taken)
        try:
            services.update_item(
                db.session,
                questionnaire=questionnaire,
                name=name,
                item=changed,
                expected_revision=hidden_revision(form.revision.data) or 0,
                changed_by=current_user,
            )
        except services.DraftConflictError as error:
            db.session.rollback()
            show_domain_error(form, error)
            conflict = item  # what the other person saved, shown beside the form
            form.revision.data = str(revision)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(_("Saved."), "success")
            return redirect(_draft_url(questionnaire, changed.name))
    return _render_editor(
        template, form, questionnaire, draft, adding=False, item=item, conflict=conflict
    )


@blueprint.post(f"{ITEMS}/items/<name>/move")
@allow(DESIGN_GROUP)
def move_item(questionnaire_id: int, name: str):
    """Move an item one place up or down."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    direction = request.form.get("direction")
    if not ConfirmForm().validate_on_submit() or direction not in ("up", "down"):
        abort(400)
    try:
        services.move_item(db.session, questionnaire=questionnaire, name=name, direction=direction)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(_draft_url(questionnaire))
    db.commit()
    return redirect(_draft_url(questionnaire, name))


@blueprint.route(f"{ITEMS}/items/<name>/section", methods=["GET", "POST"])
@allow(DESIGN_GROUP)
def move_into_section(questionnaire_id: int, name: str):
    """Move an item into a section, or back to the top level."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    draft = services.draft_definition(db.session, questionnaire)
    item = draft.find(name)
    if item is None:
        abort(404, _("That question is no longer in the draft. Someone may have deleted it."))
    form = MoveForm()
    form.section.choices = [SelectChoice("", _("Not in a section (top level)"))] + [
        SelectChoice(section.name, section.label.get(draft.default_language.code) or section.name)
        for section in sections_of(draft)
        if section.name != name
    ]
    if form.validate_on_submit():
        try:
            services.move_into_section(
                db.session,
                questionnaire=questionnaire,
                name=name,
                section=form.section.data or None,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(_("Moved."), "success")
            return redirect(_draft_url(questionnaire, name))
    return render_template(
        "surveys/move.html",
        form=form,
        questionnaire=questionnaire,
        item=item,
        language=draft.default_language,
    )


@blueprint.post(f"{ITEMS}/items/<name>/delete")
@allow(DESIGN_GROUP)
def delete_item(questionnaire_id: int, name: str):
    """Take an item out of the draft, offering to undo it."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        row = services.delete_item(
            db.session, questionnaire=questionnaire, name=name, changed_by=current_user
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(_draft_url(questionnaire, name))
    db.commit()
    session["undo_delete"] = {"questionnaire_id": questionnaire.id, "item_id": row.id, "name": name}
    return redirect(_draft_url(questionnaire))


@blueprint.post(f"{ITEMS}/items/<int:item_id>/restore")
@allow(DESIGN_GROUP)
def restore_item(questionnaire_id: int, item_id: int):
    """Bring back a deleted item (undo)."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session.pop("undo_delete", None)
    try:
        row = services.undo_delete(
            db.session, questionnaire=questionnaire, item_id=item_id, changed_by=current_user
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(_draft_url(questionnaire))
    db.commit()
    flash(_("%(name)s is back.", name=row.name), "success")
    return redirect(_draft_url(questionnaire, row.name))


@blueprint.post(f"{ITEMS}/check")
@allow(DESIGN_GROUP)
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
