"""Easy-read images: check an upload is a real PNG, JPEG or WebP, keep it once per
questionnaire, and put it on a draft question or answer (or take it off again).

An upload is judged by its content, never by its file name or the type the browser claims: the
first bytes must be a PNG, JPEG or WebP signature, and the whole picture must then decode, so a
PNG header on garbage, HTML renamed to .png and SVG (which can carry scripts) are all refused
with a message a person can act on. Files are kept in the database (any app server can serve
them), once per questionnaire (by SHA-256), and never deleted when a question stops using one:
published versions may still show it.

What is kept is not the upload but the picture drawn again (`clean_image`): turned the way
the camera said it was held, then saved without EXIF, XMP or text (a phone's photo carries
where it was taken). Pictures over MAX_PIXELS are refused. A file that no draft item, live
suggestion or published version names any more is deleted (`remove_unused_media`).
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import replace

import sqlalchemy as sa
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.errors import DomainError
from surveys import definition as d
from surveys import services
from surveys.models import DraftItem, MediaFile, Questionnaire, QuestionnaireVersion

DEFAULT_MAX_BYTES = 1024 * 1024  # the app's MEDIA_MAX_BYTES setting overrides it
MAX_SIDE = 8000  # pixels: bigger pictures would overwhelm a tablet's memory when shown
# 12 megapixels (4000 x 3000): a phone's full photo; more is never needed to read a picture
# on a tablet, and a small file can hide a huge picture (a 115 KB PNG of 40 megapixels).
MAX_PIXELS = 12_000_000

# Content type -> (the format Pillow must find in the file, the stored file extension).
IMAGE_TYPES = {
    "image/png": ("PNG", "png"),
    "image/jpeg": ("JPEG", "jpg"),
    "image/webp": ("WEBP", "webp"),
}
STORED_NAME = re.compile(r"^(?P<hash>[0-9a-f]{16})\.(?P<extension>png|jpg|webp)$")
FIELD = "image"


class ImageRefusedError(DomainError):
    """The upload is not a picture we can keep; nothing was saved."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field=FIELD)


def sniff_image_type(data: bytes) -> str:
    """Return the content type the first bytes say (PNG, JPEG, WebP), or refuse the file."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in head or head.startswith(b"<?xml"):
        raise ImageRefusedError(
            _(
                "SVG pictures cannot be used, because they can carry hidden programs. "
                "Save the picture as PNG or JPEG and upload that."
            )
        )
    raise ImageRefusedError(
        _("This file is not a PNG, JPEG or WebP picture. Save it as one of those and try again.")
    )


def check_image(data: bytes, *, max_bytes: int) -> str:
    """Return the content type of an acceptable picture, or raise ImageRefusedError saying why."""
    if not data:
        raise ImageRefusedError(_("Choose a picture to upload."))
    if len(data) > max_bytes:
        raise ImageRefusedError(
            _("The picture must be %(size)s or smaller.", size=describe_size(max_bytes))
        )
    content_type = sniff_image_type(data)
    expected_format = IMAGE_TYPES[content_type][0]
    damaged = ImageRefusedError(
        _(
            "This picture is damaged or is not really a %(kind)s file. Open it in a picture "
            "editor, save it again and upload the new file.",
            kind=expected_format,
        )
    )
    too_big = ImageRefusedError(
        _(
            "The picture is too big. Make it smaller, at most %(side)d pixels wide and high "
            "and 12 megapixels in all (for example 4000 by 3000 pixels), and upload it again.",
            side=MAX_SIDE,
        )
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as picture:
                if picture.format != expected_format:
                    raise damaged
                width, height = picture.size
                if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    raise too_big
                picture.verify()  # checksums, where the format has them
            with Image.open(io.BytesIO(data)) as picture:
                picture.load()  # decode every pixel: garbage after a good header fails here
    except ImageRefusedError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_big from error
    except (
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        IndexError,
        UnidentifiedImageError,
    ) as error:
        raise damaged from error
    return content_type


def clean_image(data: bytes, content_type: str) -> bytes:
    """Return a checked picture drawn again the right way up, with no metadata kept."""
    image_format = IMAGE_TYPES[content_type][0]
    with Image.open(io.BytesIO(data)) as picture:
        upright = ImageOps.exif_transpose(picture)  # the camera's "rotate me" tag, applied
        icc_profile = picture.info.get("icc_profile")  # colours only: nothing about anyone
    upright.info = {}  # EXIF (GPS, camera, time), XMP, comments and text chunks go
    options: dict = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format == "JPEG":
        options.update(quality=90, optimize=True)
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
    elif image_format == "WEBP":
        options.update(quality=90)
    buffer = io.BytesIO()
    upright.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def describe_size(size: int) -> str:
    """Return a size in bytes as people say it (1 MB, 500 KB)."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{max(1, size // 1024)} KB"


def clean_filename(filename: str | None) -> str:
    """Return the uploaded file's name without folders or control characters (for display)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:200] or "picture"


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
