"""Rules in plain words: what a relevance, constraint or calculation means, from the labels.

``read_rule("${gets_help} = 'yes'", role=Role.RELEVANCE, questions=lookup)`` gives
"Only asked if the answer to “Do you get help at home?” is “Yes”." The group decides on
rules without reading code: choice values and short names never appear in a reading (a
choice is named by its label, a question by its label, `.` is "the answer").

**Call** ``read_rule(expression, *, role, questions, current=None) -> Reading``:

- `role` (:class:`Role`, or its value) says what the rule is for: relevance, section
  relevance, constraint, required_if, calculation or repeat_count. It picks the sentence
  ("Only asked if …", "The answer must …", "Must be answered if …", "Worked out as …",
  "Repeated … times").
- `questions` maps each question's name to a :class:`QuestionInfo` (label in the reader's
  language, type, choices by value); build it from a questionnaire with
  :func:`question_lookup`, once per page.
- `current` is the question the rule belongs to, so that a constraint's `.` knows its
  choices and type.

**Result** :class:`Reading`: `text` is the sentence to show; `complete` is True when the
sentence says everything the expression does. When it is False the sentence is a clear
fallback ("Only asked when a check the tablet makes is true.") or says a part only roughly
(a pattern), and the page must show the expression beside it. `readable` is False only
when the expression has a mistake and cannot be read at all ("This rule has a mistake…").
`expression` is the rule as written. Reading never raises for any text.

Sentence frames go through Flask-Babel's `gettext`, so they follow the interface language;
the labels come in whichever language the lookup was built for (the reader's interface
language when the questionnaire has it, else its main language).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from .ast import Call, Current, Node, Number
from .errors import LogicSyntaxError
from .parser import parse
from .wording import Claim, Reader
from .wording_values import QuestionInfo, TooComplex, quoted

# A sentence longer than this is no longer easy to follow: say it the short way.
LONGEST_READING = 400


class Role(enum.StrEnum):
    """What a rule is for; each has its own sentence."""

    RELEVANCE = "relevance"
    SECTION_RELEVANCE = "section_relevance"
    CONSTRAINT = "constraint"
    REQUIRED_IF = "required_if"
    CALCULATION = "calculation"
    REPEAT_COUNT = "repeat_count"


@dataclass(frozen=True)
class Reading:
    """A rule in plain words. See the module docstring."""

    expression: str
    text: str
    complete: bool
    readable: bool = True


def read_rule(
    expression: str,
    *,
    role: Role | str,
    questions: Mapping[str, QuestionInfo],
    current: QuestionInfo | None = None,
) -> Reading:
    """Say a rule in plain words from the questionnaire's labels; never raises."""
    role = Role(role)
    try:
        node = parse(expression)
    except (LogicSyntaxError, TypeError):
        return Reading(
            expression, _("This rule has a mistake, so it cannot be read."), False, False
        )
    reader = Reader(questions, current)
    try:
        text = _SENTENCES[role](reader, node)
    except (TooComplex, KeyError, IndexError, ValueError):
        text = None
    if text is None or len(text) > LONGEST_READING:
        return Reading(expression, _fallback(role, node, questions), complete=False)
    return Reading(expression, text, reader.complete)


def _constant(node: Node) -> bool | None:
    """Return True or False for `true()` or `false()`, else None."""
    if isinstance(node, Call) and node.name in ("true", "false") and not node.args:
        return node.name == "true"
    return None


def _condition(reader: Reader, node: Node) -> str:
    return reader.condition_text(node)


def _relevance(reader: Reader, node: Node) -> str:
    always = _constant(node)
    if always is not None:
        return _("Always asked.") if always else _("Never asked.")
    return _("Only asked if %(condition)s.", condition=_condition(reader, node))


def _section_relevance(reader: Reader, node: Node) -> str:
    always = _constant(node)
    if always is not None:
        return _("This section is always asked.") if always else _("This section is never asked.")
    return _("This section is only asked if %(condition)s.", condition=_condition(reader, node))


def _required_if(reader: Reader, node: Node) -> str:
    always = _constant(node)
    if always is not None:
        return _("Must always be answered.") if always else _("Never has to be answered.")
    return _("Must be answered if %(condition)s.", condition=_condition(reader, node))


