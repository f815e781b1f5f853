"""Bring a batch of interviews home: idempotent, one savepoint per interview, nothing lost.

Each interview of a batch goes through the same steps, in its own savepoint, so one bad
interview never sinks the others and none is ever half written:

1. `identify`: an interview needs a proper identifier (a UUID) or it is refused (the
   tablet keeps it: nothing was stored).
2. `find_earlier`: the identifier plus a SHA-256 of the canonical JSON of what was sent
   makes sync idempotent. The same content again gets its first receipt back
   (`already_received` for a stored interview); different content under a stored
   interview's identifier is a `conflict`, kept for a facilitator. An identifier used in
   another study, or by another interviewer, is refused and audited.
3. `read`: the schema (`schemas.InterviewIn`) checks shapes and sizes; the version must be
   a published version of one of this study's questionnaires.
4. `consent_gate`: no interview is accepted without a valid consent for its participant
   (`consent.services.ConsentGate`); one without gets `needs_consent`, nothing is stored,
   and the tablet keeps it and sends it again after its consent.
5. `check_interview` (validation.py): the Python evaluator checks every answer again.
6. `store`: the interview row with what was sent, and its answer rows, together.

Whatever fails in step 3 or 5 is held in the quarantine with the reason in plain words;
the receipt says `quarantined` with that reason.
"""

from __future__ import annotations

import hashlib
import json
import uuid as uuid_module
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from consent.services import ConsentGate
from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.db import twice_in_savepoint, utcnow
from peer_research.studies.models import Study
from peer_research.wellbeing import services as wellbeing
from surveys import definition as d
from surveys.fielding.models import Answer, HeldSubmission, HoldKind, Interview, InterviewStatus
from surveys.fielding.schemas import InterviewIn, Outcome, Receipt
from surveys.fielding.validation import Checked, check_interview
from surveys.models import Questionnaire, QuestionnaireVersion

MESSAGES = {
    Outcome.ACCEPTED: "Received and checked. It is safe to delete it from this device.",
    Outcome.ALREADY_RECEIVED: "This interview was already received. It is safe to delete it "
    "from this device.",
    Outcome.CONFLICT: "An interview with the same identifier but different answers was "
    "received before. Both are kept, and a facilitator will look at them.",
}


@dataclass(frozen=True)
class _Stored:
    """What a replay needs to know about a stored interview."""

    study_id: int
    interviewer_id: int
    content_hash: str
    received_at: datetime


@dataclass
class _Batch:
    """What one batch shares: the study, the interviewer, the versions read so far, and
    what was stored earlier under the batch's identifiers (looked up once for the batch)."""

    session: Session
    study: Study
    interviewer: User
    definitions: dict[int, d.FormDefinition | None] = field(default_factory=dict)
    stored: dict[str, _Stored] = field(default_factory=dict)
    held: dict[str, list[HeldSubmission]] = field(default_factory=dict)
    gate: ConsentGate | None = None  # what the consent gate knows of the batch's participants
    now: datetime = field(default_factory=utcnow)  # when the batch was received

    def look_up(self, uuids: list[str]) -> None:
        """Load what is stored and held under these identifiers, in two queries."""
        for uuid in uuids:
            self.stored.pop(uuid, None)
            self.held[uuid] = []
        found = self.session.execute(
            sa.select(
                Interview.uuid,
                Interview.study_id,
                Interview.interviewer_id,
                Interview.content_hash,
                Interview.received_at,
            ).where(Interview.uuid.in_(uuids))
        )
        for uuid, *facts in found:
            self.stored[uuid] = _Stored(*facts)
        for held in self.session.scalars(
            sa.select(HeldSubmission).where(HeldSubmission.uuid.in_(uuids))
        ):
            self.held[held.uuid].append(held)


@dataclass
class _Ready:
    """An interview that passed every step, waiting to be written with the batch's others."""

    uuid: str
    interview: InterviewIn
    item: Any
    digest: str
    checked: Checked


def sync_batch(
    session: Session, *, study: Study, interviewer: User, items: list[Any]
) -> list[Receipt]:
    """Check each interview of a batch, write the good ones, and return one receipt each.

    Each interview is checked in its own savepoint (holds and audit entries are written
    there). The interviews that passed are then written together in one savepoint, several
    rows per statement; if that fails (a twin request stored one of them a moment ago),
    it is rolled back and each is synced again in a savepoint of its own. Either way an
    interview is written whole or not at all, and one bad interview sinks no other.
    """
    batch = _Batch(session, study, interviewer)
    batch.look_up([uuid for uuid in map(identify, items) if uuid is not None])
    codes = {item.get("participant_code") for item in items if isinstance(item, dict)}
    batch.gate = ConsentGate.for_codes(session, study.id, codes)
    results = [_sync_in_savepoint(batch, item, write=False) for item in items]
    ready = [result for result in results if isinstance(result, _Ready)]
    written = _store_together(batch, ready) if ready else {}
    return [written[id(result)] if isinstance(result, _Ready) else result for result in results]


