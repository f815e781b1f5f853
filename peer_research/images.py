"""Checking an uploaded picture and keeping only what is needed of it, for every domain.

An upload is judged by its content, never by its file name or the type the browser claims: the
first bytes must be a PNG, JPEG or WebP signature, and the whole picture must then decode, so a
PNG header on garbage, HTML renamed to .png and SVG (which can carry scripts) are all refused
with a message a person can act on. What is kept is not the upload but the picture drawn again
(`clean_image`): turned the way the camera said it was held, then saved without EXIF, XMP or
text (a phone's photo carries where it was taken). Pictures over MAX_PIXELS are refused.
Questionnaire pictures (`surveys.media`) and consent form pictures (`consent.wording`) use it.
"""

from __future__ import annotations

import io
import unicodedata
import warnings

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from peer_research.errors import DomainError

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
