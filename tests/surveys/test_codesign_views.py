"""The co-design pages: suggest any kind of change, drafts, updates, votes, withdrawing, and
the decision log."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from peer_research.db import utcnow
from peer_research.studies.models import Role
from surveys import definition as d
from surveys import services as drafts
from surveys.codesign.models import Proposal, ProposalState, RuleKind
from surveys.codesign.rules import Rule

from builders import another_questionnaire, open_suggestion, question, set_group_rule
from builders import deadline_boxes as _day
from builders import page_html as _page


@pytest.fixture
def group(make_design_group):
    """Return a design group of three (plus a support lead) and a draft with one question."""
    group = make_design_group()
    group.suggest_url = f"{group.base}/items/age/edit"
    return group


def page_text_of(html_text: str) -> str:
    """Return the visible text of a page's HTML."""
    return " ".join(re.sub(r"<[^>]+>", " ", html_text).split())


QUESTION = {"type": "integer", "name": "age", "privacy": "none", "appearance": "", "hint": ""}
SUGGEST = {"suggest": "Suggest this change"}
DRAFT = {"save_draft": "Save as a draft"}
CHANGE_NOW = {"change_now": "Make this change now, without a vote"}


def _suggest(client, group, **fields):
    """Post a wording suggestion for the age question (opened for the group)."""
    data = {
        **QUESTION,
        "label": "What is your age?",
        "reason": "Shorter and kinder",
        "revision": "1",
        **_day(7),
        **SUGGEST,
    }
    data.update(fields)
    return client.post(group.suggest_url, data=data, follow_redirects=True)


def _open(app, db_session, group, *, author=None, now=None):
    """Open a wording suggestion with a poll closing a day later; return it."""
    return open_suggestion(
        db_session, group, author=author, now=now, deadline_in=timedelta(days=1)
    )[0]


def _url(group, proposal, action: str = "") -> str:
    return f"{group.base}/suggestions/{proposal.id}{action}"


def test_suggest_a_wording_change_opens_it_for_the_group(client, auth, group, db_session):
    """A co-researcher suggests new words; the page shows the reason, the change and the poll."""
    auth.sign_in(group.ada)
    form = _page(client.get(group.suggest_url))
    assert "Suggest a change" in form
    assert "How old are you?" in form
    assert "Why?" in form

    page = _page(_suggest(client, group))

    assert "Your suggestion is open" in page
    assert "Shorter and kinder" in page
    assert "[removed: How old are you ]" in page_text_of(page)
    assert "[added: What is your age ]" in page_text_of(page)
    assert "<del" in page and "<ins" in page
    assert "What do you think?" in page
    assert "0 of 3 have voted." in page
    assert "Ada Brook, Pat Lin, Sam Okafor" in page
    listing = _page(client.get(f"{group.base}/suggestions"))
    assert "Change “How old are you?”" in listing
    assert "0 of 3 have voted." in listing
    draft = _page(client.get(f"{group.base}/"))
    assert "How old are you?" in draft  # nothing changes until the group decides


def test_suggestion_needs_a_reason_and_a_day_after_today(client, auth, group, db_session):
    """Missing reason, a past day and a day that does not exist are explained beside the fields."""
    auth.sign_in(group.ada)
    page = _page(_suggest(client, group, reason="  ", deadline=["1", "1", "2020"]))
    assert "There is a problem" in page
    assert "Say in your own words why you suggest this" in page
    assert "Choose a day after today" in page
    page = _page(_suggest(client, group, deadline=["31", "2", "2031"]))
    assert "Enter a real date" in page
    page = _page(_suggest(client, group, label="How old are you?"))
    assert "This suggestion would not change anything." in page
    assert db_session.scalar(sa.select(sa.func.count(Proposal.id))) == 0


def test_members_outside_the_design_group_cannot_suggest(client, auth, group):
    """Academic partners are in the co-design group; a support lead can read but not suggest."""
    auth.sign_in(group.pat)
    assert client.get(group.suggest_url).status_code == 200
    client.post("/sign-out")
    auth.sign_in(group.lee)
    assert client.get(group.suggest_url).status_code == 403


