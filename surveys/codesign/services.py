"""The co-design services, in one place for views and other packages.

Proposals are written in `proposals.py` (translations and languages in `translating.py`),
read in `reading.py` and `finding.py`, placed in `placing.py` and applied in `applying.py`;
polls are opened in `polls.py`, voted in `voting.py` and closed into decisions in
`closing.py`; the study's settings are in `settings.py`, the decision log in `log.py`,
comments in `comments.py`. This module gathers their public functions.
"""

from surveys.codesign.closing import close_due_polls, close_poll
from surveys.codesign.comments import (
    CommentEntry,
    ReactionCount,
    Thread,
    edit_comment,
    get_comment,
    item_comment_counts,
    item_threads,
    post_comment,
    proposal_threads,
    remove_comment,
    reply_to_comment,
    toggle_reaction,
)
from surveys.codesign.finding import item_content, proposals_of, proposals_touching
from surveys.codesign.group import DESIGN_GROUP_ROLES, design_group_user_ids
from surveys.codesign.log import (
    LogEntry,
    VoteLine,
    apply_directly,
    check_direct_edit_allowed,
    decision_log,
)
from surveys.codesign.placing import Place, place_in_draft
from surveys.codesign.polls import (
    anonymous_reasons,
    decision_of,
    everyone_voted,
    has_voted,
    latest_poll,
    latest_polls,
    my_named_vote,
    named_votes,
    not_yet_voted,
    open_proposal_poll,
    open_publish_poll,
    open_rule_poll,
    poll_counts,
    poll_voters,
)
from surveys.codesign.proposals import (
    create_proposal,
    edit_proposal,
    open_proposal,
    withdraw_proposal,
)
from surveys.codesign.reading import (
    BeforeAfter,
    base_is_current,
    before_after,
    linked_proposals,
    translation_items,
    updated_item,
)
from surveys.codesign.settings import (
    DecisionSettings,
    decision_settings,
    rule_history,
    set_decision_rule,
)
from surveys.codesign.translating import (
    create_languages_proposal,
    create_translation_proposal,
    edit_languages_proposal,
    edit_translation_proposal,
    languages_change,
)
from surveys.codesign.voting import cast_vote, derive_voter_key

__all__ = [
    "DESIGN_GROUP_ROLES",
    "BeforeAfter",
    "CommentEntry",
    "DecisionSettings",
    "LogEntry",
    "Place",
    "ReactionCount",
    "Thread",
    "VoteLine",
    "anonymous_reasons",
    "apply_directly",
    "base_is_current",
    "before_after",
    "cast_vote",
    "check_direct_edit_allowed",
    "close_due_polls",
    "close_poll",
    "create_languages_proposal",
    "create_proposal",
    "create_translation_proposal",
    "decision_log",
    "decision_of",
    "decision_settings",
    "derive_voter_key",
    "design_group_user_ids",
    "edit_comment",
    "edit_languages_proposal",
    "edit_proposal",
    "edit_translation_proposal",
    "everyone_voted",
    "get_comment",
    "has_voted",
    "item_comment_counts",
    "item_content",
    "item_threads",
    "languages_change",
    "latest_poll",
    "latest_polls",
    "linked_proposals",
    "my_named_vote",
    "named_votes",
    "not_yet_voted",
    "open_proposal",
    "open_proposal_poll",
    "open_publish_poll",
    "open_rule_poll",
    "place_in_draft",
    "poll_counts",
    "poll_voters",
    "post_comment",
    "proposal_threads",
    "proposals_of",
    "proposals_touching",
    "remove_comment",
    "reply_to_comment",
    "rule_history",
    "set_decision_rule",
    "toggle_reaction",
    "translation_items",
    "updated_item",
    "withdraw_proposal",
]

# --- What the questionnaire pages need (house-v) -------------------------------------------
# Added at the end so the regrouping of the modules above merges cleanly; the lead moves
# these imports up with the others when merging.
from surveys.codesign.activity import activity_token
from surveys.codesign.changelog import changelog, version_decisions
from surveys.codesign.comments import MAX_BODY as MAX_COMMENT_LENGTH
from surveys.codesign.finding import questionnaire_of
from surveys.codesign.lookups import (
    get_proposal,
    get_questionnaire_poll,
    get_study_poll,
    open_rule_change_poll,
    poll_opener,
)
from surveys.codesign.models import (
    LIVE_STATES,
    ChangeKind,
    Comment,
    Outcome,
    Poll,
    PollSubject,
    Position,
    Proposal,
    ProposalState,
    Reaction,
    RuleKind,
)
from surveys.codesign.notify import (
    ReminderState,
    connect_receivers,
    describe_poll,
    notify_polls_closing_soon,
    poll_path,
    remind_voters,
    reminder_state,
)
from surveys.codesign.participation import (
    Participation,
    group_participation,
    polls_waiting_for,
)
from surveys.codesign.publishing import (
    ask_to_publish,
    open_publish_poll_of,
    suggest_rule,
)
from surveys.codesign.rule_history import RuleHistoryEntry, rule_history_entries
from surveys.codesign.rules import DEFAULT_CONSENT_THRESHOLD, Rule

__all__ += [
    "DEFAULT_CONSENT_THRESHOLD",
    "LIVE_STATES",
    "MAX_COMMENT_LENGTH",
    "ChangeKind",
    "Comment",
    "Outcome",
    "Participation",
    "Poll",
    "PollSubject",
    "Position",
    "Proposal",
    "ProposalState",
    "Reaction",
    "ReminderState",
    "Rule",
    "RuleHistoryEntry",
    "RuleKind",
    "activity_token",
    "ask_to_publish",
    "changelog",
    "connect_receivers",
    "describe_poll",
    "get_proposal",
    "get_questionnaire_poll",
    "get_study_poll",
    "group_participation",
    "notify_polls_closing_soon",
    "open_publish_poll_of",
    "open_rule_change_poll",
    "poll_opener",
    "poll_path",
    "polls_waiting_for",
    "questionnaire_of",
    "remind_voters",
    "reminder_state",
    "rule_history_entries",
    "suggest_rule",
    "version_decisions",
]
# --- end of house-v block --------------------------------------------------------------------