def _constraint(reader: Reader, node: Node) -> str:
    always = _constant(node)
    if always is not None:
        return _("Any answer is accepted.") if always else _("No answer is accepted.")
    condition = reader.condition(node)
    if isinstance(condition, Claim) and isinstance(condition.key, Current):
        return _("The answer must %(rule)s.", rule=condition.predicate_text(must=True))
    return _("The answer is accepted only if %(condition)s.", condition=reader.condition_text(node))


def _calculation(reader: Reader, node: Node) -> str:
    return _("Worked out as %(value)s.", value=reader.values.value(node))


def _repeat_count(reader: Reader, node: Node) -> str:
    if isinstance(node, Number) and node.value.is_integer() and node.value >= 0:
        count = int(node.value)
        return ngettext("Repeated %(num)d time.", "Repeated %(num)d times.", count)
    return _("Repeated as many times as %(value)s.", value=reader.values.value(node))


_SENTENCES = {
    Role.RELEVANCE: _relevance,
    Role.SECTION_RELEVANCE: _section_relevance,
    Role.CONSTRAINT: _constraint,
    Role.REQUIRED_IF: _required_if,
    Role.CALCULATION: _calculation,
    Role.REPEAT_COUNT: _repeat_count,
}


def _fallback(role: Role, node: Node, questions: Mapping[str, QuestionInfo]) -> str:
    """Say what a rule is for when it is too complex to say well, and whose answers it uses."""
    sentence = {
        Role.RELEVANCE: _("Only asked when a check the tablet makes is true."),
        Role.SECTION_RELEVANCE: _(
            "This section is only asked when a check the tablet makes is true."
        ),
        Role.CONSTRAINT: _("The answer must pass a check the tablet makes."),
        Role.REQUIRED_IF: _("Must be answered when a check the tablet makes is true."),
        Role.CALCULATION: _("Worked out by the tablet with a formula."),
        Role.REPEAT_COUNT: _("Repeated as many times as a formula the tablet works out."),
    }[role]
    from . import references  # the package's walk; imported here as the package imports us

    labels = [
        quoted(questions[name].label)
        for name in sorted(references(node))
        if name in questions and questions[name].label.strip()
    ]
    if not labels:
        return sentence
    used = (
        labels[0]
        if len(labels) == 1
        else _("%(rest)s and %(last)s", rest=", ".join(labels[:-1]), last=labels[-1])
    )
    return _(
        "%(sentence)s It uses the answers to %(questions)s.", sentence=sentence, questions=used
    )


# Building the lookup ---------------------------------------------------------------------


def question_lookup(definition: Any, language: str | None = None) -> dict[str, QuestionInfo]:
    """Return every question of a `FormDefinition` by name, with labels in one language.

    `language` is the reader's language; when the questionnaire does not have it, its main
    language is used. A text missing in that language falls back to the main language.
    Sections are included (by their titles) so that a rule naming one still reads.
    """
    codes = [lang.code for lang in definition.languages]
    main = codes[0] if codes else ""
    chosen = _matching_language(language, codes) or main
    lookup: dict[str, QuestionInfo] = {}
    for item, _parents in definition.walk():
        kind = getattr(item, "type", None)
        type_value = str(getattr(kind, "value", kind or ""))
        choices = {
            choice.name: _in(choice.label, chosen, main) or choice.name
            for choice in getattr(item, "choices", ())
        }
        if type_value == "yes_no" and not choices:
            choices = {"yes": _("Yes"), "no": _("No")}
        lookup[item.name] = QuestionInfo(_in(item.label, chosen, main), type_value, choices)
    return lookup


def reading_language(definition: Any, language: str | None) -> str:
    """Return the questionnaire language to read labels in for a reader's interface language."""
    codes = [lang.code for lang in definition.languages]
    return _matching_language(language, codes) or (codes[0] if codes else "")


def _matching_language(language: str | None, codes: list[str]) -> str | None:
    """Find the reader's language among the questionnaire's ("cy" matches "cy-GB" too)."""
    if not language:
        return None
    wanted = language.replace("_", "-").casefold()
    for code in codes:
        if code.casefold() == wanted:
            return code
    base = wanted.split("-")[0]
    return next((code for code in codes if code.casefold().split("-")[0] == base), None)


def _in(texts: Mapping[str, str], language: str, main: str) -> str:
    return texts.get(language) or texts.get(main) or ""


__all__ = ["QuestionInfo", "Reading", "Role", "question_lookup", "read_rule", "reading_language"]
