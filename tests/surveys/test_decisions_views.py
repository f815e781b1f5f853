"""Deciding together: publishing by a vote, how the group decides, comparing versions, the
changelog on the version page and the PDF of a version's decisions."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from peer_research.db import utcnow
from peer_research.pdf import static_files_fetcher
from peer_research.studies.models import Role
from surveys import definition as d
from surveys import services as drafts
from surveys.codesign import services as codesign
from surveys.codesign.models import ChangeKind, DecisionRule, Poll, RuleKind
from surveys.models import QuestionnaireVersion

from builders import deadline_boxes as _day
from builders import page_html as _page
from builders import question, set_group_rule


@pytest.fixture
def group(make_design_group):
    """Return a design group of three (plus a support lead) and a draft with one question."""
    group = make_design_group()
    group.voters = group.everyone
    return group


def _versions(db_session) -> list[int]:
    return list(db_session.scalars(sa.select(QuestionnaireVersion.number).order_by("number")))


def _ask_to_publish(client, auth, group, person=None, reason="Ready for the pilot"):
    """Ask the group to publish; return the poll page's URL."""
    auth.sign_in(person or group.ada)
    response = client.post(f"{group.base}/ask-to-publish", data={"reason": reason, **_day(7)})
    assert response.status_code == 302, _page(response)
    return response.headers["Location"]


def _everyone_votes(client, auth, group, poll_url, position="agree"):
    """Have the three voters vote; return the last page."""
    page = ""
    for person in group.voters:
        auth.sign_in(person)
        page = _page(
            client.post(f"{poll_url}/vote", data={"position": position}, follow_redirects=True)
        )
    return page


def _publish_by_vote(client, auth, group):
    poll_url = _ask_to_publish(client, auth, group)
    return _everyone_votes(client, auth, group, poll_url)


# Publishing as a decision ---------------------------------------------------------------


def test_the_group_asks_votes_and_the_version_appears(client, auth, group, db_session):
    """A co-researcher asks to publish; when all three agree, version 1 is published."""
    auth.sign_in(group.ada)
    draft = _page(client.get(f"{group.base}/"))
    assert "Ask the group to publish" in draft
    assert "Publish a new version" not in draft
    ask = _page(client.get(f"{group.base}/ask-to-publish"))
    assert "Can the draft be published?" in ask and "Yes." in ask
    assert "this will be version 1" in ask

    poll_url = _ask_to_publish(client, auth, group)
    page = _page(client.get(poll_url))
    assert "Publish the draft as a new version" in page
    assert "Why Ada Brook asks" in page and "Ready for the pilot" in page
    assert "0 of 3 have voted." in page
    assert "Ada Brook, Pat Lin, Sam Okafor" in page  # not voted yet (a named poll)
    assert _versions(db_session) == []
    draft = _page(client.get(f"{group.base}/"))
    assert "See the poll on publishing" in draft

    auth.sign_in(group.sam)
    page = _page(client.post(f"{poll_url}/vote", data={"position": "agree"}, follow_redirects=True))
    assert "Your vote is saved" in page and "<strong>Sam Okafor</strong>: Agree" in page
    assert _versions(db_session) == []  # one vote does not publish

    page = _everyone_votes(client, auth, group, poll_url)
    assert "Everyone has voted. Agreed" in page
    assert "Version 1 was published." in page
    assert "See version 1" in page
    assert _versions(db_session) == [1]
    log = _page(client.get(f"{group.base}/decisions"))
    assert "Publish the draft" in log and "Version 1" in log
    assert "See the poll on publishing" not in _page(client.get(f"{group.base}/"))


def test_a_support_lead_can_read_the_poll_but_not_vote(client, auth, group, db_session):
    poll_url = _ask_to_publish(client, auth, group)
    auth.sign_in(group.lee)
    page = _page(client.get(poll_url))
    assert "Publish the draft as a new version" in page
    assert "What do you think?" not in page
    response = client.post(f"{poll_url}/vote", data={"position": "agree"})
    assert response.status_code == 400
    assert "Only the members of the design group" in _page(response)
    assert not codesign.has_voted(
        db_session, poll=db_session.get(Poll, int(poll_url.rsplit("/", 1)[1])), user=group.lee
    )


def test_asking_to_publish_is_refused_while_the_draft_has_problems(
    client, auth, group, db_session, app
):
    with app.app_context():
        drafts.delete_item(
            db_session, questionnaire=group.questionnaire, name="age", changed_by=group.sam
        )
    db_session.commit()
    auth.sign_in(group.ada)
    ask = _page(client.get(f"{group.base}/ask-to-publish"))
    assert "Not yet." in ask and "Add at least one question." in ask
    assert "Decide by" not in ask
    response = client.post(f"{group.base}/ask-to-publish", data={"reason": "", **_day(7)})
    assert response.status_code == 400
    assert "cannot be published until these are fixed" in _page(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Poll)) == 0


