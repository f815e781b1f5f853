"""The participant's copy of one consent: who may have it, what it shows, and e-mailing it.

Facilitators may make any copy; a peer researcher only the copy of a consent they took
(asking for another's is refused as if it did not exist, and audited). Every copy made or
e-mailed is audited, since it carries the participant's name and signature.
"""

from __future__ import annotations

import re
import uuid as uuid_module
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from consent.content import StatementPurpose, read_content
from consent.models import ConsentPicture, ConsentRecord
from consent.pdfs import OpenedDetails, ParticipantCopy, opened_details
from consent.records import open_record_details
from consent.register import record_by_uuid, withdrawal_of
from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.errors import DomainError
from peer_research.studies.models import Study

# An address we may put in an e-mail header: no spaces or line breaks, one @, a dotted domain.
EMAIL_ADDRESS = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,63}$")


def find_consent(session: Session, study_id: int, consent_uuid: str) -> ConsentRecord | None:
    """Return one of the study's consent records by its UUID, or None."""
    try:
        canonical = str(uuid_module.UUID(consent_uuid))
    except ValueError:
        return None
    return record_by_uuid(session, study_id, canonical)


def may_copy(consent: ConsentRecord, *, user: User, is_facilitator: bool) -> bool:
    """Tell whether this person may have the copy: a facilitator, or whoever took it."""
    return is_facilitator or consent.interviewer_id == user.id


def note_copy_refused(session: Session, *, study: Study, consent: ConsentRecord, by: User) -> None:
    """Audit someone asking for the copy of a consent they did not take."""
    record(
        session,
        Action.CONSENT_COPY_REFUSED,
        actor=by,
        study=study,
        detail={"consent": consent.uuid, "participant_code": consent.participant_code},
    )


def easy_read_pictures(session: Session, study_id: int, names: set[str]) -> dict:
    """Return the study's easy-read pictures by stored name: (bytes, content type)."""
    if not names:
        return {}
    rows = session.execute(
        sa.select(
            ConsentPicture.stored_name, ConsentPicture.data, ConsentPicture.content_type
        ).where(ConsentPicture.study_id == study_id, ConsentPicture.stored_name.in_(names))
    )
    return {name: (data, content_type) for name, data, content_type in rows}


def participant_copy(
    session: Session, *, study: Study, consent: ConsentRecord, key_dir: Path, easy_read: bool
) -> ParticipantCopy:
    """Gather what the participant's copy of a consent shows, opening its details."""
    content = read_content(consent.form_version.content)
    opened = open_record_details(consent, key_dir=key_dir)
    details = opened_details(opened) if opened is not None else None
    pictures = {}
    if easy_read:
        parts = content.pick(content.easy_read, consent.language) or ()
        names = {part.picture for part in parts if part.picture}
        pictures = easy_read_pictures(session, study.id, names)
    return ParticipantCopy(
        study_title=study.title,
        participant_code=consent.participant_code,
        version_number=consent.form_version.number or 0,
        language=consent.language,
        method=consent.method,
        given_at=consent.given_at,
        content=content,
        answers=dict(consent.answers),
        details=details,
        pictures=pictures,
    )


def note_copy_made(
    session: Session, *, study: Study, consent: ConsentRecord, by: User, easy_read: bool
) -> None:
    """Audit a copy of a consent made (it shows the participant's name and signature)."""
    record(
        session,
        Action.CONSENT_COPY_MADE,
        actor=by,
        study=study,
        detail={
            "consent": consent.uuid,
            "participant_code": consent.participant_code,
            "easy_read": easy_read,
        },
    )


@dataclass(frozen=True)
class EmailChoice:
    """Whether a copy can be e-mailed, and if not, why not (in plain words)."""

    address: str | None
    why_not: str | None


def email_choice(
    copy: ParticipantCopy, *, mail_configured: bool, withdrawn: bool = False
) -> EmailChoice:
    """Say whether the copy may be e-mailed: mail is set up, the participant agreed to be
    contacted and gave an e-mail address."""
    if not mail_configured:
        return EmailChoice(None, _("This site is not set up to send e-mail. Print the copy."))
    if withdrawn:
        return EmailChoice(None, _("This participant has withdrawn, so we do not contact them."))
    agreed = any(
        copy.answers.get(s.key) is True
        for s in copy.content.with_purpose(StatementPurpose.RECONTACT)
    )
    details: OpenedDetails | None = copy.details
    if not agreed or details is None or not details.email:
        return EmailChoice(
            None,
            _(
                "We can only e-mail the copy when the participant gave an e-mail address and "
                "agreed to be contacted. Print it instead."
            ),
        )
    if not EMAIL_ADDRESS.match(details.email):
        return EmailChoice(
            None, _("The e-mail address the participant gave does not look right. Print it.")
        )
    return EmailChoice(details.email, None)


def note_copy_emailed(session: Session, *, study: Study, consent: ConsentRecord, by: User) -> None:
    """Audit a copy e-mailed to the participant."""
    record(
        session,
        Action.CONSENT_COPY_EMAILED,
        actor=by,
        study=study,
        detail={"consent": consent.uuid, "participant_code": consent.participant_code},
    )


def is_withdrawn(session: Session, study_id: int, participant_code: str) -> bool:
    """Tell whether the participant withdrew."""
    return withdrawal_of(session, study_id, participant_code) is not None


def check_can_email(choice: EmailChoice) -> str:
    """Return the address to e-mail, or raise DomainError saying why not."""
    if choice.address is None:
        raise DomainError(choice.why_not or _("This copy cannot be e-mailed."))
    return choice.address
