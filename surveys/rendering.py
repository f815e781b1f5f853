"""Render a questionnaire for people to answer: what the question macros need to know.

The macros in ``templates/surveys/_question.html`` draw each question type with the GOV.UK
form patterns; the preview uses them now and the tablet interview will use them too. They read
everything through a :class:`RenderContext`: which language to show (falling back to the
default language, text by text), where a repeat instance sits, the answers given so far, the
errors to show, and where easy-read images are served from.

**How inputs are named.** The server (and the tablet) read answers back by these names:

- A question's answer is in the input named by its *field name*: the question's ``name``, after
  the path of the repeat instances it sits in. ``age`` is a question outside any repeat;
  ``helpers[0].helper_name`` is ``helper_name`` in the first item of the repeat section
  ``helpers``; repeats inside repeats chain: ``visits[1].helpers[0].helper_name``. Indices count
  from 0. Sections that do not repeat add nothing (names are unique in a questionnaire), and
  names never contain ``[``, so the path always splits cleanly.
- Parts of one answer add ``:part`` (a colon is never part of a name): ``name:other`` is the
  "Other, please say" text, ``name:day``/``name:month``/``name:year`` are the parts of a date,
  ``name:rank:<choice>`` is the position (1, 2, ...) given to a choice of a ranking question.
- Text, numbers and times: one input, ``name``. Yes/no, select one and rating: radios (or a
  drop-down for the ``minimal`` appearance) named ``name`` whose values are choice names, with
  ``other`` for "Other, please say". Select multiple: one checkbox per choice, all named
  ``name``. Acknowledge: one checkbox ``name`` with the value ``OK``. Calculate: a hidden input
  ``name`` holding the worked-out value. Notes have no input.
- Element ids are ``q-`` and the field name (``q-helpers[0].helper_name``, ``q-dob:day``).

**Answers as the logic language sees them** (the same as :func:`surveys.logic.evaluate`): an
unanswered question is ``''``; select multiple and ranking are lists of choice names (ranking in
order); whole numbers and decimals are numbers when they are well formed; dates are
``YYYY-MM-DD``, times ``HH:MM``; acknowledge is ``OK``; a question that is not relevant counts
as unanswered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from markupsafe import Markup, escape

from surveys import definition as d

# ${name} inside a label or hint shows that answer (XLSForm "output"), filled in live.
OUTPUT_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}")
FACES = 5  # peer_research/static/img/faces/face-1.svg (saddest) ... face-5.svg (happiest)
ACKNOWLEDGED = "OK"
OTHER = "other"


@dataclass(frozen=True)
class Text:
    """One piece of questionnaire text in the language it is shown in."""

    html: Markup  # escaped, with ${name} references turned into live placeholders
    plain: str  # the text as written
    lang: str
    dir: str  # "ltr" or "rtl"
    fallback: bool  # shown in the default language because this one has no translation


@dataclass(frozen=True)
class RenderContext:
    """What the question macros need: language, repeat path, answers, errors, image addresses."""

    definition: d.FormDefinition
    language: d.Language
    prefix: str = ""  # the repeat path of the items being drawn, e.g. "helpers[0]."
    values: Mapping[str, object] = field(default_factory=dict)  # field name -> answer
    errors: Mapping[str, str] = field(default_factory=dict)  # field name -> message
    image_url: Callable[[str], str] | None = None  # stored image name -> its address
    mark_fallbacks: bool = False  # say so beside text shown in the default language

    @property
    def dir(self) -> str:
        """Return the writing direction of the chosen language."""
        return "rtl" if self.language.right_to_left else "ltr"

    def text(self, texts: d.Translated) -> Text | None:
        """Return the text in the chosen language, else in the default language, else None."""
        default = self.definition.default_language
        for language, fallback in ((self.language, False), (default, True)):
            written = (texts.get(language.code) or "").strip()
            if written:
                return Text(
                    html=_with_outputs(written),
                    plain=written,
                    lang=language.code,
                    dir="rtl" if language.right_to_left else "ltr",
                    fallback=fallback and language.code != self.language.code,
                )
        return None

    def field(self, question: d.Question) -> str:
        """Return the name of the input that holds this question's answer."""
        return self.prefix + question.name

    def id(self, question: d.Question, part: str = "") -> str:
        """Return the element id of a question's input (or of one part of it)."""
        return f"q-{self.field(question)}" + (f":{part}" if part else "")

    def inside(self, section: d.Section, index: int | str) -> RenderContext:
        """Return the context for one instance of a repeat section (index may be a placeholder)."""
        return replace(self, prefix=f"{self.prefix}{section.name}[{index}].")

    def placeholder(self, section: d.Section) -> str:
        """Return the stand-in for a new instance's number in a repeat's template."""
        return f"__i.{self.prefix}{section.name}__"

    def instance_count(self, section: d.Section) -> int:
        """Return how many instances of a repeat to draw: as many as have answers, at least 1."""
        start = f"{self.prefix}{section.name}["
        indices = [
            int(name[len(start) :].split("]", 1)[0])
            for name in self.values
            if name.startswith(start) and name[len(start) :].split("]", 1)[0].isdigit()
        ]
        return max(indices, default=0) + 1

    def value(self, question: d.Question) -> str:
        """Return the answer to show in a one-value input: the one given, else the default."""
        raw = self.values.get(self.field(question))
        if raw is None:
            return question.default
        if isinstance(raw, list | tuple):
            return " ".join(str(item) for item in raw)
        return str(raw)

    def selected(self, question: d.Question) -> list[str]:
        """Return the chosen choice names (select questions), in order."""
        raw = self.values.get(self.field(question))
        if raw is None:
            raw = question.default
        if isinstance(raw, list | tuple):
            return [str(item) for item in raw]
        return str(raw).split()

    def part(self, question: d.Question, part: str) -> str:
        """Return the value of one part of an answer (a date's day, the other text)."""
        raw = self.values.get(f"{self.field(question)}:{part}")
        if raw is not None:
            return str(raw)
        if question.type == d.QuestionType.DATE and part in DATE_PARTS:
            match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", self.value(question).strip())
            return match.group(DATE_PARTS[part]) if match else ""
        return ""

    def rank(self, question: d.Question, choice: d.Choice) -> str:
        """Return the position given to a choice of a ranking question ('' when none)."""
        order = self.selected(question) if self.values.get(self.field(question)) else []
        if choice.name in order:
            return str(order.index(choice.name) + 1)
        return str(self.values.get(f"{self.field(question)}:rank:{choice.name}", ""))

    def error(self, question: d.Question) -> str | None:
        """Return the error to show beside a question, if any."""
        return self.errors.get(self.field(question))

    def image(self, stored_name: str | None) -> str | None:
        """Return the address of an easy-read image, or None when there is none to show."""
        if not stored_name or self.image_url is None:
            return None
        return self.image_url(stored_name)

    def face(self, position: int, count: int) -> str:
        """Return the static file of the face for one point of an easy-read rating scale."""
        return f"img/faces/face-{face_number(position, count)}.svg"

    def has_images(self, question: d.Question) -> bool:
        """Tell whether any choice of a question has an image to show."""
        return any(self.image(choice.image) for choice in question.choices)


