"""The consent gate: no interview is accepted without a valid consent for its participant.

An interview passes when its participant has a consent record on a version at least the
"re-consent floor" at the time the interview started (the newest version published by then
that asks for consent again) and has not withdrawn. Fielding's sync asks the gate once per
batch (`ConsentGate.for_codes`), then once per interview (`problem`), without more queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from consent.models import ConsentFormVersion, ConsentRecord, Withdrawal


@dataclass
class ConsentGate:
    """What the gate knows about some participants of one study."""

    study_id: int
    versions: dict[str, dict[str, int]] = field(default_factory=dict)  # code → uuid → number
    withdrawn: set[str] = field(default_factory=set)
    reconsent: list[tuple[int, datetime]] = field(default_factory=list)  # number, published

    @classmethod
    def for_codes(cls, session: Session, study_id: int, codes: set[str]) -> ConsentGate:
        """Load what the gate needs for these codes, in three queries."""
        gate = cls(study_id)
        codes = {code for code in codes if isinstance(code, str)}
        if not codes:
            return gate
        versions: dict[str, dict[str, int]] = defaultdict(dict)
        for code, uuid, number in session.execute(
            sa.select(ConsentRecord.participant_code, ConsentRecord.uuid, ConsentFormVersion.number)
            .join(ConsentFormVersion, ConsentFormVersion.id == ConsentRecord.form_version_id)
            .where(ConsentRecord.study_id == study_id, ConsentRecord.participant_code.in_(codes))
        ):
            versions[code][uuid] = number
        gate.versions = dict(versions)
        gate.withdrawn = set(
            session.scalars(
                sa.select(Withdrawal.participant_code).where(
                    Withdrawal.study_id == study_id, Withdrawal.participant_code.in_(codes)
                )
            )
        )
        gate.reconsent = [
            (number, published)
            for number, published in session.execute(
                sa.select(ConsentFormVersion.number, ConsentFormVersion.published_at).where(
                    ConsentFormVersion.study_id == study_id,
                    ConsentFormVersion.requires_reconsent.is_(True),
                    ConsentFormVersion.number.is_not(None),
                )
            )
        ]
        return gate

    def floor(self, at: datetime) -> int:
        """Return the lowest version number a consent must be on at that moment."""
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        return max((number for number, published in self.reconsent if published <= at), default=1)

    def problem(
        self, participant_code: str, started_at: datetime, consent_uuid: str | None = None
    ) -> str | None:
        """Return, in plain words, why an interview may not be accepted; None when it may."""
        if participant_code in self.withdrawn:
            return _(
                "Participant %(code)s has withdrawn from the study. This interview cannot be kept.",
                code=participant_code,
            )
        records = self.versions.get(participant_code, {})
        if consent_uuid is not None and consent_uuid not in records:
            return _(
                "The consent taken for participant %(code)s has not reached the server yet. "
                "Send again: consents are sent before interviews.",
                code=participant_code,
            )
        if not records:
            return _(
                "There is no consent for participant %(code)s on the server yet. Take consent "
                "first, or send again if it was taken on this device.",
                code=participant_code,
            )
        floor = self.floor(started_at)
        if max(records.values()) < floor:
            return _(
                "Participant %(code)s needs to consent again on version %(n)d of the consent "
                "form before this interview.",
                code=participant_code,
                n=floor,
            )
        return None


def consent_problem(
    session: Session,
    *,
    study_id: int,
    participant_code: str,
    started_at: datetime,
    consent_uuid: str | None = None,
) -> str | None:
    """Return why an interview of this participant started then may not be accepted, or None."""
    gate = ConsentGate.for_codes(session, study_id, {participant_code})
    return gate.problem(participant_code, started_at, consent_uuid)
