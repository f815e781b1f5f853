"""The interviewer's chart of how they felt over time, drawn as plain SVG.

The chart needs no JavaScript: the page draws it from the geometry made here. Before and
after interviews are told apart by more than colour: a solid line with round markers
for check-ins, a dashed line with square markers for debriefs. The page also gives the
same points as a table, for anyone who cannot see the chart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

SCORE_WORDS = {
    1: _l("Very bad"),
    2: _l("Bad"),
    3: _l("OK"),
    4: _l("Good"),
    5: _l("Very good"),
}
KIND_NAMES = {"before": _l("Before the interview"), "after": _l("After the interview")}
# The most recent points only: a chart of hundreds of points says less, the table has all.
MOST_POINTS = 30
WIDTH = 640
HEIGHT = 300
LEFT = 96  # room for the score words
RIGHT = 16
TOP = 16
BOTTOM = 48  # room for the dates


@dataclass(frozen=True)
class Point:
    """One check-in on the chart."""

    x: float
    y: float
    score: int
    kind: str
    given_at: datetime


@dataclass(frozen=True)
class Series:
    """The check-ins of one kind, joined by a line."""

    kind: str
    points: tuple[Point, ...]

    @property
    def path(self) -> str:
        """Return the SVG path joining the points in order."""
        steps = [f"{p.x:.1f},{p.y:.1f}" for p in self.points]
        return "M" + " L".join(steps) if steps else ""


@dataclass(frozen=True)
class Chart:
    """Everything the template needs to draw the chart."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    series: tuple[Series, ...]
    levels: tuple[tuple[int, float], ...]  # (score, y) for the grid lines and words
    first: datetime | None
    last: datetime | None
    shown: int
    total: int

    @property
    def is_empty(self) -> bool:
        """Tell whether there is nothing to draw."""
        return self.shown == 0


def score_y(score: int) -> float:
    """Return the height on the chart of a score from 1 (bottom) to 5 (top)."""
    inner = HEIGHT - TOP - BOTTOM
    return TOP + inner * (5 - score) / 4


def build_chart(check_ins: Iterable) -> Chart:
    """Lay out check-ins (anything with given_at, score and kind) oldest first, left to right."""
    every = sorted(
        (c for c in check_ins if c.score is not None and 1 <= c.score <= 5),
        key=lambda c: c.given_at,
    )
    recent = every[-MOST_POINTS:]
    inner_width = WIDTH - LEFT - RIGHT
    step = inner_width / (len(recent) - 1) if len(recent) > 1 else 0
    points = [
        Point(
            x=LEFT + (index * step if len(recent) > 1 else inner_width / 2),
            y=score_y(c.score),
            score=c.score,
            kind=_kind_value(c.kind),
            given_at=c.given_at,
        )
        for index, c in enumerate(recent)
    ]
    series = tuple(
        Series(kind, tuple(p for p in points if p.kind == kind)) for kind in ("before", "after")
    )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=RIGHT,
        top=TOP,
        bottom=BOTTOM,
        series=series,
        levels=tuple((score, score_y(score)) for score in range(5, 0, -1)),
        first=recent[0].given_at if recent else None,
        last=recent[-1].given_at if recent else None,
        shown=len(recent),
        total=len(every),
    )


def _kind_value(kind) -> str:
    """Return 'before' or 'after' for a kind given as text or as an Enum."""
    return getattr(kind, "value", kind)
