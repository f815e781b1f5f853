"""The condition builder on the question form: rows of plain form fields that write a rule.

"Only ask this question if", "The answer must be" and "An answer is needed only if" are each
shown as conditions (a question chosen by its label, a comparison that fits it, a value or
answers chosen by label) joined by "all" or "any" (:mod:`surveys.logic.builder`). Without
JavaScript every step is a form post: "Add another condition", "Remove", "Update" re-render
the page with every row kept; `static/js/rules.js` changes comparisons and values as soon as
a question is chosen. A rule the builder cannot show stays editable as text.

Each rule's fields are named `<field>-mode`, `<field>-combine`, `<field>-rows`, and per row
`<field>-<n>-subject`, `-comparison`, `-value` (several: answers ticked, or "between"'s two
values) and `-shown` (the question the row was drawn for); buttons post `<field>-action`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from surveys import definition as d
from surveys.logic import (
    COMPARISONS,
    CURRENT,
    Condition,
    ConditionError,
    Rule,
    Subject,
    expression_of,
    rule_of,
)
from surveys.validation import dependencies

MAX_ROWS = 20
RULES = {
    "relevance": _l("Only ask this question if"),
    "constraint": _l("The answer must be accepted only if"),
    "required_if": _l("An answer is needed only if"),
}
KIND_OF_TYPE = {
    d.QuestionType.SELECT_ONE: "one_choice",
    d.QuestionType.YES_NO: "one_choice",
    d.QuestionType.RATING: "one_choice",
    d.QuestionType.SELECT_MULTIPLE: "many_choices",
    d.QuestionType.RANKING: "many_choices",
    d.QuestionType.INTEGER: "number",
    d.QuestionType.DECIMAL: "number",
    d.QuestionType.DATE: "date",
    d.QuestionType.TIME: "time",
    d.QuestionType.TEXT: "text",
    d.QuestionType.LONG_TEXT: "text",
    d.QuestionType.CALCULATE: "text",
    d.QuestionType.ACKNOWLEDGE: "answer",
}
COMPARISON_NAMES = {
    "is": _l("is"),
    "is_not": _l("is not"),
    "any_of": _l("is any of"),
    "none_of": _l("is none of"),
    "answered": _l("is answered"),
    "not_answered": _l("is not answered"),
    "equals": _l("is"),
    "more_than": _l("is more than"),
    "less_than": _l("is less than"),
    "at_least": _l("is at least"),
    "at_most": _l("is at most"),
    "between": _l("is between"),
    "contains": _l("contains"),
}
# Dates and times are before or after, not less or more.
TIME_NAMES = {
    "more_than": _l("is after"),
    "less_than": _l("is before"),
    "at_least": _l("is on or after"),
    "at_most": _l("is on or before"),
}
PLAIN_PROBLEMS = {
    "Choose a question from the list.": _l("Choose a question from the list."),
    "Choose a comparison from the list.": _l("Choose how to compare from the list."),
    "Choose at least one answer.": _l("Tick at least one answer."),
    "Enter a value.": _l("Enter a value."),
    "Enter both values.": _l("Enter both values."),
    "Enter only one value.": _l("Enter only one value."),
    "Choose only one answer.": _l("Tick only one answer."),
    "Enter a number, like 18 or 2.5.": _l("Enter a number, like 18 or 2.5."),
    "Enter a real date, like 2030-03-08.": _l("Enter a real date."),
    "Enter a time on the 24-hour clock, like 09:30 or 17:00.": _l(
        "Enter a time on the 24-hour clock, like 09:30 or 17:00."
    ),
    "Choose one of the question's answers.": _l("Choose one of the question's answers."),
    "Put the smaller value first.": _l("Put the smaller value first."),
    "Use 500 characters or fewer.": _l("Use 500 characters or fewer."),
    "Use either ' or \" in the text, not both.": _l("Use either ' or \" in the text, not both."),
}


def comparison_options(kind: str | None) -> list[tuple[str, str]]:
    """Return the comparisons that fit a kind of question (none yet: []), with their words."""
    if kind is None:
        return []
    names = {**COMPARISON_NAMES, **(TIME_NAMES if kind in ("date", "time") else {})}
    return [(comparison, str(names[comparison])) for comparison in COMPARISONS[kind]]


@dataclass
class Row:
    """One condition as the form shows it, with what is wrong with its parts."""

    subject: str = ""
    comparison: str = ""
    values: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class Choices:
    """The questions a rule may use: who they are to the builder, and their words."""

    subjects: dict[str, Subject]
    labels: dict[str, str]  # question name -> label ("." -> "This answer")
    choice_labels: dict[str, list[tuple[str, str]]]  # question -> (choice name, label)
    later: set[str]  # questions that come after this one
    own: str = ""  # this question's name, when it is in the draft already
    depends: dict[str, set[str]] = field(default_factory=dict)  # what each item's logic uses
    old_rules: dict[str, str] = field(default_factory=dict)  # the rules as they were

    def as_json(self) -> str:
        """Return what the page's script needs to redraw a row: kinds, choices, comparisons,
        the kind each type of question is, and the words of the value fields."""
        return json.dumps(
            {
                "subjects": {
                    name: {"kind": subject.kind, "choices": self.choice_labels.get(name, [])}
                    for name, subject in self.subjects.items()
                },
                "comparisons": {kind: comparison_options(kind) for kind in COMPARISONS},
                "kinds": {kind.value: builder_kind for kind, builder_kind in KIND_OF_TYPE.items()},
                "words": {
                    "answers": _("Answers"),
                    "value": _("Value"),
                    "between": _("And (for “is between”)"),
                    "number": _("A number, like 18 or 2.5."),
                    "time": _("On the 24-hour clock, like 17:00."),
                },
            }
        )


@dataclass
class RuleField:
    """One rule of the question form: in the builder (rows) or as text."""

    name: str
    legend: str
    choices: Choices
    mode: str = "builder"
    combine: str = "all"
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    showable: bool = True  # the text can be shown in the builder
    text: str | None = None  # the expression to put in the text box, when switching to it
    touched: bool = False  # one of its buttons was pressed: show it open

    def kind_of(self, row: Row) -> str | None:
        """Return the kind of the row's question, or None when none is chosen."""
        subject = self.choices.subjects.get(row.subject)
        return subject.kind if subject else None


