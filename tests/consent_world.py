"""Consent for tests: a published consent form, the study's key, codes and consent records."""

from __future__ import annotations

import base64
import io
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from PIL import Image, ImageDraw

from consent.keys import ensure_study_key, key_id_of, seal
from consent.models import ParticipantCode, StudyKey
from consent.versions import draft_of, publish_draft

NAME = "Mary Jones"


@cache
def shared_private_key() -> rsa.RSAPrivateKey:
    """Return one key pair for the whole run (making one takes a fraction of a second)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=3072)


def give_study_the_test_key(session, study, key_dir: Path) -> StudyKey:
    """Give a study the run's test key pair: the public half stored, the private half a file
    (a new pair when another study kept the shared one, as in committed browser tests)."""
    private_key = shared_private_key()
    key_id = key_id_of(private_key.public_key())
    if session.scalar(sa.select(StudyKey).where(StudyKey.key_id == key_id)) is not None:
        return ensure_study_key(session, study, key_dir)
    key_dir.mkdir(parents=True, exist_ok=True)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (key_dir / f"{key_id}.pem").write_bytes(pem)
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    key = StudyKey(study_id=study.id, key_id=key_id, public_key_pem=public_pem.decode())
    session.add(key)
    session.flush()
    return key


def publish_consent_form(session, study, by, *, requires_reconsent: bool = False):
    """Publish the study's consent form (the default wording, changed a little each time)."""
    draft = draft_of(session, study)
    content = dict(draft.content)
    content["title"] = {"en": f"Taking part, version {(draft.id or 0)} {uuid.uuid4().hex[:6]}"}
    draft.content = content
    session.flush()
    return publish_draft(session, study=study, by=by, requires_reconsent=requires_reconsent)


def add_code(session, study, user, code: str = "KT7-M4C") -> str:
    """Reserve a known code for an interviewer."""
    session.add(ParticipantCode(study_id=study.id, code=code, reserved_for_id=user.id))
    session.flush()
    return code


def signature_png(*, blank: bool = False, size: tuple[int, int] = (300, 100)) -> str:
    """Return a signature as a PNG data URL: a drawn line, or nothing drawn."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(image).line(
            [(10, 80), (100, 20), (200, 70), (290, 30)], fill="black", width=4
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def details(method: str = "signature", **changes: Any) -> dict[str, Any]:
    """Return identifiable details that fit a method, with changes."""
    found: dict[str, Any] = {
        "name": NAME,
        "contact": None,
        "signature": signature_png() if method == "signature" else None,
        "typed_name": NAME if method == "typed_name" else None,
        "witness": "Wendy Witness" if method == "verbal" else None,
        "consultee": (
            {"name": "Dora Jones", "relationship": "daughter"} if method == "consultee" else None
        ),
    }
    found.update(changes)
    return found


def consent_item(
    version_id: int,
    code: str,
    key: StudyKey,
    *,
    method: str = "signature",
    answers: dict[str, bool] | None = None,
    sealed: dict[str, Any] | None = None,
    **changes: Any,
) -> dict[str, Any]:
    """Return a consent as a tablet sends it, sealed with the study's key."""
    item = {
        "uuid": str(uuid.uuid4()),
        "form_version_id": version_id,
        "language": "en",
        "method": method,
        "participant_code": code,
        "answers": answers or {"take_part": True, "quotes": True, "recontact": False},
        "given_at": "2026-11-30T09:55:00+00:00",
        "identifiable": seal(
            sealed if sealed is not None else details(method), key.public_key_pem, key.key_id
        ),
    }
    item.update(changes)
    return item


@dataclass
class ConsentWorld:
    """A study with a published consent form, its key, a facilitator and an interviewer."""

    study: Any
    facilitator: Any
    interviewer: Any
    version: Any
    key: StudyKey
    key_dir: Path
    code: str


def give_consent(
    session, study, facilitator, interviewer, code: str, config
) -> tuple[Any, StudyKey]:
    """Publish a consent form, give the study the test key, and record a participant's
    consent through the service the sync API uses; return the version and the key."""
    from consent.services import receive_consents

    key_dir = Path(config["CONSENT_KEY_DIR"])
    key = give_study_the_test_key(session, study, key_dir)
    consent_version = publish_consent_form(session, study, facilitator)
    add_code(session, study, interviewer, code)
    receipts = receive_consents(
        session,
        study=study,
        interviewer=interviewer,
        items=[consent_item(consent_version.id, code, key)],
        key_dir=key_dir,
    )
    assert receipts[0].outcome == "accepted", receipts[0].message
    return consent_version, key
