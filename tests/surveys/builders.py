"""Build questionnaire items for tests; read pages, open suggestions and vote in co-design tests."""

from __future__ import annotations

import html
from datetime import timedelta

from peer_research.db import utcnow
from surveys import definition as d
from surveys.codesign import services as codesign
from surveys.codesign.models import ChangeKind, Position
from surveys.services import create_questionnaire

from support import TEST_SECRET_KEY

ENGLISH = d.Language("en", "English")
KEY = codesign.derive_voter_key(TEST_SECRET_KEY)


def question(name: str, kind: d.QuestionType = d.QuestionType.TEXT, **fields) -> d.Question:
    """Return a question with an English label."""
    fields.setdefault("label", {"en": f"Question {name}"})
    if kind in d.CHOICE_TYPES and "choices" not in fields:
        fields["choices"] = (d.Choice("yes", {"en": "Yes"}), d.Choice("no", {"en": "No"}))
    return d.Question(name=name, type=kind, **fields)


def section(name: str, *items: d.Item, **fields) -> d.Section:
    """Return a section with an English label."""
    fields.setdefault("label", {"en": f"Section {name}"})
    return d.Section(name=name, items=items, **fields)


def age_question(label: str = "How old are you?") -> d.Question:
    """Return the whole-number question "age" that the co-design tests reword."""
    return question("age", d.QuestionType.INTEGER, label={"en": label})


def home_question() -> d.Question:
    """Return the text question "home" that the co-design tests move or remove."""
    return question("home", label={"en": "Where do you live?"})


def page_html(response) -> str:
    """Return a response's text with HTML entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def deadline_boxes(days_from_now: int) -> dict[str, list[str]]:
    """Return the three date boxes of a deadline some days from now."""
    day = (utcnow() + timedelta(days=days_from_now)).date()
    return {"deadline": [str(day.day), str(day.month), str(day.year)]}


def open_suggestion(
    session,
    group,
    *,
    author=None,
    now=None,
    deadline_in: timedelta | None = timedelta(days=3),
    open_now: bool = True,
):
    """Open Ada's (or `author`'s) rewording of the age question with a poll, commit; return both.

    With `deadline_in=None` the suggestion is open without a poll; with `open_now=False` it
    stays the author's private draft. The poll is then None.
    """
    author = author or group.ada
    now = now or utcnow()
    poll = None
    with group.app.app_context():
        proposal = codesign.create_proposal(
            session,
            questionnaire=group.questionnaire,
            author=author,
            kind=ChangeKind.CHANGE_ITEM,
            reason="Shorter and kinder",
            item=age_question("What is your age?"),
            target_name="age",
            open_now=open_now,
            now=now,
        )
        if open_now and deadline_in is not None:
            poll = codesign.open_proposal_poll(
                session, proposal=proposal, opened_by=author, deadline=now + deadline_in, now=now
            )
    session.commit()
    return proposal, poll


def everyone_votes(session, poll, voters, position=Position.AGREE, *, now=None):
    """Have each voter vote the same way; return the decision if the last vote closed the poll."""
    decision = None
    for voter in voters:
        decision = codesign.cast_vote(
            session, poll=poll, voter=voter, position=position, voter_key=KEY, now=now
        )
    return decision


def another_questionnaire(session, group, *, title="Another", study=None, created_by=None):
    """Create an empty English questionnaire (in the group's study, by Sam), commit; return it."""
    with group.app.app_context():
        created = create_questionnaire(
            session,
            study=study or group.study,
            title=title,
            languages=[ENGLISH],
            created_by=created_by or group.sam,
        )
    session.commit()
    return created


def set_group_rule(session, group, **settings):
    """Set how the group decides (`DecisionSettings` fields), as Sam; commit."""
    with group.app.app_context():
        codesign.set_decision_rule(
            session,
            study=group.study,
            settings=codesign.DecisionSettings(**settings),
            set_by=group.sam,
        )
    session.commit()
