"""Co-design records: proposals, decision rules, polls, votes and the decision log
(first-draft builders: `builder_models.py`). Anonymous polls keep no link between a person and
a position: `AnonymousBallot` has only a keyed hash of the poll and the voter, no user, no time.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peer_research.accounts.models import User
from peer_research.db import AppendOnly, Base, enum_column, utcnow
from peer_research.errors import DomainError


class ProposalState(enum.StrEnum):
    """Where a proposal is in its life."""

    DRAFT = "draft"  # only its author sees and edits it
    OPEN = "open"  # the group can discuss and vote on it; its change is fixed
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    NEEDS_UPDATE = "needs_update"  # the item changed under it; its author must update it


LIVE_STATES = frozenset({ProposalState.DRAFT, ProposalState.OPEN, ProposalState.NEEDS_UPDATE})
UNOPENED_PRIVATE_STATES = frozenset({ProposalState.NEEDS_UPDATE, ProposalState.WITHDRAWN})


class ChangeKind(enum.StrEnum):
    """What a proposal does to the draft."""

    ADD_ITEM = "add_item"
    CHANGE_ITEM = "change_item"  # wording, choices, logic, translations, section settings
    MOVE_ITEM = "move_item"
    REMOVE_ITEM = "remove_item"
    TRANSLATE = "translate"  # one language's texts of several items at once
    SET_LANGUAGES = "set_languages"  # add or remove a language of the questionnaire
    SEVERAL = "several"  # several additions, changes and removals, decided together


# What SET_LANGUAGES and SEVERAL proposals name (never an item's name: those are identifiers).
LANGUAGES_TARGET, SEVERAL_TARGET = "@languages", "@several"
# The kinds that change many items at once, handled through `bundles.py`.
BUNDLE_KINDS = frozenset({ChangeKind.TRANSLATE, ChangeKind.SET_LANGUAGES, ChangeKind.SEVERAL})


class RuleKind(enum.StrEnum):
    """How a study's group decides (see `surveys.codesign.rules.tally`)."""

    CONSENT = "consent"
    MAJORITY = "majority"
    QUORUM = "quorum"


class PollSubject(enum.StrEnum):
    """What a poll decides."""

    PROPOSAL = "proposal"
    PUBLISH = "publish"
    RULE_CHANGE = "rule_change"
    FIRST_DRAFT = "first_draft"  # let named members build the first draft directly
    CONSENT_WORDING, CONSENT_PUBLISH = "consent_wording", "consent_publish"  # its wording, publish


class Visibility(enum.StrEnum):
    """Whether votes are shown with names."""

    NAMED = "named"
    ANONYMOUS = "anonymous"


class Position(enum.StrEnum):
    """A voter's position."""

    AGREE = "agree"
    ABSTAIN = "abstain"
    DISAGREE = "disagree"
    BLOCK = "block"  # needs a reason


