"""The participation page: who has suggested, commented and voted, without revealing votes."""

from __future__ import annotations

import html

import pytest

from peer_research.db import utcnow
from peer_research.studies.models import Role
from surveys.codesign import services as codesign
from surveys.codesign.comments import Comment
from surveys.codesign.models import Position
from surveys.codesign.rules import DEFAULT_RULE

from builders import KEY, open_suggestion, set_group_rule
from support import page_text


@pytest.fixture
def group(make_design_group):
    """Return a design group of three, a support lead, and a draft with one question."""
    group = make_design_group(pat_role=Role.PEER_RESEARCHER)
    group.url = f"{group.studies}/participation"
    return group


def _suggest(db_session, group, author, *, open_now=True):
    """Write a suggestion (open with a poll, or a private draft)."""
    return open_suggestion(db_session, group, author=author, open_now=open_now)


def test_counts_for_each_member_of_the_design_group(client, auth, db_session, group):
    """Suggestions, comments and votes are counted per person; drafts and support leads not."""
    proposal, poll = _suggest(db_session, group, group.ada)
    _suggest(db_session, group, group.sam, open_now=False)  # a private draft: not counted
    db_session.add(
        Comment(
            questionnaire_id=group.questionnaire.id,
            item_name="age",
            author_id=group.sam.id,
            body="Could be shorter",
        )
    )
    db_session.commit()
    with group.app.app_context():
        codesign.cast_vote(
            db_session, poll=poll, voter=group.ada, position=Position.AGREE, voter_key=KEY
        )
    db_session.commit()

    auth.sign_in(group.lee)  # any member may look, support leads too
    response = client.get(group.url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = page_text(response)
    assert "Who has had their say" in text
    assert "Lee Ward" not in text  # not in the design group
    assert "Ada Brook Co-researcher 1 0 1 0" in text
    assert "Pat Lin Peer researcher No suggestions or comments yet 0 0 0 1" in text
    assert "Sam Okafor Co-researcher, Facilitator 0 1 0 1" in text
    assert "We have not yet had suggestions or comments from Pat Lin." in text
    assert 'data-label="Votes"' in page  # the table folds into labelled rows on phones
    assert proposal.id  # the open suggestion exists


def test_everyone_heard_from_says_thank_you(client, auth, db_session, group):
    """When everyone has suggested or commented, no one is singled out."""
    for person in (group.sam, group.pat):
        db_session.add(
            Comment(
                questionnaire_id=group.questionnaire.id,
                item_name="age",
                author_id=person.id,
                body="Hello",
            )
        )
    db_session.commit()
    _suggest(db_session, group, group.ada)
    auth.sign_in(group.pat)
    text = page_text(client.get(group.url))
    assert "We have not yet had suggestions" not in text
    assert "No suggestions or comments yet" not in text
    assert "Everyone in the group has suggested something or commented." in text


def test_removed_comments_do_not_count(client, auth, db_session, group):
    """A removed comment is not counted as having been heard."""
    db_session.add(
        Comment(
            questionnaire_id=group.questionnaire.id,
            item_name="age",
            author_id=group.pat.id,
            body="",
            removed_at=utcnow(),
        )
    )
    db_session.commit()
    auth.sign_in(group.pat)
    text = page_text(client.get(group.url))
    assert "Pat Lin (you) Peer researcher No suggestions or comments yet 0 0 0 0" in text


def test_anonymous_polls_show_only_that_someone_voted(client, auth, db_session, group):
    """In an anonymous poll the page counts votes but never shows a position or a reason."""
    set_group_rule(db_session, group, rule=DEFAULT_RULE, anonymous_polls=True)
    _proposal, poll = _suggest(db_session, group, group.ada)
    with group.app.app_context():
        codesign.cast_vote(
            db_session,
            poll=poll,
            voter=group.pat,
            position=Position.BLOCK,
            reason="Secret reason",
            voter_key=KEY,
        )
    db_session.commit()
    auth.sign_in(group.sam)
    text = page_text(client.get(group.url))
    assert "Pat Lin Peer researcher No suggestions or comments yet 0 0 1 0" in text
    for word in ("Block", "Agree", "Disagree", "Stand aside", "Secret reason"):
        assert word not in text


def test_your_open_votes_are_listed_with_links(client, auth, db_session, group):
    """The page lists the open polls waiting for your vote, linked to each suggestion."""
    proposal, _poll = _suggest(db_session, group, group.ada)
    auth.sign_in(group.pat)
    page = client.get(group.url).get_data(as_text=True)
    assert "Waiting for your vote" in page
    assert (
        f'href="/studies/{group.study.slug}/questionnaires/{group.questionnaire.id}'
        f'/suggestions/{proposal.id}"' in page
    )
    assert "Changing “How old are you?”" in html.unescape(page)


def test_linked_from_the_study_home_and_the_suggestions(client, auth, group):
    """The study's home page and the suggestions list link to the participation page."""
    auth.sign_in(group.ada)
    home = client.get(f"/studies/{group.study.slug}/").get_data(as_text=True)
    assert f'href="{group.url}"' in home
    listing = client.get(
        f"/studies/{group.study.slug}/questionnaires/{group.questionnaire.id}/suggestions"
    ).get_data(as_text=True)
    assert f'href="{group.url}"' in listing


def test_other_studies_and_outsiders_are_refused(client, auth, group, make_member, make_user):
    """Someone from another study, or no study, cannot see this group's participation."""
    auth.sign_in(make_member(roles=[Role.FACILITATOR]).user)
    assert client.get(group.url).status_code == 403
    auth.sign_out()
    auth.sign_in(make_user())
    assert client.get(group.url).status_code == 403
    assert client.get("/studies/no-such-study/participation").status_code == 404


def test_the_study_navigation_marks_questionnaires_only_on_questionnaire_pages(
    client, auth, make_design_group
):
    """The participation page belongs to the study, not to a questionnaire."""
    group = make_design_group()
    auth.sign_in(group.ada)
    participation = client.get(f"/studies/{group.study.slug}/participation")
    draft = client.get(f"{group.base}/")
    assert "Questionnaires</strong>" not in participation.get_data(as_text=True)
    assert "Questionnaires</strong>" in draft.get_data(as_text=True)


def test_the_reader_is_never_told_to_ask_themself(client, auth, db_session, group):
    """Pat, not yet heard from, is not in the list of people to ask, and is told gently."""
    _suggest(db_session, group, group.ada)
    auth.sign_in(group.pat)
    text = page_text(client.get(group.url))
    assert "We have not yet had suggestions or comments from Sam Okafor." in text
    assert "You have not suggested or commented yet." in text
    auth.sign_out()

    auth.sign_in(group.sam)
    text = page_text(client.get(group.url))
    assert "We have not yet had suggestions or comments from Pat Lin." in text
    assert "You have not suggested or commented yet." in text  # Sam has not either
    assert "from Pat Lin, Sam Okafor" not in text and "from Sam Okafor" not in text
