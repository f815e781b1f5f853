"""Check one interview again on the server, with the Python evaluator, and make its rows.

The tablet checked every answer as it was given; the server checks again, because the
tablet's copy of the rules may be old or tampered with. In the questionnaire's order:

1. Sizes were capped by the schema; here each answer is also capped in bytes, before any
   logic runs.
2. Every answer must belong to a question of the version, of the right type (choices among
   the question's choices, dates and times well formed).
3. Relevance: an answer to a question that was not asked (its own rule or a section's was
   false) is dropped, and the drop is recorded with the reason.
4. Calculations are worked out again; the server's value is stored (a different value sent
   by the tablet is recorded as replaced).
5. Required answers and constraints. A stopped interview (the distress protocol) is partial:
   required answers are checked only before its last answered question.
6. Repeats: a repeat with a count rule must have that many items (at most, when stopped).

Problems are plain sentences; an interview with any goes to the quarantine. Nested repeats
(a repeat inside a repeat) are not sent by the tablet's format: answers there are refused.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from surveys import definition as d
from surveys import logic
from surveys.fielding import limits
from surveys.fielding.schemas import InterviewIn
from surveys.logic.values import answer_value, date_to_days
from surveys.rendering import ACKNOWLEDGED, OTHER

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?")
TEXT_TYPES = frozenset({d.QuestionType.TEXT, d.QuestionType.LONG_TEXT})
SINGLE_CHOICE = frozenset({d.QuestionType.SELECT_ONE, d.QuestionType.YES_NO, d.QuestionType.RATING})
LIST_TYPES = frozenset({d.QuestionType.SELECT_MULTIPLE, d.QuestionType.RANKING})


@dataclass
class Checked:
    """What the check found: the rows to store, what was dropped, and the problems."""

    rows: list[tuple[str, str]] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class _Scope:
    """Where questions are being checked: the top level or one item of a repeat."""

    answers: dict[str, Any]  # what the tablet sent here (plain values)
    values: dict[str, Any]  # what the logic sees: outer answers plus these, once checked
    prefix: str  # "" or "section[2]/"
    label: str  # for messages: "" or " (item 2 of 'helpers')"


def check_interview(definition: d.FormDefinition, interview: InterviewIn) -> Checked:
    """Check an interview against its version; return its rows, drops and problems."""
    checked = Checked()
    questions = {question.name: question for question in definition.questions()}
    _check_names(definition, interview, questions, checked)
    if checked.problems:
        return checked
    order = {item.name: place for place, (item, _parents) in enumerate(definition.walk())}
    run = _Run(
        interview, checked, interview.started_at.date(), order, _stop_point(order, interview)
    )
    run.items(definition.items, _Scope(dict(interview.answers), {}, "", ""), ())
    return checked


def _check_names(definition, interview: InterviewIn, questions, checked: Checked) -> None:
    """Refuse answers to questions the version does not have, or in the wrong place."""
    repeat_of = _repeat_sections(definition)
    for key in interview.answers:
        name = key.removesuffix(":other")
        if name not in questions:
            checked.problems.append(
                f"An answer was sent for '{name}', which this version does not ask."
            )
        elif repeat_of.get(name):
            checked.problems.append(f"'{name}' is asked in a repeat, but was sent outside it.")
    for section_name, items in interview.repeats.items():
        section = definition.find(section_name)
        if not isinstance(section, d.Section) or not section.repeat:
            checked.problems.append(f"'{section_name}' is not a repeat of this version.")
            continue
        for number, item in enumerate(items, start=1):
            for key in item:
                name = key.removesuffix(":other")
                if repeat_of.get(name) != section_name:
                    checked.problems.append(
                        f"Item {number} of '{section_name}' has an answer for '{name}', "
                        "which that repeat does not ask."
                    )


def _repeat_sections(definition: d.FormDefinition) -> dict[str, str | None]:
    """Return, for each question, the repeat section it sits in directly (or None).

    A question inside a repeat inside a repeat maps to "" (the format cannot carry it).
    """
    found: dict[str, str | None] = {}
    for item, parents in definition.walk():
        if isinstance(item, d.Question):
            repeats = [parent.name for parent in parents if parent.repeat]
            found[item.name] = None if not repeats else (repeats[0] if len(repeats) == 1 else "")
    return found


def _stop_point(order: dict[str, int], interview: InterviewIn) -> int | None:
    """Return the place (in order) of the last answered question of a stopped interview."""
    if interview.status != "stopped":
        return None
    answered = set(interview.answers) | set(interview.repeats)
    for items in interview.repeats.values():
        for item in items:
            answered |= set(item)
    places = [order[name] for name in answered if name in order]
    return max(places, default=-1)


@dataclass
class _Run:
    """One interview being checked: what it sent, the results, and its date."""

    interview: InterviewIn
    checked: Checked
    today: date
    order: dict[str, int]  # each item's place in the questionnaire
    stop_at: int | None  # the place of the last answer of a stopped interview

    def items(self, items, scope: _Scope, parents) -> None:
        """Check the items of one level, in order, inside sections too."""
        for item in items:
            if isinstance(item, d.Section):
                self.section(item, scope, parents)
            else:
                self.question(item, scope, parents)

    def holds(
        self, expression: str, scope: _Scope, name: str, *, default: bool, current=None
    ) -> bool:
        """Work out a rule; one that cannot be worked out is a problem (and counts as false)."""
        if not expression:
            return default
        try:
            value = logic.evaluate(expression, scope.values, current, today=self.today)
        except (logic.LogicEvaluationError, logic.LogicSyntaxError, RecursionError) as error:
            self.checked.problems.append(
                f"The rule of '{name}'{scope.label} could not be checked: {error}."
            )
            return False
        return logic.to_boolean(value)

    def section(self, section: d.Section, scope: _Scope, parents) -> None:
        """Check a section: its relevance, then its questions (once per item of a repeat)."""
        relevant = self.holds(section.relevance, scope, section.name, default=True)
        if not section.repeat:
            self.items(section.items, scope, (*parents, relevant))
            return
        if scope.prefix:  # a repeat inside a repeat: the format has no place for its answers
            return
        items = self.interview.repeats.get(section.name, [])
        if not (relevant and all(parents)):
            if items:
                self.checked.dropped.append({"question": section.name, "reason": "not asked"})
            return
        self.repeat_count(section, scope, len(items))
        for number, answers in enumerate(items, start=1):
            inner = _Scope(
                dict(answers),
                dict(scope.values),
                f"{section.name}[{number}]/",
                f" (item {number} of '{section.name}')",
            )
            self.items(section.items, inner, (*parents, True))

    def repeat_count(self, section: d.Section, scope: _Scope, count: int) -> None:
        """Check a repeat has as many items as its count rule says (at most that, if stopped)."""
        if not section.repeat_count:
            return
        try:
            value = logic.evaluate(section.repeat_count, scope.values, today=self.today)
        except (logic.LogicEvaluationError, logic.LogicSyntaxError) as error:
            self.checked.problems.append(
                f"The number of items of '{section.name}' could not be worked out: {error}."
            )
            return
        wanted = logic.to_number(value)
        if not math.isfinite(wanted):
            return
        stopped = self.interview.status == "stopped"
        if count > int(wanted) or (count < int(wanted) and not stopped):
            self.checked.problems.append(
                f"'{section.name}' should have {int(wanted)} items, but {count} were sent."
            )

    def question(self, question: d.Question, scope: _Scope, parents) -> None:
        """Check one question's answer and add its rows."""
        key = scope.prefix + question.name
        sent = scope.answers.get(question.name)
        other = scope.answers.get(question.name + ":other")
        if question.type in d.ANSWERLESS_TYPES:
            if sent is not None:
                self.checked.dropped.append({"question": key, "reason": "a note takes no answer"})
            return
        asked = all(parents) and self.holds(question.relevance, scope, question.name, default=True)
        if not asked:
            if sent is not None or other is not None:
                self.checked.dropped.append({"question": key, "reason": "not asked"})
            scope.values[question.name] = None
            return
        if question.type == d.QuestionType.CALCULATE:
            sent = self.calculate(question, scope, key, sent)
        elif sent is not None or other is not None:
            problem = _type_problem(question, sent, other)
            if problem:
                self.checked.problems.append(
                    f"The answer to '{question.name}'{scope.label} {problem}."
                )
                return
        scope.values[question.name] = _logic_value(question, sent)
        self.rules(question, scope, sent)
        if sent is not None:
            self.checked.rows.extend(_rows(question, key, sent, other))

    def calculate(self, question: d.Question, scope: _Scope, key: str, sent):
        """Work a calculation out again; record when the tablet's value differed."""
        try:
            value = (
                logic.evaluate(question.calculation, scope.values, today=self.today)
                if question.calculation
                else ""
            )
        except (logic.LogicEvaluationError, logic.LogicSyntaxError) as error:
            self.checked.problems.append(
                f"'{question.name}'{scope.label} could not be worked out: {error}."
            )
            return None
        text = logic.to_string(value)
        if sent is not None and logic.to_string(answer_value(sent)) != text:
            self.checked.dropped.append(
                {"question": key, "reason": "worked out again", "sent": sent}
            )
        return text if text != "" else None

    def rules(self, question: d.Question, scope: _Scope, sent) -> None:
        """Check required-ness and the constraint of an asked question."""
        if sent is None or sent in ("", []):
            required = question.required or self.holds(
                question.required_if, scope, question.name, default=False
            )
            after_stop = self.stop_at is not None and self.order[question.name] > self.stop_at
            skipped = question.name in self.interview.skipped  # the distress protocol
            if required and not after_stop and not skipped:
                self.checked.problems.append(
                    f"'{question.name}'{scope.label} must be answered, but has no answer."
                )
            return
        if not question.constraint or question.type == d.QuestionType.CALCULATE:
            return
        current = _logic_value(question, sent)
        if not self.holds(question.constraint, scope, question.name, default=True, current=current):
            texts = question.constraint_message
            message = next(iter(texts.values()), "") if texts else ""
            reason = f" ({message})" if message else ""
            self.checked.problems.append(
                f"The answer to '{question.name}'{scope.label} breaks its rule{reason}."
            )


