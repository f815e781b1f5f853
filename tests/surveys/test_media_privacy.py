"""Pictures keep no camera metadata, stay a sensible size, and go when nothing uses them."""
# ruff: noqa: F811  (the fixtures come from test_media_views)

from __future__ import annotations

import io
import zlib

import pytest
import sqlalchemy as sa
from PIL import ExifTags, Image
from test_media_views import (  # noqa: F401  (fixtures)
    PNG_SIGNATURE,
    base,
    drinks,
    picture,
    png_chunk,
    remove,
    stored,
    the_question,
    upload,
)

from surveys import media
from surveys.codesign import services as codesign
from surveys.codesign.models import Proposal
from surveys.services import publish_version

from support import page_text

GPS = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}


def photo_with_gps(orientation: int = 6) -> bytes:
    """Return a JPEG as a phone takes it: 40 x 20 stored, "turn me", with GPS and maker."""
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def current(db_session, questionnaire, app):
    """Return the draft's question "drink" as the requests left it (not as first read)."""
    db_session.expire_all()
    return the_question(db_session, questionnaire, app)


def served(client, base, stored_name: str) -> bytes:
    """Return the bytes the app serves for a picture."""
    response = client.get(f"{base}/media/{stored_name}")
    assert response.status_code == 200
    return response.get_data()


def test_a_photo_is_served_without_its_gps_position_and_the_right_way_up(
    client, base, app, db_session, drinks
):
    original = photo_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo) == GPS
    assert upload(client, base, original, filename="garden.jpg").status_code == 302
    name = current(db_session, drinks, app).image
    data = served(client, base, name)
    assert b"Exif" not in data and b"PhoneMaker" not in data
    with Image.open(io.BytesIO(data)) as shown:
        assert shown.format == "JPEG"
        assert dict(shown.getexif()) == {}
        assert shown.size == (20, 40)  # turned as the camera said, so no tag is needed


@pytest.mark.parametrize("kind", ["PNG", "WEBP"])
def test_other_formats_lose_their_metadata_too(client, base, app, db_session, drinks, kind):
    image = Image.new("RGB", (16, 16), (0, 98, 94))
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    buffer = io.BytesIO()
    image.save(buffer, kind, exif=exif.tobytes())
    assert Image.open(io.BytesIO(buffer.getvalue())).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    upload(client, base, buffer.getvalue(), filename=f"x.{kind.lower()}")
    data = served(client, base, current(db_session, drinks, app).image)
    with Image.open(io.BytesIO(data)) as shown:
        assert shown.format == kind and dict(shown.getexif()) == {}


def big_flat_png(width: int, height: int) -> bytes:
    """Return a real PNG of one colour: tiny as a file, huge as a picture."""
    row = b"\x00" + b"\x00" * width  # filter byte, then one grey byte per pixel
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _row in range(height)) + compressor.flush()
    header = (width).to_bytes(4, "big") + (height).to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return (
        PNG_SIGNATURE
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", body)
        + png_chunk(b"IEND", b"")
    )


def test_a_small_file_holding_a_huge_picture_is_refused(client, base, db_session):
    data = big_flat_png(7900, 5000)  # 39.5 megapixels
    assert len(data) < 200_000
    page = page_text(upload(client, base, data, filename="huge.png"))
    assert "The picture is too big" in page and "12 megapixels" in page
    assert stored(db_session) == []
    assert media.MAX_PIXELS == 12_000_000


def test_a_replaced_picture_is_deleted(client, base, app, db_session, drinks):
    upload(client, base, picture("PNG"))
    first = current(db_session, drinks, app).image
    response = upload(client, base, picture("PNG", size=(9, 9)), revision="2")
    assert response.status_code == 302, page_text(response)[-600:]
    second = current(db_session, drinks, app).image
    assert first != second
    assert [file.stored_name for file in stored(db_session)] == [second]
    assert client.get(f"{base}/media/{first}").status_code == 404


def test_a_published_version_keeps_its_picture_for_ever(
    client, base, app, db_session, drinks, facilitator
):
    upload(client, base, picture("PNG"))
    name = current(db_session, drinks, app).image
    with app.app_context():
        publish_version(db_session, questionnaire=drinks, published_by=facilitator.user)
    db_session.commit()
    assert remove(client, base).status_code == 302
    assert current(db_session, drinks, app).image is None
    assert [file.stored_name for file in stored(db_session)] == [name]
    assert served(client, base, name)


def test_a_withdrawn_suggestion_takes_its_picture_with_it(
    client, base, app, db_session, drinks, facilitator
):
    upload(client, base, picture("PNG"), how="save_draft")
    assert len(stored(db_session)) == 1  # a live suggestion shows it
    proposal = db_session.scalar(sa.select(Proposal))
    with app.app_context():
        codesign.withdraw_proposal(db_session, proposal=proposal, withdrawn_by=facilitator.user)
    db_session.commit()
    assert stored(db_session) == []
