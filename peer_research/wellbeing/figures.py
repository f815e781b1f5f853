"""The facilitators' wellbeing summary as the page shows it: small numbers held back.

A figure is shown only where it rests on at least `SMALLEST` check-ins; otherwise the page
says "fewer than 5". No row carries a name. The page applies this rule itself, whatever
the counts it is given, so that a change elsewhere cannot show a small number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SMALLEST = 5


@dataclass(frozen=True)
class MonthRow:
    """One month of the summary: counts, or None where they are held back."""

    month: str  # "2026-11"
    debriefs: int | None
    with_alert: int | None
    share: int | None  # whole percent of debriefs that raised an alert
    check_ins: int | None

    @property
    def held_back(self) -> bool:
        """Tell whether this month rests on too few check-ins to show."""
        return self.debriefs is None


def month_rows(counts: Iterable) -> list[MonthRow]:
    """Turn monthly counts (month, debriefs, with_alert, check_ins) into rows, newest first."""
    rows = []
    for month, debriefs, with_alert, check_ins in counts:
        if debriefs < SMALLEST:
            rows.append(MonthRow(str(month), None, None, None, _shown(check_ins)))
            continue
        share = round(100 * with_alert / debriefs)
        rows.append(MonthRow(str(month), debriefs, with_alert, share, _shown(check_ins)))
    return sorted(rows, key=lambda row: row.month, reverse=True)


def _shown(count: int) -> int | None:
    """Return a count if it is big enough to show, else None."""
    return count if count >= SMALLEST else None