DATE_PARTS = {"year": 1, "month": 2, "day": 3}


def face_number(position: int, count: int) -> int:
    """Return which face (1 saddest ... 5 happiest) stands for a point of a rating scale.

    Rating scales are written from lowest to highest, so the first point gets the saddest face
    and the last the happiest, spread evenly between.
    """
    if count <= 1:
        return (FACES + 1) // 2
    return 1 + round(position * (FACES - 1) / (count - 1))


def _with_outputs(text: str) -> Markup:
    """Escape text and turn each ${name} into a placeholder the interview script fills in."""
    parts: list[str] = []
    last = 0
    for match in OUTPUT_REFERENCE.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(
            Markup('<span class="app-output" data-output="{}"></span>').format(match.group(1))
        )
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def untranslated_count(definition: d.FormDefinition, language: d.Language) -> int:
    """Count the texts written in the default language but not yet in this one."""
    default = definition.default_language.code
    if language.code == default:
        return 0
    texts: list[d.Translated] = []
    for item, _parents in definition.walk():
        texts += [item.label, item.hint]
        if isinstance(item, d.Question):
            texts += [item.required_message, item.constraint_message]
            texts += [choice.label for choice in item.choices]
    return sum(
        1
        for text in texts
        if (text.get(default) or "").strip() and not (text.get(language.code) or "").strip()
    )


def calculations(definition: d.FormDefinition) -> list[d.Question]:
    """Return the hidden calculations, in order."""
    return [q for q in definition.questions() if q.type == d.QuestionType.CALCULATE]
