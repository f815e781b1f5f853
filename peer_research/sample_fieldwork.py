"""Consents and interviews for the sample and demo studies, made through the services that
the sync API uses, as tablets send them."""

from __future__ import annotations

import base64
import io
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import Session

from peer_research.db import utcnow

METHODS = ("signature", "typed_name", "verbal", "consultee")
NAMES = ("Mary Jones", "Dev Patel", "Rhiannon Evans", "Tom Baker", "Aisha Khan", "Piotr Nowak")


def sample_consents(
    session: Session, study, *, facilitator, interviewers, count: int, key_dir: Path | None = None
) -> list[str]:
    """Publish the default consent form (unless one is), make the study's key, and record
    `count` participants' consents (each way of consenting in turn), sealed as a tablet
    seals them; return the participants' codes."""
    from consent import services as consent

    key = consent.ensure_study_key(session, study, key_dir or consent.configured_key_dir())
    version = consent.current_version(session, study.id)
    if version is None:
        consent.draft_of(session, study)
        version = consent.publish_draft(
            session, study=study, by=facilitator, requires_reconsent=False
        )
    codes: list[str] = []
    for place, person in enumerate(interviewers):
        wanted = len(range(place, count, len(interviewers)))
        while wanted > 0:
            got = consent.reserve_codes(session, study=study, user=person, count=min(wanted, 20))
            items = [
                _consent_item(study, version.id, code, key, len(codes) + number)
                for number, code in enumerate(got)
            ]
            consent.receive_consents(
                session,
                study=study,
                interviewer=person,
                items=items,
                key_dir=key_dir or consent.configured_key_dir(),
            )
            codes.extend(got)
            wanted -= len(got)
    return codes


def _consent_item(study, version_id: int, code: str, key, number: int) -> dict:
    """Return one participant's consent as a tablet sends it."""
    from consent import services as consent

    method = METHODS[number % len(METHODS)]
    name = NAMES[number % len(NAMES)]
    details = {
        "name": name,
        "contact": {"email": None, "phone": "01632 960000", "address": None}
        if number % 2
        else None,
        "signature": signature_png() if method == "signature" else None,
        "typed_name": name if method == "typed_name" else None,
        "witness": "Sam Okafor" if method == "verbal" else None,
        "consultee": {"name": "Dora Evans", "relationship": "daughter"}
        if method == "consultee"
        else None,
    }
    return {
        "uuid": str(UUID(int=study.id * 1_000_000 + 500_000 + number)),
        "form_version_id": version_id,
        "language": "en",
        "method": method,
        "participant_code": code,
        "answers": {"take_part": True, "quotes": number % 3 != 1, "recontact": bool(number % 2)},
        "given_at": (utcnow() - timedelta(days=6, minutes=number)).isoformat(),
        "identifiable": consent.seal(details, key.public_key_pem, key.key_id),
    }


def signature_png() -> str:
    """Return a small drawn signature as a PNG data URL."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 80), (0, 0, 0, 0))
    ImageDraw.Draw(image).line(
        [(10, 60), (60, 15), (110, 55), (160, 20), (230, 50)], fill="black", width=3
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def sample_interviews(
    session: Session, study, questionnaire, people, count: int, key_dir: Path | None = None
) -> tuple[int, int]:
    """Sync `count` interviews of the latest version (every third stopped), each with a
    participant who consented, and one that fails the checks; return the first stopped
    interview's id and the held one's."""
    from surveys import definition as d
    from surveys.fielding import services as fielding

    codes = sample_consents(
        session,
        study,
        facilitator=people[0],
        interviewers=people[:1],
        count=max(1, min(count, 60)),
        key_dir=key_dir,
    )
    version = max(questionnaire.versions, key=lambda version: version.number)
    questions = d.from_json(version.definition).questions()
    answers = {q.name: "yes" if q.choices else f"Answer to {q.name}" for q in questions}
    items = [
        {
            "uuid": str(UUID(int=study.id * 1_000_000 + number)),
            "participant_code": codes[number % len(codes)],
            **{"version_id": version.id, "language": "en", "answers": answers},
            "started_at": (utcnow() - timedelta(days=number % 5)).isoformat(),
            "status": "stopped" if number % 3 == 0 else "complete",
            "stop_reason": "tired" if number % 3 == 0 else None,
            "notes": [f"Note {number}"],
        }
        for number in range(count)
    ]
    for place, member in enumerate(people):
        fielding.sync_batch(
            session, study=study, interviewer=member, items=items[place :: len(people)]
        )
    broken = {**items[0], "uuid": str(UUID(int=study.id)), "answers": {"no_such_question": "x"}}
    fielding.sync_batch(session, study=study, interviewer=people[0], items=[broken])
    stopped = sa.select(sa.func.min(fielding.Interview.id)).where(
        fielding.Interview.study_id == study.id, fielding.Interview.status == "stopped"
    )
    held = sa.select(fielding.HeldSubmission.id).where(fielding.HeldSubmission.study_id == study.id)
    return session.scalar(stopped), session.scalar(held)


def sample_withdrawal(
    session: Session, study, facilitator, interview_id: int
) -> tuple[str, str, int]:
    """Withdraw one participant (keeping what was analysed; not the one of the stopped
    interview the pages show) and return another's code and consent, and the withdrawal."""
    from consent import services as consent
    from surveys.fielding import services as fielding

    interviewed = session.get_one(fielding.Interview, interview_id).participant_code
    codes = sorted(row.code for row in consent.register_rows(session, study.id))
    shown = codes[0]
    leaving = next(code for code in reversed(codes) if code not in (shown, interviewed))
    withdrawal = consent.withdraw(
        session,
        study=study,
        code=leaving,
        choice=consent.WithdrawalChoice.KEEP_ANALYSED,
        reason="Asked to stop",
        by=facilitator,
    )
    return shown, consent.records_of(session, study.id, shown)[0].uuid, withdrawal.id
