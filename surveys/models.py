"""Questionnaires: an editable draft (one row per item) and frozen published versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peer_research.db import AppendOnly, Base, utcnow
from peer_research.studies.models import Study


class Questionnaire(Base):
    """A study's questionnaire: the draft the group works on and its published versions."""

    __tablename__ = "questionnaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(
        sa.ForeignKey("studies.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    form_id: Mapped[str] = mapped_column(sa.String(100), default="")
    # [{"code": "en", "name": "English"}, ...]; the first is the default language.
    languages: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    study: Mapped[Study] = relationship()
    versions: Mapped[list[QuestionnaireVersion]] = relationship(
        back_populates="questionnaire", order_by="QuestionnaireVersion.number"
    )

    def __repr__(self) -> str:
        return f"<Questionnaire {self.id} {self.title!r}>"


class DraftItem(Base):
    """One question or section of a questionnaire's draft.

    `revision` is SQLAlchemy's version counter: saving an item someone else changed in the
    meantime fails instead of overwriting their change.
    """

    __tablename__ = "questionnaire_draft_items"
    __table_args__ = (sa.UniqueConstraint("questionnaire_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questionnaire_draft_items.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(16))
    # The item's fields as `surveys.definition.item_to_json` writes them, without children.
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    revision: Mapped[int] = mapped_column(default=1)
    deleted_at: Mapped[datetime | None]  # deleted items can be brought back (undo)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012

    def __repr__(self) -> str:
        return f"<DraftItem {self.id} {self.name!r} in questionnaire {self.questionnaire_id}>"


class QuestionnaireVersion(AppendOnly, Base):
    """A published version: the whole definition frozen as JSON. Never changed afterwards."""

    __tablename__ = "questionnaire_versions"
    __table_args__ = (sa.UniqueConstraint("questionnaire_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questionnaires.id", ondelete="CASCADE")
    )
    number: Mapped[int]
    # Deferred: lists of versions need their numbers and dates, never every frozen definition.
    definition: Mapped[dict[str, Any]] = mapped_column(sa.JSON, deferred=True)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="versions")

    def __repr__(self) -> str:
        return f"<QuestionnaireVersion {self.questionnaire_id} v{self.number}>"


class MediaFile(Base):
    """An image for an easy-read question or answer, kept in the database.

    Files live in the database, not on a server's disk, so that any app server can serve
    them; they are small (the upload limit is checked before saving).
    """

    __tablename__ = "questionnaire_media"
    __table_args__ = (sa.UniqueConstraint("questionnaire_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(sa.String(64))
    filename: Mapped[str] = mapped_column(sa.String(200))  # as uploaded, for people to read
    content_type: Mapped[str] = mapped_column(sa.String(50))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    @property
    def stored_name(self) -> str:
        """Return the name questions refer to: the content hash and the file type."""
        extension = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
        return f"{self.sha256[:16]}.{extension.get(self.content_type, 'bin')}"

    def __repr__(self) -> str:
        return f"<MediaFile {self.id} {self.filename!r}>"


class JargonTerm(Base):
    """A word or phrase the study's group agreed may shut people out, with a plainer way."""

    __tablename__ = "jargon_terms"
    __table_args__ = (sa.UniqueConstraint("study_id", "term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(
        sa.ForeignKey("studies.id", ondelete="CASCADE"), index=True
    )
    term: Mapped[str] = mapped_column(sa.String(100))
    suggestion: Mapped[str] = mapped_column(sa.String(200), default="")

    def __repr__(self) -> str:
        return f"<JargonTerm {self.term!r} in study {self.study_id}>"
