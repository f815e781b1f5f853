"""Bring consent records home from the tablets: checked, idempotent, nothing half stored.

Each consent of a batch is checked on its own, in its own savepoint, and gets one receipt:

1. It needs a proper identifier (a UUID), or it is refused.
2. The identifier plus a SHA-256 of the canonical JSON of what was sent makes it
   idempotent: the same content again is `already_received`; other content under a stored
   identifier is a `conflict` (nothing stored, an audit entry). An identifier of another
   study or interviewer is refused and audited.
3. The shape (`schemas.ConsentIn`), then what the shape cannot say: a published version of
   this study's form, one of its languages, exactly its statements with every required one
   agreed, a code this study made, and sealed details that open with the study's key and
   fit the method (`details.check_details`).
4. The record is stored with the envelope only; the details are never kept in clear.
"""

from __future__ import annotations

import hashlib
import json
import uuid as uuid_module
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from pydantic import ValidationError
from sqlalchemy.orm import Session, undefer

from consent.codes import code_of_study, normalise_code
from consent.content import read_content
from consent.details import check_details
from consent.keys import open_envelope, study_key
from consent.models import ConsentRecord
from consent.schemas import ConsentIn, ConsentOutcome, ConsentReceipt
from consent.versions import published_version
from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.db import twice_in_savepoint, utcnow
from peer_research.errors import DomainError
from peer_research.studies.models import Role, Study
from peer_research.studies.services import find_membership


class ConsentRefusedError(DomainError):
    """A consent that cannot be stored; `audit` when it is a security matter."""

    def __init__(self, message: str, *, audit: str | None = None) -> None:
        super().__init__(message)
        self.audit = audit


@dataclass
class _Batch:
    """What one batch of consents shares."""

    session: Session
    study: Study
    interviewer: User
    key_dir: Path
    now: datetime = field(default_factory=utcnow)


def receive_consents(
    session: Session, *, study: Study, interviewer: User, items: list[Any], key_dir: Path
) -> list[ConsentReceipt]:
    """Check and store each consent of a batch; return one receipt each, in order."""
    batch = _Batch(session, study, interviewer, key_dir)
    return [_receive_in_savepoint(batch, item) for item in items]


def _receive_in_savepoint(batch: _Batch, item: Any) -> ConsentReceipt:
    """Receive one consent; if a twin request stored it meanwhile, answer as for a replay."""
    receipt = twice_in_savepoint(batch.session, lambda: receive_one(batch, item))
    if receipt is None:
        return _refused(None, _("This consent could not be stored just now. Send it again."))
    return receipt


def receive_one(batch: _Batch, item: Any) -> ConsentReceipt:
    """Run one consent through the steps above and return its receipt."""
    uuid = identify(item)
    if uuid is None:
        return _refused(None, _("This consent has no proper identifier, so it was not kept."))
    digest = content_hash(item)
    earlier = batch.session.scalars(
        sa.select(ConsentRecord).where(ConsentRecord.uuid == uuid)
    ).first()
    if earlier is not None:
        return _answer_earlier(batch, earlier, uuid, digest)
    try:
        consent = _read(item)
        _check(batch, consent)
    except ConsentRefusedError as refusal:
        if refusal.audit:
            _audit_refusal(batch, uuid, refusal.audit)
        return _refused(uuid, refusal.message)
    _store(batch, uuid, digest, consent)
    return ConsentReceipt(
        uuid,
        ConsentOutcome.ACCEPTED,
        _("Received. It is safe to delete it from this device."),
        batch.now,
    )


def identify(item: Any) -> str | None:
    """Return the consent's UUID in its canonical form, or None if it has none."""
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


def _answer_earlier(
    batch: _Batch, earlier: ConsentRecord, uuid: str, digest: str
) -> ConsentReceipt:
    """Answer a replay, a conflict, or an identifier that belongs to someone else."""
    if (earlier.study_id, earlier.interviewer_id) != (batch.study.id, batch.interviewer.id):
        _audit_refusal(batch, uuid, "identifier of another study or interviewer")
        return _refused(
            uuid,
            _("This consent's identifier belongs to another study or person. It was not kept."),
        )
    if earlier.content_hash == digest:
        return ConsentReceipt(
            uuid,
            ConsentOutcome.ALREADY_RECEIVED,
            _("This consent was already received. It is safe to delete it from this device."),
            earlier.received_at,
        )
    _audit_refusal(batch, uuid, "same identifier, different content")
    return ConsentReceipt(
        uuid,
        ConsentOutcome.CONFLICT,
        _(
            "A consent with the same identifier but different answers was received before. "
            "This one was not kept; a facilitator can see the first one."
        ),
        None,
    )


def _read(item: Any) -> ConsentIn:
    """Check the consent's shape; raise ConsentRefusedError saying what is wrong."""
    try:
        return ConsentIn.model_validate(item)
    except ValidationError as error:
        problems = []
        for problem in error.errors()[:10]:
            where = " → ".join(str(part) for part in problem["loc"]) or _("the consent")
            problems.append(f"{where}: {problem['msg']}.")
        raise ConsentRefusedError(" ".join(problems)) from None


