"""Every page that shows a rule to the group says it in plain words from the labels; the
code the tablet checks appears only inside "Show how the tablet checks this". Compare, the
changelog and the PDF list every part that changed."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import render_template_string
from pypdf import PdfReader

from peer_research.db import utcnow
from peer_research.pdf import render_pdf
from surveys import definition as d
from surveys.changes import item_changes
from surveys.codesign import services as codesign
from surveys.codesign.models import ChangeKind
from surveys.views.before_after import change_lines

from builders import everyone_votes, question
from builders import page_html as _page

SHOWN_IF = "${gets_help} = 'yes'"
AGE_RULE = ". >= 18 and . < 120"
HELP = question(
    "gets_help", d.QuestionType.YES_NO, label={"en": "Do you get help at home?"}, choices=()
)
AGE = question("age", d.QuestionType.INTEGER, label={"en": "How old are you?"}, constraint=AGE_RULE)
VISITS = question(
    "visits",
    d.QuestionType.SELECT_ONE,
    label={"en": "Who visits you?"},
    choices=(d.Choice("family", {"en": "Family"}), d.Choice("paid_carers", {"en": "Paid carers"})),
    relevance=SHOWN_IF,
)
VISITS_READING = "Only asked if the answer to “Do you get help at home?” is “Yes”."
AGE_READING = "The answer must be 18 or more and less than 120."
NEW_RULE = "${gets_help} = 'yes' and ${age} >= 65"
NEW_READING = (
    "Only asked if the answer to “Do you get help at home?” is “Yes” and "
    "the answer to “How old are you?” is 65 or more."
)
HOURS_RULE = "selected(${visits}, 'paid_carers')"
HOURS = question(
    "hours", d.QuestionType.INTEGER, label={"en": "How many hours of care?"}, relevance=HOURS_RULE
)
HOURS_READING = "Only asked if the answer to “Who visits you?” is “Paid carers”."


@pytest.fixture
def group(make_design_group):
    """Return a design group and a draft whose questions have rules."""
    return make_design_group(HELP, AGE, VISITS, HOURS)


def _decide(db_session, group, poll):
    decision = everyone_votes(db_session, poll, group.everyone, now=poll.opened_at)
    assert decision.applied
    return decision


def _publish(app, db_session, group):
    """Let the group publish the draft as the next version."""
    with app.app_context():
        now = utcnow()
        poll = codesign.open_publish_poll(
            db_session,
            questionnaire=group.questionnaire,
            opened_by=group.sam,
            deadline=now + timedelta(days=1),
            now=now,
        )
        _decide(db_session, group, poll)
    db_session.commit()


def _change_visits(app, db_session, group):
    """Decide a change of "Who visits you?": help text, "Other, please say", a new rule."""
    changed = d.Question(
        "visits",
        d.QuestionType.SELECT_ONE,
        label={"en": "Who visits you?"},
        hint={"en": "Think of the last month"},
        choices=VISITS.choices,
        other_option=True,
        relevance=NEW_RULE,
    )
    with app.app_context():
        now = utcnow()
        proposal = codesign.create_proposal(
            db_session,
            questionnaire=group.questionnaire,
            author=group.ada,
            kind=ChangeKind.CHANGE_ITEM,
            reason="Only paid carers matter here",
            item=changed,
            target_name="visits",
            open_now=True,
            now=now,
        )
        poll = codesign.open_proposal_poll(
            db_session,
            proposal=proposal,
            opened_by=group.ada,
            deadline=now + timedelta(days=1),
            now=now,
        )
        _decide(db_session, group, poll)
    db_session.commit()
    return proposal


def _outside_technical_view(html: str) -> str:
    """Return a page's HTML without its "Show how the tablet checks this" reveals."""
    return re.sub(
        r'<details class="govuk-details app-rule__technical">.*?</details>', "", html, flags=re.S
    )


