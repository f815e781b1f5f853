"""Kinds of suggestion that change many items at once, handled by the package that owns them.

Translations and languages suggestions (`surveys.translations`) are co-design proposals like
any other: they are written, voted on, decided and logged here. But the engine knows nothing
of texts and languages: the owning package registers a `BundleKind` for each of its kinds,
telling the engine whether the draft moved on under a suggestion, what it changes and how to
make it. The app factory registers them (`surveys.translations.register_kinds`); the engine
registers its own kind of several changes at once (`several_draft.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from surveys.changes import FieldChange
from surveys.codesign.models import BUNDLE_KINDS, ChangeKind, Proposal


@dataclass(frozen=True)
class BundleKind:
    """How the engine reads and applies one kind of many-item suggestion."""

    # (session, proposal=) -> what changed under the suggestion since it was written (an
    # item's name or its "@target"), or None when it still fits the draft.
    stale_item: Callable[..., str | None]
    # (session, proposal, name) -> that change, said in plain words.
    stale_message: Callable[[Session, Proposal, str], str]
    # (session, proposal=, language=) -> what it changes, field by field (language None:
    # the questionnaire's main language).
    changes: Callable[..., list[FieldChange]]
    # (session, proposal=) -> make the change to the draft, inside the caller's savepoint.
    apply: Callable[..., None]
    # (session, proposal=) -> refuse, with a plain message, to put it to the group as it is
    # (an empty suggestion, one whose changes no longer fit together); None: always ready.
    ready: Callable[..., None] | None = None


_handlers: dict[ChangeKind, BundleKind] = {}


def register_bundle_kind(kind: ChangeKind, handler: BundleKind) -> None:
    """Say how the engine handles one kind of many-item suggestion (idempotent)."""
    if kind not in BUNDLE_KINDS:
        raise ValueError(f"{kind} is not a kind of suggestion that changes many items")
    _handlers[kind] = handler


def bundle_kind(proposal: Proposal) -> BundleKind | None:
    """Return the handler of a many-item suggestion, or None for a one-item suggestion."""
    if proposal.kind not in BUNDLE_KINDS:
        return None
    try:
        return _handlers[proposal.kind]
    except KeyError:
        raise LookupError(
            f"nothing handles {proposal.kind} suggestions: the app factory registers them"
        ) from None
