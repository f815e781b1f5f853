"""The questionnaire editor: every change is a suggestion (or a facilitator's logged direct
change where the study allows it): add, change, move and remove questions and sections."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from peer_research.db import utcnow
from peer_research.studies.models import Role
from surveys import services as drafts
from surveys.codesign import services as codesign
from surveys.codesign.models import Decision, Proposal, ProposalState
from surveys.models import Questionnaire

from support import page_text

CHANGE_NOW = {"change_now": "Make this change now, without a vote"}


@pytest.fixture
def signed_in(client, auth, facilitator):
    """Sign the facilitator in and return the study's questionnaire pages' address."""
    auth.sign_in(facilitator.user)
    return f"/studies/{facilitator.study.slug}/questionnaires"


@pytest.fixture
def direct_edits(app, db_session, facilitator):
    """Let the study's facilitators change the draft without a vote (logged as such)."""
    with app.app_context():
        codesign.set_decision_rule(
            db_session,
            study=facilitator.study,
            settings=codesign.DecisionSettings(allow_direct_edits=True),
            set_by=facilitator.user,
        )
    db_session.commit()


def draft_url(base: str, questionnaire) -> str:
    return f"{base}/{questionnaire.id}/"


def _day(days_from_now: int = 7) -> list[str]:
    day = (utcnow() + timedelta(days=days_from_now)).date()
    return [str(day.day), str(day.month), str(day.year)]


def add(client, base, questionnaire, *, how=CHANGE_NOW, follow=False, **data):
    """Post the add-question form (by default as a direct change)."""
    fields = {
        "type": "text",
        "label": "What is your name?",
        "privacy": "none",
        "appearance": "",
        "reason": "We need it",
        **how,
    }
    return client.post(
        f"{base}/{questionnaire.id}/questions/new",
        data={**fields, **data},
        follow_redirects=follow,
    )


def post_at_revision(client, url: str, data: dict):
    """Open a form page, then post it with the item's revision the page carried."""
    found = re.search(
        r'name="revision" type="hidden" value="(\d+)"', client.get(url).get_data(as_text=True)
    )
    return client.post(url, data={"revision": found.group(1), **data})


def _count(db_session, model) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(model))


def test_start_a_questionnaire(client, signed_in, db_session):
    response = client.post(
        f"{signed_in}/new",
        data={"title": "What helps at home", "language_name": "English", "language_code": "en"},
    )
    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"]))
    assert "What helps at home" in page and "The draft is empty" in page
    assert db_session.scalar(sa.select(Questionnaire)).languages == [
        {"code": "en", "name": "English"}
    ]


def test_bad_language_code_is_explained(client, signed_in):
    response = client.post(
        f"{signed_in}/new",
        data={"title": "T", "language_name": "English", "language_code": "english!"},
    )
    assert "Use a language code like en" in page_text(response)


def test_one_person_group_adds_a_question_by_suggestion(
    client, signed_in, questionnaire, db_session
):
    """A suggestion opens a poll; when everyone (here: one person) agrees, it is in the draft."""
    form = page_text(client.get(f"{signed_in}/{questionnaire.id}/questions/new?type=text"))
    assert "Suggest adding a question" in form and "Why?" in form and "Decide by" in form
    assert "Make this change now" not in form  # the study does not allow direct changes
    response = add(
        client,
        signed_in,
        questionnaire,
        how={"suggest": "Suggest this change", "deadline": _day()},
        type="select_one",
        label="Who helps you most?",
        choices="Family\nFriends\nPaid carers",
        other_option="y",
        required="y",
        follow=True,
    )
    page = page_text(response)
    assert "Your suggestion is open" in page
    assert "Add “Who helps you most?”" in page and "Paid carers" in page
    draft = page_text(client.get(draft_url(signed_in, questionnaire)))
    assert "The draft is empty" in draft  # nothing changes until the group decides
    assert "Suggested additions Add “Who helps you most?” Open for votes" in draft
    proposal = db_session.scalar(sa.select(Proposal))
    page = page_text(
        client.post(
            f"{signed_in}/{questionnaire.id}/suggestions/{proposal.id}/vote",
            data={"position": "agree"},
            follow_redirects=True,
        )
    )
    assert "Everyone has voted. Agreed" in page
    page = page_text(client.get(draft_url(signed_in, questionnaire)))
    assert "Who helps you most?" in page
    assert "Paid carers" in page and "Other, please say" in page and "needs an answer" in page


