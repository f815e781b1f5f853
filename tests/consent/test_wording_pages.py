"""The consent form's pages through the test client: every page for every role, the whole
journey from a suggestion to a published version, and bad input."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from wording_world import day_boxes, make_world, page_text

from consent import services as consent
from consent.wording import services as wording

PAGES = ("/", "/draft", "/decisions", "/suggest/en", "/translate", "/publish", "/pictures")


@pytest.fixture
def world(db_session, make_study, make_member):
    """Return a study with a group that decides its consent form."""
    return make_world(make_study, make_member)


def form_data(db_session, world, language="en", **changes) -> dict:
    """Return the suggestion form as the draft fills it, with some fields changed."""
    typed = wording.wording_of(consent.draft_of(db_session, world.study).content, language)
    data = {
        "title": typed.title,
        "sheet": typed.sheet,
        "withdraw": typed.withdraw,
        "reason": "Easier to read",
        **day_boxes(7),
    }
    for index, row in enumerate(typed.statements):
        prefix = f"statements-{index}"
        data[f"{prefix}-key"] = row.key
        data[f"{prefix}-text"] = row.text
        data[f"{prefix}-easy_read"] = row.easy_read
        if language == typed.language and language == "en":
            data[f"{prefix}-purpose"] = row.purpose
            if row.required:
                data[f"{prefix}-required"] = "y"
    data.update(changes)
    return data


def suggest_by_page(client, auth, world, person="co_researcher", **changes):
    """Send a suggestion through the form; return the response (not followed)."""
    auth.sign_in(world.people[person])
    return client.post(f"{world.base}/suggest/en", data=form_data(client.db, world, **changes))


@pytest.fixture
def send(client, db_session):
    """Let helpers reach the session through the client."""
    client.db = db_session
    return client


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("facilitator", True),
        ("co_researcher", True),
        ("peer_researcher", False),
        ("academic_partner", False),
        ("support_lead", False),
    ],
)
def test_each_page_for_each_role(client, auth, world, page, role, allowed):
    auth.sign_in(world.people[role])
    response = client.get(world.base + page)
    assert response.status_code == (200 if allowed else 403), page


def test_a_non_member_and_a_visitor_are_refused(client, auth, world, make_user):
    response = client.get(world.base + "/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    auth.sign_in(make_user())
    assert client.get(world.base + "/").status_code == 403


def test_the_form_page_shows_the_draft_before_anything_is_published(client, auth, world):
    auth.sign_in(world.people["facilitator"])
    text = page_text(client.get(world.base + "/"))
    assert "No version is published yet" in text
    assert "I agree that my words can be quoted, without my name." in text
    assert "Agreed when nobody blocks" in text


def test_the_whole_journey_by_pages(send, auth, world, db_session):
    response = suggest_by_page(send, auth, world, title="Being part of our study")
    assert response.status_code == 302, page_text(response)
    url = response.headers["Location"]
    body = page_text(send.get(url))
    assert "[removed: </span>Taking<" in body and "[added: </span>Being<" in body
    for person in world.deciders:
        auth.sign_in(person)
        send.post(f"{url}/vote", data={"position": "agree"})
    text = page_text(send.get(url))
    assert "Agreed and made" in text
    assert "The change was made to the consent form's draft." in text
    log = page_text(send.get(world.base + "/decisions"))
    assert "a change to the wording" in log and world.deciders[0].display_name in log
    # Publishing, decided the same way.
    auth.sign_in(world.people["facilitator"])
    response = send.post(
        world.base + "/publish", data={"reconsent": "no", "reason": "Ready", **day_boxes(5)}
    )
    assert response.status_code == 302, page_text(response)
    poll_url = response.headers["Location"]
    for person in world.deciders:
        auth.sign_in(person)
        send.post(f"{poll_url}/vote", data={"position": "agree"})
    text = page_text(send.get(poll_url))
    assert "Version 1 of the consent form was published." in text
    version = page_text(send.get(world.base + "/versions/1"))
    assert "Being part of our study" in version and "never changes" in version


def test_the_reconsent_choice_is_explained_and_kept(send, auth, world, db_session):
    auth.sign_in(world.people["facilitator"])
    first = send.post(
        world.base + "/publish", data={"reconsent": "no", "reason": "Go", **day_boxes(5)}
    )
    for person in world.deciders:
        auth.sign_in(person)
        send.post(first.headers["Location"] + "/vote", data={"position": "agree"})
    suggest_by_page(send, auth, world, withdraw="Ring Sam on 0123 to stop.")
    suggestion = wording.suggestions_of(db_session, world.study)[0]
    for person in world.deciders:
        auth.sign_in(person)
        send.post(f"{world.base}/suggestions/{suggestion.id}/vote", data={"position": "agree"})
    text = page_text(send.get(world.base + "/publish"))
    assert "asked again, on the tablet, before their next interview" in text
    assert "how to stop taking part (en)" in text and "0123" in text
    missing = send.post(world.base + "/publish", data={"reason": "Go", **day_boxes(5)})
    assert missing.status_code == 400
    assert "Say whether people should be asked again" in page_text(missing)
    asked = send.post(
        world.base + "/publish", data={"reconsent": "yes", "reason": "Go", **day_boxes(5)}
    )
    assert "Everyone who agreed to an earlier version will be asked" in page_text(
        send.get(asked.headers["Location"])
    )


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"title": ""}, "Enter the title.", "title"),
        ({"sheet": "   "}, "Enter the information sheet.", "sheet"),
        ({"withdraw": ""}, "Enter how to stop taking part.", "withdraw"),
        ({"reason": ""}, "Say in your own words why", "reason"),
        (
            {"statements-3-text": "I agree to a photo."},
            "short name for the data",
            "statements-3-key",
        ),
        ({"statements-0-key": "Bad Name!"}, "Use only small letters", "statements-0-key"),
        ({"statements-1-key": "take_part"}, "Two statements have this name", "statements-1-key"),
        ({"title": "x" * 5000}, "Use 4000 characters or fewer", "title"),
        (
            {"easy_read-0-picture": "f" * 64 + ".png", "easy_read-0-text": "Hi"},
            "Not a valid",
            "easy_read-0-picture",
        ),
        ({"deadline": ["1", "1", "2001"]}, "Choose a day after today", "deadline"),
    ],
)
def test_bad_wording_is_refused_beside_its_field(send, auth, world, changes, message, field):
    response = suggest_by_page(send, auth, world, **changes)
    text = page_text(response)
    assert response.status_code == 400
    assert message in text
    assert f'href="#{field}' in text
    assert wording.suggestions_of(send.db, world.study) == []


def test_an_unchanged_form_and_a_huge_sheet_are_refused(send, auth, world):
    response = suggest_by_page(send, auth, world)
    assert response.status_code == 400 and "same as the draft" in page_text(response)
    response = suggest_by_page(send, auth, world, sheet="word " * 20_000)
    assert response.status_code == 400 and "characters or fewer" in page_text(response)


def test_a_translation_is_a_suggestion_too(send, auth, world, db_session):
    auth.sign_in(world.people["co_researcher"])
    response = send.post(world.base + "/translate", data={"code": "cy"})
    assert response.headers["Location"].endswith("/suggest/cy")
    assert send.get(world.base + "/suggest/cy").status_code == 200
    data = {
        "language_name": "Cymraeg",
        "title": "Cymryd rhan yn ein hastudiaeth",
        "sheet": "# Beth yw'r astudiaeth?\n\nRydym eisiau clywed am eich profiad.",
        "withdraw": "Gallwch stopio unrhyw bryd.",
        "statements-0-key": "take_part",
        "statements-0-text": "Rwy'n cytuno i gymryd rhan.",
        "reason": "Welsh speakers",
        **day_boxes(7),
    }
    response = send.post(world.base + "/suggest/cy", data=data)
    assert response.status_code == 302, page_text(response)
    suggestion = wording.suggestions_of(db_session, world.study)[0]
    assert suggestion.language == "cy" and "languages" in suggestion.proposed
    assert "title:en" not in suggestion.proposed  # the English words are not touched
    for person in world.deciders:
        auth.sign_in(person)
        send.post(f"{world.base}/suggestions/{suggestion.id}/vote", data={"position": "agree"})
    draft = consent.read_content(consent.draft_of(db_session, world.study).content)
    assert draft.languages == ("en", "cy")
    assert draft.statement("take_part").text["cy"] == "Rwy'n cytuno i gymryd rhan."
    text = page_text(send.get(world.base + "/draft?language=cy"))
    assert "Cymryd rhan yn ein hastudiaeth" in text


def test_a_forged_statement_in_a_translation_is_refused(send, auth, world):
    auth.sign_in(world.people["co_researcher"])
    data = {
        "language_name": "Cymraeg",
        "title": "Teitl",
        "statements-0-key": "not_there",
        "statements-0-text": "Rhywbeth",
        "reason": "Welsh",
        **day_boxes(7),
    }
    response = send.post(world.base + "/suggest/cy", data=data)
    assert response.status_code == 400
    assert "That statement is not in the consent form." in page_text(response)


def test_forged_addresses_answer_404(client, auth, world):
    auth.sign_in(world.people["facilitator"])
    for path in (
        "/versions/1",
        "/versions/2147483647",
        "/suggestions/999",
        "/publishing/999",
        "/pictures/" + "0" * 64 + ".png",
        "/pictures/..%2Fsecret.png",
        "/suggest/NOT-A-LANGUAGE!",
        "/suggest/en" + "-abcdefgh" * 5,  # a real pattern, longer than a code can be
    ):
        assert client.get(world.base + path).status_code == 404, path
    response = client.post(world.base + "/suggestions/999/vote", data={"position": "agree"})
    assert response.status_code == 404


def test_a_consent_poll_is_not_shown_on_the_questionnaire_poll_page(send, auth, world, db_session):
    suggest_by_page(send, auth, world, title="Elsewhere")
    suggestion = wording.suggestions_of(db_session, world.study)[0]
    auth.sign_in(world.people["academic_partner"])
    response = send.get(f"/studies/{world.study.slug}/polls/{suggestion.poll_id}")
    assert response.status_code == 404
    response = send.post(
        f"/studies/{world.study.slug}/polls/{suggestion.poll_id}/vote", data={"position": "agree"}
    )
    assert response.status_code == 404


def test_voting_twice_and_a_bad_position(send, auth, world, db_session):
    response = suggest_by_page(send, auth, world, title="Twice")
    url = response.headers["Location"]
    auth.sign_in(world.people["facilitator"])
    send.post(f"{url}/vote", data={"position": "disagree"})
    send.post(f"{url}/vote", data={"position": "agree", "reason": "Changed my mind"})
    text = page_text(send.get(url))
    assert "1 of 3 have voted" in text and "You said: Agree" in text
    bad = send.post(f"{url}/vote", data={"position": "maybe"})
    assert bad.status_code == 400
    block = send.post(f"{url}/vote", data={"position": "block"})
    assert block.status_code == 400 and "Say why you block this" in page_text(block)


def test_withdrawing_a_suggestion(send, auth, world):
    url = suggest_by_page(send, auth, world, title="Oops").headers["Location"]
    auth.sign_in(world.people["facilitator"])
    send.post(f"{url}/withdraw")
    assert "Open for votes" in page_text(send.get(url))  # not theirs to withdraw
    auth.sign_in(world.people["co_researcher"])
    send.post(f"{url}/withdraw")
    text = page_text(send.get(url))
    assert "Withdrawn" in text and "Closed without a decision" in text


def _png(colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_pictures_upload_and_show(send, auth, world, db_session):
    auth.sign_in(world.people["co_researcher"])
    response = send.post(
        world.base + "/pictures",
        data={"image": (io.BytesIO(_png()), "face.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, page_text(response)
    picture = wording.pictures_of(db_session, world.study)[0]
    url = f"{world.base}/pictures/{picture.stored_name}"
    shown = send.get(url)
    assert shown.status_code == 200 and shown.mimetype == "image/png"
    assert "immutable" in shown.headers["Cache-Control"]
    assert send.get(url, headers={"If-None-Match": shown.headers["ETag"]}).status_code == 304
    auth.sign_in(world.people["peer_researcher"])  # the tablet keeps it
    assert send.get(url).status_code == 200
    auth.sign_in(world.people["academic_partner"])
    assert send.get(url).status_code == 403
    # The picture goes into the easy-read sheet only through a suggestion.
    auth.sign_in(world.people["co_researcher"])
    response = suggest_by_page(
        send,
        auth,
        world,
        **{
            "easy_read-0-text": "We want to hear from you.",
            "easy_read-0-picture": picture.stored_name,
            "easy_read-0-alt": "",
        },
    )
    assert response.status_code == 400 and "Enter what the picture shows." in page_text(response)
    response = suggest_by_page(
        send,
        auth,
        world,
        **{
            "easy_read-0-text": "We want to hear from you.",
            "easy_read-0-picture": picture.stored_name,
            "easy_read-0-alt": "A smiling face",
        },
    )
    assert response.status_code == 302, page_text(response)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (b"", "Choose a picture to upload."),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "SVG pictures cannot be used"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "damaged"),
        (b"x" * (10 * 1024 + 10), "The picture must be 10 KB or smaller."),
    ],
)
def test_bad_pictures_are_refused(send, auth, world, db_session, monkeypatch, upload, message):
    monkeypatch.setitem(send.application.config, "MEDIA_MAX_BYTES", 10 * 1024)
    auth.sign_in(world.people["facilitator"])
    response = send.post(
        world.base + "/pictures",
        data={"image": (io.BytesIO(upload), "x.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert message in page_text(response)
    assert wording.pictures_of(db_session, world.study) == []


def test_hostile_text_is_shown_as_text(send, auth, world):
    hostile = '<script>alert("x")</script>'
    url = suggest_by_page(send, auth, world, title=hostile).headers["Location"]
    body = send.get(url).get_data(as_text=True)
    assert "<script>alert" not in body and "&lt;script&gt;" in body
