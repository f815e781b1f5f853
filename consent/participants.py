"""What the facilitators' consent pages show of participants, beyond the register itself
(`consent.register`): statement names people can read, one participant's page, their opened
details, and the register as CSV cells a spreadsheet never runs as formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from consent.content import ConsentContent, StatementPurpose, read_content
from consent.models import ConsentRecord, Withdrawal
from consent.pdfs import OpenedDetails, opened_details
from consent.records import reveal_details
from consent.register import RegisterRow, participant_status, records_of, withdrawal_of
from consent.schemas import ParticipantStatus
from consent.versions import reconsent_floor
from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.studies.models import Study

MAX_REASON = 500  # as `consent.records.reveal_details` allows


def statement_name(content: ConsentContent, key: str) -> str:
    """Return a short name people can read for one of a form's statements."""
    statement = content.statement(key)
    if statement is None:
        return key
    if statement.purpose == StatementPurpose.QUOTES:
        return _("Quotes")
    if statement.purpose == StatementPurpose.RECONTACT:
        return _("Contact about new research")
    text = statement.text_in(content.main_language, content.main_language)
    return text if len(text) <= 60 else text[:57].rstrip() + "..."


def statement_names(content_json: dict, keys: tuple[str, ...]) -> tuple[str, ...]:
    """Return readable names of a form version's statements by key (keys if unreadable)."""
    try:
        content = read_content(content_json)
    except DomainError:
        return keys
    return tuple(statement_name(content, key) for key in keys)


@dataclass(frozen=True)
class Participant:
    """One participant's consents, newest first, and where they stand."""

    participant_code: str
    records: list[ConsentRecord]
    status: ParticipantStatus
    withdrawal: Withdrawal | None
    reconsent_floor: int

    def optional_agreed(self, consent: ConsentRecord) -> tuple[str, ...]:
        """Return the names of the optional statements agreed in one of their consents."""
        content = read_content(consent.form_version.content)
        keys = tuple(
            s.key for s in content.statements if not s.required and consent.answers.get(s.key)
        )
        return tuple(statement_name(content, key) for key in keys)


def participant(session: Session, study_id: int, code: str) -> Participant | None:
    """Return a participant of the study by code, or None when no consent has that code."""
    records = records_of(session, study_id, code)
    status = participant_status(session, study_id, code)
    if not records or status is None:
        return None
    return Participant(
        participant_code=code,
        records=records,
        status=status,
        withdrawal=withdrawal_of(session, study_id, code),
        reconsent_floor=reconsent_floor(session, study_id, utcnow()),
    )


@dataclass(frozen=True)
class RevealedConsent:
    """One consent record with the details its envelope held (None once removed)."""

    record: ConsentRecord
    details: OpenedDetails | None


def reveal_participant(
    session: Session, *, study: Study, code: str, viewer: User, reason: str, key_dir: Path
) -> list[RevealedConsent]:
    """Open a participant's details for a facilitator who gave a reason (audited by
    `reveal_details`, which also refuses, and audits, anyone else)."""
    return [
        RevealedConsent(
            found.record, opened_details(found.details) if found.details is not None else None
        )
        for found in reveal_details(
            session,
            study=study,
            code=code,
            viewer=viewer,
            reason=" ".join(reason.split()),
            key_dir=key_dir,
        )
    ]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """Return a CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def register_csv_rows(rows: list[RegisterRow], fields: tuple[str, ...]) -> list[list[str]]:
    """Return the register as CSV rows, a header first, without identifiable details."""
    lines = [list(fields)]
    for row in rows:
        values = row.as_csv()
        lines.append([csv_cell(values[name]) for name in fields])
    return lines


def note_details_refused(session: Session, *, study: Study, code: str, by: User) -> None:
    """Audit someone without the facilitator role opening the page of a participant's details."""
    record(
        session,
        Action.CONSENT_DETAILS_REFUSED,
        actor=by,
        study=study,
        detail={"participant_code": code[:20]},
    )


def csv_text(lines: list[list[str]]) -> Iterator[str]:
    """Yield CSV text line by line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in lines:
        writer.writerow(line)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
