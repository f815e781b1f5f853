"""Word-level differences between two versions of a question."""

from __future__ import annotations

from peer_research.worddiff import word_diff
from surveys import definition as d
from surveys.changes import item_changes

from builders import question, section


def _texts(parts):
    before = "".join(text for op, text in parts if op != "insert")
    after = "".join(text for op, text in parts if op != "delete")
    return before, after


def test_word_diff_marks_whole_words_and_rebuilds_both_texts():
    parts = word_diff("How often do you go out?", "How often do you get out, usually?")
    assert parts == [
        ("equal", "How often do you "),
        ("delete", "go"),
        ("insert", "get"),
        ("equal", " out"),
        ("insert", ", usually"),
        ("equal", "?"),
    ]
    assert _texts(parts) == ("How often do you go out?", "How often do you get out, usually?")


def test_word_diff_of_empty_texts():
    assert word_diff("", "") == []
    assert word_diff("", "New words") == [("insert", "New words")]
    assert word_diff("Old", "") == [("delete", "Old")]


def test_item_changes_lists_wording_choices_logic_and_translations():
    before = question(
        "visits",
        d.QuestionType.SELECT_ONE,
        label={"en": "Who visits you?", "cy": "Pwy sy'n ymweld?"},
        choices=(
            d.Choice("family", {"en": "Family", "cy": "Teulu"}),
            d.Choice("friends", {"en": "Friends"}),
            d.Choice("nobody", {"en": "Nobody"}),
        ),
    )
    after = question(
        "visits",
        d.QuestionType.SELECT_ONE,
        label={"en": "Who comes to see you?", "cy": "Pwy sy'n dod i'ch gweld?"},
        choices=(
            d.Choice("friends", {"en": "Friends or neighbours"}),
            d.Choice("family", {"en": "Family", "cy": "Teulu"}),
            d.Choice("carers", {"en": "Paid carers"}),
        ),
        relevance="${age} > 60",
    )
    changes = item_changes(before, after, "en")
    summary = [(change.field, change.language, change.before, change.after) for change in changes]
    assert summary == [
        ("label", "en", "Who visits you?", "Who comes to see you?"),
        ("choice:friends", "en", "Friends", "Friends or neighbours"),
        ("choice:nobody", "en", "Nobody", ""),
        ("choice:carers", "en", "", "Paid carers"),
        ("label", "cy", "Pwy sy'n ymweld?", "Pwy sy'n dod i'ch gweld?"),
        ("choices order", None, "Family, Friends", "Friends or neighbours, Family"),
        ("relevance", None, "", "${age} > 60"),
    ]
    assert changes[0].diff == [
        ("equal", "Who "),
        ("delete", "visits"),
        ("insert", "comes to see"),
        ("equal", " you?"),
    ]


def test_item_changes_for_an_addition_and_a_removal():
    added = question("age", d.QuestionType.INTEGER, label={"en": "Your age"}, required=True)
    changes = item_changes(None, added, "en")
    assert [(c.field, c.before, c.after) for c in changes] == [
        ("label", "", "Your age"),
        ("name", "", "age"),
        ("type", "", "integer"),
        ("required", "", "yes"),
    ]
    removed = item_changes(added, None, "en")
    assert ("label", "Your age", "") in [(c.field, c.before, c.after) for c in removed]


def test_item_changes_for_a_section():
    before = section("home", label={"en": "Your home"})
    after = section("home", label={"en": "Your home"}, relevance="${age} > 18", repeat=True)
    assert [(c.field, c.after) for c in item_changes(before, after, "en")] == [
        ("relevance", "${age} > 18"),
        ("repeat", "yes"),
    ]
    assert item_changes(before, before, "en") == []
