"""Checks of the question form's rules beyond each condition (`rule_fields.py`): questions
that come after this one, this question's own answer, and logic that goes round in a circle.
Each problem is said beside the rule it is about."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf import FlaskForm

from surveys import logic
from surveys.views.rule_fields import RuleField, rule_field_expression


def apply_rules(form: FlaskForm, rules: list[RuleField]) -> bool:
    """Write each rule into its form field; return False if any needs fixing first."""
    ready = True
    for rule_field in rules:
        if rule_field.mode == "builder":
            expression = rule_field_expression(rule_field)
            if expression is None:
                ready = False
                rule_field.errors.append(_("Check the conditions below."))
                continue
            form[rule_field.name].data = expression
        if not _changed(form, rule_field):
            continue  # a rule left as it was is not held against a change of wording
        choices = rule_field.choices
        problem = _later_reference(form[rule_field.name].data or "", choices.later, choices.own)
        if problem:
            ready = False
            rule_field.errors.append(problem)
    changed = any(_changed(form, rule_field) for rule_field in rules)
    return ready and (not changed or _no_cycle(form, rules))


def _changed(form: FlaskForm, rule_field: RuleField) -> bool:
    """Tell whether a rule differs from what the question had."""
    old = rule_field.choices.old_rules.get(rule_field.name, "")
    return (form[rule_field.name].data or "").strip() != old.strip()


def _references(expression: str) -> set[str]:
    """Return the questions an expression uses (none if it does not parse: checked later)."""
    try:
        return logic.references(expression) if expression.strip() else set()
    except logic.LogicSyntaxError:
        return set()


def _no_cycle(form: FlaskForm, rules: list[RuleField]) -> bool:
    """Tell whether the rules keep the questionnaire free of logic that depends on itself;
    if not, say so beside the rule that closes the circle."""
    choices = rules[0].choices
    if not choices.own:
        return True  # a new question: nothing uses it yet
    uses = {rule.name: _references(form[rule.name].data or "") for rule in rules}
    graph = dict(choices.depends)
    graph[choices.own] = set().union(*uses.values(), _references(form.calculation.data or ""))
    for cycle in logic.find_cycles(graph):
        if choices.own in cycle:
            after = cycle[(cycle.index(choices.own) + 1) % len(cycle)]
            rule = next((r for r in rules if after in uses[r.name]), rules[0])
            rule.errors.append(
                _("This rule goes round in a circle: %(cycle)s.", cycle=logic.describe_cycle(cycle))
            )
            return False
    return True


def _later_reference(expression: str, later: set[str], own: str) -> str | None:
    """Say which question a rule uses that comes after this one (or is this one), if any."""
    used = _references(expression)
    if own and own in used:
        return _(
            "A rule cannot use this question's own answer this way: to check the answer, use "
            "“The answer must be accepted only if” and choose “This answer”."
        )
    names = sorted(used & later)
    if not names:
        return None
    return _(
        "%(name)s comes after this question, so its answer is not known yet. Use a "
        "question that comes before.",
        name="${" + names[0] + "}",
    )