class Outcome(enum.StrEnum):
    """How a poll ended."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"  # the proposal was withdrawn while its poll was open


class EntryKind(enum.StrEnum):
    """What put an entry in the decision log."""

    POLL = "poll"
    DIRECT_EDIT = "direct_edit"  # a facilitator changed the draft without a poll
    FIRST_DRAFT = "first_draft"  # a named builder changed the first draft, under a decision


class Proposal(Base):
    """A suggested change to one item of a questionnaire's draft, with its author's reason.

    The base (`base_revision`, `base_content`) is the item as the author saw it; the change
    is applied only if the item still has that content, so nothing is overwritten silently.
    """

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[ProposalState] = mapped_column(
        enum_column(ProposalState, "proposal_state"), default=ProposalState.DRAFT
    )
    kind: Mapped[ChangeKind] = mapped_column(enum_column(ChangeKind, "change_kind"))
    target_name: Mapped[str] = mapped_column(sa.String(100))  # for an addition: the new name
    # The item as it would be (`item_to_json`); for add and change only.
    proposed: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # Where the item goes (add and move): a section's name (None: the top level) and,
    # optionally, the item it goes just before or just after.
    section: Mapped[str | None] = mapped_column(sa.String(100))
    before_name: Mapped[str | None] = mapped_column(sa.String(100))
    after_name: Mapped[str | None] = mapped_column(sa.String(100))
    base_revision: Mapped[int | None]
    base_content: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # The accepted proposal (or direct edit) that changed the item under this one.
    superseded_by_decision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("decisions.id", use_alter=True)
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    opened_at: Mapped[datetime | None]

    author: Mapped[User] = relationship(lazy="selectin")
    targets: Mapped[list[ProposalTarget]] = relationship(
        cascade="all, delete-orphan", order_by="ProposalTarget.name"
    )

    @property
    def is_private(self) -> bool:
        """Tell whether only its author may see it: a draft, or one never put to the group."""
        unopened = self.opened_at is None and self.state in UNOPENED_PRIVATE_STATES
        return self.state == ProposalState.DRAFT or unopened

    def visible_to(self, user_id: int) -> bool:
        """Tell whether this person may see the proposal and everything said about it."""
        return not self.is_private or self.author_id == user_id

    @property
    def target_names(self) -> list[str]:
        """Return the names of the items (or `LANGUAGES_TARGET`) the proposal touches."""
        return [target.name for target in self.targets]

    def open(self, now: datetime) -> None:
        """Put the draft proposal before the group."""
        self._require({ProposalState.DRAFT}, _l("Only a draft can be opened."))
        self.state = ProposalState.OPEN
        self.opened_at = now

    def withdraw(self) -> None:
        """Take the proposal back."""
        self._require(LIVE_STATES, _l("This suggestion has already been decided or withdrawn."))
        self.state = ProposalState.WITHDRAWN

    def accept(self) -> None:
        """Mark the proposal accepted (its change has been applied)."""
        self._require({ProposalState.OPEN}, _l("Only an open suggestion can be accepted."))
        self.state = ProposalState.ACCEPTED

    def reject(self) -> None:
        """Mark the proposal rejected by the group."""
        self._require(
            {ProposalState.OPEN, ProposalState.NEEDS_UPDATE},
            _l("Only an open suggestion can be turned down."),
        )
        self.state = ProposalState.REJECTED

    def mark_needs_update(self, decision_id: int | None) -> None:
        """Mark that the item changed under the proposal."""
        self._require(LIVE_STATES, _l("This suggestion has already been decided or withdrawn."))
        self.state = ProposalState.NEEDS_UPDATE
        self.superseded_by_decision_id = decision_id

    def back_to_draft(self) -> None:
        """Return an updated proposal to its author's draft, to be opened again."""
        self._require(
            {ProposalState.DRAFT, ProposalState.NEEDS_UPDATE},
            _l("An open suggestion cannot be changed: withdraw it and suggest the change again."),
        )
        self.state = ProposalState.DRAFT
        self.superseded_by_decision_id = None

    def _require(self, states: set[ProposalState] | frozenset[ProposalState], message) -> None:
        """Refuse a change of state from the wrong state, with a plain message."""
        if self.state not in states:
            raise DomainError(str(message))

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.kind} {self.target_name!r} {self.state}>"


class ProposalTarget(Base):
    """An item a proposal touches, so that proposals about the same item are linked: one for
    a change, move or removal; every item it changes for a translation or several changes;
    `LANGUAGES_TARGET` for a change of languages."""

    __tablename__ = "proposal_targets"

    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(sa.String(100), primary_key=True, index=True)

    def __repr__(self) -> str:
        return f"<ProposalTarget {self.proposal_id} {self.name!r}>"


