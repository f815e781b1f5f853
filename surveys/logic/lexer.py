"""Split an expression into tokens, one at a time, so that the parser can stop early."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn

from .errors import LogicSyntaxError, at

# Characters the parts of an expression (not counting spaces between them) may use in all.
MAX_LENGTH = 2000
# Longer text is refused before it is even read, spaces and all.
MAX_RAW_LENGTH = 50_000
TOO_LONG = "this expression is too long (the most is 2,000 characters, not counting spaces)"

# XPath's whitespace, plus the no-break space that word processors slip into spreadsheets.
WHITESPACE = frozenset(" \t\n\r\u00a0")
KEYWORDS = frozenset({"and", "or", "div", "mod"})
OPERAND_ENDS = frozenset({"number", "string", "ref", "current", ")"})

_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# XML names (XLSForm question names) without the colon: the same ranges in the JavaScript.
_NAME_START = (
    "A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NAME = re.compile(f"[{_NAME_START}][{_NAME_START}\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040]*")
_SMART_QUOTES = frozenset("\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f")
_HINTS = {
    "&": "write 'and' instead of &",
    "|": "write 'or' instead of |",
    "/": "to divide, write div (for example 10 div 2); paths with / are not used here",
}


@dataclass(frozen=True, slots=True)
class Token:
    """One part of an expression: its kind, its text as written, where it starts, its value."""

    kind: str  # number string ref current function word op ( ) , end
    text: str
    position: int
    value: str = ""


def is_valid_name(name: str) -> bool:
    """Say whether a question name is XML-name-like (letter or _ first; letters, digits, _-.)."""
    return _NAME.fullmatch(name) is not None


def shorten(text: str) -> str:
    """Return text short enough to quote in a message."""
    return text if len(text) <= 20 else text[:20] + "..."


def describe(token: Token) -> str:
    """Name a token in a message."""
    return "the end of the expression" if token.kind == "end" else f"'{shorten(token.text)}'"


class Lexer:
    """Read tokens from the source on demand, counting the characters they use."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.offset = 0
        self.used = 0
        self.previous = ""

    def next_token(self) -> Token:
        """Return the next token, or an `end` token; raise LogicSyntaxError on bad text."""
        source, offset = self.source, self.offset
        while offset < len(source) and source[offset] in WHITESPACE:
            offset += 1
        token = Token("end", "", len(source)) if offset >= len(source) else self._read(offset)
        self.used += len(token.text)
        if self.used > MAX_LENGTH:
            raise LogicSyntaxError(at(token.position, TOO_LONG), token.position)
        self.offset = token.position + len(token.text)
        self.previous = token.kind
        return token

    def _read(self, start: int) -> Token:
        """Read the token that starts at `start`."""
        source = self.source
        char = source[start]
        following = source[start + 1 : start + 2]
        number = _NUMBER.match(source, start)
        if number:
            return self._number(start, number.group())
        word = _WORD.match(source, start)
        if word:
            return self._word(start, word.group())
        if char == ".":
            if following == ".":
                self._fail(start, "'..' is not used here: name the question, like ${name}", "")
            return Token("current", ".", start)
        if char in "'\"":
            return self._string(start, char)
        if char == "$":
            return self._reference(start)
        return self._symbol(start, char, following)

    def _number(self, start: int, text: str) -> Token:
        """Make a number literal token (XPath has no exponents)."""
        if float(text) == float("inf"):
            self._fail(start, f"the number {shorten(text)} is too big", "a smaller number")
        return Token("number", text, start)

    def _string(self, start: int, quote: str) -> Token:
        """Read text in quotes; XPath has no escapes, so the other quote may appear inside."""
        end = self.source.find(quote, start + 1)
        if end < 0:
            self._fail(
                start, f"the text in quotes that starts here is never closed: add a {quote}", quote
            )
        return Token("string", self.source[start : end + 1], start, self.source[start + 1 : end])

    def _reference(self, start: int) -> Token:
        """Read `${name}`."""
        if not self.source.startswith("${", start):
            self._fail(start, "a question is written like ${name}", "'{'")
        end = self.source.find("}", start + 2)
        if end < 0:
            self._fail(start, "'${' starts a question name but there is no '}' to end it", "'}'")
        text = self.source[start : end + 1]
        name = text[2:-1]
        if not is_valid_name(name):
            message = (
                f"'{shorten(text)}' is not a question name: names start with a letter or _ "
                "and have only letters, digits, _, - and ."
            )
            self._fail(start, message, "a question name")
        return Token("ref", text, start, name)

    def _word(self, start: int, word: str) -> Token:
        """Make a function name, an operator word (and, or, div, mod) or a stray word token."""
        if self.previous in OPERAND_ENDS:
            return Token("op" if word in KEYWORDS else "word", word, start)
        after = start + len(word)
        while after < len(self.source) and self.source[after] in WHITESPACE:
            after += 1
        if self.source.startswith("(", after):
            return Token("function", word, start)
        return Token("op" if word in KEYWORDS else "word", word, start)

    def _symbol(self, start: int, char: str, following: str) -> Token:
        """Read an operator or bracket, or explain why the character cannot be used."""
        pair = char + following
        if pair in ("!=", "<=", ">="):
            return Token("op", pair, start)
        if pair == "==":
            self._fail(start, "write = instead of == to compare", "'='")
        if char == "!":
            self._fail(start, "write not(...) instead of !", "a value")
        if char in "=<>+-*":
            return Token("op", char, start)
        if char in "(),":
            return Token(char, char, start)
        if char in _SMART_QUOTES:
            self._fail(start, f"use a straight quote (' or \") instead of {char}", "a quote")
        if char in _HINTS:
            self._fail(start, _HINTS[char], "")
        self._fail(start, f"the character '{char}' can't be used here", "")

    def _fail(self, position: int, text: str, expected: str) -> NoReturn:
        """Raise a syntax error at a position."""
        raise LogicSyntaxError(at(position, text), position, expected)
