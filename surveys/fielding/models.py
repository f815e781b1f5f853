"""Interviews brought home from the tablets: one row per interview, one row per answer.

Answers are stored as `../shared/DESIGN.md` measured: one row per answer, clustered by
interview (`WITHOUT ROWID` on SQLite, the primary key on PostgreSQL), with an index on
`(question_key, value)` for the summaries. Keys and values are text:

- `question_key` is the question's name; inside a repeat it is `section[2]/question` (the
  repeat's name, the item counted from 1, the question); the "Other, please say" text is
  `question:other`; a ranking gives one row per choice keyed `question#1`, `question#2`, ...
  (its place), so that one `GROUP BY question_key, value` counts each choice at each place.
- `value` is the answer as text: numbers as the logic language prints them (`3`, `2.5`),
  dates `YYYY-MM-DD`, acknowledge `OK`; a select-multiple gives one row per chosen choice.

The submitted JSON is kept on the interview as the record of what the tablet sent.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peer_research.accounts.models import User
from peer_research.db import Base, enum_column, utcnow
from surveys.models import QuestionnaireVersion


class InterviewStatus(enum.StrEnum):
    """How an interview ended."""

    COMPLETE = "complete"
    STOPPED = "stopped"  # the distress protocol: kept as a partial interview


class StopReason(enum.StrEnum):
    """Why an interviewer stopped an interview early."""

    UPSET = "upset"
    TIRED = "tired"
    WANTS_TO_STOP = "wants_to_stop"
    OTHER = "other"


class HoldKind(enum.StrEnum):
    """Why a submission waits for a facilitator instead of being an interview."""

    QUARANTINED = "quarantined"  # it failed the server's checks
    CONFLICT = "conflict"  # its identifier was already used for different answers


class Interview(Base):
    """An accepted interview: who asked it, on which version, how it ended, what was sent."""

    __tablename__ = "interviews"
    __table_args__ = (
        sa.Index("ix_interviews_study_id_received_at", "study_id", "received_at"),
        sa.Index("ix_interviews_study_id_participant_code", "study_id", "participant_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaire_versions.id"), index=True)
    interviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    language: Mapped[str] = mapped_column(sa.String(35))
    # The participant's pseudonymous code (consent.models.ParticipantCode): the only link
    # between an interview and a person, kept apart in the consent package.
    participant_code: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")
    # Set when the participant withdrew: from then on the interview is out of analysis,
    # releases and exports (a withdrawal that removes everything deletes it instead).
    withdrawn_at: Mapped[datetime | None]
    status: Mapped[InterviewStatus] = mapped_column(
        enum_column(InterviewStatus, "interview_status")
    )
    stop_reason: Mapped[StopReason | None] = mapped_column(enum_column(StopReason, "stop_reason"))
    stop_note: Mapped[str | None] = mapped_column(sa.Text)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # SHA-256 of the canonical JSON of what was sent: a replay carries the same hash.
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    submitted: Mapped[dict[str, Any]] = mapped_column(sa.JSON, deferred=True)
    # Answers the server dropped (not relevant) or recomputed, each with the reason.
    dropped: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    # The interviewer's notes belong to the research data but never to a release:
    # `notes_for_release` is false on every row, and the release pipeline leaves them out.
    notes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    notes_for_release: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    interviewer: Mapped[User] = relationship(lazy="selectin")
    version: Mapped[QuestionnaireVersion] = relationship()

    def __repr__(self) -> str:
        return f"<Interview {self.id} {self.uuid} in study {self.study_id}>"


class Answer(Base):
    """One answer (or one chosen choice) of one interview."""

    __tablename__ = "interview_answers"
    __table_args__ = (
        sa.Index(
            "ix_interview_answers_question_key_value",
            "question_key",
            "value",
            postgresql_include=["interview_id"],
        ),
        {"sqlite_with_rowid": False},
    )

    interview_id: Mapped[int] = mapped_column(
        sa.ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True
    )
    question_key: Mapped[str] = mapped_column(sa.String(250), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text, primary_key=True)

    def __repr__(self) -> str:
        return f"<Answer {self.interview_id} {self.question_key}={self.value[:20]!r}>"


class HeldSubmission(Base):
    """A submission kept for a facilitator: it failed the checks, or its identifier clashed.

    Nothing a tablet sends is silently dropped: what could not become an interview waits
    here, with the reason in plain words, until a facilitator looks at it.
    """

    __tablename__ = "held_submissions"
    __table_args__ = (
        sa.UniqueConstraint("uuid", "content_hash"),
        sa.Index("ix_held_submissions_study_id_received_at", "study_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36))
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id", ondelete="CASCADE"))
    interviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[HoldKind] = mapped_column(enum_column(HoldKind, "hold_kind"))
    reasons: Mapped[list[str]] = mapped_column(sa.JSON)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    submitted: Mapped[Any] = mapped_column(sa.JSON, deferred=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

    interviewer: Mapped[User] = relationship(lazy="selectin")

    @property
    def reason(self) -> str:
        """Return the reasons as one sentence list for a receipt or a page."""
        return " ".join(self.reasons)

    def __repr__(self) -> str:
        return f"<HeldSubmission {self.id} {self.kind} {self.uuid}>"
