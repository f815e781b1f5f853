"""What a person notices when sending a change: one message for a change that changes
nothing, and a draft that can wait for its reason."""

from __future__ import annotations

import re

import sqlalchemy as sa

from surveys.codesign.models import Proposal, ProposalState

from builders import deadline_boxes, page_html

QUESTION = {"type": "integer", "name": "age", "privacy": "none", "appearance": "", "hint": ""}


def _text(html_text: str) -> str:
    """Return the visible text of a page's HTML."""
    return " ".join(re.sub(r"<[^>]+>", " ", html_text).split())


def _summary(html_text: str) -> str:
    """Return the text of the page's error summary."""
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', html_text, re.S)
    assert found, "the page has no error summary"
    return _text(found.group(0))


def _post_change(client, group, **fields):
    """Post the age question's change form with `fields` on top of a wording change."""
    data = {
        **QUESTION,
        "label": "What is your age?",
        "reason": "Shorter and kinder",
        "revision": "1",
        **deadline_boxes(7),
        "suggest": "Suggest this change",
    }
    data.update(fields)
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(f"{group.base}/items/age/edit", data=data, follow_redirects=True)


def test_a_change_that_changes_nothing_is_said_once_in_the_summary(client, auth, make_design_group):
    """The error summary lists "would not change anything" once, linking to the form."""
    group = make_design_group()
    auth.sign_in(group.ada)
    page = page_html(_post_change(client, group, label="How old are you?"))
    summary = _summary(page)
    assert summary.count("This suggestion would not change anything.") == 1
    assert 'href="#main-form">This suggestion would not change anything.' in page


def test_a_draft_needs_no_reason_but_putting_it_to_the_group_does(
    client, auth, make_design_group, db_session
):
    """Save as a draft with "Why?" empty; the group sees it only once a reason is given."""
    group = make_design_group()
    auth.sign_in(group.ada)
    refused = page_html(_post_change(client, group, reason=""))
    assert "Say in your own words why you suggest this" in _summary(refused)
    assert db_session.scalar(sa.select(sa.func.count(Proposal.id))) == 0

    saved = _text(
        page_html(
            _post_change(client, group, reason="", suggest=None, save_draft="Save as a draft")
        )
    )
    assert "Saved as a draft" in saved
    assert "You have not said why yet" in saved
    proposal = db_session.scalars(sa.select(Proposal)).one()
    assert proposal.state == ProposalState.DRAFT
    open_url = f"{group.base}/suggestions/{proposal.id}/open"

    asked = page_html(client.post(open_url, data={**deadline_boxes(4), "reason": " "}))
    assert "Say in your own words why you suggest this" in _summary(asked)
    assert 'id="reason-error"' in asked  # beside the "Why?" box
    db_session.refresh(proposal)
    assert proposal.state == ProposalState.DRAFT

    opened = _text(
        page_html(
            client.post(
                open_url,
                data={**deadline_boxes(4), "reason": "Kinder words"},
                follow_redirects=True,
            )
        )
    )
    assert "Your suggestion is open" in opened
    assert "Kinder words" in opened
    db_session.refresh(proposal)
    assert proposal.state == ProposalState.OPEN
    assert proposal.reason == "Kinder words"


def test_every_vote_choice_has_a_one_line_hint_and_no_jargon(
    client, auth, make_design_group, db_session
):
    """Agree, Stand aside, Disagree and Block each say what they mean; "abstain" is gone."""
    group = make_design_group()
    auth.sign_in(group.ada)
    page = page_html(_post_change(client, group))
    fieldset = re.search(r"<fieldset.*?</fieldset>", page, re.S).group(0)
    hints = re.findall(r'<div id="position(?:-\d+)?-item-hint"[^>]*>\s*(.*?)\s*</div>', fieldset)
    assert hints == [
        "You are happy for this to go ahead.",
        "You do not mind either way, or you want others to decide. You are not counted "
        "for or against.",
        "You would rather this did not go ahead.",
        "You think this would harm people. Say why in the box below, so the group can respond.",
    ]
    text = _text(fieldset)
    assert "Stand aside" in text
    assert "abstain" not in _text(page).lower()
