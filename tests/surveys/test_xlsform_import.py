"""Importing XLSForms: types, languages, logic, sections, and what peer-research cannot ask."""

from __future__ import annotations

import pytest

from surveys.definition import Choice, Language, PrivacyClass, Question, QuestionType, Section
from surveys.xlsform import Severity, import_xlsform
from surveys.xlsform.exporter import write_xlsx

HEADER = ["type", "name", "label"]
YES_NO_ROWS = [["list_name", "name", "label"], ["yes_no", "yes", "Yes"], ["yes_no", "no", "No"]]


def xlsx(survey, choices=None, settings=None) -> bytes:
    """Return an .xlsx XLSForm with these sheets (rows of text, headings first)."""
    sheets = {"survey": survey}
    if choices is not None:
        sheets["choices"] = choices
    if settings is not None:
        sheets["settings"] = settings
    return write_xlsx(sheets)


def imported(survey, choices=None, settings=None, *, unsupported="refuse"):
    """Import a generated .xlsx and return the result."""
    return import_xlsform(xlsx(survey, choices, settings), "form.xlsx", unsupported=unsupported)


def only_question(survey, choices=None, settings=None) -> Question:
    """Import a form that must succeed and return its first item."""
    result = imported(survey, choices, settings)
    assert result.imported, result.report.as_text()
    return result.definition.items[0]


def places(result, severity: Severity) -> set[tuple[int | None, str]]:
    """Return the (row, column) of every finding of one severity."""
    return {(finding.row, finding.column) for finding in result.report.of(severity)}


# Types ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("note", QuestionType.NOTE),
        ("text", QuestionType.TEXT),
        ("string", QuestionType.TEXT),
        ("integer", QuestionType.INTEGER),
        ("int", QuestionType.INTEGER),
        ("decimal", QuestionType.DECIMAL),
        ("date", QuestionType.DATE),
        ("time", QuestionType.TIME),
        ("acknowledge", QuestionType.ACKNOWLEDGE),
        ("trigger", QuestionType.ACKNOWLEDGE),
    ],
)
def test_simple_types_import_as_our_types(written, expected):
    question = only_question([HEADER, [written, "q", "Question"]])
    assert question.type is expected
    assert question.label == {"en": "Question"}


def test_calculate_keeps_its_calculation_and_needs_no_label():
    question = only_question([["type", "name", "calculation"], ["calculate", "total", "1 + 2"]])
    assert (question.type, question.calculation, question.label) == (
        QuestionType.CALCULATE,
        "1 + 2",
        {},
    )


def test_calculate_without_calculation_is_an_error():
    result = imported([["type", "name", "calculation"], ["calculate", "total", ""]])
    assert not result.imported
    assert (2, "calculation") in places(result, Severity.ERROR)


def test_multiline_text_is_long_text():
    question = only_question([[*HEADER, "appearance"], ["text", "story", "Tell us", "multiline"]])
    assert (question.type, question.appearance) == (QuestionType.LONG_TEXT, "")


def test_select_questions_take_their_choices_and_list_name():
    choices = [
        ["list_name", "name", "label"],
        ["help", "family", "Family"],
        ["help", "paid", "Paid"],
    ]
    result = imported(
        [
            HEADER,
            ["select_one help", "main", "Main"],
            ["select_multiple help or_other", "all", "All"],
        ],
        choices,
    )
    main, every = result.definition.items
    expected = (Choice("family", {"en": "Family"}), Choice("paid", {"en": "Paid"}))
    assert (main.type, main.choices, main.choice_list, main.other_option) == (
        QuestionType.SELECT_ONE,
        expected,
        "help",
        False,
    )
    assert (every.type, every.other_option) == (QuestionType.SELECT_MULTIPLE, True)


def test_old_style_select_spellings_are_read():
    choices = [["list name", "name", "label"], ["l", "a", "A"]]
    result = imported(
        [
            HEADER,
            ["select one from l", "one", "One"],
            ["select all that apply from l", "all", "All"],
        ],
        choices,
    )
    assert [item.type for item in result.definition.items] == [
        QuestionType.SELECT_ONE,
        QuestionType.SELECT_MULTIPLE,
    ]


def test_rank_is_ranking_and_likert_or_faces_make_a_rating():
    choices = [["list_name", "name", "label"], ["agree", "1", "No"], ["agree", "2", "Yes"]]
    result = imported(
        [
            [*HEADER, "appearance"],
            ["rank agree", "order", "Order", ""],
            ["select_one agree", "scale", "Scale", "likert"],
            ["select_one agree", "faces", "Faces", "faces"],
        ],
        choices,
    )
    order, scale, faces = result.definition.items
    assert order.type is QuestionType.RANKING
    assert (scale.type, scale.appearance) == (QuestionType.RATING, "")
    assert (faces.type, faces.appearance) == (QuestionType.RATING, "faces")


