"""Exporting XLSForms: pyxform converts them; importing an export gives the questionnaire back."""

from __future__ import annotations

import io
import shutil

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyxform.xls2xform import convert

from surveys.definition import (
    Choice,
    FormDefinition,
    Language,
    PrivacyClass,
    Question,
    QuestionType,
    Section,
    from_json,
    to_json,
)
from surveys.xlsform import export_xlsform, import_xlsform
from surveys.xlsform.exporter import write_xlsx

ENGLISH = Language("en", "English")
ARABIC = Language("ar", "Arabic")
WELSH = Language("cy", "Cymraeg")


def both(english: str) -> dict[str, str]:
    """Return a text in English and (made-up) Arabic."""
    return {"en": english, "ar": f"عربي {english}"}


HELPERS = (
    Choice("family", both("Family"), "family.png"),
    Choice("friends", both("Friends")),
    Choice("paid", both("A paid carer")),
)
AGREE = tuple(Choice(str(point), both(f"Point {point}")) for point in range(1, 6))


def every_feature() -> FormDefinition:
    """Return a questionnaire using every type, every field, sections and nested repeats."""
    q = Question
    return FormDefinition(
        title="What helps at home",
        form_id="what_helps",
        languages=(ENGLISH, ARABIC),
        items=(
            q(
                "intro",
                QuestionType.NOTE,
                both("Welcome"),
                hint=both("Read aloud"),
                image="hello.png",
            ),
            q(
                "agree",
                QuestionType.ACKNOWLEDGE,
                both("I agree"),
                required=True,
                required_message=both("Please tick"),
            ),
            q(
                "first_name",
                QuestionType.TEXT,
                both("First name"),
                privacy=PrivacyClass.DIRECT_IDENTIFIER,
                constraint="string-length(.) < 40",
                constraint_message=both("Shorter, please"),
            ),
            q("story", QuestionType.LONG_TEXT, both("Tell us"), privacy=PrivacyClass.FREE_TEXT),
            q(
                "age",
                QuestionType.INTEGER,
                both("Age"),
                required=True,
                default="65",
                constraint=". >= 18",
                privacy=PrivacyClass.QUASI_IDENTIFIER,
            ),
            q("weight", QuestionType.DECIMAL, both("Weight"), relevance="${age} > 50"),
            q("visit", QuestionType.DATE, both("Visit"), default="2024-01-31"),
            q("arrival", QuestionType.TIME, both("Arrival")),
            q(
                "alone",
                QuestionType.YES_NO,
                both("Alone?"),
                required_if="${age} > 70",
                required_message=both("Please answer"),
            ),
            q(
                "helpers",
                QuestionType.SELECT_MULTIPLE,
                both("Who helps?"),
                choices=HELPERS,
                choice_list="helpers",
                other_option=True,
                appearance="minimal",
            ),
            q(
                "main_helper",
                QuestionType.SELECT_ONE,
                both("Main helper"),
                choices=HELPERS,
                choice_list="helpers",
                appearance="quick",
                other_option=True,
            ),
            q(
                "satisfied",
                QuestionType.RATING,
                both("Satisfied?"),
                choices=AGREE,
                choice_list="agree",
            ),
            q(
                "feeling",
                QuestionType.RATING,
                both("How do you feel?"),
                choices=AGREE,
                choice_list="agree",
                appearance="faces",
                privacy=PrivacyClass.SENSITIVE,
            ),
            q(
                "order",
                QuestionType.RANKING,
                both("Put in order"),
                choices=HELPERS,
                choice_list="helpers",
            ),
            q("double_age", QuestionType.CALCULATE, {}, calculation="${age} * 2"),
            q(
                "shown",
                QuestionType.INTEGER,
                both("Twice your age"),
                calculation="${double_age}",
                read_only=True,
            ),
            Section(
                "home",
                both("Home"),
                hint=both("About home"),
                relevance="${alone} = 'no'",
                appearance="field-list",
                items=(
                    q("people", QuestionType.INTEGER, both("How many people?")),
                    Section(
                        "person",
                        both("Person"),
                        repeat=True,
                        repeat_count="${people}",
                        items=(
                            q("relation", QuestionType.TEXT, both("Relation")),
                            Section(
                                "visits",
                                both("Visits"),
                                repeat=True,
                                items=(q("day", QuestionType.DATE, both("Day")),),
                            ),
                        ),
                    ),
                ),
            ),
            Section("ending", {}, items=(q("thanks", QuestionType.NOTE, both("Thank you")),)),
        ),
    )


