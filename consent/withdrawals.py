"""Withdrawal: a facilitator records it by participant code, and it takes data out.

From the moment it is recorded the participant is out of analysis, releases and exports.
"Remove everything" also drops the sealed identifiable details of every consent record
(the record itself stays, without them, as the trace that consent was given and then
withdrawn). Higher packages hear of it through `consent.signals.participant_withdrawn`,
sent inside the same transaction, and take out (or delete) what they hold.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from consent.codes import code_of_study, normalise_code
from consent.models import ConsentRecord, Withdrawal, WithdrawalChoice
from consent.signals import participant_withdrawn
from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.studies.models import Study

MAX_REASON = 2000


def withdraw(
    session: Session,
    *,
    study: Study,
    code: str,
    choice: WithdrawalChoice,
    reason: str,
    by: User,
) -> Withdrawal:
    """Record a participant's withdrawal, remove what the choice removes, audit it and tell
    the packages that hold their data; raise DomainError for an unknown code or a second
    withdrawal."""
    participant_code = normalise_code(code)
    if participant_code is None or code_of_study(session, study.id, participant_code) is None:
        raise DomainError(_("There is no participant with that code in this study."), field="code")
    if len(reason or "") > MAX_REASON:
        raise DomainError(
            _("Write the reason in at most %(n)d characters.", n=MAX_REASON), field="reason"
        )
    already = session.scalars(
        sa.select(Withdrawal).where(
            Withdrawal.study_id == study.id, Withdrawal.participant_code == participant_code
        )
    ).first()
    if already is not None:
        raise DomainError(_("This participant has already withdrawn."), field="code")
    withdrawal = Withdrawal(
        study_id=study.id,
        participant_code=participant_code,
        choice=WithdrawalChoice(choice),
        reason=(reason or "").strip(),
        recorded_by_id=by.id,
        recorded_at=utcnow(),
    )
    session.add(withdrawal)
    removed = 0
    if withdrawal.choice == WithdrawalChoice.REMOVE_ALL:
        removed = _remove_details(session, study.id, participant_code, withdrawal.recorded_at)
    session.flush()
    record(
        session,
        Action.PARTICIPANT_WITHDRAWN,
        actor=by,
        study=study,
        detail={
            "participant_code": participant_code,
            "choice": withdrawal.choice.value,
            "details_removed": removed,
        },
    )
    participant_withdrawn.send(
        session,
        session=session,
        study_id=study.id,
        participant_code=participant_code,
        choice=withdrawal.choice,
    )
    return withdrawal


def _remove_details(session: Session, study_id: int, code: str, now) -> int:
    """Drop the sealed identifiable details of a participant's consent records."""
    result = session.execute(
        sa.update(ConsentRecord)
        .where(
            ConsentRecord.study_id == study_id,
            ConsentRecord.participant_code == code,
            ConsentRecord.identifiable_removed_at.is_(None),
        )
        .values(identifiable=sa.null(), identifiable_removed_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0


def withdrawal_by_id(session: Session, study_id: int, withdrawal_id: int) -> Withdrawal | None:
    """Return one of the study's withdrawals, or None."""
    withdrawal = session.get(Withdrawal, withdrawal_id)
    return withdrawal if withdrawal is not None and withdrawal.study_id == study_id else None
