"""What the facilitators' consent pages read: the register, one participant, their details.

The register lists participants by code only: version, method, the optional statements
agreed and a status (active, needs to consent again, withdrawn). Identifiable details are
opened one participant at a time, for a facilitator who gave a reason, and every opening
(and every refusal) is audited. Nothing here changes a consent.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, undefer

from consent.content import StatementPurpose, read_content
from consent.keys import open_envelope
from consent.models import ConsentFormVersion, ConsentMethod, ConsentRecord, Withdrawal
from consent.pdfs import OpenedDetails, opened_details
from consent.versions import reconsent_floor
from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.studies.models import Study

MAX_REASON = 500


class ParticipantStatus(enum.StrEnum):
    """Where a participant stands with their consent."""

    ACTIVE = "active"
    NEEDS_RECONSENT = "needs_reconsent"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class RegisterRow:
    """One participant in the register: their latest consent, by code only."""

    participant_code: str
    version_number: int
    method: ConsentMethod
    given_at: datetime
    optional_agreed: tuple[str, ...]  # short names of the optional statements agreed
    status: ParticipantStatus
    consents: int  # how many consent records they have


@dataclass(frozen=True)
class RegisterFilter:
    """What the register is narrowed to (None: everything)."""

    status: ParticipantStatus | None = None
    version_number: int | None = None
    method: ConsentMethod | None = None

    def keeps(self, row: RegisterRow) -> bool:
        """Tell whether a row passes the filter."""
        return (
            (self.status is None or row.status == self.status)
            and (self.version_number is None or row.version_number == self.version_number)
            and (self.method is None or row.method == self.method)
        )


def optional_statement_names(content: dict, answers: dict[str, bool]) -> tuple[str, ...]:
    """Return short names of the optional statements a participant agreed to."""
    try:
        checked = read_content(content)
    except DomainError:
        return ()
    names = []
    for statement in checked.statements:
        if statement.required or answers.get(statement.key) is not True:
            continue
        if statement.purpose == StatementPurpose.QUOTES:
            names.append(_("Quotes"))
        elif statement.purpose == StatementPurpose.RECONTACT:
            names.append(_("Contact about new research"))
        else:
            text = statement.text_in(checked.main_language, checked.main_language)
            names.append(text if len(text) <= 60 else text[:57].rstrip() + "...")
    return tuple(names)


def register_rows(
    session: Session, study_id: int, *, chosen: RegisterFilter | None = None
) -> list[RegisterRow]:
    """Return the study's participants (those with a consent), by code, newest first."""
    query = (
        sa.select(
            ConsentRecord.participant_code,
            ConsentFormVersion.number,
            ConsentRecord.method,
            ConsentRecord.given_at,
            ConsentRecord.answers,
            ConsentFormVersion.content,
        )
        .join(ConsentFormVersion, ConsentFormVersion.id == ConsentRecord.form_version_id)
        .where(ConsentRecord.study_id == study_id)
        .order_by(ConsentRecord.given_at, ConsentRecord.id)
    )
    latest: dict[str, tuple] = {}
    counts: dict[str, int] = {}
    highest: dict[str, int] = {}
    for row in session.execute(query):
        latest[row.participant_code] = row  # ordered by time: the last one wins
        counts[row.participant_code] = counts.get(row.participant_code, 0) + 1
        highest[row.participant_code] = max(highest.get(row.participant_code, 0), row.number)
    withdrawn = withdrawn_codes(session, study_id)
    floor = reconsent_floor(session, study_id, utcnow())
    names_by_version: dict[tuple[int, frozenset], tuple[str, ...]] = {}
    rows = []
    for code, row in latest.items():
        key = (row.number, frozenset(k for k, v in row.answers.items() if v is True))
        if key not in names_by_version:
            names_by_version[key] = optional_statement_names(row.content, row.answers)
        rows.append(
            RegisterRow(
                participant_code=code,
                version_number=row.number,
                method=ConsentMethod(row.method),
                given_at=row.given_at,
                optional_agreed=names_by_version[key],
                status=_status(code in withdrawn, highest[code], floor),
                consents=counts[code],
            )
        )
    rows.sort(key=lambda r: (r.given_at, r.participant_code), reverse=True)
    return [row for row in rows if chosen is None or chosen.keeps(row)]


def _status(withdrawn: bool, highest_version: int, floor: int) -> ParticipantStatus:
    if withdrawn:
        return ParticipantStatus.WITHDRAWN
    if highest_version < floor:
        return ParticipantStatus.NEEDS_RECONSENT
    return ParticipantStatus.ACTIVE