def _type_problem(question: d.Question, sent: Any, other: Any) -> str | None:
    """Say what is wrong with an answer's type or form, or None."""
    kind = question.type
    if any(_too_long(value) for value in (sent, other)):
        return f"is longer than the {limits.MAX_ANSWER_BYTES} bytes an answer may have"
    if other is not None and (not question.other_option or not isinstance(other, str)):
        return "has an 'Other, please say' text the question does not offer"
    if other not in (None, "") and OTHER not in (sent if isinstance(sent, list) else [sent]):
        return "has an 'Other, please say' text, but 'Other' was not chosen"
    choices = {choice.name for choice in question.choices} or (
        d.YES_NO_NAMES if kind == d.QuestionType.YES_NO else set()
    )
    choices = choices | ({OTHER} if question.other_option else set())
    if kind in TEXT_TYPES:
        return None if isinstance(sent, str) else "should be text"
    if kind == d.QuestionType.INTEGER:
        return None if type(sent) is int and abs(sent) < 2**53 else "should be a whole number"
    if kind == d.QuestionType.DECIMAL:
        ok = type(sent) in (int, float) and math.isfinite(sent) and abs(sent) < 1e15
        return None if ok else "should be a number"
    if kind == d.QuestionType.DATE:
        return None if isinstance(sent, str) and _is_date(sent) else "should be a date (YYYY-MM-DD)"
    if kind == d.QuestionType.TIME:
        return (
            None if isinstance(sent, str) and _TIME.fullmatch(sent) else "should be a time (HH:MM)"
        )
    if kind == d.QuestionType.ACKNOWLEDGE:
        return None if sent is True else "should be true (ticked)"
    if kind in SINGLE_CHOICE:
        return None if isinstance(sent, str) and sent in choices else "is not one of its choices"
    if kind in LIST_TYPES:
        if not isinstance(sent, list) or not set(sent) <= choices:
            return "should be a list of its choices"
        if len(set(sent)) != len(sent):
            return "names a choice twice"
    return None


