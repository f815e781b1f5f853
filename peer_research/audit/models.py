"""The append-only audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peer_research.db import AppendOnly, Base, utcnow


class AuditEvent(AppendOnly, Base):
    """Something security-relevant that happened; rows are never changed or deleted."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_study_id_at", "study_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    action: Mapped[str] = mapped_column(sa.String(64))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    study_id: Mapped[int | None] = mapped_column(sa.ForeignKey("studies.id"))
    subject_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    address: Mapped[str | None] = mapped_column(sa.String(64))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))

    # The audit log sits below every domain: it names the people's model instead of importing it.
    actor: Mapped[Any] = relationship("User", foreign_keys=[actor_id])
    subject_user: Mapped[Any] = relationship(
        "User", foreign_keys=[subject_user_id], lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} at {self.at:%Y-%m-%d %H:%M:%S}>"
