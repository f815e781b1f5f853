"""The tablet's logic evaluator (static/js/logic.js) in real Chromium agrees with the Python one.

The module is served from disk on a made-up origin under a strict Content-Security-Policy (no
unsafe-eval), imported once, and given every shared vector and a few thousand generated
expressions in one call; each result is compared with the vector and with Python's own.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import peer_research
from surveys.logic import LogicEvaluationError, LogicSyntaxError, evaluate, parse, to_source
from surveys.logic.functions import FUNCTIONS

pytestmark = pytest.mark.browser

LOGIC_JS = Path(peer_research.__file__).resolve().parent / "static" / "js" / "logic.js"
VECTORS_FILE = Path(__file__).resolve().parent.parent / "surveys" / "logic_vectors.json"
VECTORS = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
ORIGIN = "http://logic.test"
CSP = "default-src 'self'; script-src 'self'; object-src 'none'"

# Run cases through the module; report values, or errors with their kind, position and message.
RUN_CASES = """async cases => {
  const logic = await import('/logic.js')
  return cases.map(item => {
    try {
      if (item.parseOnly) return {source: logic.toSource(logic.parse(item.expression))}
      const value = logic.evaluate(item.expression, item.answers, item.current ?? null,
                                   {today: item.today})
      return {value, type: typeof value}
    } catch (error) {
      return {error: error.name, message: error.message, position: error.position ?? null}
    }
  })
}"""


# --- outcomes, in one comparable form for both languages ------------------------------------


def canonical(value: object) -> list:
    """Reduce a value to comparable JSON: kind and value (numbers exactly, -0 and NaN too)."""
    if isinstance(value, bool):
        return ["boolean", value]
    if isinstance(value, int | float):
        number = float(value)
        return ["number", "nan" if math.isnan(number) else number.hex()]
    return ["string", value]


def expected_outcome(expected: object) -> list:
    """Return the canonical form of a vector's `expected` entry."""
    if isinstance(expected, dict) and "number" in expected:
        return canonical(float(expected["number"]))
    if isinstance(expected, dict) and expected["error"] == "syntax":
        return ["error", "syntax", expected["position"]]
    if isinstance(expected, dict):
        return ["error", expected["error"]]
    return canonical(expected)


def javascript_outcome(result: dict, detailed: bool = False) -> list:
    """Return the canonical form of what the module returned for one case."""
    if "source" in result:
        return ["source", result["source"]]
    if "error" not in result:
        return canonical(result["value"])
    kind = {"LogicSyntaxError": "syntax", "LogicEvaluationError": "evaluation"}.get(
        result["error"], f"crash: {result['error']}: {result['message']}"
    )
    outcome = ["error", kind]
    if kind == "syntax":
        outcome.append(result["position"])
    return [*outcome, result["message"]] if detailed else outcome


def python_outcome(case: dict, detailed: bool = False) -> list:
    """Evaluate (or parse and print) a case in Python, in the same form."""
    try:
        if case.get("parseOnly"):
            return ["source", to_source(parse(case["expression"]))]
        today = date.fromisoformat(case["today"]) if case.get("today") else None
        value = evaluate(case["expression"], case["answers"], case.get("current"), today=today)
    except LogicSyntaxError as error:
        outcome = ["error", "syntax", error.position]
        return [*outcome, error.message] if detailed else outcome
    except LogicEvaluationError as error:
        return ["error", "evaluation", error.message] if detailed else ["error", "evaluation"]
    return canonical(value)


def disagreements(
    cases: list[dict], results: list[dict], expected: list[list], *, detailed: bool
) -> list[str]:
    """Return one readable line per case where JavaScript gave something else."""
    lines = []
    for number, (case, result, wanted) in enumerate(zip(cases, results, expected, strict=True)):
        got = javascript_outcome(result, detailed=detailed)
        if got != wanted:
            expression = case["expression"]
            shown = expression if len(expression) <= 80 else expression[:77] + "..."
            lines.append(
                f"#{number} {shown!r} answers={case.get('answers')} current={case.get('current')!r}"
                f"\n    JavaScript: {got}\n    expected:   {wanted}"
            )
    return lines


def report(lines: list[str], total: int) -> str:
    """Summarise disagreements for the failure message."""
    return f"{len(lines)} of {total} cases disagree:\n" + "\n".join(lines[:40])


# --- the page --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def logic_page(browser) -> Iterator:
    """Open a page on a made-up origin that serves logic.js from disk under a strict CSP."""
    context = browser.new_context()
    page = context.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))

    def serve(route) -> None:
        """Answer the page and the module without any server."""
        if urlsplit(route.request.url).path == "/logic.js":
            body, kind = LOGIC_JS.read_text(encoding="utf-8"), "text/javascript"
        else:
            body, kind = "<!doctype html><title>logic</title>", "text/html"
        route.fulfill(body=body, content_type=kind, headers={"Content-Security-Policy": CSP})

    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/")
    yield page
    context.close()
    assert not script_errors, script_errors


def run(page, cases: list[dict]) -> list[dict]:
    """Run cases in the browser."""
    return page.evaluate(RUN_CASES, cases)


def vector_case(vector: dict) -> dict:
    """Return a vector as a case for the browser (`today` only when the vector sets it)."""
    return {
        key: vector[key] for key in ("expression", "answers", "current", "today") if key in vector
    }


# --- the tests -------------------------------------------------------------------------------