def test_a_draft_that_breaks_during_the_poll_is_not_published(client, auth, group, db_session, app):
    poll_url = _ask_to_publish(client, auth, group)
    with app.app_context():
        drafts.delete_item(
            db_session, questionnaire=group.questionnaire, name="age", changed_by=group.sam
        )
    db_session.commit()
    auth.sign_in(group.pat)
    assert "cannot be published as it is now" in _page(client.get(poll_url))
    page = _everyone_votes(client, auth, group, poll_url)
    assert "could not be published, so nothing was published" in page
    assert _versions(db_session) == []


def test_bad_requests_to_publish(client, auth, group, db_session):
    auth.sign_in(group.ada)
    url = f"{group.base}/ask-to-publish"
    past = client.post(url, data={"reason": "x", **_day(-1)})
    assert past.status_code == 400 and "Choose a day after today" in _page(past)
    garbage = client.post(url, data={"reason": "x", "deadline": ["31", "2", "2030"]})
    assert garbage.status_code == 400 and "Enter a real date" in _page(garbage)
    huge = client.post(url, data={"reason": "x" * 5001, **_day(3)})
    assert huge.status_code == 400 and "5,000 characters or fewer" in _page(huge)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Poll)) == 0

    poll_url = _ask_to_publish(client, auth, group)
    again = client.post(url, data={"reason": "again", **_day(3)}, follow_redirects=True)
    assert "There is already a poll on publishing" in _page(again)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Poll)) == 1

    _everyone_votes(client, auth, group, poll_url)
    auth.sign_in(group.ada)
    same = client.post(url, data={"reason": "once more", **_day(3)})
    assert same.status_code == 400
    assert "nothing new to publish" in _page(same)

    closed = client.post(f"{poll_url}/vote", data={"position": "disagree"})
    assert closed.status_code == 400 and "This poll has closed" in _page(closed)
    blank = client.post(f"{group.studies}/polls/999999/vote", data={"position": "agree"})
    assert blank.status_code == 404


def test_polls_of_another_study_are_not_found(client, auth, group, make_member):
    poll_url = _ask_to_publish(client, auth, group)
    stranger = make_member(roles=[Role.FACILITATOR])
    auth.sign_in(stranger.user)
    poll_id = poll_url.rsplit("/", 1)[1]
    response = client.get(f"/studies/{stranger.study.slug}/polls/{poll_id}")
    assert response.status_code == 404
    vote = client.post(f"/studies/{stranger.study.slug}/polls/{poll_id}/vote", data={})
    assert vote.status_code == 404


# How the group decides ------------------------------------------------------------------


def _rule_data(**fields):
    data = {
        "kind": "consent",
        "consent_threshold": "75",
        "quorum": "",
        "anonymous_polls": "no",
        "allow_direct_edits": "no",
    }
    data.update(fields)
    return data


def test_a_facilitator_sets_up_the_rule_once_then_only_the_group_changes_it(
    client, auth, group, db_session
):
    auth.sign_in(group.ada)
    page = _page(client.get(f"{group.studies}/how-we-decide"))
    assert "How we decide" in page and "starting rule" in page
    assert "at least 75% of those who agree or disagree agree" in page
    assert "Set up how the group decides" not in page
    assert client.get(f"{group.studies}/how-we-decide/set-up").status_code == 403

    auth.sign_in(group.sam)
    assert "Set up how the group decides" in _page(client.get(f"{group.studies}/how-we-decide"))
    page = _page(
        client.post(
            f"{group.studies}/how-we-decide/set-up",
            data=_rule_data(consent_threshold="60", anonymous_polls="yes"),
            follow_redirects=True,
        )
    )
    assert "From now on, the group changes this by a vote" in page
    assert "at least 60%" in page
    assert "Yes: nobody, facilitators included, can see who voted how." in page
    assert "set up by Sam Okafor, a facilitator" in page

    again = client.get(f"{group.studies}/how-we-decide/set-up", follow_redirects=True)
    assert "The group decides how it decides" in _page(again)
    client.post(f"{group.studies}/how-we-decide/set-up", data=_rule_data(kind="majority"))
    assert db_session.scalar(sa.select(sa.func.count()).select_from(DecisionRule)) == 1