def _check(batch: _Batch, consent: ConsentIn) -> None:
    """Check the consent against the study's form, codes and key; raise if it is wrong."""
    session, study = batch.session, batch.study
    version = published_version(session, study.id, consent.form_version_id)
    if version is None:
        raise ConsentRefusedError(
            _("This is not a published version of this study's consent form."),
            audit="consent form version of another study, a draft or none",
        )
    content = read_content(version.content)
    if consent.language not in content.languages:
        raise ConsentRefusedError(_("The consent form has no wording in that language."))
    keys = {statement.key for statement in content.statements}
    if set(consent.answers) != keys:
        raise ConsentRefusedError(
            _("The answers do not match the statements of this consent form.")
        )
    if any(s.required and not consent.answers[s.key] for s in content.statements):
        raise ConsentRefusedError(_("A statement the person must agree to was not agreed to."))
    if code_of_study(session, study.id, consent.participant_code) is None:
        raise ConsentRefusedError(
            _("This participant code was not made for this study."), audit="unknown code"
        )
    key = study_key(session, study.id)
    if key is None or consent.identifiable.kid != key.key_id:
        raise ConsentRefusedError(
            _("The participant's details were not sealed with this study's key."),
            audit="details sealed with another key",
        )
    try:
        details = open_envelope(consent.identifiable.model_dump(), key_dir=batch.key_dir)
        check_details(details, method=consent.method, content=content, answers=consent.answers)
    except DomainError as error:
        raise ConsentRefusedError(error.message) from None


def _store(batch: _Batch, uuid: str, digest: str, consent: ConsentIn) -> ConsentRecord:
    """Store the record with the sealed details only, and mark the code as used."""
    given_at = consent.given_at if consent.given_at.tzinfo else consent.given_at.replace(tzinfo=UTC)
    stored = ConsentRecord(
        uuid=uuid,
        study_id=batch.study.id,
        form_version_id=consent.form_version_id,
        participant_code=consent.participant_code,
        language=consent.language,
        method=consent.method,
        answers=dict(consent.answers),
        given_at=given_at,
        interviewer_id=batch.interviewer.id,
        received_at=batch.now,
        content_hash=digest,
        identifiable=consent.identifiable.model_dump(),
    )
    batch.session.add(stored)
    code = code_of_study(batch.session, batch.study.id, consent.participant_code)
    if code is not None and code.used_at is None:
        code.used_at = batch.now
    batch.session.flush()
    return stored


def _audit_refusal(batch: _Batch, uuid: str, reason: str) -> None:
    """Audit a refused consent that is a security matter."""
    record(
        batch.session,
        Action.CONSENT_REFUSED,
        actor=batch.interviewer,
        study=batch.study,
        detail={"reason": reason, "uuid": uuid},
    )


def _refused(uuid: str | None, message: str) -> ConsentReceipt:
    """Return the receipt of a consent that was not kept."""
    return ConsentReceipt(uuid, ConsentOutcome.REFUSED, message, None)


MAX_REASON = 500
FACILITATORS = frozenset({Role.FACILITATOR})


class DetailsRefusedError(DomainError):
    """Someone without the role asked for identifiable details (audited; commit the audit)."""


@dataclass(frozen=True)
class RevealedRecord:
    """One consent record with its identifiable details opened (None once removed)."""

    record: ConsentRecord
    details: dict[str, Any] | None


def reveal_details(
    session: Session, *, study: Study, code: str, viewer: User, reason: str, key_dir: Path
) -> list[RevealedRecord]:
    """Open a participant's identifiable details for a facilitator who gave a reason, and
    audit the view; a person without the role gets DetailsRefusedError (audited too)."""
    _study, membership = find_membership(session, slug=study.slug, user=viewer)
    code = normalise_code(code) or code[:20]
    if membership is None or not membership.has_any_role(FACILITATORS):
        record(
            session,
            Action.CONSENT_DETAILS_REFUSED,
            actor=viewer,
            study=study,
            detail={"participant_code": code[:20]},
        )
        raise DetailsRefusedError(
            _("Only the study's facilitators can see a participant's details.")
        )
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise DomainError(
            _("Say why you need to see these details (at most %(n)d characters).", n=MAX_REASON),
            field="reason",
        )
    records = list(
        session.scalars(
            sa.select(ConsentRecord)
            .where(ConsentRecord.study_id == study.id, ConsentRecord.participant_code == code)
            .order_by(ConsentRecord.given_at.desc(), ConsentRecord.id.desc())
            .options(undefer(ConsentRecord.identifiable))
        )
    )
    if not records:
        raise DomainError(_("There is no participant with that code in this study."), field="code")
    revealed = [
        RevealedRecord(item, open_record_details(item, key_dir=key_dir)) for item in records
    ]
    record(
        session,
        Action.CONSENT_DETAILS_VIEWED,
        actor=viewer,
        study=study,
        detail={"participant_code": code, "reason": reason, "records": len(records)},
    )
    return revealed


def open_record_details(consent: ConsentRecord, *, key_dir: Path) -> dict[str, Any] | None:
    """Open one record's sealed details (None once a withdrawal removed them); not audited:
    the caller audits (a facilitator's view) or only prints them (the participant's copy)."""
    if consent.identifiable is None:
        return None
    return open_envelope(consent.identifiable, key_dir=key_dir)