def test_every_vector_gives_its_expected_result_in_javascript(logic_page) -> None:
    """Chromium evaluates all shared vectors exactly as expected (values, kinds, error places)."""
    cases = [vector_case(vector) for vector in VECTORS]
    results = run(logic_page, cases)
    expected = [expected_outcome(vector["expected"]) for vector in VECTORS]
    lines = disagreements(cases, results, expected, detailed=False)
    assert not lines, report(lines, len(cases))


def test_javascript_gives_python_s_messages_for_every_vector(logic_page) -> None:
    """Both evaluators reject the same vectors with the same position and the same message."""
    cases = [vector_case(vector) for vector in VECTORS]
    results = run(logic_page, cases)
    expected = [python_outcome(case, detailed=True) for case in cases]
    lines = disagreements(cases, results, expected, detailed=True)
    assert not lines, report(lines, len(cases))


def test_javascript_agrees_with_python_on_generated_expressions(logic_page) -> None:
    """Thousands of random expressions over awkward answers give identical results."""
    generator = random.Random(20260101)  # noqa: S311 - repeatable test data
    cases = [_random_case(generator) for _ in range(3000)]
    results = run(logic_page, cases)
    expected = [python_outcome(case, detailed=True) for case in cases]
    lines = disagreements(cases, results, expected, detailed=True)
    assert not lines, report(lines, len(cases))


def test_javascript_rejects_the_same_near_misses_and_prints_the_same_source(logic_page) -> None:
    """Token soup: the same syntax errors (place and message), or the same canonical text."""
    generator = random.Random(7)  # noqa: S311 - repeatable test data
    cases = [{"expression": _token_soup(generator), "parseOnly": True} for _ in range(3000)]
    results = run(logic_page, cases)
    expected = [python_outcome(case, detailed=True) for case in cases]
    lines = disagreements(cases, results, expected, detailed=True)
    assert not lines, report(lines, len(cases))


def test_the_app_serves_the_module_under_its_own_policy(browser, live_server) -> None:
    """The real app serves /static/js/logic.js, and its CSP lets the module run."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(live_server.url("/sign-in"))
        value = page.evaluate(
            """async () => {
                const logic = await import('/static/js/logic.js')
                return logic.evaluate("if(selected(${s}, 'b'), round(2.5), 0)", {s: ['a', 'b']})
            }"""
        )
    finally:
        context.close()
    assert value == 3


# --- generated cases ---------------------------------------------------------------------------

NAMES = ["n", "s", "d", "t", "b", "l", "e", "x-y"]
ANSWER_VALUES = [
    None, "", "0", "12", " 12 ", "-1.5", "abc", "a b", "é", "😀", "2026-01-01", "1970-01-01",
    "2024-02-29", "09:30", "true", "false", "1e3", 0, 1, -1, 2.5, -0.0, 0.1, 1e21, 1e-7, 1e300,
    123456789.123, True, False, ["a"], ["a", "b"], [], [1, 2],
]  # fmt: skip
LEAVES = [
    "0", "1", "2", "2.5", ".5", "10", "0.1", "3.0", "007", "1000000", "123456789.123",
    "''", "'a'", "'a b'", "'b'", "'2026-01-01'", "'10'", "' 12 '", "'é'", "'😀'", "'true'", "'1'",
    "'^a'", "'[0-9]+'", "'\\d+$'", "'.'", "'(a|b)'", "'[a-'", "'\\s'",
    ".", "today()", "true()", "false()",
    *(f"${{{name}}}" for name in NAMES),
]  # fmt: skip
BINARY = ["+", "-", "*", "div", "mod", "=", "!=", "<", "<=", ">", ">=", "and", "or"]
SOUP = [
    *BINARY, "1", "2.5", ".5", "'a'", '"b"', "${a}", "${first-name}", "${x", ".", "(", ")", ",",
    "not", "selected", "if", "concat", "round", "true()", "$", "{", "}", "'", '"', "/", "!",
    "==", "&", "|", "x", "..", "\u00a0", "\u2018", "é", "😀", "#", "1e5", "${}", "${1a}",
]  # fmt: skip


def _random_expression(generator: random.Random, depth: int = 0) -> str:
    """Return a random expression that parses (most of the time)."""
    roll = generator.random()
    if depth >= 4 or roll < 0.3:
        return generator.choice(LEAVES)
    if roll < 0.6:
        left = _random_expression(generator, depth + 1)
        right = _random_expression(generator, depth + 1)
        return f"{left} {generator.choice(BINARY)} {right}"
    if roll < 0.67:
        return "-" + _random_expression(generator, depth + 1)
    if roll < 0.74:
        return f"({_random_expression(generator, depth + 1)})"
    name = generator.choice(sorted(FUNCTIONS))
    function = FUNCTIONS[name]
    count = generator.randint(function.minimum, (function.maximum or function.minimum + 2))
    if generator.random() < 0.05:
        count += 1  # now and then, one value too many
    args = ", ".join(_random_expression(generator, depth + 1) for _ in range(count))
    return f"{name}({args})"


def _random_case(generator: random.Random) -> dict:
    """Return a random expression with random answers, current answer and date."""
    answers = {name: generator.choice(ANSWER_VALUES) for name in NAMES if generator.random() < 0.8}
    return {
        "expression": _random_expression(generator),
        "answers": answers,
        "current": generator.choice(ANSWER_VALUES),
        "today": generator.choice(["2026-01-01", "2024-02-29", "1999-12-31"]),
    }


def _token_soup(generator: random.Random) -> str:
    """Return a string of real tokens and typical mistakes, variously spaced."""
    count = generator.randint(0, 12)
    return "".join(generator.choice(SOUP) + generator.choice(["", " ", ""]) for _ in range(count))