def test_voting_twice_changes_the_vote(app, client, auth, group, db_session):
    """Voting again replaces one's vote: one person, one vote, shown with their name."""
    proposal = _open(app, db_session, group)
    auth.sign_in(group.ada)
    client.post(_url(group, proposal, "/vote"), data={"position": "agree"})
    page = _page(
        client.post(
            _url(group, proposal, "/vote"),
            data={"position": "disagree", "reason": "The old words were clearer"},
            follow_redirects=True,
        )
    )
    assert "Your vote is saved" in page
    assert "You said: Disagree." in page
    assert page.count("Ada Brook</strong>: Disagree") == 1
    assert "Ada Brook</strong>: Agree" not in page
    assert "1 of 3 have voted." in page
    assert "The old words were clearer" in page


def test_blocking_without_a_reason_is_refused(app, client, auth, group, db_session):
    """A block needs a reason: the message is beside the reason box and no vote is kept."""
    proposal = _open(app, db_session, group)
    auth.sign_in(group.pat)
    response = client.post(_url(group, proposal, "/vote"), data={"position": "block"})
    page = _page(response)
    assert "There is a problem" in page
    assert 'id="reason-error"' in page
    assert "Say why you block this, so the group can respond." in page
    assert "0 of 3 have voted." in page


def test_choosing_no_position_is_explained(app, client, auth, group, db_session):
    """Sending the vote form without a choice says what to do."""
    proposal = _open(app, db_session, group)
    auth.sign_in(group.pat)
    page = _page(client.post(_url(group, proposal, "/vote"), data={}))
    assert "Choose agree, stand aside, disagree or block" in page


def test_last_vote_closes_the_poll_and_changes_the_draft(app, client, auth, group, db_session):
    """When everyone has voted, the outcome is shown, the draft changes and the log has it."""
    proposal = _open(app, db_session, group)
    for person in (group.ada, group.pat):
        auth.sign_in(person)
        client.post(_url(group, proposal, "/vote"), data={"position": "agree"})
        auth.sign_out()
    auth.sign_in(group.sam)
    page = _page(
        client.post(
            _url(group, proposal, "/vote"), data={"position": "agree"}, follow_redirects=True
        )
    )
    assert "Everyone has voted. Agreed:" in page
    assert "The change was made to the draft." in page
    assert "What do you think?" not in page  # the vote form is gone
    draft = _page(client.get(f"{group.base}/"))
    assert "What is your age?" in draft
    log = _page(client.get(f"{group.base}/decisions"))
    assert "Change “How old are you?”" in log
    assert "Shorter and kinder" in log
    assert "Ada Brook: Agree" in log and "Pat Lin: Agree" in log and "Sam Okafor: Agree" in log
    assert "Agree: 3. Stand aside: 0. Disagree: 0. Block: 0." in log
    assert "What changed" in log
    listing = _page(client.get(f"{group.base}/suggestions"))
    assert "Agreed" in listing


def test_voting_on_a_closed_poll_is_refused(app, client, auth, group, db_session):
    """After the deadline the poll closes by itself; a late vote is refused with a message."""
    proposal = _open(app, db_session, group, now=utcnow() - timedelta(days=2))
    auth.sign_in(group.ada)
    late = _page(client.post(_url(group, proposal, "/vote"), data={"position": "agree"}))
    assert "This poll has closed, so votes can no longer be cast or changed." in late
    page = _page(client.get(_url(group, proposal)))
    assert "Closed" in page
    assert "Nobody voted." in page
    assert "What do you think?" not in page
    log = _page(client.get(f"{group.base}/decisions"))
    assert "Not agreed" in log


def test_support_lead_cannot_vote(app, client, auth, group, db_session):
    """Someone outside the design group can read the suggestion but not vote on it."""
    proposal = _open(app, db_session, group)
    auth.sign_in(group.lee)
    page = _page(client.get(_url(group, proposal)))
    assert "Shorter and kinder" in page
    assert "Send my vote" not in page
    refused = _page(client.post(_url(group, proposal, "/vote"), data={"position": "agree"}))
    assert "Only the members of the design group when this poll opened can vote in it." in refused