def _sync_in_savepoint(batch: _Batch, item: Any, *, write: bool = True) -> Receipt | _Ready:
    """Sync one interview; if a twin request stored it meanwhile, answer as for a replay."""
    receipt = twice_in_savepoint(
        batch.session,
        lambda: sync_one(batch, item, write=write),
        before_again=lambda: batch.look_up([identify(item)]),  # look at what the twin wrote
    )
    if receipt is None:
        return _refused(None, "This interview could not be stored just now. Send it again.")
    return receipt


def _store_together(batch: _Batch, ready: list[_Ready]) -> dict[int, Receipt]:
    """Write the checked interviews in one savepoint, or one by one if that fails."""
    try:
        with batch.session.begin_nested():
            store(batch, ready)
    except IntegrityError:  # a twin request wrote one of them: each on its own, looked up again
        batch.look_up([entry.uuid for entry in ready])
        return {id(entry): _sync_in_savepoint(batch, entry.item) for entry in ready}
    message = MESSAGES[Outcome.ACCEPTED]
    return {
        id(entry): _receipt(entry.uuid, Outcome.ACCEPTED, message, batch.now) for entry in ready
    }


def sync_one(batch: _Batch, item: Any, *, write: bool = True) -> Receipt | _Ready:
    """Run one interview through the steps above; return its receipt, or, when `write` is
    false and it passed, what the batch writes for it afterwards."""
    uuid = identify(item)
    if uuid is None:
        return _refused(None, "This interview has no proper identifier, so it was not kept.")
    digest = content_hash(item)
    earlier = find_earlier(batch, uuid, digest, item)
    if earlier is not None:
        return earlier
    interview, reasons = read(batch, uuid, item)
    refusal = consent_gate(batch, interview) if interview is not None else None
    if refusal is not None:
        return _receipt(uuid, Outcome.NEEDS_CONSENT, refusal, None)
    if interview is not None:
        definition = batch.definitions[interview.version_id]
        checked = check_interview(definition, interview)
        if not checked.problems:
            ready = _Ready(uuid, interview, item, digest, checked)
            batch.stored[uuid] = _Stored(batch.study.id, batch.interviewer.id, digest, batch.now)
            if not write:
                return ready
            store(batch, [ready])
            return _receipt(uuid, Outcome.ACCEPTED, MESSAGES[Outcome.ACCEPTED], batch.now)
        reasons = checked.problems
    held = hold(batch, uuid, item, digest, HoldKind.QUARANTINED, reasons)
    return _held_receipt(held)


def identify(item: Any) -> str | None:
    """Return the interview's UUID in its canonical form, or None if it has none."""
    raw = item.get("uuid") if isinstance(item, dict) else None
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


def find_earlier(batch: _Batch, uuid: str, digest: str, item: Any) -> Receipt | None:
    """Answer a replay or a conflict from what is stored, or None for a new interview."""
    stored = batch.stored.get(uuid)
    held = batch.held.get(uuid, [])
    owners = {(row.study_id, row.interviewer_id) for row in [*([stored] if stored else []), *held]}
    if owners - {(batch.study.id, batch.interviewer.id)}:
        return _refuse_foreign(batch, uuid)
    same = next((row for row in held if row.content_hash == digest), None)
    if stored is not None and stored.content_hash == digest:
        message = MESSAGES[Outcome.ALREADY_RECEIVED]
        return _receipt(uuid, Outcome.ALREADY_RECEIVED, message, stored.received_at)
    if same is not None:
        return _held_receipt(same)
    if stored is not None:
        return _held_receipt(
            hold(batch, uuid, item, digest, HoldKind.CONFLICT, [MESSAGES[Outcome.CONFLICT]])
        )
    return None


def _refuse_foreign(batch: _Batch, uuid: str) -> Receipt:
    """Refuse an identifier that belongs to another study or interviewer, and audit it."""
    record(
        batch.session,
        Action.SYNC_REFUSED,
        actor=batch.interviewer,
        study=batch.study,
        detail={"reason": "identifier of another study or interviewer", "uuid": uuid},
    )
    return _refused(
        uuid, "This interview's identifier belongs to another study or person. It was not kept."
    )


def read(batch: _Batch, uuid: str, item: Any) -> tuple[InterviewIn | None, list[str]]:
    """Check the interview's shape and version; return it, or the reasons it cannot be read."""
    try:
        interview = InterviewIn.model_validate(item)
    except ValidationError as error:
        return None, schema_problems(error)
    if interview.status == "stopped" and interview.stop_reason is None:
        return None, ["A stopped interview needs a reason for stopping."]
    if interview.version_id not in batch.definitions:
        batch.definitions[interview.version_id] = _definition(batch, interview.version_id)
    if batch.definitions[interview.version_id] is None:
        return None, [
            f"Questionnaire version {interview.version_id} is not a published version of "
            "this study's questionnaires."
        ]
    return interview, []


