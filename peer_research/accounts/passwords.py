"""Password hashing (Argon2id) and the password rules."""

from __future__ import annotations

from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

MIN_LENGTH = 8
MAX_LENGTH = 200


def _hasher() -> PasswordHasher:
    """Return a hasher with the configured cost."""
    config = current_app.config
    return PasswordHasher(
        time_cost=config["PASSWORD_HASH_TIME_COST"],
        memory_cost=config["PASSWORD_HASH_MEMORY_COST"],
    )


def hash_password(password: str) -> str:
    """Return the Argon2id hash of a password."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Tell whether the password matches the stored hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Tell whether a stored hash uses older cost settings."""
    return _hasher().check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    """Return the list of common passwords that are refused."""
    text = resources.files("peer_research.accounts").joinpath("data/common-passwords.txt")
    lines = text.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, *, personal_words: tuple[str, ...] = ()) -> str | None:
    """Return why a password is not allowed, in plain words, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return _(
            "Your password must be at least %(count)d characters. "
            "A few words together, like a short sentence, work well.",
            count=MIN_LENGTH,
        )
    if len(password) > MAX_LENGTH:
        return _("Your password must be %(count)d characters or fewer.", count=MAX_LENGTH)
    folded = password.strip().lower()
    if folded in common_passwords():
        return _("That password is too common and easy to guess. Try a few words together.")
    if any(word and folded == word.strip().lower() for word in personal_words):
        return _("Your password must not be your name or username.")
    return None
