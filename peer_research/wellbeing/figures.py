"""The facilitators' wellbeing summary as the page shows it: small numbers held back.

A figure is shown only where it rests on at least `SMALLEST` debriefs; otherwise the page
says "fewer than 5". The services already hold small months back; the page applies the
rule again to whatever it is given, so that a change elsewhere cannot show a small number.
No row carries a name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SMALLEST = 5


@dataclass(frozen=True)
class MonthRow:
    """One month of the summary: figures, or None where they are held back."""

    month: str  # "2026-11"
    debriefs: int | None
    share: int | None  # whole percent of debriefs that raised an alert
    average_score: float | None

    @property
    def held_back(self) -> bool:
        """Tell whether this month rests on too few debriefs to show."""
        return self.debriefs is None


def month_rows(figures: Iterable) -> list[MonthRow]:
    """Turn monthly figures (month, shown, debriefs, alert_share, average_score) into rows,
    newest first."""
    rows = []
    for figure in figures:
        enough = figure.shown and figure.debriefs is not None and figure.debriefs >= SMALLEST
        if not enough:
            rows.append(MonthRow(figure.month, None, None, None))
            continue
        share = round(100 * (figure.alert_share or 0))
        rows.append(MonthRow(figure.month, figure.debriefs, share, figure.average_score))
    return sorted(rows, key=lambda row: row.month, reverse=True)
