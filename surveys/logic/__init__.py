"""The questionnaire logic language: the XLSForm expression subset, read and worked out in Python.

Relevance ("ask this when"), constraints, calculations and required-ness are written as in
XLSForm: ``${age} >= 18 and selected(${services}, 'home_care')``. The same grammar is
evaluated on the tablet by ``peer_research/static/js/logic.js``; both run the shared vectors in
``tests/surveys/logic_vectors.json`` and must give identical results.

**Grammar.** ``${name}`` is another question's answer (names start with a letter or ``_`` and
hold letters, digits, ``_``, ``-`` and ``.``); ``.`` is the answer being checked. Numbers are
written ``12``, ``1.5`` or ``.5`` (no exponents), text in single or double quotes (no escapes).
Operators, loosest first: ``or``; ``and``; ``=`` ``!=``; ``<`` ``<=`` ``>`` ``>=``; ``+`` ``-``;
``*`` ``div`` ``mod``; unary ``-``. All are left-associative; brackets group. Functions:
selected, count-selected, selected-at, string-length, regex, if, coalesce, concat, today, date,
int, number, round, floor, ceiling, abs, min, max, true, false, not, boolean, string,
boolean-from-string, contains, starts-with, ends-with, substr, normalize-space. An expression
may use 2,000 characters (not counting spaces), 100 brackets inside each other and 200 steps
inside each other; beyond that it is refused with a plain message.

**Values.** There are three kinds: text, numbers (floats) and true/false. An unanswered question
is ``''``; a select-multiple answer (a list, or text like ``'a b'``) is its choices joined by
spaces; numbers and true/false answers keep their kind. Conversions follow XPath: text becomes a
number only when it looks like one (``' 12 '``, ``'-1.5'``) or is a ``YYYY-MM-DD`` date (days
since 1970-01-01, so ``today() - ${dob}`` counts days), otherwise NaN; non-empty text and
numbers other than 0 and NaN are true. Numbers print without exponents and without a trailing
``.0`` (``3``, ``0.1``, ``NaN``, ``Infinity``).

**Operators.** ``=`` and ``!=`` compare as true/false when either side is true/false, else as
numbers when either side is a number, else as text (so ``${age} = ''`` is true only while
unanswered). ``<`` and friends compare numbers; two texts are compared as numbers (or dates)
when both look like one, and otherwise in Unicode code-point order (ISO dates and times sort
correctly); an empty text side makes the comparison false. Arithmetic turns both sides into
numbers, so an empty answer gives NaN and ``${age} > 18`` is false until answered.
``div`` by zero gives Infinity or NaN; ``mod`` keeps the sign of the left side.

**Functions.** ``int`` cuts towards zero; ``round(x)`` and ``round(x, places)`` round the
number as written (its shortest decimal digits) with halves away from zero, so
``round(-2.5)`` is -3 and ``round(1.005, 2)`` is 1.01. ``regex(text, pattern)`` searches (it
matches anywhere unless the pattern uses ``^`` and ``$``, as in ODK) with a pattern subset that
means the same in Python and JavaScript: see :mod:`surveys.logic.regex`. ``string-length`` and
``substr`` (0-based, end excluded) count Unicode characters. ``today()`` is ``'YYYY-MM-DD'``:
pass ``today=`` to :func:`evaluate` (the server passes the interview's date).
``if`` and ``coalesce`` work out only the values they need.

**API.** :func:`parse` (raises :class:`LogicSyntaxError` with ``position``, ``expected`` and
``message``), :func:`to_source` (canonical text; ``parse(to_source(tree)) == tree``),
:func:`evaluate`, :func:`references`, :func:`check` (a list of :class:`LogicProblem`) and
:func:`find_cycles`; :func:`read_rule` says a rule in plain words from the questionnaire's
labels (:mod:`surveys.logic.reading`). :class:`LogicEvaluationError` is raised when an
expression that parses cannot be worked out (an unknown function, a bad pattern).
"""

from __future__ import annotations

from .ast import Binary, Call, Current, Negate, Node, Number, Reference, String
from .builder import (
    COMPARISONS,
    CURRENT,
    Condition,
    ConditionError,
    Rule,
    Subject,
    expression_of,
    rule_of,
)
from .check import LogicProblem, check
from .cycles import describe_cycle, find_cycles
from .errors import LogicEvaluationError, LogicSyntaxError
from .evaluate import evaluate
from .parser import parse
from .printer import to_source
from .reading import QuestionInfo, Reading, question_lookup, read_rule, reading_language
from .reading import Role as RuleRole
from .values import Value, to_boolean, to_number, to_string


def references(expression: str | Node) -> set[str]:
    """Return the names of the questions an expression uses through ``${...}``."""
    names: set[str] = set()
    pending = [parse(expression) if isinstance(expression, str) else expression]
    while pending:
        node = pending.pop()
        if isinstance(node, Reference):
            names.add(node.name)
        elif isinstance(node, Negate):
            pending.append(node.operand)
        elif isinstance(node, Binary):
            pending.extend((node.left, node.right))
        elif isinstance(node, Call):
            pending.extend(node.args)
    return names


__all__ = [
    "COMPARISONS",
    "CURRENT",
    "Binary",
    "Call",
    "Condition",
    "ConditionError",
    "Current",
    "LogicEvaluationError",
    "LogicProblem",
    "LogicSyntaxError",
    "Negate",
    "Node",
    "Number",
    "QuestionInfo",
    "Reading",
    "Reference",
    "Rule",
    "RuleRole",
    "String",
    "Subject",
    "Value",
    "check",
    "describe_cycle",
    "evaluate",
    "expression_of",
    "find_cycles",
    "parse",
    "question_lookup",
    "read_rule",
    "reading_language",
    "references",
    "rule_of",
    "to_boolean",
    "to_number",
    "to_source",
    "to_string",
]
