"""The parts of a plain-words reading: conditions ("the answer to “Age” is 18 or more") and
values ("the answer to “Age” plus 1"), said from the questionnaire's own labels.

:mod:`surveys.logic.reading` puts them into sentences; this module knows the grammar.
A condition about one thing is a :class:`Claim`: its subject and what is said of it, so
that ``${age} >= 18 and ${age} < 120`` reads "the answer to “Age” is 18 or more and less
than 120". Parts that cannot be said well raise :class:`TooComplex`; parts said only
roughly (a pattern) clear :attr:`Reader.complete`, so the expression is shown beside them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _

from .ast import Binary, Call, Current, Negate, Node, Number, Reference, String
from .wording_values import ONE_ANSWER_TYPES, QuestionInfo, TooComplex, ValueReader

COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})
FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}
# Conditions inside conditions inside conditions are no longer plain words.
MAX_NESTING = 2


@dataclass(frozen=True)
class Predicate:
    """What is said of a subject: "is 18 or more" / "be 18 or more" / "includes “Cats”".

    `complement` is set when the predicate is "is" plus something ("18 or more"), so that
    several can share one verb: "is 18 or more and less than 120". `opposite` makes the
    predicate that says the opposite ("does not include “Cats”"), when there is a plain one.
    """

    says: str
    must: str
    complement: str | None = None
    opposite: Callable[[], Predicate] | None = field(default=None, compare=False, repr=False)

    def negated(self) -> Predicate | None:
        """Return the predicate that says the opposite, or None if there is no plain one."""
        if self.opposite is not None:
            return self.opposite()
        if self.complement is not None:
            what = self.complement
            return Predicate(
                _("is not %(what)s", what=what),
                _("not be %(what)s", what=what),
                opposite=lambda: self,
            )
        return None


@dataclass(frozen=True)
class Claim:
    """A condition about one subject: one or more predicates joined by "and" or "or"."""

    subject: str
    key: Node
    predicates: tuple[Predicate, ...]
    joiner: str = "and"

    def predicate_text(self, *, must: bool) -> str:
        """Say the predicates, sharing "is"/"be" when they all have one."""
        if all(part.complement is not None for part in self.predicates):
            joined = join([part.complement or "" for part in self.predicates], self.joiner)
            return _("be %(what)s", what=joined) if must else _("is %(what)s", what=joined)
        return join([part.must if must else part.says for part in self.predicates], self.joiner)

    def text(self) -> str:
        """Say the whole condition."""
        return _(
            "%(subject)s %(predicate)s",
            subject=self.subject,
            predicate=self.predicate_text(must=False),
        )


@dataclass(frozen=True)
class Compound:
    """Conditions joined by "and" or "or"."""

    op: str
    parts: tuple[Condition, ...]

    def text(self, *, inner: bool = False) -> str:
        """Say the conditions; inside another compound, mark where this one starts."""
        texts = [_text(part, inner=True) for part in self.parts]
        if not inner and any(isinstance(part, Compound) for part in self.parts):
            # "both A and B, or C": the comma shows where the inner part ends
            return join_marked(texts, self.op)
        if not inner:
            return join(texts, self.op)
        if self.op == "or":
            return _("either %(options)s", options=join(texts, "or"))
        if len(texts) == 2:
            return _("both %(first)s and %(second)s", first=texts[0], second=texts[1])
        return _("all of these: %(list)s", list=join(texts, "and"))


@dataclass(frozen=True)
class Plain:
    """A condition said as a whole sentence part."""

    words: str

    def text(self) -> str:
        """Say it."""
        return self.words


Condition = Claim | Compound | Plain


def _text(condition: Condition, *, inner: bool = False) -> str:
    return condition.text(inner=inner) if isinstance(condition, Compound) else condition.text()


def join(parts: list[str], joiner: str) -> str:
    """Join "a", "b" and "c" as "a, b and c" (or "or")."""
    if len(parts) == 1:
        return parts[0]
    last = _("%(rest)s and %(last)s") if joiner == "and" else _("%(rest)s or %(last)s")
    return last % {"rest": ", ".join(parts[:-1]), "last": parts[-1]}


def join_marked(parts: list[str], joiner: str) -> str:
    """Join parts that hold "and"/"or" of their own: "a and b, or c"."""
    last = _("%(rest)s, and %(last)s") if joiner == "and" else _("%(rest)s, or %(last)s")
    return last % {"rest": ", ".join(parts[:-1]), "last": parts[-1]}


def _flatten(node: Node, op: str) -> list[Node]:
    """Return the parts of a chain like `a and b and c`."""
    if isinstance(node, Binary) and node.op == op:
        return _flatten(node.left, op) + _flatten(node.right, op)
    return [node]


@dataclass
class Reader:
    """Reads nodes as conditions and values, noting whether everything was said exactly."""

    questions: Mapping[str, QuestionInfo]
    current: QuestionInfo | None = None
    complete: bool = True
    values: ValueReader = field(init=False)

    def __post_init__(self) -> None:
        """Share the value reader, which reports roughly said parts back here."""
        self.values = ValueReader(self.questions, self.current, self.rough, self.condition_text)

    def rough(self) -> None:
        """Note that part of the reading is said only roughly."""
        self.complete = False

    def condition_text(self, node: Node) -> str:
        """Say a node as a condition."""
        return _text(self.condition(node))

    def condition(self, node: Node, depth: int = 0) -> Condition:
        """Read a node used as true or false."""
        if depth > MAX_NESTING:
            raise TooComplex
        if isinstance(node, Binary) and node.op in ("and", "or"):
            parts = [self.condition(part, depth + 1) for part in _flatten(node, node.op)]
            return _combine(node.op, parts)
        if isinstance(node, Binary) and node.op in COMPARISONS:
            return self._comparison(node)
        if isinstance(node, Call):
            reader = CONDITION_CALLS.get(node.name)
            if reader is not None:
                return reader(self, node, depth)
        return self._truthy(node)

    def claim(self, subject: Node, predicate: Predicate) -> Claim:
        """Make a claim about a subject node."""
        return Claim(self.values.subject(subject), subject, (predicate,))

    def _comparison(self, node: Binary) -> Condition:
        subject, other, op = node.left, node.right, node.op
        if _is_literal(subject) and not _is_literal(other):
            subject, other, op = other, subject, FLIPPED[op]
        if isinstance(other, String) and other.value == "" and op in ("=", "!="):
            given = answered(op == "!=", question=isinstance(subject, Reference | Current))
            return self.claim(subject, given)
        value = self.values.value_against(other, subject)
        dated = self.values.is_date(subject) or self.values.is_date(other)
        return self.claim(subject, compare(op, value, dated=dated))

    def _truthy(self, node: Node) -> Condition:
        """Read a value used as a condition: an answer given, or not empty or 0."""
        if isinstance(node, Reference | Current):
            return self.claim(node, answered(True))
        if isinstance(node, Number | String):
            return Plain(
                _("this is always true") if node.value not in ("", 0) else _("this is never true")
            )
        if isinstance(node, Call) and node.name == "if":
            raise TooComplex
        predicate = _pair(
            _("is not empty or 0"), _("not be empty or 0"), _("is empty or 0"), _("be empty or 0")
        )
        return self.claim(node, predicate)


def _is_literal(node: Node) -> bool:
    return isinstance(node, Number | String) or (
        isinstance(node, Negate) and isinstance(node.operand, Number)
    )


def _combine(op: str, parts: list[Condition]) -> Condition:
    """Join conditions, merging neighbours about the same subject into one claim."""
    merged: list[Condition] = []
    for part in parts:
        last = merged[-1] if merged else None
        if (
            isinstance(part, Claim)
            and isinstance(last, Claim)
            and last.key == part.key
            and (len(last.predicates) == 1 or last.joiner == op)
            and len(part.predicates) == 1
        ):
            merged[-1] = Claim(last.subject, last.key, last.predicates + part.predicates, op)
        else:
            merged.append(part)
    return merged[0] if len(merged) == 1 else Compound(op, tuple(merged))


def answered(given: bool, *, question: bool = True) -> Predicate:
    """Say that an answer is given (or a value is not empty), or not."""
    if question:
        yes = (_("is answered"), _("not be empty"))
        no = (_("is not answered"), _("be empty"))
    else:
        yes = (_("is not empty"), _("not be empty"))
        no = (_("is empty"), _("be empty"))
    return _pair(*yes, *no) if given else _pair(*no, *yes)


def compare(op: str, value: str, *, dated: bool = False) -> Predicate:
    """Say a comparison with a value ("18 or more", "before 2024-01-01")."""
    if op == "!=":
        same = compare("=", value)
        return Predicate(
            _("is not %(value)s", value=value),
            _("not be %(value)s", value=value),
            opposite=lambda: same,
        )
    words = {
        "=": "%(value)s",
        "<": _("before %(value)s") if dated else _("less than %(value)s"),
        "<=": _("%(value)s or earlier") if dated else _("%(value)s or less"),
        ">": _("after %(value)s") if dated else _("more than %(value)s"),
        ">=": _("%(value)s or later") if dated else _("%(value)s or more"),
    }[op]
    complement = words % {"value": value}
    return Predicate(
        _("is %(what)s", what=complement), _("be %(what)s", what=complement), complement
    )


def _not(reader: Reader, node: Call, depth: int) -> Condition:
    inner = reader.condition(node.args[0], depth + 1)
    if isinstance(inner, Claim) and len(inner.predicates) == 1:
        opposite = inner.predicates[0].negated()
        if opposite is not None:
            return Claim(inner.subject, inner.key, (opposite,))
    return Plain(_("it is not true that %(condition)s", condition=_text(inner, inner=True)))


def _pair(says: str, must: str, says_not: str, must_not: str) -> Predicate:
    """Make a predicate that knows its opposite (and the opposite knows it)."""
    yes = Predicate(says, must, opposite=lambda: no)
    no = Predicate(says_not, must_not, opposite=lambda: yes)
    return yes


def _selected(reader: Reader, node: Call, depth: int) -> Condition:
    subject, choice = node.args
    value = reader.values.value_against(choice, subject)
    if reader.values.type_of(subject) in ONE_ANSWER_TYPES:
        return reader.claim(subject, compare("=", value))
    predicate = _pair(
        _("includes %(value)s", value=value),
        _("include %(value)s", value=value),
        _("does not include %(value)s", value=value),
        _("not include %(value)s", value=value),
    )
    return reader.claim(subject, predicate)


def _regex(reader: Reader, node: Call, depth: int) -> Condition:
    reader.rough()
    predicate = _pair(
        _("fits a pattern the tablet checks"),
        _("fit a pattern the tablet checks"),
        _("does not fit a pattern the tablet checks"),
        _("not fit a pattern the tablet checks"),
    )
    return reader.claim(node.args[0], predicate)


def _boolean(reader: Reader, node: Call, depth: int) -> Condition:
    return reader.condition(node.args[0], depth)


def _from_string(reader: Reader, node: Call, depth: int) -> Condition:
    words = _("%(first)s or %(second)s", first="“true”", second="“1”")
    return reader.claim(node.args[0], compare("=", words))


def _constant(value: bool) -> Callable:
    def read(reader: Reader, node: Call, depth: int) -> Condition:
        return Plain(_("this is always true") if value else _("this is never true"))

    return read


def _contains(reader: Reader, node: Call, depth: int) -> Condition:
    part = reader.values.value(node.args[1])
    predicate = _pair(
        _("contains %(part)s", part=part),
        _("contain %(part)s", part=part),
        _("does not contain %(part)s", part=part),
        _("not contain %(part)s", part=part),
    )
    return reader.claim(node.args[0], predicate)


def _starts_with(reader: Reader, node: Call, depth: int) -> Condition:
    part = reader.values.value(node.args[1])
    predicate = _pair(
        _("starts with %(part)s", part=part),
        _("start with %(part)s", part=part),
        _("does not start with %(part)s", part=part),
        _("not start with %(part)s", part=part),
    )
    return reader.claim(node.args[0], predicate)


def _ends_with(reader: Reader, node: Call, depth: int) -> Condition:
    part = reader.values.value(node.args[1])
    predicate = _pair(
        _("ends with %(part)s", part=part),
        _("end with %(part)s", part=part),
        _("does not end with %(part)s", part=part),
        _("not end with %(part)s", part=part),
    )
    return reader.claim(node.args[0], predicate)


CONDITION_CALLS: dict[str, Callable[[Reader, Call, int], Condition]] = {
    "not": _not,
    "selected": _selected,
    "regex": _regex,
    "boolean": _boolean,
    "boolean-from-string": _from_string,
    "true": _constant(True),
    "false": _constant(False),
    "contains": _contains,
    "starts-with": _starts_with,
    "ends-with": _ends_with,
}
