"""Easy-read images: keep a checked picture once per questionnaire, and put it on a draft
question or answer (or take it off again).

The checks and the cleaning of an upload are `peer_research.images` (consent form pictures use
them too). Files are kept in the database (any app server can serve them), once per
questionnaire (by SHA-256), and never deleted when a question stops using one: published
versions may still show it. A file that no draft item, live suggestion or published version
names any more is deleted (`remove_unused_media`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.errors import DomainError
from peer_research.images import (
    DEFAULT_MAX_BYTES,
    FIELD,
    IMAGE_TYPES,
    MAX_PIXELS,
    MAX_SIDE,
    ImageRefusedError,
    check_image,
    clean_filename,
    clean_image,
    describe_size,
    sniff_image_type,
)
from surveys import definition as d
from surveys import services
from surveys.models import DraftItem, MediaFile, Questionnaire, QuestionnaireVersion

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FIELD",
    "IMAGE_TYPES",
    "MAX_PIXELS",
    "MAX_SIDE",
    "ImageRefusedError",
    "check_image",
    "clean_filename",
    "clean_image",
    "describe_size",
    "sniff_image_type",
    "store_image",
]

STORED_NAME = re.compile(r"^(?P<hash>[0-9a-f]{16})\.(?P<extension>png|jpg|webp)$")


def store_image(
    session: Session,
    *,
    questionnaire: Questionnaire,
    data: bytes,
    filename: str | None,
    max_bytes: int,
    uploaded_by: User | None,
) -> MediaFile:
    """Keep a checked picture for a questionnaire, or return the same picture kept before."""
    content_type = check_image(data, max_bytes=max_bytes)
    data = clean_image(data, content_type)
    digest = hashlib.sha256(data).hexdigest()
    existing = _by_hash(session, questionnaire, digest)
    if existing is not None:
        return existing
    media = MediaFile(
        questionnaire_id=questionnaire.id,
        sha256=digest,
        filename=clean_filename(filename),
        content_type=content_type,
        size=len(data),
        data=data,
        created_by_id=uploaded_by.id if uploaded_by else None,
    )
    try:
        with session.begin_nested():  # someone uploading the same picture at the same moment
            session.add(media)
            session.flush()
    except IntegrityError:
        existing = _by_hash(session, questionnaire, digest)
        if existing is None:
            raise
        return existing
    return media


def _by_hash(session: Session, questionnaire: Questionnaire, digest: str) -> MediaFile | None:
    """Return the questionnaire's file with this SHA-256, if it has one."""
    return session.scalar(
        sa.select(MediaFile).where(
            MediaFile.questionnaire_id == questionnaire.id, MediaFile.sha256 == digest
        )
    )


def get_media(
    session: Session, *, questionnaire: Questionnaire, stored_name: str
) -> MediaFile | None:
    """Return the questionnaire's file a question refers to by its stored name."""
    match = STORED_NAME.match(stored_name)
    if match is None:
        return None
    candidates = session.scalars(
        sa.select(MediaFile).where(
            MediaFile.questionnaire_id == questionnaire.id,
            MediaFile.sha256.startswith(match["hash"], autoescape=True),
        )
    )
    return next((media for media in candidates if media.stored_name == stored_name), None)


def draft_question(session: Session, questionnaire: Questionnaire, name: str) -> d.Question:
    """Return a question of the draft by name, or raise a plain error."""
    item = services.draft_definition(session, questionnaire).find(name)
    if not isinstance(item, d.Question):
        raise DomainError(
            _("That question is no longer in the draft. Someone may have deleted it.")
        )
    return item


def with_image(question: d.Question, *, choice: str | None, image: str | None) -> d.Question:
    """Return the question with its own image, or one answer's image, set (None removes it)."""
    if not choice:
        return replace(question, image=image)
    if choice not in {option.name for option in question.choices}:
        raise DomainError(_("That answer is not part of this question."), field=FIELD)
    return replace(
        question,
        choices=tuple(
            replace(option, image=image) if option.name == choice else option
            for option in question.choices
        ),
    )


def attach_image(
    session: Session,
    *,
    questionnaire: Questionnaire,
    name: str,
    choice: str | None,
    data: bytes,
    filename: str | None,
    max_bytes: int,
    expected_revision: int,
    changed_by: User,
) -> MediaFile:
    """Check and keep a picture, and show it with a draft question or one of its answers."""
    question = draft_question(session, questionnaire, name)
    with_image(question, choice=choice, image=None)  # an unknown answer is refused first
    media = store_image(
        session,
        questionnaire=questionnaire,
        data=data,
        filename=filename,
        max_bytes=max_bytes,
        uploaded_by=changed_by,
    )
    services.update_item(
        session,
        questionnaire=questionnaire,
        name=name,
        item=with_image(question, choice=choice, image=media.stored_name),
        expected_revision=expected_revision,
        changed_by=changed_by,
    )
    return media


def remove_image(
    session: Session,
    *,
    questionnaire: Questionnaire,
    name: str,
    choice: str | None,
    expected_revision: int,
    changed_by: User,
) -> None:
    """Stop showing a picture with a draft question or answer (the file itself is kept)."""
    question = draft_question(session, questionnaire, name)
    services.update_item(
        session,
        questionnaire=questionnaire,
        name=name,
        item=with_image(question, choice=choice, image=None),
        expected_revision=expected_revision,
        changed_by=changed_by,
    )


def pictures_named_in(value: object) -> set[str]:
    """Return every stored picture name found anywhere in a JSON value (a definition, a change)."""
    if isinstance(value, str):
        return {value} if STORED_NAME.match(value) else set()
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return set().union(*(pictures_named_in(item) for item in value))
    return set()


def remove_unused_media(
    session: Session, *, questionnaire: Questionnaire, also_used: set[str]
) -> int:
    """Delete the questionnaire's pictures that no draft item (deleted ones too, which can
    come back), published version, nor `also_used` (live suggestions) names; return how many.
    """
    used = set(also_used)
    for content in session.scalars(
        sa.select(DraftItem.content).where(DraftItem.questionnaire_id == questionnaire.id)
    ):
        used |= pictures_named_in(content)
    for definition in session.scalars(
        sa.select(QuestionnaireVersion.definition).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id
        )
    ):
        used |= pictures_named_in(definition)  # published versions keep theirs forever
    unused = [
        media
        for media in session.scalars(
            sa.select(MediaFile).where(MediaFile.questionnaire_id == questionnaire.id)
        )
        if media.stored_name not in used
    ]
    for media in unused:
        session.delete(media)
    session.flush()
    return len(unused)
