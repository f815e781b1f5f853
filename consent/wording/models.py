"""Suggestions to change the consent form's wording, kept until the group decides them.

The vote itself is the co-design engine's poll (the study's rule, its design group's equal
vote, the same closing and the same decision log); a suggestion keeps only the poll's id, as a
plain number, because consent never depends on the engine's tables or code.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peer_research.accounts.models import User
from peer_research.db import Base, enum_column, utcnow


class SuggestionState(enum.StrEnum):
    """Where a suggestion about the consent form is in its life."""

    OPEN = "open"  # the group is deciding it
    ACCEPTED = "accepted"  # the group agreed and the change reached the draft
    REJECTED = "rejected"  # the group did not agree
    WITHDRAWN = "withdrawn"  # its author took it back
    NEEDS_UPDATE = "needs_update"  # the draft changed under it, so it was not made


class WordingSuggestion(Base):
    """One suggested change to the consent form's draft, with its author's reason.

    `base` and `proposed` hold only the parts of the form it changes (see
    `consent.wording.parts`): as they were in the draft when it was written, and as they would
    be. It is made only if those parts are still as they were, so nothing is overwritten.
    """

    __tablename__ = "consent_wording_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(
        sa.ForeignKey("studies.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(35))  # the language whose words it changes
    base: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    proposed: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    state: Mapped[SuggestionState] = mapped_column(
        enum_column(SuggestionState, "consent_suggestion_state"), default=SuggestionState.OPEN
    )
    poll_id: Mapped[int | None] = mapped_column(index=True)  # the engine's poll, by number only
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    author: Mapped[User] = relationship(lazy="selectin")

    @property
    def is_open(self) -> bool:
        """Tell whether the group is still deciding it."""
        return self.state == SuggestionState.OPEN

    def __repr__(self) -> str:
        return f"<WordingSuggestion {self.id} study {self.study_id} {self.state}>"