def _definition(batch: _Batch, version_id: int) -> d.FormDefinition | None:
    """Return a published version's definition if it belongs to the study (audit if not)."""
    row = batch.session.execute(
        sa.select(QuestionnaireVersion.definition, Questionnaire.study_id)
        .join(Questionnaire)
        .where(QuestionnaireVersion.id == version_id)
    ).first()
    if row is None:
        return None
    if row.study_id != batch.study.id:
        record(
            batch.session,
            Action.SYNC_REFUSED,
            actor=batch.interviewer,
            study=batch.study,
            detail={"reason": "questionnaire version of another study", "version": version_id},
        )
        return None
    return d.from_json(row.definition)


def schema_problems(error: ValidationError) -> list[str]:
    """Say what is wrong with the shape of an interview, one sentence per problem."""
    problems = []
    for problem in error.errors()[:20]:
        where = " → ".join(str(part) for part in problem["loc"]) or "the interview"
        problems.append(f"{where}: {problem['msg']}.")
    return problems


def consent_gate(batch: _Batch, interview: InterviewIn) -> str | None:
    """Return why the interview may not be accepted for lack of a valid consent, or None."""
    if batch.gate is None:
        batch.gate = ConsentGate.for_codes(batch.session, batch.study.id, set())
    consent_uuid = str(interview.consent_uuid) if interview.consent_uuid else None
    return batch.gate.problem(interview.participant_code, interview.started_at, consent_uuid)


def store(batch: _Batch, ready: list[_Ready]) -> None:
    """Write interviews, what was sent, and their answer rows (in the caller's savepoint).

    Core inserts, several rows per statement, not the unit of work: an interview is
    written once and never changed here.
    """
    table = Interview.__table__
    insert = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids = batch.session.execute(insert, [_interview_row(batch, entry) for entry in ready])
    answers = [
        {"interview_id": interview_id, "question_key": key, "value": value}
        for interview_id, entry in zip(ids.scalars().all(), ready, strict=True)
        for key, value in dict.fromkeys(entry.checked.rows)
    ]
    if answers:
        batch.session.execute(sa.insert(Answer.__table__), answers)
    for entry in ready:
        if entry.interview.status == InterviewStatus.STOPPED:  # the distress protocol
            wellbeing.interview_stopped(
                batch.session,
                study_id=batch.study.id,
                interviewer_id=batch.interviewer.id,
                interview_uuid=entry.uuid,
            )


def _interview_row(batch: _Batch, entry: _Ready) -> dict[str, Any]:
    """Return the interviews row of a checked interview."""
    interview = entry.interview
    return {
        "uuid": entry.uuid,
        "study_id": batch.study.id,
        "version_id": interview.version_id,
        "interviewer_id": batch.interviewer.id,
        "participant_code": interview.participant_code,
        "language": interview.language,
        "status": interview.status,
        "stop_reason": interview.stop_reason,
        "stop_note": interview.stop_note,
        "started_at": _aware(interview.started_at),
        "finished_at": _aware(interview.finished_at) if interview.finished_at else None,
        "content_hash": entry.digest,
        "submitted": entry.item,
        "dropped": entry.checked.dropped,
        "notes": interview.notes,
        "notes_for_release": False,
        "received_at": batch.now,
    }


def _aware(moment: datetime) -> datetime:
    """Return a time with a time zone (a time sent without one is taken as UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def hold(
    batch: _Batch, uuid: str, item: Any, digest: str, kind: HoldKind, reasons: list[str]
) -> HeldSubmission:
    """Keep a submission for a facilitator, with its reasons."""
    held = HeldSubmission(
        uuid=uuid,
        study_id=batch.study.id,
        interviewer_id=batch.interviewer.id,
        kind=kind,
        reasons=reasons,
        content_hash=digest,
        submitted=item,
        received_at=batch.now,
    )
    batch.session.add(held)
    batch.session.flush()
    batch.held.setdefault(uuid, []).append(held)
    return held


def _held_receipt(held: HeldSubmission) -> Receipt:
    """Return the receipt of a held submission."""
    if held.kind == HoldKind.CONFLICT:
        return _receipt(held.uuid, Outcome.CONFLICT, MESSAGES[Outcome.CONFLICT], held.received_at)
    message = "Kept for a facilitator to look at, because: " + held.reason
    return _receipt(held.uuid, Outcome.QUARANTINED, message, held.received_at)


def _refused(uuid: str | None, message: str) -> Receipt:
    """Return the receipt of an interview that was not kept."""
    return _receipt(uuid, Outcome.REFUSED, message, None)


def _receipt(uuid, outcome: Outcome, message: str, received_at) -> Receipt:
    return Receipt(uuid=uuid, outcome=outcome, message=message, received_at=received_at)
