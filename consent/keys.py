"""The study's key pair, and the envelope that seals a participant's identifiable details.

The public half is a row (`StudyKey`), given to the tablets; the private half is a PEM file
in the folder named by configuration (`CONSENT_KEY_DIR`), never in the database. A tablet
seals the details with WebCrypto: a fresh AES-256-GCM key encrypts the UTF-8 JSON of the
details, and RSA-OAEP (SHA-256, MGF1 SHA-256, no label) wraps that key. `seal` makes the
same envelope in Python (for tests, the demo and the bench); `open_envelope` opens either.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from consent.models import StudyKey
from peer_research.errors import DomainError
from peer_research.studies.models import Study

ALGORITHM = "RSA-OAEP-256+A256GCM"
ENVELOPE_VERSION = 1
KEY_SIZE = 3072
KEY_ID = re.compile(r"^[0-9a-f]{32}$")
_OAEP = padding.OAEP(
    mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None
)


def configured_key_dir() -> Path:
    """Return the folder of private keys named by the running app's configuration."""
    return Path(current_app.config["CONSENT_KEY_DIR"])


def key_id_of(public_key: rsa.RSAPublicKey) -> str:
    """Return a public key's id: the first 32 hex digits of the SHA-256 of its DER."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()[:32]


def public_key_spki(key: StudyKey) -> str:
    """Return a study key's public half as base64 DER (SubjectPublicKeyInfo), for WebCrypto."""
    public_key = serialization.load_pem_public_key(key.public_key_pem.encode())
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def study_key(session: Session, study_id: int) -> StudyKey | None:
    """Return the study's public key, or None when it has none yet."""
    return session.get(StudyKey, study_id)


def ensure_study_key(session: Session, study: Study, key_dir: Path) -> StudyKey:
    """Return the study's key, making a key pair first when it has none.

    The private half is written to `<key_dir>/<key_id>.pem` (mode 0600) before the public
    half is stored, so a stored public key always has its private file.
    """
    existing = study_key(session, study.id)
    if existing is not None:
        return existing
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    key_id = key_id_of(private_key.public_key())
    path = _write_private_key(private_key, key_dir, key_id)
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        with session.begin_nested():
            session.add(
                StudyKey(study_id=study.id, key_id=key_id, public_key_pem=public_pem.decode())
            )
    except IntegrityError:  # another request made the study's key at the same moment
        path.unlink(missing_ok=True)
        return session.get(StudyKey, study.id, populate_existing=True)
    return session.get(StudyKey, study.id)


def _write_private_key(private_key: rsa.RSAPrivateKey, key_dir: Path, key_id: str) -> Path:
    """Write a private key as unencrypted PKCS#8 PEM, readable by its owner only."""
    key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = key_dir / f"{key_id}.pem"
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    path.chmod(0o600)
    return path


def seal(details: dict[str, Any], public_key_pem: str, key_id: str) -> dict[str, Any]:
    """Seal details in the envelope a tablet makes (AES-256-GCM, key wrapped with RSA-OAEP)."""
    public_key = serialization.load_pem_public_key(public_key_pem.encode())
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise DomainError(_("The study's key is not an RSA key."))
    content_key = AESGCM.generate_key(bit_length=256)
    iv = os.urandom(12)
    plain = json.dumps(details, ensure_ascii=False, separators=(",", ":")).encode()
    return {
        "v": ENVELOPE_VERSION,
        "alg": ALGORITHM,
        "kid": key_id,
        "key": _b64(public_key.encrypt(content_key, _OAEP)),
        "iv": _b64(iv),
        "data": _b64(AESGCM(content_key).encrypt(iv, plain, None)),
    }


def open_envelope(envelope: dict[str, Any], *, key_dir: Path) -> dict[str, Any]:
    """Open an envelope with the private key it names; raise DomainError when it cannot."""
    cannot = DomainError(_("The participant's details could not be opened with the study's key."))
    if not isinstance(envelope, dict) or envelope.get("v") != ENVELOPE_VERSION:
        raise cannot
    key_id = envelope.get("kid")
    if envelope.get("alg") != ALGORITHM or not isinstance(key_id, str) or not KEY_ID.match(key_id):
        raise cannot
    private_key = _read_private_key(key_dir, key_id)
    try:
        content_key = private_key.decrypt(_unb64(envelope.get("key")), _OAEP)
        iv = _unb64(envelope.get("iv"))
        if len(content_key) != 32 or len(iv) != 12:
            raise cannot
        plain = AESGCM(content_key).decrypt(iv, _unb64(envelope.get("data")), None)
        details = json.loads(plain.decode())
    except (ValueError, InvalidTag, UnicodeDecodeError, RecursionError):
        raise cannot from None
    if not isinstance(details, dict):
        raise cannot
    return details


def _read_private_key(key_dir: Path, key_id: str) -> rsa.RSAPrivateKey:
    """Load the private key with this id from the key folder; raise DomainError if missing.

    Checking an RSA key as it is loaded takes about 0.2 s, so a key is loaded once per
    file version (path, modification time and size) and kept.
    """
    path = key_dir / f"{key_id}.pem"
    try:
        stat = path.stat()
        return _load_private_key(path, stat.st_mtime_ns, stat.st_size)
    except (OSError, ValueError):
        raise DomainError(
            _("The study's private key is not on this server, so the details cannot be opened.")
        ) from None


@lru_cache(maxsize=32)
def _load_private_key(path: Path, mtime_ns: int, size: int) -> rsa.RSAPrivateKey:
    """Load and check one version of a key file (the arguments beyond the path are the key
    of the cache); raise ValueError when it is not an RSA private key."""
    private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return private_key


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(value: Any) -> bytes:
    """Decode standard base64; raise ValueError for anything else."""
    if not isinstance(value, str):
        raise ValueError("not base64")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error as error:
        raise ValueError("not base64") from error
