"""Bring check-ins and debriefs home from the tablets: checked, idempotent, never half stored.

Each check-in of a batch gets one receipt, in its own savepoint, like interviews and
consents: a proper UUID or `refused`; the UUID plus the SHA-256 of the canonical JSON of
what was sent makes it idempotent (`already_received` for a replay, `conflict` for other
content, nothing stored); a UUID of another person or study is refused. Then the shape
(`schemas.CheckInIn`) and what the shape cannot say: the answers fit the study's questions,
the feeling score is 1 to 5, and the interview it names is not someone else's.

The interview link, offline: the check-in before an interview is given before the
interview exists anywhere but on the tablet, and an interview may never arrive (stopped
before it began). So `interview_uuid` is accepted without an interview behind it, but
never trusted: the caller (fielding's sync API) says which of the named interviews are
stored for another study or interviewer, and those check-ins are refused; a page joins a
check-in to an interview only through that interviewer's own interviews. One interview
has at most one check-in and one debrief.
"""

from __future__ import annotations

import hashlib
import json
import uuid as uuid_module
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from pydantic import ValidationError
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.db import twice_in_savepoint, utcnow
from peer_research.studies.models import Study
from peer_research.wellbeing.alerts import alert_for_check_in
from peer_research.wellbeing.models import CheckIn, CheckInKind
from peer_research.wellbeing.people import WellbeingInputError
from peer_research.wellbeing.questions import check_answers, score_of
from peer_research.wellbeing.schemas import CheckInIn, CheckInOutcome, CheckInReceipt
from peer_research.wellbeing.settings import settings_for

FUTURE_SLACK = timedelta(days=1)  # tablets' clocks drift; a day ahead is a wrong clock


@dataclass
class _Batch:
    """What one batch of check-ins shares."""

    session: Session
    study: Study
    interviewer: User
    foreign_interviews: Collection[str]
    now: datetime = field(default_factory=utcnow)


def receive_check_ins(
    session: Session,
    *,
    study: Study,
    interviewer: User,
    items: list[Any],
    foreign_interviews: Collection[str] = (),
) -> list[CheckInReceipt]:
    """Check and store each check-in of a batch; return one receipt each, in order.

    `foreign_interviews`: interview UUIDs stored for another study or interviewer.
    """
    batch = _Batch(session, study, interviewer, frozenset(foreign_interviews))
    return [_receive_in_savepoint(batch, item) for item in items]


def _receive_in_savepoint(batch: _Batch, item: Any) -> CheckInReceipt:
    """Receive one check-in; if a twin request stored it meanwhile, answer as for a replay."""
    receipt = twice_in_savepoint(batch.session, lambda: _receive_one(batch, item))
    if receipt is None:
        return _refused(None, _("This check-in could not be stored just now. Send it again."))
    return receipt


def _receive_one(batch: _Batch, item: Any) -> CheckInReceipt:
    """Run one check-in through the steps above and return its receipt."""
    uuid = identify(item)
    if uuid is None:
        return _refused(None, _("This check-in has no proper identifier, so it was not kept."))
    digest = content_hash(item)
    earlier = batch.session.scalar(sa.select(CheckIn).where(CheckIn.uuid == uuid))
    if earlier is not None:
        return _answer_earlier(batch, earlier, uuid, digest)
    try:
        check_in = _read(item)
        _check(batch, check_in)
    except WellbeingInputError as refusal:
        return _refused(uuid, refusal.message)
    stored = _store(batch, uuid, digest, check_in)
    alert_for_check_in(batch.session, study=batch.study, check_in=stored)
    return CheckInReceipt(
        uuid,
        CheckInOutcome.ACCEPTED,
        _("Received. It is safe to delete it from this device."),
        stored.received_at,
    )


def interviews_named(items: list[Any]) -> list[str]:
    """Return the interview UUIDs a batch of check-ins names, in their canonical form."""
    named = (identify(item, key="interview_uuid") for item in items)
    return sorted({uuid for uuid in named if uuid is not None})


