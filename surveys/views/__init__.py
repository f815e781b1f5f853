"""Questionnaire pages: one blueprint, with routes split by what they do."""

from flask import Blueprint

blueprint = Blueprint("surveys", __name__)

# The modules register their routes on the blueprint when imported.
from surveys.views import (  # noqa: E402, F401
    codesign,
    decision_rules,
    decisions,
    discussion,
    editor,
    first_draft,
    live,
    media,
    participation,
    plain_language,
    preview,
    questionnaires,
    revising,
    rules,
    several,
    versions,
    xlsform,
)
