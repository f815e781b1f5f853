"""Pictures for the easy-read consent form: checked, cleaned and kept once per study.

An upload goes through `peer_research.images` (PNG, JPEG or WebP judged by its bytes, decoded
in full, drawn again without EXIF or text). It is kept in the database under the SHA-256 of
what is stored, so the address of a picture never shows anything else and tablets can keep
it. Uploading does not change the form: a picture appears in the easy-read sheet only when
the group agrees a suggestion that uses it, and published versions keep theirs for ever.
"""

from __future__ import annotations

import hashlib
import re

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from consent.models import ConsentPicture
from consent.wording.suggestions import require_consent_group
from peer_research.accounts.models import User
from peer_research.images import IMAGE_TYPES, check_image, clean_image
from peer_research.studies.models import Study

STORED_NAME = re.compile(r"^[0-9a-f]{64}\.(png|jpg|webp)$")


def store_picture(
    session: Session, *, study: Study, data: bytes, max_bytes: int, uploaded_by: User
) -> ConsentPicture:
    """Keep a checked picture for the study's consent form, or return the same one kept before;
    raise ImageRefusedError (a DomainError) saying why a file cannot be used."""
    require_consent_group(session, study=study, user=uploaded_by)
    content_type = check_image(data, max_bytes=max_bytes)
    data = clean_image(data, content_type)
    stored_name = f"{hashlib.sha256(data).hexdigest()}.{IMAGE_TYPES[content_type][1]}"
    existing = get_picture(session, study=study, stored_name=stored_name)
    if existing is not None:
        return existing
    picture = ConsentPicture(
        study_id=study.id, stored_name=stored_name, content_type=content_type, data=data
    )
    try:
        with session.begin_nested():  # someone uploading the same picture at the same moment
            session.add(picture)
            session.flush()
    except IntegrityError:
        existing = get_picture(session, study=study, stored_name=stored_name)
        if existing is None:
            raise
        return existing
    return picture


def get_picture(session: Session, *, study: Study, stored_name: str) -> ConsentPicture | None:
    """Return one of the study's consent form pictures by its stored name, or None."""
    if not STORED_NAME.match(stored_name or ""):
        return None
    return session.scalar(
        sa.select(ConsentPicture).where(
            ConsentPicture.study_id == study.id, ConsentPicture.stored_name == stored_name
        )
    )


def pictures_of(session: Session, study: Study) -> list[ConsentPicture]:
    """Return the study's consent form pictures, newest first (without their bytes)."""
    query = (
        sa.select(ConsentPicture)
        .where(ConsentPicture.study_id == study.id)
        .order_by(ConsentPicture.created_at.desc(), ConsentPicture.id.desc())
    )
    return list(session.scalars(query))
