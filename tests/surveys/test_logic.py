"""The logic language in Python: the shared vectors, parsing, printing and error messages."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from surveys.logic import (
    Binary,
    Call,
    LogicEvaluationError,
    LogicSyntaxError,
    Negate,
    Number,
    Reference,
    String,
    evaluate,
    parse,
    to_source,
)

VECTORS = json.loads(Path(__file__).with_name("logic_vectors.json").read_text(encoding="utf-8"))


def vector_id(index: int, vector: dict) -> str:
    """Return a readable test id: the vector's number and (the start of) its expression."""
    text = vector["expression"]
    return f"{index:03d}:{text if len(text) <= 50 else text[:47] + '...'}"


def canonical(value: object) -> list:
    """Reduce a result to comparable JSON: kind and value (numbers exactly, -0 and NaN too)."""
    if isinstance(value, bool):
        return ["boolean", value]
    if isinstance(value, int | float):
        number = float(value)
        return ["number", "nan" if math.isnan(number) else number.hex()]
    if isinstance(value, str):
        return ["string", value]
    raise TypeError(f"not a logic value: {value!r}")


def expected_outcome(expected: object) -> list:
    """Return the canonical form of a vector's `expected` entry."""
    if isinstance(expected, dict) and "number" in expected:
        return canonical(float(expected["number"]))  # "NaN", "Infinity", "-Infinity", "-0"
    if isinstance(expected, dict) and expected["error"] == "syntax":
        return ["error", "syntax", expected["position"]]
    if isinstance(expected, dict):
        return ["error", expected["error"]]
    return canonical(expected)


def python_outcome(vector: dict) -> list:
    """Evaluate a vector in Python and return the canonical outcome."""
    today = date.fromisoformat(vector["today"]) if "today" in vector else None
    try:
        value = evaluate(
            vector["expression"], vector["answers"], vector.get("current"), today=today
        )
    except LogicSyntaxError as error:
        return ["error", "syntax", error.position]
    except LogicEvaluationError:
        return ["error", "evaluation"]
    return canonical(value)


def test_there_are_enough_vectors() -> None:
    """The shared vectors cover the language broadly (the brief asks for at least 150)."""
    assert len(VECTORS) >= 150
    functions = {
        match for vector in VECTORS for match in re.findall(r"([a-z-]+)\s*\(", vector["expression"])
    }
    assert {"selected", "count-selected", "regex", "if", "coalesce", "round", "today"} <= functions


@pytest.mark.parametrize(
    "vector", VECTORS, ids=[vector_id(index, vector) for index, vector in enumerate(VECTORS)]
)
def test_vector(vector: dict) -> None:
    """Python gives each shared vector's expected result."""
    assert python_outcome(vector) == expected_outcome(vector["expected"]), vector.get("note", "")


# --- syntax errors -------------------------------------------------------------------------


def syntax_error(expression: str) -> LogicSyntaxError:
    """Return the error parsing an expression raises."""
    with pytest.raises(LogicSyntaxError) as caught:
        parse(expression)
    return caught.value


def test_an_unclosed_bracket_names_where_it_opened() -> None:
    """The message counts characters from 1 and points at the bracket left open."""
    error = syntax_error("2 * (3 + 4 5")
    assert error.position == 11
    assert error.expected == "')'"
    assert error.message == (
        "At character 12: expected ')' to close the bracket opened at character 5"
    )
    assert str(error) == error.message


def test_a_function_left_open_asks_for_a_comma_or_bracket() -> None:
    """A function call that runs out says which bracket is still open."""
    error = syntax_error("selected(${colours}, 'red'")
    assert error.position == len("selected(${colours}, 'red'")
    assert error.message.endswith("expected ',' or ')' to close the bracket opened at character 9")


@pytest.mark.parametrize(
    ("expression", "position", "words"),
    [
        ("", 0, "this expression is empty"),
        ("${age} > 18 adn ${x}", 12, "expected an operator (such as 'and', '=' or '+')"),
        ("${first name} = 'x'", 0, "is not a question name"),
        ("${age", 0, "there is no '}' to end it"),
        ("'yes", 0, "the text in quotes that starts here is never closed: add a '"),
        ("1 == 1", 2, "write = instead of =="),
        ("${a} && ${b}", 5, "write 'and' instead of &"),
        ("${a} / 2", 5, "to divide, write div"),
        ("age > 18", 0, "'age' is not a question or a function: write a question like ${age}"),
        ("true", 0, "write true() with brackets"),
        ("\u2018yes\u2019", 0, "use a straight quote"),
        ("1 +", 3, "expected a value, but the expression ends here"),
        ("1 + 2)", 5, "there is a ')' here without a '(' before it"),
        ("#", 0, "the character '#' can't be used here"),
        ("../age", 0, "'..' is not used here"),
        ("1" + "0" * 400, 0, "is too big"),
    ],
)
def test_syntax_errors_say_what_is_wrong_in_plain_words(
    expression: str, position: int, words: str
) -> None:
    """Each kind of mistake gets its own message, at the right character."""
    error = syntax_error(expression)
    assert error.position == position
    assert error.message.startswith(f"At character {position + 1}: ")
    assert words in error.message


def test_ten_thousand_nested_brackets_are_refused_at_the_hundred_and_first() -> None:
    """Deep nesting is refused early with a clear message, never a RecursionError."""
    error = syntax_error("(" * 10_000 + "1" + ")" * 10_000)
    assert error.position == 100
    assert "too many brackets inside each other" in error.message
    assert "too many brackets" in syntax_error("not(" * 1000 + "1" + ")" * 1000).message


