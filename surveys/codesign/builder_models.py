"""Who may build a questionnaire's first draft directly, and under which decision.

Before a questionnaire's first version is published, the group may decide (by a poll, as it
decides its rule) to let named members change the draft without a vote per change. Rows are
written once, never changed: each accepted decision writes the names it agreed, and the
newest decision is the one in force (`first_draft.py`). Publishing ends it by itself.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peer_research.accounts.models import User
from peer_research.db import AppendOnly, Base, utcnow


class FirstDraftBuilder(AppendOnly, Base):
    """A member the group agreed may change a questionnaire's first draft directly."""

    __tablename__ = "first_draft_builders"

    decision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="selectin")

    def __repr__(self) -> str:
        return f"<FirstDraftBuilder user {self.user_id} decision {self.decision_id}>"
