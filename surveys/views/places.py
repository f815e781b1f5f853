"""Where an item goes in the draft: the "Where should it go?" list and reading its answer.

Adding a question or section and moving one offer the same list: before or after every item
and at the end of every section and of the questionnaire, named in words.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from surveys import definition as d
from surveys.codesign import services as codesign
from surveys.views.common import item_label


def place_field() -> SelectField:
    """Return the "Where should it go?" list (its choices are the draft's places)."""
    return SelectField(
        _l("Where should it go?"), widget=GovSelect(), choices=[], validate_choice=False
    )


def place_choices(
    definition: d.FormDefinition, moving: d.Item | None, language: str
) -> list[SelectChoice]:
    """Offer every place in the questionnaire, in its order: before or after each item and
    at the end of each section and of the whole questionnaire.

    When moving an item, the list starts with "Choose a place" and never offers a place
    beside or inside the item moved.
    """
    choices: list[SelectChoice] = (
        [SelectChoice("", _("Choose a place"))] if moving is not None else []
    )

    def offer(items: tuple[d.Item, ...], section: d.Section | None) -> None:
        """Offer the places around these items and at the end of their section."""
        inside = (
            " " + _("(in “%(label)s”)", label=item_label(definition, section.name, language))
            if section
            else ""
        )
        for item in items:
            if moving is not None and item.name == moving.name:
                continue
            label = item.label.get(language) or item.name
            choices.append(
                SelectChoice(f"before:{item.name}", _("Before “%(label)s”", label=label) + inside)
            )
            if isinstance(item, d.Section):
                offer(item.items, item)
            choices.append(
                SelectChoice(f"after:{item.name}", _("After “%(label)s”", label=label) + inside)
            )
        if section is None:
            choices.append(SelectChoice("end:", _("At the end of the questionnaire")))
        else:
            label = section.label.get(language) or section.name
            choices.append(
                SelectChoice(
                    f"end:{section.name}", _("At the end of the section “%(label)s”", label=label)
                )
            )

    offer(definition.items, None)
    return choices


def place_value(place: codesign.Place) -> str:
    """Return the place select's value for a place."""
    if place.before_name:
        return f"before:{place.before_name}"
    if place.after_name:
        return f"after:{place.after_name}"
    return f"end:{place.section or ''}"


def parse_place(value: str, definition: d.FormDefinition) -> codesign.Place | None:
    """Read the place select's value (None if it names nothing in the draft)."""
    kind, _sep, name = (value or "").partition(":")
    if kind == "end":
        found = definition.find(name) if name else None
        return codesign.Place(name or None) if not name or isinstance(found, d.Section) else None
    neighbour = codesign.place_in_draft(definition, name) if name else None
    if kind not in ("before", "after") or neighbour is None:
        return None
    if kind == "before":
        return codesign.Place(neighbour.section, before_name=name)
    return codesign.Place(neighbour.section, after_name=name)


def already_there(definition: d.FormDefinition, name: str, place: codesign.Place) -> bool:
    """Tell whether moving an item to a place would leave it where it is."""
    now = codesign.place_in_draft(definition, name)
    if now is None or now.section != place.section:
        return False
    siblings = [
        item.name
        for item in (definition.find(place.section).items if place.section else definition.items)
    ]
    index = siblings.index(name)
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    previous = siblings[index - 1] if index else None
    if place.before_name:
        return place.before_name == following
    if place.after_name:
        return place.after_name == previous
    return following is None
