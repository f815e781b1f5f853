"""Read an expression into a syntax tree: a small recursive-descent parser with hard limits."""

from __future__ import annotations

from functools import lru_cache
from typing import NoReturn

from .ast import LEVELS, Binary, Call, Current, Negate, Node, Number, Reference, String
from .errors import LogicSyntaxError, at
from .lexer import MAX_RAW_LENGTH, TOO_LONG, Lexer, Token, describe

MAX_BRACKETS = 100
# The syntax tree may be this deep; it keeps every recursive walk far from Python's limit.
MAX_STEPS = 200
TOO_MANY_BRACKETS = "this expression has too many brackets inside each other (the most is 100)"
TOO_COMPLICATED = (
    "this expression is too complicated to work out (more than 200 steps inside each other): "
    "split it into smaller calculations"
)

Part = tuple[Node, int]  # a node and the depth of the tree under it


def parse(expression: str) -> Node:
    """Read an expression; raise LogicSyntaxError (with position and message) if it can't be."""
    if not isinstance(expression, str):
        raise TypeError(f"an expression is text, not {type(expression).__name__}")
    if len(expression) > MAX_RAW_LENGTH:
        raise LogicSyntaxError(at(0, TOO_LONG), 0)
    return _parse(expression)


@lru_cache(maxsize=4096)
def _parse(expression: str) -> Node:
    """Parse once per distinct expression: trees are immutable, so they can be shared."""
    parser = _Parser(expression)
    if parser.token.kind == "end":
        raise LogicSyntaxError(at(0, "this expression is empty"), 0, "a value")
    node, _ = parser.expression()
    if parser.token.kind != "end":
        parser.unexpected_after_value()
    return node


class _Parser:
    """Turn tokens into nodes, counting open brackets and the depth of the tree."""

    def __init__(self, source: str) -> None:
        self.lexer = Lexer(source)
        self.brackets = 0
        self.token = self.lexer.next_token()

    def advance(self) -> None:
        """Move to the next token."""
        self.token = self.lexer.next_token()

    def expression(self) -> Part:
        """Read values joined by binary operators, binding by XPath precedence (left first)."""
        operands = [self.unary()]
        operators: list[Token] = []
        while self.token.kind == "op":
            operator = self.token
            while operators and LEVELS[operators[-1].text] >= LEVELS[operator.text]:
                self.reduce(operands, operators.pop())
            operators.append(operator)
            self.advance()
            operands.append(self.unary())
        while operators:
            self.reduce(operands, operators.pop())
        return operands[0]

    def reduce(self, operands: list[Part], operator: Token) -> None:
        """Join the last two operands with an operator."""
        right, right_depth = operands.pop()
        left, left_depth = operands.pop()
        node = Binary(operator.text, left, right, operator.position)
        operands.append(self.build(node, 1 + max(left_depth, right_depth)))

    def unary(self) -> Part:
        """Read any number of leading minus signs and the value they apply to."""
        minuses: list[Token] = []
        while self.token.kind == "op" and self.token.text == "-":
            minuses.append(self.token)
            self.advance()
        node, depth = self.primary()
        for minus in reversed(minuses):
            depth += 1
            node, depth = self.build(Negate(node, minus.position), depth)
        return node, depth

    def primary(self) -> Part:
        """Read a literal, a reference, `.`, a bracketed expression or a function call."""
        token = self.token
        if token.kind == "(":
            return self.group()
        if token.kind == "function":
            return self.call()
        node: Node
        if token.kind == "number":
            node = Number(token.text, token.position)
        elif token.kind == "string":
            node = String(token.value, token.position)
        elif token.kind == "ref":
            node = Reference(token.value, token.position)
        elif token.kind == "current":
            node = Current(token.position)
        else:
            self.expected_value(token)
        self.advance()
        return node, 1

    def group(self) -> Part:
        """Read `( expression )`."""
        opening = self.open_bracket()
        inner = self.expression()
        self.close_bracket(opening, "')'")
        return inner

    def call(self) -> Part:
        """Read `name(argument, ...)`."""
        name = self.token
        self.advance()
        opening = self.open_bracket()
        args: list[Part] = []
        if self.token.kind != ")":
            args.append(self.expression())
            while self.token.kind == ",":
                self.advance()
                args.append(self.expression())
        self.close_bracket(opening, "',' or ')'")
        node = Call(name.text, tuple(arg for arg, _ in args), name.position)
        return self.build(node, 1 + max((depth for _, depth in args), default=0))

    def open_bracket(self) -> Token:
        """Step over an opening bracket, refusing too many inside each other."""
        opening = self.token
        self.brackets += 1
        if self.brackets > MAX_BRACKETS:
            raise LogicSyntaxError(at(opening.position, TOO_MANY_BRACKETS), opening.position)
        self.advance()
        return opening

    def close_bracket(self, opening: Token, expected: str) -> None:
        """Step over the closing bracket that matches `opening`, or explain what is missing."""
        if self.token.kind != ")":
            opened = f"the bracket opened at character {opening.position + 1}"
            self.fail(f"expected {expected} to close {opened}", expected)
        self.brackets -= 1
        self.advance()

    def build(self, node: Node, depth: int) -> Part:
        """Return a node with its depth, refusing trees too deep to work out safely."""
        if depth > MAX_STEPS:
            position = node.position  # type: ignore[attr-defined]
            raise LogicSyntaxError(at(position, TOO_COMPLICATED), position)
        return node, depth

    def expected_value(self, token: Token) -> NoReturn:
        """Explain that a value was expected where `token` is."""
        if token.kind == "end":
            self.fail("expected a value, but the expression ends here", "a value")
        if token.kind == "word" and token.text in ("true", "false"):
            self.fail(f"write {token.text}() with brackets", "a value")
        if token.kind == "word":
            name = token.text
            self.fail(
                f"'{name}' is not a question or a function: write a question like ${{{name}}}",
                "a value",
            )
        self.fail(
            "expected a value (a number, text in quotes, a ${question} or a function) "
            f"but found {describe(token)}",
            "a value",
        )

    def unexpected_after_value(self) -> NoReturn:
        """Explain a token that follows a complete value without an operator between."""
        if self.token.kind == ")":
            self.fail("there is a ')' here without a '(' before it", "an operator or the end")
        self.fail(
            "expected an operator (such as 'and', '=' or '+') or the end of the expression, "
            f"but found {describe(self.token)}",
            "an operator or the end",
        )

    def fail(self, text: str, expected: str) -> NoReturn:
        """Raise a syntax error at the current token."""
        raise LogicSyntaxError(at(self.token.position, text), self.token.position, expected)
