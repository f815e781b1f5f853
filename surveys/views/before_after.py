"""Before and after, in words: the lines a suggestion's page and the decision log show for
a change, with plain titles, languages named and settings in words."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from peer_research.db import db
from peer_research.worddiff import word_diff
from surveys import definition as d
from surveys.changes import CHOICE_PICTURE, FieldChange, item_changes
from surveys.codesign import services as codesign
from surveys.forms import APPEARANCES, PRIVACY_NAMES, QUESTION_TYPE_NAMES
from surveys.models import Questionnaire
from surveys.views.common import EDITOR_KINDS, describe_place, first_language, part_title
from surveys.views.rules import role_of, rule_reading

# What each field of a question or section is called on the before/after views.
FIELD_NAMES = {
    "label": _l("Question"),
    "hint": _l("Help text"),
    "required_message": _l("Message when it is left empty"),
    "constraint_message": _l("Message when the rule is not met"),
    "choices order": _l("Order of the answers"),
    "name": _l("Name in the data (how the computer knows the question)"),
    "kind": _l("Question or section"),
    "type": _l("Kind of question"),
    "required": _l("An answer is needed to go on"),
    "required_if": _l("When it must be answered"),
    "relevance": _l("When it is asked"),
    "constraint": _l("Which answers are accepted"),
    "calculation": _l("How it is worked out"),
    "default": _l("Answer filled in to start with"),
    "repeat": _l("Asked more than once"),
    "repeat_count": _l("How many times it is asked"),
    "other_option": _l("“Other, please say” with a box to write in"),
    "appearance": _l("How it looks"),
    "read_only": _l("Cannot be changed by the interviewer"),
    "privacy": _l("How personal the answer is"),
    "image": _l("Picture"),
}
BOOLEAN_FIELDS = frozenset({"required", "repeat", "other_option", "read_only"})
STATUS_NAMES = {
    "text": {"added": _l("added"), "removed": _l("taken out"), "changed": None},
    "choice": {"added": _l("a new answer"), "removed": _l("answer taken out"), "changed": None},
}


@dataclass(frozen=True)
class ChangeLine:
    """One changed field as the pages show it: a title, what happened, and the word diff.

    A rule (group "rule") is shown in plain words: `before`, `after` and `diff` are its
    readings, and the expressions behind them are in `before_code`, `after_code` and
    `code_diff` for the technical view; `show_code` says the words are only a fallback, so
    the code must be shown at once.
    """

    title: str
    status: str  # "added", "removed" or "changed"
    status_text: str | None  # said in words after the title (never by colour alone)
    group: str  # "text", "choice", "order", "rule", "logic" or "setting"
    before: str
    after: str
    diff: list
    before_code: str = ""
    after_code: str = ""
    code_diff: list = field(default_factory=list)
    show_code: bool = False


def _shown_value(field: str, value: str) -> str:
    """Return a setting's value in plain words."""
    if field in BOOLEAN_FIELDS:
        return _("Yes") if value else _("No")
    if not value:
        return ""
    names = {
        "type": {kind.value: str(label) for kind, label in QUESTION_TYPE_NAMES.items()},
        "privacy": {kind.value: str(label) for kind, label in PRIVACY_NAMES.items()},
        "appearance": {code: str(label) for code, label in APPEARANCES},
        "kind": {"question": _("Question"), "section": _("Section")},
    }.get(field, {})
    return names.get(value, value)


def change_lines(
    changes: list[FieldChange],
    questionnaire: Questionnaire,
    *,
    section: bool = False,
    definition: d.FormDefinition | None = None,
    before_definition: d.FormDefinition | None = None,
    items: tuple[d.Item | None, d.Item | None] = (None, None),
) -> list[ChangeLine]:
    """Turn field changes into lines with plain titles, languages named, settings in words.

    Rules are read in plain words from the labels of `definition` (and, for the earlier
    side, of `before_definition` when it differs, as when comparing versions); `items` are
    the item before and after, whose own choices a constraint's `.` refers to.
    """
    languages = {entry["code"]: entry["name"] for entry in questionnaire.languages}
    several = len(languages) > 1
    lines = []
    for change in changes:
        group = change.group
        if group == "choice":
            title = _("An answer to choose from")
        elif change.field == "label" and section:
            title = _("Section title")
        elif change.field == "relevance" and section:
            title = _("When the section is asked")
        elif change.field.startswith(CHOICE_PICTURE):
            title = _("Picture for the answer “%(answer)s”", answer=_choice_words(change, items))
        else:
            title = str(FIELD_NAMES.get(change.field, change.field))
        if change.language and (several or change.language not in languages):
            title += f" ({languages.get(change.language, change.language)})"
        status_text = STATUS_NAMES.get(group if group == "choice" else "text", {}).get(
            change.status
        )
        before, after, diff = change.before, change.after, change.diff
        if group == "setting":
            before = _shown_value(change.field, change.before)
            after = _shown_value(change.field, change.after)
            diff = word_diff(before, after)
            status_text = None
        line = ChangeLine(
            title=title,
            status=change.status,
            status_text=str(status_text) if status_text else None,
            group=group,
            before=before,
            after=after,
            diff=diff,
        )
        if role_of(change.field, section=section) is not None:
            sides = (before_definition or definition, definition)
            line = _rule_line(line, change, sides, items)
        lines.append(line)
    return lines


def _choice_words(change: FieldChange, items: tuple[d.Item | None, d.Item | None]) -> str:
    """Name the choice a change is about by its label (the later item's, else the earlier's)."""
    for item in reversed(items):
        for choice in getattr(item, "choices", ()):
            if choice.name == change.choice:
                return choice.label.get(_main_language(item)) or next(
                    iter(choice.label.values()), ""
                )
    return _("an answer")


