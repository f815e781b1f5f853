"""Build questionnaire items for tests."""

from __future__ import annotations

from surveys import definition as d

ENGLISH = d.Language("en", "English")


def question(name: str, kind: d.QuestionType = d.QuestionType.TEXT, **fields) -> d.Question:
    """Return a question with an English label."""
    fields.setdefault("label", {"en": f"Question {name}"})
    if kind in d.CHOICE_TYPES and "choices" not in fields:
        fields["choices"] = (d.Choice("yes", {"en": "Yes"}), d.Choice("no", {"en": "No"}))
    return d.Question(name=name, type=kind, **fields)


def section(name: str, *items: d.Item, **fields) -> d.Section:
    """Return a section with an English label."""
    fields.setdefault("label", {"en": f"Section {name}"})
    return d.Section(name=name, items=items, **fields)
