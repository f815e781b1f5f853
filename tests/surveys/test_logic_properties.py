"""Properties of the logic language that hold for any input (Hypothesis)."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.logic import LogicEvaluationError, LogicSyntaxError, evaluate, parse, to_source
from surveys.logic.functions import FUNCTIONS

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = ["a", "b", "s", "d", "first-name", "x.y"]
OPERATORS = ["+", "-", "*", "div", "mod", "=", "!=", "<", "<=", ">", ">=", "and", "or"]
# Pieces that are valid on their own and pieces that are typical mistakes.
TOKENS = [
    *OPERATORS, "1", "2.5", ".5", "007", "'a'", '"b"', "'it''s'", "${a}", "${first-name}", ".",
    "(", ")", ",", "not", "selected", "count-selected", "if", "concat", "true()", "today()",
    "$", "{", "}", "${", "'", '"', "/", "!", "==", "x", "..", "\u00a0", "\u2018", "é", "😀",
]  # fmt: skip

numbers = st.from_regex(r"[0-9]{1,6}(\.[0-9]{0,4})?|\.[0-9]{1,4}", fullmatch=True)
texts = st.text(alphabet="ab é😀 1-:", max_size=6).map(lambda text: f"'{text}'")
leaves = st.one_of(
    numbers,
    texts,
    st.sampled_from(NAMES).map(lambda name: f"${{{name}}}"),
    st.sampled_from([".", "true()", "false()", "today()"]),
)


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Combine expressions with operators, minus, brackets and function calls."""
    return st.one_of(
        st.tuples(children, st.sampled_from(OPERATORS), children).map(" ".join),
        children.map(lambda child: f"-{child}"),
        children.map(lambda child: f"({child})"),
        st.tuples(st.sampled_from(sorted(FUNCTIONS)), st.lists(children, max_size=3)).map(
            lambda call: f"{call[0]}({', '.join(call[1])})"
        ),
    )


expressions = st.recursive(leaves, _extend, max_leaves=30)
token_soup = st.lists(
    st.tuples(st.sampled_from(TOKENS), st.sampled_from(["", " ", "  "])), max_size=30
).map(lambda parts: "".join(token + space for token, space in parts))
answer_values = st.one_of(
    st.none(),
    st.text(alphabet="ab 12-.:é", max_size=8),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.booleans(),
    st.lists(st.sampled_from(["a", "b", "c"]), max_size=3),
    st.dates().map(date.isoformat),
)
answers = st.dictionaries(st.sampled_from(NAMES), answer_values)


@SETTINGS
@given(st.text(max_size=200))
def test_parse_raises_only_syntax_errors_on_any_text(text: str) -> None:
    """No input makes parse() fail with anything but a LogicSyntaxError."""
    try:
        parse(text)
    except LogicSyntaxError as caught:
        error = caught
    else:
        return
    assert 0 <= error.position <= len(text)
    assert error.message.startswith(f"At character {error.position + 1}: ")


@SETTINGS
@given(token_soup)
def test_parse_raises_only_syntax_errors_on_token_soup(text: str) -> None:
    """Near-miss expressions built from real tokens fail cleanly or parse and print back."""
    try:
        tree = parse(text)
    except LogicSyntaxError as error:
        position = error.position
    else:
        assert parse(to_source(tree)) == tree
        return
    assert 0 <= position <= len(text)


@SETTINGS
@given(expressions)
def test_printing_and_parsing_again_gives_the_same_tree(expression: str) -> None:
    """parse(to_source(tree)) == tree, and printing is stable."""
    try:
        tree = parse(expression)
    except LogicSyntaxError:
        return
    printed = to_source(tree)
    assert parse(printed) == tree
    assert to_source(parse(printed)) == printed


@SETTINGS
@given(expressions, answers, answer_values)
def test_evaluation_gives_a_value_or_a_plain_evaluation_error(
    expression: str, given_answers: dict, current: object
) -> None:
    """Any expression that parses works out to text, a number or true/false for any answers."""
    try:
        value = evaluate(expression, given_answers, current, today=date(2026, 1, 1))
    except (LogicSyntaxError, LogicEvaluationError):
        return
    assert isinstance(value, str | float | bool)
