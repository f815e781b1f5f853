"""The condition builder: rules made of simple conditions, written in the logic language.

A rule is a list of conditions joined by "all of" (`and`) or "any of" (`or`). Each condition
names a question (or `.`, the answer being checked, in a constraint), a comparison that fits
the kind of question, and values (:mod:`surveys.logic.conditions`). :func:`expression_of`
writes a rule in the logic language, so the server's and the tablet's evaluators stay the one
source of truth; :func:`rule_of` reads an expression back into a rule when it has one of the
shapes the builder writes, and returns None ("the builder cannot show this") otherwise.

Some rules can be written in two ways ("any of: is Yes, is Maybe" and "is any of Yes, Maybe"
give the same expression); :func:`canonical` says which one the builder reads back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from .ast import Binary, Call, Current, Negate, Node, Number, Reference, String
from .conditions import (
    ANSWERED,
    COMPARISONS,
    CURRENT,
    VALUE_COUNTS,
    Condition,
    ConditionError,
    Rule,
    Subject,
    order_key,
    value_problem,
)
from .errors import LogicSyntaxError
from .parser import parse
from .printer import to_source

_ORDER_OPERATORS = {
    "equals": "=", "more_than": ">", "less_than": "<", "at_least": ">=", "at_most": "<=",
}  # fmt: skip
_OPERATOR_COMPARISONS = {operator: name for name, operator in _ORDER_OPERATORS.items()}
_COMBINE_OPERATORS = {"all": "and", "any": "or"}

__all__ = [
    "COMPARISONS",
    "CURRENT",
    "VALUE_COUNTS",
    "Condition",
    "ConditionError",
    "Rule",
    "Subject",
    "canonical",
    "expression_of",
    "rule_of",
    "value_problem",
]

# Writing ---------------------------------------------------------------------------------


def expression_of(rule: Rule, subjects: Mapping[str, Subject]) -> str:
    """Return a rule written in the logic language ('' for no conditions).

    Raises ConditionError for an unknown question, a comparison that does not fit it, or a
    value missing or of the wrong kind.
    """
    if rule.combine not in _COMBINE_OPERATORS:
        raise ValueError(f"combine is 'all' or 'any', not {rule.combine!r}")
    operator = _COMBINE_OPERATORS[rule.combine]
    nodes = [
        part
        for index, condition in enumerate(rule.conditions)
        # "a or (b or c)" is "a or b or c": written flat, as the parser reads it back.
        for part in _split(_condition_node(condition, subjects, index), operator)
    ]
    if not nodes:
        return ""
    return to_source(_join(operator, nodes))


def _join(operator: str, nodes: list[Node]) -> Node:
    """Join nodes left to right with `and` or `or`."""
    joined = nodes[0]
    for node in nodes[1:]:
        joined = Binary(operator, joined, node)
    return joined


def _condition_node(condition: Condition, subjects: Mapping[str, Subject], index: int) -> Node:
    """Return the tree of one condition, checking it fits its question."""
    condition = _one_value(condition)
    subject = subjects.get(condition.subject)
    if subject is None:
        raise ConditionError(index, "subject", "Choose a question from the list.")
    if condition.comparison not in COMPARISONS[subject.kind]:
        raise ConditionError(index, "comparison", "Choose a comparison from the list.")
    values = _checked_values(condition, subject, index)
    target: Node = Current() if subject.name == CURRENT else Reference(subject.name)
    comparison = condition.comparison
    if comparison in ANSWERED:
        return Binary("!=" if comparison == "answered" else "=", target, String(""))
    if comparison == "between":
        low, high = (_literal(value, subject.kind) for value in values)
        return Binary("and", Binary(">=", target, low), Binary("<=", target, high))
    if comparison in _ORDER_OPERATORS:
        return Binary(_ORDER_OPERATORS[comparison], target, _literal(values[0], subject.kind))
    if comparison == "contains":
        return Call("contains", (target, String(values[0])))
    if subject.kind == "text":
        return Binary("=" if comparison == "is" else "!=", target, String(values[0]))
    return _choice_node(comparison, target, values, subject.kind)


def _choice_node(comparison: str, target: Node, values: tuple[str, ...], kind: str) -> Node:
    """Return is / is not / any of / none of for a question with choices."""
    if kind == "one_choice" and comparison in ("is", "is_not"):
        return Binary("=" if comparison == "is" else "!=", target, String(values[0]))
    picks = [_picked(target, value, kind) for value in values]
    if comparison == "is_not":
        return Call("not", (picks[0],))
    chosen = _join("or", picks)
    return Call("not", (chosen,)) if comparison == "none_of" else chosen


def _picked(target: Node, value: str, kind: str) -> Node:
    """Return "this choice was picked": `= 'x'` for one choice, selected() for several."""
    if kind == "one_choice":
        return Binary("=", target, String(value))
    return Call("selected", (target, String(value)))


def _literal(value: str, kind: str) -> Node:
    """Return a number, or a date or time in quotes."""
    if kind == "number":
        return Negate(Number(value[1:])) if value.startswith("-") else Number(value)
    return String(value)


def _checked_values(condition: Condition, subject: Subject, index: int) -> tuple[str, ...]:
    """Return the condition's values, trimmed, or raise what is wrong with them."""
    values = tuple(value.strip() for value in condition.values if value.strip())
    wanted = VALUE_COUNTS[condition.comparison]
    if wanted == 0:
        return ()
    if len(values) < (wanted or 1):
        message = "Choose at least one answer." if subject.choices else "Enter a value."
        if condition.comparison == "between":
            message = "Enter both values."
        raise ConditionError(index, "value", message)
    if wanted is not None and len(values) > wanted:
        message = "Choose only one answer." if subject.choices else "Enter only one value."
        raise ConditionError(index, "value", message)
    for value in values:
        problem = value_problem(value, subject)
        if problem:
            raise ConditionError(index, "value", problem)
    if condition.comparison == "between" and order_key(values[0], subject.kind) > order_key(
        values[1], subject.kind
    ):
        raise ConditionError(index, "value", "Put the smaller value first.")
    return values