def test_bad_rule_settings_are_refused_beside_the_field(client, auth, group, db_session):
    auth.sign_in(group.sam)
    url = f"{group.studies}/how-we-decide/set-up"
    no_quorum = client.post(url, data=_rule_data(kind="quorum"))
    assert no_quorum.status_code == 400
    assert "Say how many people must vote" in _page(no_quorum)
    too_big = client.post(url, data=_rule_data(consent_threshold="101"))
    assert too_big.status_code == 400 and "Enter a number from 1 to 100" in _page(too_big)
    odd = client.post(url, data=_rule_data(kind="dictator"))
    assert odd.status_code == 400
    assert db_session.scalar(sa.select(sa.func.count()).select_from(DecisionRule)) == 0


def test_the_group_changes_its_rule_by_an_anonymous_vote(client, auth, group, db_session, app):
    set_group_rule(db_session, group, anonymous_polls=True)
    auth.sign_in(group.pat)
    form = _page(client.get(f"{group.studies}/how-we-decide/suggest"))
    assert "Suggest a new rule" in form and "Why?" in form
    response = client.post(
        f"{group.studies}/how-we-decide/suggest",
        data={**_rule_data(kind="majority", anonymous_polls="yes"), "reason": "Simpler", **_day(5)},
    )
    assert response.status_code == 302
    poll_url = response.headers["Location"]
    page = _page(client.get(poll_url))
    assert "Change how the group decides" in page
    assert "Agreed when more people agree than disagree" in page  # the suggestion
    assert "Why Pat Lin asks" in page and "Simpler" in page
    assert "Votes are anonymous" in page
    rules_page = _page(client.get(f"{group.studies}/how-we-decide"))
    assert "The group is deciding a new rule" in rules_page

    for person, reason in zip(group.voters, ("", "Fine by me", ""), strict=True):
        auth.sign_in(person)
        client.post(f"{poll_url}/vote", data={"position": "agree", "reason": reason})
    page = _page(client.get(poll_url))
    assert "Agreed" in page and "The new rule is in force." in page
    assert "Agree: 3." in page
    assert "Agree: Fine by me" in page
    assert "<strong>Sam Okafor</strong>" not in page and "<strong>Pat Lin</strong>" not in page
    rules_page = _page(client.get(f"{group.studies}/how-we-decide"))
    assert rules_page.index("set by a decision of the group") < rules_page.index("set up by Sam")
    assert "Agreed when more people agree than disagree. A tie is not agreed." in rules_page
    settings = codesign.decision_settings(db_session, group.study)
    assert settings.rule.kind == RuleKind.MAJORITY and settings.anonymous_polls


def test_how_we_decide_is_linked_from_the_study_and_the_log(client, auth, group):
    auth.sign_in(group.lee)
    assert "/how-we-decide" in _page(client.get(f"{group.studies}/"))
    assert "/how-we-decide" in _page(client.get(f"{group.base}/decisions"))
    assert client.get(f"{group.studies}/how-we-decide/suggest").status_code == 403


# Comparing, changelog, PDF ----------------------------------------------------------------


def _accepted_change(app, db_session, group):
    """Reword the age question and add a question through agreed suggestions."""
    with app.app_context():
        for change in (
            {
                "kind": ChangeKind.CHANGE_ITEM,
                "target_name": "age",
                "item": question("age", d.QuestionType.INTEGER, label={"en": "What is your age?"}),
                "reason": "Shorter and kinder",
            },
            {
                "kind": ChangeKind.ADD_ITEM,
                "item": question("pets", label={"en": "Do you have pets?"}),
                "reason": "Pets matter to people",
            },
        ):
            now = utcnow()
            proposal = codesign.create_proposal(
                db_session,
                questionnaire=group.questionnaire,
                author=group.ada,
                open_now=True,
                now=now,
                **change,
            )
            poll = codesign.open_proposal_poll(
                db_session,
                proposal=proposal,
                opened_by=group.ada,
                deadline=now + timedelta(days=1),
                now=now,
            )
            for person, position in zip(group.voters, ("agree", "agree", "abstain"), strict=True):
                codesign.cast_vote(
                    db_session,
                    poll=poll,
                    voter=person,
                    position=position,
                    reason="Looks right" if person is group.pat else "",
                    voter_key=codesign.derive_voter_key(app.config["SECRET_KEY"]),
                    now=now,
                )
    db_session.commit()


def test_compare_the_draft_and_two_versions_side_by_side(client, auth, group, db_session, app):
    _publish_by_vote(client, auth, group)
    _accepted_change(app, db_session, group)
    auth.sign_in(group.lee)
    page = _page(client.get(f"{group.base}/compare"))
    assert "Version 1" in page and "The draft" in page
    assert "1 added" in page and "1 reworded" in page and "0 removed" in page
    assert "Added" in page and "Reworded" in page
    assert "<del>" in page and "How old are you" in page
    assert "<ins>" in page and "What is your age" in page
    assert "Do you have pets?" in page and "Not in Version 1." in page

    _publish_by_vote(client, auth, group)
    auth.sign_in(group.lee)
    page = _page(client.get(f"{group.base}/compare?from=1&to=2"))
    assert "What changed from Version 1 to Version 2" in page
    same = _page(client.get(f"{group.base}/compare?from=2&to=draft"))
    assert "They say exactly the same." in same
    backwards = _page(client.get(f"{group.base}/compare?from=2&to=1"))
    assert "1 removed" in backwards