def test_academic_partner_of_another_study_is_refused(
    app, client, auth, group, db_session, make_member
):
    """A member of another study cannot see or vote on this study's suggestions."""
    proposal = _open(app, db_session, group)
    stranger = make_member(roles=[Role.ACADEMIC_PARTNER], display_name="Other Partner").user
    auth.sign_in(stranger)
    assert client.get(_url(group, proposal)).status_code == 403
    response = client.post(_url(group, proposal, "/vote"), data={"position": "block"})
    assert response.status_code == 403
    assert "You are not a member of this study" in _page(response)
    auth.sign_out()
    auth.sign_in(group.ada)
    assert "0 of 3 have voted." in _page(client.get(_url(group, proposal)))


def test_suggestion_of_another_questionnaire_is_not_found(app, client, auth, group, db_session):
    """A suggestion's address under another questionnaire answers 404."""
    proposal = _open(app, db_session, group)
    other = another_questionnaire(db_session, group, title="Another")
    auth.sign_in(group.ada)
    other_base = f"/studies/{group.study.slug}/questionnaires/{other.id}"
    assert client.get(f"{other_base}/suggestions/{proposal.id}").status_code == 404


def test_only_the_author_can_withdraw(app, client, auth, group, db_session):
    """Someone else's withdraw is refused; the author's closes the poll without a decision."""
    proposal = _open(app, db_session, group)
    auth.sign_in(group.pat)
    page = _page(client.get(_url(group, proposal)))
    assert "Withdraw my suggestion" not in page
    page = _page(client.post(_url(group, proposal, "/withdraw"), follow_redirects=True))
    assert "Only the person who suggested this change can do that." in page
    db_session.refresh(proposal)
    assert proposal.state == ProposalState.OPEN
    auth.sign_out()

    auth.sign_in(group.ada)
    page = _page(client.post(_url(group, proposal, "/withdraw"), follow_redirects=True))
    assert "You withdrew your suggestion" in page
    assert "Withdrawn" in page
    log = _page(client.get(f"{group.base}/decisions"))
    assert "Closed without a decision" in log
    assert "The suggestion was withdrawn before the poll closed" in log


def test_anonymous_polls_show_no_names_with_votes(app, client, auth, group, db_session):
    """In an anonymous poll nobody sees who voted how, not even a facilitator."""
    set_group_rule(db_session, group, rule=Rule(RuleKind.CONSENT), anonymous_polls=True)
    proposal = _open(app, db_session, group)
    auth.sign_in(group.ada)
    page = _page(
        client.post(
            _url(group, proposal, "/vote"),
            data={"position": "disagree", "reason": "Too blunt"},
            follow_redirects=True,
        )
    )
    assert "You have voted." in page
    assert "Votes are anonymous" in page
    auth.sign_out()
    auth.sign_in(group.sam)
    page = _page(client.get(_url(group, proposal)))
    assert "Disagree" not in page.split("What do you think?")[0]
    assert "Too blunt" not in page
    assert "1 of 3 have voted." in page


def test_the_draft_links_to_suggestions(client, auth, group):
    """The draft links to the suggestions page, and design group members can suggest per item."""
    auth.sign_in(group.ada)
    page = _page(client.get(f"{group.base}/"))
    assert "Suggestions and decisions" in page
    assert group.suggest_url in page
    auth.sign_out()
    auth.sign_in(group.lee)
    page = _page(client.get(f"{group.base}/"))
    assert "Suggestions and decisions" in page
    assert group.suggest_url not in page


def test_empty_pages_say_so(client, auth, group):
    """With no suggestions yet, the list and the log say so plainly."""
    auth.sign_in(group.lee)
    assert "Nothing is open for votes." in _page(client.get(f"{group.base}/suggestions"))
    assert "Nothing has been decided yet." in _page(client.get(f"{group.base}/decisions"))


def test_draft_offers_suggestions_to_the_whole_co_design_group(client, auth, group):
    """An academic partner may suggest changing, moving or removing; nothing is one-click."""
    auth.sign_in(group.pat)
    page = _page(
        client.get(f"/studies/{group.study.slug}/questionnaires/{group.questionnaire.id}/")
    )
    assert "Suggest a change" in page and "Suggest moving" in page
    assert "Suggest removing" in page and "Suggest adding a question" in page
    assert "Move up" not in page and "Delete" not in page


# Every kind of suggestion, drafts, updates and direct changes ------------------------------


def _allow_direct_edits(app, db_session, group):
    """Let the study's facilitators change the draft without a vote."""
    set_group_rule(db_session, group, allow_direct_edits=True)


