"""The condition builder's model: rules written in the logic language and read back."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.logic import check, evaluate
from surveys.logic.builder import (
    COMPARISONS,
    CURRENT,
    VALUE_COUNTS,
    Condition,
    ConditionError,
    Rule,
    Subject,
    canonical,
    expression_of,
    rule_of,
)

SUBJECTS = {
    subject.name: subject
    for subject in (
        Subject("help", "one_choice", ("yes", "no", "not_sure")),
        Subject("services", "many_choices", ("meals", "cleaning", "shopping")),
        Subject("age", "number"),
        Subject("dob", "date"),
        Subject("wake", "time"),
        Subject("name", "text"),
        Subject("read", "answer"),
        Subject(CURRENT, "number"),
    )
}
# How the logic checker knows each question (`.` is the answer itself, a number here).
CHECKER_TYPES = {
    "help": "select_one",
    "services": "select_multiple",
    "age": "integer",
    "dob": "date",
    "wake": "time",
    "name": "text",
    "read": "acknowledge",
}
SAMPLE_VALUES = {
    "one_choice": ["yes", "no", "not_sure"],
    "many_choices": ["meals", "cleaning", "shopping"],
    "number": ["-3", "0", "18", "2.5", "120"],
    "date": ["1950-01-31", "2000-02-29", "2030-12-01"],
    "time": ["00:00", "09:30", "17:45"],
    "text": ["Ann", "it's", 'say "hi"', "a b"],
}
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def conditions(draw) -> Condition:
    """Draw any condition the builder can show, with values that fit its question."""
    subject = SUBJECTS[draw(st.sampled_from(sorted(SUBJECTS)))]
    comparison = draw(st.sampled_from(COMPARISONS[subject.kind]))
    count = VALUE_COUNTS[comparison]
    pool = SAMPLE_VALUES.get(subject.kind, [])
    if count == 0:
        return Condition(subject.name, comparison)
    if count is None:
        values = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
    else:
        values = sorted(
            draw(st.lists(st.sampled_from(pool), min_size=count, max_size=count, unique=True)),
            key=lambda value: float(value) if subject.kind == "number" else value,
        )
    return Condition(subject.name, comparison, tuple(values))


rules = st.builds(
    Rule,
    combine=st.sampled_from(["all", "any"]),
    conditions=st.lists(conditions(), min_size=0, max_size=4).map(tuple),
)


@SETTINGS
@given(rules)
def test_every_rule_round_trips(rule):
    """Builder -> expression -> builder gives the rule back (in its canonical form)."""
    expression = expression_of(rule, SUBJECTS)
    back = rule_of(expression, SUBJECTS)
    assert back == canonical(rule, SUBJECTS)
    assert expression_of(back, SUBJECTS) == expression


@SETTINGS
@given(rules)
def test_every_written_rule_passes_the_checker(rule):
    """The expressions the builder writes are ones the logic checker accepts."""
    expression = expression_of(rule, SUBJECTS)
    if expression:
        assert (
            check(
                expression,
                known_names=CHECKER_TYPES,
                allow_current=True,
                current_type="integer",
            )
            == []
        )


@pytest.mark.parametrize(
    ("rule", "expression"),
    [
        (Rule("all", (Condition("help", "is", ("yes",)),)), "${help} = 'yes'"),
        (Rule("all", (Condition("help", "is_not", ("yes",)),)), "${help} != 'yes'"),
        (
            Rule("all", (Condition("help", "any_of", ("yes", "not_sure")),)),
            "${help} = 'yes' or ${help} = 'not_sure'",
        ),
        (
            Rule("all", (Condition("help", "none_of", ("yes", "not_sure")),)),
            "not(${help} = 'yes' or ${help} = 'not_sure')",
        ),
        (Rule("all", (Condition("services", "is", ("meals",)),)), "selected(${services}, 'meals')"),
        (
            Rule("all", (Condition("services", "is_not", ("meals",)),)),
            "not(selected(${services}, 'meals'))",
        ),
        (
            Rule("all", (Condition(CURRENT, "between", ("18", "120")),)),
            ". >= 18 and . <= 120",
        ),
        (
            Rule("all", (Condition("dob", "less_than", ("2000-01-01",)),)),
            "${dob} < '2000-01-01'",
        ),
        (Rule("all", (Condition("name", "contains", ("Ann",)),)), "contains(${name}, 'Ann')"),
        (Rule("all", (Condition("read", "answered"),)), "${read} != ''"),
        (
            Rule(
                "all",
                (
                    Condition("help", "any_of", ("yes", "not_sure")),
                    Condition("age", "at_least", ("-3",)),
                ),
            ),
            "(${help} = 'yes' or ${help} = 'not_sure') and ${age} >= -3",
        ),
        (
            Rule(
                "any",
                (
                    Condition("age", "between", ("18", "65")),
                    Condition("wake", "not_answered"),
                ),
            ),
            "${age} >= 18 and ${age} <= 65 or ${wake} = ''",
        ),
    ],
)
def test_the_expressions_the_builder_writes(rule, expression):
    """Each comparison is written the way the logic language says it."""
    assert expression_of(rule, SUBJECTS) == expression
    assert rule_of(expression, SUBJECTS) == rule


@pytest.mark.parametrize(
    "expression",
    [
        "${age} + 1 > 18",
        "count-selected(${services}) > 1",
        "${age} > 18 and (${help} = 'yes' or ${age} < 10)",
        "${help} = 'maybe'",  # not one of its answers
        "${name} > 'b'",  # text is not ordered by the builder
        "${nobody} = 'yes'",
        "regex(., '^[0-9]+$')",
        "not(${name} = 'Ann')",
        "${help} = 'yes' and",  # does not even parse
    ],
)
def test_expressions_the_builder_cannot_show(expression):
    """Anything else stays an expression, to be edited as text."""
    assert rule_of(expression, SUBJECTS) is None


def test_at_least_and_at_most_in_a_row_are_between_only_when_in_order():
    """ "At least 18, at most 65" reads back as "between"; "at least 65, at most 18" does not."""
    in_order = "${age} >= 18 and ${age} <= 65"
    assert rule_of(in_order, SUBJECTS) == Rule("all", (Condition("age", "between", ("18", "65")),))
    backwards = Rule(
        "all", (Condition("age", "at_least", ("65",)), Condition("age", "at_most", ("18",)))
    )
    assert rule_of(expression_of(backwards, SUBJECTS), SUBJECTS) == backwards


def test_an_empty_expression_is_a_rule_with_no_conditions():
    assert rule_of("  ", SUBJECTS) == Rule()
    assert expression_of(Rule("any", ()), SUBJECTS) == ""


@pytest.mark.parametrize(
    ("condition", "part", "message"),
    [
        (Condition("nobody", "is", ("yes",)), "subject", "Choose a question"),
        (Condition("age", "contains", ("1",)), "comparison", "Choose a comparison"),
        (Condition("age", "more_than", ()), "value", "Enter a value"),
        (Condition("age", "more_than", ("eighteen",)), "value", "Enter a number"),
        (Condition("dob", "equals", ("2001-02-29",)), "value", "real date"),
        (Condition("wake", "equals", ("25:00",)), "value", "24-hour clock"),
        (Condition("help", "is", ("maybe",)), "value", "question's answers"),
        (Condition("help", "any_of", ()), "value", "at least one answer"),
        (Condition("age", "between", ("65", "18")), "value", "smaller value first"),
        (Condition("age", "between", ("65",)), "value", "both values"),
        (Condition("name", "is", ('it\'s "x"',)), "value", "not both"),
    ],
)
def test_bad_conditions_are_explained(condition, part, message):
    """A condition that cannot be written says which part is wrong, in plain words."""
    with pytest.raises(ConditionError) as raised:
        expression_of(Rule("all", (Condition("age", "answered"), condition)), SUBJECTS)
    assert raised.value.index == 1
    assert raised.value.part == part
    assert message in raised.value.message


ANSWERS = {"help": "yes", "services": ["meals", "shopping"], "age": 30, "dob": "1990-05-01"}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Condition("help", "is", ("yes",)), True),
        (Condition("help", "is_not", ("yes",)), False),
        (Condition("help", "any_of", ("no", "yes")), True),
        (Condition("help", "none_of", ("no", "not_sure")), True),
        (Condition("services", "is", ("cleaning",)), False),
        (Condition("services", "is_not", ("cleaning",)), True),
        (Condition("services", "any_of", ("cleaning", "shopping")), True),
        (Condition("services", "none_of", ("cleaning", "shopping")), False),
        (Condition("age", "equals", ("30",)), True),
        (Condition("age", "more_than", ("30",)), False),
        (Condition("age", "at_least", ("30",)), True),
        (Condition("age", "less_than", ("30.5",)), True),
        (Condition("age", "at_most", ("29",)), False),
        (Condition("age", "between", ("18", "30")), True),
        (Condition("dob", "more_than", ("1990-04-30",)), True),
        (Condition("dob", "between", ("1991-01-01", "1999-12-31")), False),
        (Condition("wake", "answered"), False),
        (Condition("wake", "not_answered"), True),
        (Condition("age", "answered"), True),
        (Condition("age", "not_answered"), False),
        (Condition("name", "is_not", ("Ann",)), True),
    ],
)
def test_written_rules_work_out_as_meant(condition, expected):
    """The server's evaluator gives each condition the meaning its words say."""
    expression = expression_of(Rule("all", (condition,)), SUBJECTS)
    assert evaluate(expression, ANSWERS, today=date(2030, 1, 1)) is expected


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"wake": "06:15", "name": "Ann Jones"}, True),
        ({"wake": "10:00", "name": "Ann Jones"}, False),
        ({"wake": "06:15", "name": "Bob"}, False),
    ],
)
def test_times_and_text(answers, expected):
    """Times compare on the 24-hour clock; "contains" finds words inside an answer."""
    rule = Rule(
        "all",
        (Condition("wake", "less_than", ("09:30",)), Condition("name", "contains", ("Ann",))),
    )
    assert evaluate(expression_of(rule, SUBJECTS), answers, today=date(2030, 1, 1)) is expected


def test_a_constraint_on_the_answer_itself():
    """ "Between 18 and 120" for the answer being checked."""
    rule = Rule("all", (Condition(CURRENT, "between", ("18", "120")),))
    expression = expression_of(rule, SUBJECTS)
    assert evaluate(expression, {}, current=18, today=date(2030, 1, 1)) is True
    assert evaluate(expression, {}, current=121, today=date(2030, 1, 1)) is False
