"""Pictures for the easy-read consent form: uploading them, and sending one to a page or a
tablet."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from consent.wording import services as wording
from consent.wording.forms import PictureForm
from consent.wording.views import blueprint
from consent.wording.views.common import CONSENT_GROUP, WITH_INTERVIEWERS, refuse
from peer_research.access import allow
from peer_research.db import db
from peer_research.images import DEFAULT_MAX_BYTES, describe_size

CACHE_SECONDS = 7 * 24 * 3600  # the address holds the content hash: the file never changes


def max_bytes() -> int:
    """Return the largest picture accepted (the MEDIA_MAX_BYTES setting)."""
    return int(current_app.config.get("MEDIA_MAX_BYTES") or DEFAULT_MAX_BYTES)


def _read_upload(upload: FileStorage | None) -> bytes:
    """Read at most one byte more than the limit, so a huge upload is refused, not read."""
    if upload is None or not isinstance(upload, FileStorage):
        return b""
    try:
        return upload.stream.read(max_bytes() + 1)
    finally:
        upload.close()  # a big upload waits in a temporary file: let it go now


@blueprint.route("/pictures", methods=["GET", "POST"])
@allow(CONSENT_GROUP)
def manage_pictures():
    """Show the easy-read pictures and upload another (it is used once the group agrees)."""
    form = PictureForm()
    if form.validate_on_submit():
        try:
            picture = wording.store_picture(
                db.session,
                study=g.study,
                data=_read_upload(request.files.get("image")),
                max_bytes=max_bytes(),
                uploaded_by=current_user,
            )
        except wording.DomainError as error:
            refuse(form, error)
        else:
            db.commit()
            flash(
                _("The picture is uploaded. Choose it for an easy-read part in a suggestion."),
                "success",
            )
            return redirect(url_for("consent_wording.manage_pictures") + f"#{picture.stored_name}")
    return render_template(
        "consent/wording/pictures.html",
        form=form,
        pictures=wording.pictures_of(db.session, g.study),
        max_size=describe_size(max_bytes()),
    ), 400 if form.errors or form.form_errors else 200


@blueprint.get("/pictures/<stored_name>")
@allow(WITH_INTERVIEWERS)
def show_picture(stored_name: str):
    """Send an easy-read picture of the consent form, with its checked content type."""
    found = wording.get_picture(db.session, study=g.study, stored_name=stored_name)
    if found is None:
        abort(404, _("That picture is not part of this study's consent form."))
    digest = found.stored_name.partition(".")[0]
    response = current_app.response_class(mimetype=found.content_type)
    response.headers["Content-Disposition"] = f'inline; filename="{found.stored_name}"'
    response.headers["Cache-Control"] = f"private, max-age={CACHE_SECONDS}, immutable"
    response.set_etag(digest)
    if request.if_none_match.contains(digest):
        response.status_code = 304  # the browser has it: do not even load the bytes
        return response
    response.set_data(found.data)
    return response
