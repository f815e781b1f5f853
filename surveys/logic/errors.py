"""The two errors the logic language raises: one for bad syntax, one while working out a value."""

from __future__ import annotations


class LogicSyntaxError(ValueError):
    """An expression that cannot be read, with where (0-based) and what was expected."""

    def __init__(self, message: str, position: int, expected: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.expected = expected


class LogicEvaluationError(ValueError):
    """An expression that was read but cannot be worked out (unknown function, bad pattern)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def at(position: int, text: str) -> str:
    """Return a message that starts with the 1-based character a person can find."""
    return f"At character {position + 1}: {text}"