def round_trip(definition: FormDefinition, *, logic_warnings: bool = False) -> FormDefinition:
    """Export and import a definition, which must import with nothing to report.

    With `logic_warnings`, warnings about logic the editor would refuse are allowed (the
    import keeps such expressions as written and says so again).
    """
    result = import_xlsform(export_xlsform(definition), "export.xlsx")
    assert result.imported, result.report.as_text()
    findings = [
        finding
        for finding in result.report.findings
        if not (logic_warnings and "editor will not accept" in finding.message)
    ]
    assert not findings, result.report.as_text()
    return result.definition


def sheet_rows(data: bytes, name: str) -> list[dict[str, str]]:
    """Return the rows of one sheet of an exported file as dicts by heading."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = list(workbook[name].iter_rows(values_only=True))
    workbook.close()
    header = rows[0]
    return [
        {key: value for key, value in zip(header, row, strict=False) if value} for row in rows[1:]
    ]


def test_import_of_an_export_gives_back_every_feature():
    definition = every_feature()
    assert round_trip(definition) == definition


def test_pyxform_converts_the_export_with_only_the_or_other_warning():
    warnings: list[str] = []
    result = convert(export_xlsform(every_feature()), file_type=".xlsx", warnings=warnings)
    assert "<h:title>What helps at home</h:title>" in result.xform
    assert len(warnings) == 1
    assert "or_other" in warnings[0]


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs Java")
def test_odk_validate_accepts_the_export():
    convert(export_xlsform(every_feature()), file_type=".xlsx", warnings=[], validate=True)


def test_our_types_are_written_as_xlsform_types():
    rows = {row.get("name"): row for row in sheet_rows(export_xlsform(every_feature()), "survey")}
    assert (rows["story"]["type"], rows["story"]["appearance"]) == ("text", "multiline")
    assert (rows["satisfied"]["type"], rows["satisfied"]["appearance"]) == (
        "select_one agree",
        "likert",
    )
    assert rows["feeling"]["appearance"] == "likert faces"
    assert rows["order"]["type"] == "rank helpers"
    assert rows["alone"]["type"] == "select_one yes_no"
    assert rows["helpers"]["type"] == "select_multiple helpers or_other"
    assert rows["alone"]["required"] == "${age} > 70"
    assert rows["first_name"]["privacy"] == "direct_identifier"
    assert rows["intro"]["media::image::English (en)"] == "hello.png"
    assert rows["person"]["type"] == "begin repeat"
    assert rows["person"]["repeat_count"] == "${people}"


def test_the_yes_no_list_is_generated_in_every_language():
    definition = FormDefinition(
        "Welsh",
        (WELSH, ENGLISH),
        (Question("alone", QuestionType.YES_NO, {"cy": "Ar ben eich hun?", "en": "Alone?"}),),
    )
    choices = sheet_rows(export_xlsform(definition), "choices")
    assert choices == [
        {
            "list_name": "yes_no",
            "name": "yes",
            "label::Cymraeg (cy)": "Ie",
            "label::English (en)": "Yes",
        },
        {
            "list_name": "yes_no",
            "name": "no",
            "label::Cymraeg (cy)": "Na",
            "label::English (en)": "No",
        },
    ]
    assert round_trip(definition) == definition


def test_two_different_lists_with_one_name_are_both_written():
    other = (Choice("red", {"en": "Red"}),)
    definition = FormDefinition(
        "Lists",
        (ENGLISH,),
        (
            Question(
                "a",
                QuestionType.SELECT_ONE,
                {"en": "A"},
                choices=(Choice("x", {"en": "X"}),),
                choice_list="l",
            ),
            Question("b", QuestionType.SELECT_ONE, {"en": "B"}, choices=other, choice_list="l"),
        ),
    )
    back = round_trip(definition)
    assert [question.choices for question in back.items] == [
        item.choices for item in definition.items
    ]
    assert [question.choice_list for question in back.items] == ["l", "l_2"]


def test_text_that_looks_like_a_formula_stays_text():
    definition = FormDefinition(
        "Sums",
        (ENGLISH,),
        (Question("sum", QuestionType.NOTE, {"en": "=1+1 is two"}, hint={"en": "=SUM(A1:A2)"}),),
    )
    assert round_trip(definition) == definition


def test_a_definition_survives_json_and_xlsform_together():
    definition = every_feature()
    assert from_json(to_json(round_trip(from_json(to_json(definition))))) == definition


# Text that is not at either end a space: pyxform trims cells and turns no-break spaces to
# spaces, so those are the only changes a round trip may make (see the package notes).
WORDS = st.text(
    alphabet=st.characters(
        categories=("L", "N", "P", "S"), exclude_characters="\u00a0", max_codepoint=0x2FFF
    ),
    min_size=1,
    max_size=30,
)
SENTENCE = st.lists(WORDS, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(label=SENTENCE, arabic=SENTENCE, hint=SENTENCE, choice=SENTENCE)
def test_any_wording_survives_a_round_trip(label, arabic, hint, choice):
    definition = FormDefinition(
        "Words",
        (ENGLISH, ARABIC),
        (
            Question(
                "q",
                QuestionType.SELECT_ONE,
                {"en": label, "ar": arabic},
                hint={"en": hint},
                choices=(Choice("a", {"en": choice, "ar": arabic}),),
                choice_list="l",
            ),
        ),
    )
    assert round_trip(definition) == definition


def test_a_language_without_any_text_yet_survives_a_round_trip():
    definition = FormDefinition(
        "New", (ENGLISH, WELSH), (Question("q", QuestionType.TEXT, {"en": "Name"}),)
    )
    assert round_trip(definition) == definition


SHEET_WORDS = {
    "type": st.sampled_from(
        [
            "text",
            "integer",
            "decimal",
            "date",
            "time",
            "note",
            "acknowledge",
            "calculate",
            "select_one l",
            "select_multiple l or_other",
            "rank l",
            "select_one yes_no",
            "begin group",
            "end group",
            "begin repeat",
            "end repeat",
            "geopoint",
            "start",
            "today",
            "range",
            "hidden",
            "image",
            "dateTime",
            "barcode",
            "trigger",
        ]
    ),
    "label::English (en)": st.sampled_from(["", "Name", "Age of ${q0}", "=1+1"]),
    "label::Arabic (ar)": st.sampled_from(["", "الاسم"]),
    "hint": st.sampled_from(["", "In years"]),
    "relevant": st.sampled_from(["", "${q0} != ''", "${q1} > 2"]),
    "required": st.sampled_from(["", "yes", "no", "${q0} = 'x'"]),
    "appearance": st.sampled_from(["", "minimal", "multiline", "likert", "faces", "field-list"]),
    "calculation": st.sampled_from(["", "1 + 1", "${q0}"]),
    "repeat_count": st.sampled_from(["", "2", "${q1}"]),
    "privacy": st.sampled_from(["", "sensitive", "free_text"]),
    "image": st.sampled_from(["", "a.png"]),
}
CHOICES = [
    ["list_name", "name", "label::English (en)", "label::Arabic (ar)", "image"],
    ["l", "a", "A", "أ", "a.png"],
    ["l", "b", "B", "", ""],
    ["yes_no", "yes", "Yes", "نعم", ""],
    ["yes_no", "no", "No", "لا", ""],
]


@st.composite
def sheets(draw) -> bytes:
    """Return an XLSForm made of rows of plausible words, unique names and two languages."""
    headers = [
        "type",
        "name",
        *draw(st.lists(st.sampled_from(sorted(SHEET_WORDS)[1:]), unique=True)),
    ]
    headers = list(dict.fromkeys(["type", "name", "label::English (en)", *headers[2:]]))
    rows = [headers]
    for number in range(draw(st.integers(min_value=1, max_value=8))):
        values = {name: draw(SHEET_WORDS[name]) for name in headers if name in SHEET_WORDS}
        rows.append([f"q{number}" if name == "name" else values[name] for name in headers])
    return write_xlsx({"survey": rows, "choices": CHOICES})


@settings(max_examples=60, deadline=None)
@given(data=sheets(), unsupported=st.sampled_from(["refuse", "map"]))
def test_whatever_imports_exports_to_a_form_pyxform_converts_and_imports_the_same(
    data, unsupported
):
    result = import_xlsform(data, "form.xlsx", unsupported=unsupported)
    assert result.imported == (not result.report.errors)
    if result.imported:
        exported = export_xlsform(result.definition)
        convert(exported, file_type=".xlsx", warnings=[])
        assert round_trip(result.definition, logic_warnings=True) == result.definition


def test_language_names_and_regional_codes_survive_a_round_trip():
    brazil = Language("pt-BR", "Português (Brasil)")
    kurdish = Language("ckb", "کوردی")
    definition = FormDefinition(
        "Languages",
        (brazil, kurdish, ENGLISH),
        (Question("q", QuestionType.TEXT, {"pt-BR": "Nome", "ckb": "ناو", "en": "Name"}),),
    )
    assert round_trip(definition) == definition


def test_a_list_of_our_own_called_yes_no_does_not_clash_with_the_generated_one():
    own = (Choice("yes", {"en": "Yes please"}), Choice("no", {"en": "No thanks"}))
    definition = FormDefinition(
        "Clash",
        (ENGLISH,),
        (
            Question(
                "tea", QuestionType.SELECT_ONE, {"en": "Tea?"}, choices=own, choice_list="yes_no"
            ),
            Question("alone", QuestionType.YES_NO, {"en": "Alone?"}),
        ),
    )
    rows = {row["name"]: row for row in sheet_rows(export_xlsform(definition), "survey")}
    assert (rows["tea"]["type"], rows["alone"]["type"]) == (
        "select_one yes_no",
        "select_one yes_no_2",
    )
    assert round_trip(definition) == definition
