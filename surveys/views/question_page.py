"""The question form's page: the parts that fit the kind of question, and its rules built
from conditions (`rule_fields.py`). Used by every page that writes a question: adding one,
changing one, and changing one's own suggestion."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from surveys import definition as d
from surveys.codesign import services as codesign
from surveys.forms import LOGIC_HINT, QUESTION_TYPE_NAMES, parse_choice_lines
from surveys.views.rule_checks import apply_rules
from surveys.views.rule_fields import (
    RuleField,
    comparison_options,
    question_choices,
    read_rules,
    rules_by_name,
    show_rule_errors,
)

T = d.QuestionType
ANSWERED = frozenset(T) - {T.NOTE, T.CALCULATE}
# Which kinds of question each optional part of the form fits.
PARTS = {
    "choices": d.CHOICE_TYPES,
    "other_option": d.CHOICE_TYPES,
    "calculation": {T.CALCULATE},
    "required": ANSWERED,
    "required_if": ANSWERED,
    "privacy": frozenset(T) - {T.NOTE},
    # Choices already limit the answers, except how many are ticked.
    "constraint": ANSWERED - {T.ACKNOWLEDGE, T.YES_NO, T.SELECT_ONE, T.RATING, T.RANKING},
    "appearance": {T.TEXT, T.LONG_TEXT, T.SELECT_ONE, T.SELECT_MULTIPLE, T.RATING},
    "default": ANSWERED - {T.ACKNOWLEDGE},
}
CONSTRAINT_HINT = _l(
    "Use . for the answer itself, for example . >= 18 and . < 120. "
    "Other questions are written like ${age}."
)
KIND_VALUES = frozenset(kind.value for kind in T)
KIND_HINTS = {
    T.TEXT: _l("A few words, like a name or a place."),
    T.LONG_TEXT: _l("Sentences, like a story or an opinion."),
    T.INTEGER: _l("Like an age or how many people."),
    T.SELECT_ONE: _l("Pick one answer from a list."),
    T.SELECT_MULTIPLE: _l("Tick every answer that fits."),
    T.RATING: _l("From low to high, like “not at all” to “a lot”. Can use faces."),
    T.NOTE: _l("Words to read, with nothing to answer."),
    T.CALCULATE: _l("Worked out from other answers; nobody sees it."),
}
MORE_SETTINGS = ("name", "appearance", "default")
# The kinds in the order they are offered: the most asked for first, a short text chosen.
KIND_ORDER = (
    T.TEXT,
    T.LONG_TEXT,
    T.YES_NO,
    T.SELECT_ONE,
    T.SELECT_MULTIPLE,
    T.RATING,
    T.INTEGER,
    T.DECIMAL,
    T.DATE,
    T.TIME,
    T.RANKING,
    T.ACKNOWLEDGE,
    T.NOTE,
    T.CALCULATE,
)


def position_of(draft: d.FormDefinition, place: codesign.Place | None, name: str | None) -> int:
    """Return where an item is (its name) or would go (a place), counting the draft's items."""
    walked = list(draft.walk())
    order = [item.name for item, _parents in walked]

    def end_of(section: str) -> int:
        """Return the position just after a section and everything in it."""
        inside = sum(1 for _item, parents in walked if any(p.name == section for p in parents))
        return order.index(section) + 1 + inside

    if name in order:
        return order.index(name)
    if place is None:
        return len(order)
    if place.before_name in order:
        return order.index(place.before_name)
    if place.after_name in order:
        return end_of(place.after_name)
    return end_of(place.section) if place.section in order else len(order)


def kind_of(form: FlaskForm) -> d.QuestionType:
    """Return the kind of question the form is about (text when it says something unknown)."""
    try:
        return d.QuestionType(form.type.data)
    except ValueError:
        return d.QuestionType.TEXT


@dataclass
class QuestionPage:
    """The rules of a question form and what its template needs to show the fitting parts."""

    form: FlaskForm
    rules: list[RuleField] = field(default_factory=list)
    pressed: bool = False  # a builder or kind button: show the page again, send nothing

    @classmethod
    def start(
        cls,
        form: FlaskForm,
        draft: d.FormDefinition,
        *,
        existing: d.Question | None,
        position: int,
    ) -> QuestionPage:
        """Read the form's rules (as posted, or from its data) for a question at `position`."""
        language = draft.default_language.code
        choices = parse_choice_lines(
            form.choices.data or "", language, existing.choices if existing else ()
        )
        # The question as it is being written: its kind and answers now, its rules as they were.
        this = dataclasses.replace(
            existing or d.Question(name="", type=kind_of(form), label={}),
            type=kind_of(form),
            choices=choices,
        )
        choices = question_choices(draft, before=position, language=language, this=this)
        posted = request.form if request.method == "POST" else None
        rules, pressed = read_rules(form, posted, choices)
        pressed = pressed or bool(posted and posted.get("change_kind"))
        return cls(form, rules, pressed)

    def valid(self) -> bool:
        """Check the posted form and write its rules into it; tell whether it can be sent."""
        if self.pressed or request.method != "POST":
            return False
        valid = self.form.validate_on_submit()
        return apply_rules(self.form, self.rules) and valid

    def context(self) -> dict:
        """Return what the question form's template needs."""
        show_rule_errors(self.form, self.rules)
        rules = rules_by_name(self.rules)
        return {
            "kind": kind_of(self.form).value,
            "parts": {part: sorted(kind.value for kind in kinds) for part, kinds in PARTS.items()},
            "rules": rules,
            "rules_open": any(_in_use(rule) for rule in self.rules),
            "more_open": any(self.form[name].errors for name in MORE_SETTINGS),
            "action_url": request.full_path if request.query_string else request.path,
            "logic_hint": LOGIC_HINT,
            "constraint_hint": CONSTRAINT_HINT,
            "comparison_options": comparison_options,
        }


@dataclass
class SectionPage:
    """A section's form: its rules are written as text."""

    form: FlaskForm

    def valid(self) -> bool:
        """Check the posted form."""
        return self.form.validate_on_submit()

    def context(self) -> dict:
        """Return nothing more for the template."""
        return {}


def item_page(
    item_kind: str,
    form: FlaskForm,
    draft: d.FormDefinition,
    *,
    existing: d.Item | None,
    position: int,
) -> QuestionPage | SectionPage:
    """Return the page of a question form (with its rules) or of a section form."""
    if item_kind == "section":
        return SectionPage(form)
    question = existing if isinstance(existing, d.Question) else None
    return QuestionPage.start(form, draft, existing=question, position=position)


def kind_step(questionnaire, section: str | None, *, action: str, cancel_url: str | None = None):
    """Return the first step of adding a question, choosing its kind (a GET form to `action`),
    while the address does not say a kind yet; None once it does."""
    if request.method != "GET" or request.args.get("type") in KIND_VALUES:
        return None
    return render_template(
        "surveys/question_kind.html",
        questionnaire=questionnaire,
        section=section,
        action=action,
        cancel_url=cancel_url,
        kinds=[(k.value, QUESTION_TYPE_NAMES[k], KIND_HINTS.get(k, "")) for k in KIND_ORDER],
    )


def _in_use(rule: RuleField) -> bool:
    """Tell whether a rule has something in it, or something to fix (then it is shown open)."""
    if rule.touched or rule.errors or any(row.errors for row in rule.rows):
        return True
    if rule.mode == "text":
        return True
    return any(row.subject for row in rule.rows) or len(rule.rows) > 1
