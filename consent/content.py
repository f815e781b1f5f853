"""The wording of a consent form version: what is stored, read and checked.

A version's `content` is this JSON document (every text keyed by language code):

    {
      "languages": ["en", "cy"],                      # the first is the main language
      "language_names": {"en": "English", "cy": "Cymraeg"},
      "title": {"en": "Taking part in ...", "cy": "..."},
      "sheet": {"en": [                               # the participant information sheet
          {"kind": "heading", "text": "What is the study about?"},
          {"kind": "paragraph", "text": "..."},
          {"kind": "list", "items": ["...", "..."]}]},
      "easy_read": {"en": [                           # {} when there is no easy-read version
          {"text": "We want to know ...", "picture": "<stored name>" or null, "alt": "..."}]},
      "statements": [
          {"key": "take_part", "purpose": "take_part", "required": true,
           "text": {"en": "I agree to take part."}, "easy_read": {"en": "I want to take part."}}],
      "withdraw": {"en": "You can stop at any time. Call ... on ..."}
    }

A statement's `purpose` binds later use in code: "quotes" (a "no" keeps that participant's
free text out of every quote list, report and release), "recontact" (a "no" means no contact
details are kept), "take_part", or "other". `read_content` checks a document and returns it
as `ConsentContent`; `ConsentContent.to_json` gives the document back.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from peer_research.errors import DomainError

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
STATEMENT_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_TEXT = 4000  # characters in one paragraph, statement or list item
MAX_BLOCKS = 200
MAX_STATEMENTS = 30
MAX_LANGUAGES = 12
BLOCK_KINDS = ("heading", "paragraph", "list")


class StatementPurpose(enum.StrEnum):
    """What a consent statement governs."""

    TAKE_PART = "take_part"
    QUOTES = "quotes"
    RECONTACT = "recontact"
    OTHER = "other"


@dataclass(frozen=True)
class Block:
    """One part of the information sheet: a heading, a paragraph or a list."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class EasyReadPart:
    """One part of the easy-read sheet: a short sentence with an optional picture."""

    text: str
    picture: str | None = None
    alt: str = ""


@dataclass(frozen=True)
class Statement:
    """One thing the participant agrees to (or not)."""

    key: str
    purpose: StatementPurpose
    required: bool
    text: dict[str, str]
    easy_read: dict[str, str] = field(default_factory=dict)

    def text_in(self, language: str, main: str) -> str:
        """Return the statement in a language, or in the main language where missing."""
        return self.text.get(language) or self.text.get(main, "")

    def easy_read_in(self, language: str, main: str) -> str:
        """Return the easy-read wording, or the plain wording when there is none."""
        return self.easy_read.get(language) or self.text_in(language, main)


@dataclass(frozen=True)
class ConsentContent:
    """A consent form version's wording, checked."""

    languages: tuple[str, ...]
    language_names: dict[str, str]
    title: dict[str, str]
    sheet: dict[str, tuple[Block, ...]]
    easy_read: dict[str, tuple[EasyReadPart, ...]]
    statements: tuple[Statement, ...]
    withdraw: dict[str, str]

    @property
    def main_language(self) -> str:
        """Return the form's main language (its first)."""
        return self.languages[0]

    def pick(self, texts: dict[str, Any], language: str) -> Any:
        """Return a text in a language, or in the main language where it is missing."""
        return texts.get(language) or texts.get(self.main_language)

    def statement(self, key: str) -> Statement | None:
        """Return a statement by its key, or None."""
        return next((s for s in self.statements if s.key == key), None)

    def with_purpose(self, purpose: StatementPurpose) -> list[Statement]:
        """Return the statements that govern one kind of later use."""
        return [s for s in self.statements if s.purpose == purpose]

    def has_easy_read(self, language: str) -> bool:
        """Tell whether there is an easy-read sheet in a language (or the main one)."""
        return bool(self.pick(self.easy_read, language))

    def to_json(self) -> dict[str, Any]:
        """Return the stored document."""
        return {
            "languages": list(self.languages),
            "language_names": dict(self.language_names),
            "title": dict(self.title),
            "sheet": {
                lang: [_block_json(b) for b in blocks] for lang, blocks in self.sheet.items()
            },
            "easy_read": {
                lang: [{"text": p.text, "picture": p.picture, "alt": p.alt} for p in parts]
                for lang, parts in self.easy_read.items()
            },
            "statements": [
                {
                    "key": s.key,
                    "purpose": s.purpose.value,
                    "required": s.required,
                    "text": dict(s.text),
                    "easy_read": dict(s.easy_read),
                }
                for s in self.statements
            ],
            "withdraw": dict(self.withdraw),
        }


