"""Consent: the study's consent form and its versions, the study's key, participant codes,
consent records and withdrawals.

Three data zones (`../shared/DESIGN.md`): what identifies a participant (name, contact
details, signature, witness and consultee names) is encrypted in the browser with the study's
public key and kept here only as that sealed envelope (`ConsentRecord.identifiable`). The key
that opens it lives in a file named by configuration (`CONSENT_KEY_DIR`), never in the
database. Research data carries only the participant code.

A form version's wording is a JSON document described and checked by `consent.content`.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peer_research.accounts.models import User
from peer_research.db import Base, enum_column, utcnow

CODE_LENGTH = 16  # room for the participant code's form (e.g. "KT7-M4C") and a change of it


class ConsentMethod(enum.StrEnum):
    """How the participant gave consent."""

    SIGNATURE = "signature"  # drawn with a finger or a stylus
    TYPED_NAME = "typed_name"  # the participant typed their name
    VERBAL = "verbal"  # said aloud, recorded by the interviewer with a witness
    CONSULTEE = "consultee"  # a consultee declared for an adult who cannot consent


class WithdrawalChoice(enum.StrEnum):
    """What the study's protocol lets a withdrawal do with what was already collected."""

    REMOVE_ALL = "remove_all"  # delete the answers and the identifiable details
    KEEP_ANALYSED = "keep_analysed"  # keep what was analysed; nothing new from now on


class ConsentFormVersion(Base):
    """One version of a study's consent form: the draft (no number yet) or a published one.

    A published version is frozen. `requires_reconsent` asks participants who consented on
    an older version to consent again before their next interview.
    """

    __tablename__ = "consent_form_versions"
    __table_args__ = (
        sa.UniqueConstraint("study_id", "number"),
        # At most one draft per study.
        sa.Index(
            "uq_consent_form_versions_one_draft",
            "study_id",
            unique=True,
            sqlite_where=sa.text("number IS NULL"),
            postgresql_where=sa.text("number IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id", ondelete="CASCADE"))
    number: Mapped[int | None]  # None: the draft
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    requires_reconsent: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    published_by: Mapped[User | None] = relationship(lazy="selectin")

    @property
    def is_draft(self) -> bool:
        """Tell whether this is the study's draft (not yet published)."""
        return self.number is None

    def __repr__(self) -> str:
        return f"<ConsentFormVersion {self.id} study {self.study_id} number {self.number}>"


class StudyKey(Base):
    """The public half of the study's key pair; the private half is a file, never a row."""

    __tablename__ = "consent_study_keys"

    study_id: Mapped[int] = mapped_column(
        sa.ForeignKey("studies.id", ondelete="CASCADE"), primary_key=True
    )
    # The first 32 hex digits of the SHA-256 of the public key (DER): names the private file.
    key_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    public_key_pem: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ParticipantCode(Base):
    """A participant code, reserved for one interviewer's tablet before it goes offline.

    Codes are made on the server and handed out a few at a time, so that two tablets offline
    at once can never give the same code to two people.
    """

    __tablename__ = "consent_participant_codes"
    __table_args__ = (sa.UniqueConstraint("study_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(CODE_LENGTH))
    reserved_for_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    reserved_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]  # when its first consent record arrived


class ConsentRecord(Base):
    """One consent, as the tablet recorded it: the version, how, what was agreed, and the
    participant's identifiable details as the sealed envelope the browser made."""

    __tablename__ = "consent_records"
    __table_args__ = (sa.Index("ix_consent_records_study_id_code", "study_id", "participant_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id", ondelete="CASCADE"))
    form_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consent_form_versions.id"), index=True
    )
    participant_code: Mapped[str] = mapped_column(sa.String(CODE_LENGTH))
    language: Mapped[str] = mapped_column(sa.String(35))
    method: Mapped[ConsentMethod] = mapped_column(enum_column(ConsentMethod, "consent_method"))
    # Each statement's answer by the statement's key: true (agreed) or false.
    answers: Mapped[dict[str, bool]] = mapped_column(sa.JSON)
    given_at: Mapped[datetime]
    interviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # SHA-256 of the canonical JSON of what was sent: a replay carries the same hash.
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    # The browser's envelope (see consent.keys); None once removed by a withdrawal.
    identifiable: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, deferred=True)
    identifiable_removed_at: Mapped[datetime | None]

    form_version: Mapped[ConsentFormVersion] = relationship(lazy="joined")
    interviewer: Mapped[User] = relationship(lazy="selectin")

    def __repr__(self) -> str:
        return f"<ConsentRecord {self.id} {self.participant_code} v{self.form_version_id}>"


class Withdrawal(Base):
    """A participant's withdrawal from the study, recorded by a facilitator."""

    __tablename__ = "consent_withdrawals"
    __table_args__ = (sa.UniqueConstraint("study_id", "participant_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id", ondelete="CASCADE"))
    participant_code: Mapped[str] = mapped_column(sa.String(CODE_LENGTH))
    choice: Mapped[WithdrawalChoice] = mapped_column(
        enum_column(WithdrawalChoice, "withdrawal_choice")
    )
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    recorded_by: Mapped[User] = relationship(lazy="selectin")


class ConsentPicture(Base):
    """A picture of a consent form's easy-read version, kept in the database."""

    __tablename__ = "consent_pictures"
    __table_args__ = (sa.UniqueConstraint("study_id", "stored_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id", ondelete="CASCADE"))
    # "<sha256 of the bytes>.<png|jpg|webp>": the same picture is stored once per study.
    stored_name: Mapped[str] = mapped_column(sa.String(80))
    content_type: Mapped[str] = mapped_column(sa.String(40))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
