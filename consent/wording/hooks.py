"""How the consent form's wording is decided: through the study's co-design engine, which
consent never imports.

Consent wording is exactly what a co-production group must own, so it is decided the way the
group decides everything else: a poll under the study's rule (consent, majority or quorum),
one equal vote each, closing at its deadline or when everyone has voted (by the same pages and
the same scheduled command), and an entry in the decision log. The engine lives above consent
(`surveys.codesign`), so the app factory fills this slot with the engine's side
(`surveys.codesign.services.consent_form_decisions`) and consent asks through it.

When a poll about the consent form closes, the engine calls back into
`consent.wording.services` (`settle_suggestion`, `settle_publishing`), which it may import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# What a poll about the consent form is about (the engine's poll subjects of the same value).
WORDING = "consent_wording"
PUBLISHING = "consent_publish"


@dataclass(frozen=True)
class VoteLine:
    """One named vote, as the pages show it."""

    name: str
    position: str  # agree, abstain, disagree or block
    reason: str


@dataclass(frozen=True)
class DecisionView:
    """An entry of the consent form's decision log."""

    id: int
    subject: str  # WORDING or PUBLISHING
    decided_at: datetime
    outcome: str  # accepted, rejected or cancelled
    applied: bool  # the change reached the draft, or the version was published
    reason: str  # why, in plain words (the rule, anything that stopped it)
    statement: str
    counts: dict[str, int]
    change: dict[str, Any]  # the suggestion's id, or the version published
    anonymous: bool
    decided_by: str | None  # who closed it (None: it closed by itself)
    votes: tuple[VoteLine, ...] = ()
    reasons: tuple[str, ...] = ()  # an anonymous poll's reasons, without names


@dataclass(frozen=True)
class PollView:
    """What a page shows of a poll: the rule, who has voted (never how, when anonymous)."""

    id: int
    subject: str
    details: dict[str, Any]  # what the poll was opened with (the suggestion, re-consent)
    reason: str
    opened_by: str | None
    is_open: bool
    anonymous: bool
    deadline: datetime
    rule: str  # the rule this poll is decided by, in plain words
    voted: int
    eligible: int
    is_voter: bool  # the person looking may vote in it
    my_vote: VoteLine | None  # their own named vote
    i_voted: bool
    not_yet_voted: tuple[str, ...]
    counts: dict[str, int] | None  # None while an anonymous poll is open
    votes: tuple[VoteLine, ...] = ()
    reasons: tuple[str, ...] = ()
    decision: DecisionView | None = None

    @property
    def may_vote(self) -> bool:
        """Tell whether the person looking may vote now."""
        return self.is_open and self.is_voter


@dataclass(frozen=True)
class GroupDecisions:
    """The engine's side, filled in by the app factory. Every function takes the session
    first; none commits."""

    # (session, study) -> the rule in force, in plain words.
    rule_in_force: Callable[..., str]
    # (session, *, study, subject, details, reason, opened_by, voter_ids, deadline, now)
    # -> the new poll's id; raises DomainError (a deadline in the past, ...).
    open_poll: Callable[..., int]
    # (session, *, study, poll_id, viewer) -> PollView, or None when no such poll is the
    # study's consent form's.
    poll_view: Callable[..., PollView | None]
    # (session, *, study, poll_id, voter, position, reason, secret_key) -> the DecisionView
    # when this vote closed the poll, else None; raises DomainError.
    cast_vote: Callable[..., DecisionView | None]
    # (session, *, study, poll_id, cancelled_by, message, now) -> None: close without deciding.
    cancel_poll: Callable[..., None]
    # (session, *, now, study) -> None: close the polls whose time is up, "closes soon" notices.
    close_due_polls: Callable[..., None]
    # (session, *, study, offset, limit) -> a stretch of the log, newest first.
    decision_log: Callable[..., list[DecisionView]]
    # (session, *, study) -> the open publishing poll's id, or None.
    open_publishing_poll: Callable[..., int | None]


_slot: dict[str, GroupDecisions] = {}


def register_group_decisions(decisions: GroupDecisions) -> None:
    """Fill the slot with the engine's side (the app factory does this; idempotent)."""
    _slot["engine"] = decisions


def group_decisions() -> GroupDecisions:
    """Return the engine's side; it is a wiring mistake if nothing filled the slot."""
    try:
        return _slot["engine"]
    except KeyError:
        raise LookupError(
            "nothing decides consent wording: the app factory registers the co-design engine"
        ) from None