def test_exactly_our_yes_no_list_is_a_yes_no_question():
    question = only_question([HEADER, ["select_one yes_no", "alone", "Alone?"]], YES_NO_ROWS)
    assert (question.type, question.choices, question.choice_list) == (QuestionType.YES_NO, (), "")


def test_a_yes_no_like_list_with_other_words_stays_select_one():
    choices = [["list_name", "name", "label"], ["yes_no", "yes", "Yep"], ["yes_no", "no", "Nope"]]
    question = only_question([HEADER, ["select_one yes_no", "alone", "Alone?"]], choices)
    assert question.type is QuestionType.SELECT_ONE
    assert [choice.label["en"] for choice in question.choices] == ["Yep", "Nope"]


def test_choice_images_are_read():
    choices = [["list_name", "name", "label", "media::image"], ["l", "a", "A", "a.png"]]
    question = only_question([HEADER, ["select_one l", "q", "Q"]], choices)
    assert question.choices == (Choice("a", {"en": "A"}, "a.png"),)


def test_picture_only_choices_and_notes_need_no_label():
    choices = [["list_name", "name", "image"], ["l", "a", "a.png"], ["l", "b", "b.png"]]
    result = imported(
        [
            ["type", "name", "label", "image"],
            ["note", "look", "", "look.png"],
            ["select_one l", "q", "Q", ""],
        ],
        choices,
    )
    assert result.imported, result.report.as_text()
    assert result.definition.items[0].image == "look.png"


# Fields ---------------------------------------------------------------------------------


def test_logic_messages_and_defaults_are_kept():
    question = only_question(
        [
            [
                "type",
                "name",
                "label",
                "hint",
                "relevant",
                "constraint",
                "constraint_message",
                "required",
                "required_message",
                "default",
                "read_only",
            ],
            [
                "integer",
                "age",
                "Age",
                "In years",
                "${other} = 'x'",
                ". > 17",
                "Adults only",
                "yes",
                "Please say",
                "40",
                "true()",
            ],
            ["text", "other", "Other", "", "", "", "", "", "", "", ""],
        ]
    )
    assert question == Question(
        name="age",
        type=QuestionType.INTEGER,
        label={"en": "Age"},
        hint={"en": "In years"},
        relevance="${other} = 'x'",
        constraint=". > 17",
        constraint_message={"en": "Adults only"},
        required=True,
        required_message={"en": "Please say"},
        default="40",
        read_only=True,
    )


@pytest.mark.parametrize(
    ("written", "required", "required_if"),
    [
        ("yes", True, ""),
        ("TRUE", True, ""),
        ("true()", True, ""),
        ("no", False, ""),
        ("false()", False, ""),
        ("${age} > 70", False, "${age} > 70"),
    ],
)
def test_required_is_a_flag_or_an_expression(written, required, required_if):
    result = imported(
        [[*HEADER, "required"], ["integer", "age", "Age", ""], ["text", "q", "Q", written]]
    )
    question = result.definition.items[1]
    assert (question.required, question.required_if) == (required, required_if)


def test_privacy_column_is_read_and_checked():
    good = only_question([[*HEADER, "privacy"], ["text", "name", "Name", "direct_identifier"]])
    assert good.privacy is PrivacyClass.DIRECT_IDENTIFIER
    bad = imported([[*HEADER, "privacy"], ["text", "name", "Name", "secret"]])
    assert not bad.imported
    assert places(bad, Severity.ERROR) == {(2, "privacy")}
    assert "direct_identifier" in bad.report.errors[0].message


def test_unsupported_appearance_is_left_out_with_a_note():
    question = only_question([[*HEADER, "appearance"], ["text", "q", "Q", "minimal numbers"]])
    assert question.appearance == "minimal"
    result = imported([[*HEADER, "appearance"], ["text", "q", "Q", "minimal numbers"]])
    assert places(result, Severity.MAPPED) == {(2, "appearance")}
    assert "'numbers'" in result.report.of(Severity.MAPPED)[0].message


def test_expression_read_only_is_reported_and_ignored():
    result = imported([[*HEADER, "read_only"], ["text", "q", "Q", "${q} != ''"]])
    assert result.definition.items[0].read_only is False
    assert places(result, Severity.MAPPED) == {(2, "read_only")}


