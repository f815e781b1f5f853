"""Wellbeing in figures for facilitators: by month, no names, each figure on 5 or more.

A month's figures are shown only when they rest on at least `MIN_CHECK_INS` check-ins
(DESIGN.md invariant 6); smaller months are counted as "fewer than 5" with no figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.studies.models import Role, Study
from peer_research.wellbeing.models import Alert, CheckIn, CheckInKind
from peer_research.wellbeing.people import require_role

MIN_CHECK_INS = 5
SUMMARY_VIEWERS = frozenset({Role.FACILITATOR, Role.SUPPORT_LEAD})


@dataclass(frozen=True)
class MonthFigures:
    """One month's debriefs: how many, and (when 5 or more) the share that raised an alert
    and the average score. `shown` is False when the month has too few to show."""

    month: str  # "2026-11"
    shown: bool
    debriefs: int | None
    alert_share: float | None  # 0.0 to 1.0
    average_score: float | None


def monthly_summary(session: Session, *, study: Study, viewer: User) -> list[MonthFigures]:
    """Return the study's debrief figures by month, oldest first, with small months hidden."""
    require_role(session, study=study, user=viewer, roles=SUMMARY_VIEWERS)
    rows = session.execute(
        sa.select(CheckIn.given_at, CheckIn.score, Alert.id)
        .outerjoin(Alert, Alert.check_in_id == CheckIn.id)
        .where(CheckIn.study_id == study.id, CheckIn.kind == CheckInKind.AFTER)
    ).all()
    months: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    for given_at, score, alert_id in rows:
        months[given_at.strftime("%Y-%m")].append((score, alert_id is not None))
    figures = []
    for month in sorted(months):
        debriefs = months[month]
        if len(debriefs) < MIN_CHECK_INS:
            figures.append(MonthFigures(month, False, None, None, None))
            continue
        alerts = sum(1 for _score, alerted in debriefs if alerted)
        average = sum(score for score, _alerted in debriefs) / len(debriefs)
        figures.append(
            MonthFigures(month, True, len(debriefs), alerts / len(debriefs), round(average, 1))
        )
    return figures
