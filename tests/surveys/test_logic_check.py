"""Checking expressions against a questionnaire, references, and circular dependencies."""

from __future__ import annotations

import pytest

from surveys.logic import LogicProblem, check, describe_cycle, find_cycles, references

QUESTIONS = {
    "age": "integer",
    "weight": "decimal",
    "height": "decimal",
    "dob": "date",
    "name": "text",
    "first": "text",
    "last": "text",
    "consent": "select_one",
    "mood": "select_one",
    "worry": "select_one",
    "services": "select_multiple",
    "hobbies": "select_multiple",
    "hobbies_other": "text",
    "score": "calculate",
    "address": "text",
    "intro": "note",
}

# Expressions as they appear in real KoboToolbox and ODK forms: none of them is a problem.
COMMON = [
    "${consent} = 'yes'",
    "selected(${services}, 'other')",
    "selected(${hobbies}, 'other') and ${hobbies_other} != ''",
    "not(selected(${services}, 'none') and count-selected(${services}) > 1)",
    "count-selected(${hobbies}) <= 3",
    "${age} >= 18 and ${age} <= 120",
    "int((today() - ${dob}) div 365.25)",
    "${dob} < today()",
    "${dob} >= '1900-01-01'",
    "round(${weight} div (${height} * ${height}), 1)",
    "${mood} + ${worry}",
    "if(${consent} = 'yes', 1, 0) + if(${age} > 64, 1, 0)",
    "coalesce(${score}, 0)",
    "concat(${first}, ' ', ${last})",
    "regex(${address}, '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,4}')",
    "string-length(${name}) > 0",
    "selected(${score}, 'x')",
    "${score} * 2",
    "${unknown_type_question} = 1",
]


def problems(expression: str, **options) -> list[LogicProblem]:
    """Check an expression against QUESTIONS (plus one question of an unlisted type)."""
    known = {**QUESTIONS, "unknown_type_question": "xml-external"}
    options.setdefault("allow_current", False)
    return check(expression, known_names=known, **options)


@pytest.mark.parametrize("expression", COMMON)
def test_common_expressions_have_no_problems(expression: str) -> None:
    """Modest checks never reject what real forms commonly use."""
    assert problems(expression) == []


@pytest.mark.parametrize(
    "expression",
    [
        ". >= today()",
        ". > 10.51 and . < 18.39",
        "regex(., '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$')",
        "not(selected(., 'c') and selected(., 'd'))",
        "string-length(.) <= 200",
    ],
)
def test_constraints_may_use_the_current_answer(expression: str) -> None:
    """`.` is allowed where the caller says so (constraints)."""
    assert problems(expression, allow_current=True) == []


def test_a_syntax_error_is_the_only_problem_reported() -> None:
    """A broken expression gets one problem: where it breaks."""
    assert problems("${agee} > (18") == [
        LogicProblem(
            13,
            "At character 14: expected ')' to close the bracket opened at character 11",
            "syntax",
        )
    ]


def test_an_unknown_question_is_named_with_a_suggestion() -> None:
    """A typo in a question name says which question, and the closest real one."""
    assert problems("${agee} > 18") == [
        LogicProblem(0, "There is no question called ${agee}. Did you mean ${age}?", "unknown-name")
    ]
    assert problems("${zzz} > 18")[0].message == "There is no question called ${zzz}."


def test_an_unknown_function_is_named_with_a_suggestion() -> None:
    """A typo in a function name, or an ODK function we don't offer, is explained."""
    assert problems("selcted(${services}, 'a')") == [
        LogicProblem(
            0, "There is no function called 'selcted'. Did you mean 'selected'?", "unknown-function"
        )
    ]
    assert problems("format-date(${dob}, '%Y')")[0].message == (
        "The function 'format-date' is not available here."
    )