def _main_language(item: d.Item) -> str:
    """Return the first language an item's label is written in."""
    return next(iter(item.label), "")


def _rule_line(
    line: ChangeLine,
    change: FieldChange,
    definitions: tuple[d.FormDefinition | None, d.FormDefinition | None],
    items: tuple[d.Item | None, d.Item | None],
) -> ChangeLine:
    """Say a changed rule in plain words on both sides, keeping the code for the technical view."""
    readings = [
        rule_reading(code, change.field, definition, item)
        for code, definition, item in zip(
            (change.before, change.after), definitions, items, strict=True
        )
    ]
    before, after = (reading.text if reading else "" for reading in readings)
    return replace(
        line,
        group="rule",
        before=before,
        after=after,
        diff=word_diff(before, after),
        before_code=change.before,
        after_code=change.after,
        code_diff=change.diff,
        show_code=any(reading is not None and not reading.complete for reading in readings),
    )


def item_of(content: dict | None) -> d.Item | None:
    """Return the item stored as JSON in a proposal or decision (None if there is none)."""
    return d.item_from_json(content) if content else None


def is_section(*contents: dict | None) -> bool:
    """Tell whether any of the stored items is a section."""
    return any(content and content.get("kind") == "section" for content in contents)


def destination_words(draft: d.FormDefinition, change: dict, language: str) -> str:
    """Say where an added or moved item goes."""
    return describe_place(
        draft,
        section=change.get("section"),
        before_name=change.get("before_name"),
        after_name=change.get("after_name"),
        language=language,
    )


@dataclass(frozen=True)
class LogChange:
    """What one entry of the decision log changed, in words and word diffs."""

    kind: str | None
    heading: str | None  # "What was added", ...; None: nothing to show
    lines: list[ChangeLine]
    place_words: str | None
    title: str | None = None  # one change of several: what it did, in a line
    parts: tuple[LogChange, ...] = ()  # a suggestion of several changes: each of them


def log_change(
    entry: codesign.LogEntry, questionnaire: Questionnaire, draft: d.FormDefinition
) -> LogChange:
    """Describe a decision's change: what was added, removed, moved or changed."""
    language = first_language(questionnaire)
    change, applied = entry.change, entry.applied
    kind = change.get("kind")
    if kind == codesign.ChangeKind.SEVERAL.value:
        parts = tuple(
            replace(
                item_change(part, applied, questionnaire, draft),
                title=part_title(part, language),
            )
            for part in change.get("changes", [])
        )
        heading = _("What changed") if applied else _("What was suggested")
        return LogChange(kind, heading, [], None, parts=parts)
    if kind not in {k.value for k in EDITOR_KINDS}:
        if entry.proposal is None or kind is None:
            return LogChange(kind, None, [], None)  # publishing, a rule change
        view = codesign.before_after(db.session, proposal=entry.proposal, language=language)
        lines = change_lines(view.changes, questionnaire, definition=draft)
        heading = _("What changed") if applied else _("What was suggested")
        return LogChange(kind, heading if lines else None, lines, None)
    return item_change(change, applied, questionnaire, draft)


def item_change(
    change: dict, applied: bool, questionnaire: Questionnaire, draft: d.FormDefinition
) -> LogChange:
    """Describe a recorded change to one item: what was added, removed, moved or changed."""
    language = first_language(questionnaire)
    kind = change.get("kind")
    before, after = item_of(change.get("before")), item_of(change.get("after"))
    section = is_section(change.get("before"), change.get("after"))
    if kind == codesign.ChangeKind.ADD_ITEM.value:
        heading = _("What was added") if applied else _("What was suggested for adding")
        return LogChange(
            kind,
            heading,
            change_lines(
                item_changes(None, after, language),
                questionnaire,
                section=section,
                definition=draft,
                items=(None, after),
            ),
            destination_words(draft, change, language),
        )
    if kind == codesign.ChangeKind.REMOVE_ITEM.value:
        heading = _("What was removed") if applied else _("What was suggested for removing")
        return LogChange(
            kind,
            heading,
            change_lines(
                item_changes(before, None, language),
                questionnaire,
                section=section,
                definition=draft,
                items=(before, None),
            ),
            None,
        )
    if kind == codesign.ChangeKind.MOVE_ITEM.value:
        heading = _("Where it went") if applied else _("Where it was suggested to go")
        return LogChange(kind, heading, [], destination_words(draft, change, language))
    if before is not None or after is not None:
        heading = _("What changed") if applied else _("What was suggested")
        lines = change_lines(
            item_changes(before, after, language),
            questionnaire,
            section=section,
            definition=draft,
            items=(before, after),
        )
        return LogChange(kind, heading if lines else None, lines, None)
    return LogChange(kind, None, [], None)


def recorded_change_lines(
    change: dict, questionnaire: Questionnaire, definition: d.FormDefinition | None
) -> list[ChangeLine]:
    """Say every part a recorded change to an item changed (none for other kinds of change).

    For changelogs: the wording, each choice, "Other, please say", help texts, messages,
    pictures, settings, and rules in plain words read from `definition`'s labels.
    """
    if change.get("kind") != codesign.ChangeKind.CHANGE_ITEM.value:
        return []
    try:
        before, after = item_of(change.get("before")), item_of(change.get("after"))
        changes = item_changes(before, after, first_language(questionnaire))
    except (KeyError, TypeError, ValueError):  # an old or unusual record: the line says enough
        return []
    return change_lines(
        changes,
        questionnaire,
        section=is_section(change.get("before"), change.get("after")),
        definition=definition,
        items=(before, after),
    )