@pytest.mark.parametrize(
    "query", ["from=7", "from=abc", "to=-1", "from=99999999999999999999", "from=1.5", "to=%00"]
)
def test_compare_bad_input_says_so(client, auth, group, query):
    auth.sign_in(group.ada)
    response = client.get(f"{group.base}/compare?{query}")
    assert response.status_code == 400
    page = _page(response)
    assert "Choose the draft or a version that has been published (none yet)" in page
    assert "There is a problem" in page


def test_the_version_page_shows_its_changelog_and_links(client, auth, group, db_session, app):
    _publish_by_vote(client, auth, group)
    _accepted_change(app, db_session, group)
    _publish_by_vote(client, auth, group)
    auth.sign_in(group.lee)
    first = _page(client.get(f"{group.base}/versions/1"))
    assert "The first version: the whole questionnaire" in first
    assert "Compare with version" not in first
    page = _page(client.get(f"{group.base}/versions/2"))
    assert "What this version changed" in page
    assert "Reworded the question “How old are you?” as “What is your age?”" in page
    assert "Added the question “Do you have pets?”" in page
    assert "Nobody blocked and at least 75% agreed" in page
    assert "See the suggestion" in page
    assert "compare?from=1&amp;to=2" in response_text(client, f"{group.base}/versions/2")
    assert "decisions.pdf" in page


def response_text(client, url: str) -> str:
    """Return a page's raw HTML."""
    return client.get(url).get_data(as_text=True)


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    """Return the text of a PDF, its pages joined, spaces collapsed."""
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_pdf_holds_the_changelog_and_every_decision(
    client, auth, group, db_session, app, tmp_path
):
    _publish_by_vote(client, auth, group)
    _accepted_change(app, db_session, group)
    _publish_by_vote(client, auth, group)
    auth.sign_in(group.lee)
    response = client.get(f"{group.base}/versions/2/decisions.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]
    text = _pdf_text(response.data, tmp_path)
    assert group.study.title in text
    assert "What helps at home, version 2" in text
    assert "Reworded the question “How old are you?” as “What is your age?”" in text
    assert "Added the question “Do you have pets?”" in text
    assert "Suggested by Ada Brook: “Shorter and kinder”" in text
    assert "Pat Lin: Stand aside. “Looks right”" in text
    assert "What changed Question: [removed: How old are you][added: What is your age]?" in text
    assert "Publish the draft" in text
    assert "Page 1 of" in text
    first = _pdf_text(client.get(f"{group.base}/versions/1/decisions.pdf").data, tmp_path)
    assert "Shorter and kinder" not in first  # that was decided after version 1
    assert client.get(f"{group.base}/versions/3/decisions.pdf").status_code == 404


def test_the_pdf_of_an_anonymous_poll_never_names_voters(
    client, auth, group, db_session, app, tmp_path
):
    set_group_rule(db_session, group, anonymous_polls=True)
    _publish_by_vote(client, auth, group)
    _accepted_change(app, db_session, group)
    _publish_by_vote(client, auth, group)
    auth.sign_in(group.sam)
    text = _pdf_text(client.get(f"{group.base}/versions/2/decisions.pdf").data, tmp_path)
    assert "Anonymous vote: nobody can see who voted how." in text
    assert "Stand aside: Looks right" in text
    assert "Pat Lin" not in text  # Pat only voted; voting is never shown with a name


def test_the_pdf_fetches_only_the_apps_static_files(app, tmp_path):
    static = Path(app.static_folder)
    fetcher = static_files_fetcher(static)
    favicon = fetcher.fetch((static / "favicon.svg").as_uri())
    assert favicon.content_type == "image/svg+xml"
    favicon.close()
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the PDF")
    for url in (
        secret.as_uri(),
        "http://example.org/logo.png",
        "https://169.254.169.254/latest/meta-data",
        (static / ".." / "__init__.py").as_uri(),
        "file://evil.example/etc/passwd",
        "data:text/plain,hello",
    ):
        with pytest.raises(ValueError, match="static files"):
            fetcher.fetch(url)


def test_there_is_no_way_to_publish_without_the_group(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert "surveys.publish_version" not in endpoints
