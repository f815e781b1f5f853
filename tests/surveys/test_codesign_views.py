"""The co-design pages: suggest a change, say what you think, withdraw, and the decision log."""

from __future__ import annotations

import html
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from peer_research.db import utcnow
from peer_research.studies.models import Role
from surveys import definition as d
from surveys import services as drafts
from surveys.codesign import services as codesign
from surveys.codesign.models import ChangeKind, Proposal, ProposalState, RuleKind
from surveys.codesign.rules import Rule

from builders import question


@pytest.fixture
def group(app, db_session, questionnaire, facilitator, make_member):
    """Return a design group of three (plus a support lead) and a draft with one question."""
    study = facilitator.study
    people = SimpleNamespace(
        study=study,
        questionnaire=questionnaire,
        sam=facilitator.user,
        ada=make_member(study=study, roles=[Role.CO_RESEARCHER], display_name="Ada Brook").user,
        pat=make_member(study=study, roles=[Role.ACADEMIC_PARTNER], display_name="Pat Lin").user,
        lee=make_member(study=study, roles=[Role.SUPPORT_LEAD], display_name="Lee Ward").user,
    )
    with app.app_context():
        drafts.add_item(
            db_session,
            questionnaire=questionnaire,
            item=question("age", d.QuestionType.INTEGER, label={"en": "How old are you?"}),
            changed_by=people.sam,
        )
    db_session.commit()
    base = f"/studies/{study.slug}/questionnaires/{questionnaire.id}"
    people.base = base
    people.suggest_url = f"{base}/items/age/suggest"
    return people


def _page(response) -> str:
    """Return a response's text with HTML entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def _day(days_from_now: int) -> dict[str, list[str]]:
    """Return the three date boxes for a day some days from now."""
    day = (utcnow() + timedelta(days=days_from_now)).date()
    return {"deadline": [str(day.day), str(day.month), str(day.year)]}


def _suggest(client, group, **fields):
    """Post a wording suggestion for the age question."""
    data = {"label": "What is your age?", "hint": "", "reason": "Shorter and kinder", **_day(7)}
    data.update(fields)
    return client.post(group.suggest_url, data=data, follow_redirects=True)


def _open(app, db_session, group, *, author=None, now=None):
    """Write an open suggestion with a poll through the services; return it."""
    now = now or utcnow()
    with app.app_context():
        proposal = codesign.create_proposal(
            db_session,
            questionnaire=group.questionnaire,
            author=author or group.ada,
            kind=ChangeKind.CHANGE_ITEM,
            reason="Shorter and kinder",
            item=question("age", d.QuestionType.INTEGER, label={"en": "What is your age?"}),
            target_name="age",
            open_now=True,
            now=now,
        )
        codesign.open_proposal_poll(
            db_session,
            proposal=proposal,
            opened_by=author or group.ada,
            deadline=now + timedelta(days=1),
            now=now,
        )
    db_session.commit()
    return proposal


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
    assert "<del>" in page and "How old are you" in page
    assert "<ins>" in page and "What is your age" in page
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
    assert "Choose agree, abstain, disagree or block" in page


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
    assert "Agree: 3. Abstain: 0. Disagree: 0. Block: 0." in log
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
    with app.app_context():
        other = drafts.create_questionnaire(
            db_session,
            study=group.study,
            title="Another",
            languages=[d.Language("en", "English")],
            created_by=group.sam,
        )
    db_session.commit()
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
    assert "Withdrawn before the group decided" in log


def test_anonymous_polls_show_no_names_with_votes(app, client, auth, group, db_session):
    """In an anonymous poll nobody sees who voted how, not even a facilitator."""
    with app.app_context():
        codesign.set_decision_rule(
            db_session,
            study=group.study,
            settings=codesign.DecisionSettings(rule=Rule(RuleKind.CONSENT), anonymous_polls=True),
            set_by=group.sam,
        )
    db_session.commit()
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
    """An academic partner sees "Suggest a change" but not the editor's buttons."""
    auth.sign_in(group.pat)
    page = _page(
        client.get(f"/studies/{group.study.slug}/questionnaires/{group.questionnaire.id}/")
    )
    assert "Suggest a change" in page
    assert "Move up" not in page
