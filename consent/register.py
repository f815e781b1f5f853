"""The consent register: where each participant's consent stands, by code only.

A participant (a code with at least one consent record) is `withdrawn` once a withdrawal is
recorded, `needs_reconsent` when their newest consent is on a version older than the
re-consent floor today, and `active` otherwise. What they agreed to is read from their
newest consent record, so a later consent can change an earlier "no" (or "yes").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from consent.content import StatementPurpose, read_content
from consent.keys import configured_key_dir, ensure_study_key, public_key_spki
from consent.models import ConsentFormVersion, ConsentMethod, ConsentRecord, Withdrawal
from consent.schemas import ParticipantStatus
from consent.versions import current_version, reconsent_floor
from peer_research.db import utcnow
from peer_research.studies.models import Study


@dataclass(frozen=True)
class RegisterRow:
    """One participant in the register: no identifiable details."""

    code: str
    version_number: int  # the newest version they consented on
    method: ConsentMethod  # how they gave their newest consent
    language: str
    given_at: datetime  # when they gave their newest consent
    interviewer: str  # who took their newest consent
    optional_agreed: tuple[str, ...]  # the keys of the optional statements they agreed to
    declined: tuple[str, ...]  # the keys of the optional statements they said no to
    status: ParticipantStatus
    records: int  # how many consents they gave

    def as_csv(self) -> dict[str, Any]:
        """Return the row for the register's CSV export."""
        return {
            "participant_code": self.code,
            "version": self.version_number,
            "method": self.method.value,
            "language": self.language,
            "given_at": self.given_at.isoformat(),
            "optional_agreed": " ".join(self.optional_agreed),
            "optional_declined": " ".join(self.declined),
            "status": self.status.value,
            "consents": self.records,
        }


REGISTER_CSV_FIELDS = (
    "participant_code",
    "version",
    "method",
    "language",
    "given_at",
    "optional_agreed",
    "optional_declined",
    "status",
    "consents",
)


def register_rows(
    session: Session,
    study_id: int,
    *,
    status: ParticipantStatus | None = None,
    version_number: int | None = None,
    method: ConsentMethod | None = None,
) -> list[RegisterRow]:
    """Return the study's participants by code, newest consent first, filtered if asked."""
    records = list(
        session.scalars(
            sa.select(ConsentRecord)
            .where(ConsentRecord.study_id == study_id)
            .order_by(ConsentRecord.given_at, ConsentRecord.id)
        )
    )
    withdrawn = withdrawn_codes(session, study_id)
    floor = reconsent_floor(session, study_id, utcnow())
    newest: dict[str, ConsentRecord] = {}
    counts: dict[str, int] = {}
    for record in records:
        newest[record.participant_code] = record
        counts[record.participant_code] = counts.get(record.participant_code, 0) + 1
    rows = [
        _row(record, counts[code], _status(record, code in withdrawn, floor))
        for code, record in newest.items()
    ]
    rows = [
        row
        for row in rows
        if (status is None or row.status == status)
        and (version_number is None or row.version_number == version_number)
        and (method is None or row.method == method)
    ]
    return sorted(rows, key=lambda row: row.given_at, reverse=True)


def _status(record: ConsentRecord, withdrawn: bool, floor: int) -> ParticipantStatus:
    """Return where a participant stands, from their newest consent."""
    if withdrawn:
        return ParticipantStatus.WITHDRAWN
    if (record.form_version.number or 0) < floor:
        return ParticipantStatus.NEEDS_RECONSENT
    return ParticipantStatus.ACTIVE


def _row(record: ConsentRecord, count: int, status: ParticipantStatus) -> RegisterRow:
    """Return a participant's register row from their newest consent."""
    content = read_content(record.form_version.content)
    optional = [s.key for s in content.statements if not s.required]
    return RegisterRow(
        code=record.participant_code,
        version_number=record.form_version.number or 0,
        method=record.method,
        language=record.language,
        given_at=record.given_at,
        interviewer=record.interviewer.display_name,
        optional_agreed=tuple(key for key in optional if record.answers.get(key)),
        declined=tuple(key for key in optional if not record.answers.get(key)),
        status=status,
        records=count,
    )


def participant_status(session: Session, study_id: int, code: str) -> ParticipantStatus | None:
    """Return where one participant stands, or None when they have no consent record."""
    rows = [row for row in register_rows(session, study_id) if row.code == code]
    return rows[0].status if rows else None


def records_of(session: Session, study_id: int, code: str) -> list[ConsentRecord]:
    """Return a participant's consent records, newest first (their details stay sealed)."""
    return list(
        session.scalars(
            sa.select(ConsentRecord)
            .where(ConsentRecord.study_id == study_id, ConsentRecord.participant_code == code)
            .order_by(ConsentRecord.given_at.desc(), ConsentRecord.id.desc())
        )
    )


def record_by_uuid(session: Session, study_id: int, uuid: str) -> ConsentRecord | None:
    """Return one of the study's consent records by its identifier, or None."""
    return session.scalars(
        sa.select(ConsentRecord).where(
            ConsentRecord.study_id == study_id, ConsentRecord.uuid == uuid
        )
    ).first()


def withdrawal_of(session: Session, study_id: int, code: str) -> Withdrawal | None:
    """Return a participant's withdrawal, or None."""
    return session.scalars(
        sa.select(Withdrawal).where(
            Withdrawal.study_id == study_id, Withdrawal.participant_code == code
        )
    ).first()


def withdrawn_codes(session: Session, study_id: int) -> set[str]:
    """Return the codes of the study's participants who withdrew (out of every analysis)."""
    return set(
        session.scalars(
            sa.select(Withdrawal.participant_code).where(Withdrawal.study_id == study_id)
        )
    )


def declined_codes(
    session: Session, study_id: int, purpose: StatementPurpose = StatementPurpose.QUOTES
) -> set[str]:
    """Return the codes whose newest consent said no to a statement of that purpose.

    With the default (quotes): their free-text answers never appear as quotes, in a
    report or a release.
    """
    rows = session.execute(
        sa.select(ConsentRecord.participant_code, ConsentRecord.answers, ConsentFormVersion.content)
        .join(ConsentFormVersion, ConsentFormVersion.id == ConsentRecord.form_version_id)
        .where(ConsentRecord.study_id == study_id)
        .order_by(ConsentRecord.given_at, ConsentRecord.id)
    )
    newest: dict[str, bool] = {}
    for code, answers, content in rows:
        keys = [s.key for s in read_content(content).with_purpose(purpose)]
        newest[code] = any(not answers.get(key) for key in keys)
    return {code for code, declined in newest.items() if declined}


def tablet_bundle(session: Session, study: Study, *, key_dir: Path | None = None) -> dict[str, Any]:
    """Return what a tablet needs to take consent offline: the current form, the study's
    public key, and each participant's status by code (never a name).

    The study's key pair is made on first use (in `key_dir`, by default the configured
    one): a GET page that calls this for a study without a key must allow writing.
    """
    key = ensure_study_key(session, study, key_dir or configured_key_dir())
    version = current_version(session, study.id)
    form = None
    if version is not None:
        form = {
            "version_id": version.id,
            "number": version.number,
            "languages": list(version.content.get("languages", [])),
            "requires_reconsent": version.requires_reconsent,
            "published_at": version.published_at.isoformat() if version.published_at else None,
        }
    return {
        "form": form,
        "key": {"kid": key.key_id, "spki": public_key_spki(key)},
        "participants": [
            {"code": row.code, "version_number": row.version_number, "status": row.status.value}
            for row in sorted(register_rows(session, study.id), key=lambda row: row.code)
        ],
    }
