"""Rules in plain words: every operator and function of the logic language has a reading.

`logic_reading_vectors.json` holds a small questionnaire (`questions`) and, for each
expression, the role it plays and the sentence the group reads (`complete: false` marks a
fallback that is shown with the expression beside it; `readable: false` one with a mistake).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys import definition as d
from surveys.logic import Binary, Call, Negate, Node, parse
from surveys.logic.ast import LEVELS
from surveys.logic.functions import FUNCTIONS
from surveys.logic.reading import QuestionInfo, Reading, Role, question_lookup, read_rule

HERE = Path(__file__).parent
DATA = json.loads((HERE / "logic_reading_vectors.json").read_text(encoding="utf-8"))
QUESTIONS = {
    name: QuestionInfo(spec["label"], spec["type"], spec.get("choices", {}))
    for name, spec in DATA["questions"].items()
}
VECTORS = DATA["vectors"]
EVALUATION_VECTORS = json.loads((HERE / "logic_vectors.json").read_text(encoding="utf-8"))


def read(vector: dict) -> Reading:
    """Read one vector's expression in its role, with its question as `.`."""
    current = QUESTIONS.get(vector["question"]) if "question" in vector else None
    return read_rule(
        vector["expression"], role=vector["role"], questions=QUESTIONS, current=current
    )


@pytest.mark.parametrize(
    "vector", VECTORS, ids=[f"{v['role']}: {v['expression']}" for v in VECTORS]
)
def test_each_vector_reads_as_written(vector):
    reading = read(vector)
    assert reading.text == vector["reading"]
    assert reading.complete is vector.get("complete", True)
    assert reading.readable is vector.get("readable", True)
    assert reading.expression == vector["expression"]


def _parts(node: Node) -> tuple[set[str], set[str]]:
    """Return the operators and the functions a tree uses ("neg" for unary minus)."""
    operators: set[str] = set()
    functions: set[str] = set()
    pending = [node]
    while pending:
        node = pending.pop()
        if isinstance(node, Binary):
            operators.add(node.op)
            pending += [node.left, node.right]
        elif isinstance(node, Negate):
            operators.add("neg")
            pending.append(node.operand)
        elif isinstance(node, Call):
            functions.add(node.name)
            pending += node.args
    return operators, functions


def test_every_operator_function_and_role_has_a_complete_reading_vector():
    operators: set[str] = set()
    functions: set[str] = set()
    for vector in VECTORS:
        if vector.get("complete", True) is False:
            continue
        found_operators, found_functions = _parts(parse(vector["expression"]))
        operators |= found_operators
        functions |= found_functions
    wanted = set(LEVELS) | {"neg"}
    assert wanted <= operators, f"operators with no reading vector: {sorted(wanted - operators)}"
    missing = set(FUNCTIONS) - functions - {"regex"}  # a pattern is always shown as code too
    assert not missing, f"functions with no reading vector: {sorted(missing)}"
    assert any("regex(" in vector["expression"] for vector in VECTORS)
    assert {vector["role"] for vector in VECTORS} == {role.value for role in Role}


def _without_labels(text: str) -> str:
    """Remove the quoted labels from a reading, leaving its own words."""
    return re.sub(r"“[^”]*”", "“”", text)


@pytest.mark.parametrize("vector", VECTORS, ids=[v["expression"] for v in VECTORS])
def test_readings_never_show_short_names_or_choice_values(vector):
    words = set(re.findall(r"[\w-]+", _without_labels(read(vector).text)))
    for name, spec in DATA["questions"].items():
        assert name not in words
        assert not set(spec.get("choices", {})) & words


def test_a_fallback_names_the_questions_it_uses():
    reading = read_rule(
        "((${age} + ${people}) * ${hours}) - 1 + 2",
        role=Role.CALCULATION,
        questions=QUESTIONS,
    )
    assert not reading.complete
    assert reading.text.startswith("Worked out by the tablet with a formula.")
    assert "“How old are you?”" in reading.text
    assert "age" not in re.findall(r"\w+", _without_labels(reading.text))


@pytest.mark.parametrize("role", list(Role))
def test_every_evaluation_vector_reads_without_failing_in_every_role(role):
    for vector in EVALUATION_VECTORS:
        reading = read_rule(vector["expression"], role=role, questions=QUESTIONS)
        assert reading.text
        assert reading.text.endswith(".")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.sampled_from(list(Role)))
def test_any_text_gets_a_reading(expression, role):
    reading = read_rule(expression, role=role, questions=QUESTIONS)
    assert reading.text
    if not reading.readable:
        assert reading.complete is False


def test_deep_nesting_falls_back_instead_of_rambling():
    deep = "${age} > 1 and (${age} > 2 or (${age} > 3 and (${age} > 4 or ${age} > 5)))"
    reading = read_rule(deep, role="relevance", questions=QUESTIONS)
    assert reading.complete is False
    assert reading.text.startswith("Only asked when a check the tablet makes is true.")


def _form() -> d.FormDefinition:
    return d.FormDefinition(
        title="Home help",
        languages=(d.Language("en", "English"), d.Language("cy", "Cymraeg")),
        items=(
            d.Question("gets_help", d.QuestionType.YES_NO, {"en": "Do you get help?"}),
            d.Section(
                "care",
                {"en": "Care"},
                items=(
                    d.Question(
                        "kind",
                        d.QuestionType.SELECT_ONE,
                        {"en": "What kind?", "cy": "Pa fath?"},
                        choices=(
                            d.Choice("paid", {"en": "Paid carer", "cy": "Gofalwr cyflogedig"}),
                            d.Choice("family", {"en": "Family"}),
                        ),
                    ),
                ),
            ),
        ),
    )


def test_lookup_reads_labels_in_the_readers_language_when_the_questionnaire_has_it():
    welsh = question_lookup(_form(), "cy")
    assert welsh["kind"].label == "Pa fath?"
    assert welsh["kind"].choices == {"paid": "Gofalwr cyflogedig", "family": "Family"}
    assert welsh["gets_help"].label == "Do you get help?"  # no Welsh: the main language
    assert welsh["gets_help"].choices == {"yes": "Yes", "no": "No"}
    assert welsh["care"].label == "Care"
    assert question_lookup(_form(), "fr")["kind"].label == "What kind?"
    assert question_lookup(_form(), "cy-GB")["kind"].label == "Pa fath?"


def test_lookup_from_a_definition_gives_the_issue_s_reading():
    reading = read_rule(
        "${gets_help} = 'yes' and ${kind} != 'family'",
        role=Role.RELEVANCE,
        questions=question_lookup(_form(), "en"),
    )
    assert reading.text == (
        "Only asked if the answer to “Do you get help?” is “Yes” and "
        "the answer to “What kind?” is not “Family”."
    )
    assert reading.complete