def _words(html: str) -> str:
    """Return the visible words of some HTML, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _technical_views(html: str) -> str:
    return " ".join(
        re.findall(r'<details class="govuk-details app-rule__technical">.*?</details>', html, re.S)
    )


def _assert_code_only_in_technical_view(html: str, *codes: str) -> None:
    outside = _outside_technical_view(html)
    assert "${" not in outside
    assert "'paid_carers'" not in outside and "'yes'" not in outside  # choice values
    for code in codes:
        assert code in _technical_views(html)
    assert "Show how the tablet checks this" in html


def test_the_draft_says_each_rule_in_words_with_the_code_behind_a_reveal(client, auth, group):
    auth.sign_in(group.ada)
    page = _page(client.get(f"{group.base}/"))
    assert VISITS_READING in page
    assert AGE_READING in page
    assert HOURS_READING in page
    assert "Only asked when" not in page and "Answer must meet" not in page
    _assert_code_only_in_technical_view(page, SHOWN_IF, AGE_RULE, HOURS_RULE)
    summary = '<summary class="govuk-details__summary"><span class="govuk-details__summary-text">'
    assert summary + "Show how the tablet checks this</span></summary>" in page


def test_the_suggestion_form_and_plain_language_page_read_the_rules(client, auth, group):
    auth.sign_in(group.ada)
    form = _page(client.get(f"{group.base}/items/visits/edit"))
    now = form[form.index("Now:") : form.index("Change what you want below")]
    assert VISITS_READING in now
    _assert_code_only_in_technical_view(now, SHOWN_IF)
    plain = _page(client.get(f"{group.base}/plain-language"))
    assert VISITS_READING in plain and AGE_READING in plain
    _assert_code_only_in_technical_view(plain, SHOWN_IF, AGE_RULE)


def test_a_suggestion_and_the_decision_log_show_the_rule_before_and_after_in_words(
    app, client, auth, group, db_session
):
    proposal = _change_visits(app, db_session, group)
    auth.sign_in(group.pat)
    page = _page(client.get(f"{group.base}/suggestions/{proposal.id}"))
    assert "When it is asked" in page
    assert "is “Yes”" in page and "the answer to “How old are you?” is 65 or more" in page
    assert "“Other, please say” with a box to write in" in page
    _assert_code_only_in_technical_view(page, NEW_RULE)
    log = _page(client.get(f"{group.base}/decisions"))
    assert "When it is asked" in log and "is 65 or more" in log
    _assert_code_only_in_technical_view(log, NEW_RULE)


def test_compare_lists_every_changed_part_in_words(app, client, auth, group, db_session):
    _publish(app, db_session, group)
    _change_visits(app, db_session, group)
    _publish(app, db_session, group)
    auth.sign_in(group.pat)
    page = _page(client.get(f"{group.base}/compare?from=1&to=2"))
    row = page[page.index('id="compare-item-visits"') :]
    row = row[: row.index('class="app-compare__row')]
    assert "Other, please say" in row  # in the list of choices of the later version
    assert "“Other, please say” with a box to write in:</strong>" in row
    assert "Help text" in row and "Think of the last month" in row
    assert "When it is asked:</strong>" in row
    assert "Only asked if the answer to “Do you get help at home?” is “Yes”" in row
    assert "the answer to “How old are you?” is 65 or more" in row
    _assert_code_only_in_technical_view(row, SHOWN_IF, NEW_RULE)
    before_side = row[
        row.index("app-compare__cell--before") : row.index("app-compare__cell--after")
    ]
    assert "Help text:" not in before_side  # version 1 had none: nothing to show there


def test_the_changelog_lists_every_part_a_change_changed(app, client, auth, group, db_session):
    _publish(app, db_session, group)
    _change_visits(app, db_session, group)
    _publish(app, db_session, group)
    auth.sign_in(group.pat)
    page = _page(client.get(f"{group.base}/versions/2"))
    changelog = _words(_outside_technical_view(page[page.index("What this version changed") :]))
    assert "Help text (added): Think of the last month" in changelog
    assert "“Other, please say” with a box to write in: Yes" in changelog
    assert "When it is asked: " + NEW_READING in changelog
    _assert_code_only_in_technical_view(page, NEW_RULE)


def _pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_pdf_reads_rules_and_lists_every_changed_part(app, client, auth, group, db_session):
    _publish(app, db_session, group)
    _change_visits(app, db_session, group)
    _publish(app, db_session, group)
    auth.sign_in(group.pat)
    text = _pdf_text(client.get(f"{group.base}/versions/2/decisions.pdf").data)
    assert "Help text (added): Think of the last month" in text
    assert "“Other, please say” with a box to write in: Yes" in text
    assert "When it is asked: " + NEW_READING in text
    assert "${" not in text and "paid_carers" not in text


def test_the_pdf_stylesheet_never_prints_screen_reader_only_text(app):
    with app.test_request_context():
        html = render_template_string(
            '<html><head>{% include "surveys/decisions/_pdf_style.html" %}</head><body>'
            '<p>Seen <span class="govuk-visually-hidden">only heard</span></p></body></html>'
        )
    text = _pdf_text(render_pdf(html, static_folder=Path(app.static_folder)))
    assert "Seen" in text
    assert "only heard" not in text


def test_change_lines_read_a_new_questions_own_choices_and_name_pictures_by_label(app):
    choices = (d.Choice("cat", {"en": "A cat"}), d.Choice("none", {"en": "None of these"}))
    before = question("pets", d.QuestionType.SELECT_MULTIPLE, choices=choices)
    after = question(
        "pets",
        d.QuestionType.SELECT_MULTIPLE,
        choices=(d.Choice("cat", {"en": "A cat"}, image="cat.png"), choices[1]),
        constraint="not(selected(., 'none'))",
    )
    questionnaire = SimpleNamespace(languages=[{"code": "en", "name": "English"}])
    draft = d.FormDefinition("Pets", (d.Language("en", "English"),), (HELP,))
    with app.test_request_context():
        lines = change_lines(
            item_changes(before, after, "en"),
            questionnaire,
            definition=draft,
            items=(before, after),
        )
    by_title = {line.title: line for line in lines}
    assert by_title["Picture for the answer “A cat”"].after == "cat.png"
    rule = by_title["Which answers are accepted"]
    assert rule.group == "rule" and not rule.show_code
    assert rule.after == "The answer must not include “None of these”."
    assert rule.after_code == "not(selected(., 'none'))"