def _add_item(app, db_session, group, item):
    with app.app_context():
        drafts.add_item(
            db_session, questionnaire=group.questionnaire, item=item, changed_by=group.sam
        )
    db_session.commit()


def _latest(db_session) -> Proposal:
    return db_session.scalar(sa.select(Proposal).order_by(Proposal.id.desc()).limit(1))


def test_suggesting_new_choices_shows_each_added_removed_and_reworded_answer(
    app, client, auth, group, db_session
):
    choices = (
        d.Choice("family", {"en": "Family"}),
        d.Choice("friends", {"en": "Friends"}),
        d.Choice("carers", {"en": "Paid carers"}),
    )
    _add_item(
        app,
        db_session,
        group,
        question("help", d.QuestionType.SELECT_ONE, label={"en": "Who helps?"}, choices=choices),
    )
    auth.sign_in(group.ada)
    form = _page(client.get(f"{group.base}/items/help/edit"))
    assert "family = Family" in form and "Paid carers" in form
    page = page_text_of(
        _page(
            client.post(
                f"{group.base}/items/help/edit",
                data={
                    **QUESTION,
                    "type": "select_one",
                    "name": "help",
                    "label": "Who helps?",
                    "choices": "family = Family members\nfriends = Friends\nNeighbours",
                    "required": "y",
                    "relevance": "${age} > 16",
                    "revision": "1",
                    "reason": "Neighbours help a lot",
                    **_day(5),
                    **SUGGEST,
                },
                follow_redirects=True,
            )
        )
    )
    assert "Your suggestion is open" in page
    assert "An answer to choose from Before Family After Family [added: members ]" in page
    assert "An answer to choose from (a new answer)" in page and "[added: Neighbours ]" in page
    assert "An answer to choose from (answer taken out)" in page
    assert "[removed: Paid carers ]" in page
    assert "An answer is needed to go on Before [removed: No ] After [added: Yes ]" in page
    assert (
        "When it is asked (added) Before (empty) After [added: Only asked if the answer to "
        "“How old are you?” is more than 16. ] Show how the tablet checks this" in page
    )


def test_suggest_moving_and_removing_through_the_pages(app, client, auth, group, db_session):
    """A move says from where to where in words; a removal shows everything that would go."""
    _add_item(app, db_session, group, question("home", label={"en": "Where do you live?"}))
    auth.sign_in(group.pat)
    page = page_text_of(
        _page(
            client.post(
                f"{group.base}/items/age/move",
                data={"place": "after:home", "reason": "Easier start", "revision": "1"}
                | _day(5)
                | SUGGEST,
                follow_redirects=True,
            )
        )
    )
    assert "Move “How old are you?”" in page
    assert "Where it is now in the main part of the questionnaire (not in a section), just " in page
    assert "before “Where do you live?”" in page
    assert "Where it would go" in page and "just after “Where do you live?”" in page
    page = page_text_of(
        _page(
            client.post(
                f"{group.base}/items/home/remove",
                data={"reason": "We know already", "revision": "1"} | DRAFT,
                follow_redirects=True,
            )
        )
    )
    assert "Remove “Where do you live?”" in page and "Saved as a draft" in page
    assert "This question would be taken out of the draft: Question Where do you live?" in page
    assert "Where do you live?" in page_text_of(_page(client.get(f"{group.base}/")))


