"""The consent wording package's one door: what its pages, the app factory and the co-design
engine (which settles polls about the consent form) may use."""

from __future__ import annotations

from consent.wording.changes import PURPOSE_NAMES, ChangeLine, change_lines
from consent.wording.drafting import (
    DECIDE_WITHIN,
    EasyReadRow,
    StatementRow,
    WordingInput,
    is_language_code,
    suggested_document,
    wording_of,
)
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
    has_draft,
    stale_part_of,
    start_draft,
    suggestion_lines,
    suggestions_named,
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
from peer_research.errors import DomainError

__all__ = [
    "CONSENT_GROUP_ROLES",
    "DECIDE_WITHIN",
    "PUBLISHING",
    "PURPOSE_NAMES",
    "WORDING",
    "ChangeLine",
    "DecisionView",
    "DomainError",
    "EasyReadRow",
    "FormState",
    "GroupDecisions",
    "PollView",
    "Settled",
    "StatementRow",
    "SuggestionState",
    "VersionPage",
    "VoteLine",
    "WordingInput",
    "WordingSuggestion",
    "ask_to_publish",
    "change_lines",
    "consent_group_ids",
    "form_state",
    "get_picture",
    "get_suggestion",
    "group_decisions",
    "has_draft",
    "is_language_code",
    "pictures_of",
    "publishing_problem",
    "register_group_decisions",
    "settle_publishing",
    "settle_suggestion",
    "sheet_to_text",
    "stale_part_of",
    "start_draft",
    "store_picture",
    "suggest_change",
    "suggested_document",
    "suggestion_lines",
    "suggestions_named",
    "suggestions_of",
    "text_to_sheet",
    "version_page",
    "withdraw_suggestion",
    "wording_of",
]
