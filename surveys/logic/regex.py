"""The regular-expression subset of regex(): patterns that mean the same in Python and JavaScript.

Patterns are checked and rewritten for each engine: `\\s` becomes `[ \\t\\n\\r\\f\\v]` (the
engines disagree about Unicode spaces), `.` becomes `[^\\n]`, and `$` means the very end.
`\\d`, `\\w` and `\\b` are ASCII-only in both. Look-behind, named groups, back-references,
flags, possessive quantifiers and `\\p{...}` are refused.

**No pattern can keep the server busy.** A backtracking engine can take exponential time on
patterns like `(a+)+$` with a crafted answer, and the tablet sends the answers. Searches run
in the `regex` engine (the same syntax as `re` for this subset) with a time limit,
`SEARCH_SECONDS`; a search that runs out raises `PatternTimeoutError`, so the interview is
held for a person to look at instead of occupying a worker. Answers are also capped in
length before any logic runs (see `surveys/fielding/limits.py`).
"""

from __future__ import annotations

import re
from functools import lru_cache

import regex

_SYNTAX = frozenset("^$\\.*+?()[]{}|/-")
_CONTROL = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}
_SPACE_CLASS = " \\t\\n\\r\\f\\v"
_REPEAT = re.compile(r"\{([0-9]+)(?:(,)([0-9]*))?\}")
MAX_REPEAT = 1000
# The longest one search may take. Real patterns on real answers take microseconds.
SEARCH_SECONDS = 0.2


class PatternError(ValueError):
    """A pattern outside the supported subset, with a plain-English reason."""


class PatternTimeoutError(PatternError):
    """A search took longer than SEARCH_SECONDS (a pattern that backtracks on this text)."""


@lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> regex.Pattern[str]:
    """Check a pattern and compile its Python form; raise PatternError if it is not allowed."""
    try:
        return regex.compile(translate(pattern), regex.ASCII | regex.VERSION0)
    except regex.error as error:  # pragma: no cover - translate() refuses what regex would
        raise PatternError(str(error)) from error


def search(pattern: str, text: str) -> bool:
    """Say whether the pattern matches anywhere in the text, within SEARCH_SECONDS."""
    try:
        return compile_pattern(pattern).search(text, timeout=SEARCH_SECONDS) is not None
    except TimeoutError as error:
        raise PatternTimeoutError(
            "checking the answer against this pattern took too long"
        ) from error


def translate(pattern: str) -> str:
    """Return the Python form of a pattern in the supported subset."""
    reader = _Reader(pattern)
    result = reader.alternatives()
    if reader.more():
        raise PatternError("a ')' has no '(' before it")
    return result