def test_facilitator_adds_directly_when_the_study_allows_it(
    client, signed_in, questionnaire, db_session, direct_edits
):
    """A direct change lands in the draft at once and in the log, marked as made without a vote."""
    assert "Make this change now" in page_text(
        client.get(f"{signed_in}/{questionnaire.id}/questions/new?type=text")
    )
    response = add(client, signed_in, questionnaire, label="Your age", name="age", type="integer")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#item-age")
    page = page_text(client.get(response.headers["Location"]))
    assert "Changed. The decision log shows it" in page and "Your age" in page
    log = page_text(client.get(f"{signed_in}/{questionnaire.id}/decisions"))
    assert "Changed without a vote by Sam Okafor" in log
    assert "What was added" in log and "Your age" in log and "We need it" in log


def test_direct_change_is_refused_where_the_study_does_not_allow_it(
    client, signed_in, questionnaire, db_session
):
    """A forged "change now" is refused with a message, and nothing changes."""
    response = add(client, signed_in, questionnaire, label="Sneaky")
    assert response.status_code == 200
    assert "This study changes its questionnaire by suggestion and vote only." in page_text(
        response
    )
    assert _count(db_session, Proposal) == 0 and _count(db_session, Decision) == 0
    assert "Sneaky" not in page_text(client.get(draft_url(signed_in, questionnaire)))


def test_logic_naming_a_missing_question_is_shown_beside_the_field(
    client, signed_in, questionnaire, db_session
):
    response = add(
        client, signed_in, questionnaire, label="Which school?", relevance="${agee} < 18"
    )
    assert response.status_code == 200
    assert 'id="relevance-error"' in response.get_data(as_text=True)
    assert "agee" in page_text(response)
    assert _count(db_session, Proposal) == 0


def test_broken_logic_syntax_is_explained(client, signed_in, questionnaire):
    response = add(client, signed_in, questionnaire, label="Q", constraint=". > (3")
    assert 'id="constraint-error"' in response.get_data(as_text=True)


def test_a_suggestion_needs_a_reason(client, signed_in, questionnaire, db_session):
    response = add(client, signed_in, questionnaire, reason="   ")
    assert "Say in your own words why you suggest this" in page_text(response)
    assert _count(db_session, Proposal) == 0


def test_change_a_question_shows_the_current_wording_and_the_diff(
    client, signed_in, questionnaire, db_session, direct_edits
):
    add(client, signed_in, questionnaire, label="Your name", name="name")
    edit_url = f"{signed_in}/{questionnaire.id}/items/name/edit"
    form = client.get(edit_url).get_data(as_text=True)
    assert 'name="revision" type="hidden" value="1"' in form
    assert "Now:" in page_text(client.get(edit_url))
    response = client.post(
        edit_url,
        data={
            "type": "text",
            "label": "What should we call you?",
            "name": "name",
            "privacy": "direct_identifier",
            "appearance": "",
            "revision": "1",
            "reason": "Friendlier",
            "save_draft": "Save as a draft",
        },
        follow_redirects=True,
    )
    page = page_text(response)
    assert "Saved as a draft" in page
    assert "Change “Your name”" in page
    assert "How personal the answer is" in page
    assert "Identifies someone (name, address, phone)" in page
    assert "[removed: Your name ]" in page and "[added: What should we call you? ]" in page
    assert "Your name" in page_text(client.get(draft_url(signed_in, questionnaire)))


def test_a_stale_copy_is_refused_and_the_new_version_shown(
    client, signed_in, questionnaire, db_session, direct_edits
):
    """Someone's change made meanwhile is never overwritten: the old copy is refused."""
    add(client, signed_in, questionnaire, label="Your name", name="name")
    edit_url = f"{signed_in}/{questionnaire.id}/items/name/edit"
    base = {
        "type": "text",
        "name": "name",
        "privacy": "none",
        "appearance": "",
        "revision": "1",
        "reason": "Better",
        **CHANGE_NOW,
    }
    client.post(edit_url, data={**base, "label": "First person's wording"})
    response = client.post(edit_url, data={**base, "label": "Second person's wording"})
    assert response.status_code == 200
    page = page_text(response)
    assert "Someone changed name since you opened it. Nothing was saved" in page
    assert "changed while you were writing" in page
    assert "Now: First person's wording" in page
    assert 'name="revision" type="hidden" value="2"' in response.get_data(as_text=True)
    assert "First person's wording" in page_text(client.get(draft_url(signed_in, questionnaire)))