class DecisionRule(AppendOnly, Base):
    """One setting of a study's decision rule; the newest row is the rule in force.

    Rows are never changed, so the history of how the group decides is kept. The first
    setting may be made by a facilitator; every later one names the decision behind it.
    """

    __tablename__ = "decision_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(
        sa.ForeignKey("studies.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[RuleKind] = mapped_column(enum_column(RuleKind, "rule_kind"))
    consent_threshold: Mapped[int]  # percent of agree among agree + disagree (consent)
    quorum: Mapped[int | None]  # how many must vote (quorum)
    anonymous_polls: Mapped[bool] = mapped_column(default=False)
    allow_direct_edits: Mapped[bool] = mapped_column(default=False)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"))

    def __repr__(self) -> str:
        return f"<DecisionRule {self.id} {self.kind} in study {self.study_id}>"


class Poll(Base):
    """A vote on a proposal, a publish or a rule change.

    The rule, the visibility and who may vote are fixed when the poll opens, so later
    changes to the study's rule or to people's roles do not change a running poll.
    """

    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(
        sa.ForeignKey("studies.id", ondelete="CASCADE"), index=True
    )
    questionnaire_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    subject: Mapped[PollSubject] = mapped_column(enum_column(PollSubject, "poll_subject"))
    proposal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    # For a rule change: the settings that would come into force.
    proposed_rule: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # Why the person who opened it asks (publish and rule polls; a proposal has its own).
    reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    visibility: Mapped[Visibility] = mapped_column(
        enum_column(Visibility, "visibility"), default=Visibility.NAMED
    )
    rule_kind: Mapped[RuleKind] = mapped_column(enum_column(RuleKind, "rule_kind"))
    consent_threshold: Mapped[int]
    quorum: Mapped[int | None]
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]

    proposal: Mapped[Proposal | None] = relationship()
    voters: Mapped[list[PollVoter]] = relationship(
        cascade="all, delete-orphan", order_by="PollVoter.user_id"
    )

    @property
    def anonymous(self) -> bool:
        """Tell whether votes in this poll are kept without names."""
        return self.visibility == Visibility.ANONYMOUS

    @property
    def is_open(self) -> bool:
        """Tell whether votes can still be cast."""
        return self.closed_at is None

    def __repr__(self) -> str:
        return f"<Poll {self.id} {self.subject} {self.visibility}>"


class PollVoter(Base):
    """A person who may vote in a poll, and whether they have (never how)."""

    __tablename__ = "poll_voters"

    poll_id: Mapped[int] = mapped_column(
        sa.ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True, index=True)
    voted_at: Mapped[datetime | None]  # when they first voted

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<PollVoter poll {self.poll_id} user {self.user_id}>"


class Vote(Base):
    """A named vote: who voted how, shown to the group."""

    __tablename__ = "votes"
    __table_args__ = (sa.UniqueConstraint("poll_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("polls.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    position: Mapped[Position] = mapped_column(enum_column(Position, "position"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    cast_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Vote {self.id} poll {self.poll_id} user {self.user_id} {self.position}>"


class AnonymousBallot(Base):
    """An anonymous vote: a position keyed by HMAC(key, "poll:user"), with no user and no time.

    The keyed hash lets the same person change their vote; without the app's secret key
    it cannot be traced back to them. Rows are listed in hash order, never insertion order.
    """

    __tablename__ = "anonymous_ballots"

    poll_id: Mapped[int] = mapped_column(
        sa.ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    ballot_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    position: Mapped[Position] = mapped_column(enum_column(Position, "position"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")

    def __repr__(self) -> str:
        return f"<AnonymousBallot poll {self.poll_id}>"


class Decision(AppendOnly, Base):
    """An entry of the decision log: a closed poll's outcome, or a facilitator's direct edit.

    Written once, never changed. `change` keeps what was decided (the item before and after,
    the version published, or the rule set) so the log and changelogs can be read later.
    """

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_kind: Mapped[EntryKind] = mapped_column(enum_column(EntryKind, "entry_kind"))
    study_id: Mapped[int] = mapped_column(
        sa.ForeignKey("studies.id", ondelete="CASCADE"), index=True
    )
    questionnaire_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    poll_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("polls.id", ondelete="CASCADE"), unique=True
    )
    proposal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE")
    )
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome, "outcome"))
    applied: Mapped[bool]  # the change reached the draft (or the version, or the rule)
    reason: Mapped[str] = mapped_column(sa.Text)  # why, in plain words (the rule, any conflict)
    statement: Mapped[str] = mapped_column(sa.Text)  # the closer's own words, or the reason
    counts: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    change: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Who closed the poll (None: the scheduler) or made the direct edit.
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    poll: Mapped[Poll | None] = relationship(lazy="selectin")
    proposal: Mapped[Proposal | None] = relationship(foreign_keys=[proposal_id], lazy="selectin")
    decided_by: Mapped[User | None] = relationship(lazy="selectin")

    def __repr__(self) -> str:
        return f"<Decision {self.id} {self.entry_kind} {self.outcome}>"