def test_drafts_are_private_until_put_to_the_group(app, client, auth, group, db_session):
    """Only the author sees, changes and opens a draft; others get 'not found'."""
    auth.sign_in(group.ada)
    page = page_text_of(_page(_suggest(client, group, **DRAFT, suggest=None)))
    assert "Saved as a draft" in page and "only you can see it" in page
    proposal = _latest(db_session)
    assert proposal.state == ProposalState.DRAFT
    assert "Your draft" in page_text_of(_page(client.get(f"{group.base}/")))
    auth.sign_out()

    auth.sign_in(group.pat)
    assert client.get(_url(group, proposal)).status_code == 404
    for action in ("/vote", "/withdraw", "/open"):
        assert client.post(_url(group, proposal, action), data=_day(3)).status_code == 404
    assert client.get(_url(group, proposal, "/change")).status_code == 404
    assert "What is your age?" not in _page(client.get(f"{group.base}/suggestions"))
    assert "What is your age?" not in _page(client.get(f"{group.base}/"))
    auth.sign_out()

    auth.sign_in(group.ada)
    form = _page(client.get(_url(group, proposal, "/change")))
    assert "Change your suggestion" in form and "What is your age?" in form
    page = page_text_of(
        _page(
            client.post(
                _url(group, proposal, "/change"),
                data={
                    **QUESTION,
                    "label": "What age are you?",
                    "reason": "Even shorter",
                    "revision": "1",
                    **DRAFT,
                },
                follow_redirects=True,
            )
        )
    )
    assert "Saved as a draft" in page and "[added: What age ] are you?" in page
    assert "Even shorter" in page
    late = page_text_of(
        _page(client.post(_url(group, proposal, "/open"), data={"deadline": ["1", "1", "2020"]}))
    )
    assert "Choose a day after today" in late
    db_session.refresh(proposal)
    assert proposal.state == ProposalState.DRAFT
    page = page_text_of(
        _page(client.post(_url(group, proposal, "/open"), data=_day(4), follow_redirects=True))
    )
    assert "Your suggestion is open" in page and "0 of 3 have voted." in page
    replay = page_text_of(
        _page(client.post(_url(group, proposal, "/open"), data=_day(4), follow_redirects=True))
    )
    assert "Only a draft can be opened." in replay
    refused = page_text_of(
        _page(client.get(_url(group, proposal, "/change"), follow_redirects=True))
    )
    assert "An open or decided suggestion cannot be changed" in refused
    auth.sign_out()
    auth.sign_in(group.pat)
    assert "[added: What age ] are you?" in page_text_of(_page(client.get(_url(group, proposal))))


def test_a_suggestion_overtaken_by_another_change_shows_the_new_base_and_is_updated(
    app, client, auth, group, db_session
):
    """Nothing is overwritten: the older suggestion needs an update, shown against the new base."""
    _allow_direct_edits(app, db_session, group)
    auth.sign_in(group.ada)
    _suggest(client, group)
    proposal = _latest(db_session)
    auth.sign_out()
    auth.sign_in(group.sam)
    client.post(
        group.suggest_url,
        data={
            **QUESTION,
            "label": "How old are you?",
            "hint": "In years",
            "reason": "Clearer",
            "revision": "1",
            **CHANGE_NOW,
        },
    )
    auth.sign_out()
    db_session.refresh(proposal)
    assert proposal.state == ProposalState.NEEDS_UPDATE

    auth.sign_in(group.ada)
    page = page_text_of(_page(client.get(_url(group, proposal))))
    assert "This question changed since this suggestion was written" in page
    assert "How it changed since" in page and "Help text" in page
    assert "[added: In years ]" in page
    assert "Update my suggestion" in page
    assert "Voting waits" in page and "Send my vote" not in page
    form = _page(client.get(_url(group, proposal, "/change")))
    assert "Update your suggestion" in form
    assert "What is your age?" in form and "In years" in form  # their change on the new base
    assert 'name="revision" type="hidden" value="2"' in form
    page = page_text_of(
        _page(
            client.post(
                _url(group, proposal, "/change"),
                data={
                    **QUESTION,
                    "label": "What is your age?",
                    "hint": "In years",
                    "reason": "Still shorter",
                    "revision": "2",
                    **_day(3),
                    **SUGGEST,
                },
                follow_redirects=True,
            )
        )
    )
    assert "Your suggestion is open" in page
    db_session.refresh(proposal)
    assert proposal.state == ProposalState.OPEN
    assert proposal.base_content["hint"] == {"en": "In years"}


def test_linked_suggestions_list_each_other_and_the_loser_needs_an_update(
    app, client, auth, group, db_session
):
    auth.sign_in(group.ada)
    _suggest(client, group)
    first = _latest(db_session)
    auth.sign_out()
    auth.sign_in(group.pat)
    _suggest(client, group, label="Your age?", reason="Shortest")
    second = _latest(db_session)
    page = _page(client.get(_url(group, second)))
    assert "Other suggestions about this question" in page
    assert _url(group, first) in page
    auth.sign_out()
    for person in (group.ada, group.pat, group.sam):
        auth.sign_in(person)
        client.post(_url(group, first, "/vote"), data={"position": "agree"})
        auth.sign_out()
    db_session.refresh(second)
    assert second.state == ProposalState.NEEDS_UPDATE
    auth.sign_in(group.pat)
    page = page_text_of(_page(client.get(_url(group, second))))
    assert "Needs an update" in page and "[added: What is your age ] ?" in page
    assert "What is your age?" in _page(client.get(f"{group.base}/"))


