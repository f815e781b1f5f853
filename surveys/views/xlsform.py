"""Bring in a questionnaire from an XLSForm, and download any version as one."""

from __future__ import annotations

import base64
from pathlib import PurePath

from flask import Response, abort, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from peer_research.access import ANY_MEMBER, FACILITATORS, allow
from peer_research.db import db
from surveys import services
from surveys.forms import ImportForm
from surveys.views import blueprint
from surveys.views.common import questionnaire_or_404
from surveys.xlsform import MAX_BYTES, export_xlsform, import_xlsform

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# "Try again" keeps the chosen file in the page, signed for this person and study, for an
# hour: nothing is stored on the server, so any app server can take the next try. Bigger
# files are chosen again (the page would grow too much).
KEEP_FOR = 60 * 60
KEEP_AT_MOST = 1024 * 1024
KEEP_SALT = "xlsform-import-kept-file"


def _signer() -> URLSafeTimedSerializer:
    """Return the signer of kept files."""
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=KEEP_SALT)


def keep_file(data: bytes, filename: str) -> str:
    """Return the chosen file signed for this person and study ("" when it is too big)."""
    if len(data) > KEEP_AT_MOST:
        return ""
    return _signer().dumps(
        {
            "user": current_user.id,
            "study": g.study.id,
            "name": filename,
            "data": base64.b64encode(data).decode("ascii"),
        }
    )


def kept_file(token: str | None) -> tuple[bytes, str] | None:
    """Return the file kept by `keep_file` (bytes, name), or None if it is not this person's,
    not this study's, too old or not ours at all."""
    if not token:
        return None
    try:
        kept = _signer().loads(token, max_age=KEEP_FOR)
        if kept["user"] != current_user.id or kept["study"] != g.study.id:
            return None
        return base64.b64decode(kept["data"], validate=True), str(kept["name"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def _chosen_file(form: ImportForm) -> tuple[bytes, str] | None:
    """Return the file chosen now, or the one kept from the last try; say what is missing."""
    upload = form.file.data
    if upload is not None and upload.filename:
        return upload.read(MAX_BYTES + 1), upload.filename
    if form.kept.data:
        kept = kept_file(form.kept.data)
        if kept is None:
            form.file.errors = [_("Choose the file again: we keep it for an hour only.")]
        return kept
    form.file.errors = [_("Choose a file")]
    return None


@blueprint.route("/studies/<study_slug>/questionnaires/import", methods=["GET", "POST"])
@allow(FACILITATORS)
def import_questionnaire():
    """Read an XLSForm, show what was found, and create a questionnaire from it."""
    request.max_content_length = MAX_BYTES + 64 * 1024  # spreadsheets may be bigger than forms
    request.max_form_memory_size = 2 * KEEP_AT_MOST  # the kept file, in base64
    form = ImportForm()
    chosen = _chosen_file(form) if form.validate_on_submit() else None
    if chosen is None:
        form.kept.data = form.kept.data if kept_file(form.kept.data) else ""
        return render_template("surveys/import.html", form=form, report=None, kept_name="")
    data, filename = chosen
    result = import_xlsform(data, filename, unsupported=form.unsupported.data)
    questionnaire = None
    if result.imported:
        questionnaire = services.import_questionnaire(
            db.session, study=g.study, definition=result.definition, imported_by=current_user
        )
        db.commit()
    form.kept.data = "" if result.imported else keep_file(data, filename)
    return render_template(
        "surveys/import.html",
        form=form,
        report=result.report,
        questionnaire=questionnaire,
        kept_name=PurePath(filename).name if form.kept.data else "",
    )


@blueprint.get(
    "/studies/<study_slug>/questionnaires/<int:questionnaire_id>/versions/<int:number>/xlsform"
)
@allow(ANY_MEMBER)
def export_version(questionnaire_id: int, number: int):
    """Download a published version as an XLSForm spreadsheet."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    version = services.get_version(db.session, questionnaire=questionnaire, number=number)
    if version is None:
        abort(404, _("That version has not been published."))
    data = export_xlsform(services.version_definition(version))
    filename = f"{g.study.slug}-questionnaire-{questionnaire.id}-v{number}.xlsx"
    return Response(
        data,
        mimetype=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
