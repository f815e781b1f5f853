"""Figure lines: `name: value unit (baseline NAME value unit, ratio R)`."""

from __future__ import annotations

from dataclasses import dataclass

from bench.load import LoadResult


@dataclass(frozen=True)
class Figure:
    """One printed line, and whether the measurement behind it is sound."""

    line: str
    ok: bool = True


def compare(name: str, value: float, baseline: float, unit: str, baseline_name: str) -> str:
    """Return a figure line with its baseline and the ratio value/baseline."""
    ratio = value / baseline if baseline else float("nan")
    return (
        f"{name}: {value:.4g} {unit} "
        f"(baseline {baseline_name} {baseline:.4g} {unit}, ratio {ratio:.2f})"
    )


def describe_errors(result: LoadResult) -> str:
    """Return 'N of M requests', with the kinds of error when there are any."""
    errors = sum(result.errors.values())
    text = f"{errors} non-200 of {result.requests + errors} requests"
    if errors:
        kinds = ", ".join(f"{kind} x{count}" for kind, count in result.errors.most_common())
        text += f" [{kinds}]"
    return text


def error_figure(name: str, result: LoadResult, baseline: LoadResult, baseline_name: str) -> Figure:
    """Return the line counting non-200 answers; it is not ok when there are any."""
    line = (
        f"{name}: {describe_errors(result)} (baseline {baseline_name} {describe_errors(baseline)})"
    )
    return Figure(line, ok=not (result.errors or baseline.errors))
