"""Evaluating the whole logic of a 150-question questionnaire for one interview.

Each generated rule exists twice: in the XLSForm logic language (what our evaluators run)
and as the same rule written natively in Python and in JavaScript (the baseline: what the
rule costs with no interpreter in between). The ratio is the interpreter's overhead.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench.report import Figure, compare
from surveys.logic import evaluate, parse

QUESTIONS = 150
LOGIC_JS = Path(__file__).resolve().parent.parent / "peer_research" / "static" / "js" / "logic.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class Rule:
    """One rule in three spellings; `current` names the question '.' stands for."""

    xlsform: str
    python: str
    javascript: str
    current: str | None = None


def make_interview(seed: int = 1) -> tuple[list[Rule], dict[str, object]]:
    """Return the rules of a 150-question questionnaire and one interview's answers."""
    rng = random.Random(seed)  # noqa: S311  (test data, not secrets)
    rules: list[Rule] = []
    answers: dict[str, object] = {}
    for number in range(QUESTIONS):
        name, kind = f"q{number}", number % 5
        answers[name] = [rng.randint(0, 100), "yes", "a c", "2000-05-17", "some text"][kind]
        earlier = f"q{max(0, number - 1 - kind)}"
        rules.append(
            Rule(
                f"${{{earlier}}} != '' and ${{q1}} = 'yes' or selected(${{q2}}, 'a')",
                f"(str(a['{earlier}']) != '' and a['q1'] == 'yes') or 'a' in a['q2'].split()",
                f"(String(a.{earlier}) !== '' && a.q1 === 'yes') || a.q2.split(' ').includes('a')",
            )
        )
        if kind == 0:
            rules.append(Rule(". >= 0 and . <= 120", "0 <= c <= 120", "c >= 0 && c <= 120", name))
        if kind == 4:
            rules.append(Rule("string-length(.) < 200", "len(c) < 200", "c.length < 200", name))
        if number % 10 == 0:
            rules.append(
                Rule(
                    "if(${q0} > 50, round(${q0} div 3, 1), 0) + count-selected(${q2})",
                    "(round(a['q0'] / 3, 1) if a['q0'] > 50 else 0) + len(a['q2'].split())",
                    "(a.q0 > 50 ? Math.round(a.q0 / 3 * 10) / 10 : 0) + a.q2.split(' ').length",
                )
            )
    return rules, answers


def time_per_run(run, repeat: int) -> float:
    """Return the mean seconds of one call, after a warm-up call."""
    run()
    started = time.perf_counter()
    for _ in range(repeat):
        run()
    return (time.perf_counter() - started) / repeat


def python_figures(rules: list[Rule], answers: dict[str, object]) -> tuple[float, float]:
    """Return (ours, native) milliseconds per interview in Python."""
    trees = [(parse(rule.xlsform), answers.get(rule.current)) for rule in rules]
    today = date(2026, 1, 1)
    native = [compile(rule.python, "<rule>", "eval") for rule in rules]
    currents = [answers.get(rule.current) for rule in rules]

    def ours() -> None:
        for tree, current in trees:
            evaluate(tree, answers, current, today=today)

    def baseline() -> None:
        for code, current in zip(native, currents, strict=True):
            eval(code, {"a": answers, "c": current, "len": len, "round": round, "str": str})  # noqa: S307

    repeat = int(os.environ.get("BENCH_LOGIC_REPEAT", "300"))
    return time_per_run(ours, repeat) * 1000, time_per_run(baseline, repeat) * 1000


JS_RUNNER = """
async ({rules, answers, repeat}) => {
  const logic = await import('/logic.js')
  const trees = rules.map(r => [logic.parse(r.xlsform), r.current ? answers[r.current] : null])
  const native = rules.map(r => new Function('a', 'c', 'return ' + r.javascript))
  const currents = rules.map(r => r.current ? answers[r.current] : null)
  const today = {today: '2026-01-01'}
  const ours = () => { for (const [t, c] of trees) logic.evaluate(t, answers, c, today) }
  const base = () => { for (let i = 0; i < native.length; i++) native[i](answers, currents[i]) }
  const time = (run) => {
    run()
    const t = performance.now()
    for (let i = 0; i < repeat; i++) run()
    return (performance.now() - t) / repeat
  }
  return [time(ours), time(base)]
}
"""


def javascript_figures(rules: list[Rule], answers: dict[str, object]) -> tuple[float, float] | None:
    """Return (ours, native) milliseconds per interview in Chromium, or None without it."""
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(chromium).exists():
        return None
    from playwright.sync_api import sync_playwright

    page_html = "<!DOCTYPE html><title>bench</title>"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.route(
            "http://bench.invalid/",
            lambda route: route.fulfill(body=page_html, content_type="text/html"),
        )
        page.route(
            "http://bench.invalid/logic.js",
            lambda route: route.fulfill(path=str(LOGIC_JS), content_type="text/javascript"),
        )
        page.goto("http://bench.invalid/")
        data = {
            "rules": [rule.__dict__ for rule in rules],
            "answers": answers,
            "repeat": int(os.environ.get("BENCH_LOGIC_REPEAT", "300")),
        }
        ours, native = page.evaluate(JS_RUNNER, json.loads(json.dumps(data)))
        browser.close()
    return ours, native


def run() -> Iterator[Figure]:
    """Print the per-interview cost of all the logic, in Python and in Chromium."""
    rules, answers = make_interview()
    ours, native = python_figures(rules, answers)
    yield Figure(
        compare(
            f"logic_eval_python_{len(rules)}_rules", ours, native, "ms/interview", "native python"
        )
    )
    figures = javascript_figures(rules, answers)
    if figures is None:
        yield Figure("logic_eval_javascript: skipped (no Chromium at CHROMIUM_PATH)")
        return
    ours, native = figures
    yield Figure(
        compare(
            f"logic_eval_javascript_{len(rules)}_rules",
            ours,
            native,
            "ms/interview",
            "native javascript",
        )
    )
