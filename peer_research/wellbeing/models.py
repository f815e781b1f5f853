"""Check-ins and debriefs, the alerts they raise, and each study's wellbeing settings.

Privacy (DESIGN.md invariant 6): a check-in is seen by its interviewer and the study's
support leads only. Nothing in analysis, releases or exports reads these tables.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peer_research.accounts.models import User
from peer_research.db import Base, enum_column, utcnow


class CheckInKind(enum.StrEnum):
    """When a check-in is given: before an interview, or after it (the debrief)."""

    BEFORE = "before"
    AFTER = "after"


class AlertCause(enum.StrEnum):
    """Why an alert was raised, strongest first within one check-in."""

    ASKED_FOR_CONTACT = "asked_for_contact"
    LOW_SCORE = "low_score"
    INTERVIEW_STOPPED = "interview_stopped"
    REACHED_OUT = "reached_out"


class AlertState(enum.StrEnum):
    """Where an alert is: new, acknowledged by a support lead, or followed up."""

    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    FOLLOWED_UP = "followed_up"


class CheckIn(Base):
    """One check-in (before an interview) or debrief (after it), as the tablet sent it."""

    __tablename__ = "wellbeing_check_ins"
    __table_args__ = (
        sa.Index("ix_wellbeing_check_ins_study_id_given_at", "study_id", "given_at"),
        sa.Index("ix_wellbeing_check_ins_interviewer_id_given_at", "interviewer_id", "given_at"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id", ondelete="CASCADE"))
    interviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[CheckInKind] = mapped_column(enum_column(CheckInKind, "check_in_kind"))
    # The interview it belongs to, by the tablet's identifier; not a foreign key: the
    # interview may arrive later, or never (stopped before it began).
    interview_uuid: Mapped[str | None] = mapped_column(sa.String(36))
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    score: Mapped[int]  # the "how do you feel" answer, 1 (worst) to 5 (best)
    given_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # SHA-256 of the canonical JSON of what was sent: a replay carries the same hash.
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # The interviewer hid their note: shown to nobody, support leads included.
    note_hidden: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    interviewer: Mapped[User] = relationship(lazy="selectin")

    @property
    def visible_note(self) -> str:
        """Return the note as others may see it ("" when hidden)."""
        return "" if self.note_hidden else self.note

    def __repr__(self) -> str:
        return f"<CheckIn {self.id} {self.kind} by {self.interviewer_id} in study {self.study_id}>"


class Alert(Base):
    """A sign that an interviewer may need support, for the study's support leads."""

    __tablename__ = "wellbeing_alerts"
    __table_args__ = (
        sa.Index("ix_wellbeing_alerts_study_id_state", "study_id", "state"),
        sa.Index("ix_wellbeing_alerts_state_created_at", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id", ondelete="CASCADE"))
    interviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    cause: Mapped[AlertCause] = mapped_column(enum_column(AlertCause, "alert_cause"))
    check_in_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("wellbeing_check_ins.id", ondelete="SET NULL"), unique=True
    )
    interview_uuid: Mapped[str | None] = mapped_column(sa.String(36))
    # Identifies the event that raised it (a reach-out's or stopped interview's uuid), so
    # a replay never raises a second alert.
    source_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    # What the interviewer wrote when reaching out (their words: never escalated).
    message: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    state: Mapped[AlertState] = mapped_column(
        enum_column(AlertState, "alert_state"), default=AlertState.NEW
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    followed_up_at: Mapped[datetime | None]
    followed_up_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    escalated_at: Mapped[datetime | None]

    interviewer: Mapped[User] = relationship(foreign_keys=[interviewer_id], lazy="selectin")
    check_in: Mapped[CheckIn | None] = relationship()
    notes: Mapped[list[AlertNote]] = relationship(
        back_populates="alert", cascade="all, delete-orphan", order_by="AlertNote.id"
    )

    def __repr__(self) -> str:
        return f"<Alert {self.id} {self.cause} {self.state} in study {self.study_id}>"


class AlertNote(Base):
    """A support lead's note on an alert (never shown to facilitators on escalation)."""

    __tablename__ = "wellbeing_alert_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(
        sa.ForeignKey("wellbeing_alerts.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    alert: Mapped[Alert] = relationship(back_populates="notes")
    author: Mapped[User] = relationship(lazy="selectin")

    def __repr__(self) -> str:
        return f"<AlertNote {self.id} on alert {self.alert_id}>"


class WellbeingSettings(Base):
    """A study's check-in and debrief questions, low score and escalation time."""

    __tablename__ = "wellbeing_settings"

    study_id: Mapped[int] = mapped_column(
        sa.ForeignKey("studies.id", ondelete="CASCADE"), primary_key=True
    )
    # {"before": [item, ...], "after": [item, ...]} in `surveys.definition.item_to_json` shape.
    questions: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    low_score: Mapped[int] = mapped_column(default=2, server_default="2")
    escalate_after_hours: Mapped[int] = mapped_column(default=24, server_default="24")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<WellbeingSettings of study {self.study_id}>"


class SupportResource(Base):
    """Somewhere an interviewer can turn for support, written by the study."""

    __tablename__ = "wellbeing_support_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(
        sa.ForeignKey("studies.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    contact: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    opening_hours: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    def __repr__(self) -> str:
        return f"<SupportResource {self.id} {self.title!r} in study {self.study_id}>"


class InterviewerLimit(Base):
    """Limits an interviewer set for themselves in one study (a reminder, never a block)."""

    __tablename__ = "wellbeing_interviewer_limits"

    study_id: Mapped[int] = mapped_column(
        sa.ForeignKey("studies.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    max_interviews_per_day: Mapped[int | None]
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    def __repr__(self) -> str:
        return f"<InterviewerLimit {self.user_id} in study {self.study_id}>"
