"""The consent wording package's one door: what its pages, the app factory and the co-design
engine (which settles polls about the consent form) may use."""

from __future__ import annotations

from consent.wording.changes import PURPOSE_NAMES, ChangeLine, change_lines
from consent.wording.hooks import (
    PUBLISHING,
    WORDING,
    DecisionView,
    GroupDecisions,
    PollView,
    VoteLine,
    group_decisions,
    register_group_decisions,
)
from consent.wording.markup import sheet_to_text, text_to_sheet
from consent.wording.models import SuggestionState, WordingSuggestion
from consent.wording.pictures import get_picture, pictures_of, store_picture
from consent.wording.publishing import ask_to_publish, publishing_problem, settle_publishing
from consent.wording.reading import (
    FormState,
    VersionPage,
    form_state,
    get_suggestion,
    stale_part_of,
    suggestion_lines,
    suggestions_of,
    version_page,
)
from consent.wording.suggestions import (
    CONSENT_GROUP_ROLES,
    Settled,
    consent_group_ids,
    settle_suggestion,
    suggest_change,
    withdraw_suggestion,
)

__all__ = [
    "CONSENT_GROUP_ROLES",
    "PUBLISHING",
    "PURPOSE_NAMES",
    "WORDING",
    "ChangeLine",
    "DecisionView",
    "FormState",
    "GroupDecisions",
    "PollView",
    "Settled",
    "SuggestionState",
    "VersionPage",
    "VoteLine",
    "WordingSuggestion",
    "ask_to_publish",
    "change_lines",
    "consent_group_ids",
    "form_state",
    "get_picture",
    "get_suggestion",
    "group_decisions",
    "pictures_of",
    "publishing_problem",
    "register_group_decisions",
    "settle_publishing",
    "settle_suggestion",
    "sheet_to_text",
    "stale_part_of",
    "store_picture",
    "suggest_change",
    "suggestion_lines",
    "suggestions_of",
    "text_to_sheet",
    "version_page",
    "withdraw_suggestion",
]