def _too_long(value: Any) -> bool:
    """Tell whether a text is over the stored size of an answer, in UTF-8 bytes."""
    return isinstance(value, str) and len(value.encode()) > limits.MAX_ANSWER_BYTES


def _is_date(text: str) -> bool:
    """Tell whether a text is a real YYYY-MM-DD date."""
    return bool(_DATE.fullmatch(text)) and not math.isnan(date_to_days(text))


def _logic_value(question: d.Question, sent: Any) -> Any:
    """Return the answer as the logic language sees it (acknowledge is 'OK')."""
    if question.type == d.QuestionType.ACKNOWLEDGE and sent is True:
        return ACKNOWLEDGED
    return sent


def _rows(question: d.Question, key: str, sent: Any, other: Any) -> list[tuple[str, str]]:
    """Return the answer rows of one question: one per value, a ranking keyed by place."""
    rows: list[tuple[str, str]] = []
    if question.type == d.QuestionType.RANKING:
        rows.extend((f"{key}#{place}", choice) for place, choice in enumerate(sent, start=1))
    elif isinstance(sent, list):
        rows.extend((key, choice) for choice in sent)
    elif sent != "":
        rows.append((key, logic.to_string(answer_value(_logic_value(question, sent)))))
    if other is not None and other != "":
        rows.append((f"{key}:other", other))
    return rows