# Reading ---------------------------------------------------------------------------------


def rule_of(expression: str, subjects: Mapping[str, Subject]) -> Rule | None:
    """Return the rule an expression says, or None when the builder cannot show it.

    An empty expression is a rule with no conditions. The rule is canonical and its
    expression is the one given (up to spaces and brackets).
    """
    if not expression.strip():
        return Rule()
    try:
        tree = parse(expression)
    except LogicSyntaxError:
        return None
    for combine, operator in (("all", "and"), ("any", "or")):
        parts = _split(tree, operator)
        if len(parts) < 2:
            continue
        conditions = [_condition_of(part, subjects) for part in parts]
        if all(conditions):
            rule = canonical(Rule(combine, tuple(conditions)), subjects)  # type: ignore[arg-type]
            if _writes_back(rule, subjects, tree):
                return rule
    condition = _condition_of(tree, subjects)
    if condition is None:
        return None
    rule = canonical(Rule("all", (condition,)), subjects)
    return rule if _writes_back(rule, subjects, tree) else None


def _writes_back(rule: Rule, subjects: Mapping[str, Subject], tree: Node) -> bool:
    """Tell whether a rule writes exactly the tree it was read from (so nothing is lost)."""
    try:
        return parse(expression_of(rule, subjects)) == tree
    except ConditionError:
        return False


def _split(node: Node, operator: str) -> list[Node]:
    """Return the parts of a left-leaning chain of one operator."""
    if isinstance(node, Binary) and node.op == operator:
        return [*_split(node.left, operator), node.right]
    return [node]


def _condition_of(node: Node, subjects: Mapping[str, Subject]) -> Condition | None:
    """Return the condition a tree says, or None if it is not one the builder writes."""
    if isinstance(node, Call) and node.name == "not" and len(node.args) == 1:
        inner = _condition_of(node.args[0], subjects)
        if inner and inner.comparison in ("is", "any_of"):
            if inner.comparison == "is" and _is_selected_call(node.args[0]):
                return replace(inner, comparison="is_not")
            return replace(inner, comparison="none_of")
        return None
    if isinstance(node, Call):
        return _call_condition(node)
    if not isinstance(node, Binary):
        return None
    if node.op == "and":
        low, high = _order_condition(node.left, subjects), _order_condition(node.right, subjects)
        pair = (low.comparison, high.comparison) if low and high else ()
        if pair == ("at_least", "at_most") and low.subject == high.subject:  # type: ignore[union-attr]
            return Condition(low.subject, "between", (*low.values, *high.values))  # type: ignore[union-attr]
        return None
    if node.op == "or":
        picks = [_condition_of(part, subjects) for part in _split(node, "or")]
        if all(pick and pick.comparison == "is" for pick in picks):
            names = {pick.subject for pick in picks}  # type: ignore[union-attr]
            if len(names) == 1:
                values = tuple(pick.values[0] for pick in picks)  # type: ignore[union-attr]
                return Condition(names.pop(), "any_of", values)
        return None
    return _order_condition(node, subjects) or _equality_condition(node, subjects)


def _subject_name(node: Node) -> str | None:
    """Return the name a condition is about (`.` for the answer itself), if it is one."""
    if isinstance(node, Reference):
        return node.name
    return CURRENT if isinstance(node, Current) else None


