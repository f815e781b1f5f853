"""The facilitators' wellbeing summary: by month, how many debriefs raised an alert.

Only counts, never names; a month resting on fewer than 5 check-ins shows no figures.
"""

from __future__ import annotations

from flask import g, render_template
from flask_login import current_user

from peer_research.access import FACILITATORS, allow
from peer_research.db import db
from peer_research.wellbeing import services as wellbeing
from peer_research.wellbeing.figures import SMALLEST, month_rows
from peer_research.wellbeing.views import WELLBEING, blueprint


@blueprint.get(f"{WELLBEING}/summary")
@allow(FACILITATORS)
def show_summary():
    """Show the share of debriefs that raised an alert, by month, for months with enough."""
    figures = wellbeing.monthly_summary(db.session, study=g.study, viewer=current_user)
    return render_template("wellbeing/summary.html", rows=month_rows(figures), smallest=SMALLEST)