class _Reader:
    """Read a pattern left to right, writing out its Python form."""

    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.index = 0

    def more(self) -> bool:
        """Say whether any pattern is left."""
        return self.index < len(self.text)

    def peek(self, ahead: int = 0) -> str:
        """Return the character `ahead` places on, or ''."""
        return self.text[self.index + ahead : self.index + ahead + 1]

    def take(self) -> str:
        """Return the next character and step past it."""
        char = self.text[self.index]
        self.index += 1
        return char

    def alternatives(self) -> str:
        """Read `a|b|c`."""
        parts = [self.sequence()]
        while self.peek() == "|":
            self.index += 1
            parts.append(self.sequence())
        return "|".join(parts)

    def sequence(self) -> str:
        """Read terms up to `|`, `)` or the end."""
        parts = []
        while self.more() and self.peek() not in "|)":
            parts.append(self.term())
        return "".join(parts)

    def term(self) -> str:
        """Read an assertion, or an atom with an optional repeat."""
        char = self.peek()
        if char in ("^", "$"):
            self.index += 1
            return self.no_repeat("^" if char == "^" else r"\Z")
        if char == "\\" and self.peek(1) in ("b", "B"):
            self.index += 2
            return self.no_repeat("\\" + self.text[self.index - 1])
        if char == "(" and self.peek(1) == "?" and self.peek(2) in ("=", "!"):
            kind = self.peek(2)
            self.index += 3
            inner = self.alternatives()
            self.close_group()
            return self.no_repeat(f"(?{kind}{inner})")
        return self.atom() + self.repeat()

    def no_repeat(self, text: str) -> str:
        """Refuse a repeat after something that matches no characters."""
        if self.peek() in ("*", "+", "?", "{"):
            raise PatternError(f"'{self.peek()}' has nothing before it to repeat")
        return text

    def atom(self) -> str:
        """Read one thing that matches characters."""
        char = self.take()
        if char == "(":
            return self.group()
        if char == "[":
            return self.character_class()
        if char == ".":
            return "[^\\n]"
        if char == "\\":
            return self.escape()
        if char in "*+?{":
            raise PatternError(f"'{char}' has nothing before it to repeat")
        return re.escape(char)

    def group(self) -> str:
        """Read `(...)` or `(?:...)`; the other `(?` forms are refused."""
        prefix = "("
        if self.peek() == "?":
            if self.peek(1) != ":":
                raise PatternError(_group_problem(self.peek(1), self.peek(2)))
            self.index += 2
            prefix = "(?:"
        inner = self.alternatives()
        self.close_group()
        return f"{prefix}{inner})"

    def close_group(self) -> None:
        """Step over the `)` that ends a group."""
        if self.peek() != ")":
            raise PatternError("a '(' is never closed with ')'")
        self.index += 1

    def escape(self) -> str:
        """Read what follows a backslash outside [ ]."""
        if not self.more():
            raise PatternError("a pattern can't end with \\")
        char = self.take()
        if char in "dDwW":
            return "\\" + char
        if char == "s":
            return f"[{_SPACE_CLASS}]"
        if char == "S":
            return f"[^{_SPACE_CLASS}]"
        if char in _CONTROL:
            return "\\" + char
        if char in _SYNTAX:
            return re.escape(char)
        raise PatternError(_escape_problem(char))

    def repeat(self) -> str:
        """Read an optional repeat (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`), maybe lazy."""
        char = self.peek()
        if char in ("*", "+", "?"):
            self.index += 1
            text = char
        elif char == "{":
            text = self.counted_repeat()
        else:
            return ""
        if self.peek() == "?":
            self.index += 1
            text += "?"
        if self.peek() in ("*", "+", "?", "{"):
            raise PatternError("two repeat signs in a row are not supported")
        return text

    def counted_repeat(self) -> str:
        """Read `{n}`, `{n,}` or `{n,m}`."""
        match = _REPEAT.match(self.text, self.index)
        if not match:
            raise PatternError("write \\{ for a curly bracket; a repeat looks like {2} or {2,5}")
        low, _, high = match.groups()
        if int(low) > MAX_REPEAT or (high and int(high) > MAX_REPEAT):
            raise PatternError("repeat counts above 1000 are not supported")
        if high and int(high) < int(low):
            raise PatternError(f"in {match.group()} the first number is bigger than the second")
        self.index = match.end()
        return match.group()

    def character_class(self) -> str:
        """Read `[...]` or `[^...]` with single characters, ranges, and \\d \\w \\s."""
        negate = self.peek() == "^"
        if negate:
            self.index += 1
        if self.peek() == "]":
            raise PatternError("'[]' with nothing inside can't be used; write \\] for a ]")
        items = []
        while True:
            if not self.more():
                raise PatternError("a '[' is never closed with ']'")
            if self.peek() == "]":
                self.index += 1
                return "[" + ("^" if negate else "") + "".join(items) + "]"
            items.append(self.class_item())

    def class_item(self) -> str:
        """Read one character, range or shorthand inside [ ]."""
        first = self.class_atom()
        if self.peek() != "-" or self.peek(1) in ("]", ""):
            return first if len(first) != 1 else re.escape(first)
        self.index += 1
        last = self.class_atom()
        if len(first) != 1 or len(last) != 1:
            raise PatternError("a range like a-z needs one character at each end")
        if first > last:
            raise PatternError(f"the range {first}-{last} is backwards")
        return f"{re.escape(first)}-{re.escape(last)}"

    def class_atom(self) -> str:
        """Return a character (length 1) or a shorthand's text (longer) inside [ ]."""
        char = self.take()
        if char != "\\":
            return char
        if not self.more():
            raise PatternError("a pattern can't end with \\")
        char = self.take()
        if char in "dDwW":
            return "\\" + char
        if char == "s":
            return _SPACE_CLASS
        if char in ("S", "b", "B"):
            raise PatternError(f"\\{char} can't be used inside [ ]")
        if char in _CONTROL:
            return _CONTROL[char]
        if char in _SYNTAX:
            return char
        raise PatternError(_escape_problem(char))


def _group_problem(second: str, third: str) -> str:
    """Explain why a `(?` group is refused."""
    if second == "<" and third in ("=", "!"):
        return "look-behind (?<= or (?<! is not supported"
    if second in ("<", "P"):
        return "named groups are not supported"
    return "(? with options is not supported; use (?: for a group"


def _escape_problem(char: str) -> str:
    """Explain why a backslash escape is refused."""
    if char.isdigit():
        return f"back-references like \\{char} are not supported"
    return f"\\{char} is not supported in patterns"