def test_a_hundred_nested_brackets_are_fine() -> None:
    """The limit is generous: a hundred brackets inside each other still work."""
    assert evaluate("(" * 100 + "1" + ")" * 100, {}) == 1


@pytest.mark.parametrize(
    "expression",
    [
        "-" * 5000 + "1",
        "1" + " + 1" * 5000,
        "1" + " or 1" * 300,
        "not(" * 99 + "-" * 150 + "1" + ")" * 99,
    ],
)
def test_long_chains_are_refused_without_crashing(expression: str) -> None:
    """Chains too deep to work out safely get a syntax error, never a RecursionError."""
    error = syntax_error(expression)
    assert "too complicated" in error.message or "too long" in error.message


def test_the_length_limit_does_not_count_spaces() -> None:
    """2,000 characters of parts are allowed, however they are spaced; one more is not."""
    assert parse("'" + "a" * 1998 + "'" + " " * 10_000) == String("a" * 1998)
    error = syntax_error("'" + "a" * 1999 + "'")
    assert error.position == 0
    assert "too long (the most is 2,000 characters, not counting spaces)" in error.message
    assert "too long" in syntax_error(" " * 60_000 + "1").message


def test_parse_refuses_what_is_not_text() -> None:
    """Passing something other than text is a programming error, not a syntax error."""
    with pytest.raises(TypeError):
        parse(12)  # type: ignore[arg-type]


# --- the tree and the printer ------------------------------------------------------------


def test_the_tree_follows_xpath_precedence() -> None:
    """`or` binds loosest, then `and`, comparisons, sums, products, unary minus."""
    assert parse("${a} = 1 or ${b} + 2 * -3 > 4 and true()") == Binary(
        "or",
        Binary("=", Reference("a"), Number("1")),
        Binary(
            "and",
            Binary(
                ">",
                Binary("+", Reference("b"), Binary("*", Number("2"), Negate(Number("3")))),
                Number("4"),
            ),
            Call("true", ()),
        ),
    )


def test_trees_compare_by_structure_not_position() -> None:
    """Spacing and redundant brackets don't change the tree."""
    assert parse(" ( 1+ ${x} ) ") == parse("1 + ${x}")
    assert parse("1 + ${x}") != parse("1 + ${y}")


def test_trees_are_frozen() -> None:
    """A parsed tree can be shared and cached: nobody can change it."""
    tree = parse("1 + 2")
    with pytest.raises(dataclasses.FrozenInstanceError):
        tree.op = "-"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("written", "canonical_text"),
    [
        ("(1+2)*3", "(1 + 2) * 3"),
        ("1 - (2 - 3)", "1 - (2 - 3)"),
        ("(1 - 2) - 3", "1 - 2 - 3"),
        ("-(-${a})", "--${a}"),
        ("- ( 1 + 2 )", "-(1 + 2)"),
        ('"it\'s"', '"it\'s"'),
        ('"plain"', "'plain'"),
        ("selected (. , 'a')", "selected(., 'a')"),
        ("1.50 div .5", "1.50 div .5"),
        ("(${a} or ${b}) and not(${c})", "(${a} or ${b}) and not(${c})"),
        ("${a} = (${b} = ${c})", "${a} = (${b} = ${c})"),
    ],
)
def test_to_source_prints_canonical_text(written: str, canonical_text: str) -> None:
    """The printer uses single spaces and only the brackets the tree needs."""
    assert to_source(parse(written)) == canonical_text


def test_every_vector_that_parses_prints_back_to_the_same_tree() -> None:
    """parse(to_source(tree)) == tree for every expression in the shared vectors."""
    for vector in VECTORS:
        try:
            tree = parse(vector["expression"])
        except LogicSyntaxError:
            continue
        assert parse(to_source(tree)) == tree, vector["expression"]


def test_text_with_both_quotes_cannot_be_printed() -> None:
    """XPath has no escapes, so such text can only come from concat()."""
    with pytest.raises(ValueError, match="both"):
        to_source(String('it\'s "so"'))


# --- evaluation details ----------------------------------------------------------------------


def test_evaluate_accepts_a_parsed_tree() -> None:
    """A tree parsed once can be evaluated for many interviews."""
    tree = parse("${age} >= 18")
    assert [evaluate(tree, {"age": age}) for age in (17, 18, None)] == [False, True, False]


def test_today_defaults_to_the_local_date() -> None:
    """Without `today=`, today() is the date where the server is."""
    before = datetime.now(UTC).astimezone().date().isoformat()
    value = evaluate("today()", {})
    after = datetime.now(UTC).astimezone().date().isoformat()
    assert value in (before, after)


def test_python_answers_may_be_dates_and_huge_numbers() -> None:
    """Date objects read as ISO dates; integers beyond floats read as infinity."""
    answers = {"dob": date(2000, 1, 2), "big": 10**400}
    assert evaluate("int((today() - ${dob}) div 365.25)", answers, today=date(2026, 1, 1)) == 25
    assert evaluate("${big} > 1", answers) is True


def test_evaluation_errors_are_plain() -> None:
    """Unknown functions, wrong counts and bad patterns are LogicEvaluationErrors."""
    with pytest.raises(LogicEvaluationError, match="There is no function called 'selcted'"):
        evaluate("selcted(${a}, 'x')", {})
    with pytest.raises(LogicEvaluationError, match=r"if\(\) takes 3 values .* but has 2"):
        evaluate("if(1, 2)", {})
    with pytest.raises(LogicEvaluationError, match="look-behind"):
        evaluate("regex('abc', '(?<=a)b')", {})