def test_settings_give_title_and_form_id_and_the_file_name_is_the_fallback():
    settings = [["form_title", "form_id", "version"], ["Home help", "home_help", "3"]]
    result = imported([HEADER, ["text", "q", "Q"]], settings=settings)
    assert (result.definition.title, result.definition.form_id) == ("Home help", "home_help")
    assert places(result, Severity.WARNING) == {(2, "version")}
    plain = imported([HEADER, ["text", "q", "Q"]])
    assert (plain.definition.title, plain.definition.form_id) == ("form", "")


# Languages ------------------------------------------------------------------------------


def test_language_columns_become_languages_default_first():
    result = imported(
        [
            ["type", "name", "label::English (en)", "label::Arabic (ar)", "hint::Arabic (ar)"],
            ["text", "q", "Your name", "اسمك", "تلميح"],
        ],
        settings=[["default_language"], ["English (en)"]],
    )
    definition = result.definition
    assert definition.languages == (Language("en", "English"), Language("ar", "Arabic"))
    assert definition.languages[1].right_to_left
    assert definition.items[0].label == {"en": "Your name", "ar": "اسمك"}
    assert definition.items[0].hint == {"ar": "تلميح"}


def test_unmarked_label_is_english_unless_settings_say_otherwise():
    english = imported([HEADER, ["text", "q", "Name"]]).definition
    assert english.languages == (Language("en", "English"),)
    welsh = imported(
        [HEADER, ["text", "q", "Enw"]], settings=[["default_language"], ["Cymraeg (cy)"]]
    )
    assert welsh.definition.languages == (Language("cy", "Cymraeg"),)
    assert welsh.definition.items[0].label == {"cy": "Enw"}


def test_old_style_language_columns_without_codes_are_read():
    result = imported(
        [["type", "name", "label:English", "label:Chinese"], ["text", "q", "Name", "名字"]]
    )
    assert result.definition.languages == (Language("en", "English"), Language("zh", "Chinese"))
    assert result.definition.items[0].label == {"en": "Name", "zh": "名字"}


def test_an_empty_language_column_still_declares_the_language():
    result = imported(
        [["type", "name", "label", "label::Français (fr)"], ["text", "q", "Name", ""]]
    )
    assert result.definition.languages == (Language("en", "English"), Language("fr", "Français"))
    assert result.definition.items[0].label == {"en": "Name"}


def test_a_language_with_no_known_code_gets_one_and_a_warning():
    result = imported([["type", "name", "label::Our Words"], ["text", "q", "Name"]])
    assert result.definition.languages == (Language("our-words", "Our Words"),)
    assert any("Our Words" in finding.message for finding in result.report.of(Severity.WARNING))


def test_a_label_missing_in_the_default_language_is_an_error_with_its_row():
    result = imported(
        [
            ["type", "name", "label::English (en)", "label::French (fr)"],
            ["text", "a", "Name", "Nom"],
            ["text", "b", "", "Âge"],
        ]
    )
    assert not result.imported
    assert places(result, Severity.ERROR) == {(3, "label::English (en)")}
    assert "French" in result.report.errors[0].message


def test_a_default_language_no_label_is_written_in_is_one_error_on_settings():
    result = imported(
        [["type", "name", "label::French (fr)"], ["text", "a", "Nom"], ["text", "b", "Âge"]],
        settings=[["default_language"], ["English (en)"]],
    )
    assert not result.imported
    assert [(f.sheet, f.row, f.column) for f in result.report.errors] == [
        ("settings", 2, "default_language")
    ]


# Sections -------------------------------------------------------------------------------


def test_groups_and_nested_repeats_become_sections():
    result = imported(
        [
            ["type", "name", "label", "relevant", "appearance", "repeat_count"],
            ["integer", "people", "How many?", "", "", ""],
            ["begin group", "home", "Home", "${people} > 0", "field-list", ""],
            ["begin repeat", "person", "Person", "", "", "${people}"],
            ["text", "relation", "Relation", "", "", ""],
            ["begin_repeat", "visit", "Visit", "", "", ""],
            ["date", "day", "Day", "", "", ""],
            ["end_repeat", "", "", "", "", ""],
            ["end repeat", "", "", "", "", ""],
            ["end group", "", "", "", "", ""],
        ]
    )
    home = result.definition.items[1]
    assert isinstance(home, Section)
    assert (home.relevance, home.appearance, home.repeat) == ("${people} > 0", "field-list", False)
    person = home.items[0]
    assert (person.repeat, person.repeat_count) == (True, "${people}")
    visit = person.items[1]
    assert (visit.repeat, visit.repeat_count, visit.items[0].name) == (True, "", "day")