def test_move_page_offers_places_in_words(
    client, signed_in, questionnaire, db_session, direct_edits
):
    add(client, signed_in, questionnaire, label="First", name="first")
    add(client, signed_in, questionnaire, label="Second", name="second")
    move_url = f"{signed_in}/{questionnaire.id}/items/second/move"
    form = page_text(client.get(move_url))
    assert "Suggest moving “Second”" in form
    assert "Now: in the main part of the questionnaire (not in a section), just after “First”" in (
        form
    )
    assert "Before “First”" in form and "At the end of the questionnaire" in form
    refused = page_text(
        client.post(move_url, data={"place": "after:first", "reason": "x", **CHANGE_NOW})
    )
    assert "It is already there" in refused
    bad = page_text(client.post(move_url, data={"place": "before:nowhere", "reason": "x"}))
    assert "Choose where it should go" in bad
    post_at_revision(client, move_url, {"place": "before:first", "reason": "Easier", **CHANGE_NOW})
    page = page_text(client.get(draft_url(signed_in, questionnaire)))
    assert page.index("Second") < page.index("First")
    log = page_text(client.get(f"{signed_in}/{questionnaire.id}/decisions"))
    assert "Move “Second”" in log and "just before “First”" in log


def test_sections_and_moving_into_them(client, signed_in, questionnaire, direct_edits):
    client.post(
        f"{signed_in}/{questionnaire.id}/sections/new",
        data={
            "label": "People who help",
            "name": "helpers",
            "repeat": "y",
            "reason": "Group them",
            **CHANGE_NOW,
        },
    )
    add(client, signed_in, questionnaire, label="Their first name", name="helper_name")
    move_url = f"{signed_in}/{questionnaire.id}/items/helper_name/move"
    assert "At the end of the section “People who help”" in page_text(client.get(move_url))
    post_at_revision(client, move_url, {"place": "end:helpers", "reason": "There", **CHANGE_NOW})
    page = page_text(client.get(draft_url(signed_in, questionnaire)))
    assert "Section that repeats" in page
    form = page_text(client.get(f"{signed_in}/{questionnaire.id}/items/helpers/move"))
    assert "Their first name" not in form  # a section cannot go inside itself


def test_remove_page_shows_what_would_go_and_asks_why(
    client, signed_in, questionnaire, db_session, direct_edits
):
    """Removing is a decision like any other: no one-click delete, no undo."""
    client.post(
        f"{signed_in}/{questionnaire.id}/sections/new",
        data={"label": "Home", "name": "home", "reason": "r", **CHANGE_NOW},
    )
    add(client, signed_in, questionnaire, label="Who lives with you?", name="who")
    post_at_revision(
        client,
        f"{signed_in}/{questionnaire.id}/items/who/move",
        {"place": "end:home", "reason": "r", **CHANGE_NOW},
    )
    remove_url = f"{signed_in}/{questionnaire.id}/items/home/remove"
    page = page_text(client.get(remove_url))
    assert "Suggest removing “Home”" in page
    assert "Who lives with you?" in page and "would go too" in page
    refused = page_text(client.post(remove_url, data={"reason": "", **CHANGE_NOW}))
    assert "Say in your own words why you suggest this" in refused
    post_at_revision(client, remove_url, {"reason": "Not needed", **CHANGE_NOW})
    draft = page_text(client.get(draft_url(signed_in, questionnaire)))
    assert "Who lives with you?" not in draft and "Undo" not in draft
    log = page_text(client.get(f"{signed_in}/{questionnaire.id}/decisions"))
    assert "Remove “Home”" in log and "What was removed" in log and "Not needed" in log


