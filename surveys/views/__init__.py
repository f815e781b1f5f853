"""Questionnaire pages: one blueprint, with routes split by what they do."""

from flask import Blueprint

blueprint = Blueprint("surveys", __name__)

from surveys.views import editor, questionnaires  # noqa: E402, F401  (routes register on import)