@pytest.mark.parametrize(
    ("rows", "error_row"),
    [
        ([["begin group", "g", "G"], ["text", "q", "Q"]], 2),
        ([["text", "q", "Q"], ["end group", "", ""]], 3),
        ([["begin repeat", "r", "R"], ["text", "q", "Q"], ["end group", "", ""]], 4),
    ],
)
def test_unbalanced_groups_are_errors_at_their_row(rows, error_row):
    result = imported([HEADER, *rows])
    assert not result.imported
    assert (error_row, "type") in places(result, Severity.ERROR)


def test_a_loop_is_refused_even_when_mapping():
    choices = [["list_name", "name", "label"], ["rooms", "kitchen", "Kitchen"]]
    rows = [
        HEADER,
        ["begin loop over rooms", "each", "Each"],
        ["text", "q", "Q"],
        ["end loop", "", ""],
    ]
    result = imported(rows, choices, unsupported="map")
    assert not result.imported
    assert places(result, Severity.ERROR) == {(2, "type")}


# Names, lists and references ------------------------------------------------------------


def test_duplicate_names_are_errors_in_one_section_or_across_sections():
    same = imported([HEADER, ["text", "q", "Q"], ["integer", "q", "Again"]])
    assert places(same, Severity.ERROR) == {(3, "name")}
    assert "same section" in same.report.errors[0].message
    across = imported(
        [
            HEADER,
            ["text", "q", "Q"],
            ["begin group", "g", "G"],
            ["text", "q", "Q"],
            ["end group", "", ""],
        ]
    )
    assert places(across, Severity.ERROR) == {(4, "name")}


def test_missing_and_invalid_names_are_errors():
    result = imported([HEADER, ["text", "", "No name"], ["text", "two words", "Bad"]])
    assert places(result, Severity.ERROR) == {(2, "name"), (3, "name")}


def test_a_missing_choice_list_is_an_error():
    result = imported([HEADER, ["select_one colours", "q", "Q"]], YES_NO_ROWS)
    assert places(result, Severity.ERROR) == {(2, "type")}
    assert "colours" in result.report.errors[0].message
    no_sheet = imported([HEADER, ["select_one colours", "q", "Q"]])
    assert "no choices sheet" in no_sheet.report.errors[0].message


def test_duplicate_choice_names_and_unlabelled_choices_are_errors_on_the_choices_sheet():
    choices = [["list_name", "name", "label"], ["l", "a", "A"], ["l", "a", "Again"], ["l", "b", ""]]
    result = imported([HEADER, ["select_one l", "q", "Q"]], choices)
    assert {(f.sheet, f.row, f.column) for f in result.report.errors} == {
        ("choices", 3, "name"),
        ("choices", 4, "label"),
    }


def test_an_unused_choice_list_is_a_warning():
    result = imported([HEADER, ["text", "q", "Q"]], YES_NO_ROWS)
    assert result.imported
    assert [(f.sheet, f.row) for f in result.report.of(Severity.WARNING)] == [("choices", 2)]


def test_a_survey_with_nothing_to_import_is_refused():
    result = imported([HEADER, ["", "", ""]])
    assert [finding.message for finding in result.report.errors] == [
        "The survey sheet has no questions to import."
    ]


def test_unknown_references_and_types_are_errors():
    result = imported(
        [[*HEADER, "relevant"], ["text", "q", "Q", "${nobody} = 1"], ["colour", "c", "C", ""]]
    )
    assert places(result, Severity.ERROR) == {(2, "relevant"), (3, "type")}


def test_logic_the_editor_would_refuse_is_imported_with_a_warning_at_its_cell():
    result = imported(
        [
            [*HEADER, "calculation", "relevant"],
            ["calculate", "price", "", "pulldata('prices', 'cost', 'id', '1')", ""],
            ["integer", "age", "Age", "", ""],
            ["text", "q", "Q", "", "${age} > 'x' or ${age} & 1"],
        ]
    )
    assert result.imported
    assert result.definition.items[0].calculation == "pulldata('prices', 'cost', 'id', '1')"
    warnings = result.report.of(Severity.WARNING)
    assert {(finding.row, finding.column) for finding in warnings} == {
        (2, "calculation"),
        (4, "relevant"),
    }
    assert "pulldata" in warnings[0].message


def test_a_row_with_a_name_but_no_type_is_an_error_and_comment_rows_are_skipped():
    result = imported([[*HEADER, "notes"], ["", "q", "Q", ""], ["", "", "", "just a note"]])
    assert places(result, Severity.ERROR) == {(2, "type")}
    assert (1, "notes") in places(result, Severity.WARNING)


