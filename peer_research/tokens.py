"""Random single-use tokens for links; only their hashes are stored."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100


def new_token() -> tuple[str, str]:
    """Return a fresh URL-safe token and the hash to store."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest that identifies a token in the database."""
    return hashlib.sha256(token[:MAX_TOKEN_LENGTH].encode()).hexdigest()
