"""A questionnaire's texts and languages: what needs translating, what is missing, how far
each language has got, and adding or removing a language.

A text needs translating when it has words in the default (first) language: a question's
label, hint, messages and answer labels, and a section's title and hint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.errors import DomainError
from surveys import definition as d
from surveys import services
from surveys.languages import check_new_language
from surveys.models import Questionnaire

# The translatable fields of an item, in the order the editor shows them ("choice" stands for
# every answer label). Messages are short; the longest texts follow the editor's limits.
QUESTION_FIELDS = ("label", "hint", "choice", "required_message", "constraint_message")
SECTION_FIELDS = ("label", "hint")
MAX_LENGTHS = {
    "label": 2000,
    "hint": 2000,
    "choice": 2000,
    "required_message": 500,
    "constraint_message": 500,
}


class TextKey(NamedTuple):
    """Where a text sits: an item's field, or (field "choice") one answer's label."""

    item: str
    field: str
    choice: str = ""


class MissingText(NamedTuple):
    """A text with no translation yet: its item, field and default-language words."""

    item: str
    field: str
    text: str
    choice: str = ""


@dataclass(frozen=True)
class Text:
    """One translatable text of the draft, in every language it has."""

    key: TextKey
    texts: d.Translated
    item: d.Item

    def in_language(self, code: str) -> str:
        """Return the text in one language ("" when it has none)."""
        return self.texts.get(code, "")


@dataclass(frozen=True)
class LanguageProgress:
    """How far a language's translation has got."""

    language: d.Language
    translated: int
    missing: int
    is_default: bool


class TranslationConflictError(services.DraftConflictError):
    """A question was changed or deleted while someone translated it; nothing was saved."""

    def __init__(self, message: str, *, item: str) -> None:
        super().__init__(message)
        self.item = item


class LanguageHasTextsError(DomainError):
    """Removing the language would delete texts, and the person has not said yes to that."""

    def __init__(self, language: d.Language, count: int) -> None:
        super().__init__(
            _(
                "%(language)s has %(count)d translated texts. Tick the box to delete them "
                "with the language.",
                language=language.name,
                count=count,
            ),
            field="confirm",
        )
        self.count = count


# Reading texts --------------------------------------------------------------------------


def all_texts(definition: d.FormDefinition) -> list[Text]:
    """Return every text field of every item, in questionnaire order (empty ones too)."""
    found: list[Text] = []
    for item, _parents in definition.walk():
        fields = QUESTION_FIELDS if isinstance(item, d.Question) else SECTION_FIELDS
        for field in fields:
            if field == "choice":
                found.extend(
                    Text(TextKey(item.name, "choice", choice.name), choice.label, item)
                    for choice in item.choices
                )
            else:
                found.append(Text(TextKey(item.name, field), getattr(item, field), item))
    return found


def translatable_texts(definition: d.FormDefinition) -> list[Text]:
    """Return the texts that have words in the default language (the ones to translate)."""
    default = definition.default_language.code
    return [text for text in all_texts(definition) if text.in_language(default).strip()]


def missing_translations(definition: d.FormDefinition) -> dict[str, list[MissingText]]:
    """Return, for each language after the default, the texts not translated into it."""
    default = definition.default_language.code
    texts = translatable_texts(definition)
    return {
        language.code: [
            MissingText(text.key.item, text.key.field, text.in_language(default), text.key.choice)
            for text in texts
            if not text.in_language(language.code).strip()
        ]
        for language in definition.languages[1:]
    }


def translation_progress(definition: d.FormDefinition) -> list[LanguageProgress]:
    """Return how many texts each language has and lacks, the default language first."""
    total = len(translatable_texts(definition))
    missing = missing_translations(definition)
    return [
        LanguageProgress(
            language=language,
            translated=total - len(missing.get(language.code, [])),
            missing=len(missing.get(language.code, [])),
            is_default=index == 0,
        )
        for index, language in enumerate(definition.languages)
    ]


def texts_in_language(definition: d.FormDefinition, code: str) -> int:
    """Count the texts that have words in a language (whatever their default text)."""
    return sum(1 for text in all_texts(definition) if text.in_language(code).strip())


def find_language(questionnaire: Questionnaire, code: str) -> d.Language | None:
    """Return the questionnaire's language with this code (any letter case)."""
    wanted = code.casefold()
    return next(
        (lang for lang in services.languages_of(questionnaire) if lang.code.casefold() == wanted),
        None,
    )


# Languages ------------------------------------------------------------------------------


def add_language(
    session: Session, *, questionnaire: Questionnaire, code: str, name: str
) -> d.Language:
    """Add a language to translate the questionnaire into (after the existing ones)."""
    session.refresh(questionnaire, with_for_update=True)  # two people adding at once
    language = check_new_language(code, name, existing=services.languages_of(questionnaire))
    questionnaire.languages = [
        *questionnaire.languages,
        {"code": language.code, "name": language.name},
    ]
    session.flush()
    return language