def test_no_one_click_direct_editing_is_left(app, client, signed_in, questionnaire):
    """The old move/delete/restore routes are gone, so nothing bypasses the decision log."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not {"surveys.move_into_section", "surveys.delete_item", "surveys.restore_item"} & (
        endpoints
    )
    add(client, signed_in, questionnaire, how={"save_draft": "Save as a draft"})
    assert (
        client.post(f"{signed_in}/{questionnaire.id}/items/what_is_your_name/delete").status_code
        == 404
    )


def test_live_check_reports_problems_as_json(client, auth, facilitator, make_member, questionnaire):
    """Anyone who can suggest may use the live logic check."""
    peer = make_member(study=facilitator.study, roles=[Role.PEER_RESEARCHER])
    auth.sign_in(peer.user)
    url = f"/studies/{facilitator.study.slug}/questionnaires/{questionnaire.id}/check"
    token = client.csrf_token()
    response = client.post(
        url,
        json={"field": "relevance", "expression": "${nope} = 1"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert "nope" in response.json["problems"][0]
    bad = client.post(
        url, json={"field": "sideways", "expression": "1"}, headers={"X-CSRFToken": token}
    )
    assert bad.status_code == 400 and bad.headers["Content-Type"] == "application/problem+json"


def test_questionnaire_of_another_study_is_out_of_reach(
    client, signed_in, make_member, app, db_session
):
    from surveys.services import create_questionnaire

    from builders import ENGLISH

    other = make_member(roles=[Role.FACILITATOR])
    with app.app_context():
        theirs = create_questionnaire(
            db_session, study=other.study, title="Theirs", languages=[ENGLISH], created_by=None
        )
    db_session.commit()
    assert client.get(f"{signed_in}/{theirs.id}/").status_code == 404
    assert add(client, signed_in, theirs).status_code == 404
    assert _count(db_session, Proposal) == 0


def test_whole_co_design_group_may_suggest_but_support_leads_only_read(
    client, auth, facilitator, make_member, questionnaire
):
    partner = make_member(study=facilitator.study, roles=[Role.ACADEMIC_PARTNER])
    auth.sign_in(partner.user)
    base = f"/studies/{facilitator.study.slug}/questionnaires"
    page = page_text(client.get(f"{base}/{questionnaire.id}/"))
    assert "Suggest adding a question" in page
    assert client.get(f"{base}/{questionnaire.id}/questions/new").status_code == 200
    auth.sign_out()
    lead = make_member(study=facilitator.study, roles=[Role.SUPPORT_LEAD])
    auth.sign_in(lead.user)
    page = page_text(client.get(f"{base}/{questionnaire.id}/"))
    assert "What helps at home" in page and "Suggest adding" not in page
    assert client.get(f"{base}/{questionnaire.id}/questions/new").status_code == 403


def test_each_question_shows_its_reading_ease_and_jargon(
    client, signed_in, questionnaire, direct_edits
):
    add(client, signed_in, questionnaire, label="Is co-production with service users working?")
    page = page_text(client.get(draft_url(signed_in, questionnaire)))
    assert "Reading ease:" in page
    assert "Jargon: “co-production”, try “working together”" in page


def test_ten_thousand_brackets_are_refused_beside_the_field(client, signed_in, questionnaire):
    response = add(client, signed_in, questionnaire, label="Q", relevance="(" * 10_000 + "1")
    assert response.status_code == 200
    assert 'id="relevance-error"' in response.get_data(as_text=True)


def test_a_removed_item_cannot_be_suggested_against(
    client, signed_in, questionnaire, db_session, direct_edits
):
    """Changing, moving or removing an item someone removed meanwhile says so plainly."""
    add(client, signed_in, questionnaire, label="Gone soon", name="gone")
    with_reason = {"reason": "r", **CHANGE_NOW}
    post_at_revision(client, f"{signed_in}/{questionnaire.id}/items/gone/remove", with_reason)
    for action in ("edit", "move", "remove"):
        response = client.post(
            f"{signed_in}/{questionnaire.id}/items/gone/{action}", data=with_reason
        )
        assert response.status_code == 404
        assert "no longer in the draft" in page_text(response)
    assert (
        db_session.scalar(
            sa.select(sa.func.count())
            .select_from(Proposal)
            .where(Proposal.state == ProposalState.DRAFT)
        )
        == 0
    )
    assert drafts.draft_definition(db_session, questionnaire).find("gone") is None


def test_a_new_question_can_be_suggested_at_any_place(
    client, signed_in, questionnaire, direct_edits
):
    add(client, signed_in, questionnaire, label="Second", name="second")
    form = page_text(client.get(f"{signed_in}/{questionnaire.id}/questions/new?type=text"))
    assert "Where should it go?" in form and "Before “Second”" in form
    add(client, signed_in, questionnaire, label="First", name="first", place="before:second")
    page = page_text(client.get(draft_url(signed_in, questionnaire)))
    assert page.index("First") < page.index("Second")
    bad = add(client, signed_in, questionnaire, label="Lost", name="lost", place="after:nowhere")
    assert "Choose where it should go" in page_text(bad)


def test_every_group_of_choices_on_the_question_form_is_named(client, signed_in, questionnaire):
    """Screen readers announce each radio group by its legend, so none may be empty."""
    body = client.get(f"{signed_in}/{questionnaire.id}/questions/new?type=select_one").get_data(
        as_text=True
    )
    legends = re.findall(
        r'<legend class="govuk-fieldset__legend[^"]*">\s*(.*?)\s*</legend>', body, re.S
    )
    assert "How personal is the answer?" in legends
    assert all(legend.strip() for legend in legends)