def test_the_number_of_values_in_a_function_is_checked() -> None:
    """Too few or too many values inside a function's brackets is a problem."""
    found = problems("if(${age} > 18, 'adult') and today(1) and round(1, 2, 3) and concat()")
    assert [(problem.code, problem.message) for problem in found] == [
        ("arguments", "The function if() takes 3 values inside its brackets, but has 2"),
        ("arguments", "The function today() takes nothing inside its brackets, but has 1"),
        ("arguments", "The function round() takes 1 or 2 values inside its brackets, but has 3"),
        (
            "arguments",
            "The function concat() takes at least 1 value inside its brackets, but has 0",
        ),
    ]


def test_selected_needs_a_question_with_choices() -> None:
    """selected() on a number question or on plain text is a problem."""
    assert problems("selected(${age}, '1')") == [
        LogicProblem(
            9,
            "selected() works on questions where people choose from a list, but ${age} is an "
            "integer question",
            "type",
        )
    ]
    found = problems("count-selected('a b')")
    assert found[0].code == "type"
    assert "should be a question where people choose from a list" in found[0].message


def test_sums_on_a_question_with_several_choices_are_refused() -> None:
    """Arithmetic on a select-multiple answer points to count-selected()."""
    found = problems("${services} + 1 > -${hobbies}")
    assert [problem.position for problem in found] == [0, 19]
    assert found[0].message == (
        "${services} is a question with several choices, so it can't be used in a sum; count "
        "its choices with count-selected(${services})"
    )


def test_a_date_compared_with_a_number_or_a_badly_written_date_is_refused() -> None:
    """Dates are compared with dates in quotes ('YYYY-MM-DD') or with today()."""
    found = problems("${dob} > 18 or '01/02/2000' < ${dob} or ${dob} = ''")
    assert [(problem.position, problem.code) for problem in found] == [(9, "type"), (15, "type")]
    assert "not with the number 18" in found[0].message
    assert "write dates as 'YYYY-MM-DD'" in found[1].message
    assert problems(". < -1", allow_current=True, current_type="date")[0].code == "type"


def test_the_current_answer_is_refused_outside_constraints() -> None:
    """`.` in a relevance condition or calculation is a problem."""
    assert [problem.code for problem in problems(". > 1")] == ["current"]


def test_patterns_are_checked_in_advance() -> None:
    """A regex() pattern outside the supported subset is reported at the pattern."""
    assert problems("regex(${name}, '(?<=a)b')") == [
        LogicProblem(
            15,
            "The pattern in regex() can't be used: look-behind (?<= or (?<! is not supported",
            "regex",
        )
    ]


def test_problems_are_listed_in_order_of_position() -> None:
    """Several problems come back in the order they appear."""
    found = problems("${b} = 1 and ${a} = 2 and nope()")
    assert [problem.position for problem in found] == [0, 13, 26]


# --- references and cycles ------------------------------------------------------------------


def test_references_lists_each_question_once() -> None:
    """Names inside ${...} count; text that merely looks like one does not."""
    expression = "if(${a} > 1, ${b.c}, -${a}) + count-selected(${first-name}) = '${not_me}' and ."
    assert references(expression) == {"a", "b.c", "first-name"}


def test_no_cycles_in_a_chain() -> None:
    """A chain of calculations is fine."""
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_a_calculation_that_uses_itself_through_another_is_a_cycle() -> None:
    """Each knot of mutual dependencies is reported once, from its first name."""
    dependencies = {
        "total": {"score", "bonus"},
        "bonus": {"total"},
        "score": {"age"},
        "self": {"self"},
        "x": {"y"},
        "y": {"z"},
        "z": {"x", "total"},
    }
    assert find_cycles(dependencies) == [["bonus", "total"], ["self"], ["x", "y", "z"]]
    assert describe_cycle(["x", "y", "z"]) == "${x} uses ${y}, which uses ${z}, which uses ${x}"
    assert describe_cycle(["self"]) == "${self} uses itself"


def test_long_dependency_chains_do_not_recurse() -> None:
    """Ten thousand calculations in a ring are found without deep recursion."""
    ring = {f"q{index}": {f"q{(index + 1) % 10_000}"} for index in range(10_000)}
    (cycle,) = find_cycles(ring)
    assert len(cycle) == 10_000
    assert cycle[0] == "q0"
