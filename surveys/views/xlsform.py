"""Bring in a questionnaire from an XLSForm, and download any version as one."""

from __future__ import annotations

from flask import Response, abort, g, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from peer_research.access import ANY_MEMBER, FACILITATORS, allow
from peer_research.db import db
from surveys import services
from surveys.forms import ImportForm
from surveys.views import blueprint
from surveys.views.common import questionnaire_or_404
from surveys.xlsform import MAX_BYTES, export_xlsform, import_xlsform

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blueprint.route("/studies/<study_slug>/questionnaires/import", methods=["GET", "POST"])
@allow(FACILITATORS)
def import_questionnaire():
    """Read an XLSForm, show what was found, and create a questionnaire from it."""
    request.max_content_length = MAX_BYTES + 64 * 1024  # spreadsheets may be bigger than forms
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("surveys/import.html", form=form, report=None)
    upload = form.file.data
    result = import_xlsform(
        upload.read(MAX_BYTES + 1), upload.filename or "", unsupported=form.unsupported.data
    )
    questionnaire = None
    if result.imported:
        questionnaire = services.import_questionnaire(
            db.session, study=g.study, definition=result.definition, imported_by=current_user
        )
        db.commit()
    return render_template(
        "surveys/import.html", form=form, report=result.report, questionnaire=questionnaire
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