def question_choices(
    draft: d.FormDefinition, *, before: int, language: str, this: d.Question | None
) -> Choices:
    """Return the questions before position `before` (in the draft's order), and `.`."""
    subjects: dict[str, Subject] = {}
    labels: dict[str, str] = {}
    choice_labels: dict[str, list[tuple[str, str]]] = {}
    questions = [item for item, _parents in draft.walk() if isinstance(item, d.Question)]
    order = [item.name for item, _parents in draft.walk()]
    later: set[str] = set()
    for question in questions:
        if question.type not in KIND_OF_TYPE or (this and question.name == this.name):
            continue
        if order.index(question.name) >= before:
            later.add(question.name)
            continue
        subjects[question.name] = Subject(
            question.name, KIND_OF_TYPE[question.type], tuple(c.name for c in question.choices)
        )
        labels[question.name] = question.label.get(language) or question.name
        choice_labels[question.name] = [
            (choice.name, choice.label.get(language) or choice.name) for choice in question.choices
        ]
    if this is not None and this.type in KIND_OF_TYPE:
        subjects[CURRENT] = Subject(
            CURRENT, KIND_OF_TYPE[this.type], tuple(c.name for c in this.choices)
        )
        labels = {CURRENT: _("This answer"), **labels}  # first in the list
        choice_labels[CURRENT] = [
            (choice.name, choice.label.get(language) or choice.name) for choice in this.choices
        ]
    own = this.name if this is not None and draft.find(this.name) is not None else ""
    old_rules = {name: getattr(this, name) for name in RULES} if this is not None else {}
    return Choices(subjects, labels, choice_labels, later, own, dependencies(draft), old_rules)


def without_current(choices: Choices) -> Choices:
    """Return the questions without `.` (it is only for constraints)."""
    return Choices(
        {name: subject for name, subject in choices.subjects.items() if name != CURRENT},
        choices.labels,
        choices.choice_labels,
        choices.later,
        choices.own,
        choices.depends,
        choices.old_rules,
    )


def fields_from_text(form: FlaskForm, choices: Choices) -> list[RuleField]:
    """Return each rule of the form as the builder shows it, from the expressions it holds."""
    rules = []
    for name, legend in RULES.items():
        usable = choices if name == "constraint" else without_current(choices)
        text = (form[name].data or "").strip()
        rule = rule_of(text, usable.subjects)
        rule_field = RuleField(name, str(legend), usable)
        if rule is None:
            rule_field.mode, rule_field.showable = "text", False
        else:
            rule_field.combine = rule.combine
            rule_field.rows = [
                Row(c.subject, c.comparison, list(c.values)) for c in rule.conditions
            ] or [Row()]
        rules.append(rule_field)
    return rules


def read_rules(form: FlaskForm, posted: MultiDict | None, choices: Choices):
    """Return the form's rules (from its data, or as posted) and whether a builder button
    was pressed (then the page is only shown again, nothing is sent)."""
    if posted is None:
        return fields_from_text(form, choices), False
    rules, pressed = fields_from_post(posted, choices)
    for rule_field in rules:
        if rule_field.text is not None:
            form[rule_field.name].data = rule_field.text
    return rules, pressed


