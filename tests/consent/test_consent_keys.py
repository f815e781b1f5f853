"""The study's key pair and the envelope: made in Python or as WebCrypto makes it, opened here."""

from __future__ import annotations

import base64
import json
import os
import stat

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from consent.keys import KEY_SIZE, ensure_study_key, key_id_of, open_envelope, seal
from peer_research.errors import DomainError

from consent_world import details


@pytest.fixture
def made_key(app, db_session, make_study, tmp_path):
    """Return a new study's key, made by `ensure_study_key`, and its folder."""
    study = make_study()
    key_dir = tmp_path / "keys"
    with app.app_context():
        key = ensure_study_key(db_session, study, key_dir)
    db_session.commit()
    return study, key, key_dir


def test_a_study_key_is_rsa_3072_with_its_private_half_in_a_private_file(made_key):
    _study, key, key_dir = made_key
    public_key = serialization.load_pem_public_key(key.public_key_pem.encode())
    assert public_key.key_size == KEY_SIZE == 3072
    assert public_key.public_numbers().e == 65537
    assert key.key_id == key_id_of(public_key)
    assert len(key.key_id) == 32
    path = key_dir / f"{key.key_id}.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert private_key.public_key().public_numbers() == public_key.public_numbers()
    assert b"BEGIN PRIVATE KEY" in path.read_bytes()  # PKCS#8, not encrypted


def test_asking_again_gives_the_same_key(app, db_session, made_key):
    study, key, key_dir = made_key
    with app.app_context():
        again = ensure_study_key(db_session, study, key_dir)
    assert again.key_id == key.key_id
    assert len(list(key_dir.iterdir())) == 1


def test_the_private_key_is_never_in_the_database(db_session, made_key):
    import sqlalchemy as sa

    _study, key, key_dir = made_key
    private_pem = (key_dir / f"{key.key_id}.pem").read_text()
    body = "".join(private_pem.splitlines()[1:-1])[:64]
    rows = db_session.execute(sa.text("SELECT * FROM consent_study_keys")).all()
    assert rows
    assert all(body not in str(value) for row in rows for value in row)


def test_a_sealed_envelope_opens_to_the_same_details(app, made_key):
    _study, key, key_dir = made_key
    sent = details("consultee", contact={"email": "m@example.org", "phone": None, "address": None})
    with app.app_context():
        envelope = seal(sent, key.public_key_pem, key.key_id)
        assert set(envelope) == {"v", "alg", "kid", "key", "iv", "data"}
        assert envelope["alg"] == "RSA-OAEP-256+A256GCM"
        assert "Mary" not in json.dumps(envelope)
        assert open_envelope(envelope, key_dir=key_dir) == sent


def webcrypto_envelope(details_json: bytes, public_key_pem: str, key_id: str) -> dict:
    """Seal as the browser does, step by step: AES-256-GCM with the tag after the ciphertext,
    the raw AES key wrapped with RSA-OAEP (SHA-256, MGF1 SHA-256, no label)."""
    public_key = serialization.load_pem_public_key(public_key_pem.encode())
    raw_key = os.urandom(32)
    iv = os.urandom(12)
    cipher_and_tag = AESGCM(raw_key).encrypt(iv, details_json, None)
    wrapped = public_key.encrypt(
        raw_key,
        padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None),
    )
    b64 = lambda data: base64.b64encode(data).decode()  # noqa: E731
    return {
        "v": 1,
        "alg": "RSA-OAEP-256+A256GCM",
        "kid": key_id,
        "key": b64(wrapped),
        "iv": b64(iv),
        "data": b64(cipher_and_tag),
    }


def test_an_envelope_made_as_webcrypto_makes_it_opens(app, made_key):
    _study, key, key_dir = made_key
    sent = details("typed_name", name="Siân Ó Briain")
    envelope = webcrypto_envelope(
        json.dumps(sent, ensure_ascii=False).encode(), key.public_key_pem, key.key_id
    )
    with app.app_context():
        assert open_envelope(envelope, key_dir=key_dir) == sent


@pytest.mark.parametrize(
    "spoil",
    [
        lambda e: {**e, "data": base64.b64encode(b"x" * 40).decode()},  # tag does not match
        lambda e: {**e, "iv": base64.b64encode(b"\0" * 12).decode()},  # another IV
        lambda e: {**e, "key": base64.b64encode(b"\1" * 384).decode()},  # not the wrapped key
        lambda e: {**e, "key": "not base64!"},
        lambda e: {**e, "kid": "../../etc/passwd"},
        lambda e: {**e, "kid": "0" * 32},  # no such key here
        lambda e: {**e, "v": 2},
        lambda e: {**e, "alg": "RSA1_5"},
        lambda e: [e],
    ],
)
def test_a_spoilt_envelope_does_not_open(app, made_key, spoil):
    _study, key, key_dir = made_key
    with app.app_context():
        envelope = seal(details(), key.public_key_pem, key.key_id)
        with pytest.raises(DomainError):
            open_envelope(spoil(envelope), key_dir=key_dir)


def test_the_key_folder_comes_from_configuration_and_defaults_to_the_instance(app):
    from pathlib import Path

    assert Path(app.config["CONSENT_KEY_DIR"]) == Path(app.instance_path) / "consent-keys"


def test_the_key_folder_can_be_set(tmp_path):
    from peer_research import create_app

    from support import config_for_tests

    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    app = create_app(
        config_for_tests(url, CONSENT_KEY_DIR=str(tmp_path / "elsewhere")),
        instance_path=str(tmp_path / "instance"),
    )
    assert app.config["CONSENT_KEY_DIR"] == str(tmp_path / "elsewhere")
    app.extensions["database"].engine.dispose()
