"""Notifications and each member's choices about them, per study."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from peer_research.db import Base, enum_column, utcnow


class Topic(enum.StrEnum):
    """What a notification is about; members choose which topics reach them, and how."""

    NEW_SUGGESTION = "new_suggestion"  # a suggestion was put to the group
    REPLY = "reply"  # someone replied to my comment, or commented on my suggestion
    POLL_CLOSING = "poll_closing"  # a poll I may vote in closes soon and I have not voted
    OUTCOME = "outcome"  # the group decided (a suggestion, publishing, the rule)
    REMINDER = "reminder"  # someone asked me to vote in an open poll
    WELLBEING_ALERT = "wellbeing_alert"  # an interviewer may need support (support leads)


class Notification(Base):
    """One message for one person in one study, read or not.

    `dedupe_key` stops the same event notifying someone twice (for example "closes soon"
    each time a page loads).
    """

    __tablename__ = "notifications"
    __table_args__ = (sa.UniqueConstraint("user_id", "dedupe_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    study_id: Mapped[int] = mapped_column(
        sa.ForeignKey("studies.id", ondelete="CASCADE"), index=True
    )
    topic: Mapped[Topic] = mapped_column(enum_column(Topic, "topic"))
    message: Mapped[str] = mapped_column(sa.Text)
    link: Mapped[str] = mapped_column(sa.String(500))  # a path inside the app
    dedupe_key: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.topic} for {self.user_id}>"


class NotificationChoice(Base):
    """A member's choice for one topic in one study; without a row, the default applies."""

    __tablename__ = "notification_choices"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    study_id: Mapped[int] = mapped_column(
        sa.ForeignKey("studies.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[Topic] = mapped_column(enum_column(Topic, "topic"), primary_key=True)
    in_app: Mapped[bool]
    by_email: Mapped[bool]

    def __repr__(self) -> str:
        return f"<NotificationChoice {self.user_id} {self.study_id} {self.topic}>"
