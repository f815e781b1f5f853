"""Print a syntax tree back as canonical source: single spaces, only the brackets it needs."""

from __future__ import annotations

from .ast import LEVELS, UNARY_LEVEL, Binary, Call, Current, Negate, Node, Number, Reference, String


def to_source(node: Node) -> str:
    """Return the canonical text of a tree; parsing it gives an equal tree."""
    if isinstance(node, Binary):
        level = LEVELS[node.op]
        left = _wrap(node.left, _level(node.left) < level)
        right = _wrap(node.right, _level(node.right) <= level)
        return f"{left} {node.op} {right}"
    if isinstance(node, Negate):
        return "-" + _wrap(node.operand, _level(node.operand) < UNARY_LEVEL)
    if isinstance(node, Call):
        return f"{node.name}({', '.join(to_source(arg) for arg in node.args)})"
    if isinstance(node, Number):
        return node.text
    if isinstance(node, String):
        return _quote(node.value)
    if isinstance(node, Reference):
        return f"${{{node.name}}}"
    if isinstance(node, Current):
        return "."
    raise TypeError(f"not a logic node: {node!r}")


def _level(node: Node) -> int:
    """Return how tightly a node binds (a literal or call binds tightest)."""
    if isinstance(node, Binary):
        return LEVELS[node.op]
    return UNARY_LEVEL if isinstance(node, Negate) else UNARY_LEVEL + 1


def _wrap(node: Node, needs_brackets: bool) -> str:
    """Print a node, in brackets if it binds too loosely for its place."""
    text = to_source(node)
    return f"({text})" if needs_brackets else text


def _quote(value: str) -> str:
    """Quote text; XPath has no escapes, so text with both kinds of quote cannot be a literal."""
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise ValueError("text with both ' and \" cannot be written as one literal")
