"""Easy-read pictures: suggest one for a question or an answer, refuse what is not a picture, serve.

Putting a picture on a question, or taking it off, changes the draft, so it is a suggestion:
the tests that look at the draft afterwards make it "now, without a vote" as a facilitator
of a study that allows it (a direct edit, logged).
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zlib

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from peer_research.studies.models import Role
from surveys import definition as d
from surveys import media
from surveys.codesign import services as codesign
from surveys.codesign.models import ChangeKind, EntryKind, Proposal, ProposalState, RuleKind
from surveys.codesign.rules import Rule
from surveys.models import MediaFile
from surveys.services import add_item, create_questionnaire, draft_definition

from builders import ENGLISH, question
from support import page_text


def picture(kind: str = "PNG", size: tuple[int, int] = (8, 8), noise: bool = False) -> bytes:
    """Return a small real picture in a format."""
    image = Image.new("RGB", size, (0, 98, 94))
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, format=kind)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HUGE_PNG = (  # a valid header saying 100,000 x 100,000 pixels: would swamp a tablet
    PNG_SIGNATURE
    + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
    + png_chunk(b"IEND", b"")
)


@pytest.fixture
def drinks(app, db_session, facilitator, questionnaire):
    """Add a choice question to the draft."""
    with app.app_context():
        add_item(
            db_session,
            questionnaire=questionnaire,
            changed_by=facilitator.user,
            item=question(
                "drink",
                d.QuestionType.SELECT_ONE,
                label={"en": "What do you drink?"},
                choices=(d.Choice("tea", {"en": "Tea"}), d.Choice("coffee", {"en": "Coffee"})),
            ),
        )
        add_item(
            db_session,
            questionnaire=questionnaire,
            changed_by=facilitator.user,
            item=question("cups", d.QuestionType.CALCULATE, calculation="1", label={}),
        )
    db_session.commit()
    return questionnaire


@pytest.fixture
def base(client, auth, facilitator, drinks, app, db_session):
    """Sign the facilitator in, let them change the draft directly; return the address."""
    with app.app_context():
        codesign.set_decision_rule(
            db_session,
            study=facilitator.study,
            settings=codesign.DecisionSettings(
                rule=Rule(RuleKind.CONSENT), allow_direct_edits=True
            ),
            set_by=facilitator.user,
        )
    db_session.commit()
    auth.sign_in(facilitator.user)
    return f"/studies/{facilitator.study.slug}/questionnaires/{drinks.id}"


def how_sent(how: str = "change_now", reason: str = "Easier to read") -> dict:
    """Return the suggestion fields of a form sent with one of its three buttons."""
    fields = {"reason": reason, how: "y"}
    if how == "suggest":
        fields["deadline"] = ["1", "1", "2099"]
    return fields


def upload(
    client,
    base,
    data: bytes,
    *,
    filename="tea.png",
    target="",
    revision="1",
    name="drink",
    how="change_now",
):
    """Send one picture from the pictures page of a question."""
    fields = {
        "csrf_token": client.csrf_token(),
        "target": target,
        "revision": revision,
        "image": FileStorage(io.BytesIO(data), filename=filename),
        **how_sent(how),
    }
    # Encoded in memory: the test client would spool big uploads to a file it never closes.
    boundary, body = encode_multipart(fields)
    return client.post(
        f"{base}/items/{name}/images",
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        content_length=len(body),
        csrf=False,  # the token is in the body already
    )


def the_question(db_session, questionnaire, app) -> d.Question:
    with app.app_context():
        return draft_definition(db_session, questionnaire).find("drink")


def stored(db_session) -> list[MediaFile]:
    return list(db_session.scalars(sa.select(MediaFile)))


def proposals(db_session) -> list[Proposal]:
    db_session.expire_all()
    return list(db_session.scalars(sa.select(Proposal).order_by(Proposal.id)))


def remove(client, base, *, target="", revision="2", how="change_now"):
    """Send the form that suggests taking a picture off."""
    return client.post(
        f"{base}/items/drink/images/remove",
        data={"target": target, "revision": revision, **how_sent(how)},
    )


def test_upload_a_picture_for_the_question_and_see_it_in_the_preview(
    client, base, app, db_session, drinks
):
    data = picture("PNG")
    response = upload(client, base, data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/items/drink/images#picture-drink")
    digest = hashlib.sha256(data).hexdigest()
    [file] = stored(db_session)
    assert (file.sha256, file.content_type, file.size, file.filename) == (
        digest,
        "image/png",
        len(data),
        "tea.png",
    )
    assert the_question(db_session, drinks, app).image == f"{digest[:16]}.png"
    assert "Changed. The decision log shows it" in page_text(
        client.get(response.headers["Location"])
    )
    [entry] = codesign.decision_log(db_session, drinks)
    assert entry.kind == EntryKind.DIRECT_EDIT

    preview = client.get(f"{base}/preview").get_data(as_text=True)
    src = f"{base}/media/{digest[:16]}.png"
    assert f'<img class="app-question__image" src="{src}" alt="What do you drink?">' in preview


def test_suggesting_a_picture_keeps_the_file_and_waits_for_the_group(
    client, base, app, db_session, drinks
):
    response = upload(client, base, picture("PNG"), target="tea", how="suggest")
    assert response.status_code == 302
    [proposal] = proposals(db_session)
    assert response.headers["Location"].endswith(f"/suggestions/{proposal.id}")
    assert proposal.kind == ChangeKind.CHANGE_ITEM and proposal.state == ProposalState.OPEN
    assert proposal.target_name == "drink"
    [file] = stored(db_session)  # kept, so the suggestion can show it
    assert proposal.proposed["choices"][0]["image"] == file.stored_name
    assert the_question(db_session, drinks, app).choices[0].image is None  # not yet


def test_a_picture_saved_as_a_draft_changes_nothing_yet(client, base, app, db_session, drinks):
    assert upload(client, base, picture("PNG"), how="save_draft").status_code == 302
    [proposal] = proposals(db_session)
    assert proposal.state == ProposalState.DRAFT
    assert the_question(db_session, drinks, app).image is None


@pytest.mark.parametrize(
    ("kind", "content_type", "extension"),
    [("JPEG", "image/jpeg", "jpg"), ("WEBP", "image/webp", "webp")],
)
def test_upload_a_picture_for_an_answer(
    client, base, app, db_session, drinks, kind, content_type, extension
):
    data = picture(kind)
    response = upload(client, base, data, filename=f"cup.{extension}", target="coffee")
    assert response.status_code == 302
    [file] = stored(db_session)
    assert file.content_type == content_type
    drink = the_question(db_session, drinks, app)
    assert [choice.image for choice in drink.choices] == [None, file.stored_name]
    assert file.stored_name.endswith(f".{extension}")
    preview = client.get(f"{base}/preview").get_data(as_text=True)
    # The picture is named by the answer; the words beside it are not read twice.
    assert f'src="{base}/media/{file.stored_name}" alt="Coffee">' in preview
    assert '<span lang="en" dir="ltr" data-speak aria-hidden="true">Coffee</span>' in preview


def test_the_same_picture_is_kept_once(client, base, app, db_session, drinks):
    data = picture("PNG")
    assert upload(client, base, data).status_code == 302
    assert upload(client, base, data, target="tea", revision="2").status_code == 302
    [file] = stored(db_session)
    drink = the_question(db_session, drinks, app)
    assert drink.image == drink.choices[0].image == file.stored_name


def test_serve_a_picture_with_safe_headers_and_caching(client, base, db_session):
    data = picture("PNG")
    upload(client, base, data)
    [file] = stored(db_session)
    response = client.get(f"{base}/media/{file.stored_name}")
    assert response.status_code == 200
    assert response.data == data
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, max-age=604800"
    assert response.headers["Content-Disposition"] == f'inline; filename="{file.stored_name}"'
    assert response.headers["ETag"] == f'"{file.sha256}"'
    again = client.get(
        f"{base}/media/{file.stored_name}", headers={"If-None-Match": f'"{file.sha256}"'}
    )
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize(
    "stored_name",
    ["0123456789abcdef.png", "nothing-like-a-name", "../../etc/passwd", "0123456789ABCDEF.png"],
)
def test_unknown_pictures_are_not_found(client, base, stored_name):
    assert client.get(f"{base}/media/{stored_name}").status_code == 404


def test_another_questionnaires_picture_is_not_served_here(
    client, base, app, db_session, facilitator, drinks
):
    with app.app_context():
        other = create_questionnaire(
            db_session,
            study=facilitator.study,
            title="Other",
            languages=[ENGLISH],
            created_by=facilitator.user,
        )
        file = media.store_image(
            db_session,
            questionnaire=other,
            data=picture("PNG"),
            filename="x.png",
            max_bytes=media.DEFAULT_MAX_BYTES,
            uploaded_by=facilitator.user,
        )
    db_session.commit()
    assert client.get(f"{base}/media/{file.stored_name}").status_code == 404
    other_base = base.rsplit("/", 1)[0] + f"/{other.id}"
    assert client.get(f"{other_base}/media/{file.stored_name}").status_code == 200


BAD_UPLOADS = [
    pytest.param(b"", "tea.png", "Choose a picture to upload.", id="empty"),
    pytest.param(
        PNG_SIGNATURE + os.urandom(400), "tea.png", "This picture is damaged", id="png-garbage"
    ),
    pytest.param(picture("JPEG")[:60], "tea.jpg", "This picture is damaged", id="jpeg-cut-short"),
    pytest.param(
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        "tea.png",
        "This file is not a PNG, JPEG or WebP picture.",
        id="html-named-png",
    ),
    pytest.param(
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
        "tea.png",
        "SVG pictures cannot be used",
        id="svg-named-png",
    ),
    pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"/>', "tea.svg", "SVG pictures", id="svg"),
    pytest.param(b"GIF89a" + b"\x00" * 40, "tea.gif", "not a PNG, JPEG or WebP", id="gif"),
    pytest.param(b"RIFF\x10\x00\x00\x00WEBPVP8 junk", "t.webp", "damaged", id="webp-garbage"),
    pytest.param(HUGE_PNG, "huge.png", "The picture is too big", id="huge-in-pixels"),
    pytest.param(
        picture("PNG", size=(800, 800), noise=True), "big.png", "1 MB or smaller", id="over-1mb"
    ),
]


@pytest.mark.parametrize(("data", "filename", "message"), BAD_UPLOADS)
def test_bad_uploads_are_refused_beside_the_field(
    client, base, app, db_session, drinks, data, filename, message
):
    response = upload(client, base, data, filename=filename, target="tea", how="suggest")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert message in page_text(response)
    assert 'id="image-error"' in body  # beside the upload field
    assert 'href="#image"' in body  # and in the summary, linked to it
    assert stored(db_session) == []
    assert proposals(db_session) == []
    assert the_question(db_session, drinks, app).choices[0].image is None


def test_the_size_limit_is_a_setting(client, base, app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_MAX_BYTES", 2048)
    response = upload(client, base, picture("PNG", size=(64, 64), noise=True))
    assert "The picture must be 2 KB or smaller." in page_text(response)
    assert stored(db_session) == []


def test_an_upload_beyond_the_request_limit_gets_the_too_large_page(client, base, db_session):
    boundary = "picture-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="big.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + PNG_SIGNATURE
        + b"\x00" * (3 * 1024 * 1024)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    # An in-memory body: the test client would otherwise spool 3 MB to a file it never closes.
    response = client.post(
        f"{base}/items/drink/images",
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        content_length=len(body),
        csrf=False,  # refused for its size before the token is even read
    )
    assert response.status_code == 413
    assert "too large" in page_text(response)
    assert stored(db_session) == []


def test_an_answer_that_does_not_exist_is_refused(client, base, db_session):
    response = upload(client, base, picture("PNG"), target="whisky")
    assert response.status_code == 200
    assert "That answer is not part of this question." in page_text(response)
    assert stored(db_session) == []
    assert proposals(db_session) == []


def test_an_outdated_page_does_not_overwrite_a_newer_save(client, base, app, db_session, drinks):
    assert upload(client, base, picture("PNG")).status_code == 302  # revision 1 -> 2
    response = upload(client, base, picture("JPEG"), target="tea", revision="1")
    assert response.status_code == 200
    assert "Someone changed drink since you opened it. Nothing was saved" in page_text(response)
    drink = the_question(db_session, drinks, app)
    assert drink.choices[0].image is None
    assert [file.content_type for file in stored(db_session)] == ["image/png"]
    assert len(proposals(db_session)) == 1  # only the first


def test_questions_that_are_not_in_this_draft_get_404(
    client, base, app, db_session, make_member, facilitator
):
    assert client.get(f"{base}/items/nothing/images").status_code == 404
    assert client.get(f"{base}/items/cups/images").status_code == 404  # a hidden calculation
    assert upload(client, base, picture(), name="nothing").status_code == 404
    # A questionnaire of another study, through this study's address.
    elsewhere = make_member(roles=[Role.FACILITATOR])
    with app.app_context():
        foreign = create_questionnaire(
            db_session,
            study=elsewhere.study,
            title="Theirs",
            languages=[ENGLISH],
            created_by=elsewhere.user,
        )
        add_item(
            db_session, questionnaire=foreign, item=question("drink"), changed_by=elsewhere.user
        )
    db_session.commit()
    study_base = base.rsplit("/", 1)[0]
    assert upload(client, f"{study_base}/{foreign.id}", picture()).status_code == 404
    assert stored(db_session) == []


def test_remove_a_picture_deletes_the_file_nothing_uses(client, base, app, db_session, drinks):
    upload(client, base, picture("PNG"), target="tea")
    page = client.get(f"{base}/items/drink/images/remove?target=tea")
    assert "Suggest taking the picture off “Tea”" in page_text(page)
    response = remove(client, base, target="tea")
    assert response.status_code == 302
    assert "Changed" in page_text(client.get(response.headers["Location"]))
    assert the_question(db_session, drinks, app).choices[0].image is None
    assert stored(db_session) == []  # no draft, suggestion or version shows it any more


def test_suggest_taking_a_picture_off(client, base, app, db_session, drinks):
    upload(client, base, picture("PNG"))
    response = remove(client, base, how="suggest")
    assert response.status_code == 302
    [_first, proposal] = proposals(db_session)
    assert proposal.state == ProposalState.OPEN and proposal.proposed.get("image") is None
    assert the_question(db_session, drinks, app).image is not None  # until the group agrees


def test_removing_with_an_outdated_page_or_a_missing_answer_says_why(
    client, base, app, db_session, drinks
):
    upload(client, base, picture("PNG"))
    stale = remove(client, base, revision="1")
    assert stale.status_code == 200
    assert "Someone changed drink since you opened it" in page_text(stale)
    assert the_question(db_session, drinks, app).image is not None
    missing = remove(client, base, target="whisky")
    assert missing.status_code == 404
    assert "That answer is not part of this question." in page_text(missing)
    nothing_there = remove(client, base, target="tea")
    assert nothing_there.status_code == 404
    assert len(proposals(db_session)) == 1


def test_pictures_page_lists_the_question_and_each_answer(client, base):
    page = client.get(f"{base}/items/drink/images")
    text = page_text(page)
    assert "Pictures for What do you drink?" in text
    assert text.count("No picture yet.") == 3
    assert "The question: What do you drink?" in text and "Answer: Coffee" in text
    body = page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in body
    assert 'accept="image/png,image/jpeg,image/webp"' in body
    draft = client.get(f"{base}/").get_data(as_text=True)
    assert f'href="{base}/items/drink/images"' in draft
    assert f'href="{base}/items/cups/images"' not in draft  # hidden sums have no pictures


def test_peer_researchers_suggest_pictures_but_cannot_change_them_directly(
    client, auth, base, make_member, facilitator, db_session, app, drinks
):
    upload(client, base, picture("PNG"))
    [file] = stored(db_session)
    peer = make_member(study=facilitator.study, roles=[Role.PEER_RESEARCHER])
    auth.sign_out()
    auth.sign_in(peer.user)
    assert client.get(f"{base}/media/{file.stored_name}").status_code == 200
    page = client.get(f"{base}/items/drink/images")
    assert "Make this change now" not in page.get_data(as_text=True)
    refused = upload(client, base, picture("JPEG"), revision="2")
    assert "Only a facilitator" in page_text(refused)
    assert upload(client, base, picture("JPEG"), revision="2", how="suggest").status_code == 302
    assert proposals(db_session)[-1].author_id == peer.user.id
    assert the_question(db_session, drinks, app).image == file.stored_name


def test_support_leads_see_pictures_but_cannot_suggest(
    client, auth, base, make_member, facilitator, db_session
):
    upload(client, base, picture("PNG"))
    [file] = stored(db_session)
    lead = make_member(study=facilitator.study, roles=[Role.SUPPORT_LEAD])
    auth.sign_out()
    auth.sign_in(lead.user)
    assert client.get(f"{base}/media/{file.stored_name}").status_code == 200
    assert client.get(f"{base}/items/drink/images").status_code == 403
    assert upload(client, base, picture("JPEG"), revision="2").status_code == 403
    assert remove(client, base).status_code == 403


def test_check_image_accepts_the_three_kinds_by_content_not_name():
    for kind, content_type in [
        ("PNG", "image/png"),
        ("JPEG", "image/jpeg"),
        ("WEBP", "image/webp"),
    ]:
        assert media.check_image(picture(kind), max_bytes=10_000) == content_type


def test_clean_filename_keeps_words_and_drops_folders():
    assert media.clean_filename("C:\\Users\\ann\\paned o de.png") == "paned o de.png"
    assert media.clean_filename("../../x\x00y.png") == "xy.png"
    assert media.clean_filename("") == "picture"
    assert len(media.clean_filename("a" * 500)) == 200
