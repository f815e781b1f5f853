"""Easy-read pictures: suggest putting a picture on a draft question or answer, or taking it off.

Uploading keeps the file (a `MediaFile` is not part of the draft); showing it with a
question or an answer, or taking it off, changes the draft, so it is a suggestion like any
other (`codesign.ChangeKind.CHANGE_ITEM` through the shared suggestion form).
"""

from __future__ import annotations

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from wtforms.fields.choices import SelectChoice

from peer_research.access import ANY_MEMBER, allow
from peer_research.db import db
from peer_research.errors import DomainError
from surveys import definition as d
from surveys import media, services
from surveys.codesign import services as codesign
from surveys.models import Questionnaire
from surveys.views import blueprint
from surveys.views.common import CO_DESIGN_GROUP, questionnaire_or_404
from surveys.views.editor_forms import ImageForm, RemoveImageForm
from surveys.views.suggesting import (
    after_sending,
    may_change_now,
    seen_revision,
    suggest,
    suggestion_defaults,
)
from surveys.views.suggestion_forms import SuggestionForm

ITEMS = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>"
CACHE_SECONDS = 7 * 24 * 3600  # the address holds the content hash: the file never changes


def max_bytes() -> int:
    """Return the largest picture accepted (the MEDIA_MAX_BYTES setting)."""
    return int(current_app.config.get("MEDIA_MAX_BYTES") or media.DEFAULT_MAX_BYTES)


def _question_or_404(questionnaire: Questionnaire, name: str) -> d.Question:
    """Return a question of the draft (not a section or calculation), or answer 404."""
    item = services.draft_definition(db.session, questionnaire).find(name)
    if not isinstance(item, d.Question) or item.type == d.QuestionType.CALCULATE:
        abort(404, _("That question is not in the draft, or it is never shown."))
    return item


def _read_upload(upload: FileStorage | None) -> bytes:
    """Read at most one byte more than the limit, so a huge upload is refused, not read."""
    if upload is None or not isinstance(upload, FileStorage):
        return b""
    return upload.stream.read(max_bytes() + 1)


def _has_answers(question: d.Question) -> bool:
    """Tell whether a question offers answers to choose from (each may have a picture)."""
    return question.type.value in ("select_one", "select_multiple", "rating", "ranking", "yes_no")


def _targets(question: d.Question, language: str) -> list[tuple[str, str, str, str | None]]:
    """Return what can have a picture: (answer name or "", kind, label, picture now)."""
    label = question.label.get(language) or question.name
    found = [("", _("The question"), label, question.image)]
    if _has_answers(question):
        found += [
            (choice.name, _("Answer"), choice.label.get(language) or choice.name, choice.image)
            for choice in question.choices
        ]
    return found


def _pictures_url(questionnaire: Questionnaire, name: str, target: str) -> str:
    """Return the address of a question's pictures page, at one picture."""
    return (
        url_for("surveys.edit_images", questionnaire_id=questionnaire.id, name=name)
        + f"#picture-{target or name}"
    )


def _suggest(
    form: SuggestionForm, questionnaire: Questionnaire, name: str, changed: d.Question
) -> codesign.Proposal | None:
    """Send the question with its picture changed as the author's suggestion."""
    return suggest(
        form,
        questionnaire,
        codesign.ChangeKind.CHANGE_ITEM,
        item=changed,
        target_name=name,
        base_revision=seen_revision(form),
    )


def _done(form: SuggestionForm, proposal: codesign.Proposal, questionnaire, name: str, target: str):
    """Go to the suggestion, or (a change made at once) back to the picture."""
    return after_sending(form, proposal, _pictures_url(questionnaire, name, target))


def _render_pictures(questionnaire, question, language, targets, form, removing=None):
    """Render the pictures page: add or change one, or (`removing`) take one off."""
    return render_template(
        "surveys/media.html",
        questionnaire=questionnaire,
        question=question,
        language=language,
        targets=targets,
        form=form,
        removing=removing,
        may_change_now=may_change_now(questionnaire),
        max_size=media.describe_size(max_bytes()),
    )


@blueprint.route(f"{ITEMS}/items/<name>/images", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def edit_images(questionnaire_id: int, name: str):
    """Show a question's pictures and its answers'; suggest a new one."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    question = _question_or_404(questionnaire, name)
    language = services.languages_of(questionnaire)[0].code
    revision = services.draft_revisions(db.session, questionnaire).get(name, 0)
    targets = _targets(question, language)
    initial = {**suggestion_defaults(), "revision": revision, "target": request.args.get("target")}
    form = ImageForm(data=None if request.method == "POST" else initial)
    form.target.choices = [
        SelectChoice(target, f"{kind}: {label}") for target, kind, label, _image in targets
    ]
    if form.validate_on_submit():
        target = form.target.data or ""
        upload = request.files.get("image")
        try:
            media.with_image(question, choice=target or None, image=None)  # the answer
            stored = media.store_image(
                db.session,
                questionnaire=questionnaire,
                data=_read_upload(upload),
                filename=upload.filename if upload else None,
                max_bytes=max_bytes(),
                uploaded_by=current_user,
            )
            changed = media.with_image(question, choice=target or None, image=stored.stored_name)
        except DomainError as error:
            db.session.rollback()
            form.image.errors = [*form.image.errors, error.message]
        else:
            proposal = _suggest(form, questionnaire, name, changed)
            if proposal is not None:
                return _done(form, proposal, questionnaire, name, target)
            form.revision.data = str(
                services.draft_revisions(db.session, questionnaire).get(name, 0)
            )
    return _render_pictures(questionnaire, question, language, targets, form)


@blueprint.route(f"{ITEMS}/items/<name>/images/remove", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def remove_image(questionnaire_id: int, name: str):
    """Suggest taking the picture off a question or one of its answers (the file is kept)."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    question = _question_or_404(questionnaire, name)
    language = services.languages_of(questionnaire)[0].code
    revision = services.draft_revisions(db.session, questionnaire).get(name, 0)
    targets = _targets(question, language)
    form = RemoveImageForm(
        data=None
        if request.method == "POST"
        else {
            **suggestion_defaults(),
            "revision": revision,
            "target": request.args.get("target", ""),
        }
    )
    target = form.target.data or ""
    removing = next((entry for entry in targets if entry[0] == target), None)
    if removing is None:
        abort(404, _("That answer is not part of this question."))
    if removing[3] is None:
        abort(404, _("It has no picture to take off."))
    if form.validate_on_submit():
        changed = media.with_image(question, choice=target or None, image=None)
        proposal = _suggest(form, questionnaire, name, changed)
        if proposal is not None:
            return _done(form, proposal, questionnaire, name, target)
    return _render_pictures(questionnaire, question, language, targets, form, removing)


@blueprint.get(f"{ITEMS}/media/<stored_name>")
@allow(ANY_MEMBER)
def show_media(questionnaire_id: int, stored_name: str):
    """Send an easy-read picture of the questionnaire, with its checked content type."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    found = media.get_media(db.session, questionnaire=questionnaire, stored_name=stored_name)
    if found is None:
        abort(404, _("That picture is not part of this questionnaire."))
    response = current_app.response_class(mimetype=found.content_type)
    response.headers["Content-Disposition"] = f'inline; filename="{found.stored_name}"'
    response.headers["Cache-Control"] = f"private, max-age={CACHE_SECONDS}"
    response.set_etag(found.sha256)
    if request.if_none_match.contains(found.sha256):
        response.status_code = 304  # the browser has it: do not even load the bytes
        return response
    response.set_data(found.data)
    return response
