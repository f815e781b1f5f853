"""Easy-read pictures: put a picture on a draft question or answer, take it off, serve it."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovFileInput
from werkzeug.datastructures import FileStorage
from wtforms import FileField, HiddenField

from peer_research.access import ANY_MEMBER, allow
from peer_research.db import db
from peer_research.errors import DomainError
from surveys import definition as d
from surveys import media, services
from surveys.views import blueprint
from surveys.views.common import DESIGN_GROUP, hidden_revision, questionnaire_or_404

ITEMS = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>"
CACHE_SECONDS = 7 * 24 * 3600  # the address holds the content hash: the file never changes


class ImageForm(FlaskForm):
    """Upload one picture for a question (target empty) or for one of its answers."""

    target = HiddenField()  # the answer's short name; empty for the question itself
    revision = HiddenField()
    image = FileField(_l("Picture"), widget=GovFileInput())


class RemoveImageForm(FlaskForm):
    """Take the picture off a question or one of its answers."""

    target = HiddenField()
    revision = HiddenField()


def max_bytes() -> int:
    """Return the largest picture accepted (the MEDIA_MAX_BYTES setting)."""
    return int(current_app.config.get("MEDIA_MAX_BYTES") or media.DEFAULT_MAX_BYTES)


def _question_or_404(questionnaire, name: str) -> d.Question:
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


@blueprint.route(f"{ITEMS}/items/<name>/images", methods=["GET", "POST"])
@allow(DESIGN_GROUP)
def edit_images(questionnaire_id: int, name: str):
    """Show a question's pictures and its answers', and upload one."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    question = _question_or_404(questionnaire, name)
    form = ImageForm()
    failed = None
    if request.method == "POST":
        target = form.target.data or ""
        if form.validate_on_submit():
            upload = request.files.get("image")
            try:
                media.attach_image(
                    db.session,
                    questionnaire=questionnaire,
                    name=name,
                    choice=target or None,
                    data=_read_upload(upload),
                    filename=upload.filename if upload else None,
                    max_bytes=max_bytes(),
                    expected_revision=hidden_revision(form.revision.data) or 0,
                    changed_by=current_user,
                )
            except DomainError as error:
                db.session.rollback()
                form.image.errors = [error.message]
                failed = target
            else:
                db.commit()
                flash(_("The picture is added."), "success")
                return redirect(
                    url_for("surveys.edit_images", questionnaire_id=questionnaire.id, name=name)
                    + f"#picture-{target or name}"
                )
        else:
            failed = target
    return render_template(
        "surveys/media.html",
        questionnaire=questionnaire,
        question=question,
        language=services.languages_of(questionnaire)[0].code,
        revision=services.draft_revisions(db.session, questionnaire).get(name, 0),
        form=form,
        failed=failed,
        remove_form=RemoveImageForm(formdata=None),
        max_size=media.describe_size(max_bytes()),
    )


@blueprint.post(f"{ITEMS}/items/<name>/images/remove")
@allow(DESIGN_GROUP)
def remove_image(questionnaire_id: int, name: str):
    """Take the picture off a question or one of its answers (the file is kept)."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    _question_or_404(questionnaire, name)
    form = RemoveImageForm()
    if not form.validate_on_submit():
        abort(400)
    target = form.target.data or ""
    try:
        media.remove_image(
            db.session,
            questionnaire=questionnaire,
            name=name,
            choice=target or None,
            expected_revision=hidden_revision(form.revision.data) or 0,
            changed_by=current_user,
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.commit()
        flash(_("The picture is removed."), "success")
    return redirect(
        url_for("surveys.edit_images", questionnaire_id=questionnaire.id, name=name)
        + f"#picture-{target or name}"
    )


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