def withdrawn_codes(session: Session, study_id: int) -> set[str]:
    """Return the codes of the study's participants who withdrew."""
    return set(
        session.scalars(
            sa.select(Withdrawal.participant_code).where(Withdrawal.study_id == study_id)
        )
    )


@dataclass(frozen=True)
class Participant:
    """One participant's consents, newest first, and where they stand."""

    participant_code: str
    records: list[ConsentRecord]
    status: ParticipantStatus
    withdrawal: Withdrawal | None
    reconsent_floor: int
    agreed: dict[int, tuple[str, ...]] = field(default_factory=dict)  # record id → names


def participant(session: Session, study_id: int, participant_code: str) -> Participant | None:
    """Return a participant of the study by code, or None when no consent has that code."""
    records = participant_records(session, study_id, participant_code)
    if not records:
        return None
    withdrawal = withdrawal_of_code(session, study_id, participant_code)
    floor = reconsent_floor(session, study_id, utcnow())
    highest = max(r.form_version.number or 0 for r in records)
    return Participant(
        participant_code=participant_code,
        records=records,
        status=_status(withdrawal is not None, highest, floor),
        withdrawal=withdrawal,
        reconsent_floor=floor,
        agreed={
            r.id: optional_statement_names(r.form_version.content, r.answers) for r in records
        },
    )


def participant_records(
    session: Session, study_id: int, participant_code: str, *, with_details: bool = False
) -> list[ConsentRecord]:
    """Return a participant's consent records, newest first."""
    query = (
        sa.select(ConsentRecord)
        .where(
            ConsentRecord.study_id == study_id,
            ConsentRecord.participant_code == participant_code,
        )
        .order_by(ConsentRecord.given_at.desc(), ConsentRecord.id.desc())
    )
    if with_details:
        query = query.options(undefer(ConsentRecord.identifiable))
    return list(session.scalars(query))


def withdrawal_of_code(session: Session, study_id: int, participant_code: str) -> Withdrawal | None:
    """Return a participant's withdrawal, or None."""
    return session.scalars(
        sa.select(Withdrawal).where(
            Withdrawal.study_id == study_id, Withdrawal.participant_code == participant_code
        )
    ).first()


def withdrawal_by_id(session: Session, study_id: int, withdrawal_id: int) -> Withdrawal | None:
    """Return one of the study's withdrawals by id, or None (another study's too)."""
    withdrawal = session.get(Withdrawal, withdrawal_id)
    return withdrawal if withdrawal is not None and withdrawal.study_id == study_id else None


@dataclass(frozen=True)
class RevealedConsent:
    """One consent record with the details its envelope held (None once removed)."""

    record: ConsentRecord
    details: OpenedDetails | None


def reveal_participant_details(
    session: Session,
    *,
    study: Study,
    participant_code: str,
    by: User,
    reason: str,
    key_dir: Path,
) -> list[RevealedConsent]:
    """Open a participant's identifiable details for a facilitator who gave a reason, and
    audit it; raise DomainError when the reason is missing or there is no such participant."""
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(_("Say why you need to see these details."), field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(
            _("Keep the reason to %(n)d characters or fewer.", n=MAX_REASON), field="reason"
        )
    records = participant_records(session, study.id, participant_code, with_details=True)
    if not records:
        raise DomainError(_("This study has no participant with that code."))
    revealed = [
        RevealedConsent(
            record=r,
            details=opened_details(open_envelope(r.identifiable, key_dir=key_dir))
            if r.identifiable
            else None,
        )
        for r in records
    ]
    record(
        session,
        Action.CONSENT_DETAILS_VIEWED,
        actor=by,
        study=study,
        detail={"participant_code": participant_code, "reason": reason},
    )
    return revealed


def refuse_details(session: Session, *, study: Study, participant_code: str, by: User) -> None:
    """Audit someone without the facilitator role asking for a participant's details."""
    record(
        session,
        Action.CONSENT_DETAILS_REFUSED,
        actor=by,
        study=study,
        detail={"participant_code": participant_code[:20]},
    )


CSV_HEADER = (
    "participant_code",
    "consent_form_version",
    "how_they_consented",
    "latest_consent_date",
    "optional_statements_agreed",
    "status",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """Return a CSV cell that a spreadsheet will show as text, never run as a formula."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def register_csv_rows(rows: list[RegisterRow]) -> list[tuple[str, ...]]:
    """Return the register as CSV rows (a header first), without identifiable details."""
    lines = [CSV_HEADER]
    for row in rows:
        lines.append(
            tuple(
                csv_cell(value)
                for value in (
                    row.participant_code,
                    row.version_number,
                    row.method.value,
                    row.given_at.date().isoformat(),
                    "; ".join(row.optional_agreed),
                    row.status.value,
                )
            )
        )
    return lines
