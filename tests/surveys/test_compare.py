"""Comparing two versions of a questionnaire: added, removed, reworded, moved, other changes."""

from __future__ import annotations

from surveys import definition as d
from surveys.compare import compare_definitions

from builders import ENGLISH, question, section

WELSH = d.Language("cy", "Cymraeg")


def form(*items: d.Item, title: str = "What helps", languages=(ENGLISH,)) -> d.FormDefinition:
    """Return a questionnaire with these items."""
    return d.FormDefinition(title=title, languages=tuple(languages), items=items)


def _names(rows) -> list[str]:
    return [row.name for row in rows]


def test_identical_versions_are_the_same():
    one = form(question("age", label={"en": "How old are you?"}), section("home", question("pets")))
    comparison = compare_definitions(one, one)
    assert comparison.same
    assert _names(comparison.rows) == ["age", "home", "pets"]
    assert not comparison.changed_rows


def test_added_and_removed_items_keep_their_places():
    before = form(question("age"), question("town"), question("pets"))
    after = form(question("age"), question("carer"), question("pets"))
    comparison = compare_definitions(before, after)
    assert _names(comparison.added) == ["carer"]
    assert _names(comparison.removed) == ["town"]
    assert _names(comparison.rows) == ["age", "town", "carer", "pets"]
    assert not comparison.moved
    assert not comparison.same


def test_rewording_gives_word_diffs_per_field_and_language():
    before = form(
        question("age", label={"en": "How old are you?", "cy": "Faint yw eich oed?"}),
        languages=(ENGLISH, WELSH),
    )
    after = form(
        question(
            "age",
            label={"en": "What is your age?", "cy": "Faint yw eich oedran?"},
            hint={"en": "In years"},
        ),
        languages=(ENGLISH, WELSH),
    )
    [row] = compare_definitions(before, after).reworded
    fields = [(change.field, change.language) for change in row.reworded]
    assert fields == [("label", "en"), ("hint", "en"), ("label", "cy")]
    label = row.change_of("label", "en")
    assert ("delete", "How old are you") in label.diff
    assert ("insert", "What is your age") in label.diff
    welsh = row.change_of("label", "cy")
    assert (welsh.before, welsh.after) == ("Faint yw eich oed?", "Faint yw eich oedran?")
    assert ("insert", "oedran") in welsh.diff
    assert not row.other and not row.moved


def test_choice_label_is_a_rewording_but_a_new_choice_is_another_change():
    yes_no = (d.Choice("yes", {"en": "Yes"}), d.Choice("no", {"en": "No"}))
    before = form(question("pets", d.QuestionType.SELECT_ONE, choices=yes_no))
    after = form(
        question(
            "pets",
            d.QuestionType.SELECT_ONE,
            choices=(
                d.Choice("yes", {"en": "Yes, I do"}),
                d.Choice("no", {"en": "No"}),
                d.Choice("unsure", {"en": "Not sure"}),
            ),
        )
    )
    [row] = compare_definitions(before, after).changed_rows
    assert [change.field for change in row.reworded] == ["choice:yes"]
    assert [change.field for change in row.other] == ["choice:unsure"]


def test_logic_changes_are_other_changes():
    before = form(question("age", d.QuestionType.INTEGER), question("carer"))
    after = form(
        question("age", d.QuestionType.INTEGER, constraint=". >= 16"),
        question("carer", relevance="${age} >= 16", required=True),
    )
    comparison = compare_definitions(before, after)
    assert _names(comparison.other) == ["age", "carer"]
    carer = comparison.other[1]
    assert {change.field for change in carer.other} == {"relevance", "required"}
    assert not comparison.reworded


def test_moves_within_a_list_and_into_a_section():
    before = form(question("a"), question("b"), question("c"), section("home", question("d")))
    after = form(question("c"), question("a"), section("home", question("d"), question("b")))
    comparison = compare_definitions(before, after)
    assert set(_names(comparison.moved)) == {"b", "c"}
    assert not comparison.added and not comparison.removed
    b = next(row for row in comparison.rows if row.name == "b")
    assert b.before_place.sections == () and b.after_place.sections == ("home",)
    assert b.depth == 1


def test_title_and_languages():
    before = form(question("a"), title="Old title")
    after = form(question("a"), title="New title", languages=(ENGLISH, WELSH))
    comparison = compare_definitions(before, after)
    assert comparison.title.before == "Old title" and comparison.title.after == "New title"
    assert comparison.languages_added == (WELSH,)
    assert comparison.languages_removed == ()
    assert not comparison.same
    back = compare_definitions(after, before)
    assert back.languages_removed == (WELSH,)


def test_a_question_that_becomes_a_section_is_another_change():
    before = form(question("home"))
    after = form(section("home", question("pets")))
    comparison = compare_definitions(before, after)
    home = next(row for row in comparison.rows if row.name == "home")
    assert "kind" in {change.field for change in home.other}
    assert _names(comparison.added) == ["pets"]


def test_empty_versions():
    comparison = compare_definitions(form(), form(question("a")))
    assert _names(comparison.added) == ["a"]
    assert compare_definitions(form(), form()).same


def test_every_changed_part_counts_other_please_say_help_text_and_choice_pictures():
    choices = (d.Choice("cat", {"en": "A cat"}), d.Choice("dog", {"en": "A dog"}))
    before = form(question("pets", d.QuestionType.SELECT_ONE, choices=choices))
    pictured = (d.Choice("cat", {"en": "A cat"}, image="cat.png"), choices[1])
    after = form(
        question(
            "pets",
            d.QuestionType.SELECT_ONE,
            choices=pictured,
            other_option=True,
            hint={"en": "Any animal"},
        )
    )
    row = compare_definitions(before, after).rows[0]
    assert row.changed
    assert [(change.field, change.before, change.after) for change in row.other] == [
        ("choice picture:cat", "", "cat.png"),
        ("other_option", "", "yes"),
    ]
    assert row.other[0].choice == "cat"
    assert [(change.field, change.status) for change in row.reworded] == [("hint", "added")]
    only_picture = form(question("pets", d.QuestionType.SELECT_ONE, choices=pictured))
    assert not compare_definitions(before, only_picture).same
