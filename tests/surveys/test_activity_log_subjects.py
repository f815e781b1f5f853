"""The study's activity log says what it shows and names what each entry is about."""

from __future__ import annotations

import re

from surveys import services as drafts

from builders import everyone_votes, open_suggestion, page_html
from support import page_text


def _rows(html_text: str) -> list[str]:
    """Return the text of each row of the log's table."""
    body = html_text.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0]
    rows = re.findall(r"<tr.*?</tr>", body, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_each_entry_names_the_suggestion_or_questionnaire_it_is_about(
    client, auth, make_design_group, db_session
):
    """Opening, voting, deciding and publishing each name their suggestion or version."""
    group = make_design_group()
    proposal, poll = open_suggestion(db_session, group)
    with group.app.app_context():
        everyone_votes(db_session, poll, group.everyone)
        drafts.publish_version(
            db_session, questionnaire=group.questionnaire, published_by=group.sam
        )
    db_session.commit()

    auth.sign_in(group.sam)
    response = client.get(f"{group.studies}/activity")
    html_text = page_html(response)
    rows = _rows(html_text)
    suggestion = "Suggestion: changing “How old are you?”, in “What helps at home”"
    opened = [row for row in rows if "Suggested change put to the group" in row]
    assert opened and suggestion in opened[0]
    assert any("Vote cast or changed" in row and suggestion in row for row in rows)
    assert any("Decision recorded" in row and suggestion in row for row in rows)
    assert any(
        "Questionnaire version published" in row and "Version 1 of “What helps at home”" in row
        for row in rows
    )
    link = f'href="{group.base}/suggestions/{proposal.id}"'
    assert link in html_text
    assert f'href="{group.base}/versions/1"' in html_text
    added = [row for row in rows if "Member added" in row]
    assert added and all("—" in row for row in added)  # about a person, not a questionnaire


def test_the_log_says_what_it_holds_and_keeps_drafts_private(
    client, auth, make_design_group, db_session
):
    """The words above the table match the entries; a withdrawn private draft is not named."""
    group = make_design_group()
    draft, _poll = open_suggestion(db_session, group, open_now=False)
    auth.sign_in(group.ada)
    client.post(f"{group.base}/suggestions/{draft.id}/withdraw")
    auth.sign_out()

    auth.sign_in(group.sam)
    text = page_text(client.get(f"{group.studies}/activity"))
    assert "Every sign-in" not in text
    assert "Signing in and out is recorded for the whole site, not here." in text
    assert "Signed in" not in text.split("Nobody can change or delete these records.")[-1]
    assert "Suggested change withdrawn" in text
    assert "A draft suggestion on “What helps at home” (only its author can see it)" in text
    assert "How old are you?" not in text and "What is your age?" not in text