def identify(item: Any, key: str = "uuid") -> str | None:
    """Return the check-in's UUID (or another UUID it holds) in its canonical form, or None."""
    raw = item.get(key) if isinstance(item, dict) else None
    if not isinstance(raw, str) or len(raw) > 64:
        return None
    try:
        return str(uuid_module.UUID(raw))
    except ValueError:
        return None


def content_hash(item: Any) -> str:
    """Return the SHA-256 of the canonical JSON of what was sent (sorted keys, no spaces)."""
    canonical = json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _answer_earlier(batch: _Batch, earlier: CheckIn, uuid: str, digest: str) -> CheckInReceipt:
    """Answer a replay, a conflict, or an identifier that belongs to someone else."""
    if (earlier.study_id, earlier.interviewer_id) != (batch.study.id, batch.interviewer.id):
        return _refused(
            uuid, _("This check-in's identifier belongs to another study or person. Not kept.")
        )
    if earlier.content_hash == digest:
        return CheckInReceipt(
            uuid,
            CheckInOutcome.ALREADY_RECEIVED,
            _("This check-in was already received. It is safe to delete it from this device."),
            earlier.received_at,
        )
    return CheckInReceipt(
        uuid,
        CheckInOutcome.CONFLICT,
        _(
            "A check-in with the same identifier but different answers was received before. "
            "This one was not kept."
        ),
        None,
    )


def _read(item: Any) -> CheckInIn:
    """Check the check-in's shape; raise WellbeingInputError saying what is wrong."""
    try:
        return CheckInIn.model_validate(item)
    except ValidationError as error:
        problems = []
        for problem in error.errors()[:10]:
            where = " → ".join(str(part) for part in problem["loc"]) or _("the check-in")
            problems.append(f"{where}: {problem['msg']}.")
        raise WellbeingInputError(" ".join(problems)) from None


def _check(batch: _Batch, check_in: CheckInIn) -> None:
    """Check the answers, the score, the time and the interview named; raise if wrong."""
    if check_in.given_at > batch.now + FUTURE_SLACK:
        raise WellbeingInputError(_("The check-in's time is in the future. Check the clock."))
    questions = settings_for(batch.session, batch.study).questions
    problems = check_answers(questions, check_in.kind, check_in.answers)
    if problems:
        raise WellbeingInputError(" ".join(problems[:10]))
    if score_of(check_in.answers) is None:
        raise WellbeingInputError(_("How you feel must be a score from 1 to 5."))
    if check_in.interview_uuid is None:
        return
    interview_uuid = str(check_in.interview_uuid)
    if interview_uuid in batch.foreign_interviews:
        raise WellbeingInputError(_("This check-in names someone else's interview. Not kept."))
    twin = batch.session.scalar(
        sa.select(CheckIn.id).where(
            CheckIn.interviewer_id == batch.interviewer.id,
            CheckIn.interview_uuid == interview_uuid,
            CheckIn.kind == CheckInKind(check_in.kind),
        )
    )
    if twin is not None:
        raise WellbeingInputError(
            _("This interview already has a check-in of this kind. This one was not kept.")
        )


def _store(batch: _Batch, uuid: str, digest: str, check_in: CheckInIn) -> CheckIn:
    """Write the check-in."""
    stored = CheckIn(
        uuid=uuid,
        study_id=batch.study.id,
        interviewer_id=batch.interviewer.id,
        kind=CheckInKind(check_in.kind),
        interview_uuid=str(check_in.interview_uuid) if check_in.interview_uuid else None,
        answers=dict(check_in.answers),
        score=score_of(check_in.answers),
        given_at=check_in.given_at,
        received_at=batch.now,
        content_hash=digest,
        note=check_in.note.strip(),
    )
    batch.session.add(stored)
    batch.session.flush()
    return stored


def _refused(uuid: str | None, message: str) -> CheckInReceipt:
    """Return a receipt saying nothing was kept, and why."""
    return CheckInReceipt(uuid, CheckInOutcome.REFUSED, message, None)