def _is_selected_call(node: Node) -> bool:
    """Tell whether a tree is selected(question, 'choice')."""
    return isinstance(node, Call) and node.name == "selected"


def _call_condition(node: Call) -> Condition | None:
    """Return selected(${q}, 'x') as "is x" and contains(${q}, 'x') as "contains x"."""
    if node.name not in ("selected", "contains") or len(node.args) != 2:
        return None
    name, value = _subject_name(node.args[0]), node.args[1]
    if name is None or not isinstance(value, String):
        return None
    return Condition(name, "is" if node.name == "selected" else "contains", (value.value,))


def _order_condition(node: Node, subjects: Mapping[str, Subject]) -> Condition | None:
    """Return `${q} > 5`, `. <= '2030-01-01'` and friends, for numbers, dates and times."""
    if not isinstance(node, Binary) or node.op not in _OPERATOR_COMPARISONS:
        return None
    name = _subject_name(node.left)
    subject = subjects.get(name or "")
    if subject is None or subject.kind not in ("number", "date", "time"):
        return None
    value = _literal_text(node.right, subject.kind)
    if value is None:
        return None
    return Condition(subject.name, _OPERATOR_COMPARISONS[node.op], (value,))


def _literal_text(node: Node, kind: str) -> str | None:
    """Return the text of a number (maybe negative) or of a date or time in quotes."""
    if kind == "number":
        if isinstance(node, Negate) and isinstance(node.operand, Number):
            return "-" + node.operand.text
        return node.text if isinstance(node, Number) else None
    return node.value if isinstance(node, String) and node.value else None


def _equality_condition(node: Binary, subjects: Mapping[str, Subject]) -> Condition | None:
    """Return `= ''`, `!= ''` (answered or not) and `= 'x'`, `!= 'x'` (is, is not)."""
    if node.op not in ("=", "!="):
        return None
    name = _subject_name(node.left)
    if name not in subjects or not isinstance(node.right, String):
        return None
    if node.right.value == "":
        return Condition(name, "not_answered" if node.op == "=" else "answered")
    return Condition(name, "is" if node.op == "=" else "is_not", (node.right.value,))


# The one way to say it -------------------------------------------------------------------


def canonical(rule: Rule, subjects: Mapping[str, Subject]) -> Rule:
    """Return the way the builder reads a rule back from its expression.

    One value of "any of" is "is" (and of "none of", "is not" for several choices); one
    condition is an "all of" rule; in an "any of" rule, conditions "is" in a row about the
    same question become one "any of"; in an "all of" rule, "at least" then "at most" of
    the same question become "between".
    """
    conditions = [_one_value(condition) for condition in rule.conditions]
    merged: list[Condition] = []
    for condition in conditions:
        previous = merged[-1] if merged else None
        if previous and previous.subject == condition.subject:
            if rule.combine == "any" and _may_merge_choices(previous, condition, subjects):
                values = (*previous.values, *condition.values)
                merged[-1] = Condition(condition.subject, "any_of", values)
                continue
            if rule.combine == "all" and _makes_between(previous, condition, subjects):
                values = (*previous.values, *condition.values)
                merged[-1] = Condition(condition.subject, "between", values)
                continue
        merged.append(condition)
    merged = [_one_value(condition) for condition in merged]
    return Rule("all" if len(merged) < 2 else rule.combine, tuple(merged))


def _makes_between(
    previous: Condition, condition: Condition, subjects: Mapping[str, Subject]
) -> bool:
    """Tell whether "at least" then "at most" of one question say "between" (low to high)."""
    if (previous.comparison, condition.comparison) != ("at_least", "at_most"):
        return False
    kind = subjects[condition.subject].kind
    try:
        low, high = (order_key(c.values[0], kind) for c in (previous, condition))
    except (ValueError, IndexError):
        return False
    return low <= high


def _may_merge_choices(
    previous: Condition, condition: Condition, subjects: Mapping[str, Subject]
) -> bool:
    """Tell whether two conditions in a row are "is" or "any of" one question with choices."""
    subject = subjects.get(condition.subject)
    kinds = ("one_choice", "many_choices")
    positive = {previous.comparison, condition.comparison} <= {"is", "any_of"}
    return positive and subject is not None and subject.kind in kinds


def _one_value(condition: Condition) -> Condition:
    """Return "any of" one value as "is", "none of" one value as "is not"."""
    if len(condition.values) == 1 and condition.comparison in ("any_of", "none_of"):
        comparison = "is" if condition.comparison == "any_of" else "is_not"
        return replace(condition, comparison=comparison)
    return condition