# What peer-research cannot ask ----------------------------------------------------------

UNFIELDABLE = [
    [*HEADER, "parameters", "calculation", "default"],
    ["geopoint", "where", "Where?", "", "", ""],
    ["barcode", "code", "Code", "", "", ""],
    ["image", "photo", "Photo", "", "", ""],
    ["start", "start", "", "", "", ""],
    ["today", "today", "", "", "", ""],
    ["dateTime", "when", "When", "", "", ""],
    ["range", "score", "Score", "start=0 end=5", "", ""],
    ["hidden", "secret", "", "", "", "abc"],
    ["select_one_from_file places.csv", "place", "Place", "", "", ""],
    ["audio", "voice", "Voice", "", "", ""],
    ["note", "show", "Started ${start}", "", "", ""],
]


def test_refuse_lists_every_unfieldable_row():
    result = imported(UNFIELDABLE)
    assert not result.imported
    assert result.definition is None
    assert places(result, Severity.ERROR) == {(row, "type") for row in range(2, 12)}
    assert "GPS" in result.report.errors[0].message


def test_map_asks_what_it_can_and_reports_every_row():
    result = imported(UNFIELDABLE, unsupported="map")
    assert result.imported, result.report.as_text()
    assert places(result, Severity.MAPPED) == {(row, "type") for row in range(2, 12)}
    found = {item.name: item for item in result.definition.items}
    assert found["where"].type is QuestionType.TEXT
    assert found["code"].type is QuestionType.TEXT
    assert "photo" not in found and "voice" not in found
    assert (found["start"].type, found["start"].calculation) == (QuestionType.CALCULATE, "''")
    assert found["today"].calculation == "today()"
    assert found["when"].type is QuestionType.DATE
    assert (found["score"].type, found["score"].constraint) == (
        QuestionType.INTEGER,
        ". >= 0 and . <= 5",
    )
    assert (found["secret"].type, found["secret"].calculation) == (QuestionType.CALCULATE, "'abc'")
    assert found["place"].type is QuestionType.TEXT


def test_choice_filter_and_trigger_columns_are_refused_or_mapped():
    choices = [["list_name", "name", "label"], ["l", "a", "A"]]
    rows = [
        [*HEADER, "choice_filter", "trigger", "calculation"],
        ["select_one l", "q", "Q", "name != ''", "", ""],
        ["calculate", "c", "", "", "${q}", "now()"],
    ]
    refused = imported(rows, choices)
    assert places(refused, Severity.ERROR) == {(2, "choice_filter"), (3, "trigger")}
    mapped = imported(rows, choices, unsupported="map")
    assert mapped.imported
    assert {(2, "choice_filter"), (3, "trigger")} <= places(mapped, Severity.MAPPED)


def test_disabled_rows_are_left_out_with_a_note():
    result = imported([[*HEADER, "disabled"], ["text", "q", "Q", "yes"], ["text", "r", "R", ""]])
    assert [item.name for item in result.definition.items] == ["r"]
    assert places(result, Severity.MAPPED) == {(2, "disabled")}


def test_unused_xlsform_columns_are_reported_with_their_rows():
    result = imported(
        [[*HEADER, "guidance_hint", "media::audio"], ["text", "q", "Q", "Ask gently", "q.mp3"]]
    )
    mapped = result.report.of(Severity.MAPPED)
    assert {finding.column for finding in mapped} == {"guidance_hint", "media::audio"}
    assert all("row 2" in finding.message for finding in mapped)


# Row numbers in every format ------------------------------------------------------------


def test_row_numbers_count_blank_rows_in_xlsx():
    result = imported([HEADER, ["text", "a", "A"], [], [], ["geopoint", "g", "G"]])
    assert places(result, Severity.ERROR) == {(5, "type")}


def test_csv_row_numbers_are_the_rows_of_the_file():
    text = "survey,,,\n,type,name,label\n,text,a,A\n\n,geopoint,g,G\nchoices,,,\n"
    result = import_xlsform(text.encode(), "form.csv")
    assert places(result, Severity.ERROR) == {(5, "type")}


def test_markdown_row_numbers_are_the_lines_of_the_file():
    text = "\n".join(
        [
            "| survey |",
            "|        | type     | name | label |",
            "|        | text     | a    | A     |",
            "# a comment",
            "|        | geopoint | g    | G     |",
        ]
    )
    result = import_xlsform(text.encode(), "form.md")
    assert places(result, Severity.ERROR) == {(5, "type")}
