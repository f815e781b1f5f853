"""Rules in plain words on every page that shows one: template globals over the logic
package's readings (`surveys.logic.reading`), with labels in the reader's language.

Pages pass the definition they already have; the lookup of its questions is built once per
definition and request, so a page of many items costs one walk of the questionnaire.
"""

from __future__ import annotations

from flask import g, has_request_context
from flask_babel import get_locale

from surveys import definition as d
from surveys.logic import QuestionInfo, Reading, question_lookup, read_rule, reading_language
from surveys.logic import RuleRole as Role
from surveys.views import blueprint

# The item fields written in the logic language, and the role each plays for a question
# and for a section (`default` is a plain value, not a rule).
RULE_FIELDS = ("relevance", "constraint", "required_if", "calculation", "repeat_count")
QUESTION_ROLES = {
    "relevance": Role.RELEVANCE,
    "constraint": Role.CONSTRAINT,
    "required_if": Role.REQUIRED_IF,
    "calculation": Role.CALCULATION,
}
SECTION_ROLES = {"relevance": Role.SECTION_RELEVANCE, "repeat_count": Role.REPEAT_COUNT}


def reader_language(definition: d.FormDefinition) -> str:
    """Return the questionnaire language the reader reads labels in (interface language first)."""
    locale = get_locale() if has_request_context() else None
    return reading_language(definition, str(locale) if locale else None)


def lookup_for(definition: d.FormDefinition | None) -> dict[str, QuestionInfo]:
    """Return the questions of a definition for readings, built once per request."""
    if not isinstance(definition, d.FormDefinition):  # a page that has none: labels unknown
        return {}
    if not has_request_context():
        return question_lookup(definition, None)
    kept = g.setdefault("rule_lookups", {})
    # Keyed by identity; the definition is kept beside its lookup so the id stays its own.
    found = kept.get(id(definition))
    if found is None or found[0] is not definition:
        found = (definition, question_lookup(definition, reader_language(definition)))
        kept[id(definition)] = found
    return found[1]


def role_of(field: str, *, section: bool) -> Role | None:
    """Return the role a field's expression plays, or None if the field is not a rule."""
    return (SECTION_ROLES if section else QUESTION_ROLES).get(field)


@blueprint.app_template_global()
def rule_reading(
    expression: str,
    field: str,
    definition: d.FormDefinition | None,
    item: d.Item | None = None,
) -> Reading | None:
    """Say one rule of an item in plain words (None when there is no rule to read)."""
    if not expression or not str(expression).strip():
        return None
    section = isinstance(item, d.Section)
    role = role_of(field, section=section) or (
        Role.SECTION_RELEVANCE if section else Role.RELEVANCE
    )
    return read_rule(
        str(expression),
        role=role,
        questions=lookup_for(definition),
        current=item_info(item, definition),
    )


def item_info(item: d.Item | None, definition: d.FormDefinition | None) -> QuestionInfo | None:
    """Return what a reading needs of an item itself (its choices for `.`), even when the
    item is not in the definition yet (a question being added)."""
    if item is None or not isinstance(definition, d.FormDefinition):
        return None
    alone = d.FormDefinition("", definition.languages, (item,))
    return question_lookup(alone, reader_language(definition)).get(item.name)


@blueprint.app_template_global()
def item_rule_readings(item: d.Item, definition: d.FormDefinition | None) -> list[Reading]:
    """Say each rule an item has, in the order the draft shows them."""
    section = isinstance(item, d.Section)
    readings = []
    for field in RULE_FIELDS:
        expression = getattr(item, field, "")
        if expression and role_of(field, section=section) is not None:
            reading = rule_reading(expression, field, definition, item)
            if reading is not None:
                readings.append(reading)
    return readings