def fields_from_post(posted: MultiDict, choices: Choices) -> tuple[list[RuleField], bool]:
    """Read each rule from the posted form; return them and whether a builder button was used."""
    rules, pressed = [], False
    for name, legend in RULES.items():
        usable = choices if name == "constraint" else without_current(choices)
        rule_field = RuleField(name, str(legend), usable)
        # A post without the builder's fields (a script, an old page) carries the rule as text.
        mode = posted.get(f"{name}-mode") or ("text" if posted.get(name) else "builder")
        rule_field.mode = "text" if mode == "text" else "builder"
        rule_field.combine = "any" if posted.get(f"{name}-combine") == "any" else "all"
        rule_field.rows = [
            _posted_row(posted, name, index) for index in range(_count(posted, name))
        ]
        action = posted.get(f"{name}-action", "")
        pressed = pressed or bool(action)
        rule_field.touched = bool(action)
        _act(rule_field, action, posted.get(name, ""))
        rules.append(rule_field)
    return rules, pressed


def _count(posted: MultiDict, name: str) -> int:
    """Return how many rows were posted (at least one, at most MAX_ROWS)."""
    try:
        return max(1, min(MAX_ROWS, int(posted.get(f"{name}-rows", "1"))))
    except ValueError:
        return 1


def _posted_row(posted: MultiDict, name: str, index: int) -> Row:
    """Read one row; a row drawn for another question starts again from its comparison."""
    prefix = f"{name}-{index}"
    subject = posted.get(f"{prefix}-subject", "")[:200]
    row = Row(subject, posted.get(f"{prefix}-comparison", "")[:40])
    row.values = [value[:600] for value in posted.getlist(f"{prefix}-value")[:50]]
    if subject != posted.get(f"{prefix}-shown", subject):
        row.comparison, row.values = "", []
        if subject:
            row.errors["comparison"] = _("Now choose how to compare, for the question you chose.")
    return row


def _act(rule_field: RuleField, action: str, text: str) -> None:
    """Do what a builder button asks: add or remove a row, or switch to text or builder."""
    if action == "add" and len(rule_field.rows) < MAX_ROWS:
        rule_field.rows.append(Row())
    elif action.startswith("remove-") and action[7:].isdigit():
        index = int(action[7:])
        if index < len(rule_field.rows):
            del rule_field.rows[index]
        rule_field.rows = rule_field.rows or [Row()]
    elif action == "text":
        expression = rule_field_expression(rule_field)
        if expression is not None:
            rule_field.mode = "text"
            rule_field.text = expression
    elif action == "builder":
        rule = rule_of(text, rule_field.choices.subjects)
        rule_field.mode = "builder"
        rule_field.combine = rule.combine if rule else "all"
        rule_field.rows = [
            Row(c.subject, c.comparison, list(c.values)) for c in (rule.conditions if rule else ())
        ] or [Row()]
    for row in rule_field.rows if action else ():
        row.errors.clear()  # only say what is wrong when the rule is sent
    if rule_field.mode == "text":
        rule_field.showable = rule_of(text, rule_field.choices.subjects) is not None


def _row_condition(row: Row) -> Condition | None:
    """Return the row's condition (None for an empty row); ticking several answers is "any of"."""
    if not (row.subject or row.comparison or any(value.strip() for value in row.values)):
        return None
    comparison = row.comparison
    if comparison in ("is", "any_of", "is_not", "none_of") and len(row.values) > 1:
        comparison = "any_of" if comparison in ("is", "any_of") else "none_of"
    return Condition(row.subject, comparison, tuple(row.values))


def rule_field_expression(rule_field: RuleField) -> str | None:
    """Return the expression the rows write, or None after noting what is wrong beside them."""
    rows = [(row, _row_condition(row)) for row in rule_field.rows]
    kept = [(row, condition) for row, condition in rows if condition is not None]
    if any(row.errors for row, _condition in kept):
        return None
    try:
        return expression_of(
            Rule(rule_field.combine, tuple(condition for _row, condition in kept)),
            rule_field.choices.subjects,
        )
    except ConditionError as problem:
        row = kept[problem.index][0]
        message = PLAIN_PROBLEMS.get(problem.message, problem.message)
        if problem.part == "subject" and row.subject in rule_field.choices.later:
            message = _l(
                "That question comes after this one, so its answer is not known yet. "
                "Choose a question that comes before."
            )
        row.errors[problem.part] = str(message)
        return None


def show_rule_errors(form: FlaskForm, rules: list[RuleField]) -> None:
    """Put each rule's problems on its form field (for the summary at the top of the page)."""
    for rule_field in rules:
        field_errors = list(form[rule_field.name].errors)
        form[rule_field.name].errors = [*field_errors, *rule_field.errors]


def rules_by_name(rules: list[RuleField]) -> Mapping[str, RuleField]:
    """Return the rules by their field name, for the template."""
    return {rule_field.name: rule_field for rule_field in rules}