def test_only_facilitators_of_studies_that_allow_it_change_without_a_vote(
    app, client, auth, group, db_session
):
    """A co-researcher never sees the button; a forged direct change is refused."""
    _allow_direct_edits(app, db_session, group)
    auth.sign_in(group.ada)
    assert "Make this change now" not in _page(client.get(group.suggest_url))
    page = page_text_of(_page(_suggest(client, group, suggest=None, **CHANGE_NOW)))
    assert "Only a facilitator can change the draft directly." in page
    assert db_session.scalar(sa.select(sa.func.count(Proposal.id))) == 0
    assert "How old are you?" in _page(client.get(f"{group.base}/"))
    auth.sign_out()
    auth.sign_in(group.sam)
    assert "Make this change now" in _page(client.get(group.suggest_url))
    _suggest(client, group, suggest=None, **CHANGE_NOW)
    log = page_text_of(_page(client.get(f"{group.base}/decisions")))
    assert "Without a vote Changed without a vote by Sam Okafor" in log
    assert "[added: What is your age ] ?" in log


def test_a_replayed_suggestion_is_not_sent_twice(client, auth, group, db_session):
    auth.sign_in(group.ada)
    _suggest(client, group)
    page = page_text_of(_page(_suggest(client, group)))
    assert "You have already suggested this change." in page
    assert db_session.scalar(sa.select(sa.func.count(Proposal.id))) == 1


def test_changing_a_suggestion_of_another_questionnaire_is_not_found(
    app, client, auth, group, db_session
):
    auth.sign_in(group.ada)
    _suggest(client, group, **DRAFT, suggest=None)
    proposal = _latest(db_session)
    other = another_questionnaire(db_session, group, title="Another")
    other_base = f"/studies/{group.study.slug}/questionnaires/{other.id}"
    assert client.get(f"{other_base}/suggestions/{proposal.id}/change").status_code == 404
    response = client.post(f"{other_base}/suggestions/{proposal.id}/open", data=_day(3))
    assert response.status_code == 404
    db_session.refresh(proposal)
    assert proposal.state == ProposalState.DRAFT


def test_suggesting_against_an_item_removed_meanwhile_says_so(app, client, auth, group, db_session):
    auth.sign_in(group.ada)
    form = _page(client.get(group.suggest_url))
    assert 'value="1"' in form
    with app.app_context():
        drafts.delete_item(
            db_session, questionnaire=group.questionnaire, name="age", changed_by=group.sam
        )
    db_session.commit()
    response = _suggest(client, group)
    assert response.status_code == 404
    assert "no longer in the draft" in _page(response)
    assert db_session.scalar(sa.select(sa.func.count(Proposal.id))) == 0


def test_a_draft_addition_to_a_section_keeps_its_place_when_changed(
    app, client, auth, group, db_session
):
    """Changing a draft suggestion to add a question keeps where it would go."""
    _add_item(app, db_session, group, d.Section(name="home", label={"en": "At home"}))
    auth.sign_in(group.ada)
    client.post(
        f"{group.base}/questions/new?section=home",
        data={**QUESTION, "name": "pets", "label": "Any pets?", "reason": "Pets help", **DRAFT},
    )
    proposal = _latest(db_session)
    form = page_text_of(_page(client.get(_url(group, proposal, "/change"))))
    assert "Change your suggestion" in form
    page = page_text_of(
        _page(
            client.post(
                _url(group, proposal, "/change"),
                data={
                    **QUESTION,
                    "name": "pets",
                    "label": "Do you have pets?",
                    "reason": "Pets help",
                    **_day(2),
                    **SUGGEST,
                },
                follow_redirects=True,
            )
        )
    )
    assert "Your suggestion is open" in page
    assert "A new question, in the section “At home”, at the end:" in page
    assert "Question Do you have pets?" in page