def remove_language(
    session: Session,
    *,
    questionnaire: Questionnaire,
    code: str,
    confirmed: bool,
    changed_by: User,
) -> int:
    """Remove a language and its texts from the draft; return how many texts went.

    The default language cannot be removed. When the language has texts, the person must
    confirm, because they are deleted from the draft items (published versions keep theirs).
    """
    session.refresh(questionnaire, with_for_update=True)
    language = find_language(questionnaire, code)
    if language is None:
        raise DomainError(_("The questionnaire does not have that language."))
    if language == services.languages_of(questionnaire)[0]:
        raise DomainError(_("The main language cannot be removed."))
    definition = services.draft_definition(session, questionnaire)
    count = texts_in_language(definition, language.code)
    if count and not confirmed:
        raise LanguageHasTextsError(language, count)
    revisions = services.draft_revisions(session, questionnaire)
    with session.begin_nested():
        for item, _parents in definition.walk():
            stripped = _without_language(item, language.code)
            if stripped != item:
                _save_item(
                    session,
                    questionnaire=questionnaire,
                    item=stripped,
                    expected_revision=revisions[item.name],
                    changed_by=changed_by,
                    was=item,
                    default=definition.default_language.code,
                )
        questionnaire.languages = [
            lang for lang in questionnaire.languages if lang["code"] != language.code
        ]
        session.flush()
    return count


def _without_language(item: d.Item, code: str) -> d.Item:
    """Return the item with every text in one language taken out."""
    fields = QUESTION_FIELDS if isinstance(item, d.Question) else SECTION_FIELDS
    changes: dict = {}
    for field in fields:
        if field == "choice":
            changes["choices"] = tuple(
                replace(choice, label=_drop(choice.label, code)) for choice in item.choices
            )
        else:
            changes[field] = _drop(getattr(item, field), code)
    return replace(item, **changes)


def _drop(texts: d.Translated, code: str) -> dict[str, str]:
    """Return translations without one language."""
    return {lang: text for lang, text in texts.items() if lang != code}


# Texts in another language ---------------------------------------------------------------


def tidy_text(text: str) -> str:
    """Return a translation as it is stored: line endings made plain, ends trimmed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _with_translations(
    item: d.Item, code: str, texts: Mapping[TextKey, str], default: str
) -> d.Item:
    """Return the item with its texts in one language replaced."""
    fields = QUESTION_FIELDS if isinstance(item, d.Question) else SECTION_FIELDS
    choice_names = {choice.name for choice in getattr(item, "choices", ())}
    for key, text in texts.items():
        unknown_choice = key.field == "choice" and key.choice not in choice_names
        if key.field not in fields or unknown_choice:
            raise TranslationConflictError(_changed_message(item, default), item=item.name)
        if len(text) > MAX_LENGTHS[key.field]:
            raise DomainError(
                _(
                    "A translation of %(name)s is longer than %(max)d characters.",
                    name=item.name,
                    max=MAX_LENGTHS[key.field],
                )
            )
    changes: dict = {
        field: d.with_text(getattr(item, field), code, texts[TextKey(item.name, field)])
        for field in fields
        if field != "choice" and TextKey(item.name, field) in texts
    }
    if any(key.field == "choice" for key in texts):
        changes["choices"] = tuple(
            replace(choice, label=d.with_text(choice.label, code, texts[key]))
            if (key := TextKey(item.name, "choice", choice.name)) in texts
            else choice
            for choice in item.choices
        )
    return replace(item, **changes)


def _save_item(
    session: Session,
    *,
    questionnaire: Questionnaire,
    item: d.Item,
    expected_revision: int,
    changed_by: User,
    was: d.Item,
    default: str,
) -> None:
    """Save one changed item, naming it in any error."""
    try:
        services.update_item(
            session,
            questionnaire=questionnaire,
            name=item.name,
            item=item,
            expected_revision=expected_revision,
            changed_by=changed_by,
        )
    except services.DraftConflictError as error:
        raise TranslationConflictError(_changed_message(was, default), item=was.name) from error
    except DomainError as error:
        raise DomainError(
            _(
                "“%(label)s” (%(name)s) has a problem to fix in the editor first: %(problem)s",
                label=item_label(was, default),
                name=was.name,
                problem=error.message,
            )
        ) from error


def _changed_message(item: d.Item, default: str) -> str:
    return _(
        "Someone else changed “%(label)s” (%(name)s) while you were translating. Nothing was "
        "saved. Check its texts below, then save again.",
        label=item_label(item, default),
        name=item.name,
    )


def item_label(item: d.Item, default: str) -> str:
    """Return the words people know an item by: its default-language label, or its name."""
    return item.label.get(default, "").strip() or item.name