def _block_json(block: Block) -> dict[str, Any]:
    if block.kind == "list":
        return {"kind": "list", "items": list(block.items)}
    return {"kind": block.kind, "text": block.text}


def read_content(document: Any) -> ConsentContent:
    """Check a stored or submitted document and return it; raise DomainError saying what
    is wrong, in plain words."""
    if not isinstance(document, dict):
        raise DomainError(_("The consent form is not in the expected shape."))
    languages = _languages(document.get("languages"))
    main = languages[0]
    names = _texts(document.get("language_names", {}), languages, required=False)
    title = _texts(document.get("title"), languages, required=True, what=_("title"))
    statements = _statements(document.get("statements"), languages)
    return ConsentContent(
        languages=languages,
        language_names={code: names.get(code) or code for code in languages},
        title=title,
        sheet=_sheet(document.get("sheet"), languages, main),
        easy_read=_easy_read(document.get("easy_read", {}), languages),
        statements=statements,
        withdraw=_texts(
            document.get("withdraw"), languages, required=True, what=_("how to withdraw")
        ),
    )


def _languages(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or len(value) > MAX_LANGUAGES:
        raise DomainError(_("A consent form needs between 1 and %(n)d languages.", n=MAX_LANGUAGES))
    if any(not isinstance(c, str) or not LANGUAGE_CODE.match(c) for c in value):
        raise DomainError(_("A language code of the consent form is not valid."))
    if len(set(value)) != len(value):
        raise DomainError(_("A language appears twice in the consent form."))
    return tuple(value)


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise DomainError(
            _("The %(what)s must be text of at most %(n)d characters.", what=what, n=MAX_TEXT)
        )
    return value.strip()


def _texts(
    value: Any, languages: tuple[str, ...], *, required: bool, what: str = ""
) -> dict[str, str]:
    """Return texts by language; with `required`, the main language's must not be empty."""
    if not isinstance(value, dict) or any(code not in languages for code in value):
        raise DomainError(_("The %(what)s is not given by the form's languages.", what=what))
    texts = {code: _text(text, what) for code, text in value.items()}
    if required and not texts.get(languages[0]):
        raise DomainError(_("The %(what)s is missing in the main language.", what=what))
    return texts


def _sheet(value: Any, languages: tuple[str, ...], main: str) -> dict[str, tuple[Block, ...]]:
    if not isinstance(value, dict) or any(code not in languages for code in value):
        raise DomainError(_("The information sheet is not given by the form's languages."))
    sheet = {
        code: tuple(_block(b) for b in _list(blocks, MAX_BLOCKS)) for code, blocks in value.items()
    }
    if not sheet.get(main):
        raise DomainError(_("The information sheet is empty in the main language."))
    return sheet


def _list(value: Any, most: int) -> list[Any]:
    if not isinstance(value, list) or len(value) > most:
        raise DomainError(_("A part of the consent form is too long (at most %(n)d).", n=most))
    return value


def _block(value: Any) -> Block:
    if not isinstance(value, dict) or value.get("kind") not in BLOCK_KINDS:
        raise DomainError(_("A part of the information sheet is not a heading, paragraph or list."))
    if value["kind"] == "list":
        items = tuple(_text(item, _("list item")) for item in _list(value.get("items"), MAX_BLOCKS))
        if not any(items):
            raise DomainError(_("A list in the information sheet is empty."))
        return Block(kind="list", items=tuple(item for item in items if item))
    text = _text(value.get("text"), _("information sheet"))
    if not text:
        raise DomainError(_("A heading or paragraph of the information sheet is empty."))
    return Block(kind=value["kind"], text=text)


def _easy_read(value: Any, languages: tuple[str, ...]) -> dict[str, tuple[EasyReadPart, ...]]:
    if not isinstance(value, dict) or any(code not in languages for code in value):
        raise DomainError(_("The easy-read sheet is not given by the form's languages."))
    return {
        code: tuple(_easy_part(p) for p in _list(parts, MAX_BLOCKS))
        for code, parts in value.items()
    }


def _easy_part(value: Any) -> EasyReadPart:
    if not isinstance(value, dict):
        raise DomainError(_("A part of the easy-read sheet is not in the expected shape."))
    text = _text(value.get("text"), _("easy-read sheet"))
    picture = value.get("picture")
    if picture is not None and (not isinstance(picture, str) or len(picture) > 80):
        raise DomainError(_("A picture of the easy-read sheet is not valid."))
    alt = _text(value.get("alt", ""), _("picture description"))
    if picture and not alt:
        raise DomainError(_("Each picture of the easy-read sheet needs a description."))
    if not text:
        raise DomainError(_("A part of the easy-read sheet has no words."))
    return EasyReadPart(text=text, picture=picture or None, alt=alt)


def _statements(value: Any, languages: tuple[str, ...]) -> tuple[Statement, ...]:
    items = _list(value, MAX_STATEMENTS)
    statements = tuple(_statement(item, languages) for item in items)
    keys = [s.key for s in statements]
    if len(set(keys)) != len(keys):
        raise DomainError(_("Two consent statements have the same name in the data."))
    if not any(s.required for s in statements):
        raise DomainError(
            _("A consent form needs at least one statement the person must agree to.")
        )
    for purpose in (StatementPurpose.QUOTES, StatementPurpose.RECONTACT):
        if sum(s.purpose == purpose for s in statements) > 1:
            raise DomainError(_("Only one statement may be about quotes, and one about contact."))
    return statements


def _statement(value: Any, languages: tuple[str, ...]) -> Statement:
    if not isinstance(value, dict):
        raise DomainError(_("A consent statement is not in the expected shape."))
    key = value.get("key")
    if not isinstance(key, str) or not STATEMENT_KEY.match(key):
        raise DomainError(
            _(
                "A statement's name in the data must start with a small letter and use only "
                "small letters, digits and _ (at most 40)."
            )
        )
    try:
        purpose = StatementPurpose(value.get("purpose", "other"))
    except ValueError:
        raise DomainError(_("A consent statement's purpose is not one we know.")) from None
    if not isinstance(value.get("required"), bool):
        raise DomainError(_("Say whether each consent statement must be agreed to."))
    return Statement(
        key=key,
        purpose=purpose,
        required=value["required"],
        text=_texts(value.get("text"), languages, required=True, what=_("statement")),
        easy_read=_texts(
            value.get("easy_read", {}), languages, required=False, what=_("statement")
        ),
    )


def default_content(language: str = "en", language_name: str = "English") -> dict[str, Any]:
    """Return a sensible first draft: the usual statements, for a study to adjust."""

    def one(text: str) -> dict[str, str]:
        return {language: text}

    return {
        "languages": [language],
        "language_names": {language: language_name},
        "title": one(_("Taking part in our study")),
        "sheet": {
            language: [
                {"kind": "heading", "text": _("What is the study about?")},
                {
                    "kind": "paragraph",
                    "text": _("We want to hear about your experience of care and support."),
                },
                {"kind": "heading", "text": _("What will happen?")},
                {
                    "kind": "paragraph",
                    "text": _(
                        "A peer researcher will ask you some questions. It takes about 30 minutes."
                    ),
                },
                {"kind": "heading", "text": _("Do I have to take part?")},
                {
                    "kind": "paragraph",
                    "text": _(
                        "No. It is your choice. You can stop at any time without giving a reason."
                    ),
                },
            ]
        },
        "easy_read": {},
        "statements": [
            {
                "key": "take_part",
                "purpose": "take_part",
                "required": True,
                "text": one(_("I have read or heard the information and I agree to take part.")),
                "easy_read": one(_("I want to take part.")),
            },
            {
                "key": "quotes",
                "purpose": "quotes",
                "required": False,
                "text": one(_("I agree that my words can be quoted, without my name.")),
                "easy_read": one(_("You can use my words. Do not use my name.")),
            },
            {
                "key": "recontact",
                "purpose": "recontact",
                "required": False,
                "text": one(_("I agree to be contacted about future research.")),
                "easy_read": one(_("You can contact me about new research.")),
            },
        ],
        "withdraw": one(
            _(
                "You can stop taking part at any time. Tell the person who interviewed you, "
                "or contact the study team."
            )
        ),
    }
