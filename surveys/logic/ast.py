"""The syntax tree: frozen dataclasses compared by structure (positions are not compared)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Node:
    """Any part of an expression."""


@dataclass(frozen=True)
class Number(Node):
    """A number literal, kept as written (`2.50`)."""

    text: str
    position: int = field(default=0, compare=False, repr=False)
    value: float = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        """Work out the value once."""
        object.__setattr__(self, "value", float(self.text))


@dataclass(frozen=True)
class String(Node):
    """A text literal in single or double quotes."""

    value: str
    position: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Reference(Node):
    """`${name}`: the answer to another question."""

    name: str
    position: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Current(Node):
    """`.`: the answer to the question being checked."""

    position: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Negate(Node):
    """Unary minus."""

    operand: Node
    position: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Binary(Node):
    """Two values joined by an operator (`+`, `div`, `=`, `and`, ...)."""

    op: str
    left: Node
    right: Node
    position: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Call(Node):
    """A function call such as `selected(${colours}, 'red')`."""

    name: str
    args: tuple[Node, ...]
    position: int = field(default=0, compare=False, repr=False)


# Binding strength of the binary operators, as in XPath; unary minus binds tighter than all.
LEVELS: dict[str, int] = {
    "or": 1,
    "and": 2,
    "=": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "div": 6,
    "mod": 6,
}
UNARY_LEVEL = 7
