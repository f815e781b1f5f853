"""The co-design services, in one place for views and other packages.

Proposals live in `proposals.py`, the study's settings in `settings.py`, polls and votes
in `polls.py`, the decision log in `log.py`; this module gathers their public functions.
"""

from surveys.codesign.log import (
    LogEntry,
    VoteLine,
    check_direct_edit_allowed,
    decision_log,
    record_direct_edit,
)
from surveys.codesign.polls import (
    anonymous_reasons,
    cast_vote,
    close_due_polls,
    close_poll,
    derive_voter_key,
    everyone_voted,
    has_voted,
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
    DESIGN_GROUP_ROLES,
    BeforeAfter,
    base_is_current,
    before_after,
    create_proposal,
    design_group_user_ids,
    edit_proposal,
    linked_proposals,
    open_proposal,
    proposals_touching,
    withdraw_proposal,
)
from surveys.codesign.settings import (
    DecisionSettings,
    decision_settings,
    rule_history,
    set_decision_rule,
)

__all__ = [
    "DESIGN_GROUP_ROLES",
    "BeforeAfter",
    "DecisionSettings",
    "LogEntry",
    "VoteLine",
    "anonymous_reasons",
    "base_is_current",
    "before_after",
    "cast_vote",
    "check_direct_edit_allowed",
    "close_due_polls",
    "close_poll",
    "create_proposal",
    "decision_log",
    "decision_settings",
    "derive_voter_key",
    "design_group_user_ids",
    "edit_proposal",
    "everyone_voted",
    "has_voted",
    "linked_proposals",
    "my_named_vote",
    "named_votes",
    "not_yet_voted",
    "open_proposal",
    "open_proposal_poll",
    "open_publish_poll",
    "open_rule_poll",
    "poll_counts",
    "poll_voters",
    "proposals_touching",
    "record_direct_edit",
    "rule_history",
    "set_decision_rule",
    "withdraw_proposal",
]
