"""The facilitators' fieldwork pages: counts, stopped interviews, the quarantine, answers.

Interviewers see their own receipts through the sync API only.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from peer_research.access import FACILITATORS, allow
from peer_research.db import db
from surveys.fielding import services

blueprint = Blueprint("fielding", __name__)
FIELDWORK = "/studies/<study_slug>/fieldwork"

STOP_REASONS = {
    "upset": _l("The person was upset"),
    "tired": _l("The person was tired"),
    "wants_to_stop": _l("The person wanted to stop"),
    "other": _l("Another reason"),
}


@blueprint.app_template_filter("stop_reason")
def stop_reason(value) -> str:
    """Say why an interview was stopped, in plain words."""
    return str(STOP_REASONS.get(str(value), STOP_REASONS["other"])) if value else ""


@blueprint.get(FIELDWORK)
@allow(FACILITATORS)
def show_fieldwork():
    """Show the study's fieldwork: interviews per interviewer and day, stopped, held."""
    summary = services.fieldwork_summary(db.session, g.study)
    return render_template("fielding/fieldwork.html", summary=summary)


@blueprint.get(f"{FIELDWORK}/interviews/<int:interview_id>")
@allow(FACILITATORS)
def show_interview(interview_id: int):
    """Show one interview's answers by question, with what was dropped and the notes."""
    page = services.interview_page(db.session, study=g.study, interview_id=interview_id)
    if page is None:
        abort(404, _("This study has no interview with that number."))
    return render_template("fielding/interview.html", page=page)


@blueprint.get(f"{FIELDWORK}/held/<int:held_id>")
@allow(FACILITATORS)
def show_held_submission(held_id: int):
    """Show an interview held back from the data: why, and what the tablet sent."""
    found = services.held_submission(db.session, study=g.study, held_id=held_id)
    if found is None:
        abort(404, _("This study has nothing held back with that number."))
    held, sent = found
    return render_template("fielding/held.html", held=held, sent=sent)
